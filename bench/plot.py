#!/usr/bin/env python3
"""Draws the benchmarks' ratios to memcpy as SVG bar charts (Python standard library only).

    bench/plot.py [BENCH_JSON...]

Each BENCH_JSON is Google Benchmark's JSON output; `cmake --build --preset bench --target
run-bench` writes build/bench/bench.json (records_bench), build/bench/bench-sanitizer.json
(sanitizer_bench) and build/bench/bench-device.json (device_bench), the defaults (those that
exist). One chart per subject, the part of a benchmark's name before its first '/':
docs/performance-records.svg, docs/performance-sanitizer.svg, docs/performance-device.svg.
One bar per benchmark: its x_memcpy counter (time per record / memcpy time per record of the same
bytes), on a logarithmic axis. With --benchmark_repetitions the median aggregate is drawn.
"""

import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUTS = [ROOT / "build/bench/bench.json", ROOT / "build/bench/bench-sanitizer.json",
                  ROOT / "build/bench/bench-device.json"]

# Per subject: the chart's title, its colour legend, and the colour of a bar by its name.
SUBJECTS = {
    "records": (
        "vsmmu record layer: time per record / memcpy of the same bytes",
        "blue: decode, orange: encode",
        lambda name: "#4477aa" if name.endswith("/decode") else "#ee8866",
    ),
    "sanitizer": (
        "vsmmu sanitizer: time per record / memcpy of the same bytes",
        "orange: sanitize_command, one opcode; blue: sanitize_commands batches; green: STE, CD",
        lambda name: "#ee8866" if name.startswith("command/")
        else "#4477aa" if name.startswith("commands/") else "#228833",
    ),
    "device": (
        "vsmmu device: trap path time per command / memcpy of the same bytes",
        "blue: the Linux mix, N commands per CMDQ_PROD write; orange: 256 of one opcode",
        lambda name: "#4477aa" if name.startswith("mix/") else "#ee8866",
    ),
}


def ratios(report):
    """{subject: [(name, x_memcpy)]} in the order the benchmarks ran, memcpy baselines left out."""
    runs = report["benchmarks"]
    medians = [r for r in runs if r.get("aggregate_name") == "median"]
    chosen = medians if medians else [r for r in runs if r.get("run_type", "iteration") == "iteration"]
    out = {}
    for r in chosen:
        name = r.get("run_name", r["name"])
        subject, _, rest = name.partition("/")
        if rest.startswith("memcpy/") or "x_memcpy" not in r:
            continue
        out.setdefault(subject, {}).setdefault(rest, []).append(r["x_memcpy"])
    # Several iteration runs of one benchmark (repetitions without aggregates): their mean.
    return {s: [(n, sum(v) / len(v)) for n, v in runs.items()] for s, runs in out.items()}


def svg(bars, title, captions, colour_of):
    label_w, bar_h, gap, plot_w = 220, 18, 6, 560
    top = 34 + 16 * len(captions)
    height = top + len(bars) * (bar_h + gap) + 56
    width = label_w + plot_w + 80
    hi_decade = max(1, math.ceil(math.log10(max(v for _, v in bars))))
    x = lambda v: label_w + plot_w * math.log10(max(v, 1.0)) / hi_decade  # 1x at the left edge
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{label_w}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, caption in enumerate(captions):
        out.append(f'<text x="{label_w}" y="{36 + 16 * i}" fill="#555">{escape(caption)}</text>')
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
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{x(v) - label_w:.1f}" height="{bar_h}" '
                   f'fill="{colour_of(name)}"/>')
        out.append(f'<text x="{x(v) + 4:.1f}" y="{y + bar_h - 5}">{v:.1f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    sources = [Path(a) for a in argv[1:]] or [p for p in DEFAULT_INPUTS if p.exists()]
    if not sources:
        sys.exit("plot.py: no benchmark JSON (run the run-bench target, or name the files)")
    for src in sources:
        report = json.loads(src.read_text())
        by_subject = ratios(report)
        if not by_subject:
            sys.exit(f"plot.py: no x_memcpy counters in {src}")
        ctx = report.get("context", {})
        run = (f"{ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
               f"{ctx.get('library_build_type', '?')} libbenchmark, {ctx.get('date', '?')}")
        for subject, bars in by_subject.items():
            if subject not in SUBJECTS:
                sys.exit(f"plot.py: {src}: no chart is defined for benchmarks named {subject}/...")
            title, legend, colour_of = SUBJECTS[subject]
            dst = ROOT / f"docs/performance-{subject}.svg"
            dst.write_text(svg(bars, title, [run, legend], colour_of))
            print(f"wrote {dst} ({len(bars)} bars)")


if __name__ == "__main__":
    main(sys.argv)
