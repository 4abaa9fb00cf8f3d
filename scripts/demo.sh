#!/usr/bin/env bash
# make demo: base kernel + series, built and booted in QEMU; the old kernel
# preserves a few hundred MiB of folios of mixed orders, kexecs, and the next
# kernel verifies every byte. Ends with a short summary.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh" kexec "$TOP/configs/kexec.config" >/dev/null
exec "$TOP/scripts/kexec-test.sh" demo
