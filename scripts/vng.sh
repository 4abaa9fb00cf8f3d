#!/usr/bin/env bash
# make test-vng: the KHO kexec scenarios under virtme-ng (vng), the tool
# kernel developers use to boot a freshly built kernel in one command.
#
# virtme-ng comes from Debian unstable (package virtme-ng, architecture
# all), fetched with a private apt configuration like the base kernel and
# unpacked into the cache; its dependencies come from the machine's own
# Debian. The test kernel is built with configs/kexec.config plus
# configs/vng.config (9p root over virtio) in build/vng. Each scenario
# boots it with "vng --run", QEMU with TCG; in the guest
# scripts/guest/vng-kexec.sh kexecs into the same kernel with KHO, and the
# next kernel runs it again to report. Verdicts are those of the selftest:
#
#   selftest      lib/test_kho.c preserves, the next kernel restores and
#                 checks as many folios and bytes
#   corrupt-KIND  the old kernel corrupts its map; the next kernel rejects
#                 it with one warning and boots without KHO
#
# VNG_SCENARIOS (default "selftest corrupt-cycle") picks the scenarios.
. "$(dirname "$0")/lib.sh"

VNG_SUITE=sid
root=$CACHE/vng/root
need_build_tools
need_qemu
need_pkgs busybox-static file iproute2 kbd kmod util-linux-extra \
	python3-argcomplete python3-requests kexec-tools

if [ ! -x "$root/usr/bin/vng" ]; then
	apt_dir=$CACHE/apt-$VNG_SUITE
	apt_private "$apt_dir" "$VNG_SUITE"
	rm -f "$apt_dir"/archives/virtme-ng_*.deb
	(cd "$apt_dir/archives" &&
		run_logged "$LOGS/vng-download.log" "download of virtme-ng" \
			apt-get "${apt_opts[@]}" download virtme-ng)
	deb=$(ls "$apt_dir"/archives/virtme-ng_*.deb | head -n 1)
	rm -rf "$root"
	mkdir -p "$root"
	dpkg-deb -x "$deb" "$root"
	say "unpacked $(basename "$deb") into $root"
fi
export PATH=$root/usr/bin:/usr/bin:/usr/sbin:/bin:/sbin:$PATH
export PYTHONPATH=$root/usr/lib/python3/dist-packages
vng=("/usr/bin/python3" "$root/usr/bin/vng")
say "virtme-ng $("${vng[@]}" --version 2>&1 | tail -n 1)"

"$TOP/scripts/build.sh" vng "$TOP/configs/kexec.config" "$TOP/configs/vng.config" >/dev/null
kernel=$BUILD/vng/arch/x86/boot/bzImage

rc=0
for scenario in ${VNG_SCENARIOS:-selftest corrupt-cycle}; do
	log=$LOGS/vng-$scenario.log
	say "vng '$scenario' (log: $log)"
	start=$(date +%s)
	# Guest output on the console: --verbose shows the kernel log too.
	set +e
	timeout --foreground "${TIMEOUT:-600}" "${vng[@]}" --run "$kernel" \
		--disable-kvm --disable-microvm --memory 1G --cpus 2 --verbose \
		--append "kho=on printk.devkmsg=on panic=-1" \
		--exec "$TOP/scripts/guest/vng-kexec.sh $kernel $scenario" \
		</dev/null >"$log" 2>&1
	vrc=$?
	set -e
	tr -d '\r' <"$log" >"$log.txt"
	old=$BUILD/vng/$scenario-kernel1.log
	new=$BUILD/vng/$scenario-kernel2.log
	awk -v a="$old" -v b="$new" '{ print > (n ? b : a) }
		/kho_vmtest: kexec loaded/ { n = 1 }' n=0 "$log.txt"
	touch "$new"
	secs=$(( $(date +%s) - start ))
	case $scenario in
	selftest)
		preserved=$(grep -a -o -E 'test_kho: preserving [0-9]+ folios, [0-9]+ bytes' "$old" | tail -n 1 || true)
		restored=$(grep -a -o -E 'test_kho: restored [0-9]+ folios, [0-9]+ bytes' "$new" | tail -n 1 || true)
		if [ -n "$preserved" ] && grep -a -q 'kho_vmtest: kexec loaded' "$old"; then
			echo "PASS vng selftest: kernel 1 preserved ${preserved#test_kho: preserving }, kexec'ed"
		else
			echo "FAIL vng selftest: kernel 1 did not preserve and kexec (vng exit $vrc, log: $log)"
			rc=1
		fi
		if grep -a -q 'KHO restore succeeded' "$new" &&
		   grep -a -q 'kho_vmtest: kho boot: yes' "$new" &&
		   [ "${restored#test_kho: restored}" = "${preserved#test_kho: preserving}" ]; then
			echo "PASS vng selftest: kernel 2 restored and verified ${restored#test_kho: restored } (${secs} s)"
		else
			echo "FAIL vng selftest: kernel 2 did not restore what was preserved (vng exit $vrc, log: $log)"
			rc=1
		fi
		;;
	corrupt-*)
		kind=${scenario#corrupt-}
		if grep -a -q "preserved memory map corrupted for testing: $kind" "$old" &&
		   grep -a -q 'kho_vmtest: kexec loaded' "$old"; then
			echo "PASS vng $scenario: kernel 1 corrupted its map, kexec'ed"
		else
			echo "FAIL vng $scenario: kernel 1 did not corrupt its map and kexec (vng exit $vrc, log: $log)"
			rc=1
		fi
		warnings=$(grep -a -c 'preserved memory map rejected' "$new" || true)
		splat=$(grep -a -m1 -E 'Kernel panic|BUG:|WARNING:|Oops' "$new" || true)
		if [ "$warnings" = 1 ] && [ -z "$splat" ] &&
		   grep -a -q 'kho_vmtest: kho boot: no' "$new"; then
			echo "PASS vng $scenario: kernel 2 rejected the map with one warning, booted without KHO (${secs} s)"
		else
			echo "FAIL vng $scenario: kernel 2: $warnings warning(s)${splat:+, $splat} (vng exit $vrc, log: $log)"
			rc=1
		fi
		;;
	*)
		die "unknown vng scenario '$scenario'"
		;;
	esac
done
exit $rc
