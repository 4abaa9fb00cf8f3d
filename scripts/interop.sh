#!/usr/bin/env bash
# Stock Linux 7.3 and this series across kexec, both directions: the old
# kernel preserves with lib/test_kho.c, the next kernel restores and checks
# every folio. Proves the handover format is unchanged (kho-v4).
#
# The stock tree is a worktree of the work tree at "base" in build/stock/,
# laid out like build/ so that compiler command lines, and so ccache
# entries, are the same as for the series build.
. "$(dirname "$0")/lib.sh"

stock=$BUILD/stock
ours=$BUILD/kexec/arch/x86/boot/bzImage
[ -f "$ours" ] || die "no series kernel at $ours: run 'make kernel' first"

if [ ! -e "$stock/linux/.git" ]; then
	rm -rf "$stock/linux"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$stock/linux" base ||
		die "cannot create the stock worktree in $stock/linux"
fi
git -C "$stock/linux" checkout -q --detach base
say "building stock Linux 7.3 (no series) in $stock/kexec"
BUILD=$stock TREE=$stock/linux "$TOP/scripts/build.sh" kexec \
	"$TOP/configs/stock.config" >/dev/null ||
	die "stock kernel build failed (log: $stock/logs/build-kexec.log)"
stock_img=$stock/kexec/arch/x86/boot/bzImage

rc=0
for dir in stock-to-series series-to-stock; do
	if [ $dir = stock-to-series ]; then
		kernels=("$stock_img" "$ours")
	else
		kernels=("$ours" "$stock_img")
	fi
	MEM=1G TIMEOUT=${TIMEOUT:-300} "$TOP/scripts/qemu.sh" "interop-$dir" \
		"${kernels[@]}" -- "test_kho.max_mem=$((64 << 20))" || true
	log=$LOGS/qemu-interop-$dir.log
	next=$(awk 'found { print } /KHO-WB: kexec loaded/ { found = 1 }' "$log" | tr -d '\r')
	# Only the series' test_kho prints counts; stock says succeeded/failed.
	counts=$(grep -a -o -E 'test_kho: (preserving|restored) [0-9]+ folios, [0-9]+ bytes' "$log" | head -n 1 || true)
	if grep -q 'KHO-WB: kexec loaded' "$log" &&
	   grep -q 'KHO restore succeeded' <<<"$next" &&
	   grep -q 'KHO-WB: kho boot: yes' <<<"$next"; then
		echo "PASS interop $dir: next kernel restored and checksummed every folio${counts:+ (${counts#test_kho: })}"
	else
		echo "FAIL interop $dir (serial log: $log)"
		rc=1
	fi
done
# A stock old kernel hands over overlapping blocks (a folio with a page in
# its middle, and with an order-3 block at its head, both preserved too):
# the series reserves the union and restores every folio intact.
# bench/kho_bench's overlap mode preserves folios with blocks inside them
# in the old kernel, and checks them in the next.
mod_stock=$(build_kho_bench stock "$stock/linux" "$stock/kexec" "$BUILD/interop/mod-stock")
mod_series=$(build_kho_bench series "$TREE" "$BUILD/kexec" "$BUILD/interop/mod-series")
QEMU_BENCH_MODULE=$mod_stock QEMU_LAST_MODULE=$mod_series MEM=1G \
	TIMEOUT=${TIMEOUT:-300} "$TOP/scripts/qemu.sh" interop-overlap \
	"$stock_img" "$ours" -- "kho_bench.overlap=8" || true
log=$LOGS/qemu-interop-overlap.log
next=$(awk 'found { print } /KHO-WB: kexec loaded/ { found = 1 }' "$log" | tr -d '\r')
splat=$(grep -a -m1 -E "$SPLAT_RE" "$log" || true)
line=$(grep -a -o -E 'kho_bench: restored [0-9]+ of [0-9]+ .*' <<<"$next" || true)
if grep -a -q 'kho_bench: preserved 8 order-9 folios with 12 blocks inside them' "$log" &&
   grep -q 'kho_bench: restored 8 of 8 order-9 folios with blocks inside them, 0 pages without their pattern' <<<"$next" &&
   grep -q 'KHO: [0-9]* preserved blocks lie inside larger preserved blocks' <<<"$next" &&
   grep -q 'KHO-WB: kho boot: yes' <<<"$next" && [ -z "$splat" ]; then
	echo "PASS interop stock-to-series with overlapping blocks: ${line#kho_bench: }"
else
	echo "FAIL interop stock-to-series with overlapping blocks${splat:+: $splat} (serial log: $log)"
	rc=1
fi
exit $rc
