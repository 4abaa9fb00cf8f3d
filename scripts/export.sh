#!/usr/bin/env bash
# Export the work tree's commits since "base" back into patches/ with
# git format-patch --cover-letter --base. The cover letter's subject and text
# are kept from the current patches/0000-cover-letter.patch; its shortlog,
# diffstat and base-commit are regenerated. Nothing changes on disk when the
# series did not change.
. "$(dirname "$0")/lib.sh"

git_t() { git -C "$TREE" "$@"; }
[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
[ -z "$(git_t status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first"
n=$(git_t rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base in $TREE"

cover=$TOP/patches/0000-cover-letter.patch
desc=$(python3 - "$cover" <<'PY'
import re, sys
try:
    text = open(sys.argv[1]).read()
except FileNotFoundError:
    print("kho: a radix tree tracker for KHO\n\n*** BLURB HERE ***")
    sys.exit(0)
head, _, body = text.partition("\n\n")
subj = re.search(r"^Subject: \[PATCH[^\]]*\] (.*(?:\n [^\n]*)*)", head, re.M)
subject = re.sub(r"\n ", " ", subj.group(1)) if subj else "kho-radix"
# The blurb ends where git's shortlog starts: "Name (N):".
blurb = re.split(r"^\S.* \(\d+\):$", body, maxsplit=1, flags=re.M)[0]
print(subject + "\n\n" + blurb.rstrip())
PY
)
git_t config branch.series.description "$desc"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git_t format-patch -q --cover-letter --cover-from-description=subject \
	--base=base --signature=kho-radix --zero-commit -o "$tmp" base..HEAD ||
	die "git format-patch failed"

# format-patch dates the cover letter "now": use the last commit's date so
# that an unchanged series exports to identical files.
date=$(git_t log -1 --format=%aD HEAD)
sed -i "0,/^Date: .*/s//Date: $date/" "$tmp/0000-cover-letter.patch"

changed=0
for f in "$tmp"/*.patch; do
	dst=$TOP/patches/$(basename "$f")
	if ! cmp -s "$f" "$dst"; then
		cp "$f" "$dst"
		changed=$((changed + 1))
	fi
done
for f in "$TOP"/patches/*.patch; do
	[ -e "$tmp/$(basename "$f")" ] && continue
	rm -f "$f"
	changed=$((changed + 1))
done
git_t rev-parse HEAD >"$BUILD/exported-head"
git_t update-ref refs/workbench/applied HEAD
series_sum >"$BUILD/applied-series"
say "exported $n patch(es) to patches/ ($changed file(s) changed)"
