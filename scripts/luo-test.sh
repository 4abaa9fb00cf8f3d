#!/usr/bin/env bash
# LUO and memfd on top of the series: the users of KHO that upstream
# tests end to end. For each program in LUO_TESTS (default
# luo_kexec_simple, luo_multi_session and luo_stress_files from
# tools/testing/selftests/liveupdate/), build it and the selftests' own
# init with nolibc against the test kernel's headers, pack them with the
# kernel into an initramfs, and boot the test kernel (build/kexec, built
# from configs/kexec.config, which enables LIVEUPDATE and LIVEUPDATE_MEMFD)
# under QEMU with TCG. Kernel 1 creates LUO sessions, preserves memfds in
# them and kexecs into the same kernel; kernel 2 retrieves the sessions,
# restores the memfds and checks their contents.
#
# Verdicts, per kernel, from the serial log split at kexec:
#   kernel 1: the program's stage 1 finished and the kernel kexec'ed, no
#             splat (SPLAT_RE: BUG, WARNING, Oops, Bad page state, panic,
#             general protection);
#   kernel 2: a KHO boot that validated the incoming map and kept it with
#             the series' reservation (its "KHO: reserved" line), no
#             splat, and the program's stage 2 printed its
#             "TEST PASSED" line (memfds restored and their data checked).
# One PASS/FAIL line per kernel and program.
. "$(dirname "$0")/lib.sh"

tests=${LUO_TESTS:-"luo_kexec_simple luo_multi_session luo_stress_files"}
timeout_s=${LUO_TIMEOUT:-600}
kbuild=$BUILD/${KHO_KEXEC:-kexec}
kimage=$kbuild/arch/x86/boot/bzImage
src=$TREE/tools/testing/selftests/liveupdate
work=$BUILD/luo

need_build_tools
need_qemu
[ -f "$kimage" ] || die "no test kernel at $kimage: run scripts/build.sh kexec first"
for opt in CONFIG_LIVEUPDATE CONFIG_LIVEUPDATE_MEMFD CONFIG_BLK_DEV_INITRD CONFIG_DEVTMPFS; do
	grep -q "^$opt=y" "$kbuild/.config" || die "$opt is not set in $kbuild/.config"
done
[ -d "$src" ] || die "no $src"

rm -rf "$work"
mkdir -p "$work"
kmake "$kbuild" headers_install INSTALL_HDR_PATH="$work/usr" >"$work/headers.log" 2>&1 ||
	die "headers_install failed (log: $work/headers.log)"

nolibc=(-static -nostdinc -nostdlib -I "$work/usr/include" -I "$TREE/tools/include/nolibc")
gcc -s -Os -fno-asynchronous-unwind-tables -fno-ident -fno-stack-protector \
	"${nolibc[@]}" -o "$work/init" "$src/init.c" ||
	die "cannot build the liveupdate selftests' init"

# kernel LOG: print the part of LOG that kernel 1 or 2 wrote.
part() {
	case $1 in
	1) sed -n '1,/INIT: Stage 1 completed successfully/p' "$2" ;;
	2) sed -n '/INIT: Stage 1 completed successfully/,$p' "$2" | tail -n +2 ;;
	esac
}

for t in $tests; do
	dir=$work/$t
	log=$LOGS/luo-$t.log
	mkdir -p "$dir"
	if ! gcc -O2 "${nolibc[@]}" -I "$src/lib/include" -o "$dir/test_binary" \
		"$src/$t.c" "$src/lib/lu_utils.c" 2>"$dir/cc.log"; then
		echo "FAIL luo $t: does not build (log: $dir/cc.log)"
		continue
	fi
	cat >"$dir/inner.list" <<EOF
dir /dev 0755 0 0
dir /proc 0755 0 0
dir /debugfs 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $work/init 0755 0 0
file /test_binary $dir/test_binary 0755 0 0
EOF
	"$kbuild/usr/gen_init_cpio" "$dir/inner.list" >"$dir/inner.cpio"
	{
		cat "$dir/inner.list"
		echo "file /kernel $kimage 0644 0 0"
		echo "file /initrd.img $dir/inner.cpio 0644 0 0"
	} >"$dir/outer.list"
	"$kbuild/usr/gen_init_cpio" "$dir/outer.list" >"$dir/initrd.cpio"

	say "luo $t: two kernels under QEMU (TCG), serial log $log"
	start=$(date +%s)
	timeout "$timeout_s" qemu-system-x86_64 -accel tcg -m 2G -smp 2 \
		-no-reboot -nographic -nodefaults -serial "file:$log" \
		-append "console=ttyS0 kho=on liveupdate=on panic=-1" \
		-kernel "$kimage" -initrd "$dir/initrd.cpio" >/dev/null 2>&1 || true
	secs=$(( $(date +%s) - start ))

	k1=$(part 1 "$log")
	k2=$(part 2 "$log")
	# No match is an empty string, not the end of the script.
	bad=$(grep -a -E "$SPLAT_RE" <<<"$k1" | head -n 1 || true)
	if grep -q 'INIT: Stage 1 completed successfully' <<<"$k1" &&
	   grep -q 'STAGE 1' <<<"$k1" && [ -z "$bad" ]; then
		echo "PASS luo $t: kernel 1 preserved its sessions and memfds, kexec'ed"
	else
		echo "FAIL luo $t: kernel 1 did not finish stage 1${bad:+, '$bad'} (log: $log)"
	fi
	bad=$(grep -a -E "$SPLAT_RE|KHO: .*(reject|disabled)" <<<"$k2" | head -n 1 || true)
	res=$(grep -a -o -E 'KHO: reserved [0-9]+ preserved blocks in [0-9]+ leaves' \
		<<<"$k2" | head -n 1 || true)
	pass=$(grep -a -o -E -- '--- [A-Z -]*TEST PASSED[^-]*---' <<<"$k2" | head -n 1 || true)
	if [ -n "$res" ] && [ -n "$pass" ] && [ -z "$bad" ] &&
	   grep -q 'INIT: Starting Stage 2' <<<"$k2"; then
		echo "PASS luo $t: kernel 2 '$res', '$pass' (${secs} s)"
	else
		echo "FAIL luo $t: kernel 2: reservation '${res:-none}', result '${pass:-none}'${bad:+, '$bad'} (log: $log)"
	fi
done
