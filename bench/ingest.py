"""Ingestion benchmark: TTHC dossier rows per second and peak memory, from CSV and from Parquet.

Each case runs in a fresh process (so its peak RSS is its own) against a fresh SQLite database holding
only the units. In the same run, the time pandas alone takes to read the same file is measured, and the
ingestion is reported against it as a ratio: the machines are shared, so ratios travel better than seconds.

    python -m bench.ingest [--sizes 1000000 10000000] [--out bench/data]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from cchc.demo import DemoSpec, dossiers_frame, units_frame
from reports.xlsx import frame_to_workbook, save_workbook


def prepare(folder: Path, rows: int) -> dict[str, Path]:
    """The units and a year of dossiers, as CSV and as Parquet (dates typed, as systems export them)."""
    folder.mkdir(parents=True, exist_ok=True)
    communes = 100 if rows <= 1_000_000 else 5_000
    spec = DemoSpec(communes=communes, dossiers=rows)
    paths = {"units": folder / f"don_vi_{communes}.xlsx", "csv": folder / f"ho_so_{rows}.csv",
             "parquet": folder / f"ho_so_{rows}.parquet"}
    if all(p.exists() for p in paths.values()):
        return paths
    import numpy as np

    units = units_frame(spec)
    save_workbook(frame_to_workbook(units), paths["units"])
    frame = dossiers_frame(spec, units, np.random.default_rng(spec.seed))
    frame.to_csv(paths["csv"], index=False)
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    frame.to_parquet(paths["parquet"], index=False)
    return paths


def _child(kind: str, units: str, data: str, db: str) -> None:
    """One measured case, in its own process; prints one JSON line."""
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file, read_table

    started = time.perf_counter()
    if kind == "read":
        frame = read_table(Path(data))
        rows = len(frame)
    else:
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        ingest_file(engine, units)
        started = time.perf_counter()
        rows = ingest_file(engine, data, year=2024).rows
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb}))


def run_case(kind: str, units: Path, data: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-m", "bench.ingest", "--child", kind, str(units), str(data), str(db)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    print("| rows | format | pandas read (s) | ingest (s) | rows/s | ingest ÷ read | peak memory (MB) |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        paths = prepare(args.out, size)
        for fmt in ("csv", "parquet"):
            read = run_case("read", paths["units"], paths[fmt], args.out / "bench.db")
            full = run_case("ingest", paths["units"], paths[fmt], args.out / "bench.db")
            print(f"| {size:,} | {fmt} | {read['seconds']:.1f} | {full['seconds']:.1f} | "
                  f"{full['rows'] / full['seconds']:,.0f} | {full['seconds'] / read['seconds']:.1f}× | "
                  f"{full['peak_mb']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
