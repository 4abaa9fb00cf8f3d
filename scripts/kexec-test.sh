#!/usr/bin/env bash
# One QEMU kexec scenario on the test kernel, with a verdict per kernel.
#
#   kexec-test.sh SCENARIO
#
# The series' selftest runs these (tools/testing/selftests/kho/vmtest.sh
# -s SCENARIO, on the kernel built in build/kexec, QEMU with TCG); its KTAP
# result lines become PASS/FAIL lines here:
# selftest: the kernel's own KHO test (lib/test_kho.c, 8 MiB of
#           random-order folios), one kexec, 1 GiB guest.
# handover: lib/test_kho_handover.c: folios of every order, a 2 GiB
#           kho_preserve_pages() range (an order-19 block, above
#           MAX_PAGE_ORDER), vmalloc, and unpreserved blocks; 10 GiB guest;
#           the next kernel's kho_handover KUnit suite checks them (KTAP).
# chain:    the same with a 256 MiB range through two kexecs: the middle
#           kernel restores, checks and preserves again; the last checks.
# corrupt-KIND: the old kernel corrupts its preserved memory map (KIND:
#           unaligned, outside, scratch, cycle, wide, order, key0) just
#           before the kexec; the next kernel must reject the map with one
#           warning and boot as a normal, non-KHO boot.
# overlap:  handover with blocks preserved inside preserved folios (the
#           same address at two orders, a page in a folio's middle); the
#           next kernel reserves the union and restores the folios, 2 GiB.
# numa:     handover on a guest with two NUMA nodes (2 GiB each): folios
#           of every order on both and one kho_preserve_pages() range at
#           the start of node 1 (in its lowest free block when something
#           else holds the node's first page); the next kernel finds every
#           block on its node, first and last page.
# ranges:   handover (256 MiB range) where the next kernel's
#           kho_test_fail=bitmap leaves no memory for the reserve bitmap:
#           the map is reserved as memblock ranges instead, 2 GiB.
# early:    handover (256 MiB range) whose next kernel restores the range at
#           early_initcall, before deferred struct page initialisation
#           reached it; its struct pages must be initialised, 4 GiB.
# init-on-free: handover (256 MiB range) with init_on_free=1: a preserved
#           page freed by mistake would be cleared, 2 GiB.
# fail-STEP: the next kernel's kho_test_fail=STEP makes every allocation
#           of a step fail (validate, reserve) or kho_init() fail (init);
#           it must warn once, not splat, and keep working, 2 GiB guest.
# Every scenario's last kernel writes and reads back three quarters of its
# free memory; a splat (BUG, WARNING, Oops, Bad page state, panic) in any
# kernel fails that kernel.
#
# The workbench's own runner (scripts/qemu.sh and scripts/guest/init.c)
# runs these, for kernels whose selftest has no scenarios yet:
# boot:     lib/test_kho.c's default test, one kexec, 1 GiB guest (used by
#           bisect-check.sh for every patch of the series).
# demo:     the same module preserving MIB (default 384) MiB of folios of
#           mixed orders filled with random data, 2 GiB guest; prints a
#           summary.
# Exit 0 when every kernel passes.
. "$(dirname "$0")/lib.sh"

scenario=$1
# KHO_KEXEC=NAME: the test kernel built in build/NAME (default kexec).
# KHO_ARCH=arm64: an arm64 kernel, run by qemu-system-aarch64 (vmtest.sh
# -t aarch64; the workbench's own scenarios are x86_64 only).
kdir=$BUILD/${KHO_KEXEC:-kexec}
kernel=$kdir/arch/x86/boot/bzImage
target=()
if [ "${KHO_ARCH:-x86}" = arm64 ]; then
	need_pkgs gcc-aarch64-linux-gnu qemu-system-arm device-tree-compiler
	kernel=$kdir/arch/arm64/boot/Image
	target=(-t aarch64)
	export CROSS_COMPILE=aarch64-linux-gnu-
else
	need_qemu
fi
[ -f "$kernel" ] || die "no test kernel at $kernel: run scripts/build.sh kexec first"

case $scenario in
boot | demo)
	[ "${KHO_ARCH:-x86}" = x86 ] || die "scenario $scenario runs on x86_64 only"
	;;&
boot)
	MEM=1G TIMEOUT=${TIMEOUT:-300} "$TOP/scripts/qemu.sh" boot \
		"$kernel" "$kernel" -- || true
	;;
demo)
	mib=${MIB:-384}
	MEM=2G TIMEOUT=${TIMEOUT:-600} "$TOP/scripts/qemu.sh" demo \
		"$kernel" "$kernel" -- "test_kho.max_mem=$((mib << 20))" || true
	;;
*)
	vmtest=$TREE/tools/testing/selftests/kho/vmtest.sh
	grep -q -- '-s)' "$vmtest" ||
		die "$vmtest has no scenarios (run 'boot' on kernels before the selftest patch)"
	# logs of another build dir's kernel: named after it too
	tag=$scenario${KHO_KEXEC:+-$KHO_KEXEC}
	ktap=$LOGS/kexec-$tag.ktap
	say "selftest $scenario: vmtest.sh -s $scenario (KTAP: $ktap)"
	# -a tcg: KVM hangs Linux guests on these machines (KHO_KVM=1: KVM).
	accel=tcg
	[ "${KHO_KVM:-0}" = 1 ] && accel=kvm
	rc=0
	# KHO_MEM: guest memory instead of the scenario's default
	"$vmtest" -d "$kdir" -k -a "$accel" -j "$JOBS" -s "$scenario" \
		"${target[@]}" ${SEED:+-S "$SEED"} ${KHO_MEM:+-m "$KHO_MEM"} \
		>"$ktap" 2>&1 || rc=$?
	cp "$kdir/kho-vmtest.serial" "$LOGS/qemu-$tag.log" 2>/dev/null || true
	grep -E '^# (scenario|command line|Totals)' "$ktap" || true
	sed -n -E "s/^ok [0-9]+ (.*)/PASS \1/p; s|^not ok [0-9]+ (.*)|FAIL \1 (serial log: $LOGS/qemu-$tag.log)|p" "$ktap" |
		sed -E 's/^PASS (.*)# SKIP(.*)/FAIL \1(skipped)\2/'
	if ! grep -q -E '^(not )?ok [0-9]+ ' "$ktap"; then
		echo "FAIL $scenario: vmtest.sh exit $rc, no result (output: $ktap)"
		exit 1
	fi
	exit $rc
	;;
esac

log=$LOGS/qemu-$scenario.log
[ -f "$log" ] || die "no serial log for $scenario"
# Split the serial log at the kexec: what each kernel printed.
old=$BUILD/qemu/$scenario/old.log
next=$BUILD/qemu/$scenario/next.log
awk '/KHO-WB: kexec loaded/ { print > "/dev/stderr"; exit } { print }' \
	"$log" >"$old" 2>/dev/null
awk 'found { print } /KHO-WB: kexec loaded/ { found = 1 }' "$log" >"$next"

verdict=0

field() { sed -n "s/.*test_kho: $1 \([0-9]*\) folios, \([0-9]*\) bytes, orders\(.*\)/\\$2/p" "$3" | tail -n 1; }
pfolios=$(field preserving 1 "$old")
pbytes=$(field preserving 2 "$old")
porders=$(field preserving 3 "$old")
if [ -n "$pfolios" ] && grep -q 'KHO-WB: kexec loaded' "$log"; then
	echo "PASS $scenario: old kernel preserved $pfolios folios ($pbytes bytes) and kexec'ed"
else
	echo "FAIL $scenario: old kernel did not preserve and kexec (serial log: $log)"
	verdict=1
fi
rfolios=$(field restored 1 "$next")
rbytes=$(field restored 2 "$next")
if grep -q 'KHO restore succeeded' "$next" && [ "$rfolios" = "$pfolios" ] &&
   [ "$rbytes" = "$pbytes" ] && grep -q 'KHO-WB: kho boot: yes' "$next" &&
   grep -q 'KHO-WB: stopping' "$next"; then
	echo "PASS $scenario: next kernel restored and verified $rfolios folios ($rbytes bytes)"
else
	why=$(grep -m1 -E 'KHO restore failed|Kernel panic|BUG:|WARNING:' "$next" || true)
	echo "FAIL $scenario: next kernel did not verify the preserved memory${why:+: $why} (serial log: $log)"
	verdict=1
fi

if [ "$scenario" = demo ]; then
	secs=$(cat "$BUILD/qemu/demo/seconds" 2>/dev/null || echo '?')
	reserve=$(grep -m1 -o 'KHO: reserved .*' "$next" || true)
	# Under TCG the early clock only runs with tsc_early_khz= (make bench
	# passes it); without it the reservation line reads 0 us.
	case $reserve in *" in 0 us, block orders recorded in 0 us"*)
		reserve="${reserve%% in 0 us*} (timer not running this early; see make bench)" ;;
	esac
	cat <<SUM

  ---------------------------------------------------------------
  KHO demo: Linux $(cat "$CACHE/base-version") + series ($(ls "$TOP"/patches/[0-9]*.patch 2>/dev/null | grep -vc cover-letter) patches), QEMU/TCG, 2 GiB guest
  preserved (old kernel):  ${pfolios:-?} folios, $(( ${pbytes:-0} >> 20 )) MiB, random data
  orders (order:folios):  ${porders:- ?}
  verified (next kernel):  ${rfolios:-?} folios, $(( ${rbytes:-0} >> 20 )) MiB, checksum over every byte
  next kernel's KHO reservation: ${reserve:-not reported by this kernel yet}
  QEMU wall time, both kernels: ${secs} s
  verdict: $([ $verdict -eq 0 ] && echo PASS || echo FAIL)
  serial log: $log
  ---------------------------------------------------------------
SUM
fi
exit $verdict
