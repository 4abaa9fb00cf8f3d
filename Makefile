# kho-radix workbench. See README.md.
.PHONY: demo test tree export kunit checkpatch kernel help

help:
	@echo "make demo        build and boot the patched kernel, preserve memory, kexec, verify"
	@echo "make test        every test; ends with 'N passed, N failed'"
	@echo "make tree        fresh work tree: Debian linux-source-7.3 + patches/"
	@echo "make export      work tree commits -> patches/"
	@echo "make kunit       KUnit suites only"
	@echo "make checkpatch  checkpatch --strict on patches/"
	@echo "make kernel      build the test kernel only"

demo:
	@scripts/demo.sh

test:
	@scripts/test.sh

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
