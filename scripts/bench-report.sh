#!/usr/bin/env bash
# Turn bench/results/bench.csv (one line per run, from scripts/bench.sh)
# into bench/results/bench.md and bench/results/reservation.png, and print
# the tables. Every figure is a median over the ok runs of a point, with
# the range (min-max) beside it. The boot cost of N preserved pages is the
# same measure on both kernels: time to /init minus that of the same
# kernel's N = 0 run of the same round (the median of its N = 0 runs
# where that run is missing, and for the blocks rows, which run after the
# rounds); it can be negative (noise), and is shown as measured. The same
# difference is taken phase by phase, between consecutive stamps of the
# next kernel's log. Internal timers (the series' own phase line) are
# shown separately and labelled as such.
. "$(dirname "$0")/lib.sh"

csv=${1:-$TOP/bench/results/bench.csv}
out=$(dirname "$csv")
python3 - "$csv" "$out" <<'PY'
import csv, os, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = sys.argv[2]

def f(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None

def rng(xs):
    xs = [x for x in xs if x is not None]
    return (min(xs), max(xs)) if xs else None

def fm(x, fmt="%.3f"):
    return "-" if x is None else fmt % x

def fr(r, fmt="%.3f"):
    return "" if r is None else " (" + fmt % r[0] + " to " + fmt % r[1] + ")"

runs = {}
for r in rows:
    if r["kind"] in ("pages", "blocks"):
        runs.setdefault((r["kernel"], r["kind"], int(r["n"])), []).append(r)

base = {}
for k in ("series", "stock"):
    base[k] = med([f(r["init_s"]) for r in runs.get((k, "pages", 0), [])
                   if r["status"] == "ok"])

# The N = 0 run of each round, by kernel and run number.
base_run = {}
for k in ("series", "stock"):
    for r in runs.get((k, "pages", 0), []):
        if r["status"] == "ok":
            base_run[(k, r["run"])] = r
unpaired = []

def base_of(k, r, kind):
    """The N = 0 run to compare run r with (None: use the median)."""
    if kind != "pages":
        return None
    b = base_run.get((k, r["run"]))
    if b is None:
        unpaired.append((k, kind, r["n"], r["run"]))
    return b

def point(k, kind, n):
    """(median delta, range, ok runs, all runs, capped status) of a point."""
    rs = runs.get((k, kind, n), [])
    ok = [r for r in rs if r["status"] == "ok"]
    capped = [r["status"] for r in rs if r["status"].startswith(">")]
    if base[k] is None or not ok:
        return None, None, 0, len(rs), (capped[0] if capped else None)
    d = []
    for r in ok:
        b = base_of(k, r, kind)
        d.append(f(r["init_s"]) - (f(b["init_s"]) if b else base[k]))
    return med(d), rng(d), len(ok), len(rs), None

# Consecutive phases of the time to /init: (label, from, to); None is the
# start of the kernel's log.
PHASES = (
    ("start to mem auto-init", None, "meminit_at_s"),
    ("mem auto-init to SLUB", "meminit_at_s", "slub_at_s"),
    ("SLUB to smp up", "slub_at_s", "smp_at_s"),
    ("smp up to deferred init done", "smp_at_s", "deferred_done_at_s"),
    ("deferred init done to Run /init", "deferred_done_at_s", "run_init_at_s"),
    ("Run /init to up", "run_init_at_s", "init_s"),
)

def phase(r, a, b):
    x = 0.0 if a is None else f(r.get(a))
    y = f(r.get(b))
    return None if x is None or y is None else y - x

lines = []
if os.environ.get("BENCH_TITLE"):
    lines += [os.environ["BENCH_TITLE"], ""]
lines.append("Boot cost of N scattered order-0 pages: next kernel's time to /init "
             "minus that of the same kernel's N = 0 run of the same round (s), "
             "median (range), ok runs/runs; baseline: median time to /init at N = 0")
lines.append("")
lines.append("| N | series: /init delta (s) | runs | stock: /init delta (s) | runs | stock / series |")
lines.append("|---:|---:|---:|---:|---:|---:|")
ns = sorted({n for (k, kind, n) in runs if kind == "pages"})
plot = []
for n in ns:
    s = point("series", "pages", n)
    t = point("stock", "pages", n)
    if n == 0:
        sd = "baseline %s" % fm(base["series"])
        td = "baseline %s" % fm(base["stock"])
    else:
        sd = fm(s[0]) + fr(s[1])
        td = (fm(t[0]) + fr(t[1])) if t[3] and t[0] is not None else \
             (t[4] or "not run")
    ratio = ""
    if n and t[0] is not None and s[0] is not None:
        ratio = "%.0fx" % (t[0] / s[0]) if s[0] > 0 else "series delta <= 0"
    elif n and t[4] and s[0] is not None and s[0] > 0:
        ratio = ">%.0fx" % ((float(t[4].strip("> s")) - base["stock"]) / s[0])
    lines.append("| %d | %s | %d/%d | %s | %d/%d | %s |" %
                 (n, sd, s[2], s[3], td, t[2], t[3], ratio))
    if n:
        plot.append((n, fm(s[0]), fm(s[1][0]) if s[1] else "NaN",
                     fm(s[1][1]) if s[1] else "NaN",
                     fm(t[0]) if t[0] is not None else "NaN"))

# targets
lines.append("")
for n, pct in ((1048576, 5), (2097152, 10)):
    s = point("series", "pages", n)
    if s[0] is None or base["series"] is None:
        lines.append("- target N = %d within %d%% of the N = 0 boot: no ok run" % (n, pct))
        continue
    # Each run against the N = 0 run of its round, in percent of it.
    rels = []
    for r in runs.get(("series", "pages", n), []):
        b = base_run.get(("series", r["run"]))
        if r["status"] == "ok" and b:
            rels.append(100 * (f(r["init_s"]) - f(b["init_s"])) / f(b["init_s"]))
    if not rels:
        lines.append("- target N = %d within %d%% of the N = 0 boot: no pair of ok runs" % (n, pct))
        continue
    rel = med(rels)
    lines.append("- target N = %d within %d%% of the N = 0 boot of the same round: "
                 "%+.1f%% (%+.1f%% to %+.1f%%, %d pairs; median delta %.3f s), %s"
                 % (n, pct, rel, min(rels), max(rels), len(rels), s[0],
                    "met" if rel <= pct else "missed"))

# blocks
b = [point(k, "blocks", 512) for k in ("series", "stock")]
if any(x[3] for x in b):
    lines.append("")
    lines.append("Preserved memory in 512 blocks of 2 MiB and 2 of 1 GiB (3 GiB): "
                 "/init delta (s), against the median of the kernel's N = 0 runs")
    lines.append("")
    lines.append("| kernel | /init delta (s) | runs |")
    lines.append("|---|---:|---:|")
    for k, x in zip(("series", "stock"), b):
        lines.append("| %s | %s | %d/%d |" % (k, fm(x[0]) + fr(x[1]), x[2], x[3]))

# phases
lines.append("")
lines.append("Where the time goes (medians; timestamps of the next kernel's log):")
lines.append("")
lines.append("| kernel | N | KHO validate (ms) | KHO reserve (ms) | KHO scratch (ms) | mem auto-init to SLUB (s) | deferred init (ms) | sched_init to rcu_init (s) | memblock.reserved regions added |")
lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for k in ("series", "stock"):
    have = [n for n in ns if any(r["status"] == "ok"
                                 for r in runs.get((k, "pages", n), []))]
    for n in sorted({0, max(have or [0])}):
        rs = [r for r in runs.get((k, "pages", n), []) if r["status"] == "ok"]
        if not rs:
            continue
        col = lambda c: fm(med([f(r.get(c)) for r in rs]))
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            k, n, col("kho_validate_ms"), col("kho_reserve_ms"),
            col("kho_scratch_ms"), col("meminit_to_slub_s"),
            col("deferred_ms"), col("sched_to_rcu_s"),
            fm(med([f(r["reserved_regions"]) for r in rs]), "%.0f")))
lines.append("")
lines.append("KHO's phases are the series' own timers (stock prints none). "
             "\"mem auto-init to SLUB\" is the same measure on both kernels: "
             "KHO's memory setup, memblock_free_all() and mem_init() on the "
             "boot CPU.")

# the time to /init, phase by phase
def phase_table_head(last):
    lines.append("| kernel | N | " + " | ".join(p[0] for p in PHASES) +
                 " | time to /init | " + last + " |")
    lines.append("|---|---:|" + "---:|" * (len(PHASES) + 2))

lines.append("")
lines.append("The time to /init cut into consecutive phases by the next kernel's "
             "log stamps (s, medians; the phases add up to the time to /init):")
lines.append("")
phase_table_head("runs")
big = {}
for k in ("series", "stock"):
    have = [n for n in ns if any(r["status"] == "ok"
                                 for r in runs.get((k, "pages", n), []))]
    big[k] = sorted({0, max(have or [0])} |
                    ({1048576} if 1048576 in have else set()))
    for n in big[k]:
        rs = [r for r in runs.get((k, "pages", n), []) if r["status"] == "ok"]
        if not rs:
            continue
        lines.append("| %s | %d | %s | %s | %d |" % (
            k, n, " | ".join(fm(med([phase(r, a, b) for r in rs]))
                             for _, a, b in PHASES),
            fm(med([f(r["init_s"]) for r in rs])), len(rs)))
lines.append("")
lines.append("What N preserved pages add to each phase: each run minus the N = 0 "
             "run of its round, phase by phase (s, median (range)):")
lines.append("")
phase_table_head("pairs")
for k in ("series", "stock"):
    for n in big[k]:
        if not n:
            continue
        pairs = [(r, base_run[(k, r["run"])])
                 for r in runs.get((k, "pages", n), [])
                 if r["status"] == "ok" and (k, r["run"]) in base_run]
        if not pairs:
            continue
        cells = []
        for _, a, b in PHASES + (("", None, "init_s"),):
            d = [phase(r, a, b) - phase(z, a, b) for r, z in pairs
                 if phase(r, a, b) is not None and phase(z, a, b) is not None]
            cells.append(fm(med(d)) + fr(rng(d)))
        lines.append("| %s | %d | %s | %d |" % (k, n, " | ".join(cells), len(pairs)))

# preserve side
tp = {}
for r in rows:
    if r["kind"] == "tput" and r["status"] == "ok":
        tp.setdefault((r["kernel"], int(r["tput_threads"])), []).append(r)
if tp:
    n = next(int(r["n"]) for r in rows if r["kind"] == "tput")
    lines.append("")
    lines.append("Preserve side: %d scattered order-0 folios, kho_preserve_folio() then "
                 "kho_unpreserve_folio(), guest with 4 vCPUs on this 2-core machine (ms, median (range))" % n)
    lines.append("")
    lines.append("| kernel | threads | preserve (ms) | speed-up | unpreserve (ms) | control loop (ms) | its speed-up | runs |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in ("series", "stock"):
        one = med([f(r["preserve_ms"]) for r in tp.get((k, 1), [])])
        cone = med([f(r.get("control_ms")) for r in tp.get((k, 1), [])])
        for t in (1, 2, 4):
            rs = tp.get((k, t), [])
            p = [f(r["preserve_ms"]) for r in rs]
            u = [f(r["unpreserve_ms"]) for r in rs]
            c = [f(r.get("control_ms")) for r in rs]
            sp = "%.2fx" % (one / med(p)) if one and med(p) else "-"
            csp = "%.2fx" % (cone / med(c)) if cone and med(c) else "-"
            lines.append("| %s | %d | %s | %s | %s | %s | %s | %d |" % (
                k, t, fm(med(p)) + fr(rng(p)), sp, fm(med(u)) + fr(rng(u)),
                fm(med(c)) + fr(rng(c)), csp, len(rs)))
    lines.append("")
    lines.append("Speed-up per boot (the boot's 1-thread time over its t-thread "
                 "time), median (range) over the boots:")
    lines.append("")
    lines.append("| kernel | threads | preserve | unpreserve | control loop |")
    lines.append("|---|---:|---:|---:|---:|")
    for k in ("series", "stock"):
        one = {r["run"]: r for r in tp.get((k, 1), [])}
        for t in (2, 4):
            cells = []
            for c in ("preserve_ms", "unpreserve_ms", "control_ms"):
                x = [f(one[r["run"]].get(c)) / f(r.get(c))
                     for r in tp.get((k, t), [])
                     if r["run"] in one and f(r.get(c)) and f(one[r["run"]].get(c))]
                cells.append(fm(med(x), "%.2fx") + fr(rng(x), "%.2fx"))
            lines.append("| %s | %d | %s |" % (k, t, " | ".join(cells)))
    lines.append("")
    for t in (1, 2, 4):
        a = med([f(r["preserve_ms"]) for r in tp.get(("series", t), [])])
        b = med([f(r["preserve_ms"]) for r in tp.get(("stock", t), [])])
        if a and b:
            lines.append("- %d thread(s): stock preserve time / series: %.2fx" % (t, b / a))

if unpaired:
    lines.append("")
    lines.append("Runs without an ok N = 0 run in their round, compared with the "
                 "median instead: " + ", ".join("%s %s N=%s run %s" % u
                                                 for u in sorted(set(unpaired))))

table = "\n".join(lines)
open(out + "/bench.md", "w").write(table + "\n")
with open(out + "/plot.dat", "w") as p:
    for row in plot:
        p.write(" ".join(str(x) for x in row) + "\n")
print(table)
PY
gnuplot <<GP || warn "gnuplot failed: no plot"
set terminal png size 900,600
set output "$out/reservation.png"
set title "Next kernel: time to /init added by N scattered preserved pages (QEMU TCG, medians)"
set xlabel "scattered order-0 pages preserved"
set ylabel "seconds"
set logscale x
set key left top
set grid
plot "$out/plot.dat" using 1:5 with linespoints lw 2 title "stock 7.3", \
     "$out/plot.dat" using 1:2:3:4 with yerrorlines lw 2 title "series (min-max)"
GP
rm -f "$out/plot.dat"
