#!/usr/bin/env bash
# The memblock simulator (tools/testing/memblock), which compiles
# mm/memblock.c in userspace with ASan/UBSan. PASS/FAIL per test group is
# not reported by the simulator itself: it stops at the first failed
# assertion, so one PASS/FAIL line covers the run, with the count of checks.
. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/memblock
need_pkgs gcc liburcu-dev libc6-dev
log=$LOGS/memblock-sim.log
make -s -C "$dir" clean >/dev/null 2>&1 || true
if ! make -s -C "$dir" >"$log" 2>&1; then
	tail -n 20 "$log"
	echo "FAIL memblock simulator build (log: $log)"
	exit 1
fi
set +e
(cd "$dir" && ./main -v) >>"$log" 2>&1
rc=$?
set -e
ok=$(grep -c '^ok ' "$log" || true)
batch=$(grep -c '^ok .*memblock_reserve_ranges' "$log" || true)
if [ $rc -eq 0 ]; then
	echo "PASS memblock simulator: $ok checks, $batch of them for memblock_reserve_ranges()"
else
	grep -E 'Assertion|not ok' "$log" | head -n 5
	echo "FAIL memblock simulator: stopped after $ok checks (exit $rc, log: $log)"
	exit 1
fi
