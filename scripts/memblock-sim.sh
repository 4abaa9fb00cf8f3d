#!/usr/bin/env bash
# The memblock simulator (tools/testing/memblock), which compiles
# mm/memblock.c in userspace with ASan/UBSan, built twice: as is and with
# NUMA=1 (CONFIG_NUMA, node ids in every region). PASS/FAIL per test group
# is not reported by the simulator itself: it stops at the first failed
# assertion, so one PASS/FAIL line covers each run, with the count of checks.
. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/memblock
need_pkgs gcc liburcu-dev libc6-dev
rc_all=0
for numa in 0 1; do
	name="memblock simulator"
	log=$LOGS/memblock-sim.log
	if [ $numa = 1 ]; then
		name="$name (NUMA=1)"
		log=$LOGS/memblock-sim-numa.log
	fi
	make -s -C "$dir" clean >/dev/null 2>&1 || true
	if ! make -s -C "$dir" NUMA=$numa >"$log" 2>&1; then
		tail -n 20 "$log"
		echo "FAIL $name build (log: $log)"
		rc_all=1
		continue
	fi
	set +e
	(cd "$dir" && ./main -v) >>"$log" 2>&1
	rc=$?
	set -e
	ok=$(grep -c '^ok ' "$log" || true)
	batch=$(grep -c '^ok .*memblock_reserve_ranges' "$log" || true)
	bitmap=$(grep -c '^ok .*memblock_alloc_reserve_bitmap' "$log" || true)
	if [ $rc -eq 0 ] && { [ "$batch" = 0 ] || [ "$bitmap" = 0 ]; }; then
		echo "FAIL $name: no checks ran for memblock_reserve_ranges() or the reserve bitmap (log: $log)"
		rc_all=1
	elif [ $rc -eq 0 ]; then
		echo "PASS $name: $ok checks, $batch of them for memblock_reserve_ranges(), $bitmap for the reserve bitmap"
	else
		grep -E 'Assertion|not ok' "$log" | head -n 5
		echo "FAIL $name: stopped after $ok checks (exit $rc, log: $log)"
		rc_all=1
	fi
done
exit $rc_all
