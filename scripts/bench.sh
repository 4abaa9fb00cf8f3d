#!/usr/bin/env bash
# make bench: what preserved memory costs the next kernel's boot, stock
# Linux 7.3 against the series, on this machine, in one run.
#
# For each kernel and each N in BENCH_SIZES, QEMU (TCG) boots the kernel,
# bench/kho_bench preserves N scattered order-0 pages (no two adjacent),
# and the kernel kexecs into itself. Recorded from the next kernel: its own
# reservation line (the series prints one; stock prints nothing), and its
# time to /init. The reservation cost compared across kernels is the time
# to /init minus the N = 0 run of the same kernel. A run longer than
# BENCH_CAP seconds is stopped and reported as "> cap". A last run adds a
# mixed-order set (BENCH_MIXED folios of each order 0-10).
#
# BENCH_RUNS="kernel:pages:mixed ..." runs only those and appends them to
# the existing CSV (to finish an interrupted run).
#
# Output: bench/results/bench.csv, bench/results/bench.md (table) and
# bench/results/reservation.png (plot).
. "$(dirname "$0")/lib.sh"

cap=${BENCH_CAP:-420}
sizes=${BENCH_SIZES:-"0 16384 65536 262144 1048576"}
mixed=${BENCH_MIXED:-32}
mixed_pages=${BENCH_MIXED_PAGES:-65536}
mem=${BENCH_MEM:-12G}
results=$TOP/bench/results
work=$BUILD/bench
mkdir -p "$results" "$work"
need_pkgs gnuplot-nox bc

stock=$BUILD/stock
series_out=$BUILD/kexec
say "building the series kernel and stock Linux 7.3 with the same config"
"$TOP/scripts/build.sh" kexec "$TOP/configs/kexec.config" >/dev/null
if [ ! -e "$stock/linux/.git" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$stock/linux" base
fi
BUILD=$stock TREE=$stock/linux "$TOP/scripts/build.sh" kexec \
	"$TOP/configs/stock.config" >/dev/null ||
	die "stock kernel build failed (log: $stock/logs/build-kexec.log)"

# The same workload module, built against each kernel.
mod_series=$(build_kho_bench series "$TREE" "$series_out" "$work/mod-series")
mod_stock=$(build_kho_bench stock "$stock/linux" "$stock/kexec" "$work/mod-stock")

# The guest's TSC rate, so that early-boot timestamps run (TCG).
MEM=2G TIMEOUT=120 "$TOP/scripts/qemu.sh" bench-calibrate \
	"$series_out/arch/x86/boot/bzImage" -- >/dev/null || true
mhz=$(grep -a -o 'tsc: Detected [0-9.]* MHz' "$LOGS/qemu-bench-calibrate.log" | head -n 1 | awk '{print $3}')
[ -n "$mhz" ] || die "no TSC rate in $LOGS/qemu-bench-calibrate.log"
khz=$(printf '%.0f' "$(echo "$mhz * 1000" | bc)")
say "guest TSC: $mhz MHz; cap per run: ${cap}s; guest RAM: $mem"

csv=$results/bench.csv
[ -n "${BENCH_RUNS:-}" ] && [ -s "$csv" ] ||
	echo "kernel,pages,mixed,status,blocks,ranges,reserve_ms,orders_ms,init_s,run_s" >"$csv"

run() {	# kernel pages mixed
	local kernel=$1 n=$2 mix=$3 img mod name log next status init res blocks ranges reserve orders secs
	if [ "$kernel" = stock ]; then
		img=$stock/kexec/arch/x86/boot/bzImage
		mod=$mod_stock
	else
		img=$series_out/arch/x86/boot/bzImage
		mod=$mod_series
	fi
	name=bench-$kernel-$n-$mix
	log=$LOGS/qemu-$name.log
	QEMU_BENCH_MODULE=$mod MEM=$mem TIMEOUT=$cap "$TOP/scripts/qemu.sh" "$name" \
		"$img" "$img" -- "kho_bench.pages=$n" "kho_bench.mixed=$mix" \
		"tsc_early_khz=$khz" kho_scratch=64M,768M,64M nokaslr \
		>"$work/$name.out" 2>&1 || true
	next=$(awk '{ sub(/\r$/, "") } found { print } /KHO-WB: kexec loaded/ { found = 1 }' "$log")
	secs=$(cat "$BUILD/qemu/$name/seconds" 2>/dev/null || echo 0)
	if grep -q 'KHO-WB: stopping' <<<"$next"; then
		status=ok
	elif grep -q 'timed out' "$work/$name.out"; then
		status="> ${cap}s"
	else
		status=failed
	fi
	if ! grep -a -q "kho_bench: preserved $n scattered pages" "$log"; then
		status=failed
	fi
	init=$(grep -a 'KHO-WB: last kernel up' <<<"$next" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | head -n 1 || true)
	res=$(grep -a -o 'KHO: reserved [0-9]* preserved blocks in [0-9]* ranges in [0-9]* us, block orders recorded in [0-9]* us' <<<"$next" || true)
	read -r blocks ranges reserve orders < <(awk '{print $3, $7, $10/1000, $16/1000}' <<<"${res:-x x x x x x x x x x x x x x x x x}")
	[ -n "$res" ] || { blocks=; ranges=; reserve=; orders=; }
	echo "$kernel,$n,$mix,$status,$blocks,$ranges,$reserve,$orders,$init,$secs" >>"$csv"
	printf '  %-6s N=%-8s mixed=%-3s %-8s reservation %8s ms, orders %8s ms, /init at %8s s (run %s s)\n' \
		"$kernel" "$n" "$mix" "$status" "${reserve:--}" "${orders:--}" "${init:--}" "$secs"
}

if [ -n "${BENCH_RUNS:-}" ]; then
	for r in $BENCH_RUNS; do
		IFS=: read -r kernel n mix <<<"$r"
		run "$kernel" "$n" "$mix"
	done
else
	for kernel in series stock; do
		say "$kernel: N = $sizes, then N = $mixed_pages with $mixed folios of each order"
		for n in $sizes; do
			run "$kernel" "$n" 0
		done
		run "$kernel" "$mixed_pages" "$mixed"
	done
fi

"$TOP/scripts/bench-report.sh" "$csv"
