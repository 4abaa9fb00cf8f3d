#!/usr/bin/env bash
# make docs: the series' documentation with Sphinx from Debian. Builds
# "make htmldocs SPHINXDIRS=core-api" (Documentation/core-api/kho/ and the
# kernel-doc of kho_radix) into build/docs and fails on any Sphinx warning
# about KHO. References into other top-level directories (for example
# /admin-guide/mm/kho) cannot resolve when one directory is built alone;
# those "unknown document" warnings are listed but not counted.
. "$(dirname "$0")/lib.sh"

need_build_tools
need_pkgs python3-sphinx
export PATH=/usr/bin:/bin:$PATH
out=$BUILD/docs
log=$LOGS/htmldocs.log
mkdir -p "$out"
say "make htmldocs SPHINXDIRS=core-api (log: $log)"
start=$(date +%s)
if ! make -C "$TREE" O="$out" PYTHON3=/usr/bin/python3 SPHINXDIRS=core-api \
	htmldocs >"$log" 2>&1; then
	tail -n 20 "$log"
	echo "FAIL htmldocs core-api (log: $log)"
	exit 1
fi
secs=$(( $(date +%s) - start ))
grep -E 'WARNING|ERROR' "$log" >"$out/warnings" || true
kho=$(grep -i -E 'kho|memblock' "$out/warnings" | grep -v -E 'unknown document|nonexisting document' || true)
cross=$(grep -i -E 'kho|memblock' "$out/warnings" | grep -E 'unknown document|nonexisting document' || true)
[ -z "$cross" ] || sed 's/^/    not counted (other directory): /' <<<"$cross"
if [ -z "$kho" ]; then
	echo "PASS htmldocs core-api: no KHO warning, $(wc -l <"$out/warnings") other warning(s) in the tree, ${secs} s (html: $out/Documentation/output/core-api/kho/radix.html)"
else
	sed 's/^/    /' <<<"$kho"
	echo "FAIL htmldocs core-api: $(wc -l <<<"$kho") KHO warning(s) (log: $log)"
	exit 1
fi
