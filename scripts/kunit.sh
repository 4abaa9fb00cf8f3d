#!/usr/bin/env bash
# Run the KUnit suites of the series with kunit.py on x86_64 (QEMU, TCG).
# kunit.py asks QEMU for KVM first; /dev/kvm exists here but Linux guests
# hang under it, so unless KHO_KVM=1 the run happens in a private mount
# namespace where /dev/kvm is /dev/null and QEMU falls back to TCG.
# Prints the KTAP summary; the exit code is kunit.py's.
. "$(dirname "$0")/lib.sh"

need_build_tools
need_qemu
[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"

out=$BUILD/kunit
log=$LOGS/kunit.log
mkdir -p "$out"
args=(run --arch=x86_64 --build_dir="$out" --jobs="$JOBS" --timeout=900
      --make_options "CC=ccache gcc"
      --kunitconfig="$TOP/configs/kunit.config")
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

say "KUnit: building and running on x86_64 under QEMU/TCG (log: $log)"
start=$(date +%s)
set +e
(cd "$TREE" && timeout 1800 "${cmd[@]}") >"$log" 2>&1
rc=$?
set -e
grep -E '^\[[0-9:]+\] (Testing complete|=+ \[(PASSED|FAILED|SKIPPED)\]|.*(PASSED|FAILED|SKIPPED|CRASHED)$)' "$log" |
	grep -E 'Testing complete|\[(FAILED|CRASHED)\]|={4,}' | tail -n 40 || true
if [ $rc -ne 0 ]; then
	grep -E 'FAILED|CRASHED|error:|Error' "$log" | head -n 20 >&2 || true
	die "KUnit failed (exit $rc; full log: $log)"
fi
say "KUnit passed in $(( $(date +%s) - start )) s"
