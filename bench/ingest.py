"""Ingestion benchmark: a year of TTHC dossiers from CSV and from Parquet, ``cchc ingest``'s path against DuckDB
doing the same read and the same aggregation, in the same run; then a second batch for the same units.

Each case runs in a fresh process (so its peak RSS is its own) against a fresh SQLite database holding only the
units, its dossier datasets in a folder of its own. "duckdb" is DuckDB alone reading the same file and computing
the same per-unit, per-period counts (store.dossier_data.counts_query) without checking a cell: the floor.
"storing" is DuckDB alone doing what the store keeps of the file, again without checking a cell: the dataset's
month files written, counted from them, the counts written as facts (``_stored_by_duckdb``). The machines are
shared, so the ratios, measured in the same run, travel better than seconds.

    python -m bench.ingest [--sizes 1000000 10000000] [--out bench/data]
    python -m bench.ingest --rows 100000000 [--out bench/data]     # a national year, from Parquet
    python -m bench.ingest --rows 10000000 --second 1500000          # then a second batch re-sending some of it
    python -m bench.ingest --workbook 200000 1000000                  # the dossiers as an Excel workbook
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from cchc.demo import DemoSpec, dossiers_frame, units_frame
from reports.xlsx import frame_to_workbook, save_workbook

YEAR = 2024
PAPER = "TTHC trả kết quả bản giấy"


def prepare(folder: Path, rows: int, seed: int | None = None) -> dict[str, Path]:
    """The units and a year of dossiers, as CSV and as Parquet (dates typed, as systems export them); ``seed``:
    another year's worth for the same units (a second batch)."""
    folder.mkdir(parents=True, exist_ok=True)
    communes = 100 if rows <= 1_000_000 else 5_000
    spec = DemoSpec(communes=communes, dossiers=rows)
    tail = "" if seed is None else f"_{seed}"
    paths = {"units": folder / f"don_vi_{communes}.xlsx", "csv": folder / f"ho_so_{rows}{tail}.csv",
             "parquet": folder / f"ho_so_{rows}{tail}.parquet"}
    if all(p.exists() for p in paths.values()) and PAPER in paths["csv"].open(encoding="utf-8").readline():
        return paths  # made before, by a generator that already wrote every column
    import numpy as np

    units = units_frame(spec)
    save_workbook(frame_to_workbook(units), paths["units"])
    frame = dossiers_frame(spec, units, np.random.default_rng(spec.seed if seed is None else seed))
    frame.to_csv(paths["csv"], index=False)
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    frame.to_parquet(paths["parquet"], index=False)
    return paths


def prepare_national(folder: Path, rows: int, chunk: int = 1_000_000) -> dict[str, Path]:
    """A national year of ``rows`` dossiers as one Parquet file, written a million rows at a time (never whole in
    memory, and no CSV: at 100 M it would be 11 GB): a million dossiers of 5,000 communes drawn by the demo
    generator, written again and again, each copy's codes prefixed with its number so that every key is new."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    spec = DemoSpec(communes=5_000, dossiers=chunk)
    paths = {"units": folder / "don_vi_5000.xlsx", "parquet": folder / f"ho_so_{rows}.parquet"}
    units = units_frame(spec)
    save_workbook(frame_to_workbook(units), paths["units"])
    frame = dossiers_frame(spec, units, np.random.default_rng(spec.seed))
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    base = pa.Table.from_pandas(frame, preserve_index=False)
    del frame
    at = base.column_names.index("Mã hồ sơ")
    with pq.ParquetWriter(paths["parquet"], base.schema, compression="zstd") as writer:
        for i in range(rows // chunk):
            codes = pc.binary_join_element_wise(pa.scalar(f"{i:04d}-", base.column(at).type), base.column(at),
                                                pa.scalar("", base.column(at).type))
            writer.write_table(base.set_column(at, "Mã hồ sơ", codes), row_group_size=chunk)
    return paths


def prepare_second(folder: Path, rows: int, first: int, chunk: int = 1_000_000) -> Path:
    """A second batch of ``rows`` dossiers (whole millions and a half) after ``prepare_national``'s ``first``: its
    last million re-sent with other channels, procedures and supplements (the same units and codes), then new
    dossiers of the same communes (codes of copies the first did not hold)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    spec = DemoSpec(communes=5_000, dossiers=chunk)
    frame = dossiers_frame(spec, units_frame(spec), np.random.default_rng(spec.seed))
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    base = pa.Table.from_pandas(frame, preserve_index=False)
    changed = frame.assign(**{c: np.roll(frame[c].to_numpy(), 1) for c in
                              ("Hình thức nộp", "Mã TTHC", "Số lần yêu cầu bổ sung")})
    resent = pa.Table.from_pandas(changed, preserve_index=False, schema=base.schema)
    del frame, changed
    at = base.column_names.index("Mã hồ sơ")
    path = folder / f"ho_so_{rows}_sau_{first}.parquet"

    def prefixed(table: pa.Table, i: int) -> pa.Table:
        codes = pc.binary_join_element_wise(pa.scalar(f"{i:04d}-", table.column(at).type), table.column(at),
                                            pa.scalar("", table.column(at).type))
        return table.set_column(at, "Mã hồ sơ", codes)

    with pq.ParquetWriter(path, base.schema, compression="zstd") as writer:
        writer.write_table(prefixed(resent, first // chunk - 1), row_group_size=chunk)
        left, i = rows - chunk, first // chunk
        while left > 0:
            writer.write_table(prefixed(base.slice(0, min(chunk, left)), i), row_group_size=chunk)
            left, i = left - chunk, i + 1
    return path


def prepare_workbook(folder: Path, rows: int) -> dict[str, Path]:
    """The first ``rows`` dossiers of the million-row year as an Excel workbook, its cells text as typed (written
    row by row, never whole in memory)."""
    from openpyxl import Workbook

    paths = prepare(folder, 1_000_000)
    path = folder / f"ho_so_{rows}.xlsx"
    if not path.exists():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Hồ sơ")
        for at, chunk in enumerate(pd.read_csv(paths["csv"], dtype=str, keep_default_na=False, nrows=rows,
                                               chunksize=100_000)):
            if not at:
                ws.append(list(chunk.columns))
            for row in chunk.itertuples(index=False, name=None):
                ws.append([v if v else None for v in row])
        wb.save(path)
    return {"units": paths["units"], "xlsx": path}


def workbooks(folder: Path, sizes: list[int]) -> None:
    print("| rows | cchc ingest (s) | rows/s | peak memory (MB) |\n|---:|---:|---:|---:|")
    for rows in sizes:
        paths = prepare_workbook(folder, rows)
        done = run_case("ingest", paths["units"], paths["xlsx"], folder / "bench.db")
        print(f"| {rows:,} | {done['seconds']:.1f} | {done['rows'] / done['seconds']:,.0f} | {done['peak_mb']:,.0f} |",
              flush=True)


def duckdb_rows(path: Path) -> str:
    """The file's dossiers as DuckDB reads them itself, in the dataset's columns."""
    from store.dossier_data import quoted

    if path.suffix == ".csv":
        source = f"read_csv({quoted(path)}, header = true)"
    else:
        source = f"read_parquet({quoted(path)})"
    yes = "= 'Có'"
    return (f'SELECT "Mã đơn vị" AS unit, "Mã hồ sơ" AS code, "Mã TTHC" AS tthc_code, '
            f'CAST("Ngày tiếp nhận" AS DATE) AS received, CAST("Ngày hẹn trả" AS DATE) AS due, '
            f'CAST("Ngày có kết quả" AS DATE) AS finished, '
            f"CASE \"Hình thức nộp\" WHEN 'Trực tuyến' THEN 'truc_tuyen' WHEN 'Trực tiếp' THEN 'truc_tiep' "
            f"ELSE 'buu_chinh' END AS channel, \"Có phí, lệ phí\" {yes} AS has_fee, "
            f'"Thanh toán trực tuyến" {yes} AS paid_online, "Số hóa" {yes} AS digitised, '
            f'"Kết quả điện tử" {yes} AS e_result, "Số lần yêu cầu bổ sung" AS supplements, '
            f'"{PAPER}" {yes} AS paper_result FROM {source}')


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, units: str, data: str, db: str, before: str = "") -> None:
    """One measured case, in its own process; prints one JSON line."""
    import os

    os.environ["CCHC_DATA_DIR"] = str(Path(db).with_suffix(".data"))
    if kind == "duckdb":
        import duckdb

        from store.calendar import year_window
        from store.dossier_data import counts_query

        started = time.perf_counter()
        con = duckdb.connect()
        result = con.execute(counts_query(duckdb_rows(Path(data)), YEAR)).df()
        seconds = time.perf_counter() - started
        # the dossiers counted in the year, from the counts themselves: a second query reading a CSV again took a
        # fifth of the floor's time
        rows = int(result.loc[result["period_code"] == year_window(YEAR).code, "hs_tiep_nhan"].sum())
        print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": _peak_mb(), "units": len(result)}))
        return
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    if kind != "again":  # "again": a later batch into the store as a case before left it
        ingest_file(engine, units)
    if kind == "stored":
        started = time.perf_counter()
        rows, steps = _stored_by_duckdb(engine, Path(data))
        print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb(),
                          "steps": steps}))
        return
    if before:
        ingest_file(engine, before, year=YEAR)
    started = time.perf_counter()
    rows = ingest_file(engine, data, year=YEAR).rows
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": _peak_mb()}))


def _stored_by_duckdb(engine, data: Path) -> tuple[int, dict[str, float]]:
    """What the store keeps of a dossier file, made by DuckDB alone without checking a cell: the file read, written
    as the dataset's month files (zstd, as store.dossier_data writes them), counted from them per unit and period
    (the same query), and the counts written to the store as facts in one transaction, as an ingestion writes them.
    The least any ingestion that keeps the dossiers as a dataset and the counts as facts can do."""
    import duckdb
    from sqlalchemy.orm import Session

    from store import models
    from store.calendar import year_window
    from store.db import ensure_periods
    from store.dossier_data import _long, counts_query, quoted
    from store.ingest.bulk import insert_frame

    folder = Path(str(engine.url.database)).with_suffix(".data") / "duckdb"
    folder.parent.mkdir(parents=True, exist_ok=True)
    steps, started = {}, time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        steps[name] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()

    con = duckdb.connect()
    con.execute(f"COPY (SELECT *, year(received) AS year, month(received) AS month FROM ({duckdb_rows(data)})) "
                f"TO {quoted(folder)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month))")
    step("dataset")
    wide = con.execute(counts_query(f"SELECT * FROM read_parquet({quoted(folder / '**' / '*.parquet')})",
                                    YEAR)).df()
    facts = _long(wide)
    step("counts")
    with Session(engine) as s, s.begin():
        ensure_periods(s, {YEAR})
        ids = dict(s.query(models.Unit.code, models.Unit.id).all())
        batch = models.IngestBatch(kind="ho_so", file_name=data.name, sha256="duckdb", rows=0,
                                   created_at=pd.Timestamp.now().to_pydatetime(), created_by="bench")
        s.add(batch)
        s.flush()
        facts = facts.assign(unit_id=facts["unit"].map(ids), batch_id=batch.id)  # in the index's order, as cchc
        facts = facts.sort_values(["period_code", "unit_id", "indicator_code"], ignore_index=True)
        insert_frame(s, models.Fact, facts[["unit_id", "period_code", "indicator_code", "value", "batch_id"]])
    step("facts")
    return int(wide.loc[wide["period_code"] == year_window(YEAR).code, "hs_tiep_nhan"].sum()), steps


def run_case(kind: str, units: Path, data: Path, db: Path, before: Path | None = None,
             env: dict | None = None) -> dict:
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(db.with_suffix(".data"), ignore_errors=True)
    args = [sys.executable, "-m", "bench.ingest", "--child", kind, str(units), str(data), str(db), str(before or "")]
    out = subprocess.run(args, capture_output=True, text=True, env=env)
    if out.returncode:  # what the case said before it stopped, not only that it did
        sys.stderr.write(out.stderr[-5000:])
        raise SystemExit(f"{kind} on {data.name} stopped (exit status {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def national(folder: Path, rows: int) -> None:
    started = time.perf_counter()
    paths = prepare_national(folder, rows)
    size = paths["parquet"].stat().st_size / 2**30
    print(f"{rows:,} dossiers written in {time.perf_counter() - started:.0f} s ({size:.2f} GB of Parquet)", flush=True)
    db = folder / "bench.db"
    try:
        floor = run_case("duckdb", paths["units"], paths["parquet"], db)
        print(f"DuckDB read + aggregate: {floor['seconds']:.0f} s, peak {floor['peak_mb']:,.0f} MB", flush=True)
        full = run_case("ingest", paths["units"], paths["parquet"], db)
        data = sum(f.stat().st_size for f in db.with_suffix(".data").rglob("*") if f.is_file()) / 2**30
        print(f"cchc ingest: {full['seconds']:.0f} s ({full['rows'] / full['seconds']:,.0f} rows/s, "
              f"{full['seconds'] / floor['seconds']:.1f}× DuckDB), peak {full['peak_mb']:,.0f} MB; "
              f"dataset {data:.2f} GB", flush=True)
    finally:
        paths["parquet"].unlink(missing_ok=True)
        shutil.rmtree(db.with_suffix(".data"), ignore_errors=True)


def later_batch(folder: Path, rows: int, after: int) -> None:
    """``after`` dossiers of a national year's generator ingested, then a second batch of ``rows`` re-sending a
    million of them: the second batch's time and peak memory (its own process). The first batch is ingested with
    DuckDB's default memory limit, whatever ``CCHC_DUCKDB_MEMORY`` says: the limit is the second batch's."""
    import os

    started = time.perf_counter()
    paths = prepare_national(folder, after)
    again = prepare_second(folder, rows, after)
    print(f"{after:,} + {rows:,} dossiers written in {time.perf_counter() - started:.0f} s", flush=True)
    db, data = folder / "bench.db", folder / "bench.data"
    try:
        env = {k: v for k, v in os.environ.items() if k != "CCHC_DUCKDB_MEMORY"}
        first = run_case("ingest", paths["units"], paths["parquet"], db, env=env)
        print(f"first batch: {first['seconds']:.0f} s, peak {first['peak_mb']:,.0f} MB", flush=True)
        args = [sys.executable, "-m", "bench.ingest", "--child", "again", str(paths["units"]), str(again), str(db), ""]
        started = time.perf_counter()
        out = subprocess.run(args, capture_output=True, text=True)
        if out.returncode:  # the error's last line, and the same file into an empty year below
            lines = out.stderr.splitlines()
            where = next((x.strip() for x in reversed(lines) if x.strip().startswith('File "')), "")
            print(f"second batch: stopped after {time.perf_counter() - started:.0f} s, {where}: "
                  f"{next((x for x in reversed(lines) if 'Error' in x), '')[:300]}", flush=True)
        else:
            done = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"second batch: {done['seconds']:.0f} s ({done['rows']:,} dossiers), peak {done['peak_mb']:,.0f} MB",
                  flush=True)
        try:
            alone = run_case("ingest", paths["units"], again, folder / "alone.db")
            print(f"the same file into an empty year: {alone['seconds']:.0f} s, peak {alone['peak_mb']:,.0f} MB",
                  flush=True)
        except SystemExit as stopped:
            print(f"the same file into an empty year: {stopped}", flush=True)
    finally:
        for path in (paths["parquet"], again, db, folder / "alone.db"):
            path.unlink(missing_ok=True)
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(folder / "alone.data", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    parser.add_argument("--rows", type=int, help="a national year of this many dossiers, from Parquet only (the "
                                                 "file made a million rows at a time, deleted at the end)")
    parser.add_argument("--second", type=int, help="with --rows: then a second batch of this many dossiers, a "
                                                   "million of them re-sent from the first")
    parser.add_argument("--workbook", type=int, nargs="+", metavar="ROWS",
                        help="the year's first ROWS dossiers as an Excel workbook: cchc ingest's time and peak memory")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.workbook:
        workbooks(args.out, args.workbook)
        return
    if args.rows and args.second:
        later_batch(args.out, args.second, args.rows)
        return
    if args.rows:
        national(args.out, args.rows)
        return
    print("| rows | format | DuckDB read + aggregate (s) | DuckDB storing (s) | cchc ingest (s) | rows/s | "
          "ingest ÷ DuckDB | ingest ÷ storing | peak memory: DuckDB / storing / ingest (MB) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    db = args.out / "bench.db"
    for size in args.sizes:
        paths = prepare(args.out, size)
        for fmt in ("csv", "parquet"):
            floor = run_case("duckdb", paths["units"], paths[fmt], db)
            stored = run_case("stored", paths["units"], paths[fmt], db)
            full = run_case("ingest", paths["units"], paths[fmt], db)
            print(f"| {size:,} | {fmt} | {floor['seconds']:.2f} | {stored['seconds']:.2f} | {full['seconds']:.2f} | "
                  f"{full['rows'] / full['seconds']:,.0f} | {full['seconds'] / floor['seconds']:.1f}× | "
                  f"{full['seconds'] / stored['seconds']:.2f}× | "
                  f"{floor['peak_mb']:,.0f} / {stored['peak_mb']:,.0f} / {full['peak_mb']:,.0f} |", flush=True)
    size = min(args.sizes)
    first, second = prepare(args.out, size), prepare(args.out, size, seed=2)
    again = run_case("ingest", first["units"], second["csv"], db, before=first["csv"])
    alone = run_case("ingest", first["units"], second["csv"], db)
    print(f"\nA second batch of {size:,} dossiers (CSV) for the same units: {again['seconds']:.2f} s "
          f"(the same file into an empty year: {alone['seconds']:.2f} s), peak {again['peak_mb']:,.0f} MB")
    without = args.out / f"ho_so_{size}_khong_cot_ban_giay.csv"
    pd.read_csv(first["csv"], dtype=str, keep_default_na=False).drop(columns=PAPER).to_csv(without, index=False)
    cases = {"with": first["csv"], "without": without}
    timed = {k: [run_case("ingest", first["units"], path, db) for _ in range(2)] for k, path in cases.items()}
    best = {k: min(r["seconds"] for r in runs) for k, runs in timed.items()}
    print(f"The same {size:,} dossiers (CSV) with the column «{PAPER}» and without it (best of 2 each): "
          f"{best['with']:.2f} s and {best['without']:.2f} s ({best['with'] / best['without']:.2f}×), peak "
          f"{max(r['peak_mb'] for r in timed['with']):,.0f} / {max(r['peak_mb'] for r in timed['without']):,.0f} MB")


if __name__ == "__main__":
    main()
