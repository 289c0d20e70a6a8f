"""Cells read by Arrow compute when they are plainly what their column asks for: a code, a dd/mm/yyyy or
yyyy-mm-dd date, a word of a closed list, a whole number. A slice of millions of dossier cells is checked this
way in a few vectorised passes; a row with any cell this path is not sure of (a refusal, or a habit such as
«1.234» or «5/11/2024» that only the typed columns read) is marked, and the caller hands those rows to the
columns of ``store.ingest.columns``, which read them and word every refusal. The values this path returns
are those the columns would have returned for the same cells.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from store.ingest import hidden
from store.ingest.columns import (DECIMAL_COMMA, EXCEL_ERRORS, FIRST_DAY, IN_POWERS, LAST_DAY, MAX_CELL, MAX_NUMBER,
                                  MISSING_MARKS, TIME_OF_DAY, ZONED, Choice, Column, Day, Number, Text, word_key, zone_shift)

# What Python's str.strip() removes, as the typed columns strip cells: Arrow's own idea of white space differs.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_REPORTED = pa.array(sorted(EXCEL_ERRORS | MISSING_MARKS))
_LONGEST_REPORTED = max(len(v) for v in EXCEL_ERRORS | MISSING_MARKS)
_DMY = r"^\d{2}/\d{2}/\d{4}$"
_YMD = r"^\d{4}-\d{2}-\d{2}$"
_TIMED = r"^(?:\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})" + TIME_OF_DAY  # the day, then the time an export adds
_DASHED = r"^\d{2}[-.]\d{2}[-.]\d{4}$"  # 05-11-2024, and 05.11.2024 as some offices write it
# The years of the days any column takes; a date outside is left to the typed column, which refuses it.
_YEARS = (FIRST_DAY.year, LAST_DAY.year)
_DIGITS = r"^\d{1,15}$"  # under MAX_NUMBER: every such number is held exactly


def _strings(arr: pa.Array) -> pa.Array | None:
    if pa.types.is_large_string(arr.type) or pa.types.is_string_view(arr.type):
        arr = arr.cast(pa.string())
    if not pa.types.is_string(arr.type):
        return None
    return arr.fill_null("") if arr.null_count else arr


def text(arr: pa.Array) -> pa.Array | None:
    """Cells as ``columns.as_text`` gives them (stripped, NFC); None when they are not text."""
    arr = _strings(arr)
    if arr is None:
        return None
    arr = pc.utf8_trim(arr, characters=WHITESPACE)
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        arr = pc.utf8_normalize(arr, "NFC")
    return arr


def _all(n: int, value: bool) -> np.ndarray:
    return np.full(n, value, dtype=bool)


def _mask(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, True).to_numpy(zero_copy_only=False), dtype=bool)


def _text(col: Column, arr: pa.Array) -> tuple[pa.Array | None, np.ndarray]:
    cells = text(arr)
    if cells is None:
        return None, _all(len(arr), True)
    limit = col.limit or MAX_CELL
    lengths = pc.utf8_length(cells)
    bad = pc.greater(lengths, limit)
    short = pc.less_equal(lengths, _LONGEST_REPORTED)
    if pc.any(short).as_py():  # an Excel error or NA is a few letters: codes longer than that are not looked up
        bad = pc.or_(bad, pc.and_(short, pc.is_in(cells, value_set=_REPORTED)))
    if col.required:
        bad = pc.or_(bad, pc.equal(cells, ""))
    if _may_hide(cells, col.code):
        bad = pc.or_(bad, pc.match_substring_regex(cells, hidden.IN_CODE_RE2 if col.code else hidden.IN_TEXT_RE2))
    held = _bytes_of(cells) if col.code else b""
    if b"+" in held:  # a code Excel wrote in powers of ten («1.004E+12»)
        bad = pc.or_(bad, pc.match_substring_regex(cells, IN_POWERS))
    if b"," in held:  # «1,004037», a code Excel saved with a decimal comma: read there
        bad = pc.or_(bad, pc.match_substring_regex(cells, DECIMAL_COMMA))
    if b"'" in held or b"=" in held:  # «'0012», «="0012"»: unwrapped there
        bad = pc.or_(bad, pc.or_(pc.starts_with(cells, "'"), pc.starts_with(cells, "=")))
    return cells, _mask(bad)


def _bytes_of(cells: pa.Array) -> bytes:
    """The text of ``cells`` as one string of bytes (a copy: a sign is then looked for in all of them at once, by
    the C library's search of a byte, 25 times quicker than a pattern over the buffer and 100 times quicker than
    Arrow's search cell by cell); of a slice, those of the array it was cut from, which may hold more."""
    data = cells.buffers()[2]
    return b"" if data is None else data.to_pybytes()


def _may_hide(cells: pa.Array, code: bool) -> bool:
    data = cells.buffers()[2]
    return data is not None and hidden.may_hide(np.frombuffer(data, dtype=np.uint8), code)


def _day(col: Day, arr: pa.Array) -> tuple[pa.Array | None, np.ndarray]:
    n = len(arr)
    if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:  # a moment with its zone: its day in Vietnam
        arr = pc.local_timestamp(arr.cast(pa.timestamp(arr.type.unit, "+07:00")))
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        days = pc.cast(arr, pa.date32(), safe=False)  # the time of day dropped, as the column does
        years = pc.year(days)
        bad = pc.fill_null(pc.or_(pc.less(years, _YEARS[0]), pc.greater(years, _YEARS[1])), False)
        if col.required:
            bad = pc.or_(bad, pc.is_null(days))
        return days, _mask(bad)
    cells = text(arr)
    if cells is None:
        return None, _all(n, True)
    blank = pc.equal(cells, "")
    shift = _zone_seconds(cells)
    cells = _day_alone(cells)
    dmy = pc.match_substring_regex(cells, _DMY)
    ymd = pc.match_substring_regex(cells, _YMD)
    stamps = pc.if_else(dmy, pc.strptime(cells, format="%d/%m/%Y", unit="s", error_is_null=True),
                        pc.strptime(cells, format="%Y-%m-%d", unit="s", error_is_null=True))
    stamps = pc.if_else(pc.or_(dmy, ymd), stamps, pa.scalar(None, stamps.type))
    # Arrow carries 31/02 over to 02/03; the day written must be the day read.
    written = pc.if_else(dmy, pc.utf8_slice_codeunits(cells, 0, 2), pc.utf8_slice_codeunits(cells, 8, 10))
    same_day = pc.equal(pc.day(stamps), pc.cast(pc.if_else(pc.or_(dmy, ymd), written, "0"), pa.int64()))
    years = pc.year(stamps)
    fine = pc.and_(same_day, pc.and_(pc.greater_equal(years, _YEARS[0]), pc.less_equal(years, _YEARS[1])))
    fine = pc.fill_null(fine, False)
    bad = pc.invert(pc.or_(fine, blank)) if not col.required else pc.invert(fine)
    if shift is not None:
        stamps = pc.add(stamps, shift)
    days = pc.if_else(fine, stamps, pa.scalar(None, stamps.type)).cast(pa.date32())
    return days, _mask(bad)


def _zone_seconds(cells: pa.Array) -> pa.Array | None:
    """Per cell, the time its zone moves it to Vietnam's day (whole days); None when no cell is written with a
    zone."""
    if b":" not in _bytes_of(cells):  # days without a time, as most files write them: nothing to look for
        return None
    parts = pc.extract_regex(cells, ZONED)
    if parts.null_count == len(parts):
        return None
    number = {k: pc.cast(pc.fill_null(pc.if_else(pc.equal(parts.field(k), ""), "0", parts.field(k)), "0"),
                         pa.int64()).to_numpy(zero_copy_only=False) for k in ("h", "m", "oh", "om")}
    sign = pc.fill_null(parts.field("sign"), "").to_numpy(zero_copy_only=False)
    days = np.where(parts.is_valid().to_numpy(zero_copy_only=False),
                    zone_shift(number["h"], number["m"], sign, number["oh"], number["om"]), 0)
    return pa.array(days * 86_400, pa.int64()).cast(pa.duration("s"))


def _day_alone(cells: pa.Array) -> pa.Array:
    """Days as dd/mm/yyyy or yyyy-mm-dd: a time of day after them dropped, dd-mm-yyyy and dd.mm.yyyy written with
    slashes."""
    timed = pc.match_substring_regex(cells, _TIMED)
    if pc.any(timed).as_py():
        cells = pc.if_else(timed, pc.utf8_slice_codeunits(cells, 0, 10), cells)
    dashed = pc.match_substring_regex(cells, _DASHED)
    if pc.any(dashed).as_py():
        cells = pc.if_else(dashed, pc.replace_substring_regex(cells, "[-.]", "/"), cells)
    return cells


def _choice(col: Choice, arr: pa.Array) -> tuple[pa.Array | None, np.ndarray]:
    cells = text(arr)
    if cells is None:
        return None, _all(len(arr), True)
    lookup = {word_key(k): v for k, v in col.choices.items()}
    encoded = pc.dictionary_encode(cells)
    words = encoded.dictionary.to_pylist()
    codes = [_word(w, lookup, col.blank) for w in words]
    if all(c is None for c in codes):
        return None, _all(len(arr), True)
    known = pa.array([c is not None for c in codes])  # an empty cell: the code it means, or refused
    values = pc.take(pa.array(codes), encoded.indices)
    return values, ~_mask(pc.take(known, encoded.indices))


def _word(word: str, lookup: dict, blank):
    """The code ``word`` means (the list's words folded in ``lookup``): None when unknown, or holding a control
    that the folding would read as a space."""
    if not word:
        return blank
    return None if hidden.IN_TEXT.search(word) else lookup.get(word_key(word))


def _number(col: Number, arr: pa.Array) -> tuple[pa.Array | None, np.ndarray]:
    top = col.maximum if col.maximum is not None else MAX_NUMBER
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        values = arr.cast(pa.float64())
        blank = pc.or_(pc.is_null(values), pc.is_nan(pc.fill_null(values, 0.0)))
        fine = pc.and_(pc.is_finite(values), pc.less_equal(pc.abs(values), top))
        if col.integral:
            fine = pc.and_(fine, pc.equal(pc.floor(values), values))
    else:
        cells = text(arr)
        if cells is None:
            return None, _all(len(arr), True)
        blank = pc.equal(cells, "")
        fine = pc.match_substring_regex(cells, _DIGITS)
        values = pc.cast(pc.if_else(fine, cells, "0"), pa.int64()).cast(pa.float64())
        fine = pc.and_(fine, pc.less_equal(values, top))
    if col.minimum is not None:
        fine = pc.and_(fine, pc.greater_equal(values, col.minimum))
    fine = pc.fill_null(fine, False)
    bad = pc.invert(fine) if col.required else pc.and_(pc.invert(fine), pc.invert(blank))
    return pc.if_else(fine, values, pa.scalar(None, pa.float64())), _mask(bad)


_READERS = {Text: _text, Column: _text, Day: _day, Choice: _choice, Number: _number}


def _by_distinct(reader, col: Column, raw: pa.Array) -> tuple[pa.Array | None, np.ndarray]:
    """``reader`` over the distinct cells of a text column only: a slice of 200,000 dossiers holds a few hundred
    dates, a hundred units and a handful of words, read once each and spread back by their indices (a column of
    codes, distinct on every row, is read whole). A column read as a dictionary is read by its dictionary."""
    if pa.types.is_dictionary(raw.type):
        words = _strings(raw.dictionary)
        if words is None or raw.null_count:
            raw = raw.cast(raw.type.value_type)
        else:
            values, bad = reader(col, words)
            if values is None:
                return None, _all(len(raw), True)
            bad = bad[raw.indices.to_numpy(zero_copy_only=False)]
            if pa.types.is_string(values.type) and not values.null_count:  # its text not copied row by row
                return pa.DictionaryArray.from_arrays(raw.indices, values), bad
            return pc.take(values, raw.indices), bad
    cells = _strings(raw)
    if cells is None:
        return reader(col, raw)
    if len(pc.unique(cells.slice(0, 1000))) > 600:  # a code: as many values as rows (a year has 366 days)
        return reader(col, cells)
    encoded = pc.dictionary_encode(cells)
    values, bad = reader(col, encoded.dictionary)
    if values is None:
        return None, _all(len(raw), True)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return pc.take(values, encoded.indices), bad[indices]


def read(columns, cells: dict[str, pa.Array | None], n: int) -> tuple[dict[str, pa.Array], np.ndarray]:
    """The typed values of every column (``cells``: field → its raw cells, None when the file has no such
    column), and which rows must be read by the typed columns instead."""
    values, bad = {}, _all(n, False)
    for col in columns:
        reader = _READERS.get(type(col))
        raw = cells.get(col.field)
        if raw is None:
            raw = pa.array([""] * n, pa.string())
        if reader is None:
            return {}, _all(n, True)
        got, unsure = _by_distinct(reader, col, raw)
        if got is None:
            return {}, _all(n, True)
        values[col.field] = got
        bad |= unsure
    return values, bad
