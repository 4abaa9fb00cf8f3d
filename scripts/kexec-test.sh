#!/usr/bin/env bash
# One QEMU kexec scenario on the test kernel, with a verdict per kernel.
#
#   kexec-test.sh SCENARIO
#
# selftest: the kernel's own KHO test (lib/test_kho.c, default 8 MiB of
#           random-order folios), one kexec, 1 GiB guest; what
#           tools/testing/selftests/kho/vmtest.sh checks.
# demo:     the same module preserving MIB (default 384) MiB of folios of
#           mixed orders filled with random data, 2 GiB guest; prints a
#           summary.
# handover: lib/test_kho_handover.c: folios of every order, a 2 GiB
#           kho_preserve_pages() range (an order-19 block, above
#           MAX_PAGE_ORDER), vmalloc, and unpreserved blocks; 10 GiB guest;
#           the next kernel's kho_handover KUnit suite checks them (KTAP).
# chain:    the same with a 256 MiB range through two kexecs: the middle
#           kernel restores, checks and preserves again; the last checks.
# corrupt-KIND: as selftest, but the old kernel corrupts its preserved
#           memory map (KIND: unaligned, outside, scratch, cycle, wide,
#           order, key0) just before the kexec; the next kernel must reject
#           the map with one warning and boot as a normal, non-KHO boot.
# Exit 0 when both kernels pass.
. "$(dirname "$0")/lib.sh"

scenario=$1
kernel=$BUILD/kexec/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no test kernel at $kernel: run scripts/build.sh kexec first"

case $scenario in
selftest)
	MEM=1G TIMEOUT=${TIMEOUT:-300} "$TOP/scripts/qemu.sh" selftest \
		"$kernel" "$kernel" -- || true
	;;
demo)
	mib=${MIB:-384}
	MEM=2G TIMEOUT=${TIMEOUT:-600} "$TOP/scripts/qemu.sh" demo \
		"$kernel" "$kernel" -- "test_kho.max_mem=$((mib << 20))" || true
	;;
handover)
	seed=${SEED:-$RANDOM}
	MEM=10G TIMEOUT=${TIMEOUT:-600} "$TOP/scripts/qemu.sh" handover \
		"$kernel" "$kernel" -- "test_kho_handover.big_mib=2048" kho_scratch=64M,512M,64M nokaslr \
		"test_kho_handover.seed=$seed" || true
	;;
chain)
	seed=${SEED:-$RANDOM}
	MEM=2G TIMEOUT=${TIMEOUT:-600} "$TOP/scripts/qemu.sh" chain \
		"$kernel" "$kernel" "$kernel" -- "test_kho_handover.big_mib=256" \
		"test_kho_handover.seed=$seed" || true
	;;
corrupt-*)
	MEM=1G TIMEOUT=${TIMEOUT:-300} "$TOP/scripts/qemu.sh" "$scenario" \
		"$kernel" "$kernel" -- "kho_wb.corrupt=${scenario#corrupt-}" || true
	;;
*)
	die "unknown scenario '$scenario'"
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

# The kho_handover suite's result in a segment of the log: PASS/FAIL line.
handover_verdict() {
	local seg=$1 name=$2 suite line
	suite=$(grep -a -E '(not )?ok [0-9]+ kho_handover( |$)' "$seg" | tail -n 1 | sed 's/.*\] *//' || true)
	line=$(grep -a -o 'kho_handover: seed [0-9]*: verified .*' "$seg" | tail -n 1 || true)
	if [[ $suite == "ok "*" kho_handover" ]] && [ -n "$line" ] &&
	   ! grep -a -q -E 'not ok [0-9]+ kho_handover' "$seg"; then
		echo "PASS $scenario: $name: KTAP '$suite'; ${line#kho_handover: }"
	else
		grep -a -E 'not ok|EXPECTATION FAILED|ASSERTION FAILED|Expected|held|lost' "$seg" | head -n 8 | sed 's/^/    /' || true
		echo "FAIL $scenario: $name: kho_handover suite '${suite:-missing}' (serial log: $log)"
		verdict=1
	fi
}

if [ "$scenario" = handover ] || [ "$scenario" = chain ]; then
	# One file per kernel: a new one after each kexec.
	rm -f "$BUILD/qemu/$scenario"/kernel*.log
	awk -v d="$BUILD/qemu/$scenario" '{ sub(/\r$/, ""); print > (d "/kernel" n ".log") }
		/KHO-WB: kexec loaded/ { n++ }' n=0 "$log"
	nk=$(ls "$BUILD/qemu/$scenario"/kernel*.log | wc -l)
	want=2
	[ "$scenario" = chain ] && want=3
	first=$BUILD/qemu/$scenario/kernel0.log
	saved=$(grep -a -o 'kho_handover: seed [0-9]*: preserved .*' "$first" | head -n 1 || true)
	if [ -n "$saved" ] && grep -a -q 'KHO-WB: kexec loaded' "$first" &&
	   grep -a -q -E 'ok [0-9]+ kho_handover # SKIP' "$first"; then
		echo "PASS $scenario: kernel 1 (cold boot): ${saved#kho_handover: }; suite skipped; kexec'ed"
	else
		echo "FAIL $scenario: kernel 1 did not preserve its data and kexec (serial log: $log)"
		verdict=1
	fi
	for ((k = 1; k < want; k++)); do
		seg=$BUILD/qemu/$scenario/kernel$k.log
		if [ $k -ge "$nk" ]; then
			echo "FAIL $scenario: kernel $((k + 1)) never booted (serial log: $log)"
			verdict=1
			continue
		fi
		if ! grep -a -q 'KHO-WB: kho boot: yes' "$seg" && [ $k -eq $((want - 1)) ]; then
			echo "FAIL $scenario: kernel $((k + 1)) is not a KHO boot (serial log: $log)"
			verdict=1
			continue
		fi
		handover_verdict "$seg" "kernel $((k + 1))"
	done
	exit $verdict
fi

if [[ $scenario == corrupt-* ]]; then
	kind=${scenario#corrupt-}
	if grep -q "KHO: preserved memory map corrupted for testing: $kind" "$old" &&
	   grep -q 'KHO-WB: kexec loaded' "$log"; then
		echo "PASS $scenario: old kernel corrupted its map ($kind) and kexec'ed"
	else
		echo "FAIL $scenario: old kernel did not corrupt its map and kexec (serial log: $log)"
		verdict=1
	fi
	warns=$(grep -c 'KHO: preserved memory map rejected' "$next" || true)
	splat=$(grep -m1 -E 'Kernel panic|BUG:|WARNING:|Oops' "$next" || true)
	reason=$(grep -m1 -o 'preserved memory map rejected: .*' "$next" || true)
	if [ "$warns" = 1 ] && [ -z "$splat" ] &&
	   grep -q 'KHO-WB: kho boot: no' "$next" &&
	   grep -q 'KHO-WB: stopping' "$next"; then
		echo "PASS $scenario: next kernel ${reason:-rejected the map}, booted without KHO"
	else
		echo "FAIL $scenario: next kernel: $warns rejection warning(s)${splat:+, $splat}, KHO boot: $(grep -o 'kho boot: .*' "$next" || echo '?') (serial log: $log)"
		verdict=1
	fi
	exit $verdict
fi
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
