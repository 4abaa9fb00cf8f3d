# kho-radix workbench. See README.md.
.PHONY: help demo test test-full tree export kunit checkpatch kernel harness \
	memblock-sim interop bench bench-report docs kernel-doc test-vng \
	test-arm64

help:
	@echo "make demo        build and boot the patched kernel, preserve memory, kexec, verify"
	@echo "make test        every test; ends with 'N passed, N failed'"
	@echo "make test-full   make test, then KUnit under KCSAN and under KASAN (with lockdep), stock 7.3 <-> series kexec in both directions, make docs, four scenarios on a kernel without NUMA and deferred struct page init, and make test-arm64"
	@echo "make test-vng    the kexec scenarios under virtme-ng (vng) from Debian unstable"
	@echo "make test-arm64  arm64 with 4 KiB, 16 KiB and 64 KiB pages (cross compiler, qemu-system-aarch64): KUnit kho_radix and the kexec scenarios selftest, handover, corrupt-order, corrupt-nomap, corrupt-nomap-block"
	@echo "make docs        htmldocs of Documentation/core-api (Sphinx from Debian), no KHO warning"
	@echo "make bench       next-kernel boot cost of preserved memory, stock 7.3 vs series"
	@echo "make tree        fresh work tree: Debian linux-source-7.3 + patches/"
	@echo "make export      work tree commits -> patches/"
	@echo "make kunit | checkpatch | kernel | harness | memblock-sim | interop   one step"

demo:
	@scripts/demo.sh

test:
	@scripts/test.sh

test-full: test
	@scripts/tree.sh
	@scripts/kunit.sh debug-kcsan
	@scripts/kunit.sh debug-kasan
	@scripts/interop.sh
	@scripts/docs.sh
	@scripts/build.sh kexec-flat configs/kexec-flat.config >/dev/null
	@for s in handover ranges overlap early; do \
		KHO_KEXEC=kexec-flat scripts/kexec-test.sh $$s || exit 1; done
	@scripts/arm64-test.sh

test-arm64:
	@scripts/tree.sh
	@scripts/arm64-test.sh

docs:
	@scripts/docs.sh

test-vng:
	@scripts/vng.sh

kernel-doc:
	@scripts/kernel-doc.sh

tree:
	@scripts/tree.sh

export:
	@scripts/export.sh

kunit:
	@scripts/kunit.sh

checkpatch:
	@scripts/checkpatch.sh

kernel:
	@scripts/build.sh kexec configs/kexec.config

harness:
	@scripts/harness.sh

memblock-sim:
	@scripts/memblock-sim.sh

interop:
	@scripts/tree.sh
	@scripts/build.sh kexec configs/kexec.config >/dev/null
	@scripts/interop.sh

bench:
	@scripts/tree.sh
	@scripts/bench.sh

bench-report:
	@scripts/bench-report.sh
