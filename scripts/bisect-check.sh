#!/usr/bin/env bash
# Check that every patch of the series builds and boots on its own: for
# each commit from base to the tip, build the test kernel (incremental,
# ccache) and run the selftest kexec on it. The work tree is put back at
# the tip afterwards. One PASS/FAIL line per patch. BISECT_FROM=N starts
# at patch N (when the earlier ones did not change since a full run).
. "$(dirname "$0")/lib.sh"

git_t() { git -C "$TREE" "$@"; }
[ -z "$(git_t status --porcelain)" ] || die "$TREE is not clean"
tip=$(git_t rev-parse HEAD)
branch=$(git_t symbolic-ref -q --short HEAD || echo "")
trap 'git_t checkout -q -f "${branch:-$tip}"' EXIT

rc=0
n=0
for c in $(git_t rev-list --reverse base..HEAD); do
	n=$((n + 1))
	subject=$(git_t log -1 --format=%s "$c")
	[ "$n" -ge "${BISECT_FROM:-1}" ] || continue
	git_t checkout -q -f --detach "$c"
	# Options a patch does not know yet are not required of it.
	frag=$BUILD/bisect.config
	grep -v -E 'KEXEC_HANDOVER_CORRUPT_TEST|TEST_KHO_HANDOVER' "$TOP/configs/kexec.config" >"$frag"
	if ! "$TOP/scripts/build.sh" kexec "$frag" >/dev/null 2>"$LOGS/bisect-$n.err"; then
		echo "FAIL patch $n builds: $subject (log: $LOGS/build-kexec.log)"
		rc=1
		continue
	fi
	if "$TOP/scripts/kexec-test.sh" boot >"$LOGS/bisect-$n.out" 2>&1 &&
	   [ "$(grep -c '^PASS' "$LOGS/bisect-$n.out")" = 2 ]; then
		echo "PASS patch $n builds and boots, kexec selftest passes: $subject"
	else
		echo "FAIL patch $n boots: $subject (log: $LOGS/bisect-$n.out)"
		rc=1
	fi
done
exit $rc
