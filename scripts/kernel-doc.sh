#!/usr/bin/env bash
# kernel-doc check: scripts/kernel-doc -none -Wall on the series' files.
# A file the series adds must give no warning at all; a file it changes
# must give no warning that the same file at "base" does not give (line
# numbers ignored). One PASS/FAIL line per file.
. "$(dirname "$0")/lib.sh"

[ -x "$TREE/scripts/kernel-doc" ] || die "no kernel tree at $TREE: run 'make tree' first"
export PATH=/usr/bin:/bin:$PATH
cd "$TREE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# kernel-doc's warnings for FILE, without line numbers: "file: message".
warnings() {
	scripts/kernel-doc -none -Wall "$1" 2>&1 |
		sed -E 's/^(Warning|WARNING): *//; s/^[^ ]*:[0-9]+ //' | sort -u
}

rc=0
for f in $(git diff --name-only --diff-filter=AM base HEAD -- '*.c' '*.h' |
	   grep -v '^tools/'); do
	grep -q '/\*\*' "$f" || continue	# no kernel-doc comment at all
	warnings "$f" >"$tmp/new"
	if git cat-file -e "base:$f" 2>/dev/null; then
		mkdir -p "$tmp/base/$(dirname "$f")"
		git show "base:$f" >"$tmp/base/$f"
		warnings "$tmp/base/$f" >"$tmp/old"
		what="changed"
	else
		: >"$tmp/old"
		what="added"
	fi
	added=$(comm -23 "$tmp/new" "$tmp/old")
	if [ -z "$added" ]; then
		echo "PASS kernel-doc $f ($what: no new warning)"
	else
		echo "FAIL kernel-doc $f ($what):"
		sed 's/^/    /' <<<"$added"
		rc=1
	fi
done
exit $rc
