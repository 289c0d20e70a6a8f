"""Typed columns of an input sheet: each turns raw cells (text from CSV, typed values from XLSX) into
values, vectorised over the whole column, and reports the rows it cannot read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pandas as pd

from base.vn import fold
from store.calendar import FIRST_YEAR, LAST_YEAR
from store.ingest import encodings
from store.ingest import hidden as unseen
from store.ingest.problems import Collector, shown, thousands

# What a spreadsheet writes where it has no value: a missing value, refused where the column requires one.
MISSING_MARKS = frozenset({"NA", "N/A", "#N/A", "na", "n/a", "#n/a", "N/a", "Na",
                           "NULL", "null", "Null"})  # an SQL export's
# Excel's errors of a formula: the cell holds no value at all.
EXCEL_ERRORS = frozenset({"#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#BLOCKED!",
                          "#CONNECT!", "#FIELD!", "#UNKNOWN!", "#BUSY!", "#PYTHON!", "#GETTING_DATA"})
MAX_CELL = 32_767  # Excel's own limit on the text of a cell: the limit of a column stored without one
MAX_NUMBER = 1e15  # larger than any figure of a province, and where float64 still holds every tenth exactly
# The days any input may hold: a birth in 1900 to a deadline in 2100. Beyond, a date is a slip (01/01/9999 as
# a due date would make a dossier never late).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


# What a form marks a header with: a required column's asterisk («Mã đơn vị (*)», «Mã đơn vị*»), a colon
_HEADER_MARK = re.compile(r"\s*(?:\(\s*\*+\s*\)|\*+|:)\s*$")


# Characters a header may carry unseen: a zero-width space or joiner pasted with it from a web page or a document, a
# second byte-order mark (a CSV saved again with one); refused, the header read «Mã đơn vị» as not «Mã đơn vị».
_UNSEEN_IN_HEADER = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


# The eth of Icelandic (Ð, ð), drawn as the Vietnamese «Đ» and typed for it: a header or a word of a list written
# with it is the same word («Ðơn vị», «Ðạt»), where a code holding it is another code, refused as such.
_ETH = str.maketrans("Ðð", "Đđ")


def header_key(text: str) -> str:
    """A header as it is matched to a column: folded, without the mark a form puts after it nor unseen characters."""
    return fold(_HEADER_MARK.sub("", _UNSEEN_IN_HEADER.sub("", str(text))).translate(_ETH))


def word_key(text: str) -> str:
    """A word of a closed list as it is looked up: folded, its punctuation as spaces («Trực tuyến (mức độ 4)»,
    «Trực tuyến - toàn trình»); a word of signs alone («✓») as it is."""
    folded = fold(str(text).translate(_ETH))
    return " ".join(re.sub(r"[\W_]+", " ", folded).split()) or folded


def _is_text(raw: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(raw.dtype) and raw.dtype != object


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as NFC text with outer spaces removed; empty cells become ''."""
    if _is_text(raw):  # CSV: already text, the fast path for millions of rows
        out = raw.fillna("").str.strip()
    else:  # XLSX: numbers, dates and text mixed
        out = raw.astype("object").where(raw.notna(), "")
        out = out.map(lambda v: v if isinstance(v, str) else _cell_text(v)).astype("str").str.strip()
    if _has_non_ascii(out):
        out = map_distinct(out, lambda v: unicodedata.normalize("NFC", v))
    return out


def _has_non_ascii(text: pd.Series) -> bool:
    """Whether any cell holds a letter beyond ASCII (then cells are NFC-normalised); Arrow answers it several
    times faster than a regular expression, which counted on millions of dossier cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return not pc.all(pc.string_is_ascii(pa.array(text, from_pandas=True))).as_py()
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return bool(text.str.contains(r"[^\x00-\x7f]", regex=True).any())


def map_distinct(values: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value: a column of a million cells has few distinct words."""
    codes, uniques = pd.factorize(values)
    mapped = np.array([func(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index)


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):  # as Excel shows it, to its 15 digits: 1.00175, not 1.0017500000000001
        return f"{value:.15g}"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _is_number(value) -> bool:
    """A number held as one: a Parquet column of decimals (a database's NUMERIC) reads as ``Decimal``, which, taken
    for text, had its point refused as a thousands dot."""
    return (isinstance(value, (int, float, np.integer, np.floating, Decimal))
            and not isinstance(value, (bool, np.bool_)))


def numeric_cells(raw: pd.Series) -> pd.Series:
    """Which cells of a column of mixed cells (a workbook's) are numbers rather than text."""
    if raw.dtype != object:
        return pd.Series(pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype),
                         index=raw.index)
    return raw.map(_is_number).astype(bool)


# A column of row numbers, which nearly every office's sheet begins with («STT»): read by no kind, and a row that
# holds nothing else is an empty row (a template numbered down to row 100 and filled to row 20).
ROW_NUMBER_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")


def row_numbers(headers) -> set[int]:
    """The positions of ``headers`` that head a column of row numbers."""
    folded = {fold(h) for h in ROW_NUMBER_HEADERS}
    return {j for j, h in enumerate(headers) if isinstance(h, str) and fold(h) in folded}


def data_columns(headers, width: int | None = None) -> list[int]:
    """The positions of a row's ``width`` cells (by default one per header) that tell whether the row holds
    anything: all but those of row numbers."""
    numbering = row_numbers(headers)
    return [j for j in range(len(headers) if width is None else width) if j not in numbering]


# A long number in a cell too narrow for it is shown by Excel as «2,40511E+11», and written so to a CSV: as a code
# (a citizen's 12 digits), its digits are gone.
IN_POWERS = r"^\d([.,]\d+)?E\+\d{2,3}$"


def in_powers(text: pd.Series) -> pd.Series:
    """Which cells of text are numbers as Excel shows them in powers of ten."""
    maybe = text.str.contains("E+", regex=False)
    return maybe & text.where(maybe, "").str.fullmatch(IN_POWERS) if maybe.any() else maybe


# How a code is kept as text in a CSV that Excel opens: «'0012» (a sign Excel shows no more) and «="0012"» (a
# formula giving the text): the code is what they hold, or a later file writing it plainly is another code. A
# system's export keeps its figures and days as text so too («'120», «'2024-03-21»): they had been refused as no
# numbers, no days.
_TEXT_WRAPPED = re.compile(r'^(?:=\s*"(.*)"|\'(.+?)\'?)$')


def unwrapped(text: pd.Series) -> pd.Series:
    """Codes without the signs that kept them as text (``_TEXT_WRAPPED``)."""
    wrapped = text.str.startswith(("'", "="))
    if not wrapped.any():
        return text
    inner = text[wrapped].str.extract(_TEXT_WRAPPED)
    return text.mask(wrapped, inner[0].fillna(inner[1]).fillna(text[wrapped]).str.strip())


# A code typed into Excel as a number (1.004037) and saved to a CSV by an Excel set to Vietnamese, whose decimal
# sign is the comma: «1,004037». The code is that number with its dot; kept as written, it was another procedure
# beside «1.004037». A comma before exactly three digits («1,004») may as well group thousands as English writes
# them (1004): which code it is cannot be told.
DECIMAL_COMMA = r"^\d+,\d+$"
_THOUSANDS_COMMA = re.compile(r"^\d{1,3},\d{3}$")
CODES_WITH_COMMA = ("mã là số Excel lưu ra CSV với dấu phẩy thập phân, đã đọc với dấu chấm ({example}); nếu mã có số 0 "
                    "ở cuối sau dấu chấm thì các số 0 đó đã mất (định dạng cột là Text rồi gõ lại mã)")


def decimal_comma(text: pd.Series, header: str, out: Collector) -> tuple[pd.Series, pd.Series]:
    """Codes written with a decimal comma (``DECIMAL_COMMA``) read with their dot, said with their rows; and which
    cells were refused as ambiguous."""
    comma = text.str.contains(",", regex=False)
    if not comma.any():
        return text, comma
    decimal = comma & text.str.fullmatch(DECIMAL_COMMA).fillna(False).astype(bool)
    ambiguous = decimal & text.str.fullmatch(_THOUSANDS_COMMA).fillna(False).astype(bool)
    out.rows(ambiguous, header, lambda v: f"mã «{v}» là số Excel ghi với dấu phẩy: không rõ là {v.replace(',', '.')} "
                                          f"(dấu phẩy thập phân) hay {v.replace(',', '')} (dấu phẩy ngăn cách hàng "
                                          "nghìn); định dạng cột là Text rồi gõ lại mã", text)
    read = decimal & ~ambiguous
    if read.any():
        first = text[read].iloc[0]
        out.warn(CODES_WITH_COMMA.format(example=f"«{first}» là «{first.replace(',', '.')}»"), header,
                 [out.row_of(p) for p in np.flatnonzero(read.to_numpy())])
        text = text.mask(read, text.str.replace(",", ".", regex=False))
    return text, ambiguous


_SPACED = re.compile(r"\s{2,}|[^\S ]")  # a line break, a tab, a non-breaking space, or spaces run together


def single_spaced(text: pd.Series) -> pd.Series:
    """Cells with every run of spaces and line breaks as one space (``Column.one_line``)."""
    spaced = text.str.contains(_SPACED)
    if not spaced.any():
        return text
    return text.where(~spaced, text[spaced].str.split().str.join(" "))


def digits_lost(raw: pd.Series) -> pd.Series:
    """Which cells of a workbook's code column are numbers of more than 15 digits: Excel keeps 15, and wrote the
    rest as zeros (240511000123456789 became 240511000123456000)."""
    numeric = numeric_cells(raw) if raw.dtype == object else pd.Series(False, index=raw.index)
    if not numeric.any():
        return numeric
    return numeric & raw.where(numeric, 0).astype("float64").abs().ge(1e15)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = True  # a cell must hold a value
    help: str = ""
    example: str = ""
    limit: int | None = None  # the longest text a cell may hold: the width of the column it is stored in
    code: bool = False  # an identifier: a number in its cell may have lost leading zeros
    unknown_if_absent: bool = False  # a file may leave the column out, and then its values are unknown (None)
    links: bool = False  # a workbook cell's hyperlink is kept with its text (evidence: the link is the document)
    # a name, one line: a long one wrapped in its cell (Alt+Enter) or spaced twice reads as one line, single-spaced
    one_line: bool = False

    def absent(self, index: pd.Index) -> pd.Series:
        """The values of a column the file leaves out (``unknown_if_absent``): unknown, every one."""
        return pd.Series(None, index=index, dtype=object)

    def cells(self, raw: pd.Series, out: Collector) -> tuple[pd.Series, pd.Series]:
        """The cells as text, and which of them were reported already: an Excel error, a text longer than the
        column holds, a missing-value mark (NA, #N/A) where a value is required. Those cells read as empty, so
        that no later check quotes them again."""
        text = as_text(raw)
        comma = False
        if self.code or isinstance(self, (Number, Day)):  # a figure or a day is kept as text so too («'120»)
            text = unwrapped(text)
        if self.code:
            text, comma = decimal_comma(text, self.header, out)
        if self.one_line:
            text = single_spaced(text)
        limit = self.limit or MAX_CELL
        lengths = text.str.len()
        long = lengths > limit
        errors = text.isin(EXCEL_ERRORS)
        marked = text.isin(MISSING_MARKS)
        out.rows(errors, self.header, lambda v: f"ô có lỗi công thức Excel «{v}»: sửa công thức hoặc ghi giá trị",
                 text)
        if self.required:
            out.rows(marked, self.header,
                     lambda v: f"«{v}» là ô không có giá trị (không có số liệu), nhưng cột này bắt buộc phải có giá trị",
                     text)
        out.rows(long, self.header, lambda n: f"ô dài {thousands(n)} ký tự, quá {thousands(limit)} ký tự của cột",
                 lengths)
        hidden = unseen.cells_holding(text, self.code) & ~long
        out.rows(hidden, self.header, lambda v: unseen.message(v, self.code), text)
        powers = in_powers(text) if self.code else False
        out.rows(powers, self.header, lambda v: f"mã «{v}» là số Excel ghi dạng lũy thừa: các chữ số của mã đã mất "
                                                "(định dạng cột là Text rồi ghi lại mã)", text)
        if self.code:
            lost = digits_lost(raw) & ~long
            out.rows(lost, self.header, lambda v: f"mã «{v}» là số quá 15 chữ số trong Excel: các chữ số cuối đã thành "
                                                  "0 (định dạng cột là Text rồi gõ lại mã)", text)
            powers = powers | lost
        if isinstance(self, Text) and _has_non_ascii(text):
            old = text.str.contains(encodings.OLD_FONT_SIGNS)  # a few characters asked of every cell, then the few
            if old.any():
                old[old] = map_distinct(text[old], lambda v: bool(encodings.old_font_readings(v))).astype(bool)
            out.rows(old & ~long & ~hidden, self.header, old_font, text)
            hidden = hidden | old
        if isinstance(self, Text):
            # an Excel TRUE or FALSE where a code or a text belongs had become the code, the name, the number «True»
            truth = (raw.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool) if raw.dtype == object
                     else pd.Series(pd.api.types.is_bool_dtype(raw.dtype), index=raw.index))
            out.rows(truth, self.header, lambda v: f"ô đúng/sai ({v}) của Excel không phải là "
                                                   f"{'mã' if self.code else 'giá trị của cột này'}", text)
            powers = powers | truth
        reported = errors | long | hidden | powers | comma | (marked if self.required else False)
        gone = errors | long | hidden | powers | comma | marked
        return (text.mask(gone, "") if gone.any() else text), reported

    def warn_numbers(self, raw: pd.Series, out: Collector) -> None:
        """A code typed into Excel as a number (0012 → 12) lost its leading zeros: said, with its rows."""
        if not self.code:
            return
        if raw.dtype != object:  # a typed column (Parquet) of numbers: said once, for the whole column
            if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
                out.warn(CODE_COLUMN_OF_NUMBERS, self.header)
            return
        numeric = np.flatnonzero(numeric_cells(raw).to_numpy())
        if len(numeric):
            out.warn(CODES_AS_NUMBERS, self.header, [out.row_of(p) for p in numeric])

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        self.warn_numbers(raw, out)
        values, reported = self.cells(raw, out)
        if self.required:
            out.rows(values.eq("") & ~reported, self.header, "ô bắt buộc đang để trống")
        return values

    def fields(self, raw: pd.Series, out: Collector) -> dict[str, pd.Series]:
        """The kind's fields this column gives: its own, and for some columns what the kind's check needs to know
        of how a cell was written (``Number.told``)."""
        return {self.field: self.parse(raw, out)}


def old_font(text: str) -> str:
    """Why a cell typed in the old fonts is refused: what it reads as in each that fits."""
    readings = encodings.old_font_readings(text)
    said = ", ".join(f"theo {name} là «{shown(reading, 60)}»" for name, reading in readings)
    return (f"«{shown(text, 60)}» là chữ gõ bằng phông cũ, đọc {said}: chuyển sang Unicode (ví dụ Unikey: Công cụ "
            f"chuyển mã, nguồn {' hoặc '.join(name for name, _ in readings)}, đích Unicode) rồi nhập lại")


CODES_AS_NUMBERS = ("mã được lưu dạng số trong Excel: nếu mã có số 0 ở đầu, hoặc ở cuối sau dấu chấm (1.000880), thì các "
                    "số 0 đó đã mất (định dạng cột là Text rồi gõ lại mã)")
CODE_COLUMN_OF_NUMBERS = ("cột mã là cột số trong tệp: nếu mã có số 0 ở đầu thì các số 0 đó đã mất (xuất lại cột này "
                          "dạng văn bản)")


@dataclass(frozen=True)
class Text(Column):
    pass


# Numbers as Vietnamese write them, one reading for every numeric column: the dot groups thousands (1.234 is one
# thousand two hundred thirty-four, 1.234.567), the comma marks the decimals (98,3; 1.234,5). A dot anywhere
# else (98.3, 0.125) is refused rather than guessed; so are 1,234.5 and 1.2.3.
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
# A comma before exactly three digits («2,000»): Vietnamese decimals (2), or thousands as English writes them
# (two thousand). Where the figure is a whole number the two readings differ a thousandfold: refused there.
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
# A dot before exactly three digits («65.234»), the mirror case: thousands as Vietnamese write them, or decimals as
# English does. Where the figure may have decimals (a score, a rate) the two readings differ a thousandfold:
# refused there; in a whole number the dot can only group thousands.
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")
# A number in powers of ten («1,23457E+11», «1e3»): Excel's display of a number too long for its cell, saved to a
# CSV with its digits gone; nobody types a figure so.
_POWERS = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Spaces group thousands as some sheets show them («1 234», «1 234,5»); anywhere else («1 20», «9 5,5») they part
# two numbers, or a slip, and the digits run together would be another number: refused, not read.
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[\s\u00a0\u202f]\d{3})+(?:,\d+)?$")
DOT_MISUSED = "dấu chấm chỉ dùng để ngăn cách hàng nghìn (1.234); phần thập phân ghi sau dấu phẩy (98,3)"


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The numbers of a column of text, and where a dot was used as a decimal point."""
    values = pd.to_numeric(text, errors="coerce").astype("float64")  # digits alone: the fast path
    dotted = text.str.contains(".", regex=False)
    if dotted.any():
        values = values.mask(dotted)
    unread = values.isna() & text.ne("")
    misused = pd.Series(False, index=text.index)
    if not unread.any():
        return values, misused
    spaced = text[unread].str.contains(_SPACES) & ~text[unread].str.match(_SPACE_GROUPED)
    cleaned = text[unread].str.replace(_SPACES, "", regex=True).mask(spaced, "")
    grouped = cleaned.str.match(_GROUPED)
    wrong_dot = cleaned.str.contains(".", regex=False) & ~grouped
    cleaned = cleaned.where(~grouped, cleaned.str.replace(".", "", regex=False)).str.replace(",", ".", regex=False)
    values[unread] = pd.to_numeric(cleaned.where(~wrong_dot, ""), errors="coerce").astype("float64")
    misused[unread] = wrong_dot
    return values, misused


# A percentage as written («85%», «85,5 %»), or a workbook's number formatted as one (store.ingest.reading gives it
# as the sheet shows it): the number before the sign.
_PERCENT = re.compile(r"^(.*?)\s*%$")
PERCENT_SUFFIX = "_phan_tram"  # the field telling which cells of a ``Number(told=True)`` were percentages
COMMA_SUFFIX = "_phay_nghin"  # … and which were written with a comma before three digits («2,000»)
DOT_SUFFIX = "_cham_nghin"  # … and which with a dot before three digits («65.234»)
COMMA_BEFORE_THREE = ("dấu phẩy ngăn cách phần thập phân, nên đây không phải số nguyên; nếu là hàng nghìn, ghi "
                      "không có dấu hoặc với dấu chấm (2000 hoặc 2.000)")


def dotted_thousands(text: str) -> bool:
    """Whether ``text`` is a number with one dot before its last three digits («65.234»)."""
    return bool(_DOT_THOUSANDS.match(text))


def dot_before_three(text: str) -> str:
    """Why «65.234» is refused where a figure may have decimals."""
    whole = text.replace(".", "")
    return (f"«{text}» đọc theo cách viết Việt Nam là {whole} (dấu chấm ngăn cách hàng nghìn), theo cách viết tiếng "
            f"Anh là số thập phân; nếu là số thập phân, ghi với dấu phẩy ({text.replace('.', ',')}), nếu là hàng "
            f"nghìn, ghi không có dấu ({whole})")


def excel_digits(values: pd.Series) -> pd.Series:
    """Numbers to the 15 significant digits Excel works in: a formula's 117.99999999999999 is the 118 the sheet
    shows (as a whole number, it had been refused as «118» not being one)."""
    v = values.to_numpy(dtype="float64", copy=True)
    finite = np.isfinite(v) & (v != 0)
    if finite.any():
        with np.errstate(over="ignore", under="ignore"):
            scale = 10.0 ** (14 - np.floor(np.log10(np.abs(v[finite]))))
            rounded = np.round(v[finite] * scale) / scale
        v[finite] = np.where(np.isfinite(rounded), rounded, v[finite])
    return pd.Series(v, index=values.index)


@dataclass(frozen=True)
class Number(Column):
    integral: bool = False
    minimum: float | None = 0
    maximum: float | None = None  # by default MAX_NUMBER; a column stored as an integer: its type's range
    # whether the kind's check is told how cells were written, for a figure whose nature is known only there (a
    # percentage, a count): a cell may then be a percentage (85 for «85%»; ``<field>_phan_tram``) and a whole
    # number may be written «2,000» (``<field>_phay_nghin``), each refused by the check where the figure's
    # nature calls for it; without it, a percentage is refused, and «2,000» where the column is of whole numbers
    told: bool = False

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        return self._read(raw, out)[0]

    def fields(self, raw: pd.Series, out: Collector) -> dict[str, pd.Series]:
        values, percents, commas, dots = self._read(raw, out)
        if not self.told:
            return {self.field: values}
        return {self.field: values, self.field + PERCENT_SUFFIX: percents, self.field + COMMA_SUFFIX: commas,
                self.field + DOT_SUFFIX: dots}

    def _read(self, raw: pd.Series, out: Collector) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        """The numbers; which cells were written as percentages, which with a comma before three digits, and which
        with a dot before three digits."""
        percents = commas = dots = pd.Series(False, index=raw.index)
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
            values = excel_digits(raw.astype("float64"))
            src = values
            blank = values.isna()
            reported = misused = pd.Series(False, index=raw.index)
        else:
            numeric = numeric_cells(raw)
            text, reported = self.cells(raw.where(~numeric, None) if numeric.any() else raw, out)
            read = text
            percents = text.str.endswith("%")
            if percents.any():
                read = text.where(~percents, text.str.replace(_PERCENT, r"\1", regex=True))
                if not self.told:
                    out.rows(percents, self.header,
                             lambda v: f"«{shown(v)}» là phần trăm: cột «{self.header}» ghi số, không ghi phần trăm", text)
                    reported = reported | percents
                    read = read.mask(percents, "")
            powers = read.str.match(_POWERS) & ~reported
            if powers.any():
                out.rows(powers, self.header, lambda v: f"«{shown(v)}» là số ghi dạng lũy thừa (Excel ghi vậy khi cột "
                                                        "quá hẹp): các chữ số đã mất; nới rộng cột rồi lưu lại", text)
                reported = reported | powers
                read = read.mask(powers, "")
            commas = read.str.match(_COMMA_THOUSANDS) & ~reported
            if commas.any() and self.integral and not self.told:
                out.rows(commas, self.header, lambda v: f"«{shown(v)}»: {COMMA_BEFORE_THREE}", text)
                reported = reported | commas
                read = read.mask(commas, "")
            dots = read.str.match(_DOT_THOUSANDS) & ~reported
            if dots.any() and not self.integral and not self.told:
                out.rows(dots, self.header, dot_before_three, text)
                reported = reported | dots
                read = read.mask(dots, "")
            values, misused = _numbers(read)
            blank = text.eq("")
            if numeric.any():  # a workbook's number is a number: no reading of dots and commas
                values[numeric] = excel_digits(raw[numeric].astype("float64"))
                blank &= ~numeric
                text = text.mask(numeric, raw[numeric].map(_cell_text))
            src = text
        if self.required:
            out.rows(blank & ~reported, self.header, "ô bắt buộc đang để trống")
        out.rows(misused, self.header, lambda v: f"«{shown(v)}»: {DOT_MISUSED}", src)
        out.rows(values.isna() & ~blank & ~reported & ~misused, self.header, not_a_number, src)
        infinite = np.isinf(values)
        out.rows(infinite, self.header, lambda v: f"«{shown(v)}» không phải là một số hữu hạn", src)
        top = self.maximum if self.maximum is not None else MAX_NUMBER
        huge = ~infinite & (values.abs() > top)
        out.rows(huge, self.header, lambda v: self._beyond(shown(v), top), src)
        fine = values.notna() & ~infinite & ~huge
        if self.integral:
            frac = fine & (values != np.floor(values))
            out.rows(frac, self.header, lambda v: f"«{shown(v)}» phải là số nguyên", src)
        if self.minimum is not None:
            low = fine & (values < self.minimum)
            out.rows(low & (values < 0), self.header,
                     lambda v: f"giá trị âm «{shown(v)}» không hợp lệ (phải ≥ {self.minimum:g})", src)
            out.rows(low & (values >= 0), self.header, lambda v: self._below(shown(v)), src)
        return values.where(fine), percents & fine, commas & fine, dots & fine

    def _beyond(self, text: str, top: float) -> str:
        return f"«{text}» vượt quá giới hạn của cột ({'±' if self.minimum is None else ''}{thousands(top)})"

    def _below(self, text: str) -> str:
        return f"«{text}» nhỏ hơn {self.minimum:g}"


# A dash alone: the zero of Excel's Accounting and Comma formats, which a CSV saves as the sheet shows it, or a
# form's «no figure»; which one cannot be told.
_DASH = re.compile(r"^[-–—]$")


def not_a_number(text: str) -> str:
    if _DASH.match(text):
        return (f"«{text}» không phải là số: là số 0 (định dạng Kế toán của Excel hiện số 0 là «-») hay không có số "
                "liệu? ghi 0, hoặc để trống")
    return f"«{shown(text)}» không phải là số"


_YEAR_WORD = re.compile(r"^\s*năm\s+(?=\d{4}\s*$)", re.IGNORECASE)


@dataclass(frozen=True)
class Year(Number):
    """A year, within the years of the CCHC calendar (``store.calendar``): 99999 or 2147483647 is a slip."""

    integral: bool = True
    minimum: float | None = FIRST_YEAR
    maximum: float | None = LAST_YEAR
    help: str = "Năm, 4 chữ số"
    example: str = "2024"
    past: bool = False  # a year that has begun (a rating, an award, an inspection): a later one is a slip

    def _read(self, raw: pd.Series, out: Collector) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):  # «Năm 2024», as the reports write it
            raw = raw.map(lambda v: _YEAR_WORD.sub("", unicodedata.normalize("NFC", v)) if isinstance(v, str) else v)
        read = super()._read(raw, out)
        if self.past:
            out.rows(read[0] > today().year, self.header, lambda v: f"năm {v:.0f} chưa đến", read[0])
        return read

    def _beyond(self, text: str, top: float) -> str:
        return f"«{text}»: năm phải từ {self.minimum:g} đến {self.maximum:g}"

    def _below(self, text: str) -> str:
        return self._beyond(text, self.maximum)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# The time a system's export writes after the day («05/03/2024 08:30:15», «2024-03-05T08:30:15.123»): a valid time
# of day, dropped as a workbook's date cell's is; anything else after the day leaves the cell refused.
TIME_OF_DAY = (r"[ T](?:(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?"
               # twelve hours and the half of the day: AM/PM, as Windows in Vietnamese writes them SA/CH
               r"|(?:0?[1-9]|1[0-2]):[0-5]\d(?::[0-5]\d)? ?(?:[AaPp][Mm]|SA|CH))$")
_TIMED = re.compile(r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})" + TIME_OF_DAY)
# A moment written with its zone («…T17:00:00Z», «…T23:30+08:00») is a dossier's day in Vietnam, where the
# offices work: a system keeping its days as UTC writes Vietnam's midnight as 17:00 the day before.
VIETNAM = timezone(timedelta(hours=7))


def today() -> date:
    """Today in Vietnam, whatever zone the server keeps: from midnight to 07:00 a server on UTC is still on
    yesterday, and had refused a report received today as a day not yet come."""
    return datetime.now(VIETNAM).date()
ZONED = (r"[ T](?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::[0-5]\d(?:[.,]\d{1,9})?)?"
         r"(?:Z|(?P<sign>[+-])(?P<oh>[01]\d|2[0-3]):?(?P<om>[0-5]\d))$")


def zone_shift(hour, minute, sign, hours, minutes):
    """Days to add to a day written with the time ``hour:minute`` at the offset (``sign``, ``hours``, ``minutes``;
    UTC where ``sign`` is empty) for Vietnam's day: −1, 0 or 1. Works alike on numbers and on numpy arrays."""
    offset = np.where(sign == "-", -1, np.where(sign == "+", 1, 0)) * (hours * 60 + minutes)
    return (hour * 60 + minute - offset + 7 * 60) // (24 * 60)


def _zone_days(text: pd.Series) -> pd.Series | None:
    """Per cell, the days its zone moves it to Vietnam's day; None when no cell is written with a zone."""
    if not text.str.contains(r":\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)$", regex=True).any():
        return None
    parts = text.str.extract(ZONED)
    zoned = parts["h"].notna()
    if not zoned.any():
        return None
    number = {k: pd.to_numeric(parts[k], errors="coerce").fillna(0).to_numpy() for k in ("h", "m", "oh", "om")}
    shift = zone_shift(number["h"], number["m"], parts["sign"].fillna("").to_numpy(), number["oh"], number["om"])
    return pd.Series(np.where(zoned, shift, 0), index=text.index)


def _without_time(text: pd.Series) -> pd.Series:
    """Cells with the time of day a system's export adds after the day, as the day alone."""
    timed = text.str.match(_TIMED)
    if not timed.any():
        return text
    return text.where(~timed, text.str.replace(TIME_OF_DAY, "", regex=True))


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# 21-Mar-2024 and 21 Mar 2024 as Excel in English shows a day; 21-thg 3-2024 as Excel in Vietnamese does. A
# year of four digits only: «21-Mar-24» stays refused, as 21/03/24 is.
_MONTH_NAMED = re.compile(r"^(\d{1,2})([- ])(?:([A-Za-z]{3})|[Tt]hg ?(\d{1,2}))\2(\d{4})$")


def _month_named(days: pd.Series) -> pd.Series:
    """Days written with their month's name or Vietnamese «thg» as dd/mm/yyyy; a name that is no month (Mrz)
    left as written, to be refused as no day."""
    if not days.str.match(_MONTH_NAMED).any():
        return days

    def as_numbers(match: re.Match) -> str:
        day, _, name, number, year = match.groups()
        month = _MONTHS.get(name.lower()) if name else int(number)
        return f"{int(day):02d}/{month:02d}/{year}" if month else match.group(0)

    return days.str.replace(_MONTH_NAMED, as_numbers, regex=True)  # other cells match nothing: left as they are


@dataclass(frozen=True)
class Day(Column):
    """A date: dd/mm/yyyy (or dd-mm-yyyy) as people type it, yyyy-mm-dd as systems export it, either followed by the
    time of day a system's export may add, or an Excel date. ``past``: a day that has been (a birth, a decision, a
    report received), refused when it has not come yet (a slip of the year, 2099 for 2024)."""

    past: bool = False

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            parsed = pd.to_datetime(raw)
            if parsed.dt.tz is not None:  # a moment with its zone (Parquet): its day in Vietnam
                parsed = parsed.dt.tz_convert(VIETNAM).dt.tz_localize(None)
            text = parsed.dt.strftime("%d/%m/%Y").fillna("")
            blank = parsed.isna()
            reported = pd.Series(False, index=raw.index)
        else:
            is_stamp = (pd.Series(False, index=raw.index) if _is_text(raw)
                        else raw.map(lambda v: isinstance(v, (datetime, date))).astype(bool))
            text, reported = self.cells(raw.where(~is_stamp, None) if is_stamp.any() else raw, out)
            blank = text.eq("") & ~is_stamp
            days = _month_named(_without_time(text))
            # Try first the format the column's first value is written in: exports from systems are ISO.
            sample = days[~blank].head(1)
            # yyyy/mm/dd: an export's day in the order of ISO with slashes, as some systems write it
            formats = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"]
            if len(sample) and _ISO_DATE.match(sample.iloc[0]):
                formats[:2] = formats[1::-1]
            parsed = pd.to_datetime(days, format=formats[0], errors="coerce")
            for other in formats[1:]:
                missing = parsed.isna() & ~blank
                if missing.any():
                    parsed = parsed.where(~missing, pd.to_datetime(days.where(missing), format=other, errors="coerce"))
            shift = _zone_days(text)
            if shift is not None:
                parsed = parsed + pd.to_timedelta(shift, unit="D")
            if not pd.api.types.is_numeric_dtype(raw.dtype):  # a typed column of numbers (Parquet) counts days
                parsed = self._serials(days, parsed, blank, out)  # from another epoch, if it counts days at all
            if is_stamp.any():
                parsed = parsed.where(~is_stamp, pd.to_datetime(raw.where(is_stamp), errors="coerce"))
                self._month_first(is_stamp, days, parsed, out)
        if self.required:
            out.rows(blank & ~reported, self.header, "ô bắt buộc đang để trống")
        out.rows(parsed.isna() & ~blank, self.header,
                 lambda v: f"«{shown(v)}» không phải ngày hợp lệ (dd/mm/yyyy)", text)
        beyond = (parsed < pd.Timestamp(FIRST_DAY)) | (parsed > pd.Timestamp(LAST_DAY))
        if beyond.any():  # named as written, or as the day it is (a date cell of a workbook, a typed column)
            said = text.where(text.ne(""), parsed.dt.strftime("%d/%m/%Y"))
            out.rows(beyond, self.header, lambda v: f"ngày «{shown(v)}» nằm ngoài khoảng ngày hợp lệ "
                                                    f"({FIRST_DAY:%d/%m/%Y} – {LAST_DAY:%d/%m/%Y})", said)
        if self.past:
            later = parsed > pd.Timestamp(today())
            out.rows(later & ~beyond, self.header, lambda v: f"ngày {v:%d/%m/%Y} là ngày chưa đến", parsed)
        return parsed.where(~beyond).dt.normalize()

    def _serials(self, days: pd.Series, parsed: pd.Series, blank: pd.Series, out: Collector) -> pd.Series:
        """Days written as Excel's day numbers (45372 for 21/03/2024): a date cell whose format was lost (General),
        or saved so to a CSV. Read as Excel counts them, and said with their rows. Five digits only: a year alone
        (2024) in a date column is no day."""
        serial = parsed.isna() & ~blank & days.str.fullmatch(_SERIAL)
        if not serial.any():
            return parsed
        number = pd.to_numeric(days.where(serial).str.replace(",", ".", regex=False), errors="coerce")
        # a workbook of the 1904 calendar (Excel for Mac's of old) counts them from 01/01/1904: 1462 days fewer
        epoch = pd.Timestamp(out.epoch) if out.epoch is not None else EXCEL_EPOCH
        parsed = parsed.where(~serial, epoch + pd.to_timedelta(np.floor(number), unit="D"))
        calendar = "lịch 1904 của tệp" if epoch != EXCEL_EPOCH else "lịch Excel"
        out.warn(f"ngày ghi dạng số ngày của Excel (ô ngày mất định dạng), đã đọc theo {calendar} "
                 f"(ví dụ «{days[serial].iloc[0]}» là {parsed[serial].iloc[0]:%d/%m/%Y}); định dạng cột là ngày "
                 "(dd/mm/yyyy) để thấy đúng ngày", self.header, [out.row_of(p) for p in np.flatnonzero(serial.to_numpy())])
        return parsed

    def _month_first(self, is_stamp: pd.Series, days: pd.Series, parsed: pd.Series, out: Collector) -> None:
        """An Excel set to the United States' dates makes «05/03/2024» typed into a cell the 3rd of May, and
        leaves «25/03/2024» as text (no 25th month): a column holding both is such a sheet, and its date cells
        whose day could be a month may have day and month swapped. Refused, naming them: they read as other days
        without a word."""
        typed = days.str.extract(_DAY_MONTH_TYPED).apply(pd.to_numeric, errors="coerce")
        sure = typed[0].notna() & (typed[0] > 12) & ~is_stamp
        # such an Excel turns every typed day whose day could be a month into a date cell, and writes no date cell
        # past the 12th: text like «05/03/2024», or a date cell of the 25th, is a sheet that reads days as we do
        # (the text pasted from elsewhere)
        either = typed[0].notna() & (typed[0] <= 12) & (typed[1] <= 12) & ~is_stamp
        if not sure.any() or either.any() or (is_stamp & parsed.notna() & (parsed.dt.day > 12)).any():
            return
        swappable = is_stamp & parsed.notna() & (parsed.dt.day != parsed.dt.month)
        if _nearer_as_read(parsed[swappable], parsed[sure]):
            return
        witness = f"dòng {out.row_of(int(np.flatnonzero(sure.to_numpy())[0]))}: «{days[sure].iloc[0]}»"
        out.rows(swappable, self.header,
                 lambda v: f"ô ngày của Excel «{v:%d/%m/%Y}» có thể đã bị đảo ngày và tháng: cột này có ngày gõ dạng "
                           f"chữ mà Excel không nhận ra ({witness}), dấu hiệu Excel đang đọc ngày kiểu Mỹ (tháng/ngày); "
                           "định dạng cột là Text rồi gõ lại ngày, hoặc đặt vùng của Windows là Việt Nam", parsed)


_DAY_MONTH_TYPED = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}$")
# A day as Excel numbers it: days since 30/12/1899 (Excel's 1900 calendar, its 29/02/1900 included), with the
# time of day as a fraction; five digits are the days from 1927 to 2173.
_SERIAL = r"\d{5}(?:[.,]\d+)?"
EXCEL_EPOCH = pd.Timestamp(1899, 12, 30)


def _nearer_as_read(cells: pd.Series, typed: pd.Series) -> bool:
    """Whether date cells fall in the months of the days typed as text as they read, and outside them with day and
    month swapped: a register of March with date cells of March and a day typed as text is a sheet that reads
    days as we do; a US-set Excel's cells fall among the typed months only swapped. Over a whole year, not told."""
    months = set(typed.dt.month)
    return (not cells.empty and bool(cells.dt.month.isin(months).all())
            and not bool(cells.dt.day.isin(months).any()))


@dataclass(frozen=True)
class Choice(Column):
    """One of a closed set of words; matched without case or diacritics, stored as its code."""

    choices: dict[str, str] = field(default_factory=dict)  # what people write → code
    blank: str | None = None  # the code an empty cell means, if it may be empty
    named: int | None = None  # how many of the choices, the first, a refusal names (None: every one)
    prefixes: dict[str, str] = field(default_factory=dict)  # a choice's words followed by anything → code

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        text, reported = self.cells(raw, out)
        lookup = {word_key(k): v for k, v in self.choices.items()}
        starts = [(word_key(k) + " ", v) for k, v in self.prefixes.items()]

        def code(v: str) -> str | None:
            key = word_key(v)
            if key in lookup:  # a code may be False (Không)
                return lookup[key]
            return next((c for start, c in starts if key.startswith(start)), None)

        codes = map_distinct(text, lambda v: code(v) if v else self.blank)
        if self.required and self.blank is None:
            out.rows(text.eq("") & ~reported, self.header, "ô bắt buộc đang để trống")
        allowed = ", ".join(dict.fromkeys(k for k in list(self.choices)[:self.named] if not k.isascii() or len(k) > 1))
        out.rows(codes.isna() & text.ne(""), self.header,
                 lambda v: f"«{shown(v)}» không thuộc các giá trị cho phép: {allowed}", text)
        return codes


_YES_NO_NAMED = {"Có": True, "Không": False, "C": True, "K": False, "x": True, "1": True, "0": False,
                 "yes": True, "no": False, "true": True, "false": False}
# as exports and checklists write them, not named in a refusal: «Đã» / «Chưa» (done or not yet), a tick; «Ko»
# (Không cut short) and a dash where there is nothing, as a blank is Không
YES_NO = {**_YES_NO_NAMED, "Đã": True, "Chưa": False, "✓": True, "✔": True, "Ko": False, "-": False, "–": False}


def YesNo(header: str, field: str, help: str = "", example: str = "Có", optional: bool = False,
          words: dict[str, bool] | None = None) -> Choice:
    """Có / Không; blank is Không. ``optional``: a file may leave the column out, and then nothing is known of it
    (None), which is not the same as Không. ``words``: the column's own ways of saying it («Miễn phí»)."""
    return Choice(header, field, required=not optional, help=help or "Có / Không (để trống là Không)",
                  example=example, choices={**YES_NO, **(words or {})}, blank=False, unknown_if_absent=optional,
                  named=len(_YES_NO_NAMED))
