#!/usr/bin/env bash
# make test-arm64: the series on arm64, for each page size in ARM64_PAGES
# (default "4k 16k 64k"):
# - KUnit kho_radix (scripts/kunit.sh arm64-SIZE);
# - the arm64 test kernel (configs/kexec-arm64.config plus the page-size
#   fragment configs/kunit-arm64-SIZE.config) in build/kexec-arm64-SIZE,
#   cross-built with Debian's aarch64 compiler through ccache;
# - the kexec scenarios in ARM64_SCENARIOS (default: selftest, handover,
#   corrupt-order, corrupt-nomap, corrupt-nomap-block) under
#   qemu-system-aarch64 (virt, -cpu max, TCG), with the per-kernel verdicts
#   of tools/testing/selftests/kho/vmtest.sh. handover preserves a 2 GiB
#   range: order 19 with 4 KiB pages, 17 with 16 KiB, 15 with 64 KiB, all
#   above MAX_PAGE_ORDER. The nomap kinds point a table entry and a block
#   into a no-map reserved-memory region that vmtest.sh adds to QEMU's
#   device tree.
# Ends with "N passed, N failed"; exit 1 if anything failed.
. "$(dirname "$0")/lib.sh"

pages=${ARM64_PAGES:-"4k 16k 64k"}
scenarios=${ARM64_SCENARIOS:-"selftest handover corrupt-order corrupt-nomap corrupt-nomap-block"}
pass=0
fail=0
start=$(date +%s)

count() {
	local out=$1
	pass=$((pass + $(grep -c '^PASS' <<<"$out" || true)))
	fail=$((fail + $(grep -c '^FAIL' <<<"$out" || true)))
}

for ps in $pages; do
	frag=$TOP/configs/kunit-arm64-$ps.config
	[ -f "$frag" ] || die "no page-size fragment $frag"
	say "== arm64, $ps pages: KUnit"
	if "$TOP/scripts/kunit.sh" "arm64-$ps"; then
		echo "PASS arm64 $ps: KUnit"
		pass=$((pass + 1))
	else
		echo "FAIL arm64 $ps: KUnit (log: $LOGS/kunit-arm64-$ps.log)"
		fail=$((fail + 1))
	fi

	say "== arm64, $ps pages: kexec test kernel"
	if ! KHO_ARCH=arm64 "$TOP/scripts/build.sh" "kexec-arm64-$ps" \
		"$TOP/configs/kexec-arm64.config" "$frag" >/dev/null; then
		echo "FAIL arm64 $ps: kernel build (log: $LOGS/build-kexec-arm64-$ps.log)"
		fail=$((fail + 1))
		continue
	fi
	for s in $scenarios; do
		out=$(KHO_ARCH=arm64 KHO_KEXEC="kexec-arm64-$ps" \
			"$TOP/scripts/kexec-test.sh" "$s" 2>&1 || true)
		out=$(sed -E "s/^(PASS|FAIL) /\\1 arm64 $ps: /" <<<"$out")
		echo "$out" | grep -E '^(PASS|FAIL|#)' || echo "$out" | tail -n 5
		count "$out"
	done
done

say "arm64: $pass passed, $fail failed in $(( $(date +%s) - start )) s"
[ "$fail" = 0 ]
