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
exit $rc
