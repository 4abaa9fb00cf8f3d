#!/usr/bin/env bash
# Build a kernel from the work tree out of tree: build.sh NAME FRAGMENT...
# Output in build/NAME; the image's path (bzImage, or Image for arm64)
# printed last. Config = olddefconfig on the fragments, then every fragment
# line is checked. KHO_ARCH=arm64 cross-builds for arm64.
. "$(dirname "$0")/lib.sh"

name=$1
shift
out=$BUILD/$name
log=$LOGS/build-$name.log
need_build_tools
image=bzImage
path=arch/x86/boot/bzImage
if [ "${KHO_ARCH:-x86}" = arm64 ]; then
	need_pkgs gcc-aarch64-linux-gnu
	image=Image
	path=arch/arm64/boot/Image
fi
[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
mkdir -p "$out"

cat "$@" >"$out/fragment.config"
# Reuse the existing .config when the fragments did not change, so an
# incremental build stays incremental.
if ! cmp -s "$out/fragment.config" "$out/.fragment.applied" 2>/dev/null ||
   [ ! -s "$out/.config" ]; then
	cp "$out/fragment.config" "$out/.config"
fi
run_logged "$log" "olddefconfig for $name" kmake "$out" olddefconfig
while read -r line; do
	case $line in ''|\#*) continue ;; esac
	grep -qxF "$line" "$out/.config" ||
		die "kernel config for $name lacks $line after olddefconfig (see $out/.config)"
done <"$out/fragment.config"
cp "$out/fragment.config" "$out/.fragment.applied"

say "building kernel '$name' in $out (log: $log)"
start=$(date +%s)
run_logged "$log" "kernel build '$name'" kmake "$out" "$image"
say "built '$name' in $(( $(date +%s) - start )) s"
echo "$out/$path"
