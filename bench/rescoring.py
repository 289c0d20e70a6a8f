"""Re-scoring benchmark: a province of 5,000 scored units (the demo generator's departments and communes,
with a year of dossiers), scored once; then, in turns, a one-unit change (a corrected figure, ingested as a
file) followed by the incremental re-score, and a full re-score of everyone, each to stored new scores and
ranks. Times are medians of several turns in one run; the ratio is what to read on a shared machine.

    python -m bench.rescoring [--units 5000] [--turns 5] [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

PERIOD = "2024-NAM"


def province(folder: Path, units: int, url: str | None):
    """Generate and ingest the province: units, figures of the year and a year of dossiers."""
    import numpy as np
    import pandas as pd

    from cchc.demo import DemoSpec, dossiers_frame, facts_frame, units_frame
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    from cchc.names import DEPARTMENTS

    spec = DemoSpec(communes=units - len(DEPARTMENTS), dossiers=units * 40)
    rng = np.random.default_rng(spec.seed)
    frame = units_frame(spec)
    people = pd.DataFrame(columns=["Mã đơn vị", "Năm đánh giá"])
    facts = facts_frame(spec, frame, people, rng)
    facts = facts[facts["Kỳ báo cáo"] == PERIOD]
    frame.to_parquet(folder / "don_vi.parquet")
    facts.to_parquet(folder / "so_lieu.parquet")
    dossiers_frame(spec, frame, rng).to_parquet(folder / "ho_so.parquet")
    engine = make_engine(url or f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    for name in ("don_vi", "so_lieu", "ho_so"):
        ingest_file(engine, folder / f"{name}.parquet", year=2024 if name == "ho_so" else None)
    return engine


def change_one(engine, folder: Path, turn: int) -> None:
    """One unit corrects one figure (a new batch, as a user's file)."""
    import pandas as pd

    from store.ingest import ingest_file

    path = folder / f"sua-{turn}.parquet"
    pd.DataFrame({"Mã đơn vị": ["STP"], "Kỳ báo cáo": ["Năm 2024"], "Mã chỉ tiêu": ["tthc_cong_khai"],
                  "Giá trị": [float(20 + turn % 100)], "Tài liệu kiểm chứng": [f"Báo cáo bổ sung lần {turn}"]}
                 ).to_parquet(path)
    ingest_file(engine, path)


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def peak_of(fn) -> float:
    """Peak memory allocated while ``fn`` runs (MB), in a turn of its own: tracing slows everything down."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()

    from cycle.scoring import rescore
    from rules.ruleset import find

    rs = find("qd766-2022")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = None
        if args.db == "postgresql":
            url = _postgres()
        started = time.perf_counter()
        engine = province(folder, args.units, url)
        built = time.perf_counter() - started
        first = rescore(engine, rs, PERIOD)
        print(f"{args.db}: {first.entities:,} units scored by {rs.id}; province built in {built:.0f} s", flush=True)
        incremental, full, with_ingest = [], [], []
        for turn in range(args.turns):  # the two paths in turns, so that both see the same machine
            started = time.perf_counter()
            change_one(engine, folder, 2 * turn)
            seconds, out = timed(lambda: rescore(engine, rs, PERIOD))
            with_ingest.append(time.perf_counter() - started)
            assert out.written and out.evaluated == 1, out
            incremental.append(seconds)
            change_one(engine, folder, 2 * turn + 1)
            seconds, out = timed(lambda: rescore(engine, rs, PERIOD, full=True))
            assert out.written and out.evaluated == out.entities, out
            full.append(seconds)
        change_one(engine, folder, 1000)
        peak_inc = peak_of(lambda: rescore(engine, rs, PERIOD))
        change_one(engine, folder, 1001)
        peak_full = peak_of(lambda: rescore(engine, rs, PERIOD, full=True))
        inc, whole = statistics.median(incremental), statistics.median(full)
        print("| database | units | incremental (s) | change + incremental (s) | full (s) | full ÷ incremental "
              "| peak incremental (MB) | peak full (MB) |")
        print(f"| {args.db} | {first.entities:,} | {inc:.3f} | {statistics.median(with_ingest):.3f} | {whole:.3f} | "
              f"{whole / inc:.0f}× | {peak_inc:.0f} | {peak_full:.0f} |")
        engine.dispose()
        if url:
            _drop(url)


def _postgres() -> str:
    import uuid

    from sqlalchemy import create_engine, text

    name = f"cchc_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
