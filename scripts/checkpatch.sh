#!/usr/bin/env bash
# checkpatch --strict --no-signoff on every patch of the series (the cover
# letter excepted). One "PASS/FAIL <patch>" line each; a summary line
# "checkpatch: N passed, M failed" last. Exit 1 if any patch has a warning.
. "$(dirname "$0")/lib.sh"

[ -x "$TREE/scripts/checkpatch.pl" ] || die "no kernel tree at $TREE: run 'make tree' first"
# checkpatch checks SPDX tags with scripts/spdxcheck.py: Debian's python3
# with ply and GitPython.
need_pkgs perl python3 python3-ply python3-git codespell
export PATH=/usr/bin:/bin:$PATH
pass=0
fail=0
for p in "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || continue
	case $(basename "$p") in 0000-cover-letter.patch) continue ;; esac
	out=$(cd "$TREE" && perl scripts/checkpatch.pl --strict --no-signoff \
		--quiet --showfile "$p" 2>&1) || true
	# Again outside the tree, as a reviewer with only the patch runs it:
	# in the tree checkpatch takes names it finds there as known (it let
	# a CamelCase name through that --no-tree reports).
	out+=$(cd /tmp && perl "$TREE/scripts/checkpatch.pl" --no-tree --strict \
		--no-signoff --quiet --showfile "$p" 2>/dev/null |
		grep -v -E '^total: 0 errors, 0 warnings, 0 checks' || true)
	if [ -z "$out" ]; then
		echo "PASS checkpatch $(basename "$p")"
		pass=$((pass + 1))
	else
		echo "FAIL checkpatch $(basename "$p")"
		sed 's/^/    /' <<<"$out"
		fail=$((fail + 1))
	fi
done
echo "checkpatch: $pass passed, $fail failed"
[ $fail -eq 0 ]
