// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the workbench's QEMU guests. If the initramfs carries /next/kernel
 * this is an old kernel: it loads /next/kernel (with /next/initrd when there
 * is one, and the same command line) via kexec_file_load() and kexecs into
 * it. Otherwise it is the last kernel of the chain: it reboots, which QEMU's
 * -no-reboot turns into an exit (ACPI power-off does not end the guest
 * here). Every step prints a "KHO-WB:" line on the console for the host to
 * parse.
 *
 * Any kernel loads /bench/kho_bench.ko if its initramfs has it, with
 * the kho_bench.* words of the command line as parameters, and prints
 * /sys/kernel/debug/kho/out/preserved before the kexec; with kho_wb.corrupt=KIND on the command line it then writes KIND
 * to .../out/corrupt_map. The last kernel says whether it is a KHO boot.
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

static int kmsg = -1;

/*
 * One "KHO-WB:" line. Through /dev/kmsg when there is one, so that it is
 * never interleaved with the kernel's own console output.
 */
static void say(const char *fmt, const char *arg)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "KHO-WB: ");

	n += snprintf(line + n, sizeof(line) - n, fmt, arg);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (kmsg < 0 || write(kmsg, line, n) < 0) {
		fwrite(line, 1, n, stdout);
		fflush(stdout);
	}
}

/* Print each line of @path as "KHO-WB: @tag: line". */
static void print_file(const char *path, const char *tag)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		say("no %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		say(tag, line);
	}
	fclose(f);
}

/* Load /bench/kho_bench.ko with the kho_bench.* parameters of @cmdline. */
static void load_bench(const char *cmdline)
{
	char params[512] = "", buf[64], *w;
	int fd = open("/bench/kho_bench.ko", O_RDONLY);
	const char *p = cmdline;

	if (fd < 0)
		return;
	while ((w = strstr(p, "kho_bench.")) != NULL) {
		size_t n = strcspn(w + 10, " \n");

		if (n < sizeof(buf)) {
			memcpy(buf, w + 10, n);
			buf[n] = '\0';
			strncat(params, buf, sizeof(params) - strlen(params) - 2);
			strcat(params, " ");
		}
		p = w + 10 + n;
	}
	say("loading kho_bench: %s", params);
	if (syscall(__NR_finit_module, fd, params, 0))
		say("kho_bench failed: %s", strerror(errno));
	else
		say("%s", "kho_bench loaded");
	close(fd);
}

/* The value of "@key=" on the command line, or NULL. */
static const char *cmdline_value(const char *cmdline, const char *key,
				 char *buf, size_t size)
{
	const char *p = strstr(cmdline, key);
	size_t n;

	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, " \n");
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
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
	char cmdline[4096], kind[32];
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
	kmsg = open("/dev/kmsg", O_WRONLY);

	kfd = open("/next/kernel", O_RDONLY);
	if (kfd < 0) {
		say("last kernel up (%s)", u.release);
		/* A module for the last kernel checks what was handed over. */
		fd = open("/proc/cmdline", O_RDONLY);
		len = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
		if (len > 0) {
			cmdline[len - 1] = '\0';
			load_bench(cmdline);
		}
		say("kho boot: %s", access("/sys/kernel/debug/kho/in", F_OK) ?
		    "no" : "yes");
		say("%s", "stopping");
		finish(0);
	}
	say("old kernel up (%s)", u.release);

	fd = open("/proc/cmdline", O_RDONLY);
	len = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
	if (len <= 0)
		finish(1);
	cmdline[len - 1] = '\0';	/* drop the newline */
	load_bench(cmdline);
	print_file("/sys/kernel/debug/kho/out/preserved", "preserved: %s");

	ifd = open("/next/initrd", O_RDONLY);
	if (ifd < 0)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	if (syscall(__NR_kexec_file_load, kfd, ifd, (unsigned long)len,
		    cmdline, flags))
		finish(1);
	if (cmdline_value(cmdline, "kho_wb.corrupt=", kind, sizeof(kind))) {
		fd = open("/sys/kernel/debug/kho/out/corrupt_map", O_WRONLY);
		if (fd < 0 || write(fd, kind, strlen(kind)) < 0)
			say("corrupting the map failed: %s", strerror(errno));
		else
			say("corrupted the preserved memory map: %s", kind);
		if (fd >= 0)
			close(fd);
	}
	say("kexec loaded, %s", "rebooting into the next kernel");
	reboot(RB_KEXEC);
	finish(1);
	return 1;
}
