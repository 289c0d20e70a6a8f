"""Eligibility benchmark: titles and award forms for 50,000 people with 5 years of history (ratings,
discipline, initiatives), time and peak memory; also the reasons for everyone's next title, which the
eligibility list prints.

    python -m bench.eligibility [--people 50000]
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

YEARS = (2020, 2021, 2022, 2023, 2024)


def record(people: int):
    from emulation.eligibility import Record

    rng = np.random.default_rng(11)
    codes = np.array([f"CB{i:06d}" for i in range(people)])
    ability = rng.normal(0, 1, people)
    ratings = []
    for year in YEARS:
        score = ability + rng.normal(0, 0.6, people)
        ratings.append(pd.DataFrame({"person": codes, "year": year, "rating": np.select(
            [score > 1.15, score > -0.9, score > -2.0], ["HTXSNV", "HTTNV", "HTNV"], "KHTNV")}))
    ratings = pd.concat(ratings, ignore_index=True)
    picked = rng.random(len(ratings)) < 0.01
    disciplines = pd.DataFrame({"person": ratings["person"][picked], "year": ratings["year"][picked],
                                "status": np.where(rng.random(picked.sum()) < 0.2, "dang_xem_xet", "da_quyet_dinh")})
    picked = rng.random(len(ratings)) < np.where(ratings["rating"] == "HTXSNV", 0.35, 0.02)
    initiatives = pd.DataFrame({"person": ratings["person"][picked], "year": ratings["year"][picked],
                                "level": np.where(rng.random(picked.sum()) < 0.08, "tinh", "co_so"),
                                "code": [f"SK{i}" for i in range(picked.sum())]})
    people_frame = pd.DataFrame({"name": codes, "gender": "nu", "unit": "U", "unit_name": "Đơn vị",
                                 "position": "Chuyên viên"}, index=pd.Index(codes, name="person"))
    return Record(people_frame, ratings, disciplines, initiatives)


def _child(people: int, reasons: bool) -> None:
    from emulation.eligibility import eligibility_of

    rec = record(people)
    started = time.perf_counter()
    result = eligibility_of(rec, YEARS[-1])
    table = result.table()
    seconds = time.perf_counter() - started
    reason_seconds = None
    if reasons:
        started = time.perf_counter()
        for person in table.index:
            result.reasons(person)
        reason_seconds = time.perf_counter() - started
    print(json.dumps({"people": len(table), "seconds": seconds, "reason_seconds": reason_seconds,
                      "eligible": {t: int(table[t].sum()) for t in result.ruleset.titles},
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(int(args.child[0]), args.child[1] == "1")
        return
    runs = {}
    for reasons in (0, 1):
        done = subprocess.run([sys.executable, "-m", "bench.eligibility", "--child", str(args.people), str(reasons)],
                              check=True, capture_output=True, text=True)
        runs[reasons] = json.loads(done.stdout.strip().splitlines()[-1])
    r = runs[1]
    print("| people | years | eligibility (s) | people/s | reasons for everyone (s) | peak memory (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {r['people']:,} | {len(YEARS)} | {runs[0]['seconds']:.2f} | {r['people'] / runs[0]['seconds']:,.0f} | "
          f"{r['reason_seconds']:.1f} | {runs[0]['peak_mb']:,.0f} |")
    print("\neligible:", ", ".join(f"{k} {v:,}" for k, v in r["eligible"].items()))


if __name__ == "__main__":
    main()
