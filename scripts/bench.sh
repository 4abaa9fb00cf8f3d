#!/usr/bin/env bash
# make bench: what preserved memory costs, stock Linux 7.3 against the
# series, on this machine, in one run, both kernels built from
# configs/stock.config (the same options; stock's build is the one
# make interop uses).
#
# Boot cost. For each kernel, each N in BENCH_SIZES, BENCH_REPEAT times:
# QEMU (TCG, 2 vCPUs, BENCH_MEM of RAM) boots the kernel, bench/kho_bench
# preserves N scattered order-0 pages (no two adjacent; the unpreserved
# neighbour of each is freed again) and the kernel kexecs into itself.
# The measure is the same on both kernels: the next kernel's time to
# /init minus that of the same kernel's N = 0 run of the same round
# (runs go round by round over all N, see below).
# A row counts as ok only if the next kernel was a KHO boot and
# kho_bench restored every page it preserved, with its stamp. Also
# recorded from the next kernel: the series' own phase line (validation,
# reservation, scratch extension; stock prints none), the deferred
# struct page initialisation time, the time from sched_init() to
# rcu_init() (where early allocations pay for fragmented memory), the
# time from report_meminit() to kmem_cache_init() ("mem auto-init" to
# "SLUB": KHO's memory setup, memblock_free_all() and mem_init(), on the
# boot CPU), the stamps that cut the time to /init into consecutive
# phases (mem auto-init, SLUB, smp: Brought up, the last deferred
# pages line, Run /init), and (series) how many regions memblock.reserved
# gained. A "blocks" row
# preserves memory in 2 MiB and 1 GiB blocks instead.
#
# Stock's cost grows with N^2: its rows above BENCH_STOCK_ONCE_ABOVE pages
# run once, the one at BENCH_STOCK_LONG pages with a cap of
# BENCH_STOCK_LONG_CAP seconds (to completion); larger N are not run on
# stock (BENCH_STOCK_MAX). Every other run is stopped after BENCH_CAP seconds and counts as
# "> cap".
#
# Preserve side: kho_bench's tput mode preserves and then unpreserves
# BENCH_TPUT scattered order-0 folios with 1, 2 and 4 threads in a guest
# with 4 vCPUs, BENCH_REPEAT boots per kernel, and times a CPU-bound
# control loop split the same way (control_ms): its speed-up is the
# ceiling this guest on this host gives any loop.
#
# BENCH_ROWS="kernel:kind:n ..." runs only those rows (kind: pages,
# blocks, tput) and appends them to the existing CSV.
#
# Then BENCH_ICOUNT_ROWS again, BENCH_ICOUNT_REPEAT rounds, under QEMU
# -icount BENCH_ICOUNT_MODE: the guest's clocks (TSC, timers) count
# executed instructions, so the host's noise is gone; the vCPUs take
# turns on one host thread, so work that the vCPUs share (deferred
# initialisation) counts in full, as on one CPU. Output in
# bench/results/icount/. Then the same with both kernels built from
# configs/production.config (no DEBUG_VM), in bench/results/production/.
# BENCH_OUT, BENCH_CONFIG (configs/NAME.config) and BENCH_ICOUNT (QEMU's
# -icount option) run any of this elsewhere, another way.
#
# Output: bench/results/bench.csv (one line per run), bench/results/bench.md
# (medians and ranges) and bench/results/reservation.png (plot).
. "$(dirname "$0")/lib.sh"

cap=${BENCH_CAP:-300}
repeat=${BENCH_REPEAT:-5}
sizes=${BENCH_SIZES:-"0 16384 65536 262144 1048576 2097152"}
once_above=${BENCH_STOCK_ONCE_ABOVE:-65536}
long_n=${BENCH_STOCK_LONG:-262144}
long_cap=${BENCH_STOCK_LONG_CAP:-1800}
tput_n=${BENCH_TPUT:-262144}
stock_max=${BENCH_STOCK_MAX:-262144}
mem=${BENCH_MEM:-20G}
icount=${BENCH_ICOUNT_MODE:-shift=0,sleep=off}
icount_repeat=${BENCH_ICOUNT_REPEAT:-3}
icount_rows=${BENCH_ICOUNT_ROWS:-"series:pages:0 series:pages:16384 series:pages:1048576 series:pages:2097152 stock:pages:0 stock:pages:16384"}
results=${BENCH_OUT:-$TOP/bench/results}
# BENCH_CONFIG=NAME: both kernels from configs/NAME.config instead.
cfg=${BENCH_CONFIG:-stock}
sb=bench kb=kexec suf= tag=bench
if [ "$cfg" != stock ]; then
	sb=bench-$cfg kb=bench-$cfg suf=-$cfg tag=bench-$cfg
fi
[ -n "${BENCH_ICOUNT:-}" ] && tag=$tag-icount
work=$BUILD/bench
mkdir -p "$results" "$work"
need_pkgs gnuplot-nox bc

stock=$BUILD/stock
say "building the series and stock Linux 7.3 from configs/$cfg.config"
"$TOP/scripts/build.sh" "$sb" "$TOP/configs/$cfg.config" >/dev/null
if [ ! -e "$stock/linux/.git" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$stock/linux" base
fi
BUILD=$stock TREE=$stock/linux "$TOP/scripts/build.sh" "$kb" \
	"$TOP/configs/$cfg.config" >/dev/null ||
	die "stock kernel build failed (log: $stock/logs/build-$kb.log)"

# The same workload module, built against each kernel.
mod_series=$(build_kho_bench "series$suf" "$TREE" "$BUILD/$sb" "$work/mod-series$suf")
mod_stock=$(build_kho_bench "stock$suf" "$stock/linux" "$stock/$kb" "$work/mod-stock$suf")

# The guest's TSC rate, so that early-boot timestamps run (TCG).
QEMU_ICOUNT=${BENCH_ICOUNT:-} MEM=2G TIMEOUT=120 "$TOP/scripts/qemu.sh" $tag-calibrate \
	"$BUILD/$sb/arch/x86/boot/bzImage" -- >/dev/null || true
mhz=$(grep -a -o 'tsc: Detected [0-9.]* MHz' "$LOGS/qemu-$tag-calibrate.log" | head -n 1 | awk '{print $3}')
[ -n "$mhz" ] || die "no TSC rate in $LOGS/qemu-$tag-calibrate.log"
khz=$(printf '%.0f' "$(echo "$mhz * 1000" | bc)")
say "guest TSC: $mhz MHz; cap per run: ${cap}s (stock at $long_n pages: ${long_cap}s); guest RAM: $mem; $repeat runs per point"

csv=$results/bench.csv
header="kernel,kind,n,run,status,init_s,kho_validate_ms,kho_reserve_ms,kho_scratch_ms,deferred_ms,sched_to_rcu_s,reserved_regions,restored,tput_threads,preserve_ms,unpreserve_ms,run_s,control_ms,meminit_to_slub_s,meminit_at_s,slub_at_s,smp_at_s,deferred_done_at_s,run_init_at_s"
[ -n "${BENCH_ROWS:-}" ] && [ -s "$csv" ] && head -n 1 "$csv" | grep -qxF "$header" ||
	echo "$header" >"$csv"

# The timestamp of the first line matching $2 in log $1 (or empty).
stamp_of() {
	grep -a -m 1 -E "$2" <<<"$1" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' || true
}

# run KERNEL KIND N RUN: one boot, one CSV line per measure.
run() {
	local kernel=$1 kind=$2 n=$3 r=$4 img mod name log next status secs
	local init val res scr def s0 s1 s2r regions restored params last
	local m0 m1 m2s smp ddone rinit
	local run_cap=$cap smp=2
	if [ "$kernel" = stock ]; then
		img=$stock/$kb/arch/x86/boot/bzImage
		mod=$mod_stock
	else
		img=$BUILD/$sb/arch/x86/boot/bzImage
		mod=$mod_series
	fi
	case $kind in
	pages) params="kho_bench.pages=$n" ;;
	blocks) params="kho_bench.big2m=$n kho_bench.big1g=2" ;;
	tput) params="kho_bench.tput=$n"; smp=4 ;;
	esac
	[ "$kernel" = stock ] && [ "$kind" = pages ] && [ "$n" = "$long_n" ] &&
		run_cap=$long_cap
	name=$tag-$kernel-$kind-$n-$r
	log=$LOGS/qemu-$name.log
	last=$mod
	[ "$kind" = tput ] && last=
	QEMU_ICOUNT=${BENCH_ICOUNT:-} \
	QEMU_BENCH_MODULE=$mod QEMU_LAST_MODULE=$last MEM=$mem SMP=$smp \
		TIMEOUT=$run_cap "$TOP/scripts/qemu.sh" "$name" \
		"$img" "$img" -- $params "tsc_early_khz=$khz" \
		kho_scratch=64M,768M,64M nokaslr \
		>"$work/$name.out" 2>&1 || true
	secs=$(cat "$BUILD/qemu/$name/seconds" 2>/dev/null || echo 0)
	if [ "$kind" = tput ]; then
		status=failed
		grep -a -q 'kho_bench: tput 4 threads' "$log" && status=ok
		grep -a -o -E 'kho_bench: tput [0-9]+ threads: [0-9]+ folios preserved in -?[0-9]+ us, unpreserved in -?[0-9]+ us, control loop in -?[0-9]+ us' "$log" |
		while read -r _ _ t _ _ _ _ _ p _ _ _ u _ _ _ _ c _; do
			echo "$kernel,$kind,$n,$r,$status,,,,,,,,,$t,$(echo "scale=3; $p / 1000" | bc),$(echo "scale=3; $u / 1000" | bc),$secs,$(echo "scale=3; $c / 1000" | bc)," >>"$csv"
		done || true
		printf '  %-6s %-6s N=%-8s run %s: %s (%s s)\n' "$kernel" "$kind" "$n" "$r" "$status" "$secs"
		return
	fi
	next=$(awk '{ sub(/\r$/, "") } found { print } /KHO-WB: kexec loaded/ { found = 1 }' "$log")
	restored=$(grep -a -o -E 'kho_bench: restored [0-9]+ of [0-9]+ scattered pages and [0-9]+ of [0-9]+ blocks, [0-9]+ without their stamp' <<<"$next" || true)
	if grep -q 'KHO-WB: stopping' <<<"$next" &&
	   grep -q 'KHO-WB: kho boot: yes' <<<"$next" &&
	   [[ "$restored" =~ restored\ ([0-9]+)\ of\ ([0-9]+)\ .*\ ([0-9]+)\ of\ ([0-9]+)\ blocks,\ 0\ without ]] &&
	   [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] &&
	   [ "${BASH_REMATCH[3]}" = "${BASH_REMATCH[4]}" ] &&
	   { [ "$kind" != pages ] || [ "${BASH_REMATCH[2]}" = "$n" ]; }; then
		status=ok
	elif grep -q 'timed out' "$work/$name.out"; then
		status="> ${run_cap}s"
	else
		status=failed
	fi
	init=$(stamp_of "$next" 'KHO-WB: last kernel up')
	read -r val res scr < <(grep -a -o -E 'KHO: reserved .*: validated in [0-9]+ us, reserved in [0-9]+ us, scratch extended in [0-9]+ us' <<<"$next" |
		sed -E 's/.*validated in ([0-9]+) us, reserved in ([0-9]+) us, scratch extended in ([0-9]+) us/\1 \2 \3/' |
		awk '{ printf "%.3f %.3f %.3f\n", $1 / 1000, $2 / 1000, $3 / 1000 }') || true
	def=$(grep -a -o -E 'deferred pages initialised in [0-9]+ms' <<<"$next" | grep -o -E '[0-9]+' | awk '{ s += $1 } END { if (NR) print s }' || true)
	s0=$(stamp_of "$next" 'Dynamic Preempt:')
	s1=$(stamp_of "$next" 'rcu: Preemptible hierarchical RCU|rcu: Hierarchical RCU')
	s2r=
	[ -n "$s0" ] && [ -n "$s1" ] && s2r=$(echo "$s1 - $s0" | bc)
	regions=$(grep -a -o -E 'memblock\.reserved [+-][0-9]+ regions' <<<"$next" | grep -o -E '[+-][0-9]+' || true)
	regions=${regions#+}
	m0=$(stamp_of "$next" 'mem auto-init: stack')
	m1=$(stamp_of "$next" 'SLUB: HWalign')
	m2s=
	[ -n "$m0" ] && [ -n "$m1" ] && m2s=$(echo "$m1 - $m0" | bc)
	# Stamps that cut the time to /init into consecutive phases.
	smp=$(stamp_of "$next" 'smp: Brought up')
	ddone=$(grep -a -E 'deferred pages initialised in' <<<"$next" |
		sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | sort -n | tail -n 1 || true)
	rinit=$(stamp_of "$next" 'Run /init as init process')
	echo "$kernel,$kind,$n,$r,$status,$init,$val,$res,$scr,$def,$s2r,$regions,\"${restored#kho_bench: }\",,,,$secs,,$m2s,$m0,$m1,$smp,$ddone,$rinit" >>"$csv"
	printf '  %-6s %-6s N=%-8s run %s: %-8s /init at %8s s, KHO %s/%s/%s ms, deferred %s ms, sched-rcu %s s, meminit-slub %s s, reserved regions %s (run %s s)\n' \
		"$kernel" "$kind" "$n" "$r" "$status" "${init:--}" "${val:--}" "${res:--}" "${scr:--}" "${def:--}" "${s2r:--}" "${m2s:--}" "${regions:--}" "$secs"
}

if [ -n "${BENCH_ROWS:-}" ]; then
	# Interleaved run by run too.
	for ((r = 1; r <= repeat; r++)); do
		for row in $BENCH_ROWS; do
			IFS=: read -r kernel kind n <<<"$row"
			run "$kernel" "$kind" "$n" "$r"
		done
	done
else
	# Round by round: each round boots every N on both kernels, so that
	# a slow spell of the machine hits the N = 0 boots and the others
	# alike, and each run is compared with the N = 0 run of its round.
	# Stock's single runs above BENCH_STOCK_ONCE_ABOVE come after the
	# first round.
	for ((r = 1; r <= repeat; r++)); do
		say "round $r of $repeat: N = $sizes scattered pages"
		for n in $sizes; do
			run series pages "$n" "$r"
			if [ "$n" -le "$once_above" ]; then
				run stock pages "$n" "$r"
			fi
		done
		[ "$r" = 1 ] || continue
		for n in $sizes; do
			if [ "$n" -gt "$once_above" ] && [ "$n" -le "$stock_max" ]; then
				run stock pages "$n" "$r"
			fi
		done
	done
	say "512 blocks of 2 MiB and 2 of 1 GiB"
	for ((r = 1; r <= repeat; r++)); do
		run series blocks 512 "$r"
		run stock blocks 512 "$r"
	done
	say "preserve side: $tput_n folios, 1, 2 and 4 threads, 4 vCPUs"
	for ((r = 1; r <= repeat; r++)); do
		run series tput "$tput_n" "$r"
		run stock tput "$tput_n" "$r"
	done
fi

title="Both kernels from configs/$cfg.config."
[ -n "${BENCH_ICOUNT:-}" ] && title="$title QEMU -icount $BENCH_ICOUNT: the guest's clocks count executed instructions (one vCPU at a time, so work the vCPUs share adds up), not host time."
BENCH_TITLE=$title "$TOP/scripts/bench-report.sh" "$csv"

# The same boots once more with the guest's clocks counting instructions
# (QEMU -icount; the vCPUs then take turns): host noise gone, parallel
# work counted in full. Results in bench/results/icount/.
if [ -z "${BENCH_ROWS:-}" ] && [ "$icount_repeat" -gt 0 ]; then
	say "QEMU -icount $icount: $icount_rows, $icount_repeat rounds"
	mkdir -p "$results/icount"
	rm -f "$results/icount/bench.csv"
	BENCH_OUT=$results/icount BENCH_ICOUNT=$icount \
		BENCH_REPEAT=$icount_repeat BENCH_ROWS=$icount_rows "$0"
	# And both kernels as hosts build them: configs/production.config
	# is configs/stock.config without DEBUG_VM, whose per-page checks
	# the free paths pay (under -icount; results/production/).
	say "configs/production.config, QEMU -icount $icount: $icount_rows, $icount_repeat rounds"
	mkdir -p "$results/production"
	rm -f "$results/production/bench.csv"
	BENCH_OUT=$results/production BENCH_CONFIG=production \
		BENCH_ICOUNT=$icount BENCH_REPEAT=$icount_repeat \
		BENCH_ROWS=$icount_rows "$0"
fi
