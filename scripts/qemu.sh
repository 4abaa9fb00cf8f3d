#!/usr/bin/env bash
# Boot a kernel in QEMU (TCG unless KHO_KVM=1), preserve memory, kexec
# through a chain of kernels and collect the serial log.
#
#   qemu.sh NAME BZIMAGE [BZIMAGE...] -- [kernel command line words]
#
# The first bzImage is booted; each further one is kexec'ed into from the one
# before. Environment: MEM (guest RAM, default 2G), SMP (vCPUs, default 2),
# TIMEOUT (seconds, default 300). The serial log is build/logs/qemu-NAME.log. Exit status: 0 if QEMU
# finished and the last kernel reached its /init, 1 otherwise.
. "$(dirname "$0")/lib.sh"

name=$1
shift
kernels=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	kernels+=("$1")
	shift
done
[ "${1:-}" = -- ] && shift
extra=("$@")
[ ${#kernels[@]} -ge 1 ] || die "qemu.sh: no kernel given"

need_qemu
mem=${MEM:-2G}
timeout_s=${TIMEOUT:-300}
work=$BUILD/qemu/$name
log=$LOGS/qemu-$name.log
rm -rf "$work"
mkdir -p "$work"

# The guest /init: static, built once per source change.
init=$BUILD/guest-init
if [ ! -x "$init" ] || [ "$TOP/scripts/guest/init.c" -nt "$init" ]; then
	run_logged "$LOGS/guest-init.log" "building the guest /init" \
		gcc -static -Os -Wall -o "$init" "$TOP/scripts/guest/init.c"
fi

# Nest the initramfs images from the last kernel back to the first: image i
# holds /init and, unless it is the last, /next/kernel and /next/initrd.
gen=$(find "$BUILD" -path '*/usr/gen_init_cpio' -type f -perm -u+x | head -n 1)
[ -n "$gen" ] || die "usr/gen_init_cpio not found under $BUILD (build a kernel first)"
next_initrd=
for ((i = ${#kernels[@]} - 1; i >= 0; i--)); do
	list=$work/initrd$i.list
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "nod /dev/kmsg 0600 0 0 c 1 11"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "file /init $init 0755 0 0"
		# QEMU_BENCH_MODULE: a module for the first kernel's /init.
		if [ $i -eq 0 ] && [ -n "${QEMU_BENCH_MODULE:-}" ]; then
			echo "dir /bench 0755 0 0"
			echo "file /bench/kho_bench.ko $QEMU_BENCH_MODULE 0644 0 0"
		fi
		# QEMU_LAST_MODULE: a module for the last kernel's /init.
		if [ $i -gt 0 ] && [ $i -eq $((${#kernels[@]} - 1)) ] &&
		   [ -n "${QEMU_LAST_MODULE:-}" ]; then
			echo "dir /bench 0755 0 0"
			echo "file /bench/kho_bench.ko $QEMU_LAST_MODULE 0644 0 0"
		fi
		if [ $i -lt $((${#kernels[@]} - 1)) ]; then
			echo "dir /next 0755 0 0"
			echo "file /next/kernel ${kernels[$((i + 1))]} 0644 0 0"
			echo "file /next/initrd $next_initrd 0644 0 0"
		fi
	} >"$list"
	"$gen" "$list" >"$work/initrd$i.cpio" || die "gen_init_cpio failed for $list"
	next_initrd=$work/initrd$i.cpio
done

accel=(-accel tcg)
# QEMU_ICOUNT (e.g. shift=0,sleep=off): the guest's clocks count executed
# instructions, not host time (one vCPU at a time).
[ -n "${QEMU_ICOUNT:-}" ] && accel+=(-icount "$QEMU_ICOUNT")
[ "${KHO_KVM:-0}" = 1 ] && accel=(-accel kvm)
cmdline="console=ttyS0 earlyprintk=serial,ttyS0,115200 printk.devkmsg=on kho=on panic=-1 ${extra[*]}"

say "QEMU '$name': ${#kernels[@]} kernel(s), $mem RAM, timeout ${timeout_s}s (serial log: $log)"
start=$(date +%s.%N)
set +e
timeout --foreground "$timeout_s" qemu-system-x86_64 "${accel[@]}" -cpu max \
	-m "$mem" -smp "${SMP:-2}" -no-reboot -nographic -nodefaults \
	-serial file:"$log" -kernel "${kernels[0]}" \
	-initrd "$work/initrd0.cpio" -append "$cmdline" \
	</dev/null >"$work/qemu.out" 2>&1
rc=$?
set -e
secs=$(echo "$(date +%s.%N) - $start" | bc)
printf '%.1f\n' "$secs" >"$work/seconds"
if [ $rc -eq 124 ]; then
	warn "QEMU '$name' timed out after ${timeout_s}s (serial log: $log)"
	exit 1
fi
if [ $rc -ne 0 ]; then
	cat "$work/qemu.out" >&2
	warn "QEMU '$name' exited with $rc (serial log: $log)"
	exit 1
fi
if ! grep -q 'KHO-WB: stopping' "$log"; then
	warn "QEMU '$name': the last kernel never reached /init (serial log: $log)"
	exit 1
fi
exit 0
