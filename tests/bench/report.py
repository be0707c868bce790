#!/usr/bin/env python3
"""Turn make bench's JSON lines into the table, the targets and the chart.

usage: tests/bench/report.py OUT_DIR RESULTS.jsonl [RESULTS.jsonl ...]
Writes OUT_DIR/bench-table.md, OUT_DIR/bench.dat and, when gnuplot is
installed, OUT_DIR/performance.png; prints the table and the targets.
Every ratio compares medians of runs made in the same VM run, on the same
drive: absolute numbers under TCG mean little.
"""
import json
import os
import statistics
import subprocess
import sys


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs += [json.loads(line) for line in f if line.startswith("{")]
    return runs


PCI = "qemu-nvme"   # the back end of the targets; runs before it had no label


def key(r):
    return (r["kernel"], r.get("backend", PCI), r["form"], r["bs"], r["qd"],
            r["fixed"], r["poll"])


def medians(runs):
    groups = {}
    for r in runs:
        if r.get("errors"):
            continue
        groups.setdefault(key(r), []).append(r)
    out = {}
    for k, rs in groups.items():
        out[k] = {
            "n": len(rs),
            "iops": statistics.median(r["iops"] for r in rs),
            "cpu": statistics.median(r["cpu_ns_per_io"] for r in rs),
            "p50": statistics.median(r["lat_p50_ns"] for r in rs),
            "p99": statistics.median(r["lat_p99_ns"] for r in rs),
        }
    return out


def ratio(m, a, b):
    if a in m and b in m and m[b]["iops"]:
        return m[a]["iops"] / m[b]["iops"]
    return None


def fmt(x, spec="{:.2f}"):
    return "n/a" if x is None else spec.format(x)


def table(m):
    rows = ["| kernel | back end | form | bs | QD | fixed | poll | runs | IOPS |"
            " vs block | CPU us/IO | p50 us | p99 us |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for k in sorted(m, key=lambda k: (k[0], k[1] != PCI, k[1], k[3], k[4], k[2],
                                      k[5], k[6])):
        kern, backend, form, bs, qd, fixed, poll = k
        base = (kern, backend, "block", bs, qd, False, False)
        v = m[k]
        rows.append("| %s | %s | %s | %d | %d | %s | %s | %d | %.0f | %s | %.1f | %.1f"
                    " | %.1f |" % (
            kern, backend, form, bs, qd, "yes" if fixed else "", "yes" if poll else "",
            v["n"], v["iops"], fmt(ratio(m, k, base)), v["cpu"] / 1e3,
            v["p50"] / 1e3, v["p99"] / 1e3))
    return "\n".join(rows)


def targets(m, ours, ref, backend=PCI):
    def k(kern, form, bs=4096, qd=128, fixed=False, poll=False):
        return (kern, backend, form, bs, qd, fixed, poll)

    def check(name, value, goal):
        if value is None:
            return "| %s | n/a | %.2f | not measured |" % (name, goal)
        return "| %s | %.3f | %.2f | %s |" % (
            name, value, goal, "met" if value >= goal else "not met")

    rows = ["| target | measured | goal | |", "|---|---|---|---|"]
    for bs in (4096, 512):
        rows.append(check("big SQE / block, QD 128, bs %d" % bs,
                          ratio(m, k(ours, "big", bs), k(ours, "block", bs)), 1.16))
        rows.append(check("big SQE / block, QD 1, bs %d" % bs,
                          ratio(m, k(ours, "big", bs, 1), k(ours, "block", bs, 1)), 1.0))
    rows.append(check("overlay / big SQE, QD 128",
                      ratio(m, k(ours, "compact"), k(ours, "big")), 1.05))
    rows.append(check("fixed / not fixed (big SQE, QD 128)",
                      ratio(m, k(ours, "big", fixed=True), k(ours, "big")), 1.15))
    ours_r = ratio(m, k(ours, "big"), k(ours, "block"))
    ref_r = ratio(m, k(ref, "big"), k(ref, "block")) if ref else None
    rows.append(check("our big/block over upstream's, QD 128",
                      ours_r / ref_r if ours_r and ref_r else None, 1.0))
    rows.append(check("async QD 32 / sync ioctl",
                      ratio(m, k(ours, "big", qd=32), k(ours, "ioctl", qd=1)), 4.0))
    return "\n".join(rows)


def chart(m, ours, backends, outdir):
    dat = os.path.join(outdir, "bench.dat")
    forms = ["big", "compact", "ioctl", "libaio"]
    with open(dat, "w") as f:
        f.write("qd " + " ".join(forms) + "\n")
        for backend in backends:
            for qd in (1, 32, 128):
                vals = []
                for form in forms:
                    q = 1 if form == "ioctl" else qd
                    r = ratio(m, (ours, backend, form, 4096, q, False, False),
                              (ours, backend, "block", 4096, qd, False, False))
                    vals.append(fmt(r, "{:.3f}") if r else "0")
                f.write('"%s QD %d" %s\n' % (backend, qd, " ".join(vals)))
    png = os.path.join(outdir, "performance.png")
    script = (
        'set terminal png noenhanced size %d,480; set output "%s";'
        'set title "IOPS relative to the block path (io_uring O_DIRECT), 4 KiB random read, %s";'
        'set style data histogram; set style histogram cluster gap 1;'
        'set style fill solid 0.8 border -1; set boxwidth 0.9;'
        'set ylabel "ratio to block path"; set xlabel "back end, queue depth";'
        'set xtics rotate by -25;'
        'set yrange [0:*]; set grid ytics; set key top left;'
        'plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i), 1 with lines lw 2 notitle'
        % (500 + 300 * len(backends), png, ours, len(forms) + 1, dat))
    try:
        subprocess.run(["gnuplot", "-e", script], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("report: no chart (%s)" % e, file=sys.stderr)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = sys.argv[1]
    runs = load(sys.argv[2:])
    if not runs:
        print("report: no results", file=sys.stderr)
        return 1
    kernels = sorted({r["kernel"] for r in runs})
    ref = next((k for k in kernels if k.startswith("6.")), None)
    ours = next((k for k in kernels if k != ref), kernels[0])
    backends = sorted({key(r)[1] for r in runs}, key=lambda b: (b != PCI, b))
    m = medians(runs)
    text = "### Results\n\n%s\n" % table(m)
    for b in backends:
        up = ref if b == PCI else None
        text += "\n### Targets, %s (%s; upstream: %s)\n\n%s\n" % (
            b, ours, up or "not run on this back end", targets(m, ours, up, b))
    with open(os.path.join(outdir, "bench-table.md"), "w") as f:
        f.write(text)
    chart(m, ours, backends, outdir)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
