#!/usr/bin/env bash
# Build the kernel work tree: base (Debian linux-source-7.3, committed and
# tagged "base") plus the series in patches/, applied with git am, one commit
# per patch. Refuses to throw away commits or edits not yet exported unless
# FORCE=1.
. "$(dirname "$0")/lib.sh"

need_build_tools
tarball=$("$TOP/scripts/base.sh" | tail -n 1)
version=$(cat "$CACHE/base-version")
say "base used: $(cat "$BUILD/base-used" 2>/dev/null || echo unknown)"

git_t() { git -C "$TREE" "$@"; }

if [ ! -e "$TREE/.git" ] || ! git_t rev-parse -q --verify base >/dev/null; then
	say "unpacking $(basename "$tarball") ($version) into $TREE"
	rm -rf "$TREE" "$TREE.part"
	mkdir -p "$TREE.part"
	tar -xf "$tarball" -C "$TREE.part" --strip-components=1 ||
		die "unpacking $tarball failed"
	(
		cd "$TREE.part"
		git init -q -b series
		git config user.name "kho-radix workbench"
		git config user.email "workbench@kho-radix.invalid"
		git config core.autocrlf false
		git config gc.auto 0
		say "committing the base tree (one time, about a minute)"
		# Debian's tarball ignores every top-level path ("/*"), which
		# would hide every file a patch adds: drop that block only.
		sed -i '/^# Debian packaging/,/^!\/debian\//d' .gitignore
		sed -i '${/^#$/d}' .gitignore
		git add -A -f . >/dev/null
		# Fixed identity and dates: the base commit, and so every patch
		# and the series' base-commit line, are the same on every machine.
		GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" \
		GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
			git commit -q --no-verify -m "Linux $version (Debian $BASE_PKG)" \
				-m "Debian's top-level ignore-everything rule is dropped from .gitignore so that new files show up in git status."
		git tag base
	) || die "creating the base git tree failed"
	mv "$TREE.part" "$TREE"
fi

# Do not lose work: the tree must be clean and contain nothing that is not
# already in patches/.
if [ "${FORCE:-0}" != 1 ] && git_t rev-parse -q --verify HEAD >/dev/null; then
	if [ -n "$(git_t status --porcelain)" ]; then
		die "$TREE has uncommitted changes or new files: commit them and run 'make export', or rerun with FORCE=1 to discard them"
	fi
	if git_t rev-parse -q --verify refs/workbench/applied >/dev/null &&
	   [ "$(git_t rev-parse HEAD)" != "$(git_t rev-parse refs/workbench/applied)" ] &&
	   [ "$(git_t rev-parse HEAD)" != "$(git_t rev-parse base)" ]; then
		exported=$(cat "$BUILD/exported-head" 2>/dev/null || true)
		if [ "$exported" != "$(git_t rev-parse HEAD)" ]; then
			die "$TREE has commits not exported to patches/: run 'make export' first, or rerun with FORCE=1 to discard them"
		fi
	fi
fi

mapfile -t series < <(series_files)
sum=$(series_sum)

# Nothing to do when this exact series is applied and the tree is clean:
# leaving the files alone keeps incremental builds incremental.
if [ "$version" != "$BASE_VERSION" ]; then
	warn "the series is applied to $BASE_PKG $version, not to $BASE_VERSION"
fi

if [ "${FORCE:-0}" != 1 ] &&
   [ "$(cat "$BUILD/applied-series" 2>/dev/null)" = "$sum" ] &&
   git_t rev-parse -q --verify refs/workbench/applied >/dev/null &&
   [ "$(git_t rev-parse HEAD)" = "$(git_t rev-parse refs/workbench/applied)" ] &&
   [ -z "$(git_t status --porcelain --untracked-files=no)" ]; then
	say "tree up to date: $TREE = base ($version) + ${#series[@]} patch(es)"
	exit 0
fi

git_t am --abort >/dev/null 2>&1 || true
git_t checkout -q -f -B series base
git_t clean -q -fdx -e '/.git' >/dev/null

for p in "${series[@]}"; do
	if ! git_t am -q --keep-cr --committer-date-is-author-date "$p" \
		>"$LOGS/git-am.log" 2>&1; then
		git_t am --abort >/dev/null 2>&1 || true
		git_t checkout -q -f -B series base
		cat "$LOGS/git-am.log" >&2
		die "patch $(basename "$p") does not apply to the base (log: $LOGS/git-am.log); the tree was reset to base"
	fi
done
git_t update-ref refs/workbench/applied HEAD
git_t rev-parse HEAD >"$BUILD/exported-head"
echo "$sum" >"$BUILD/applied-series"
say "tree ready: $TREE = base ($version) + ${#series[@]} patch(es)"
