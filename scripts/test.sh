#!/usr/bin/env bash
# make test: every test of the series. Each check counts as one test (each
# patch for checkpatch, each KUnit case, each kernel of each QEMU scenario);
# the last line is "N passed, N failed" and the exit status is non-zero if
# anything failed.
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
failures=()
t0=$(date +%s)

# count OUTPUT: add up the PASS/FAIL lines a step printed.
count() {
	local p f
	p=$(grep -c '^PASS ' <<<"$1" || true)
	f=$(grep -c '^FAIL ' <<<"$1" || true)
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		mapfile -t -O ${#failures[@]} failures < <(grep '^FAIL ' <<<"$1")
	fi
}

# step NAME CMD...: run a step that prints PASS/FAIL lines; a step that
# fails without printing any FAIL line counts as one failure.
step() {
	local name=$1 out rc
	shift
	say "== $name"
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	printf '%s\n' "$out"
	count "$out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
		failed=$((failed + 1))
		failures+=("FAIL $name (exit $rc)")
	fi
	return 0
}

"$TOP/scripts/tree.sh"

step checkpatch "$TOP/scripts/checkpatch.sh"
step "kernel-doc -none -Wall" "$TOP/scripts/kernel-doc.sh"

# The kho_radix suite's cases (the .kunitconfig's suites).
KUNIT_MIN_CASES=${KUNIT_MIN_CASES:-67}

kunit_step() {
	local rc=0 log=$LOGS/kunit.log line
	"$TOP/scripts/kunit.sh" || rc=$?
	# kunit.py's result lines: "[..] [PASSED] case" / "[FAILED] case".
	# Every case must run: a skipped case fails, like a failed one.
	grep -E '^\[[0-9:]+\] +\[(PASSED|FAILED|CRASHED|SKIPPED)\] ' "$log" 2>/dev/null |
		sed -E 's/^\[[0-9:]+\] +\[PASSED\] /PASS kunit /; s/^\[[0-9:]+\] +\[(FAILED|CRASHED)\] /FAIL kunit /; s/^\[[0-9:]+\] +\[SKIPPED\] (.*)/FAIL kunit \1 (skipped)/' |
		grep -v -E '^(PASS|FAIL) kunit kho_radix$' || true
	line=$(grep -m1 -o 'Testing complete\..*' "$log" 2>/dev/null || true)
	echo "${line:-KUnit did not complete (log: $log)}"
	# The concurrency cases prove something only on several CPUs: the
	# churn case prints how many it ran on and how often threads met.
	line=$(grep -a -o -m1 'kho_radix_concurrent_churn: [0-9]* CPUs, .*' "$BUILD/kunit/test.log" 2>/dev/null || true)
	cpus=$(sed -n -E 's/^kho_radix_concurrent_churn: ([0-9]+) CPUs.*/\1/p' <<<"$line")
	if [ "${cpus:-0}" -ge 2 ]; then
		echo "PASS kunit: concurrency on ${line#*: }"
	else
		echo "FAIL kunit: concurrency cases ran on ${cpus:-an unknown number of} CPU(s): ${line:-no churn line in $BUILD/kunit/test.log}"
	fi
	# Fewer cases than the suite has means some were not run.
	ran=$(sed -n -E 's/.*Testing complete\. Ran ([0-9]+) tests.*/\1/p' "$log" 2>/dev/null | head -n 1)
	if [ "${ran:-0}" -lt "$KUNIT_MIN_CASES" ]; then
		echo "FAIL kunit: ran ${ran:-0} cases, expected at least $KUNIT_MIN_CASES"
	fi
	return $rc
}
step kunit kunit_step

step "harness: kho_radix userspace" "$TOP/scripts/harness.sh"
step "memblock simulator" "$TOP/scripts/memblock-sim.sh"

build_ok=1
say "== build: test kernel (configs/kexec.config)"
if "$TOP/scripts/build.sh" kexec "$TOP/configs/kexec.config" >/dev/null 2>"$LOGS/build-kexec.err"; then
	echo "PASS build kexec test kernel"
	passed=$((passed + 1))
else
	cat "$LOGS/build-kexec.err"
	echo "FAIL build kexec test kernel"
	failed=$((failed + 1))
	failures+=("FAIL build kexec test kernel (log: $LOGS/build-kexec.log)")
	build_ok=0
fi

if [ $build_ok = 1 ]; then
	# tools/testing/selftests/kho/vmtest.sh -s SCENARIO, KTAP per kernel
	step "selftests/kho: selftest (lib/test_kho.c)" "$TOP/scripts/kexec-test.sh" selftest
	step "selftests/kho: handover, checked by KUnit in the next kernel" "$TOP/scripts/kexec-test.sh" handover
	step "selftests/kho: chain of two kexecs" "$TOP/scripts/kexec-test.sh" chain
	for kind in unaligned outside scratch cycle wide order key0; do
		step "selftests/kho: corrupt-$kind" "$TOP/scripts/kexec-test.sh" "corrupt-$kind"
	done
	step "selftests/kho: overlapping blocks" "$TOP/scripts/kexec-test.sh" overlap
	step "selftests/kho: two NUMA nodes, a range at the start of node 1" "$TOP/scripts/kexec-test.sh" numa
	step "selftests/kho: no memory for the reserve bitmap: ranges" "$TOP/scripts/kexec-test.sh" ranges
	step "selftests/kho: init_on_free=1 in the next kernel" "$TOP/scripts/kexec-test.sh" init-on-free
	step "selftests/kho: restores before deferred struct page init" "$TOP/scripts/kexec-test.sh" early
	for fail in validate reserve init; do
		step "selftests/kho: fail-$fail in the next kernel" "$TOP/scripts/kexec-test.sh" "fail-$fail"
	done
	step "LUO and memfd across kexec (selftests/liveupdate programs)" "$TOP/scripts/luo-test.sh"
fi

say "== summary ($(( $(date +%s) - t0 )) s; logs in $LOGS)"
for f in "${failures[@]}"; do
	echo "  $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
