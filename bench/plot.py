#!/usr/bin/env python3
"""Draws docs/bench/results.csv (case, glibc_ns, netlibc_ns, speedup, target) as an SVG bar chart:
per operation, glibc's and netlibc's median time on a logarithmic axis, with the speed-up written
beside. Python's standard library only. Usage: bench/plot.py RESULTS.csv OUT.svg"""
import math
import sys
from xml.sax.saxutils import escape

ROW = 34
LABEL_WIDTH = 430
PLOT_WIDTH = 520
TOP = 60
COLOURS = {"glibc": "#9e9e9e", "netlibc": "#1f77b4"}


def main(source, target):
    rows = []
    with open(source) as f:
        next(f)  # header
        for line in f:
            # The case name may hold unescaped quotes and commas (bench.c writes it as is): the four
            # numbers are the last four fields.
            case, glibc_ns, netlibc_ns, speedup, _target = line.rstrip("\n").rsplit(",", 4)
            rows.append((case.strip('"'), float(glibc_ns), float(netlibc_ns), float(speedup)))
    if not rows:
        sys.exit("plot.py: no rows in " + source)
    low = 10 ** math.floor(math.log10(min(min(g, n) for _, g, n, _ in rows if min(g, n) > 0)))
    high = 10 ** math.ceil(math.log10(max(max(g, n) for _, g, n, _ in rows)))

    def x(ns):
        return LABEL_WIDTH + PLOT_WIDTH * (math.log10(max(ns, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))

    height = TOP + ROW * len(rows) + 40
    width = LABEL_WIDTH + PLOT_WIDTH + 90
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           '<text x="10" y="20" font-size="15" font-weight="bold">netlibc vs glibc: median time per call (log scale, lower is better)</text>']
    for name, y in (("glibc", 10), ("netlibc", 130)):
        out.append(f'<rect x="{LABEL_WIDTH + y}" y="30" width="12" height="12" fill="{COLOURS[name]}"/>')
        out.append(f'<text x="{LABEL_WIDTH + y + 16}" y="41">{name}</text>')
    decade = low
    while decade <= high:
        out.append(f'<line x1="{x(decade):.1f}" y1="{TOP - 6}" x2="{x(decade):.1f}" y2="{height - 34}" stroke="#ddd"/>')
        out.append(f'<text x="{x(decade):.1f}" y="{height - 20}" text-anchor="middle">{decade:g} ns</text>')
        decade *= 10
    for i, (case, glibc_ns, netlibc_ns, speedup) in enumerate(rows):
        y = TOP + i * ROW
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end">{escape(case[:64])}</text>')
        for j, (name, ns) in enumerate((("glibc", glibc_ns), ("netlibc", netlibc_ns))):
            out.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3 + 13 * j}" width="{x(ns) - LABEL_WIDTH:.1f}" height="12" '
                       f'fill="{COLOURS[name]}"><title>{name}: {ns} ns</title></rect>')
        out.append(f'<text x="{max(x(glibc_ns), x(netlibc_ns)) + 6:.1f}" y="{y + 19}">{speedup:.2f}×</text>')
    out.append("</svg>")
    with open(target, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
