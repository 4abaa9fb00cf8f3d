// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the workbench's QEMU guests. If the initramfs carries /next/kernel
 * this is an old kernel: it loads /next/kernel (with /next/initrd when there
 * is one, and the same command line) via kexec_file_load() and kexecs into
 * it. Otherwise it is the last kernel of the chain: it reboots, which QEMU's
 * -no-reboot turns into an exit (ACPI power-off does not end the guest
 * here). Every step
 * prints a "KHO-WB:" line on the console for the host to parse.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kexec.h>

static void say(const char *fmt, const char *arg)
{
	printf("KHO-WB: ");
	printf(fmt, arg);
	printf("\n");
	fflush(stdout);
}

static void finish(int kexec_failed)
{
	if (kexec_failed)
		say("kexec failed: %s", strerror(errno));
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

int main(void)
{
	char cmdline[4096];
	struct utsname u;
	int kfd, ifd = -1, fd;
	unsigned long flags = 0;
	ssize_t len;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	uname(&u);

	kfd = open("/next/kernel", O_RDONLY);
	if (kfd < 0) {
		say("last kernel up (%s), stopping", u.release);
		finish(0);
	}
	say("old kernel up (%s)", u.release);

	fd = open("/proc/cmdline", O_RDONLY);
	len = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
	if (len <= 0)
		finish(1);
	cmdline[len - 1] = '\0';	/* drop the newline */

	ifd = open("/next/initrd", O_RDONLY);
	if (ifd < 0)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	if (syscall(__NR_kexec_file_load, kfd, ifd, (unsigned long)len,
		    cmdline, flags))
		finish(1);
	say("kexec loaded, %s", "rebooting into the next kernel");
	reboot(RB_KEXEC);
	finish(1);
	return 1;
}
