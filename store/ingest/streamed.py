"""Dossier files of any size, checked chunk by chunk: a CSV (UTF-8) or a Parquet file is read in slices of rows,
every cell of a slice parsed by the same columns as a file read whole (so the same refusals, the same messages,
the sheet's own row numbers), and its typed rows staged in a Parquet file on disk; what needs the whole file (a
key repeated, the year the dates fall in, units unknown to the store) is then asked of the staged rows with
DuckDB. Memory stays that of a few slices whatever the file's size; nothing reaches the store until every row
has passed, and the staged rows, already written as the dataset's month files, become the batch's dataset by a
rename (store.dossier_data). Reading the next slice, checking this one and writing the one before overlap, each
in a thread of its own (Arrow works without Python's lock).

A file this path cannot read as it is (another encoding, a blank line among the rows, a row wider than its
header, a quoted line break the fast reader stops on) is read whole as before, which names what is wrong.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Engine

from store import calendar, dossier_data
from store.ingest import arrow_cells, reading
from store.ingest.columns import data_columns
from store.ingest.kind import Context, Kind
from store.ingest.problems import SHOWN_PER_PROBLEM, Collector, thousands

CHUNK_ROWS = 200_000
CHUNK_BYTES = 20 << 20  # about 200,000 dossier rows


class StreamCollector(Collector):
    """A collector whose rows are told slice by slice: the rows of one problem in one column are gathered over
    every slice, the first ten named and the rest counted, as for a file read whole."""

    def __init__(self, file: str, header_row: int = 1):
        super().__init__(file, None, header_row)
        self._groups: dict = {}

    def rows(self, mask, column, message, values=None) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return

        def text(pos):
            if not callable(message):
                return message
            return message(values.iloc[pos] if isinstance(values, pd.Series) else values[pos])

        key = (column, message if isinstance(message, str) else getattr(message, "__code__", message))
        group = self._groups.setdefault(key, {"column": column, "shown": [], "count": 0, "first": None})
        if group["first"] is None:
            group["first"] = text(positions[0])
        for pos in positions[:max(0, SHOWN_PER_PROBLEM - len(group["shown"]))]:
            group["shown"].append((text(pos), self.row_of(pos)))
        group["count"] += len(positions)

    def counted(self, column: str, shown: list[tuple[str, int]], count: int) -> None:
        """Rows found by a query over the whole file: the first ten (text, row) and how many in all."""
        if not count:
            return
        for text, row in shown[:SHOWN_PER_PROBLEM]:
            self.add(text, row=row, column=column)
        if count > SHOWN_PER_PROBLEM:
            self.add(f"… và {thousands(count - SHOWN_PER_PROBLEM)} dòng khác cùng lỗi ({shown[0][0]})", column=column)

    def settle(self) -> None:
        for group in self._groups.values():
            self.counted(group["column"], group["shown"], group["count"])
        self._groups = {}

    def raise_if_any(self) -> None:
        self.settle()
        super().raise_if_any()


@dataclass
class Staged:
    """A dossier file checked cell by cell and staged as its dataset's folder (``dossier_data.DatasetWriter``):
    the dataset's columns and ``_row``, the sheet's row number. Stands for the typed frame of a file read whole."""

    path: Path
    rows: int
    headers: dict[str, str] = field(default_factory=dict)  # field → its header as the file writes it

    def __len__(self) -> int:
        return self.rows

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    @property
    def source(self) -> str:
        return f"read_parquet({dossier_data.quoted(self.path / '**' / '*.parquet')}, hive_partitioning = false)"


def _ahead(slices):
    """The slices of ``slices``, the next one read by a thread of its own while this one is checked (what reading
    raises is raised here, in its turn); stops reading when the consumer stops."""
    import queue
    import threading

    found: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def offer(item) -> bool:
        """``item`` handed over, unless the consumer stopped first."""
        while not stop.is_set():
            try:
                found.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in slices:
                if not offer((item, None)):
                    return
            offer((end, None))
        except BaseException as err:  # noqa: BLE001 - raised in the consumer's thread
            offer((end, err))

    thread = threading.Thread(target=read, name="dossier-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, err = found.get()
            if err is not None:
                raise err
            if item is end:
                return
            yield item
    finally:
        stop.set()
        thread.join()


# --- Reading slices ----------------------------------------------------------------------------------------------


def _csv_head(path: Path, kinds) -> tuple[list[str], str, int, int, int] | None:
    """Headers, separator, where the rows start, the header's (last) position and the rows it takes, for a UTF-8
    CSV this path reads; None when the file must be read whole."""
    source, start, notes = reading._decoded(path, path.name, kinds)
    if not isinstance(source, Path) or notes:
        return None
    with open(path, "rb") as fh:
        fh.seek(start)
        head = reading._records(fh, reading.HEADER_WITHIN)
    try:
        lines = [r.decode("utf-8") for r, _ in head]
    except UnicodeDecodeError:
        return None
    if not "".join(lines).strip():
        return None
    sep, found = reading._separator(lines, kinds)
    if found is None:
        return None
    rows = reading._split(lines, sep)
    headers, taken = reading.header_rows(rows, found, kinds)
    last = found + taken - 1  # the header's last row
    if last + 1 < len(rows) and reading.form_line(rows[last + 1], first=True) or _form_tail(path, sep):
        return None  # a report form's own lines: the whole reader leaves them out, naming them
    return headers, sep, head[last][1], last, taken


_TAIL_BYTES = 64 << 10


def _form_tail(path: Path, sep: str) -> bool:
    """Whether the file's last lines hold a report form's own (totals, a note, the signatures), as a CSV saved
    from a form keeps them."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - _TAIL_BYTES))
        tail = fh.read()
    lines = tail.decode("utf-8", errors="replace").splitlines()[1 if size > _TAIL_BYTES else 0:]
    return any(reading.form_line(cells) for cells in reading._split(lines[-reading.HEADER_WITHIN:], sep))


def _without_blank_tail(last: bytes) -> bytes:
    """The file's last block without the empty lines that end it (a habit, not a problem): the reader refuses
    any other empty line (``_csv_slices``). A line of spaces is a row, and an empty one (``_holds``)."""
    end = len(last)
    while end:
        start = last.rfind(b"\n", 0, end - 1) + 1  # where the last line left starts
        if last[start:end].strip(b"\r\n"):
            break
        end = start
    return last[:end]


def _blocks(fh, size: int, sep: str = ","):
    """The rows of a CSV in blocks of about ``size`` bytes, each cut after a whole record (a line break outside
    quotes: a quoted cell may hold one); the last without its blank lines. A cell whose quote never closes makes
    the file one to read whole (``_Whole``), where it is named, rather than one block of all the rest."""
    rest, ready = b"", None
    while True:
        block = fh.read(size)
        if not block:
            last = _without_blank_tail((ready or b"") + rest)
            if b'"' in last and reading.quotes_in_doubt(last, sep) and reading.quote_scan(last, sep)[1] is not None:
                raise _Whole()
            if last:
                yield last
            return
        buf = rest + block
        cut = _record_end(buf, sep)
        if cut < 0:
            if len(buf) > RECORD_BYTES:
                raise _Whole()
            rest = buf
            continue
        if ready is not None:
            yield ready
        ready, rest = buf[:cut + 1], buf[cut + 1:]


RECORD_BYTES = 16 * CHUNK_BYTES  # no dossier's record is this long: a quote that opens one and never closes


def _record_end(buf: bytes, sep: str) -> int:
    """Where the last whole record of ``buf`` (which starts with one) ends: its line break's position, -1 if none.
    Quotes in pairs at cells' edges all close (a quick search first: most exports quote nothing); otherwise
    (``reading.quotes_in_doubt``) they are followed one by one, as the parser reads them (``reading.quote_scan``)."""
    cut = buf.rfind(b"\n")
    if cut < 0 or b'"' not in buf:
        return cut
    if not reading.quotes_in_doubt(buf, sep, end=cut):
        return cut
    return reading.quote_scan(buf, sep)[0]


def _csv_slices(path: Path, headers: list[str], sep: str, body_at: int, found: int, few: set[str]):
    """Slices of rows as Arrow text columns, with their sheet row numbers; rows with no value left out. Each
    block is parsed on its own: Arrow's streaming reader reads ahead and held over a gigabyte on a 10 M-row
    file; a block at a time holds one block. A blank line between rows is refused by the parser (it would
    otherwise skip it, and name every later row one too high), and the file is then read whole (``_Whole``).
    The columns of ``few`` values are read as dictionaries (each distinct cell once, by Arrow's own threads)."""
    import pyarrow.csv as pacsv

    names = [str(j) for j in range(len(headers))]
    options = dict(read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
                   parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
                   convert_options=pacsv.ConvertOptions(column_types={n: _FEW if h in few else pa.string()
                                                                      for n, h in zip(names, headers)},
                                                        strings_can_be_null=False, quoted_strings_can_be_null=False))
    number = found + 2
    kept = data_columns(headers)  # a row number alone: an empty row
    with open(path, "rb") as fh:
        fh.seek(body_at)
        for block in _blocks(fh, CHUNK_BYTES, sep):
            data = pacsv.read_csv(pa.py_buffer(block), **options)
            del block
            numbers = np.arange(number, number + data.num_rows)
            number += data.num_rows
            filled = _filled(data, kept)
            if not filled.all():
                data, numbers = data.filter(pa.array(filled)), numbers[filled]
            if _header_again(data, headers):
                raise _Whole()  # the whole reader leaves it out, naming it
            yield data, numbers


# A first cell that may begin a form's own line among the rows: a month's totals («Tổng cộng», «Cộng»), a group's
# name («I. Khối sở», «Khối huyện»). Lower case, as written.
_FORM_LINE_START = r"^(?:tổng|cộng|total|grand total|(?:[ivx]+|[a-z])\s*[.)]\s*\S|khối|nhóm|khu vực|cấp )"


def _header_again(data: pa.Table, headers: list[str]) -> bool:
    """Whether a row of the slice may repeat the header (exports joined end to end) or be a form's own line among
    the rows (``_FORM_LINE_START``): its first column's cell is the header's, whatever its case, or begins so (the
    whole reader then decides, by every cell; read here, such a line had been refused as a dossier missing its
    cells, where a workbook's was left out)."""
    j = next((j for j, h in enumerate(headers) if h.strip()), None)
    if j is None:
        return False
    header = unicodedata.normalize("NFC", headers[j].strip()).lower()
    for chunk in data.column(j).chunks:  # of a column of few values, its distinct cells
        cells = arrow_cells.text(chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk)
        if cells is None or not len(cells):
            continue
        lower = pc.utf8_lower(cells)
        if pc.any(pc.or_(pc.equal(lower, header), pc.match_substring_regex(lower, _FORM_LINE_START))).as_py():
            return True
        # a second file's header after its byte-order mark: two exports joined by «copy /b a.csv+b.csv»
        if pc.any(pc.starts_with(lower, "\ufeff")).as_py():
            return True
    return False


def _filled(data: pa.Table, columns=None) -> np.ndarray:
    """Which rows hold a value in any of ``columns`` (all by default): a cell neither empty text nor null. The
    first column is asked of every row, the others only of the rows it leaves empty (of a dossier file, hardly
    any)."""
    columns = list(range(data.num_columns) if columns is None else columns)
    if not columns:
        return np.zeros(data.num_rows, dtype=bool)
    filled = _holds(data.column(columns[0]))
    empty = np.flatnonzero(~filled)
    if len(empty) and len(columns) > 1:
        rest = data.select(columns[1:]).take(pa.array(empty))
        for j in range(rest.num_columns):
            filled[empty] |= _holds(rest.column(j))
    return filled


def _holds(column: pa.ChunkedArray) -> np.ndarray:
    """Which cells hold a value: not null, and of text, not empty nor spaces alone (a row of spaces is an empty
    row, as a workbook's is)."""
    if pa.types.is_dictionary(column.type):  # each distinct word asked once
        column = column.unify_dictionaries() if isinstance(column, pa.ChunkedArray) else column
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        return np.concatenate([_holds(pa.chunked_array([c.dictionary]))[np.asarray(c.indices.fill_null(0))]
                               & np.asarray(c.is_valid()) for c in chunks]) if chunks else np.zeros(0, bool)
    held = pc.is_valid(column)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
        text = pc.fill_null(column, "")
        held = pc.and_(held, pc.and_(pc.not_equal(text, ""), pc.invert(pc.utf8_is_space(text))))
    return np.asarray(held.to_numpy(zero_copy_only=False), dtype=bool)


class _Whole(Exception):
    """The file must be read whole (the fast reader could not read it as it is)."""


class Landed(Exception):
    """The file's bytes were found landed already while it was being read: reading stopped, nothing kept."""


def _stray(name: str, headers: list[str], data: pa.Table, numbers: np.ndarray) -> None:
    from openpyxl.utils import get_column_letter

    from store.ingest.problems import IngestError, Problem

    for j, header in enumerate(headers):
        used = np.flatnonzero(_filled(data, [j])) if not header else ()
        if len(used):
            raise IngestError([Problem(name, f"cột {get_column_letter(j + 1)} có dữ liệu nhưng không có tiêu đề",
                                       int(numbers[used[0]]), get_column_letter(j + 1))])


# --- Checking a file ---------------------------------------------------------------------------------------------


def headers_of(path: Path, kinds) -> tuple[list[str], int, int] | None:
    """A file's headers, header row (its last) and the rows the header takes, when this path can read it (None:
    read it whole)."""
    suffix = path.suffix.lower()
    reading.same_as_named(path)
    if suffix == ".parquet":
        try:
            return list(pq.ParquetFile(path).schema_arrow.names), 1, 1
        except Exception:  # noqa: BLE001 - a malformed file: the whole reader says what is wrong
            return None
    if suffix in reading.TEXT_SUFFIXES:
        head = _csv_head(path, kinds)
        if head is None:
            return None
        _HEADS.clear()
        _HEADS[path] = head  # for stage(), which follows: the head read once
        return head[0], head[3] + 1, head[4]
    return None


_HEADS: dict[Path, tuple] = {}


def stage(engine: Engine, path: Path, kind: Kind, kinds, out: StreamCollector,
          landed: Callable[[], bool] | None = None) -> Staged | None:
    """Parse and check every cell of ``path`` slice by slice, staging the typed rows; problems gathered in
    ``out``. None when the file must be read whole. ``landed`` is asked between slices whether the file's bytes
    are found landed already (its digest is worked out meanwhile): then ``Landed`` is raised, nothing kept."""
    from store.ingest import _header_map

    suffix = path.suffix.lower()
    if suffix in reading.TEXT_SUFFIXES:
        head = _HEADS.pop(path, None) or _csv_head(path, kinds)
        if head is None:
            return None
        headers, sep, body_at, found, _ = head
        keep = [j for j, h in enumerate(headers) if h]
    else:
        schema = pq.ParquetFile(path).schema_arrow
        reading.parquet_types(path.name, schema)
        headers, found = list(schema.names), 0
        keep = list(range(len(headers)))
    written = [headers[j] for j in keep]
    mapping = _header_map(kind, written, out)
    out.raise_if_any()
    by_field = {v: k for k, v in mapping.items()}
    if suffix not in reading.TEXT_SUFFIXES:
        _warn_numeric_codes(schema, kind, by_field, out)
    position = {headers[j]: j for j in keep}
    few = {h for f, h in by_field.items() if f not in _MANY}  # the headers of the columns of few values
    if suffix in reading.TEXT_SUFFIXES:
        slices = _csv_slices(path, headers, sep, body_at, found, few)
    else:
        slices = _parquet_slices(path, few)
    writer = dossier_data.DatasetWriter(engine, background=True)
    try:
        try:
            for data, numbers in _ahead(slices):
                if landed is not None and landed():
                    raise Landed()
                if suffix in reading.TEXT_SUFFIXES:
                    _stray(path.name, headers, data, numbers)
                table = _typed(kind, data, numbers, position, by_field, out)
                if table.num_rows:
                    writer.write(table)
            writer.close()
        except (pa.ArrowInvalid, UnicodeDecodeError) as err:
            raise _Whole() from err
    except _Whole:
        writer.discard()
        out.problems.clear()
        out._groups = {}
        return None
    except BaseException:
        writer.discard()
        raise
    return _checked_whole(engine, writer, by_field, kind, out)


def _checked_whole(engine: Engine, writer: dossier_data.DatasetWriter, by_field: dict, kind: Kind,
                   out: StreamCollector) -> Staged:
    """The rows ``writer`` staged, with the checks of the file as a whole that need every row."""
    # Arrow's allocator keeps the slices' freed memory for later slices; none follow, and DuckDB's queries next
    # would stack their own on it (10 M dossiers from Parquet: a peak of 0.91 GB, 0.67 GB with it given back).
    pa.default_memory_pool().release_unused()
    rows = writer.rows
    result = Staged(writer.folder, rows, by_field)
    try:
        if not rows:
            out.add("tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào", row=out.header_row)
        else:
            _repeated_keys(engine, result, kind, out)
        out.raise_if_any()
    except BaseException:
        result.discard()
        raise
    return result


def stage_parts(engine: Engine, kind: Kind, parts: Iterator[reading.Sheet], by_field: dict, out: StreamCollector,
                landed: Callable[[], bool] | None = None) -> Staged:
    """A workbook's dossiers typed part by part (``reading.read_parts``: the cells as a workbook holds them, read by
    the typed columns as a workbook read whole is) and staged as a streamed file's; ``by_field``: the header of each
    field. A sheet of a million dossiers had been held whole, about 2 GB, as Python's objects."""
    writer = dossier_data.DatasetWriter(engine, background=True)
    try:
        for part in parts:
            if landed is not None and landed():
                raise Landed()
            if len(part.frame):
                writer.write(_typed_part(kind, part, by_field, out))
        writer.close()
    except BaseException:
        writer.discard()
        raise
    return _checked_whole(engine, writer, by_field, kind, out)


def _typed_part(kind: Kind, part: reading.Sheet, by_field: dict, out: StreamCollector) -> pa.Table:
    """A part's rows typed as the dataset holds them, with ``_row``."""
    out.numbers = part.numbers
    frame = _parsed(kind, lambda f: part.frame[by_field[f]] if f in by_field else None, part.frame.index, out)
    return dossier_data.frame_table(frame).append_column("_row", pa.array(part.numbers, pa.int64()))


def _parsed(kind: Kind, raw_of: Callable[[str], pd.Series | None], index: pd.Index, out: StreamCollector) -> pd.DataFrame:
    """Rows read by the typed columns, which say what is wrong with a cell; ``raw_of``: a field's cells as the file
    holds them, None for a column the file leaves out."""
    frame = pd.DataFrame(index=index)
    for col in kind.columns:
        raw = raw_of(col.field)
        if raw is None and getattr(col, "unknown_if_absent", False):
            frame[col.field] = col.absent(index)
            continue
        frame[col.field] = col.parse(raw if raw is not None else pd.Series([""] * len(index), index=index, dtype="str"),
                                     out)
    frame["supplements"] = frame["supplements"].fillna(0)
    return frame


def _warn_numeric_codes(schema: pa.Schema, kind: Kind, by_field: dict, out: StreamCollector) -> None:
    """A code column that the file holds as numbers (0012 → 12): said once, for the whole column."""
    from store.ingest.columns import CODE_COLUMN_OF_NUMBERS

    for col in kind.columns:
        header = by_field.get(col.field)
        if col.code and header in schema.names:
            kind_of = schema.field(header).type
            if pa.types.is_integer(kind_of) or pa.types.is_floating(kind_of) or pa.types.is_decimal(kind_of):
                out.warn(CODE_COLUMN_OF_NUMBERS, col.header)


def _parquet_slices(path: Path, few: set[str]):
    """Slices of a Parquet file's rows, with their sheet row numbers (the header is row 1); the columns of
    ``few`` values read as dictionaries; rows with no value left out, as a sheet's empty rows are. A file whose
    pages cannot be read (damaged, cut short) is refused."""
    from store.ingest.problems import IngestError, Problem

    number = 2
    source = pq.ParquetFile(path, read_dictionary=list(few))
    kept = data_columns(source.schema_arrow.names)  # a row number alone: an empty row
    batches = source.iter_batches(batch_size=CHUNK_ROWS)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except pa.ArrowInvalid:
            raise
        except (OSError, pa.ArrowException) as err:
            # no row named: the reader reads ahead, and the rows before the damage cannot be told exactly
            raise IngestError([Problem(path.name, f"tệp Parquet hỏng, không đọc được: {err}")]) from None
        data, numbers = pa.Table.from_batches([batch]), np.arange(number, number + batch.num_rows)
        number += batch.num_rows
        filled = _filled(data, kept)
        if not filled.all():
            data, numbers = data.filter(pa.array(filled)), numbers[filled]
        yield data, numbers


# Every field of a dossier but its own code takes few values (units, procedures, dates, words of a list, counts):
# those columns are read as dictionaries, each distinct cell decoded and checked once.
_MANY = {"code"}
_FEW = pa.dictionary(pa.int32(), pa.string())


def _plain(data: pa.Table) -> pa.Table:
    """``data`` with its dictionary columns as plain ones (for the typed columns, which read pandas text)."""
    for j, column in enumerate(data.columns):
        if pa.types.is_dictionary(column.type):
            data = data.set_column(j, data.field(j).name, column.cast(column.type.value_type))
    return data


def _whole(column: pa.ChunkedArray) -> pa.Array:
    """A column as one array: a column of one chunk (a Parquet batch's) as it is, since joining copies it, and
    a dictionary column's chunks under one dictionary."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _typed(kind: Kind, data: pa.Table, numbers: np.ndarray, position: dict, by_field: dict,
           out: StreamCollector) -> pa.Table:
    """A slice's rows typed as the dataset holds them, with ``_row``. Clean cells are read by Arrow compute
    (store.ingest.arrow_cells); rows with any other cell are read by the typed columns, which say what is wrong
    with them or read them as people write (1.234, 5/11/2024, «co»)."""
    n = data.num_rows
    cells = {f: _whole(data.column(position[h])) for f, h in by_field.items() if h in position}
    absent = {c.field for c in kind.columns if c.field not in cells and getattr(c, "unknown_if_absent", False)}
    values, unsure = arrow_cells.read([c for c in kind.columns if c.field not in absent], cells, n)
    parts = []
    if not unsure.any():  # every cell read by Arrow, as in nearly every slice: nothing to filter
        parts.append(_table(values, n).append_column("_row", pa.array(numbers)))
    elif not unsure.all():
        sure = pa.array(~unsure)
        arrays = {f: v.filter(sure) for f, v in values.items()}
        parts.append(_table(arrays, int((~unsure).sum())).append_column("_row", pa.array(numbers[~unsure])))
    if unsure.any():
        rows = np.flatnonzero(unsure)
        some = _plain(data.take(pa.array(rows))).to_pandas(ignore_metadata=True)  # the columns as they are
        some.columns = range(data.num_columns)
        out.numbers = numbers[rows]
        frame = _parsed(kind, lambda f: some[position[by_field[f]]] if f in cells else None, some.index, out)
        parts.append(dossier_data.frame_table(frame).append_column("_row", pa.array(numbers[rows], pa.int64())))
    if len(parts) > 1:  # rows read by Arrow (columns of few values as dictionaries) and by the typed columns
        parts = [dossier_data.handed(part) for part in parts]
    table = pa.concat_tables(parts) if len(parts) > 1 else parts[0] if parts else None
    if table is None:
        return pa.table({f.name: pa.array([], f.type) for f in dossier_data.SCHEMA}).append_column(
            "_row", pa.array([], pa.int64()))
    if len(parts) > 1:  # in the file's order, as a file read whole
        table = table.take(pc.sort_indices(table["_row"]))
    return table


def _table(arrays: dict[str, pa.Array], n: int) -> pa.Table:
    """Typed columns by field as a table of the dataset's schema (``dossier_data.frame_table`` for Arrow)."""
    columns = []
    for f in dossier_data.SCHEMA:
        values = arrays.get(dossier_data.FIELD_OF.get(f.name, f.name))
        if values is None:  # a column the file may leave out: unknown
            values = pa.nulls(n, f.type)
        if f.name in dossier_data.FEW and pa.types.is_dictionary(values.type):
            values = values if values.type.value_type == f.type else values.cast(pa.dictionary(pa.int32(), f.type))
        else:
            values = values.cast(f.type)
        if pa.types.is_integer(f.type):
            values = values.fill_null(0)
        columns.append(values)
    return pa.Table.from_arrays(columns, names=dossier_data.SCHEMA.names)


def stage_frame(engine: Engine, frame: pd.DataFrame, numbers: np.ndarray | None = None) -> Staged:
    """The typed rows of a dossier file read whole (a workbook, a converted encoding, a form) staged on disk as a
    streamed file's are, with their sheet row numbers if known: several files of one command wait for their
    transaction on disk, not in memory, and are checked by the same queries."""
    table = dossier_data.frame_table(frame)
    if numbers is not None:
        table = table.append_column("_row", pa.array(np.asarray(numbers), pa.int64()))
    return Staged(dossier_data.write_dataset(engine, table), len(frame))


def _repeated_keys(engine: Engine, staged: Staged, kind: Kind, out: StreamCollector) -> None:
    names = ", ".join(c.header for c in kind.columns if c.field in kind.key)
    column = staged.headers.get(kind.key[0], kind.key[0])
    keyed = f"FROM {staged.source} WHERE unit <> '' AND code <> ''"
    with dossier_data.duck(engine) as con:
        # every row of a key but its first is named: n - 1 of a key's n rows (a row's number is its own). The
        # keys' 64-bit hashes first, a grouping of numbers rather than of two texts: as many distinct hashes as
        # keys proves no key repeated, in any letters' case; only when some hash repeats (a repeated key, a code
        # written again in other letters' case, or two keys of one hash) are the keys themselves grouped, and
        # then the rows named
        if not con.execute(f"SELECT count(*) - count(DISTINCT hash(unit, lower(code))) {keyed}").fetchone()[0]:
            return
        count = con.execute(f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n {keyed} GROUP BY unit, code "
                            f"HAVING count(*) > 1)").fetchone()[0]
        shown = [] if not count else con.execute(
            f"WITH k AS (SELECT unit, code, min(_row) AS first {keyed} GROUP BY unit, code HAVING count(*) > 1) "
            f"SELECT s._row, k.first FROM {staged.source} s JOIN k USING (unit, code) "
            f"WHERE s._row <> k.first ORDER BY s._row LIMIT {SHOWN_PER_PROBLEM}").fetchall()
        _cased(con, staged, kind, out)
    out.counted(column, [(f"trùng khóa ({names}) với dòng {first}", row) for row, first in shown], int(count))


def cased_codes(engine: Engine, staged: Staged, kind: Kind, out: Collector) -> None:
    """The dossier codes a file read whole (its keys found once each already) gives again in other letters' case."""
    keyed = f"FROM {staged.source} WHERE unit <> '' AND code <> ''"
    with dossier_data.duck(engine) as con:
        if con.execute(f"SELECT count(*) - count(DISTINCT hash(unit, lower(code))) {keyed}").fetchone()[0]:
            _cased(con, staged, kind, out)


def _cased(con, staged: Staged, kind: Kind, out: Collector) -> None:
    """A one-stop system's code in other letters' case beside its first row («h2024…» after «H2024…», one unit):
    the same dossier written twice, which had been counted twice."""
    def variants(what: str) -> str:  # each row of a folded code whose code is not its first row's
        return (f"WITH k AS (SELECT unit, lower(code) AS folded, min(_row) AS first FROM {staged.source} WHERE "
                f"unit <> '' AND code <> '' GROUP BY unit, lower(code) HAVING count(DISTINCT code) > 1), "
                f"f AS (SELECT s.unit, lower(s.code) AS folded, s.code, k.first FROM {staged.source} s JOIN k ON "
                f"s.unit = k.unit AND lower(s.code) = k.folded AND s._row = k.first) SELECT {what} FROM "
                f"{staged.source} s JOIN f ON s.unit = f.unit AND lower(s.code) = f.folded WHERE s.code <> f.code")

    count = con.execute(variants("count(*)")).fetchone()[0]
    if not count:
        return
    said = con.execute(variants("s._row, s.code, f.code, f.first") + f" ORDER BY s._row LIMIT {SHOWN_PER_PROBLEM}"
                       ).fetchall()
    StreamCollector.counted(out, staged.headers.get("code", next(c.header for c in kind.columns if c.field == "code")),
                            [(f"mã hồ sơ «{code}» trùng mã «{other}» ở dòng {first} (chỉ khác chữ hoa, chữ thường): "
                              "một hồ sơ ghi hai lần; ghi đúng một mã", row) for row, code, other, first in said],
                            int(count))


def _rows(con, staged: Staged, out: Collector, where: str, column: str, message, value: str = "NULL",
          count: int | None = None) -> None:
    """The rows of ``where`` (``count`` of them when already counted): the first ten named, the rest counted."""
    if count is None:
        count = con.execute(f"SELECT count(*) FROM {staged.source} WHERE {where}").fetchone()[0]
    if not count:
        return
    found = con.execute(f"SELECT _row, {value} FROM {staged.source} WHERE {where} ORDER BY _row "
                        f"LIMIT {SHOWN_PER_PROBLEM}").fetchall()
    texts = [((message(v) if callable(message) else message), row) for row, v in found]
    StreamCollector.counted(out, column, texts, count)


def _tomorrow():
    from datetime import timedelta

    from store.ingest.columns import today

    return today() + timedelta(days=1)


def _received_outside(first, last) -> str:
    return f"received < DATE '{first}' OR received > DATE '{last}'"


def _years_window() -> str:
    return _received_outside(*calendar.days_of_years())


def _window(year: int) -> str:
    window = calendar.year_window(year)
    return _received_outside(window.start, window.end)


FARTHEST_DUE = 366  # days from receipt: a bound of this system on a slip, far above any procedure's time


def _in_other_years(ctx: Context, con, staged: Staged, out: Collector, year: int) -> None:
    """Dossiers the years before and after already hold (a unit's code, in any letters' case), received on another
    day that moved them across the years' boundary (14/12): each year counts its own, so such a dossier is counted
    in both. Said, naming the rows and the batch holding the other: the later version does not replace the earlier
    across years."""
    with ctx.reading() as s:
        others = [(y, b, p) for y in (year - 1, year + 1) for b, p in dossier_data.datasets_of(s, y)]
    if not others:
        return
    parts = []
    for y, b, p in others:
        try:
            parts.append(f"SELECT unit, lower(code) AS folded, received, {int(y)} AS year, {int(b)} AS batch_id FROM "
                         f"read_parquet({dossier_data.files_of(ctx.engine, p)}, hive_partitioning = false)")
        except dossier_data.DatasetMissing:  # that year's next import says so; this file is not its
            continue
    if not parts:
        return
    # a dossier re-sent within that year is one dossier there: its latest version, with the batch holding it
    held = (f"SELECT unit, folded, year, max(batch_id) AS batch_id, arg_max(received, batch_id) AS received FROM "
            f"({' UNION ALL '.join(parts)}) GROUP BY unit, folded, year")
    found = con.execute(
        f"SELECT e.year, e.batch_id, count(*), list(s._row ORDER BY s._row)[1:{SHOWN_PER_PROBLEM}], "
        f"arg_min(s.code, s._row), arg_min(e.received, s._row) FROM {staged.source} s JOIN ({held}) e "
        f"ON s.unit = e.unit AND lower(s.code) = e.folded GROUP BY e.year, e.batch_id ORDER BY e.year, e.batch_id"
    ).fetchall()
    for other, batch, count, rows, code, received in found:
        more = f" và {thousands(count - len(rows))} dòng khác" if count > len(rows) else ""
        out.warn(f"dòng {', '.join(map(str, rows))}{more}: {thousands(count)} hồ sơ đã có trong dữ liệu năm {other} "
                 f"(lô #{batch}) với ngày tiếp nhận khác (như «{code}», đã ghi ngày {received:%d/%m/%Y}): mỗi năm tính "
                 "hồ sơ của mình nên hồ sơ này được tính ở cả hai năm; xem lại ngày tiếp nhận", "Mã hồ sơ")


def check(ctx: Context, staged: Staged, out: Collector) -> None:
    """The checks of a dossier file against itself and the store, asked of its staged rows (a file read whole, or
    a table built in memory, is staged first): every condition counted in one pass, the rows of those that hold
    then named in the file's order."""
    tomorrow = _tomorrow()
    asked = {"unit": "unit <> '' AND unit NOT IN (SELECT code FROM known_units)",
             "due": "due < received", "finished": "finished < received",
             # a due day years away (31/12/2099) makes a dossier never late: no procedure's time runs a year
             "due_far": f"due > received + INTERVAL {FARTHEST_DUE} DAY",
             "paid": "paid_online AND NOT has_fee", "e_result": "e_result AND finished IS NULL",
             # a day not yet come (a slip of the year: 10/12/2099): a day after tomorrow, wherever the file was made
             "received_later": f"received > DATE '{tomorrow}'", "finished_later": f"finished > DATE '{tomorrow}'"}
    if ctx.year:
        asked["window"] = _window(ctx.year)
    with dossier_data.duck(ctx.engine) as con:
        known = pd.DataFrame({"code": list(ctx.units)}, dtype=object)
        con.register("known_units", known)
        counts = ", ".join(f"count(*) FILTER (WHERE {where})" for where in asked.values())
        n, first, last, *found = con.execute(f"SELECT count(received), min(received), max(received), {counts} "
                                             f"FROM {staged.source}").fetchone()
        found = dict(zip(asked, found))
        _rows(con, staged, out, asked["unit"], "Mã đơn vị", ctx.unknown_unit(), "unit", found["unit"])
        if n:
            year = ctx.year
            if not year:
                middle = con.execute(f"SELECT received FROM {staged.source} WHERE received IS NOT NULL "
                                     f"ORDER BY received LIMIT 1 OFFSET {n // 2}").fetchone()[0]
                year = calendar.reporting_year_of(middle)
            ctx.found.update(year=year, first=first, last=last)
            if calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
                window = calendar.year_window(year)
                span = f"{window.start:%d/%m/%Y} – {window.end:%d/%m/%Y}"
                _rows(con, staged, out, _window(year), "Ngày tiếp nhận",
                      lambda v: f"ngày tiếp nhận {v:%d/%m/%Y} nằm ngoài kỳ dữ liệu năm {year} ({span})", "received",
                      found.get("window"))
            else:  # a year whose periods could not be read back: its rows are named
                _rows(con, staged, out, _years_window(), "Ngày tiếp nhận", calendar.beyond_years, "received")
            _in_other_years(ctx, con, staged, out, year)
        _rows(con, staged, out, asked["due"], "Ngày hẹn trả", "ngày hẹn trả trước ngày tiếp nhận",
              count=found["due"])
        _rows(con, staged, out, asked["due_far"], "Ngày hẹn trả",
              lambda v: f"ngày hẹn trả {v:%d/%m/%Y} quá {FARTHEST_DUE} ngày sau ngày tiếp nhận: hồ sơ như vậy không bao "
                        "giờ quá hạn; ngày có sai?", "due", found["due_far"])
        _rows(con, staged, out, asked["finished"], "Ngày có kết quả", "ngày có kết quả trước ngày tiếp nhận",
              count=found["finished"])
        for field, header in (("received", "Ngày tiếp nhận"), ("finished", "Ngày có kết quả")):
            _rows(con, staged, out, asked[f"{field}_later"], header,
                  lambda v, h=header: f"{h.lower()} {v:%d/%m/%Y} là ngày chưa đến", field, found[f"{field}_later"])
        _rows(con, staged, out, asked["paid"], "Thanh toán trực tuyến",
              "có thanh toán trực tuyến nhưng TTHC không có phí, lệ phí", count=found["paid"])
        _rows(con, staged, out, asked["e_result"], "Kết quả điện tử",
              "có kết quả điện tử nhưng hồ sơ chưa có ngày có kết quả", count=found["e_result"])
