#!/usr/bin/env bash
# Run the KUnit suites of the series with kunit.py on x86_64 (QEMU, TCG).
# kunit.py asks QEMU for KVM first; /dev/kvm exists here but Linux guests
# hang under it, so unless KHO_KVM=1 the run happens in a private mount
# namespace where /dev/kvm is /dev/null and QEMU falls back to TCG.
# Prints the KTAP summary; the exit code is kunit.py's.
#
#   kunit.sh [VARIANT]
#
# VARIANT (debug-kcsan, debug-kasan) adds configs/kunit-VARIANT.config and
# builds in build/kunit-VARIANT; the kernel log of the run is then searched
# for sanitizer, lockdep and might_sleep reports: one in KHO, kho_radix or
# memblock code fails the run, others are listed. VARIANT arm64-4k,
# arm64-16k or arm64-64k builds for arm64 with that page size (Debian's
# cross compiler, qemu-system-aarch64 with TCG).
. "$(dirname "$0")/lib.sh"

variant=${1:-}

need_build_tools
arch=x86_64
case $variant in
arm64-*)
	arch=arm64
	need_pkgs gcc-aarch64-linux-gnu qemu-system-arm
	;;
*)
	need_qemu
	;;
esac
[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"

out=$BUILD/kunit${variant:+-$variant}
log=$LOGS/kunit${variant:+-$variant}.log
mkdir -p "$out"
args=(run --arch="$arch" --build_dir="$out" --jobs="$JOBS" --timeout=1800
      --kunitconfig="$TOP/configs/kunit.config")
if [ "$arch" = arm64 ]; then
	args+=(--cross_compile=aarch64-linux-gnu-
	       --make_options "CC=ccache aarch64-linux-gnu-gcc")
else
	args+=(--make_options "CC=ccache gcc")
fi
if [ -n "$variant" ]; then
	[ -f "$TOP/configs/kunit-$variant.config" ] || die "no configs/kunit-$variant.config"
	args+=(--kunitconfig="$TOP/configs/kunit-$variant.config")
fi
# Every .kunitconfig the series ships for our code: a missing one fails.
for k in kernel/liveupdate/.kunitconfig; do
	[ -f "$TREE/$k" ] || die "$TREE/$k is missing"
	args+=(--kunitconfig="$TREE/$k")
done
# Two vCPUs, so that the concurrency cases run on more than one CPU.
args+=(--qemu_args="-smp 2")

cmd=(python3 tools/testing/kunit/kunit.py "${args[@]}")
if [ "${KHO_KVM:-0}" != 1 ] && [ -e /dev/kvm ]; then
	cmd=(unshare -m --propagation private bash -c \
	     'mount --bind /dev/null /dev/kvm && exec "$@"' kunit "${cmd[@]}")
fi

say "KUnit${variant:+ ($variant)}: building and running on $arch under QEMU/TCG (log: $log)"
start=$(date +%s)
set +e
(cd "$TREE" && timeout 3600 "${cmd[@]}") >"$log" 2>&1
rc=$?
set -e
grep -E '^\[[0-9:]+\] (Testing complete|=+ \[(PASSED|FAILED|SKIPPED)\]|.*(PASSED|FAILED|SKIPPED|CRASHED)$)' "$log" |
	grep -E 'Testing complete|\[(FAILED|CRASHED)\]|={4,}' | tail -n 40 || true
if [ $rc -ne 0 ]; then
	grep -E 'FAILED|CRASHED|error:|Error' "$log" | head -n 20 >&2 || true
	die "KUnit failed (exit $rc; full log: $log)"
fi
if [ "${variant#debug-}" != "$variant" ]; then
	# A report starts with "BUG:" or "WARNING:" (KCSAN, KASAN, lockdep,
	# might_sleep, DEBUG_VM); its stacks follow within 60 lines.
	reports=$(awk '/(BUG|WARNING):/ { r++; left = 60 }
		left > 0 { left--; print "report " r ": " $0 }' "$out/test.log" 2>/dev/null || true)
	n=$(grep -c -E '^report [0-9]+: .*(BUG|WARNING):' <<<"$reports" || true)
	ours=$(grep -E '^report [0-9]+: .*(kho_|memblock)' <<<"$reports" |
		sed -E 's/^report ([0-9]+):.*/\1/' | sort -u | tr '\n' ' ' || true)
	say "KUnit ($variant): $n report(s) in the kernel log, in KHO/kho_radix/memblock code: ${ours:-none}"
	grep -a -o 'kho_radix_concurrent_churn: .*' "$out/test.log" || true
	grep -E '^report [0-9]+: .*(BUG|WARNING):' <<<"$reports" | head -n 10 || true
	[ -z "$ours" ] || die "KUnit ($variant): reports in our code (kernel log: $out/test.log)"
fi
say "KUnit${variant:+ ($variant)} passed in $(( $(date +%s) - start )) s"
