#!/usr/bin/env python3
"""Draws the record benchmarks' ratios to memcpy as an SVG bar chart (Python standard library only).

    bench/plot.py [BENCH_JSON] [OUT_SVG]

BENCH_JSON is Google Benchmark's JSON output (`cmake --build --preset bench --target run-bench`
writes build/bench/bench.json, the default); OUT_SVG defaults to docs/performance-records.svg.
One bar per benchmark: its x_memcpy counter (time per record / memcpy time per record of the same
bytes), on a logarithmic axis. With --benchmark_repetitions the median aggregate is drawn.
"""

import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent


def ratios(report):
    """[(name, x_memcpy)] in the order the benchmarks ran, memcpy baselines left out."""
    runs = report["benchmarks"]
    medians = [r for r in runs if r.get("aggregate_name") == "median"]
    chosen = medians if medians else [r for r in runs if r.get("run_type", "iteration") == "iteration"]
    out = {}
    for r in chosen:
        name = r.get("run_name", r["name"])
        if name.startswith("records/memcpy/") or "x_memcpy" not in r:
            continue
        out.setdefault(name, []).append(r["x_memcpy"])
    # Several iteration runs of one benchmark (repetitions without aggregates): their mean.
    return [(n.removeprefix("records/"), sum(v) / len(v)) for n, v in out.items()]


def svg(bars, caption):
    label_w, bar_h, gap, top, plot_w = 150, 18, 6, 48, 560
    height = top + len(bars) * (bar_h + gap) + 56
    width = label_w + plot_w + 80
    hi_decade = max(1, math.ceil(math.log10(max(v for _, v in bars))))
    x = lambda v: label_w + plot_w * math.log10(max(v, 1.0)) / hi_decade  # 1x at the left edge
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{label_w}" y="20" font-size="14" font-weight="bold">'
        "vsmmu record layer: time per record / memcpy of the same bytes</text>",
        f'<text x="{label_w}" y="36" fill="#555">{escape(caption)}</text>',
    ]
    bottom = top + len(bars) * (bar_h + gap)
    for d in range(hi_decade + 1):
        for m in range(1, 10):
            v = m * 10**d
            if d == hi_decade and m > 1:
                break
            gx = x(v)
            out.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{bottom}" '
                       f'stroke="{"#999" if m == 1 else "#e4e4e4"}" stroke-width="1"/>')
            if m == 1:
                out.append(f'<text x="{gx:.1f}" y="{bottom + 16}" text-anchor="middle">{v}x</text>')
    out.append(f'<text x="{label_w + plot_w / 2}" y="{bottom + 36}" text-anchor="middle" fill="#555">'
               "x memcpy (log scale; 1x = as fast as copying the record's bytes)</text>")
    for i, (name, v) in enumerate(bars):
        y = top + i * (bar_h + gap)
        colour = "#4477aa" if name.endswith("/decode") else "#ee8866"
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{x(v) - label_w:.1f}" height="{bar_h}" fill="{colour}"/>')
        out.append(f'<text x="{x(v) + 4:.1f}" y="{y + bar_h - 5}">{v:.1f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    src = Path(argv[1]) if len(argv) > 1 else ROOT / "build/bench/bench.json"
    dst = Path(argv[2]) if len(argv) > 2 else ROOT / "docs/performance-records.svg"
    report = json.loads(src.read_text())
    bars = ratios(report)
    if not bars:
        sys.exit(f"plot.py: no x_memcpy counters in {src}")
    ctx = report.get("context", {})
    caption = (f"{ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
               f"{ctx.get('library_build_type', '?')} libbenchmark, {ctx.get('date', '?')}; "
               "blue: decode, orange: encode")
    dst.write_text(svg(bars, caption))
    print(f"wrote {dst} ({len(bars)} bars)")


if __name__ == "__main__":
    main(sys.argv)
