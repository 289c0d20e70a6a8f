"""Rule-set compile time against expression length: a leaf whose value is a sum of n terms, for n = 1k, 2k,
4k and 8k, compiled as ``cchc rules check`` compiles it (the whole rule file read and validated). Linear
growth shows as a ratio near 2 between one size and the next (a quadratic compiler shows 4).

Two shapes: a flat sum of one name (``a + a + … + a``) and a sum of ratios (``a/b*100+…``, three operators
per term). Each size is also timed with Python's cyclic garbage collector paused, which isolates the
compiler from the collector's passes over a growing heap. Times are this process's CPU time (the machine is
shared: waiting for a core is not the compiler's), the fastest of seven runs.

A third shape is a wide set rather than a long expression: n leaves of one short ratio each, in 50 areas, as a
province's whole catalogue might be; most of its time is reading the YAML.

    python -m bench.rules_compile [--sizes 1024,2048,4096,8192] [--criteria 1000,2000,3000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
import json
import time

from rules.ruleset import parse

SHAPES = {"a + a + …": ("a", " + "), "a/b*100+…": ("a/b*100", "+")}  # both fit 8k terms in 64 KiB


def rule_file(term: str, sep: str, n: int) -> str:
    value = sep.join([term] * n)
    return ("id: bench\ntitle: Bench\nreference: bench\nentity: unit\ninputs:\n  a: A\n  b: B\ncriteria:\n"
            f"  - id: '1'\n    title: T\n    max: 1\n    value: \"{value}\"\n"
            "    scoring: {method: threshold, target: 1}\n    reference: bench\n")


def wide_file(n: int, areas: int = 50) -> str:
    """``n`` leaves (a multiple of ``areas``), each a ratio of two inputs on a threshold, written in flow style."""
    per = n // areas
    out = ["id: bench", "title: Bench", "reference: bench", "entity: unit", "missing: tinh_0", "inputs:",
           "  hs_tiep_nhan: Hồ sơ tiếp nhận", "  hs_dung_han: Hồ sơ đúng hạn", "criteria:"]
    for area in range(1, areas + 1):
        out += [f"  - id: '{area}'", f"    title: Lĩnh vực {area}", f"    max: {per}", "    children:"]
        out += [f"      - {{id: '{area}.{leaf}', title: 'Tỷ lệ {area}.{leaf}', max: 1, "
                f"value: hs_dung_han / hs_tiep_nhan * 100, unit: '%', "
                f"scoring: {{method: threshold, target: {50 + leaf % 50}}}, reference: bench}}"
                for leaf in range(1, per + 1)]
    return "\n".join(out) + "\n"


def timed(text: str, repeat: int, collector: bool = True) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            started = time.process_time()
            parse(text, "bench.yaml")
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1024,2048,4096,8192")
    ap.add_argument("--criteria", default="1000,2000,3000")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    print(f"{'shape':<18} {'terms':>6} {'chars':>7} {'ms':>8} {'µs/term':>8} {'× previous':>10} "
          f"{'ms, gc off':>10} {'× previous':>10}")
    for shape, (term, sep) in SHAPES.items():
        previous = previous_off = None
        for n in sizes:
            text = rule_file(term, sep, n)
            seconds, off = timed(text, args.repeat), timed(text, args.repeat, collector=False)
            ratio = seconds / previous if previous else None
            ratio_off = off / previous_off if previous_off else None
            previous, previous_off = seconds, off
            rows.append({"shape": shape, "terms": n, "seconds": seconds, "ratio": ratio, "seconds_gc_off": off,
                         "ratio_gc_off": ratio_off})
            print(f"{shape:<18} {n:>6} {len(text):>7} {seconds * 1000:>8.1f} {seconds / n * 1e6:>8.1f} "
                  f"{'' if ratio is None else f'{ratio:.2f}':>10} {off * 1000:>10.1f} "
                  f"{'' if ratio_off is None else f'{ratio_off:.2f}':>10}")
    previous = None
    for n in [int(s) for s in args.criteria.split(",")]:
        text = wide_file(n)
        seconds = timed(text, max(1, args.repeat // 3))
        ratio = seconds / previous if previous else None
        previous = seconds
        rows.append({"shape": "wide", "criteria": n, "seconds": seconds, "ratio": ratio})
        print(f"{'wide set':<18} {n:>6} {len(text):>7} {seconds * 1000:>8.1f} {seconds / n * 1e6:>8.1f} "
              f"{'' if ratio is None else f'{ratio:.2f}':>10}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
