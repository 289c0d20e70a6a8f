"""Rules-engine benchmark: 1 M entities × 20 criteria, explanation data kept (value, step and points of
every entity and criterion), as criterion-evaluations per second and peak memory, against two references
measured in the same run:

- the same 20 criteria hand-written in numpy (the practical limit);
- the same criteria as a GoRules JDM decision evaluated by the ``zen-engine`` package's batch API (a real
  per-row rules engine), on a subset of rows because it is three orders of magnitude slower.

Each engine runs in a fresh process so that its peak memory is its own; times are the fastest of three
runs (the machine is shared: slower runs are other work, not the engine).

    python -m bench.rules [--rows 1000000] [--zen-rows 20000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

CRITERIA = 20
SEED = 7


def data(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    frame = {f"d{j}": rng.integers(50, 500, rows).astype(float) for j in range(5)}
    for i in range(10):
        frame[f"x{i}"] = np.floor(frame[f"d{i % 5}"] * rng.uniform(0.3, 1.0, rows))
    return pd.DataFrame(frame)


def criteria() -> list[dict]:
    """Twenty leaves: 8 thresholds, 8 proportional (Decision 766 style), 4 band tables."""
    out = []
    for k in range(CRITERIA):
        num, den = f"x{k % 10}", f"d{(k // 2) % 5}"
        kind = "threshold" if k < 8 else "proportional" if k < 16 else "bands"
        out.append({"id": f"c{k}", "num": num, "den": den, "kind": kind, "max": 5.0,
                    "target": 90.0 if kind == "threshold" else 80.0})
    return out


def ruleset_yaml() -> str:
    lines = ["id: bench", "title: Bench", "reference: bench", "entity: unit", "inputs:"]
    lines += [f"  {n}: {n}" for n in [f"d{j}" for j in range(5)] + [f"x{i}" for i in range(10)]]
    lines += ["criteria:", "  - id: all", "    title: All", f"    max: {5 * CRITERIA}", "    children:"]
    for c in criteria():
        if c["kind"] == "bands":
            scoring = "{method: bands, steps: [{min: 90, points: 5}, {min: 70, points: 3}, {min: 50, points: 1}, {points: 0}]}"
        else:
            scoring = f"{{method: {c['kind']}, target: {c['target']}}}"
        lines.append(f"      - {{id: {c['id']}, title: {c['id']}, max: 5, value: {c['num']} / {c['den']} * 100, "
                     f"scoring: {scoring}, reference: bench}}")
    return "\n".join(lines) + "\n"


def run_cchc(frame: pd.DataFrame) -> dict:
    from rules.evaluate import evaluate
    from rules.ruleset import parse

    rs = parse(ruleset_yaml(), "bench.yaml")
    result = evaluate(rs, frame)
    summary = result.summary()  # totals, percent, rank, class
    return {"kept": len(result.steps) + len(result.values), "check": float(summary["diem"].sum())}


def run_numpy(frame: pd.DataFrame) -> dict:
    cols = {c: frame[c].to_numpy() for c in frame}
    values, points, steps = {}, {}, {}
    for c in criteria():
        v = cols[c["num"]] / cols[c["den"]] * 100
        if c["kind"] == "threshold":
            ok = v >= c["target"]
            p, s = np.where(ok, c["max"], 0.0), ok.astype(np.int8)
        elif c["kind"] == "proportional":
            full = v >= c["target"]
            p, s = np.where(full, c["max"], v * c["max"] / c["target"]), full.astype(np.int8)
        else:
            s = np.select([v >= 90, v >= 70, v >= 50], [0, 1, 2], 3).astype(np.int8)
            p = np.array([5.0, 3.0, 1.0, 0.0])[s]
        values[c["id"]], points[c["id"]], steps[c["id"]] = v, p, s
    total = sum(points.values())
    pct = total / (5 * CRITERIA) * 100
    rank = pd.Series(pct).rank(ascending=False, method="min").to_numpy()
    return {"kept": len(values) + len(steps), "check": float(total.sum()), "rank": int(rank.min())}


def zen_graph() -> str:
    expressions = []
    for c in criteria():
        v = f"({c['num']} / {c['den']} * 100)"
        if c["kind"] == "threshold":
            expr = f"{v} >= {c['target']} ? 5 : 0"
        elif c["kind"] == "proportional":
            expr = f"min([5, {v} * 5 / {c['target']}])"
        else:
            expr = f"{v} >= 90 ? 5 : ({v} >= 70 ? 3 : ({v} >= 50 ? 1 : 0))"
        expressions.append({"id": c["id"], "key": c["id"], "value": expr})
    expressions.append({"id": "total", "key": "total", "value": " + ".join(f"$.{c['id']}" for c in criteria())})
    graph = {"nodes": [
        {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        {"id": "ex", "type": "expressionNode", "name": "score", "position": {"x": 1, "y": 0},
         "content": {"expressions": expressions}},
        {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 2, "y": 0}}],
        "edges": [{"id": "a", "sourceId": "in", "targetId": "ex", "type": "edge"},
                  {"id": "b", "sourceId": "ex", "targetId": "out", "type": "edge"}]}
    return json.dumps(graph)


def run_zen(frame: pd.DataFrame) -> dict:
    import zen

    content = zen_graph()
    engine = zen.ZenEngine({"loader": lambda key: content})
    requests = [{"key": "bench", "context": row} for row in frame.to_dict("records")]
    results = engine.evaluate_batch(requests)
    total = sum(r["data"]["result"]["total"] for r in results if r["success"])
    return {"kept": CRITERIA, "check": float(total)}


ENGINES = {"cchc": run_cchc, "numpy": run_numpy, "zen": run_zen}


def _child(engine: str, rows: int, repeat: int) -> None:
    frame = data(rows)
    times = []
    for _ in range(repeat):  # the fastest of a few runs: the machine is shared, the slow runs are noise
        started = time.perf_counter()
        out = ENGINES[engine](frame)
        times.append(time.perf_counter() - started)
    seconds = min(times)
    out.update(rows=rows, seconds=seconds, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out))


def measure(engine: str, rows: int, repeat: int = 3) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.rules", "--child", engine, str(rows), str(repeat)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--zen-rows", type=int, default=20_000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    runs = {"cchc": measure("cchc", args.rows), "numpy": measure("numpy", args.rows),
            "zen": measure("zen", args.zen_rows, repeat=1)}
    small = {"cchc": measure("cchc", args.zen_rows, 1), "numpy": measure("numpy", args.zen_rows, 1)}
    assert abs(small["numpy"]["check"] - runs["zen"]["check"]) < 1e-6 * max(1, runs["zen"]["check"]), \
        "zen-engine and numpy disagree on the total"
    assert abs(small["numpy"]["check"] - small["cchc"]["check"]) < 1e-6 * max(1, small["cchc"]["check"]), \
        "cchc and numpy disagree on the total"
    rate = {k: v["rows"] * CRITERIA / v["seconds"] for k, v in runs.items()}
    print("| engine | rows | seconds | criterion-evaluations/s | vs cchc | peak memory (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in (("cchc", "cchc rules engine"), ("numpy", "hand-written numpy"), ("zen", "zen-engine batch")):
        r = runs[name]
        print(f"| {label} | {r['rows']:,} | {r['seconds']:.2f} | {rate[name]:,.0f} | "
              f"{rate['cchc'] / rate[name]:.2f}× | {r['peak_mb']:,.0f} |")
    print(f"\ncchc is {rate['numpy'] / rate['cchc']:.2f}× slower than hand-written numpy "
          f"and {rate['cchc'] / rate['zen']:,.0f}× faster than zen-engine (per criterion-evaluation).")


if __name__ == "__main__":
    main()
