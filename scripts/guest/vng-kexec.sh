#!/bin/sh
# Runs inside a virtme-ng guest (vng --exec), in every kernel of the run:
#
#   vng-kexec.sh KERNEL SCENARIO
#
# The guest's root is the host's file system, so KERNEL is the bzImage vng
# booted. In a normal boot (the old kernel) it loads KERNEL with the same
# command line through kexec_file_load() (kexec -s), corrupts the outgoing
# map for SCENARIO corrupt-KIND, and kexecs. The same command line makes
# the next kernel run this script again: there it reports whether the boot
# is a KHO boot and what lib/test_kho.c restored, and returns, which powers
# the guest off. Every step is a "kho_vmtest:" line in the kernel log, so it
# is ordered with the kernel's own messages on the console.
kernel=$1
scenario=$2

say() {
	echo "kho_vmtest: $*" >/dev/kmsg
}

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug

if [ -d /sys/kernel/debug/kho/in ]; then
	say "kho boot: yes"
	exit 0
fi
# A kernel that was kexec'ed into but rejected the map is not a KHO boot:
# the old kernel left a mark on the command line for it.
if grep -q 'kho_vmtest.next' /proc/cmdline; then
	say "kho boot: no"
	exit 0
fi

say "old kernel up, scenario $scenario"
if ! kexec -s -l "$kernel" --command-line="$(cat /proc/cmdline) kho_vmtest.next=1"; then
	say "kexec load failed"
	exit 1
fi
case $scenario in
corrupt-*)
	kind=${scenario#corrupt-}
	if echo "$kind" >/sys/kernel/debug/kho/out/corrupt_map; then
		say "corrupted the map: $kind"
	else
		say "could not corrupt the map: $kind"
		exit 1
	fi
	;;
esac
say "kexec loaded"
sync
kexec -e
say "kexec failed"
exit 1
