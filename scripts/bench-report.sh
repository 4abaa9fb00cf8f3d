#!/usr/bin/env bash
# Turn bench/results/bench.csv into bench/results/bench.md and
# bench/results/reservation.png, and print the table. Stock prints nothing
# about its reservation: its cost is its time to /init minus its own N = 0
# run. The series' cost is what its own log line times (reservation plus
# recording block orders); its /init delta is shown too, but at small N it
# is within the boot-to-boot noise (about 0.3 s under TCG).
. "$(dirname "$0")/lib.sh"

csv=${1:-$TOP/bench/results/bench.csv}
out=$(dirname "$csv")
python3 - "$csv" "$out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = sys.argv[2]

def f(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None

base = {}
for r in rows:
    if r["pages"] == "0" and r["mixed"] == "0" and r["status"] == "ok":
        base[r["kernel"]] = f(r["init_s"])
cap = None
for r in rows:
    if r["status"].startswith(">"):
        cap = float(r["status"].strip("> s"))

def delta(r):
    """(seconds, is_lower_bound) of the reservation cost, or None."""
    b = base.get(r["kernel"])
    if b is None:
        return None
    if r["status"] == "ok" and f(r["init_s"]) is not None:
        return (max(f(r["init_s"]) - b, 0.0), False)
    if r["status"].startswith(">"):
        return (float(r["status"].strip("> s")) - b, True)
    return None

def fmt(d):
    if d is None:
        return "failed"
    s, lb = d
    return (">" if lb else "") + ("%.3f" % s)

by = {}
for r in rows:
    by[(r["kernel"], r["pages"], r["mixed"])] = r
keys = sorted({(int(r["pages"]), int(r["mixed"])) for r in rows})
lines = ["| preserved pages | mixed folios/order | series: reservation (ms) | series: block orders (ms) | series: /init - baseline (s) | stock: /init - baseline (s) | stock / series |",
         "|---:|---:|---:|---:|---:|---:|---:|"]
plot = []
for n, m in keys:
    s = by.get(("series", str(n), str(m)))
    k = by.get(("stock", str(n), str(m)))
    ds, dk = (delta(s) if s else None), (delta(k) if k else None)
    # The series' cost: what its own log line timed (reservation plus
    # recording block orders); its /init delta is within boot noise.
    ratio = ""
    own = None
    if s and f(s.get("reserve_ms")) is not None and f(s.get("orders_ms")) is not None:
        own = (f(s["reserve_ms"]) + f(s["orders_ms"])) / 1000
    if own and dk and n:
        ratio = (">" if dk[1] else "") + "%.0fx" % (dk[0] / own)
    lines.append("| %d | %d | %s | %s | %s | %s | %s |" % (
        n, m, (s or {}).get("reserve_ms") or "-", (s or {}).get("orders_ms") or "-",
        fmt(ds) if s else "-", fmt(dk) if k else "-", ratio))
    if m == 0 and n:
        plot.append((n, own if own is not None else "NaN",
                     ds[0] if ds and not ds[1] else "NaN",
                     dk[0] if dk and not dk[1] else "NaN",
                     dk[0] if dk and dk[1] else "NaN"))
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
set title "Next kernel: cost of preserved memory at boot (QEMU TCG)"
set xlabel "scattered order-0 pages preserved"
set ylabel "seconds"
set logscale xy
set key right bottom
set grid
plot "$out/plot.dat" using 1:4 with linespoints lw 2 title "stock 7.3: /init - baseline", \
     "$out/plot.dat" using 1:5 with points pt 9 ps 2 title "stock 7.3: stopped at cap (lower bound)", \
     "$out/plot.dat" using 1:3 with linespoints lw 2 title "series: /init - baseline", \
     "$out/plot.dat" using 1:2 with linespoints lw 2 title "series: reservation + block orders (its log line)"
GP
rm -f "$out/plot.dat"
