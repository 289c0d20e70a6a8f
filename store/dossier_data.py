"""Raw TTHC dossiers in a columnar store: each ingested dossier file becomes an immutable Parquet dataset under
the data directory, partitioned by year and month of receipt and named by the file's sha256; the SQL store
records it (``DossierDataset``) with its batch. The Decision 766 counts are aggregated from the datasets by
DuckDB into facts, for the units a batch touched only, by adding the batch's own changes to those of the batches
before it: a new batch costs what its own dossiers cost, never the year's.

A million dossiers as rows of the SQL store cost seconds to write and as much memory again to read back;
as Parquet they cost a fraction of a second and stay out of the database's backups and locks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from store import calendar, models

DATA_ENV = "CCHC_DATA_DIR"
FOLDER = "ho-so"
# DuckDB's own limits: two cores are shared with everything else, and a file of any size stays within this
# memory (DuckDB spills its sorts and hashes to disk beyond it).
MEMORY_LIMIT = os.environ.get("CCHC_DUCKDB_MEMORY", "300MB")
THREADS = 2
# A batch's counts per unit, period and procedure are made a slice of its units at a time, about this many
# dossiers to a slice: DuckDB spills their grouping to disk, yet on 100 M dossiers (a national year) it still ran
# out of 300 MB; 10 M were counted within 100 MB.
SLICE_ROWS = int(os.environ.get("CCHC_DOSSIER_SLICE_ROWS", "10000000"))

# What a dataset holds, typed: the file's unit code (not the store's id, so that a dataset depends on the
# file's bytes alone), dates as dates.
SCHEMA = pa.schema([
    ("unit", pa.string()), ("code", pa.string()), ("tthc_code", pa.string()), ("received", pa.date32()),
    ("due", pa.date32()), ("finished", pa.date32()), ("channel", pa.string()), ("has_fee", pa.bool_()),
    ("paid_online", pa.bool_()), ("digitised", pa.bool_()), ("e_result", pa.bool_()), ("supplements", pa.int64()),
    ("paper_result", pa.bool_()),  # null: the file had no such column
])
COLUMNS = [f.name for f in SCHEMA]
FIELD_OF = {"tthc_code": "tthc"}  # the dataset's column → the field of store.ingest.dossiers it holds, where they differ
# Columns datasets made before them do not hold: read as unknown (SQL NULL of this type).
LATER = {"paper_result": "BOOLEAN"}

INDICATORS = ("hs_tiep_nhan", "hs_truc_tuyen", "hs_truc_tiep", "hs_buu_chinh", "hs_da_giai_quyet", "hs_dung_han",
              "hs_qua_han", "hs_bo_sung", "hs_co_phi", "hs_thanh_toan_truc_tuyen", "hs_so_hoa",
              "hs_ket_qua_dien_tu", "hs_tong_ngay_giai_quyet", "tthc_phat_sinh_ho_so", "hs_chua_ro_ban_giay",
              "hs_giay_da_giai_quyet", "hs_giay_ket_qua_dien_tu", "hs_truc_tuyen_dat", "hs_so_hoa_dat")


# Stores whose data directory is not the process's setting: one portal serves several provinces, each with the
# data folder of its registry entry (office.provinces), where no one CCHC_DATA_DIR can name them all.
_PLACED: "weakref.WeakKeyDictionary[Engine, Path]" = weakref.WeakKeyDictionary()


def place(engine: Engine, folder: Path) -> None:
    """``engine``'s datasets are kept under ``folder``, whatever ``CCHC_DATA_DIR`` says."""
    _PLACED[engine] = Path(folder)


def data_dir(engine: Engine) -> Path:
    """The folder ``place`` gave the store; else ``CCHC_DATA_DIR``; without it, «du-lieu» beside a SQLite file, or
    in the working folder."""
    if engine in _PLACED:
        return _PLACED[engine]
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / "du-lieu"
    return Path("du-lieu")


def root(engine: Engine) -> Path:
    return data_dir(engine) / FOLDER


def scratch(engine: Engine) -> Path:
    """Where a file being checked is staged (on the same disk as the datasets, so that publishing is a rename)."""
    path = root(engine) / ".tam"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _tidied(engine: Engine) -> list[Path]:
    """The folders ``tidy`` may remove, innermost first (the changes' folder is not among them: another import may
    be about to write into it)."""
    return [root(engine) / ".tam", root(engine), data_dir(engine)]


def absent_folders(engine: Engine) -> list[Path]:
    """The folders of ``_tidied`` not there yet, before an import: the ones it makes, and may then remove."""
    return [folder for folder in _tidied(engine) if not folder.exists()]


def tidy(folders: list[Path]) -> None:
    """Of ``folders`` (those an import made: ``absent_folders`` before it), the ones left empty are removed, so
    that a refused import leaves nothing behind; a folder that was there before (made by an administrator, with
    its own permissions) stays. Only empty ones: another import's files keep theirs, and each import makes again
    what it needs (``scratch``, ``DatasetWriter``)."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty, or not there
            pass


_SHARED: ContextVar[dict | None] = ContextVar("dossier_duckdb", default=None)


def _database(engine: Engine):
    import duckdb

    return duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS,
                                  "temp_directory": str(scratch(engine)), "preserve_insertion_order": False})


@contextmanager
def duck(engine: Engine) -> Iterator:
    """A DuckDB connection of its own (temporary tables and registered frames are its own), to a database opened
    for it, or to the one ``one_database`` keeps open."""
    shared = _SHARED.get()
    if shared is None:
        con = _database(engine)
    else:
        key = str(scratch(engine))
        if key not in shared:
            shared[key] = _database(engine)
        con = shared[key].cursor()
    try:
        yield con
    finally:
        con.close()


@contextmanager
def one_database(engine: Engine) -> Iterator[None]:
    """One DuckDB database for every ``duck`` of the block (in this thread): opening one costs ≈ 20 ms, and an
    ingestion asks for five or six."""
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        for db in _SHARED.get().values():
            db.close()
        _SHARED.reset(token)


def quoted(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def frame_table(frame: pd.DataFrame) -> pa.Table:
    """Typed dossier columns (as ``store.ingest.dossiers`` parses them) as an Arrow table of the dataset's schema."""
    arrays = {}
    for f in SCHEMA:
        src = FIELD_OF.get(f.name, f.name)
        if src not in frame and f.name in LATER:  # rows kept from before the column existed: unknown
            arrays[f.name] = pa.nulls(len(frame), f.type)
            continue
        col = frame[src]
        if pa.types.is_date32(f.type):  # vectorised: days since the epoch, missing masked
            days = pd.to_datetime(col).to_numpy().astype("datetime64[D]")
            arrays[f.name] = pa.array(days, mask=pd.isna(days), type=f.type)
        elif pa.types.is_boolean(f.type):
            values = col.to_numpy()
            if values.dtype == object:  # an optional column: None where not known
                known = pd.notna(values)
                arrays[f.name] = pa.array(np.where(known, values, False).astype(bool), mask=~known, type=f.type)
            else:
                arrays[f.name] = pa.array(values.astype(bool), type=f.type)
        elif pa.types.is_integer(f.type):
            arrays[f.name] = pa.array(col.astype("int64").to_numpy(), type=f.type)
        else:
            arrays[f.name] = pa.array(col, from_pandas=True).cast(f.type)  # Arrow-backed text: no copy
    return pa.table(arrays, schema=SCHEMA)


ROW = pa.field("_row", pa.int64())  # the row of the file a dossier came from (sheet numbering); null if none
WRITTEN = SCHEMA.append(ROW)  # what a dataset's files hold (those written before ROW lack it)
FLUSH_ROWS = 32768  # a month's rows held before they are written, as one row group
OPEN_MONTHS = 24  # a year's data spans 13 months; rows of any further month cannot pass the checks
# Dictionaries for the columns of few values only (a dossier's code is its own: trying one for it costs a third
# of the writing), statistics for the columns read by range, the row numbers as differences: 30 % faster to
# write than Arrow's defaults, and smaller.
FEW = ("unit", "tthc_code", "channel")
WRITE_OPTIONS = dict(compression="zstd", use_dictionary=list(FEW), write_statistics=["unit", "received", "due", "finished"],
                     column_encoding={"_row": "DELTA_BINARY_PACKED"}, store_schema=False)
# The columns of few values are handed to the writer as dictionaries, as the file's reading made them: sorting a
# slice into its months moves their indices, not their text, and the writer takes the dictionary as it is. Not
# storing Arrow's schema, the files read back as plain text (and dates, and numbers) all the same.
HANDED = pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), f.type)) if f.name in FEW else f for f in WRITTEN])


def handed(table: pa.Table) -> pa.Table:
    """``table`` (WRITTEN's columns, a column of few values as text or as a dictionary) in HANDED's types."""
    for name in FEW:
        column = table[name]
        if pa.types.is_dictionary(column.type) and any(c.dictionary.null_count for c in column.chunks):
            column = column.cast(column.type.value_type)  # a null among the words: Parquet's writer takes none
        if not pa.types.is_dictionary(column.type):
            table = table.set_column(table.schema.get_field_index(name), name, pc.dictionary_encode(column))
    return table.cast(HANDED) if table.schema != HANDED else table


class DatasetWriter:
    """A dataset being written: typed rows (WRITTEN's columns) go to one Parquet file per month of receipt
    (``year=Y/month=M/data_0.parquet``, as DuckDB partitions), under a folder of the scratch area that
    ``publish`` then renames into place: the rows are written once, while the file is being read and checked,
    not read back and written again.

    With ``background``, the rows are sorted into months, compressed and written by a thread of their own (Arrow
    works without Python's lock), so that writing overlaps with reading and checking the next rows. Rows with no
    date of receipt, and those of a month beyond OPEN_MONTHS, go to ``year=0/month=0``: such a file is refused
    by its checks, and ``publish`` refuses a folder holding it."""

    def __init__(self, engine: Engine, background: bool = False):
        import queue
        import threading

        self.folder = scratch(engine) / uuid.uuid4().hex
        self.folder.mkdir(parents=True)  # the scratch area again, if another import's tidy() took it meanwhile
        self.rows = 0
        self._held: dict[int, list[pa.Table]] = {}
        self._writers: dict[int, pq.ParquetWriter] = {}
        self._error: BaseException | None = None
        self._queue = queue.Queue(maxsize=2) if background else None
        self._thread = threading.Thread(target=self._drain, name="dataset-writer", daemon=True) if background else None
        if self._thread is not None:
            self._thread.start()

    def write(self, table: pa.Table) -> None:
        """``table``'s rows sorted into their months here, in the caller's thread (which has time to spare while
        the writing thread compresses), and handed to that thread."""
        if self._error is not None:
            raise self._error
        self.rows += table.num_rows
        parts = _by_month(handed(table))
        if self._queue is not None:
            self._queue.put(parts)
        else:
            self._hold(parts)

    def close(self) -> Path:
        """Every row on disk; the folder. Raises what writing them raised."""
        self._stop()
        try:
            if self._error is None:
                for month in list(self._held):
                    self._flush(month)
        except BaseException as err:  # noqa: BLE001 - raised below, after the files are closed
            self._error = err
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
        if self._error is not None:
            raise self._error
        return self.folder

    def discard(self) -> None:
        self._stop()
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - its file is removed with the folder
                pass
        self._writers = {}
        shutil.rmtree(self.folder, ignore_errors=True)

    def _stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _drain(self) -> None:
        while (parts := self._queue.get()) is not None:
            if self._error is None:  # after an error the rest is only taken off the queue, so that write() returns
                try:
                    self._hold(parts)
                except BaseException as err:  # noqa: BLE001 - raised in the writing thread by write() or close()
                    self._error = err

    def _hold(self, parts: list[tuple[int, pa.Table]]) -> None:
        for month, rows in parts:
            if month not in self._writers and month not in self._held and \
                    len(self._held.keys() | self._writers.keys()) >= OPEN_MONTHS:  # a month both held and open: once
                month = -1
            self._held.setdefault(month, []).append(rows)
            if sum(t.num_rows for t in self._held[month]) >= FLUSH_ROWS:
                self._flush(month)

    def _flush(self, month: int) -> None:
        parts = self._held.pop(month, [])
        if not parts:
            return
        writer = self._writers.get(month)
        if writer is None:
            year, number = (1970 + month // 12, month % 12 + 1) if month >= 0 else (0, 0)
            path = self.folder / f"year={year}" / f"month={number}" / "data_0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = self._writers[month] = pq.ParquetWriter(path, HANDED, **WRITE_OPTIONS)
        writer.write_table(pa.concat_tables(parts))


def _by_month(table: pa.Table) -> list[tuple[int, pa.Table]]:
    """``table``'s rows by month of receipt (months since 1970; -1: none), each month's in the file's order."""
    days = table["received"].to_numpy(zero_copy_only=False)  # datetime64[D], NaT where missing
    months = days.astype("datetime64[M]").astype("int64")
    # a day before 1970 (a slip of the year: 1954 for 2024) is a month of no folder, as a missing day is: each
    # month below 0 had opened its own writer on the one file of ``year=0``, which then read as damaged
    months[np.isnat(days) | (months < 0)] = -1
    order = np.argsort(months.astype(np.int16), kind="stable")  # 16-bit: a radix sort, 5× faster (years < 4700)
    months = months[order]
    if len(order) and (order[1:] < order[:-1]).any():
        table = table.take(pa.array(order))
    cuts = np.flatnonzero(np.diff(months)) + 1
    return [(int(months[start]), table.slice(start, end - start))
            for start, end in zip(np.r_[0, cuts], np.r_[cuts, len(months)])]


def write_dataset(engine: Engine, table: pa.Table) -> Path:
    """Typed rows (WRITTEN's columns, or SCHEMA's: no rows named) as a dataset's folder, ready to publish."""
    if "_row" not in table.column_names:
        table = table.append_column(ROW, pa.nulls(table.num_rows, pa.int64()))
    writer = DatasetWriter(engine)
    try:
        writer.write(table.select(WRITTEN.names).cast(WRITTEN))
        return writer.close()
    except BaseException:
        writer.discard()
        raise


def publish(engine: Engine, staged: Path, digest: str) -> tuple[str, bool]:
    """A dataset's folder written by ``DatasetWriter`` as the dataset named ``digest``, by a rename (on the same
    disk, so that a dataset is there whole or not at all). Returns its path relative to the data directory,
    and whether it was made now (False: the same bytes had made it before; the folder is left to its owner)."""
    if (staged / "year=0").exists():
        raise ValueError(f"{staged}: dossiers without a date of receipt in the year cannot be published")
    relative = f"{FOLDER}/{digest}"
    final = data_dir(engine) / relative
    if final.is_dir():
        return relative, False
    os.replace(staged, final)
    return relative, True


def withdraw(engine: Engine, relative: str) -> None:
    """A dataset made for a batch whose transaction went back: removed, so that nothing of it stays."""
    shutil.rmtree(data_dir(engine) / relative, ignore_errors=True)


class DatasetMissing(LookupError):
    """A dataset the store records is not in its data directory: another ``CCHC_DATA_DIR`` than the one it was
    ingested with, or a database restored without its data directory."""


def files_of(engine: Engine, relative: str) -> str:
    folder = data_dir(engine) / relative
    if not folder.is_dir():
        raise DatasetMissing(f"không thấy tập hồ sơ {relative} mà cơ sở dữ liệu đã ghi nhận trong thư mục dữ liệu "
                             f"{data_dir(engine)}: hãy đặt {DATA_ENV} là thư mục đã dùng khi nhập (thư mục dữ liệu "
                             "được sao lưu và khôi phục cùng cơ sở dữ liệu)")
    return quoted(folder / "**" / "*.parquet")


def datasets_of(session: Session, year: int) -> list[tuple[int, str]]:
    """(batch id, path) of the year's datasets, oldest first."""
    D = models.DossierDataset
    return list(session.execute(select(D.batch_id, D.path).where(D.year == year).order_by(D.batch_id)).all())


def record(session: Session, batch_id: int, relative: str, year: int, rows: int, first: date, last: date) -> None:
    session.add(models.DossierDataset(batch_id=batch_id, path=relative, year=year, rows=rows,
                                      first_received=first, last_received=last))
    session.flush()


def _held(engine: Engine, relative: str) -> set[str]:
    """The columns a dataset holds (every file of one dataset has the same)."""
    first = next((data_dir(engine) / relative).rglob("*.parquet"), None)
    return set(pq.read_schema(first).names) if first is not None else set(COLUMNS)


def _select(engine: Engine, relative: str) -> str:
    held = _held(engine, relative)
    return ", ".join(c if c in held or c not in LATER else f"CAST(NULL AS {LATER[c]}) AS {c}" for c in COLUMNS)


# A dossier is its unit and its code in any letters' case: a file may not give one code twice in two cases
# (store.ingest.streamed), and a later batch sending «h2024-001» re-sends the «H2024-001» an earlier one stored.
SAME_DOSSIER = "unit, lower(code)"


def _current(engine: Engine, datasets: list[tuple[int, str]], touched: str | None) -> str:
    """SQL for the dossiers as they now stand: every dataset's rows of the touched units, a dossier re-sent by a
    later batch (same unit and code, ``SAME_DOSSIER``) taken from the latest."""
    where = f" WHERE unit IN (SELECT unit FROM {touched})" if touched else ""
    parts = [f"SELECT {_select(engine, path)}, {int(batch)} AS batch_id FROM read_parquet({files_of(engine, path)}, "
             f"hive_partitioning = false){where}" for batch, path in datasets]
    rows = " UNION ALL ".join(parts)
    if len(datasets) == 1:
        return rows
    return (f"SELECT * FROM ({rows}) QUALIFY row_number() OVER (PARTITION BY {SAME_DOSSIER} ORDER BY batch_id DESC) "
            "= 1")


# A dossier's state at the end of a period, worked out once a dossier and period (each count then sums them):
# finished by then; late (finished after its due date, or still open past it, or more than one request for
# supplements); and, for 3.3 and 4.2, served — a procedure returning paper results needs an electronic result too
# (known only with the column).
_DONE = "(d.finished IS NOT NULL AND d.finished <= d.period_end)"
_FLAGS = {
    "done": _DONE,
    "late": f"(({_DONE} AND d.finished > d.due) OR (NOT {_DONE} AND d.period_end > d.due) OR d.supplements > 1)",
    "served": f"(d.paper_result IS NOT NULL AND (NOT d.paper_result OR ({_DONE} AND d.e_result)))",
}


def _counted(year: int) -> tuple[str, list[tuple[str, str]]]:
    """The days of ``year``'s periods as SQL (period_code, period_end, day: a row for each day of each period), and
    every count but the number of distinct procedures as (name, SQL over ``d``, a dossier with the period it is
    counted in and its flags of ``_FLAGS``): sums, so that counts of parts add up to the counts of the whole."""
    periods = " UNION ALL ".join(
        f"SELECT '{p.code}' AS period_code, DATE '{p.end}' AS period_end, "
        f"CAST(unnest(generate_series(DATE '{p.start}', DATE '{p.end}', INTERVAL 1 DAY)) AS DATE) AS day"
        for p in calendar.periods_of(year))
    def n(condition: str) -> str:
        # a sum of 0/1 is twice as fast in DuckDB as count(*) FILTER (WHERE …); a condition that is NULL counts
        # nothing either way, and a group where it is NULL on every row sums to NULL, hence the coalesce
        return f"coalesce(sum(CAST({condition} AS INTEGER)), 0)"

    counts = [
        ("hs_tiep_nhan", "count(*)"),
        ("hs_truc_tuyen", n("d.channel = 'truc_tuyen'")),
        ("hs_truc_tiep", n("d.channel = 'truc_tiep'")),
        ("hs_buu_chinh", n("d.channel = 'buu_chinh'")),
        ("hs_da_giai_quyet", n("d.done")),
        ("hs_dung_han", n("NOT d.late")),
        ("hs_qua_han", n("d.late")),
        ("hs_bo_sung", n("d.supplements >= 1")),
        ("hs_co_phi", n("d.has_fee")),
        ("hs_thanh_toan_truc_tuyen", n("d.has_fee AND d.paid_online")),
        ("hs_so_hoa", n("d.digitised")),
        ("hs_ket_qua_dien_tu", n("d.done AND d.e_result")),
        ("hs_tong_ngay_giai_quyet", "coalesce(sum(d.finished - d.received) FILTER (WHERE d.done), 0)"),
        ("hs_chua_ro_ban_giay", n("d.paper_result IS NULL")),
        ("hs_giay_da_giai_quyet", n("d.done AND d.paper_result")),
        ("hs_giay_ket_qua_dien_tu", n("d.done AND d.paper_result AND d.e_result")),
        ("hs_truc_tuyen_dat", n("d.channel = 'truc_tuyen' AND d.served")),
        ("hs_so_hoa_dat", n("d.digitised AND d.served")),
    ]
    return periods, counts


def counts_query(rows: str, year: int, distinct_procedures: bool = True) -> str:
    """SQL for the counts of ``rows`` (a query of the dataset's columns) per unit and period of ``year``; without
    ``distinct_procedures``, every count but the number of distinct procedures (the sums a batch's changes keep).

    Each dossier is repeated once for each period it was received in (up to four: its quarter, six and nine months,
    the year) by joining its date of receipt with the days of the periods (a table of a few hundred rows, which
    the join holds; the dossiers stream through it), not by a range join of dossiers and periods: DuckDB holds a
    range join's rows in memory, while rows that stream into a grouping can spill to disk beyond MEMORY_LIMIT, so
    that the counts of any number of dossiers fit (100 M of a national year: the groups are bounded by units
    and periods, not by dossiers). The join on the day is a fifth faster than unnesting each dossier's list of
    periods."""
    periods, counts = _counted(year)
    if distinct_procedures:
        counts = counts + [("tthc_phat_sinh_ho_so", "count(DISTINCT d.tthc_code)")]
    return f"""
        WITH p AS ({periods}),
        j AS (SELECT r.*, p.period_code, p.period_end FROM ({rows}) r JOIN p ON p.day = r.received),
        d AS (SELECT d.*, {", ".join(f"{sql} AS {flag}" for flag, sql in _FLAGS.items())} FROM j d)
        SELECT d.unit, d.period_code,
          {", ".join(f"{sql} AS {name}" for name, sql in counts)}
        FROM d
        GROUP BY d.unit, d.period_code"""


def _quarters(year: int) -> tuple[list, dict[str, list[int]]]:
    """The quarters of ``year`` (the periods no other period lies within) and, for each period, which of them
    make it up: six and nine months and the year are unions of quarters, so a unit's procedures with dossiers
    in any period are told by its dossiers per procedure and quarter."""
    periods = calendar.periods_of(year)
    quarters = [p for p in periods if not any(o is not p and p.start <= o.start and o.end <= p.end for o in periods)]
    made = {}
    for p in periods:
        inside = [i for i, q in enumerate(quarters) if p.start <= q.start and q.end <= p.end]
        assert sum((quarters[i].end - quarters[i].start).days + 1 for i in inside) == (p.end - p.start).days + 1, p
        made[p.code] = inside
    return quarters, made


def _quarter_columns(year: int) -> list[str]:
    """The columns of dossiers received in each quarter (q1 … q4), as ``procedures_query`` names them."""
    return [f"q{i + 1}" for i in range(len(_quarters(year)[0]))]


def procedures_query(rows: str, year: int) -> str:
    """SQL for the dossiers of ``rows`` per unit and procedure received in each quarter of ``year`` (q1 … q4):
    a grouping of a unit's few dozen procedures, not of each period's, twenty times faster at 10 M dossiers."""
    received = ", ".join(f"count(*) FILTER (WHERE received BETWEEN DATE '{q.start}' AND DATE '{q.end}') AS {name}"
                         for q, name in zip(_quarters(year)[0], _quarter_columns(year)))
    return f"SELECT unit, tthc_code, {received} FROM ({rows}) GROUP BY unit, tthc_code"


def _long(wide: pd.DataFrame) -> pd.DataFrame:
    long = wide.melt(id_vars=["unit", "period_code"], value_vars=list(INDICATORS), var_name="indicator_code",
                     value_name="value")
    long["value"] = long["value"].astype(float)
    return long[["unit", "period_code", "indicator_code", "value"]]


def aggregate(engine: Engine, datasets: list[tuple[int, str]], year: int, units_of: str | None = None) -> pd.DataFrame:
    """Per unit (its code) and period of ``year``: the dossier counts of DOMAIN.md §3.4 (``counts_query``), as a long
    frame (unit, period_code, indicator_code, value), from every dossier as it now stands, read again.
    ``units_of``: a dataset path; only the units it holds are aggregated. A new batch's counts come from
    ``totals``, which gives the same without reading the year again."""
    if not datasets:
        return pd.DataFrame(columns=["unit", "period_code", "indicator_code", "value"])
    touched = None
    with duck(engine) as con:
        if units_of is not None:
            con.execute(f"CREATE TEMP TABLE touched AS SELECT DISTINCT unit FROM read_parquet("
                        f"{files_of(engine, units_of)}, hive_partitioning = false)")
            touched = "touched"
        query = counts_query(_current(engine, datasets, touched), year)
        wide = con.execute(query).df()
    return _long(wide)


# --- A batch's changes to the counts ------------------------------------------------------------------------
# Each batch keeps what it changed: the counts of its own dossiers less the counts of the earlier versions it
# replaced (a dossier sent again, same unit and code: the latest batch's version stands), per unit and period,
# and its dossiers received per unit, procedure and quarter. A year's counts are the sums of its batches'
# changes, and a unit's number of distinct procedures in a period is the number of procedures whose dossiers of
# the period's quarters still add up to more than none; so a new batch reads its own rows, the earlier rows of
# the codes it re-sends, and the small tables of changes — never the year's dossiers again. (Kept per unit,
# period and procedure, the changes of 10 M dossiers of 5,000 units took 13 s to group; these take 5.)

CHANGES = "thay-doi"  # under the dossier folder: two Parquet files per batch


def store_key(engine: Engine) -> str:
    """The database a store is, as a folder's name: its backend, host, port, database (a SQLite file's full path)
    and options, never its user or password. Datasets are the file's bytes and may be shared by stores that
    share a data directory; a batch's changes depend on the batches of its own store before it, and a batch id is
    only unique within one, so each store keeps them apart. A store reached by another address (moved, or
    another host name) makes its changes again from its datasets on its next import (``totals``)."""
    url = engine.url
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        database = str(Path(database).resolve())
    names = [url.get_backend_name(), url.host or "", str(url.port or ""), database,
             "&".join(f"{k}={v}" for k, v in sorted(url.query.items()))]
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def changes_folder(engine: Engine) -> Path:
    return root(engine) / CHANGES / store_key(engine)


def changes_path(engine: Engine, batch_id: int, relative: str) -> Path:
    """The changes of batch ``batch_id`` (whose dataset is ``relative``) to the sums per unit and period."""
    return changes_folder(engine) / f"{int(batch_id)}-{Path(relative).name}.parquet"


def procedures_path(engine: Engine, batch_id: int, relative: str) -> Path:
    """Its changes to the dossiers per unit, procedure and quarter (``procedures_query``)."""
    return changes_folder(engine) / f"{int(batch_id)}-{Path(relative).name}.tthc.parquet"


def _rows_of(engine: Engine, relative: str) -> int:
    """The number of dossiers of a dataset, from its files' footers."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in (data_dir(engine) / relative).rglob("*.parquet"))


def _bytes(size: str) -> int:
    """A DuckDB memory setting («300MB», «1GiB») in bytes; 300 MB if it cannot be read."""
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "B": 1}
    text = size.strip().upper().replace(" ", "")
    for unit, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if text.endswith(unit) and text[:-len(unit)].replace(".", "", 1).isdigit():
            return int(float(text[:-len(unit)]) * factor)
    return 300 * 10**6


# A slice's keys are what the match with the earlier batches holds in memory (the earlier rows stream past
# them): about this many bytes a key, with its hash table. 80 MB ran out with 750,000 keys.
BYTES_PER_KEY = 256


def _slices(own: int, matched: bool) -> int:
    """How many slices of its units a batch of ``own`` dossiers is counted in: each slice's dossiers counted
    within SLICE_ROWS, and (``matched``: there are earlier batches) its keys matched against the earlier
    batches' within DuckDB's memory. The earlier batches are read once per slice, whatever their size: a
    correction of a few dossiers into a national year reads the year once."""
    keys = max(1, _bytes(MEMORY_LIMIT) // BYTES_PER_KEY) if matched else own
    return max(1, -(-own // max(1, SLICE_ROWS)), -(-own // max(1, keys)))


def _combined(keys: str, columns: list[str], own: str, replaced: str | None) -> str:
    """``own``'s counts (SQL of ``keys`` and ``columns``), less ``replaced``'s, the groups that changed."""
    parts = [f"SELECT {keys}, {', '.join(columns)} FROM ({own})"]
    if replaced is not None:
        parts.append(f"SELECT {keys}, {', '.join(f'-{c}' for c in columns)} FROM ({replaced})")
    summed = ", ".join(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in columns)
    return (f"SELECT {keys}, {summed} FROM ({' UNION ALL '.join(parts)}) GROUP BY {keys} "
            f"HAVING {' OR '.join(f'sum({c}) <> 0' for c in columns)}")


def changes(engine: Engine, datasets: list[tuple[int, str]], year: int) -> tuple[Path, Path]:
    """The changes of the last of ``datasets`` (the year's, oldest first, up to and including it) written to
    its files (written again if there: a batch id a rolled-back import once had may come back): to the sums per
    unit and period (``counts_query``), and to the dossiers per unit, procedure and quarter
    (``procedures_query``), from which a unit's procedures with dossiers in a period are told.

    The earlier versions of the dossiers the batch re-sends (``SAME_DOSSIER``; the latest of each) are found
    once, kept in a temporary table, and their counts taken away. A large batch is counted in slices of its units
    (by a hash of their code; ``_slices``): each slice reads its units' rows of this batch and of the earlier
    ones, and its counts are written apart and then put together. A unit's counts and dossiers, of every batch,
    are all in one slice, so the files hold the same rows either way."""
    import duckdb

    batch, path = datasets[-1]
    earlier = datasets[:-1]
    targets = changes_path(engine, batch, path), procedures_path(engine, batch, path)
    source = f"read_parquet({files_of(engine, path)}, hive_partitioning = false)"
    targets[0].parent.mkdir(parents=True, exist_ok=True)
    own_columns = _select(engine, path)
    names = [name for name, _ in _counted(year)[1]]
    quarters = _quarter_columns(year)
    own_rows = _rows_of(engine, path)
    slices = _slices(own_rows, matched=bool(earlier))

    def write(con, where: str, to: tuple[Path, Path]) -> None:
        own = f"SELECT {own_columns} FROM {source}{where}"
        replaced = None
        if earlier:
            keys = f"SELECT DISTINCT unit, lower(code) AS folded FROM {source}{where}"
            versions = " UNION ALL ".join(
                f"SELECT {_select(engine, p)}, {int(b)} AS batch_id FROM read_parquet({files_of(engine, p)}, "
                f"hive_partitioning = false){where}" for b, p in earlier)
            # a key is once in a dataset (a repeated key is refused), so only several earlier batches need the
            # window that keeps the latest version of each
            latest = (f" QUALIFY row_number() OVER (PARTITION BY {SAME_DOSSIER} ORDER BY batch_id DESC) = 1"
                      if len(earlier) > 1 else "")
            con.execute(f"CREATE OR REPLACE TEMP TABLE replaced AS SELECT * EXCLUDE (batch_id) FROM "
                        f"(SELECT e.* FROM ({versions}) e SEMI JOIN ({keys}) k ON e.unit = k.unit AND lower(e.code) = k.folded)"
                        f"{latest}")
            replaced = "SELECT * FROM replaced"
        sums = _combined("unit, period_code", names, counts_query(own, year, False),
                         replaced and counts_query(replaced, year, False))
        received = _combined("unit, tthc_code", quarters, procedures_query(own, year),
                             replaced and procedures_query(replaced, year))
        for sql, target in ((sums, to[0]), (received, to[1])):
            con.execute(f"COPY ({sql}) TO {quoted(target)} (FORMAT parquet, COMPRESSION zstd)")

    while True:
        try:
            with duck(engine) as con:
                _write_changes(engine, con, write, targets, slices)
            return targets
        except duckdb.OutOfMemoryException:
            if slices >= own_rows:
                raise
            slices *= 4  # the estimate of a key's memory fell short (DuckDB's own limit was set low): finer slices


def _write_changes(engine: Engine, con, write, targets: tuple[Path, Path], slices: int) -> None:
    """``write`` of every slice, their pieces put together into ``targets``."""
    if slices == 1:
        write(con, "", targets)
        return
    pieces = [tuple(scratch(engine) / f"{t.stem}.{uuid.uuid4().hex}.{i}.parquet" for t in targets)
              for i in range(slices)]
    try:
        for i, piece in enumerate(pieces):
            write(con, f" WHERE hash(unit) % {slices} = {i}", piece)
        for j, target in enumerate(targets):
            listed = "[" + ", ".join(quoted(piece[j]) for piece in pieces) + "]"
            con.execute(f"COPY (SELECT * FROM read_parquet({listed})) TO {quoted(target)} "
                        f"(FORMAT parquet, COMPRESSION zstd)")
    finally:
        for piece in pieces:
            for part in piece:
                part.unlink(missing_ok=True)


def _has_changes(engine: Engine, batch: int, relative: str) -> bool:
    """Whether a batch's changes are kept as they are now (a batch stored before has them made again)."""
    return changes_path(engine, batch, relative).exists() and procedures_path(engine, batch, relative).exists()


def totals(engine: Engine, datasets: list[tuple[int, str]], year: int) -> pd.DataFrame:
    """``aggregate`` of the units of the newest of ``datasets`` (the year's, oldest first): its batch's changes
    made, then every batch's changes of those units summed. A batch without its changes yet (stored before they
    were kept) has them made first, in order."""
    if not datasets:
        return pd.DataFrame(columns=["unit", "period_code", "indicator_code", "value"])
    last = len(datasets) - 1
    for i, (batch, path) in enumerate(datasets):
        if i == last or not _has_changes(engine, batch, path):
            changes(engine, datasets[:i + 1], year)
    newest = f"read_parquet({files_of(engine, datasets[-1][1])}, hive_partitioning = false)"
    own = quoted(changes_path(engine, *datasets[-1]))
    sums = "[" + ", ".join(quoted(changes_path(engine, b, p)) for b, p in datasets) + "]"
    received = "[" + ", ".join(quoted(procedures_path(engine, b, p)) for b, p in datasets) + "]"
    names = [name for name, _ in _counted(year)[1]]
    made = _quarters(year)[1]
    quarters = _quarter_columns(year)
    per_unit = ", ".join(f"CAST(sum({n}) AS BIGINT) AS {n}" for n in names)
    per_quarter = ", ".join(f"sum({q}) AS {q}" for q in quarters)
    # a unit's procedures with dossiers in a period: those whose dossiers received in its quarters add up to more
    # than none; one column per period, turned into rows
    having = ", ".join(f"count(*) FILTER (WHERE {' + '.join(quarters[i] for i in inside)} > 0) AS \"{code}\""
                       for code, inside in made.items())
    # a period this batch leaves without dossiers (its only ones re-sent with a day of another period) gets its
    # zeros, or the counts an earlier batch wrote there would stay current
    with duck(engine) as con:
        con.execute(f"CREATE TEMP TABLE touched AS SELECT DISTINCT unit FROM {newest}")
        wide = con.execute(f"""
            SELECT unit, period_code, {per_unit} FROM read_parquet({sums}, filename = true)
            WHERE unit IN (SELECT unit FROM touched) GROUP BY unit, period_code
            HAVING sum(hs_tiep_nhan) > 0 OR bool_or(filename = {own})""").df()
        procedures = con.execute(f"""
            UNPIVOT (SELECT unit, {having} FROM (
                SELECT unit, tthc_code, {per_quarter} FROM read_parquet({received})
                WHERE unit IN (SELECT unit FROM touched) GROUP BY unit, tthc_code) GROUP BY unit)
            ON COLUMNS(* EXCLUDE (unit)) INTO NAME period_code VALUE tthc_phat_sinh_ho_so""").df()
    wide = wide.merge(procedures, on=["unit", "period_code"], how="left")
    wide["tthc_phat_sinh_ho_so"] = wide["tthc_phat_sinh_ho_so"].fillna(0).astype("int64")
    return _long(wide)


def read(engine: Engine, year: int | None = None) -> pd.DataFrame:
    """Every stored dossier as it now stands (the latest batch's version of a unit's code), with its batch: for
    checks and for moving them elsewhere; aggregation never loads them like this."""
    with Session(engine) as s:
        D = models.DossierDataset
        query = select(D.batch_id, D.path, D.year).order_by(D.batch_id)
        found = s.execute(query if year is None else query.where(D.year == year)).all()
    frames = []
    for y in sorted({y for _, _, y in found}):
        sets = [(b, p) for b, p, yy in found if yy == y]
        with duck(engine) as con:
            frames.append(con.execute(_current(engine, sets, None)).df())
    if not frames:
        return pd.DataFrame(columns=COLUMNS + ["batch_id"])
    return pd.concat(frames, ignore_index=True)
