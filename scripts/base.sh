#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3 with a private apt configuration (its own
# sources list and state under the cache; the machine's apt setup is never
# touched) and leave the kernel tarball in the cache. Prints its path.
. "$(dirname "$0")/lib.sh"

apt_dir=$CACHE/apt
tarball_link=$CACHE/linux-source-7.3.tar.xz

# What a run used: the version and the tarball's SHA-256, in the cache
# and in build/base-used for the logs.
record() {
	[ -s "$CACHE/base-sha256" ] ||
		sha256sum "$tarball_link" | cut -d' ' -f1 >"$CACHE/base-sha256"
	printf '%s %s %s\n' "$BASE_PKG" "$(cat "$CACHE/base-version")" \
		"$(cat "$CACHE/base-sha256")" >"$BUILD/base-used"
	echo "$tarball_link"
}

if [ -s "$tarball_link" ] && [ -s "$CACHE/base-version" ]; then
	record
	exit 0
fi

need_pkgs apt dpkg xz-utils

apt_private "$apt_dir" "$BASE_SUITE"
versions=$(apt-cache "${apt_opts[@]}" madison "$BASE_PKG" 2>/dev/null |
	awk -F'|' '{gsub(/ /, "", $2); print $2}')
[ -n "$versions" ] || die "$BASE_PKG is not in $BASE_SUITE (see $LOGS/apt-$BASE_SUITE-update.log)"

version=$BASE_VERSION
if ! grep -qxF "$BASE_VERSION" <<<"$versions"; then
	version=$(sort -V <<<"$versions" | tail -n 1)
	warn "################################################################"
	warn "$BASE_PKG $BASE_VERSION is gone from $BASE_SUITE;"
	warn "using the newest 7.3.x there instead: $version"
	warn "################################################################"
fi

say "downloading $BASE_PKG $version"
(cd "$apt_dir/archives" &&
	run_logged "$LOGS/base-download.log" "download of $BASE_PKG=$version" \
		apt-get "${apt_opts[@]}" download "$BASE_PKG=$version")
deb=$(ls "$apt_dir"/archives/"${BASE_PKG}"_*.deb | head -n 1)
[ -s "$deb" ] || die "no .deb for $BASE_PKG in $apt_dir/archives"

say "extracting the kernel tarball from $(basename "$deb")"
tmp=$(mktemp -d "$CACHE/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.*' ||
	die "no kernel tarball inside $deb"
src=$(ls "$tmp"/usr/src/linux-source-*.tar.* | head -n 1)
mv "$src" "$tarball_link.part"
mv "$tarball_link.part" "$tarball_link"
echo "$version" >"$CACHE/base-version"
rm -f "$CACHE/base-sha256"
record >/dev/null
say "base: $(cat "$BUILD/base-used")"
echo "$tarball_link"
