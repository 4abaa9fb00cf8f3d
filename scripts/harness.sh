#!/usr/bin/env bash
# The kho_radix userspace harness (tools/testing/kho_radix in the series):
# the model test with fault injection and concurrency under ASan/UBSan, the
# same under ThreadSanitizer, then a bounded run of the validator fuzzer
# (FUZZ_SECONDS, default 60). PASS/FAIL lines.
. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/kho_radix
[ -d "$dir" ] || die "no $dir: is the harness patch in patches/?"
need_pkgs gcc clang libclang-rt-14-dev python3 libc6-dev libtsan2
log=$LOGS/harness.log
fuzz_log=$LOGS/fuzz.log
rc=0

make -s -C "$dir" clean >/dev/null
if ! make -s -C "$dir" kho_radix_test >"$log" 2>&1; then
	cat "$log"
	echo "FAIL harness build (log: $log)"
	exit 1
fi
start=$(date +%s.%N)
set +e
(cd "$dir" && ./kho_radix_test ${HARNESS_ARGS:-}) >>"$log" 2>&1
hrc=$?
set -e
secs=$(echo "$(date +%s.%N) - $start" | bc)
grep -E '^kho_radix_test:|^  ' "$log" || true
grep -E '^(PASS|FAIL) ' "$log" | sed 's/^\(PASS\|FAIL\) /\1 harness /'
if [ $hrc -ne 0 ]; then
	grep -E 'FAIL|ERROR|runtime error' "$log" | head -n 10 >&2 || true
	grep -q '^FAIL ' "$log" || echo "FAIL harness (exit $hrc, log: $log)"
	rc=1
fi
printf 'harness: %.1f s\n' "$secs"

# The same tests under ThreadSanitizer (a separate binary: TSan and ASan do
# not mix); any report fails.
tsan_log=$LOGS/harness-tsan.log
set +e
make -s -C "$dir" tsan TSAN_OPS="${TSAN_OPS:-20000}" >"$tsan_log" 2>&1
trc=$?
set -e
if [ $trc -eq 0 ] && ! grep -q 'WARNING: ThreadSanitizer' "$tsan_log"; then
	echo "PASS harness under ThreadSanitizer: $(grep -E '^[0-9]+ passed' "$tsan_log"), no report (log: $tsan_log)"
else
	grep -E 'WARNING: ThreadSanitizer|SUMMARY|FAIL' "$tsan_log" | head -n 6
	echo "FAIL harness under ThreadSanitizer (exit $trc, log: $tsan_log)"
	rc=1
fi

set +e
make -s -C "$dir" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}" >"$fuzz_log" 2>&1
frc=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz_log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$fuzz_log")
if [ $frc -eq 0 ] && [ -n "$runs" ]; then
	echo "PASS fuzz kho_radix_validate: $runs inputs, $rate/s, no crash (log: $fuzz_log)"
else
	grep -E 'ERROR|SUMMARY|Test unit written' "$fuzz_log" | head -n 10
	echo "FAIL fuzz kho_radix_validate (exit $frc, log: $fuzz_log)"
	rc=1
fi
exit $rc
