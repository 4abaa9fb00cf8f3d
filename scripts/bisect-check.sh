#!/usr/bin/env bash
# Check that every patch of the series builds and boots on its own: for
# each commit from base to the tip, build the test kernel (incremental,
# ccache) and run the selftest kexec on it. The work tree is put back at
# the tip afterwards. One PASS/FAIL line per patch. BISECT_FROM=N starts
# at patch N (when the earlier ones did not change since a full run),
# BISECT_TO=M stops after patch M.
# BISECT_ARCH=arm64: build the arm64 test kernel (configs/kexec-arm64.config,
# 4 KiB pages, or BISECT_PAGES=64k) at every patch instead; build only (the
# workbench's boot check is x86_64).
. "$(dirname "$0")/lib.sh"

arch=${BISECT_ARCH:-x86}

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
	[ -z "${BISECT_TO:-}" ] || [ "$n" -le "$BISECT_TO" ] || break
	git_t checkout -q -f --detach "$c"
	# Options a patch does not know yet are not required of it.
	frag=$BUILD/bisect.config
	if [ "$arch" = arm64 ]; then
		ps=${BISECT_PAGES:-4k}
		grep -v -E 'KEXEC_HANDOVER_CORRUPT_TEST|TEST_KHO_HANDOVER' \
			"$TOP/configs/kexec-arm64.config" >"$frag"
		cat "$TOP/configs/kunit-arm64-$ps.config" >>"$frag"
		if KHO_ARCH=arm64 "$TOP/scripts/build.sh" "kexec-arm64-$ps" "$frag" \
			>/dev/null 2>"$LOGS/bisect-arm64-$n.err"; then
			echo "PASS patch $n builds for arm64 ($ps pages): $subject"
		else
			echo "FAIL patch $n builds for arm64 ($ps pages): $subject (log: $LOGS/build-kexec-arm64-$ps.log)"
			rc=1
		fi
		continue
	fi
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
