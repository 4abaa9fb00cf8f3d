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

# fuzz_verdict WHAT LOG EXIT: a PASS or FAIL line for a libFuzzer run.
fuzz_verdict() {
	local what=$1 flog=$2 frc=$3 runs rate

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$flog")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$flog")
	if [ "$frc" -eq 0 ] && [ -n "$runs" ]; then
		echo "PASS fuzz $what: $runs inputs, $rate/s, no crash (log: $flog)"
	else
		grep -E 'ERROR|SUMMARY|Test unit written' "$flog" | head -n 10
		echo "FAIL fuzz $what (exit $frc, log: $flog)"
		rc=1
	fi
}

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

# The same tests with 16 KiB and 64 KiB pages (arm64's other page sizes):
# the tree's shape follows PAGE_SHIFT. Fewer model operations, and a short
# run of the validator fuzzer each.
if ! make -s -C "$dir" pages >"$LOGS/harness-pages-build.log" 2>&1; then
	cat "$LOGS/harness-pages-build.log"
	echo "FAIL harness build for 16 KiB and 64 KiB pages"
	rc=1
else
	for ps in 16k 64k; do
		plog=$LOGS/harness-$ps.log
		set +e
		(cd "$dir" && ./kho_radix_test_$ps -n "${PAGES_OPS:-500000}") >"$plog" 2>&1
		prc=$?
		set -e
		grep -E '^kho_radix_test:|^  (memory cost|preserved|every|one|2 MiB|1 GiB)' "$plog" || true
		grep -E '^(PASS|FAIL) ' "$plog" | sed "s/^\(PASS\|FAIL\) /\1 harness $ps pages /"
		if [ $prc -ne 0 ]; then
			grep -q '^FAIL ' "$plog" || echo "FAIL harness $ps pages (exit $prc, log: $plog)"
			rc=1
		fi
		set +e
		(cd "$dir" && mkdir -p corpus-$ps &&
		 ./kho_radix_fuzz_$ps -max_total_time="${PAGES_FUZZ_SECONDS:-15}" \
			-print_final_stats=1 -timeout=10 corpus-$ps) >"$plog.fuzz" 2>&1
		frc=$?
		set -e
		fuzz_verdict "kho_radix_validate, $ps pages" "$plog.fuzz" $frc
	done
fi

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
fuzz_verdict kho_radix_validate "$fuzz_log" $frc
exit $rc
