"""Ingestion of CSV, XLSX and Parquet files into validated, append-only records.

A file is read, its headers matched to one kind, every cell parsed and checked; any problem refuses the
whole file with the file, row and column named, and nothing is written. A good file lands as one batch
in one transaction; the same bytes (sha256) land once.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from store import calendar, models, outbox
from store.db import serialize_writes
from store.ingest import (awards, dossiers, facts, findings, narratives, people, proceedings, streamed, submissions,
                          units)
from store.ingest.columns import Column, header_key, map_distinct, row_numbers
from store.ingest.kind import Context, Kind
from store.ingest.limits import sized
from store.ingest.problems import Collector, IngestError, Problem
from store.ingest.reading import SUFFIXES as SUFFIXES  # where the folder watcher looks for files
from store.ingest.reading import read_sheet

# In the order files depend on each other (people need their units, discipline its people, a declared part of the
# dossiers received its whole counted from them): files ingested together are checked and written in this order,
# whatever order they were named in.
KINDS: dict[str, Kind] = {k.code: sized(k) for k in (
    units.KIND, people.PEOPLE, people.DISCIPLINES, people.INITIATIVES, dossiers.KIND, facts.KIND, submissions.KIND,
    findings.KIND, narratives.KIND, awards.COLLECTIVE_RATINGS, awards.AWARDS, proceedings.PROCEEDINGS,
    proceedings.TOPICS)}

__all__ = ["KINDS", "IngestError", "Problem", "IngestResult", "ingest_file", "ingest_table", "ingest_tables",
           "read_table"]


@dataclass
class IngestResult:
    kind: Kind
    batch_id: int
    rows: int
    already: bool = False  # the same file had been ingested before: nothing was added
    year: int | None = None  # a dossier batch's reporting year (said again when its file is sent again)
    loaded: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # what its sender should look at (rows named)
    notes: list[str] = field(default_factory=list)  # how the file was read when not as the template lays it out


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: Path, kind: str | None = None) -> pd.DataFrame:
    """The data of a file as raw cells under their headers (the header found under any title rows, on any
    sheet); ``read_sheet`` also says which row of the sheet each came from."""
    return read_sheet(path, [KINDS[kind]] if kind else KINDS.values()).frame


# Columns a sheet keeps for its people, not for the system: read by no kind that has no such column of its own
FREE_NOTES = frozenset({"ghi chu", "chu thich", "dien giai", "note", "notes", "remarks"})


# A hint of how to write a column, after its header: «Ngày sinh (dd/mm/yyyy)», «Năm (4 chữ số)»
_HINTED = re.compile(r"\s*\([^()]*\)\s*$")


@cache
def _vocabulary() -> frozenset[str]:
    """Every template's headers, folded: a header of one kind in a file of another is no column of the office's own."""
    return frozenset(header_key(c.header) for kind in KINDS.values() for c in kind.columns)


def _header_map(kind: Kind, headers: list[str], out: Collector, empty: frozenset[str] = frozenset()) -> dict[str, str]:
    """File header → field; wrong, missing or repeated headers are problems of the header row. A column the kind
    does not read is left out with a warning («Ghi chú», «Số điện thoại», Excel's empty «Column1»), unless its
    header is near one of the kind's columns the file lacks: a header mistyped, whose data would be lost."""
    by_fold = {header_key(c.header): c for c in kind.columns}

    def column_of(header) -> Column | None:
        return by_fold.get(header_key(header)) or by_fold.get(header_key(_HINTED.sub("", str(header))))

    given = {col.header for h in headers if (col := column_of(h)) is not None}
    lacking = {header_key(c.header): c.header for c in kind.columns if c.header not in given}  # compared folded
    mapping, seen = {}, set()
    numbering = row_numbers(headers)
    for j, header in enumerate(headers):
        if j in numbering:  # «STT»: no field of any kind
            continue
        col = column_of(header)
        near = [lacking[k] for k in difflib.get_close_matches(header_key(header), lacking, n=1, cutoff=0.6)] \
            if col is None else []
        if col is None and not near and lacking and header_key(header) in _vocabulary():
            near = list(lacking.values())  # another template's column («Mã sáng kiến») where this one's is missing
        if col is None and (header_key(header) in FREE_NOTES or header in empty or not near):
            out.warn(f"cột «{header}» không thuộc mẫu {kind.title}: không đọc", column=str(header))
        elif col is None:
            out.add(f"cột «{header}» không thuộc mẫu {kind.title} (có phải «{' / '.join(near)}»?)", row=out.header_row,
                    column=str(header))
        elif col.header in seen:
            out.add(f"cột «{col.header}» xuất hiện hai lần", row=out.header_row, column=str(header))
        else:
            mapping[header] = col.field
            seen.add(col.header)
    for col in kind.columns:
        if col.header not in seen and col.required:
            out.add(f"thiếu cột bắt buộc «{col.header}» của mẫu {kind.title}", row=out.header_row,
                    column=col.header)
    return mapping


def _holds_any(column: pd.Series) -> bool:
    """Whether a column of raw cells holds any value (a cell of spaces holds none)."""
    return bool(column.map(lambda v: not pd.isna(v) and str(v).strip() != "").any())


def detect_kind(headers: list[str], file: str, header_row: int = 1) -> Kind:
    """The kind whose headers the file's headers match best (its required columns all present)."""
    folded = {header_key(h) for h in headers}

    def score(kind: Kind) -> tuple[int, int]:
        required = {header_key(c.header) for c in kind.columns if c.required}
        return len(required & folded) - len(required - folded), -len(folded - {header_key(h) for h in kind.headers})

    best = max(KINDS.values(), key=score)
    required = {header_key(c.header) for c in best.columns if c.required}
    if len(required & folded) < max(2, len(required) // 2):
        _not_in_an_old_font(headers, file, header_row)
        kinds = ", ".join(KINDS)
        raise IngestError([Problem(file, f"không nhận ra loại tệp từ dòng tiêu đề; dùng «cchc template» để lấy "
                                         f"mẫu, hoặc chỉ rõ --kind ({kinds})", row=header_row)])
    return best


def _not_in_an_old_font(headers: list[str], file: str, header_row: int) -> None:
    """Refuses a header typed in the old fonts (.VnTime's «M· ®¬n vÞ» for «Mã đơn vị») saying so: it had been
    refused as a file of no known kind."""
    from store.ingest.encodings import old_font_readings

    known = _vocabulary()
    for header in headers:
        for name, reading in old_font_readings(str(header)):
            if header_key(reading) in known:
                raise IngestError([Problem(file, f"dòng tiêu đề gõ bằng phông cũ {name} («{header}» là «{reading}»): "
                                                 f"chuyển sang Unicode (ví dụ Unikey: Công cụ chuyển mã, nguồn {name}, "
                                                 "đích Unicode) rồi nhập lại", row=header_row, column=str(header))])


def header_fields(kind: Kind, raw: pd.DataFrame, out: Collector) -> dict[str, str]:
    """The header of each field of ``kind`` among ``raw``'s columns (a column of another header that holds nothing
    is left alone); refused at once if a header is missing or unknown."""
    known = {header_key(c.header) for c in kind.columns}
    blank = frozenset(h for j, h in enumerate(raw.columns) if header_key(h) not in known and not _holds_any(raw.iloc[:, j]))
    mapping = _header_map(kind, list(raw.columns), out, blank)
    out.raise_if_any()
    return {v: k for k, v in mapping.items()}


def parse(kind: Kind, raw: pd.DataFrame, out: Collector) -> pd.DataFrame:
    """Typed columns for every field of the kind; absent optional columns are empty. A file of headers alone
    is refused: it would land as an empty batch."""
    by_field = header_fields(kind, raw, out)
    if raw.empty:
        out.add("tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào", row=out.header_row)
        out.raise_if_any()
    empty = pd.Series([""] * len(raw), index=raw.index, dtype="str")
    frame = pd.DataFrame(index=raw.index)
    frame.attrs["left_out"] = frozenset(c.field for c in kind.columns if not c.required and c.field not in by_field)
    for col in kind.columns:
        if col.field not in by_field and col.unknown_if_absent:
            frame[col.field] = col.absent(raw.index)
        else:
            for name, values in col.fields(raw[by_field[col.field]] if col.field in by_field else empty, out).items():
                frame[name] = values
    keys = frame[list(kind.key)]
    if "period" in kind.key:  # «Năm 2024» and «2024-NAM» are one period: one key
        keys = keys.assign(period=map_distinct(keys["period"], _period_code))
    # a key cell that could not be read (refused for it already) makes no key: two such rows are not one record
    given = keys.drop(columns=list(kind.blank_in_key))
    repeated = keys.duplicated(keep="first") & (given.ne("") & given.notna()).all(axis=1) & keys.notna().all(axis=1)
    if repeated.any():
        names = kind.key_names
        first = keys.reset_index(drop=True).reset_index().groupby(list(kind.key))["index"].transform("min")
        out.rows(repeated, by_field.get(kind.key[0], kind.key[0]),
                 lambda pos: f"trùng khóa ({names}) với dòng {out.row_of(pos)}", first)
    return frame


def _period_code(text: str) -> str:
    """A period's code as the key of a row (its text when it cannot be read: refused by the kind's check)."""
    try:
        return calendar.parse_period(text).code if text else text
    except ValueError:
        return text


def ingest_file(engine: Engine, path: str | Path, kind: str | None = None, year: int | None = None,
                user: str | None = None, progress=None, again: bool = False) -> IngestResult:
    """Validate a file whole, then write it as one batch in one transaction (or refuse it whole)."""
    from store.ingest.files import ingest_files

    [status] = ingest_files(engine, [Path(path)], kind=kind, year=year, user=user,
                            progress=(lambda name, n: progress(n)) if progress else None, again=again)
    return status.result


def table_sha256(raw: pd.DataFrame, name: str) -> str:
    """A table's fingerprint: its name, headers and cells as text, one canonical serialisation."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\0")
    digest.update("\x1f".join(map(str, raw.columns)).encode("utf-8") + b"\n")
    for row in raw.astype(str).itertuples(index=False):
        digest.update("\x1f".join(row).encode("utf-8") + b"\n")
    return digest.hexdigest()


def ingest_table(engine: Engine, raw: pd.DataFrame, name: str, kind: str, user: str,
                 year: int | None = None) -> IngestResult:
    """A table built in memory (a form submitted in the portal) through the same parse, check and load as a
    file: one batch in one transaction, or refused whole. Cells are text as a file's would be; the same table
    under the same name lands once."""
    chosen = KINDS[kind]
    raw = raw.astype(str).reset_index(drop=True)
    digest = table_sha256(raw, name)
    done = _landed(engine, digest)
    if done is not None:
        return IngestResult(chosen, done.id, done.rows, already=True)
    return _land(engine, [(chosen, raw)], name, digest, user, year)


def ingest_tables(engine: Engine, tables: dict[str, pd.DataFrame], name: str, batch_kind: str, user: str,
                  on_landed: Callable[[Session, int], None] | None = None) -> IngestResult:
    """Tables of several kinds built in memory as ONE batch (a periodic report submitted in the portal: its
    figures, its sections and its line in the register): each parsed and checked as a file of its kind is, all
    refused together or all written in one transaction, the batch recorded as ``batch_kind``. ``on_landed(session,
    batch_id)`` runs inside that transaction, under the store's write lock, before it commits: what it writes
    lands with the batch, what it raises leaves nothing written. Empty tables are left out."""
    parts = [(KINDS[kind], raw.astype(str).reset_index(drop=True)) for kind, raw in tables.items() if len(raw)]
    if not parts:
        raise IngestError([Problem(name, "không có dòng nào để nhập")])
    digest = hashlib.sha256(b"".join(table_sha256(raw, f"{name}\0{kind.code}").encode() for kind, raw in parts))
    return _land(engine, parts, name, digest.hexdigest(), user, None, batch_kind=batch_kind, on_landed=on_landed)


def _landed(engine: Engine, digest: str) -> models.IngestBatch | None:
    with Session(engine) as s:
        return landed_before(s, digest)


def landed_before(s: Session, digest: str) -> models.IngestBatch | None:
    """The latest batch that holds these bytes, if any: sent again, they add nothing (unless sent «again» on
    purpose, ``ingest_files``)."""
    B = models.IngestBatch
    return s.scalar(select(B).where(B.sha256 == digest).order_by(B.id.desc()).limit(1))


def corrected_since(s: Session, done: models.IngestBatch) -> models.IngestBatch | None:
    """The first later batch of ``done``'s kind: a file that may have corrected its values (dossiers are versions
    by their keys: none)."""
    if done.kind == dossiers.KIND.code:
        return None
    B = models.IngestBatch
    return s.scalar(select(B).where(B.kind == done.kind, B.id > done.id).order_by(B.id).limit(1))


def _land(engine: Engine, parts: list[tuple[Kind, pd.DataFrame]], name: str, digest: str, user: str,
          year: int | None, batch_kind: str | None = None,
          on_landed: Callable[[Session, int], None] | None = None) -> IngestResult:
    """Parse (the tables alone), then under the store's write lock check against what is stored and write: two
    tables that are each valid but contradict each other (a part above its whole once both are in) cannot both
    pass, since the second is checked only after the first has landed. Several tables make one batch."""
    outs = [Collector(f"{name} ({kind.title})" if len(parts) > 1 else name) for kind, _ in parts]
    frames = [(kind, parse(kind, raw, out)) for (kind, raw), out in zip(parts, outs)]
    del parts  # the typed frames are all that is used from here on
    _raise_if_any(outs)
    frames = [(kind, _staged(engine, kind, frame, out)) for (kind, frame), out in zip(frames, outs)]
    try:
        return _check_and_land(engine, frames, outs, name, digest, user, year, batch_kind, on_landed)
    finally:
        for _, frame in frames:
            if isinstance(frame, streamed.Staged):
                frame.discard()


def _staged(engine: Engine, kind: Kind, frame: pd.DataFrame, out: Collector) -> pd.DataFrame | streamed.Staged:
    """Dossiers are checked and landed from their staged rows, as a file's are: one piece of code for both."""
    if kind.code != dossiers.KIND.code:
        return frame
    return streamed.stage_frame(engine, frame, [out.row_of(pos) for pos in range(len(frame))])


def _check_and_land(engine: Engine, frames: list, outs: list[Collector], name: str, digest: str, user: str,
                    year: int | None, batch_kind: str | None, on_landed) -> IngestResult:
    """``_land``'s checks against the store and its writing, in one transaction under the store's write lock."""
    with Session(engine) as s, s.begin():
        serialize_writes(s)
        done = landed_before(s, digest)
        if done is not None:  # the same table landed while this one was being read
            return IngestResult(frames[0][0], done.id, done.rows, already=True)
        contexts = [Context(engine, name, year=year, session=s) for _ in frames]
        for (kind, frame), ctx, out in zip(frames, contexts, outs):
            kind.check(ctx, frame, out)
        _raise_if_any(outs)
        rows = sum(len(frame) for _, frame in frames)
        batch = models.IngestBatch(kind=batch_kind or frames[0][0].code, file_name=name, sha256=digest, rows=rows,
                                   created_at=datetime.now().replace(microsecond=0), created_by=user)
        s.add(batch)
        s.flush()
        loaded: dict[str, int] = {}
        for (kind, frame), ctx in zip(frames, contexts):
            loaded.update(kind.load(s, frame, ctx, batch.id))
        if on_landed is not None:
            on_landed(s, batch.id)
        outbox.queue_ingested(s, batch.id, batch.kind, rows, loaded)
        return IngestResult(frames[0][0], batch.id, rows, loaded=loaded)


def _raise_if_any(outs: list[Collector]) -> None:
    problems = [p for out in outs for p in out.problems]
    if problems:
        raise IngestError(problems)
