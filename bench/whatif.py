"""What-if benchmark: a province of 5,000 scored units (the demo generator's departments and communes, with a
year of dossiers), scored once; then the cheapest plan of every unit towards a target, each an exact MILP
(HiGHS), the stored run and the figures read once. Reports the time per unit (mean, median, 95th percentile,
slowest) and how many units were already there, reached it, or cannot reach it this period.

    python -m bench.whatif [--units 5000] [--ruleset qd766-2022] [--targets "rank=10,class=Tốt,class=Khá"]
    python -m bench.whatif --backtest [--communes 100] [--dossiers 100000] [--past-years 3] [--seed N] [--prior 1]
                                      [--latest 0]

``--backtest``: a demo province's year (``cchc.demo``, every period; with ``--past-years`` that many years
before it, with seasons and unit trends, which the forecast learns from), forecast from Q1, 6 months and
9 months and compared with the year as scored: mean absolute error of points and of rank, against the naive
forecast (the last cumulative period scored as the year), and how often the 80% interval holds the year.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

PERIOD = "2024-NAM"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--ruleset", default="qd766-2022")
    parser.add_argument("--targets", default="rank=10,class=Tốt,class=Khá")
    parser.add_argument("--backtest", action="store_true")
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--latest", type=float, default=0.0)
    parser.add_argument("--past-years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--prior", type=float, default=1.0)
    args = parser.parse_args()
    if args.backtest:
        backtest(args)
        return

    from bench.rescoring import province
    from office import scores
    from office.whatif import plans

    rs = scores.ruleset(args.ruleset)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engine = province(Path(tmp), args.units, None)
        done = scores.score(engine, rs, PERIOD)
        print(f"{done.outcome.entities:,} units scored by {rs.id}; province built in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        rows = []
        for text in args.targets.split(","):
            kind, value = text.split("=")
            target = ({"rank": int(value)} if kind == "rank" else {"klass": value} if kind == "class"
                      else {"points": float(value)})
            timings: list[float] = []
            started, cpu = time.perf_counter(), time.process_time()
            answers = plans(engine, rs, PERIOD, timings=timings, **target)
            whole, cpu = time.perf_counter() - started, time.process_time() - cpu
            ms = sorted(t * 1000 for t in timings)
            already = sum(a.plan.already for a in answers)
            reached = sum(a.plan.reached and not a.plan.already for a in answers)
            rows.append((text, len(answers), whole, cpu / len(answers) * 1000, statistics.mean(ms), statistics.median(ms),
                         ms[int(0.95 * (len(ms) - 1))], ms[-1], already, reached, len(answers) - already - reached))
            print(f"  {text}: {len(answers):,} units in {whole:.1f} s", flush=True)
        print()
        print("| target | units | whole run (s) | CPU (ms/unit) | mean (ms/unit) | median | 95th pct | slowest | already "
              "| reached | not reachable |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for t, n, whole, cpu, mean, median, p95, top, already, reached, never in rows:
            print(f"| {t} | {n:,} | {whole:.1f} | {cpu:.1f} | {mean:.1f} | {median:.1f} | {p95:.1f} | {top:.1f} | "
                  f"{already:,} | {reached:,} | {never:,} |")
        engine.dispose()


def backtest(args) -> None:
    from cchc.demo import DemoSpec, generate
    from cycle.scoring import scoring_frame
    from office import scores
    from office.whatif import forecast_year
    from rules.evaluate import evaluate
    from rules.forecast import accuracy, naive
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    rs = scores.ruleset(args.ruleset)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        spec = DemoSpec(communes=args.communes, dossiers=args.dossiers, past_years=args.past_years)
        files = generate(Path(tmp) / "data", spec if args.seed is None else replace(spec, seed=args.seed))
        engine = make_engine(f"sqlite:///{tmp}/cchc.db")
        upgrade(engine)
        for path in files.in_order():
            ingest_file(engine, path)
        truth = evaluate(rs, scoring_frame(engine, rs, PERIOD)).summary()
        print(f"{len(truth):,} units, {args.dossiers:,} dossiers a year, {args.past_years} past years; province "
              f"built in {time.perf_counter() - started:.0f} s", flush=True)
        print()
        print("| from | points MAE | naive | rank MAE | naive | points in 80% interval | rank in 80% interval | "
              "mean width (points) | years learned | seconds |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for code, label in (("Q1", "Q1"), ("6T", "6 months"), ("9T", "9 months")):
            started = time.perf_counter()
            made = forecast_year(engine, rs, f"{PERIOD[:4]}-{code}", latest=args.latest, prior=args.prior)
            took = time.perf_counter() - started
            row = accuracy(made.table, truth, naive(rs, scoring_frame(engine, rs, f"{PERIOD[:4]}-{code}")))
            print(f"| {label} | {row['points']:.2f} | {row['naive_points']:.2f} | {row['rank']:.1f} | "
                  f"{row['naive_rank']:.1f} | {row['points_covered']:.0%} | {row['rank_covered']:.0%} | "
                  f"{row['width']:.1f} | {made.years} | {took:.1f} |", flush=True)
        engine.dispose()



if __name__ == "__main__":
    main()
