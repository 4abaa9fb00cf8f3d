# shellcheck shell=bash
# Common helpers for the kho-radix workbench scripts. Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
CACHE=${KHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kho-radix}
TREE=${TREE:-$BUILD/linux}
LOGS=$BUILD/logs
JOBS=${JOBS:-$(nproc)}

# The base: Debian's linux-source-7.3 from trixie-backports.
BASE_PKG=linux-source-7.3
BASE_VERSION=${BASE_VERSION:-7.3.4-1~bpo13+1}
BASE_SUITE=trixie-backports
# The Debian mirror: BASE_MIRROR, or the one the machine's apt sources use
# (see apt_mirror), looked up when first needed.
BASE_MIRROR=${BASE_MIRROR:-}

mkdir -p "$BUILD" "$LOGS" "$CACHE"

say()  { printf '>>> %s\n' "$*"; }
warn() { printf '!!! %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# run_logged LOG DESC CMD...: run CMD with output in LOG; on failure name
# what failed and where the log is, show its tail, and exit.
run_logged() {
	local log=$1 desc=$2
	shift 2
	if ! "$@" >"$log" 2>&1; then
		tail -n 25 "$log" >&2 || true
		die "$desc failed (full log: $log)"
	fi
}

# need_pkgs PKG...: install the Debian packages that are missing, once.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing Debian packages: ${missing[*]}"
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	local log=$LOGS/apt-install.log
	if ! { $sudo apt-get update -q &&
	       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
			--no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		tail -n 15 "$log" >&2
		die "apt-get install ${missing[*]} failed (log: $log)"
	fi
}

# apt_mirror: the first Debian archive mirror in the machine's own apt
# sources (deb822 *.sources and one-line *.list files, then
# /etc/apt/sources.list), skipping security archives. Empty if none.
apt_mirror() {
	local d=${APT_SOURCES_DIR:-/etc/apt}
	{
		for f in "$d"/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk 'BEGIN { RS = ""; FS = "\n" }
			{
				types = uris = suites = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^Types:/) types = $i
					else if ($i ~ /^URIs:/) uris = $i
					else if ($i ~ /^Suites:/) suites = $i
				}
				if (types ~ /(^|[ \t])deb([ \t]|$)/ && suites !~ /security/) {
					sub(/^URIs:[ \t]*/, "", uris)
					split(uris, u, /[ \t]+/)
					if (u[1] !~ /security/) print u[1]
				}
			}' "$f"
		done
		for f in "$d"/sources.list.d/*.list "$d"/sources.list; do
			[ -f "$f" ] || continue
			sed -E -n 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+).*/\2 \3/p' "$f" |
				awk '$1 !~ /security/ && $2 !~ /security/ { print $1 }'
		done
	} | awk 'tolower($0) ~ /debian/ && /^(https?|file):\/\// && !found {
		print; found = 1 }'
}

# apt_private DIR SUITE: an apt configuration of its own in DIR for SUITE
# of Debian's archive (sources list, lists and archives; the machine's apt
# setup is never touched), its index fetched. Sets the array apt_opts for
# apt-get and apt-cache.
apt_private() {
	local dir=$1 suite=$2
	if [ -z "$BASE_MIRROR" ]; then
		BASE_MIRROR=$(apt_mirror)
		[ -n "$BASE_MIRROR" ] ||
			die "no Debian mirror in the apt sources under ${APT_SOURCES_DIR:-/etc/apt}: set BASE_MIRROR=URL"
		say "Debian mirror from the machine's apt sources: $BASE_MIRROR (BASE_MIRROR= overrides)"
	fi
	mkdir -p "$dir"/{lists/partial,archives/partial,etc/preferences.d,etc/apt.conf.d}
	[ -e "$dir/status" ] || : >"$dir/status"
	cat >"$dir/etc/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $BASE_MIRROR $suite main
SRC
	apt_opts=(
		-o "Dir::Etc::SourceList=$dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=-"
		-o "Dir::Etc::Preferences=$dir/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d"
		-o "Dir::State=$dir"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=$dir/status"
		-o "Dir::Cache=$dir"
		-o "Dir::Cache::archives=$dir/archives"
		-o "APT::Architecture=amd64"
		-o "Debug::NoLocking=1"
	)
	say "fetching the $suite package index (private apt state in $dir)"
	run_logged "$LOGS/apt-$suite-update.log" "apt-get update of $suite" \
		apt-get "${apt_opts[@]}" update
}

# Host packages needed to build and boot a kernel.
need_build_tools() {
	need_pkgs build-essential bc bison flex libelf-dev libssl-dev ccache \
		cpio git python3 rsync xz-utils perl
}

# A kernel log line that fails any verdict: the same list vmtest.sh uses.
SPLAT_RE='BUG:|WARNING:|Oops|Bad page state|Kernel panic|general protection'

need_qemu() {
	need_pkgs qemu-system-x86
}

# Kernel make wrapper for an out-of-tree build directory.
# KHO_ARCH=arm64: cross-build for arm64 with Debian's aarch64 compiler.
kmake() {
	local out=$1
	local cross=()
	shift
	if [ "${KHO_ARCH:-x86}" = arm64 ]; then
		cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		       CC="ccache aarch64-linux-gnu-gcc")
	else
		cross=(CC="ccache gcc")
	fi
	make -C "$TREE" O="$out" -j"$JOBS" "${cross[@]}" \
		KBUILD_BUILD_TIMESTAMP=kho-radix KBUILD_BUILD_USER=kho \
		KBUILD_BUILD_HOST=workbench "$@"
}

# build_kho_bench NAME TREE OUT DIR: bench/kho_bench (it uses only the
# exported KHO API) built out of tree in DIR against the kernel built in
# OUT from TREE; prints the module's path. "make modules" first, for
# Module.symvers (the configs have two small modules of their own).
build_kho_bench() {
	local name=$1 tree=$2 out=$3 dst=$4
	mkdir -p "$dst"
	cp "$TOP"/bench/kho_bench/kho_bench.c "$TOP"/bench/kho_bench/Kbuild "$dst/"
	run_logged "$LOGS/kho_bench-modules-$name.log" "make modules for $name" \
		make -C "$tree" O="$out" -j"$JOBS" CC="ccache gcc" modules
	run_logged "$LOGS/kho_bench-module-$name.log" "building kho_bench for $name" \
		make -C "$tree" O="$out" M="$dst" CC="ccache gcc" modules
	echo "$dst/kho_bench.ko"
}

# The series as applied: patch files in order, and their checksum.
series_files() {
	find "$TOP/patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-cover-letter.patch' | sort
}
series_sum() {
	local files
	mapfile -t files < <(series_files)
	cat "${files[@]}" /dev/null | sha256sum | cut -d' ' -f1
}

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_COMPILERCHECK=content
# Relative paths under build/: ccache hits across work trees.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BUILD}
