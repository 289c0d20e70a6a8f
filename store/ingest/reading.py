"""Reading a spreadsheet as offices make them: the header row found where it is (under title rows, on any sheet
of a workbook), blank rows and columns around the data left out, CSV in UTF-8 (with or without BOM), UTF-16 or
Windows-1258 — and every data row keeping the sheet's own row number, for the messages that name it."""

from __future__ import annotations

import codecs
import csv
import html
import io
import mmap
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain, islice
from pathlib import Path

import numpy as np
import pandas as pd

from store.ingest import encodings
from store.ingest.columns import data_columns, fold, header_key, row_numbers
from store.ingest.problems import IngestError, Problem, shown, thousands

# A table as text: CSV, and Excel's «Unicode Text» (.txt: UTF-16, tab-separated) or a .tsv, read alike
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
SUFFIXES = TEXT_SUFFIXES | WORKBOOK_SUFFIXES | {".parquet"}
# Title rows («UBND TỈNH …», «BÁO CÁO …», a blank row) come before the header within this many rows.
HEADER_WITHIN = 60
# A sheet is read as far as its used range reaches, empty cells filled in: a used range of a few cells' bytes may
# stand for billions of them (one cell at XFD1048576). A template is a dozen columns wide; a whole Excel sheet of
# dossiers of sixteen columns is 17 M cells.
MAX_SHEET_COLUMNS = 256
MAX_SHEET_CELLS = 1_048_576 * 32
MAX_WHOLE_ROWS = 1_048_576  # a Parquet file of a kind read whole: no more rows than a sheet of Excel holds
NOT_UTF8 = "tệp CSV không ở mã UTF-8 (hãy lưu lại với «CSV UTF-8»)"


@dataclass
class Sheet:
    """The data of a file: cells under their headers, and where they were found."""

    frame: pd.DataFrame  # one column per header (as written), cells as read, a plain 0..n-1 index
    numbers: np.ndarray  # the spreadsheet's row number of each data row
    header_row: int = 1
    sheet: str | None = None  # the workbook's sheet the data were read from
    notes: list[str] = field(default_factory=list)  # how it was read, when not as the template says
    epoch: datetime | None = None  # the day a workbook's day numbers count from (30/12/1899, or 01/01/1904)


def _header_words(kinds: Iterable) -> tuple[set[str], set[str]]:
    """Every known header, folded (for matching what people type) and as written (for telling an encoding)."""
    folded, exact = set(), set()
    for kind in kinds:
        for col in kind.columns:
            folded.add(header_key(col.header))
            exact.add(col.header.lower())
    return folded, exact


def _cell_str(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def header_index(rows: list[list], kinds: Iterable, exact: bool = False) -> int | None:
    """Position of the header among the first rows: the first row with two or more cells that are headers of
    a known kind (a title row holds one cell), and of them the first whose cells are mostly headers: a form's line
    of labels and their values above the table («Mã đơn vị:», «SNV», «Kỳ báo cáo:», «2024») had been taken for the
    header, and the file refused for the header's row. ``exact``: with their diacritics, as written."""
    folded, written = _header_words(kinds)
    labels = None
    for i, row in enumerate(rows[:HEADER_WITHIN]):
        cells = [c for c in (_cell_str(v) for v in row) if c]
        if exact:
            hits = sum(unicodedata.normalize("NFC", c).lower() in written for c in cells)
        else:
            hits = sum(header_key(c) in folded for c in cells)
        if hits >= 2 and 2 * hits > len(cells):
            return i
        if hits >= 2 and labels is None:
            labels = i
    return labels


def header_rows(head: list[list], found: int, kinds: Iterable) -> tuple[list[str], int]:
    """The header found at ``head[found]``, and how many rows it takes: two where a form sets a parent cell over
    its sub-headers («Ngày» merged over «tiếp nhận», «hẹn trả», «có kết quả»; the parent's text in the first
    column of its span), the other headers merged down over both rows. Each column then reads as its parent and
    sub-header together (or the sub-header alone, when that is a known header), when so the headers name more of
    a kind's columns than the first row alone; it had refused the file for the columns it lacked."""
    top = _headers(head[found])
    if found + 1 >= len(head):
        return top, 1
    under = _headers(head[found + 1])
    width = max(len(top), len(under))
    top, under = top + [""] * (width - len(top)), under + [""] * (width - len(under))
    if not any(under):
        return top, 1
    folded, _ = _header_words(kinds)
    joined, parent = [], ""
    for above, below in zip(top, under):
        parent = above if above and below else (parent if below and not above else "")
        both = f"{parent} {below}".strip()
        joined.append(next((h for h in (both, below) if h and header_key(h) in folded), both if below else above))
    if sum(header_key(h) in folded for h in joined if h) <= sum(header_key(h) in folded for h in top if h):
        return top, 1
    return joined, 2


def _first_filled(rows: list[list]) -> int | None:
    for i, row in enumerate(rows):
        if any(_cell_str(v) for v in row):
            return i
    return None


def _headers(row: list) -> list[str]:
    return [unicodedata.normalize("NFC", _cell_str(v)) for v in row]


def _frame(headers: list[str], rows: list[list], first_number: int, name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows under the header as a frame: rows with no value left out (their numbers kept for the others),
    columns with neither a header nor a value left out, a value under no header refused."""
    width = len(headers)
    for row in rows:
        width = max(width, len(row))
    cells = [list(r) + [None] * (width - len(r)) for r in rows]
    headers = headers + [""] * (width - len(headers))
    numbers = np.arange(first_number, first_number + len(rows))
    kept = data_columns(headers, width)
    filled = np.array([any(_cell_str(r[j]) for j in kept) for r in cells], dtype=bool)
    cells = [r for r, keep in zip(cells, filled) if keep]
    numbers = numbers[filled]
    keep = []
    for j, header in enumerate(headers):
        if header:
            keep.append(j)
            continue
        used = next((k for k, r in enumerate(cells) if _cell_str(r[j])), None)
        if used is not None:
            from openpyxl.utils import get_column_letter

            raise IngestError([Problem(name, f"cột {get_column_letter(j + 1)} có dữ liệu nhưng không có tiêu đề",
                                       int(numbers[used]), get_column_letter(j + 1))])
    frame = pd.DataFrame([[r[j] for j in keep] for r in cells], columns=range(len(keep)), dtype=object)
    frame.columns = [headers[j] for j in keep]
    return frame, numbers


def _empty(name: str) -> IngestError:
    return IngestError([Problem(name, "tệp trống: không có dòng tiêu đề và dữ liệu (dùng «cchc template» để lấy mẫu)")])


# --- Workbooks ---------------------------------------------------------------------------------------------------


def _read_workbook(path: Path, kinds: Iterable) -> Sheet:
    """The data of a workbook's sheet (``_workbook_parts``), whole."""
    with closing(_workbook_parts(path, kinds)) as parts:
        return next(parts)[0]


def _workbook_parts(path: Path, kinds: Iterable, size: int | None = None) -> Iterator[tuple[Sheet, bool]]:
    """The sheet whose header is a known kind's: of several, a visible one before a hidden one, and one with data
    before a template left empty (a hidden sheet of old rows, or an empty template placed first, had been read
    instead of the data). Which sheet was read is said when it is not the only one of its kind. Its rows come
    ``size`` at a time (all at once without one), each part with whether it is the last."""
    from openpyxl import load_workbook

    _packed_in_bounds(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        first, found_in = None, []
        for order, ws in enumerate(wb.worksheets):
            _sized(wb, ws)
            rows = map(_unescaped, ws.iter_rows(values_only=True, max_col=_columns_read(ws)))
            head = [list(r) for _, r in zip(range(HEADER_WITHIN), rows)]
            found = header_index(head, kinds)
            if found is None:
                if first is None and _first_filled(head) is not None:
                    first = (ws.title, head, _first_filled(head), rows)
                continue
            head, filled = _peek_data(head, found, rows)
            found_in.append(((ws.sheet_state != "visible", not filled, order), ws.title, head, found, rows))
        _one_sheet_of_data(path.name, [(c[1], _complete_kinds(c[2][c[3]], kinds)) for c in found_in
                                       if c[0][:2] == (False, False)])
        if found_in:
            (hidden, _, order), title, head, found, rows = min(found_in, key=lambda c: c[0])
            others = [c[1] for c in found_in if c[1] != title]
            said = None
            if others or hidden or order:
                said = (f"dữ liệu đọc từ trang «{title}»" + (" (trang ẩn)" if hidden else "")
                        + ("; không đọc trang " + ", ".join(f"«{t}»" for t in others) if others else ""))
            _within_bounds(path.name, wb[title])
            xml = _xml(wb, wb[title])
            header, taken = header_rows(head, found, kinds)
            xml.uncomputed = _in_columns_read(xml.uncomputed, header, kinds)
            xml.links = _in_linked_columns(xml.links, header, kinds)
            xml.percent = _in_number_columns(xml.percent, header, kinds)
            codes = _letters_under(header, kinds, lambda c: c.code)  # of codes only: a figure is its number
            xml.padded = [cell for cell in xml.padded if cell[1] in codes]
            for part, last in _sheet_parts(path.name, title, head, found, rows, said, xml, (header, taken), size):
                yield replace(part, epoch=wb.epoch), last
            return
        if first is None:
            raise _empty(path.name)
        title, head, found, rows = first  # no known header anywhere: the first filled row says what is wrong
        _within_bounds(path.name, wb[title])
        for part, last in _sheet_parts(path.name, title, head, found, rows,
                                       None if title == wb.worksheets[0].title else f"dữ liệu đọc từ trang «{title}»",
                                       size=size):
            yield replace(part, epoch=wb.epoch), last
    finally:
        wb.close()


# A part of a workbook that unpacks to this many bytes and a hundred times its packed size is a zip bomb, not a table
# (a sheet's rows, whose cells and row numbers differ, pack some fifteen times): a file of 3 MB held 3 GB of one
# letter as shared texts, read whole before a row; one of 600 KB, a header cell of 600 MB, read for more than ten
# minutes.
MAX_PART_UNPACKED = 64 << 20
MAX_PART_RATIO = 100


def _packed_in_bounds(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.file_size > MAX_PART_UNPACKED and info.file_size > MAX_PART_RATIO * max(info.compress_size, 1):
                raise IngestError([Problem(path.name, f"tệp nén bất thường: phần «{info.filename}» giải nén ra "
                                                      f"{thousands(info.file_size >> 20)} MB từ "
                                                      f"{thousands(max(info.compress_size >> 10, 1))} KB; mở bằng "
                                                      "Excel rồi lưu lại")])


def _complete_kinds(header: list, kinds: Iterable) -> set[str]:
    """The kinds whose every required column ``header`` names."""
    named = {header_key(_cell_str(c)) for c in header if _cell_str(c)}
    return {k.code for k in kinds if {header_key(c.header) for c in k.columns if c.required} <= named}


def _one_sheet_of_data(name: str, sheets: list[tuple[str, set[str]]]) -> None:
    """A workbook is read from one sheet: of several visible sheets holding data of one kind (a sheet per quarter,
    an export split in two), all but the first had been left out with a note, the file landing in part. A sheet
    of another kind, or of a few of its columns (a list for a drop-down, a summary), is not its data."""
    for title, complete in sheets:
        same = [t for t, other in sheets if complete & other]
        if len(same) > 1:
            raise IngestError([Problem(name, f"có dữ liệu ở {len(same)} trang ({', '.join(f'«{t}»' for t in same)}), "
                                             "mỗi tệp chỉ đọc một trang: tách mỗi trang thành một tệp và nhập các tệp "
                                             "cùng một lệnh, gộp về một trang, hoặc ẩn các trang không nhập")])


# Where a sheet's cells are (<c r="B7">, <row r="7">): a sheet is read as far as its cells go, not as far as the
# used range it declares (<dimension>), which a program filling a template may leave stale: openpyxl's reader
# stops at it, and the rows below it had been dropped without a word.
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})\d')
# a row holding cells (a row element of its own alone, such as a last row given a height, holds none)
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"[^>]*(?<!/)>\s*<(?:\w+:)?c\b')


def _sized(wb, ws) -> None:
    """``ws``'s extent taken from its cells; a sheet whose cells name no place (they may leave it out) is read
    without one, each row as long as its cells go."""
    from openpyxl.utils import column_index_from_string

    letters, last, tail = set(), 0, b""
    with wb._archive.open(ws._worksheet_path) as src:
        while block := src.read(1 << 24):
            text = tail + block
            letters.update(_CELL_COLUMN.findall(text))
            rows = _ROW_NUMBER.findall(text)
            if rows:
                last = max(last, max(map(int, rows)))
            tail = text[-200:]
    if not letters or not last:
        ws.reset_dimensions()
        return
    ws._min_row = ws._min_column = 1
    ws._max_row, ws._max_column = last, max(column_index_from_string(c.decode()) for c in letters)


def _columns_read(ws) -> int:
    """How many columns of ``ws`` are read: its used range's, at most MAX_SHEET_COLUMNS (each row is filled to it)."""
    return min(ws.max_column or MAX_SHEET_COLUMNS, MAX_SHEET_COLUMNS)


def _within_bounds(name: str, ws) -> None:
    """The sheet to be read whole has a used range a data table may have, or the file is refused before it is read:
    its empty cells would be made one by one."""
    from openpyxl.utils import get_column_letter

    rows, columns = ws.max_row or 0, ws.max_column or 0
    if columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS:
        raise IngestError([Problem(name, f"trang «{ws.title}» có vùng đã dùng đến ô {get_column_letter(columns)}{rows} "
                                         f"({thousands(rows)} dòng × {thousands(columns)} cột): quá lớn so với một bảng nhập "
                                         "liệu; xóa các dòng, cột thừa ngoài bảng (kể cả ô chỉ có định dạng) rồi lưu lại")])


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(row: tuple) -> tuple:
    """A workbook's row with text as written: Excel stores a control character of a cell as «_x001F_» (and an
    underscore before such a sequence as «_x005F_»), which openpyxl leaves as it is; read back, the character is
    found, and refused, as it is in a CSV."""
    if not any(isinstance(v, str) and "_x" in v for v in row):
        return row
    return tuple(_ESCAPED.sub(lambda m: chr(int(m[1], 16)), v) if isinstance(v, str) else v for v in row)


def _peek_data(head: list[list], found: int, rows: Iterator, most: int = 20_000) -> tuple[list[list], bool]:
    """Whether a data row follows the header (up to ``most`` rows on), with the rows read to know it kept. A report
    form's own lines are none: a form left empty is not the sheet of data beside it."""
    if any(_holds_data(r) for r in head[found + 1:]):
        return head, True
    for row in rows:
        head.append(list(row))
        if _holds_data(row):
            return head, True
        if len(head) > found + most:
            break
    return head, False


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# A cell holding a formula but no value worked out (<v> missing or empty): a workbook written by a program and
# never opened in Excel, whose formulas nobody has computed yet. A formula whose text is empty (=IF(B2="";"";…))
# is typed as text (t="str") with an empty value: that one was worked out.
_UNCOMPUTED = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"(?![^>]*\st="str")[^>]*>\s*<(?:\w+:)?f(?:\s[^>]*)?'
                         rb'(?:/>|>[^<]*</(?:\w+:)?f>)'
                         rb'\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')


@dataclass
class _Xml:
    """What openpyxl's reader of a sheet in read-only mode leaves out, read from the sheet's XML: its merged ranges
    (column, first row, last row; 1-based), its formulas with no value and its cells formatted as percentages
    (row, column letter)."""

    merged: list[tuple[int, int, int]] = field(default_factory=list)
    uncomputed: list[tuple[int, str]] = field(default_factory=list)
    percent: list[tuple[int, str]] = field(default_factory=list)
    links: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, column letter) → the address linked
    hidden: list[int] = field(default_factory=list)  # rows hidden (by a filter, or by hand)
    padded: list[tuple[int, str, tuple[int, int]]] = field(default_factory=list)  # formatted «00000», «0.000»


def _percent_styles(wb) -> list[int]:
    """The workbook's cell styles whose number format shows a percentage (0%, 0.0%: the cell holds 0.85 and shows
    85%); a «%» quoted or escaped is a mere sign."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    custom = list(wb._number_formats)
    found = []
    for i, style in enumerate(wb._cell_styles):
        fmt = BUILTIN_FORMATS.get(style.numFmtId) or (
            custom[style.numFmtId - 164] if 0 <= style.numFmtId - 164 < len(custom) else "")
        if "%" in re.sub(r'"[^"]*"|\\.', "", fmt or ""):
            found.append(i)
    return found


def _zero_styles(wb) -> dict[int, tuple[int, int]]:
    """The workbook's cell styles whose number format writes a number with zeros to a width before its point or
    after it («00000»: the cell holds 4 and shows 00004, a commune's code; «0.000000»: 1.00088 shows 1.000880, a
    procedure's), with those widths."""
    custom = list(wb._number_formats)
    found = {}
    for i, style in enumerate(wb._cell_styles):
        fmt = custom[style.numFmtId - 164] if 0 <= style.numFmtId - 164 < len(custom) else ""
        # the section of numbers ≥ 0 is the first: «00000;@» shows 4 as 00004 and text as it is
        if (m := re.fullmatch(r"(0+)(?:\.(0+))?", (fmt or "").split(";")[0])) and (len(m[1]) > 1 or m[2]):
            found[i] = (len(m[1]), len(m[2] or ""))
    return found


def _xml(wb, ws) -> _Xml:
    from openpyxl.utils import column_index_from_string

    styles = _percent_styles(wb)
    percent = (re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"[^>]*?\ss="(?:' + "|".join(map(str, styles)).encode()
                          + rb')"') if styles else None)
    zeros = _zero_styles(wb)
    padded = (re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"[^>]*?\ss="(' + "|".join(map(str, zeros)).encode()
                         + rb')"') if zeros else None)
    found, tail, links = _Xml(), b"", None
    with wb._archive.open(ws._worksheet_path) as src:
        while block := src.read(1 << 24):
            text = tail + block
            found.merged += [(column_index_from_string(m[1].decode()), int(m[2]), int(m[4]))
                             for m in _MERGED.finditer(text)]
            if b"<f" in text or b":f" in text:
                found.uncomputed += [(int(m[2]), m[1].decode()) for m in _UNCOMPUTED.finditer(text)]
            if percent is not None:
                found.percent += [(int(m[2]), m[1].decode()) for m in percent.finditer(text)]
            if padded is not None:
                found.padded += [(int(m[2]), m[1].decode(), zeros[int(m[3])]) for m in padded.finditer(text)]
            if b"HYPERLINK" in text:
                found.links.update(((int(m[2]), m[1].decode()), html.unescape(m[3].decode()))
                                   for m in _LINK_FORMULA.finditer(text))
            if b"<hyperlink" in text or b":hyperlink" in text:
                links = _link_targets(wb, ws) if links is None else links
                for m in _HYPERLINK.finditer(text):
                    attributes = dict(_ATTRIBUTE.findall(m[1].decode()))
                    target = links.get(attributes.get("r:id", ""))
                    ref = re.match(r"([A-Z]+)(\d+)$", attributes.get("ref", "").split(":")[0])
                    if target and ref:
                        found.links[(int(ref[2]), ref[1])] = target
            if b"hidden=" in text:
                found.hidden += [int(m[1]) for m in _HIDDEN_ROW.finditer(text)]
            tail = text[-400:] if b"<" in text[-400:] else b""
    # what sits at a block's edge is found in both blocks
    found.merged, found.uncomputed = list(dict.fromkeys(found.merged)), list(dict.fromkeys(found.uncomputed))
    found.percent = list(dict.fromkeys(found.percent))
    found.padded = list(dict.fromkeys(found.padded))
    found.hidden = sorted(set(found.hidden))
    return found


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?=[^>]*\shidden="(?:1|true)")[^>]*?\sr="(\d+)"')


# A cell's link: the sheet's <hyperlink ref="E2" r:id="rId1"/> (its address in the sheet's relationships), or a
# formula =HYPERLINK("https://…";"Xem tài liệu") whose value is only the text shown.
_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_LINK_FORMULA = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"[^>]*>\s*<(?:\w+:)?f[^>]*>\s*HYPERLINK\(\s*(?:&quot;|")'
                           rb'([^"&]*(?:&amp;[^"&]*)*)(?:&quot;|")')


def _link_targets(wb, ws) -> dict[str, str]:
    """The external addresses of the sheet's relationships, by id."""
    folder, name = ws._worksheet_path.rsplit("/", 1)
    try:
        rels = wb._archive.read(f"{folder}/_rels/{name}.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    found = {}
    for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", rels):
        attributes = dict(_ATTRIBUTE.findall(m[1]))
        if attributes.get("Type", "").endswith("/hyperlink") and "Id" in attributes:
            found[attributes["Id"]] = html.unescape(attributes.get("Target", ""))
    return found


def _letters_under(header: list, kinds: Iterable, which) -> set[str]:
    """The column letters of ``header`` under a header of a kind's column for which ``which(column)`` holds."""
    from openpyxl.utils import get_column_letter

    wanted = {header_key(c.header) for kind in kinds for c in kind.columns if which(c)}
    return {get_column_letter(j + 1) for j, cell in enumerate(header) if header_key(_cell_str(cell)) in wanted}


def _in_linked_columns(links: dict, header: list, kinds: Iterable) -> dict:
    """Of ``links``, those under a header whose column keeps links (``Column.links``)."""
    keep = _letters_under(header, kinds, lambda c: c.links)
    return {place: url for place, url in links.items() if place[1] in keep}


def _in_number_columns(cells: list[tuple[int, str]], header: list, kinds: Iterable) -> list[tuple[int, str]]:
    """Of ``cells``, those under a header of figures: a code formatted as a percentage is still its number."""
    from store.ingest.columns import Number

    keep = _letters_under(header, kinds, lambda c: isinstance(c, Number))
    return [(row, column) for row, column in cells if column in keep]


def _with_links(body: list[list], first: int, links: dict) -> None:
    """A linked cell's text with its address: «Xem tài liệu (https://…/qd-12.pdf)»; the text shown alone had
    lost the document it points to."""
    from openpyxl.utils import column_index_from_string

    for (row, letter), url in links.items():
        column = column_index_from_string(letter) - 1
        if not url or not 0 <= row - first < len(body) or column >= len(body[row - first]):
            continue
        text = _cell_str(body[row - first][column])
        body[row - first][column] = url if not text or text == url else text if url in text else f"{text} ({url})"


def _as_shown(body: list[list], first: int, cells: list[tuple[int, str]]) -> None:
    """The numbers of ``cells`` formatted as percentages, as the sheet shows them («85%» for 0.85, «85,5%»):
    read as the number they hold, a satisfaction rate of 85% had counted as 0.85%. The column says whether it
    takes a percentage (store.ingest.columns.Number)."""
    from openpyxl.utils import column_index_from_string

    for row, letter in cells:
        column = column_index_from_string(letter) - 1
        if not 0 <= row - first < len(body) or column >= len(body[row - first]):
            continue
        value = body[row - first][column]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = f"{round(value * 100, 10):.10f}".rstrip("0").rstrip(".")
            body[row - first][column] = shown.replace(".", ",") + "%"


def _zeros_shown(body: list[list], first: int, cells: list[tuple[int, str, tuple[int, int]]]) -> None:
    """The codes of ``cells`` typed as numbers under a format of zeros, as the sheet shows them («00004» for 4,
    «1.000880» for 1.00088): their zeros were never lost, and read as the number they hold they had made another
    code. A number the format would round is left as it is (and said as a code typed as a number)."""
    from openpyxl.utils import column_index_from_string

    for row, letter, (width, decimals) in cells:
        column = column_index_from_string(letter) - 1
        if not 0 <= row - first < len(body) or column >= len(body[row - first]):
            continue
        value = body[row - first][column]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            continue
        shown = f"{value:.{decimals}f}"
        if float(shown) == value:
            whole, point, rest = shown.partition(".")
            body[row - first][column] = whole.zfill(width) + point + rest


def _in_columns_read(cells: list[tuple[int, str]], header: list, kinds: Iterable) -> list[tuple[int, str]]:
    """Of ``cells`` (row, column letter), those under a header a kind reads: the row numbers of an «STT» column
    (=ROW()-1) are read by none, whatever they hold."""
    read = _letters_under(header, kinds, lambda c: True)
    return [(row, column) for row, column in cells if column in read]


def _uncomputed(name: str, title: str, cells: list[tuple[int, str]], first: int) -> None:
    """Formulas of the data rows with no value are refused: read as empty cells, they had been refused as empty
    (a required cell) or landed as nothing (another)."""
    cells = sorted((row, column) for row, column in cells if row >= first)
    if not cells:
        return
    where = ", ".join(f"{column}{row}" for row, column in cells[:SHOWN_CELLS])
    more = f" và {len(cells) - SHOWN_CELLS} ô khác" if len(cells) > SHOWN_CELLS else ""
    raise IngestError([Problem(name, f"trang «{title}» có ô công thức chưa được tính giá trị ({where}{more}): tệp do "
                                     "chương trình khác tạo và chưa mở bằng Excel; mở tệp bằng Excel rồi lưu lại",
                               cells[0][0], cells[0][1])])


SHOWN_CELLS = 5


# A report form's last lines (notes, place and date, signatures) are left out only at the sheet's end: a part read
# before the last leaves at least this many rows to it, so that they are never cut between two parts.
FORM_TAIL = 200


def _sheet_parts(name: str, title: str, head: list[list], found: int, rest: Iterator, said: str | None,
                 xml: _Xml | None = None, header: tuple[list[str], int] | None = None,
                 size: int | None = None) -> Iterator[tuple[Sheet, bool]]:
    """The sheet ``title`` read from its header on (``said``: which sheet was read, when there is more to say
    than that it is the first; ``header``: the headers and the rows they take, when not the row found alone),
    ``size`` rows at a time, each part with whether it is the last; the notes of how it was read come with the
    first part, those of the rows read (hidden ones) with the last. A cell merged over data rows (a unit's code over
    its rows) holds its value in each of them, as the sheet shows it: Excel keeps it in the first only."""
    xml = xml or _Xml()
    headers, taken = header or (_headers(head[found]), 1)
    first = found + 1 + taken  # the sheet's row of the first data row
    _uncomputed(name, title, xml.uncomputed, first)
    rows = chain(head[found + taken:], (list(r) for r in rest))
    notes = [said] if said else []
    if found or taken > 1:
        notes.append(header_said(found, taken))
    hidden, merged_above, at = [], {}, first
    ahead = list(islice(rows, size + FORM_TAIL)) if size else list(rows)
    while True:
        more = list(islice(rows, size)) if size and len(ahead) >= size + FORM_TAIL else []
        body, ahead = (ahead[:size], ahead[size:] + more) if more else (ahead, [])
        if ahead:  # a pasted table's title lines go with the repeated header under them (``_titles_above``)
            cut = len(body)
            while cut > len(body) - TITLES_ABOVE and len(_filled_cells(body[cut - 1])) <= 1:
                cut -= 1
            body, ahead = body[:cut], body[cut:] + ahead
        last = not ahead
        _as_shown(body, at, xml.percent)
        _zeros_shown(body, at, xml.padded)
        _with_links(body, at, xml.links)
        _merged_down(body, at, xml.merged, merged_above)
        frame, numbers = _frame(headers, body, at, name)
        hidden.extend(np.intersect1d(numbers, xml.hidden))
        if last and hidden:  # a sheet filtered to a unit's rows still sends them all: said, as they are read
            listed = ", ".join(map(str, hidden[:SHOWN_CELLS])) + (f" và {len(hidden) - SHOWN_CELLS} dòng khác"
                                                                   if len(hidden) > SHOWN_CELLS else "")
            notes.append(f"dòng {listed} đang ẩn trên trang (lọc hoặc ẩn dòng) vẫn được đọc")
        yield Sheet(frame, numbers, found + taken, title, notes), last
        if last:
            return
        notes, at = [], at + len(body)


def _merged_down(body: list[list], at: int, merged: list[tuple[int, int, int]], above: dict) -> None:
    """Each merged range's value written into its rows of ``body`` (the sheet's rows from ``at``); ``above`` keeps
    the values of ranges that go on into the rows of a part to come."""
    end = at + len(body)
    for column, top, bottom in merged:
        if bottom < at or top >= end:
            continue
        if top >= at:
            if len(body[top - at]) < column:
                continue
            value = above[(column, top)] = body[top - at][column - 1]
        elif (column, top) in above:
            value = above[(column, top)]
        else:
            continue
        for row in body[max(top + 1, at) - at:min(bottom, end - 1) - at + 1]:
            row.extend([None] * (column - len(row)))
            if row[column - 1] is None:
                row[column - 1] = value


def header_said(found: int, taken: int) -> str:
    return f"dòng tiêu đề là dòng {found + 1}" + (f"–{found + taken}" if taken > 1 else "")


# --- The lines of a report form that are not data ------------------------------------------------------------------
# A Vietnamese report form numbers its columns under the header («(1) (2) (3)…»), adds a row of totals, and ends
# with the place and date and the signatures («NGƯỜI LẬP BIỂU», «(Ký, ghi rõ họ tên)»): read as data, each cell of
# them was refused as a unit, a date, a number. They are left out, and the file's status says which.

# a column's number: 1, (1), A, (A), and a computed column's «(5)=(4)/2»
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2}|[A-Za-z])\)?(?:\s*=.*)?$")
# a row of totals begins with one of these, as written, with their marks (a unit's code «TONG» is no total)
_TOTALS = re.compile(r"^(?:tổng cộng|tổng số)(?:\s|[:.(]|$)|^(?:tổng|cộng)\s*(?:[:.(]|toàn\b|chung\b|$)"
                     r"|^(?:grand )?total\s*(?:[:.(]|$)")  # an Excel table's totals row in English
# A cell of a signature block holds nothing else: the place and date line, a signer's title, the signing note.
_SIGNATURE = re.compile(
    r"^(?:[^,]{0,40},\s*)?ngay\W*(?:\d+|\.+|…)?\W*thang\W*(?:\d+|\.+|…)?\W*nam\W*(?:\d{4}|\.+|…)?\W*$"
    r"|^\(?\s*ky\b[^()]{0,40}(?:ho (?:va )?ten|dong dau|ghi ro)\W*\)?$"
    r"|^noi nhan\b"
    r"|^(?:(?:kt|tm|q|tl|tuq)\W+)?(?:pho\s+)?(?:nguoi lap(?: bieu)?|thu truong(?: don vi| co quan)?|ke toan truong"
    r"|giam doc|chu tich|truong phong|chanh van phong)\W*$")
_NOTE = re.compile(r"^(?:ghi chu|luu y|nguon)\b")  # a note under the table, before the signatures
SPARSE = 3  # a line under the table holds a few cells; a data row, most of the table's


def _signature(cells: list[str]) -> bool:
    return bool(cells) and any(_SIGNATURE.match(fold(c)) for c in cells)


def _under_table(cells: list[str]) -> bool:
    """Whether a row may be part of what follows the table: a few cells, or signers' titles alone."""
    return len(cells) <= SPARSE or all(_SIGNATURE.match(fold(c)) for c in cells)


def _totals(cells: list[str]) -> bool:
    """Whether a row's first cell begins a row of totals (as written, marks and all)."""
    return bool(_TOTALS.match(" ".join(unicodedata.normalize("NFC", cells[0]).lower().split())))


def _holds_data(row) -> bool:
    cells = _filled_cells(row)
    return bool(cells) and not (_numbering(cells) or _signature(cells) or _NOTE.match(fold(cells[0]))
                                or _totals(cells))


def form_line(row: list[str], first: bool = False) -> bool:
    """Whether a row may be a report form's own: the line numbering the columns (``first``: the row under the
    header), totals, a note or a signature. A hint for a reader that cannot leave them out (the fast CSV reader),
    not the decision, which ``without_form_lines`` makes."""
    cells = _filled_cells(row)
    if not cells:
        return False
    return (first and _numbering(cells)) or _totals(cells) or _signature(cells) or bool(_NOTE.match(fold(cells[0])))


def _filled_cells(row) -> list[str]:
    return [text for text in (_cell_str(v) for v in row) if text]


# A row naming a group of the rows under it, typed once across the table: «I. KHỐI SỞ, BAN, NGÀNH», «B. Cấp xã»,
# or «II» in the «STT» column beside «Khối huyện». Words a person's name may begin with («Phan …») are not among
# them: a row of a name alone is a row missing its cells, refused as such.
_SECTION = re.compile(r"^(?:[ivx]+|[a-z])\s*[.)/]\s*\S|^(?:khoi|nhom|khu vuc|don vi cap|cap (?:tinh|huyen|xa|so))\b")
_SECTION_MARK = re.compile(r"^(?:[IVX]+|[A-Z])[.)]?$")


def _section(every: list[str], counted: list[str]) -> bool:
    """Whether a row names a group: one cell of words (beside, perhaps, its numeral in the «STT» column)."""
    if len(counted) != 1 or len(every) > 2 or (len(every) == 2 and not _SECTION_MARK.match(every[0])):
        return False
    text = counted[0]
    return not any(c.isdigit() for c in text[:1]) and (len(every) == 2 or bool(_SECTION.match(fold(text))))


def _header_again(frame: pd.DataFrame) -> np.ndarray:
    """Which rows repeat the header (two tables pasted one under the other, each with its header; exports joined
    end to end): every cell they fill is its column's header, and they fill at least two and half the named
    columns. Read as data, each of their cells was refused as a unit, a date, a number."""
    named = [(j, header_key(h)) for j, h in enumerate(frame.columns) if isinstance(h, str) and header_key(h)]
    first = next((j for j, _ in named), None)
    if first is None:
        return np.zeros(len(frame), dtype=bool)
    codes, uniques = pd.factorize(frame.iloc[:, first])  # each distinct cell folded once: few in a column of codes
    heads = [k for k, v in enumerate(uniques) if header_key(_cell_str(v)) == named[0][1]]
    maybe = np.flatnonzero(np.isin(codes, heads))
    again = np.zeros(len(frame), dtype=bool)
    for i in maybe:
        cells = [(header_key(_cell_str(frame.iat[i, j])), key) for j, key in named if _cell_str(frame.iat[i, j])]
        again[i] = len(cells) >= max(2, len(named) / 2) and all(cell == key for cell, key in cells)
    return again


TITLES_ABOVE = 3  # a pasted table's title lines: «UBND XÃ …», «BÁO CÁO …», «Quý II năm 2024»


def _titles_above(every: list[list[str]], again: np.ndarray) -> set[int]:
    """The title lines of a table pasted under another, right above its repeated header: each one cell of words
    (a row of a code alone is a row missing its cells, refused as such). Read as data, they were refused cell by
    cell though the header under them was left out."""
    titles = set()
    for i in np.flatnonzero(again):
        k = i - 1
        while k >= 0 and i - k <= TITLES_ABOVE and len(every[k]) == 1 and " " in every[k][0] and not again[k]:
            titles.add(k)
            k -= 1
    return titles


def _numbering(cells: list[str]) -> bool:
    """Whether the cells number the columns: 1, 2, 3… or (A), (B)…, in order (letters, then numbers from 1)."""
    found = [_COLUMN_NUMBER.match(c) for c in cells]
    if len(cells) < 3 or not all(found):
        return False
    marks = [int(m[1]) if m[1].isdigit() else ord(m[1].upper()) for m in found]
    return all(b == a + 1 or (a >= ord("A") and b == 1) for a, b in zip(marks, marks[1:]))


def without_form_lines(sheet: Sheet, first: bool = True, last: bool = True) -> Sheet:
    """``sheet`` without the line numbering its columns, the rows of totals and the signature block at its end (of a
    sheet read in parts, ``first``: the part under the header; ``last``: the part at the sheet's end)."""
    frame, numbers = sheet.frame, sheet.numbers
    if frame.empty:
        return sheet
    every = [_filled_cells(r) for r in frame.itertuples(index=False, name=None)]  # the «STT» column's too
    counted = [j for j in range(frame.shape[1]) if j not in row_numbers(list(frame.columns))]
    rows = [_filled_cells(r) for r in frame.iloc[:, counted].itertuples(index=False, name=None)]
    drop, notes = set(), []
    if first and (_numbering(every[0]) or _numbering(rows[0])):
        drop.add(0)
        notes.append(f"bỏ qua dòng {numbers[0]}: dòng đánh số cột")
    again = _header_again(frame)
    titles = _titles_above(every, again)
    for i, cells in enumerate(every):
        if again[i]:
            drop.add(i)
            notes.append(f"bỏ qua dòng {numbers[i]}: dòng tiêu đề lặp lại")
        elif i in titles:
            drop.add(i)
            notes.append(f"bỏ qua dòng {numbers[i]}: dòng tên bảng «{shown(cells[0], 40)}» trên dòng tiêu đề lặp lại")
        elif cells and _totals(cells):
            drop.add(i)
            notes.append(f"bỏ qua dòng {numbers[i]}: dòng tổng cộng (hệ thống tự tính)")
        elif _section(cells, rows[i]):
            drop.add(i)
            notes.append(f"bỏ qua dòng {numbers[i]}: dòng tên nhóm «{shown(rows[i][0], 40)}»")
    end = len(rows)
    while last and end and _under_table(rows[end - 1]):
        end -= 1
    trailer = next((i for i in range(end, len(rows))
                    if _signature(every[i]) or (every[i] and _NOTE.match(fold(every[i][0])))), None)
    if trailer is not None and not any(_signature(r) for r in every[trailer:]):
        trailer = None  # a note without signatures under it is the table's own last row
    if trailer is not None:
        drop.update(range(trailer, len(rows)))
        notes.append(f"bỏ qua dòng {numbers[trailer]}–{numbers[-1]}: phần địa danh, ngày tháng và ký tên cuối biểu"
                     if trailer < len(rows) - 1 else f"bỏ qua dòng {numbers[trailer]}: phần ký tên cuối biểu")
    if not drop:
        return sheet
    keep = np.array([i not in drop for i in range(len(rows))])
    return replace(sheet, frame=frame[keep].reset_index(drop=True), numbers=numbers[keep], notes=sheet.notes + notes)


# --- CSV ---------------------------------------------------------------------------------------------------------


def _decoded(path: Path, name: str, kinds: Iterable) -> tuple[object, int, list[str]]:
    """The file as UTF-8 bytes to read from (its path, or a buffer when it had to be converted), where its text
    starts (after a BOM and Excel's «sep=» line), and a note when it was converted."""
    return _without_sep_line(*_line_feeds(*_without_end_mark(*_utf8(path, name, kinds))))


def _without_end_mark(source, start: int, notes: list[str]) -> tuple[object, int, list[str]]:
    """A file without the end-of-file mark (Ctrl-Z, 0x1A) that programs of DOS's time write after the last line:
    read as a row, it had been refused as a cell holding a control character."""
    if isinstance(source, io.BytesIO):
        data = source.getvalue()
        if not data.endswith(b"\x1a"):
            return source, start, notes
    else:
        if os.path.getsize(source) <= start:
            return source, start, notes
        with open(source, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\x1a":
                return source, start, notes
        data = Path(source).read_bytes()
    return io.BytesIO(data[start:].rstrip(b"\x1a")), 0, notes


# Excel's line naming a CSV's separator («sep=;», first in the file): Excel reads it and shows the table under it,
# whose header is its row 1. Read as a title, it had made every row named one below the one Excel shows.
_SEP_LINE = re.compile(rb'"?sep=[^\r\n]"?[ \t]*\r?\n', re.IGNORECASE)


def _without_sep_line(source, start: int, notes: list[str]) -> tuple[object, int, list[str]]:
    if isinstance(source, io.BytesIO):
        head = source.getvalue()[start:start + 16]
    else:
        with open(source, "rb") as fh:
            fh.seek(start)
            head = fh.read(16)
    found = _SEP_LINE.match(head)
    return source, start + (found.end() if found else 0), notes


# A quoted cell, or one cut by the end of what was read of the file.
_QUOTED = re.compile(rb'"[^"]*(?:"|$)')


def _line_feeds(source, start: int, notes: list[str]) -> tuple[object, int, list[str]]:
    """A file whose lines end with a carriage return alone (Excel for Mac's «CSV (Macintosh)») with line feeds
    instead: every reader here ends a line at a line feed, and read as it was the whole file was one line, its
    cells taken for headers."""
    data = source.getvalue() if isinstance(source, io.BytesIO) else None
    if data is None:
        with open(source, "rb") as fh:
            fh.seek(start)
            head = fh.read(1 << 16)
    else:
        head = data[start:start + (1 << 16)]
    outside = _QUOTED.sub(b"", head)  # a cell's own line breaks (Alt+Enter: a line feed) end no line
    if b"\n" in outside or b"\r" not in outside[:-1]:  # a CR last may be the first half of a CRLF cut by the read
        return source, start, notes
    data = data if data is not None else Path(source).read_bytes()
    return io.BytesIO(data[start:].replace(b"\r", b"\n")), 0, notes


def _utf8(path: Path, name: str, kinds: Iterable) -> tuple[object, int, list[str]]:
    """``_decoded`` but for its line ends."""
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start.startswith(codecs.BOM_UTF8):
        return path, 3, []
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = path.read_bytes()
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise IngestError([_not_utf16(data, err.start, name, kinds)]) from None
        return io.BytesIO(unicodedata.normalize("NFC", text).encode("utf-8")), 0, ["tệp ở mã UTF-16"]
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 3:  # not a character cut at the end of what was read
            text, encoding = _legacy(path, name, kinds)
            return io.BytesIO(text.encode("utf-8")), 0, [f"tệp ở mã {encoding}, đã đổi sang UTF-8"]
    return path, 0, []


def _not_utf8(path: Path, name: str, kinds: Iterable = ()) -> Problem:
    """A file that is UTF-8 where its encoding is told (its start) and not further on: the row and column of the
    first byte that is not, so that the one cell can be put right. Rows are records, as everywhere: a quoted cell
    may hold line breaks and separators."""
    from openpyxl.utils import get_column_letter

    bad = _first_not_utf8(path)
    if bad is None:
        return Problem(name, NOT_UTF8)

    def place(mm) -> tuple[int, str]:
        begin = len(codecs.BOM_UTF8) if mm[:3] == codecs.BOM_UTF8 else 0
        sep_line = _SEP_LINE.match(mm[begin:begin + 16])
        begin += sep_line.end() if sep_line else 0
        head = mm[begin:min(bad, begin + (1 << 16))].decode("utf-8", "replace").splitlines()[:HEADER_WITHIN]
        sep = _separator(head, kinds)[0]  # the header's, under any title rows
        if mm.find(b'"', begin, bad) < 0:  # no quote before it: records are lines, counted a block at a time
            rows = sum(mm[at:min(at + (1 << 24), bad)].count(b"\n") for at in range(begin, bad, 1 << 24))
            record = mm.rfind(b"\n", begin, bad) + 1 or begin
        else:
            last, _, rows = quote_scan(mm, sep, begin, bad)
            record = max(begin, last + 1)
        return rows + 1, get_column_letter(_cell_at(mm, record, bad, sep) + 1)

    row, column = _asked_of_bytes(path, place, None)
    return Problem(name, "ô có byte không thuộc mã UTF-8 (sửa ô này, hoặc lưu lại tệp với «CSV UTF-8»)", row, column)


def _not_utf16(data: bytes, bad: int, name: str, kinds: Iterable) -> Problem:
    """A UTF-16 file («Unicode Text») with two bytes that are no character (half a pair, or a last byte alone: a
    file cut short): the row and column where they stand, as a file of lines read so far shows them."""
    from openpyxl.utils import get_column_letter

    before = data[:bad - (bad % 2)].decode("utf-16", "replace")
    sep = _separator(before.splitlines()[:HEADER_WITHIN], kinds)[0]
    line = before.rsplit("\n", 1)[-1]
    return Problem(name, "ô có ký tự không đọc được ở mã UTF-16 (tệp bị cắt ngang hoặc hỏng): sửa ô này, hoặc lưu "
                         "lại tệp từ Excel", before.count("\n") + 1, get_column_letter(line.count(sep) + 1))


def _first_not_utf8(path: Path) -> int | None:
    """Where the first byte that is not UTF-8 stands in ``path`` (None: every byte is)."""
    decoder, at = codecs.getincrementaldecoder("utf-8")(), 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            held = len(decoder.getstate()[0])  # the bytes of a character cut at the end of the block before
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                return at + err.start - held
            at += len(block)
    held = len(decoder.getstate()[0])
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # a character cut at the file's end
        return at - held
    return None


# The 8-bit encodings of Vietnamese offices, in the order they are tried: Excel's «CSV» on a Vietnamese Windows,
# then the fonts of older machines (store.ingest.encodings).
LEGACY = {"Windows-1258": "cp1258", "TCVN3 (ABC)": "tcvn3", "VNI-Windows": "vni"}
HOW_TO_CONVERT = ("chuyển sang Unicode (ví dụ Unikey: Công cụ chuyển mã, nguồn {name}, đích Unicode) rồi lưu lại "
                  "với «CSV UTF-8»")


def _in(data: bytes, encoding: str) -> str | None:
    try:
        if encoding in ("tcvn3", "vni"):
            return encodings.decode(data, encoding)
        return unicodedata.normalize("NFC", data.decode(encoding))
    except (UnicodeDecodeError, encodings.NotThisEncoding):
        return None


def _legacy(path: Path, name: str, kinds: Iterable) -> tuple[str, str]:
    """A CSV saved in an 8-bit Vietnamese encoding, as text, and that encoding's name: taken when its header reads
    as the template's, with every diacritic where it belongs (any single-byte file decodes to something; only the
    right encoding gives the headers back). Refused otherwise, naming the encoding the bytes can only be in."""
    data = path.read_bytes()
    head = data[:1 << 16]
    fits = []
    for label, encoding in LEGACY.items():
        text = _in(head, encoding)
        if text is None:
            continue
        fits.append((label, text))
        if _separator(text.splitlines()[:HEADER_WITHIN], kinds, exact=True)[1] is not None:
            whole = _in(data, encoding)
            if whole is None:
                raise IngestError([Problem(name, f"tệp CSV ở mã {label} nhưng có byte không thuộc mã này: "
                                                 + HOW_TO_CONVERT.format(name=label))])
            return whole, label
    readable = [label for label, text in fits if not encodings.misread_words(text)]
    if len(readable) == 1 and readable[0] != "Windows-1258":  # Vietnamese in one of the fonts' encodings only
        raise IngestError([Problem(name, f"tệp CSV không ở mã UTF-8; có vẻ ở mã {readable[0]}: "
                                         + HOW_TO_CONVERT.format(name=readable[0]))])
    if _separator(head.decode("utf-8", "replace").splitlines()[:HEADER_WITHIN], kinds, exact=True)[1] is not None:
        raise IngestError([_not_utf8(path, name, kinds)])  # UTF-8 headers: a UTF-8 file but for a byte or a few
    raise IngestError([Problem(name, NOT_UTF8)])


def _split(lines: list[str], sep: str) -> list[list[str]]:
    """Lines of the head of a CSV as cells (a line of more than 64 KB is data, never the header: left empty)."""
    return [_cells(line, sep) if line.strip() and len(line) < 1 << 16 else [] for line in lines]


def _cells(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:  # a line break the parser will not take where it stands: cut plainly (the head is only looked at)
        return line.rstrip("\r\n").split(sep)


def _separator(lines: list[str], kinds: Iterable, exact: bool = False) -> tuple[str, int | None]:
    """The separator under which a header row of a known kind appears (Excel in a Vietnamese locale saves «CSV»
    with semicolons, «Unicode Text» with tabs), and that row's position; without one, the separator the first
    filled line uses most."""
    for sep in (",", ";", "\t"):
        found = header_index(_split(lines, sep), kinds, exact)
        if found is not None:
            return sep, found
    first = next((line for line in lines if line.strip()), "")
    return max((",", ";", "\t"), key=lambda sep: (first.count(sep), sep == ",")), None


def _records(fh, limit: int) -> list[tuple[bytes, int]]:
    """The first records of a CSV as (raw bytes, offset of the next record); a quoted cell may hold line breaks,
    so a record ends where no quoted cell is left open, whichever the separator."""
    out, offset = [], fh.tell()
    while len(out) < limit:
        line = fh.readline()
        if not line:
            break
        if b'"' in line:
            record, open_in = bytearray(line), [_OpenCell(sep) for sep in (",", ";", "\t")]
            # a quoted cell still open (a quote inside a cell's text is a letter): read on, each line's quotes
            # followed from where the last left off (scanning the whole record again at each line was quadratic:
            # a cell of 8,000 lines took minutes)
            while any([cell.feed(record, len(record) - len(line)) for cell in open_in]):
                line = fh.readline()
                if not line:
                    break
                record += line
            line = bytes(record)
        offset += len(line)
        out.append((line, offset))
    return out


class _OpenCell:
    """Whether a record read so far leaves a quoted cell open, for one separator; fed the record as it grows,
    following its quotes as ``quote_scan`` does."""

    def __init__(self, sep: str):
        self.starts, self.inside, self.escaped = (sep.encode(), b"\n", b"\r"), False, -1

    def feed(self, buf: bytearray, start: int) -> bool:
        for found in _QUOTE_OR_BREAK.finditer(buf, start):
            at = found.start()
            if at == self.escaped or buf[at] == 0x0A:
                continue
            if self.inside:
                if buf[at + 1:at + 2] == b'"':
                    self.escaped = at + 1
                else:
                    self.inside = False
            elif at == 0 or bytes(buf[at - 1:at]) in self.starts:
                self.inside = True
        return self.inside


def _has_inner_blank_line(source, start: int) -> bool:
    """Whether a blank line sits between records after ``start`` (the fast reader would skip it silently and
    every later row would be named one too high)."""
    def find(buf) -> bool:
        for gap in (b"\n\n", b"\n\r\n"):
            pos = buf.find(gap, start)
            if pos >= 0 and buf[pos:].strip():
                return True
        return False

    return _asked_of_bytes(source, find, False)


def _asked_of_bytes(source, ask, empty):
    """``ask`` of a file's bytes: a converted file's buffer, or the file mapped, never read into memory
    (``empty``: the answer for an empty file, which cannot be mapped)."""
    if isinstance(source, io.BytesIO):
        return ask(source.getvalue())
    with open(source, "rb") as fh:
        if not os.fstat(fh.fileno()).st_size:
            return empty
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return ask(mm)


# Arrow's reader cuts a file into blocks of a megabyte and reads them in threads: a line about that long straddles
# two, which it refuses in most runs and, in some, reads with its cell cut short. Such a file goes to pandas'.
LONGEST_FOR_ARROW = 1 << 19


def _longest_line(source, start: int) -> int:
    """The length of the longest line after ``start``, counted a block at a time."""
    def longest(buf) -> int:
        data = np.frombuffer(buf, dtype=np.uint8)
        most, last = 0, start - 1
        for at in range(start, len(data), 1 << 26):
            breaks = np.flatnonzero(data[at:at + (1 << 26)] == 0x0A) + at
            if len(breaks):
                most = max(most, int(breaks[0] - last), int(np.diff(breaks).max()) if len(breaks) > 1 else 0)
                last = int(breaks[-1])
        most = max(most, len(data) - last)
        del data  # the map cannot close while a view of it is held
        return most

    return _asked_of_bytes(source, longest, 0)


_QUOTE_OR_BREAK = re.compile(rb'["\n]')


def quote_scan(buf, sep: str, start: int = 0, end: int | None = None) -> tuple[int, int | None, int]:
    """Quotes followed as a CSV parser reads them through ``buf[start:end]``, ``start`` a record's start: a quote
    that begins a cell opens it, a quote written twice inside is one letter, any other quote inside a cell not
    quoted is a letter («H20"24»). Returns where the last line break outside quotes stands (-1: none; where a cell
    is still open at the end, the last before it), where that cell was opened (None: none), and how many line
    breaks outside quotes come before it (or in all): the records before its own."""
    inside, last, escaped, opened, breaks, before = False, -1, -1, None, 0, 0
    starts = (sep.encode(), b"\n", b"\r")
    for found in _QUOTE_OR_BREAK.finditer(buf, start, len(buf) if end is None else end):
        at = found.start()
        if at == escaped:
            continue
        if buf[at] == 0x0A:
            if not inside:
                last, breaks = at, breaks + 1
        elif inside:
            if buf[at + 1:at + 2] == b'"':
                escaped = at + 1
            else:
                inside = False
        elif at == start or buf[at - 1:at] in starts:
            inside, opened, before = True, at, breaks
    return (last, opened, before) if inside else (last, None, breaks)


def quotes_in_doubt(buf, sep: str, start: int = 0, end: int | None = None) -> bool:
    """Whether the quotes of ``buf[start:end]`` (``start``: a record's start) may leave a cell open, so that they
    must be followed one by one (``quote_scan``): odd in number, or one of them inside a cell's text, at neither
    edge of a cell and not written twice («H20"24», a letter to the parser, which shifts the count). Quotes in
    pairs at cells' edges all close. Vectorised, a block at a time: a Python scan of every quote of a quoted
    export would take seconds."""
    data = np.frombuffer(buf, dtype=np.uint8)
    end = len(data) if end is None else end
    inner = np.ones(256, dtype=bool)  # bytes that are neither a separator, a line's end nor a quote
    inner[list(sep.encode() + b'\n\r"')] = False
    count = 0
    for at in range(start, end, 1 << 26):
        quotes = np.flatnonzero(data[at:min(at + (1 << 26), end)] == 0x22) + at
        count += len(quotes)
        quotes = quotes[(quotes > start) & (quotes < len(data) - 1)]
        if len(quotes) and (inner[data[quotes - 1]] & inner[data[quotes + 1]]).any():
            return True
    return bool(count % 2)


def _cell_at(buf, record: int, at: int, sep: str) -> int:
    """The index of the cell that byte ``at`` of the record starting at ``record`` falls in (a record's cells may
    hold quoted separators and line breaks)."""
    text = bytes(buf[record:at]).decode("utf-8", "replace")
    cells = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [""])
    return max(1, len(cells)) - 1


def _unclosed_quote(name: str, source, start: int, sep: str, first_row: int, headers: list[str]) -> None:
    """Refuses a file with a cell whose quote opens and never closes: parsers read the rest of the file into
    that cell, or, Arrow's, drop the rows of the block it is in without a word. Its row and column are named."""
    from openpyxl.utils import get_column_letter

    def check(buf) -> None:
        if not quotes_in_doubt(buf, sep, start):
            return
        last, opened, before = quote_scan(buf, sep, start)
        if opened is None:
            return
        j = _cell_at(buf, max(start, last + 1), opened, sep)
        column = headers[j] if j < len(headers) and headers[j] else get_column_letter(j + 1)
        raise IngestError([Problem(name, "ô mở dấu ngoặc kép (\") mà không đóng: mọi dòng sau sẽ bị đọc lẫn vào ô này",
                                   first_row + before, column)])

    _asked_of_bytes(source, check, None)


def _read_csv(path: Path, kinds: Iterable) -> Sheet:
    name = path.name
    source, start, notes = _decoded(path, name, kinds)
    fh = source if isinstance(source, io.BytesIO) else open(source, "rb")
    try:
        fh.seek(start)
        head = _records(fh, HEADER_WITHIN)
        lines = [r.decode("utf-8") for r, _ in head]
        if not "".join(lines).strip():
            raise _empty(name)
        sep, found = _separator(lines, kinds)
        rows = _split(lines, sep)
        if found is None:
            found = _first_filled(rows)
        if found is None:  # separators alone (Excel's CSV of an empty sheet with formats)
            raise _empty(name)
        headers, taken = header_rows(rows, found, kinds)
        body_at = head[found + taken - 1][1]
        fh.seek(body_at)
        options = dict(sep=sep, header=None, names=list(range(len(headers))), dtype="str", keep_default_na=False,
                       na_filter=False)
        _unclosed_quote(name, source, body_at, sep, found + taken + 1, headers)
        try:
            if _has_inner_blank_line(source, body_at) or _longest_line(source, body_at) > LONGEST_FOR_ARROW:
                data = _pandas_csv(fh, options)
            else:
                try:  # pyarrow's reader is several times faster on millions of rows
                    data = pd.read_csv(fh, engine="pyarrow", **{k: v for k, v in options.items() if k != "na_filter"})
                except Exception:  # noqa: BLE001 - pandas' own reader then says what is wrong (quoting, widths)
                    fh.seek(body_at)
                    data = _pandas_csv(fh, options)
            if not isinstance(data.index, pd.RangeIndex):
                # the first row wider than the header (a separator after its last cell): pandas took its first
                # cells for an index and shifted every column left
                raise pd.errors.ParserError("first row wider than the header")
        except pd.errors.ParserError:  # a row wider than the header: read record by record to name its row
            fh.seek(body_at)
            records = list(csv.reader(io.TextIOWrapper(fh, encoding="utf-8", newline=""), delimiter=sep))
            frame, numbers = _frame(headers, records, found + taken + 1, name)
            return Sheet(frame, numbers, found + taken, None, notes)
    finally:
        if fh is not source:
            fh.close()
    numbers = np.arange(found + taken + 1, found + taken + 1 + len(data))
    filled = _rows_filled(data.drop(columns=[data.columns[j] for j in row_numbers(headers) if j < data.shape[1]]))
    if not filled.all():
        data, numbers = data[filled], numbers[filled]
    data = data.reset_index(drop=True)
    keep = [j for j, h in enumerate(headers) if h or _cells_filled(data[j]).any()]
    if len(keep) < len(headers):
        data = data[keep]
    stray = [j for j in keep if not headers[j]]
    if stray:
        from openpyxl.utils import get_column_letter

        j = stray[0]
        row = int(numbers[np.flatnonzero(_cells_filled(data[j]))[0]])
        raise IngestError([Problem(name, f"cột {get_column_letter(j + 1)} có dữ liệu nhưng không có tiêu đề", row,
                                   get_column_letter(j + 1))])
    data.columns = [headers[j] for j in keep]
    if found or taken > 1:
        notes.append(header_said(found, taken))
    return Sheet(data, numbers, found + taken, None, notes)


def _cells_filled(column: pd.Series) -> np.ndarray:
    """Which cells hold a value: spaces alone are none, as in a workbook (``_cell_str``)."""
    return (column.ne("") & ~column.str.isspace()).to_numpy(dtype=bool, copy=True)


def _rows_filled(data: pd.DataFrame) -> np.ndarray:
    """Which rows hold a value in any cell; the first column answers for most rows, the others are asked of the
    rows it leaves empty."""
    if not len(data.columns):
        return np.zeros(len(data), bool)
    filled = _cells_filled(data[data.columns[0]])
    empty = np.flatnonzero(~filled)
    for column in data.columns[1:]:
        if not len(empty):
            break
        filled[empty] |= _cells_filled(data[column].iloc[empty])
        empty = empty[~filled[empty]]
    return filled


def _typed_rows_filled(frame: pd.DataFrame) -> np.ndarray:
    """``_rows_filled`` of a frame of typed columns (a Parquet file's): a number or a date is a value."""
    filled = np.zeros(len(frame), bool)
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # a dictionary column: its words, as text
            values = values.astype(object)
        if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
            filled |= _cells_filled(values.fillna(""))
        elif values.dtype == object:
            filled |= values.map(_cell_str).ne("").to_numpy(dtype=bool)
        else:
            filled |= values.notna().to_numpy(dtype=bool)
    return filled


def _pandas_csv(fh, options: dict) -> pd.DataFrame:
    try:
        return pd.read_csv(fh, skip_blank_lines=False, **options)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=options["names"], dtype="str")


def parquet_types(name: str, schema) -> None:
    """A Parquet column must hold cells a sheet could: text, numbers, yes/no, days. Bytes, lists and records had
    landed as «b'H0'» and «[0]» (a dossier then twice under two codes), or failed with a bare KeyError."""
    import pyarrow as pa

    def plain(t) -> bool:
        if pa.types.is_dictionary(t):
            return plain(t.value_type)
        return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
                or pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t)
                or pa.types.is_date(t) or pa.types.is_timestamp(t) or pa.types.is_null(t))

    bad = [(f.name, f.type) for f in schema if not plain(f.type)]
    if bad:
        raise IngestError([Problem(name, f"cột «{n}» của tệp Parquet có kiểu {t} (không phải chữ, số hay ngày): hãy "
                                         "ghi cột dưới dạng chữ", 1, n) for n, t in bad])


def _no_column_twice(path: Path, names: list[str], kinds: list) -> None:
    """A Parquet file may name a column twice, which pandas' reader refuses in Arrow's words (its schema and
    fields of its own): refused as a sheet's header naming a column twice is."""
    twice = next((h for i, h in enumerate(names) if h in names[:i]), None)
    if twice is not None:
        header = next((c.header for k in kinds for c in k.columns if header_key(c.header) == header_key(twice)), twice)
        raise IngestError([Problem(path.name, f"cột «{header}» xuất hiện hai lần", 1, twice)])


# --- Any file ----------------------------------------------------------------------------------------------------


# What a file's first bytes say it is, whatever its name says.
MAGIC = {b"PK\x03\x04": "bảng tính Excel (.xlsx)", b"PAR1": "tệp Parquet (.parquet)",
         b"\xd0\xcf\x11\xe0": "bảng tính Excel 97-2003 (.xls)"}
MADE_AS = {**dict.fromkeys(TEXT_SUFFIXES), ".parquet": "tệp Parquet (.parquet)", ".xlsx": "bảng tính Excel (.xlsx)",
           ".xlsm": "bảng tính Excel (.xlsx)"}


def _not_too_long(path: Path) -> None:
    """A Parquet file of a kind read whole holds no more rows than MAX_WHOLE_ROWS, known from its footer: its
    compressed columns may stand for a hundred million rows in a megabyte."""
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(path).metadata.num_rows
    if rows > MAX_WHOLE_ROWS:
        raise IngestError([Problem(path.name, f"tệp có {thousands(rows)} dòng, quá nhiều cho loại tệp này (tối đa "
                                              f"{thousands(MAX_WHOLE_ROWS)} dòng, như một trang Excel): chia thành nhiều "
                                              "tệp")])



def _encrypted(path: Path) -> bool:
    """Whether a file of Excel 97-2003's container is a workbook saved with a password to open it: Excel keeps an
    encrypted .xlsx so, its zip inside a stream named «EncryptedPackage». Said to be an .xls, it would be saved
    again as .xlsx with its password, and refused alike."""
    return _asked_of_bytes(path, lambda data: data.find("EncryptedPackage".encode("utf-16-le")) >= 0, False)


def same_as_named(path: Path) -> None:
    """Refuses a file whose bytes are of another kind than its name says (a workbook saved as «….csv», a CSV
    renamed «….xlsx»): read by its name, it had been refused as a CSV not in UTF-8, or in the zip reader's
    English."""
    suffix = path.suffix.lower()
    if suffix not in MADE_AS:
        return
    with open(path, "rb") as fh:
        start = fh.read(4)
    if not start:
        raise _empty(path.name)
    found = MAGIC.get(start)
    if found is not None and ".xls)" in found and _encrypted(path):
        raise IngestError([Problem(path.name, "bảng tính có mật khẩu mở tệp: mở bằng Excel, bỏ mật khẩu (Tệp › "
                                              "Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu) rồi lưu lại")])
    if found == MADE_AS[suffix] or (found is None and suffix in TEXT_SUFFIXES):
        return
    what = f"là {found}" if found else f"không phải {MADE_AS[suffix]}"
    how = ("mở bằng Excel rồi lưu lại dạng .xlsx" if found and ".xls)" in found
           else f"đổi đuôi tệp thành {found.split('(')[1][:-1]}" if found
           else "mở bằng chương trình đã tạo tệp rồi lưu lại đúng loại")
    raise IngestError([Problem(path.name, f"tệp có đuôi «{suffix}» nhưng {what}: {how}")])


def read_sheet(path: Path, kinds: Iterable) -> Sheet:
    """The data of a file, its header found among its first rows by the headers of ``kinds``."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = ("; mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng Excel Workbook (.xlsx)"
                if suffix in (".xls", ".ods", ".xlsb", ".fods", ".numbers") else "")
        raise IngestError([Problem(name, f"không đọc được loại tệp «{suffix}» (chỉ nhận .csv, .txt, .xlsx, .parquet){hint}")])
    same_as_named(path)
    kinds = list(kinds)
    with _read_as_ingest_errors(path, kinds):
        if suffix in TEXT_SUFFIXES:
            return without_form_lines(_read_csv(path, kinds))
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            schema = pq.read_schema(path)  # read once for the file's checks
            _no_column_twice(path, schema.names, kinds)
            parquet_types(name, schema)
            _not_too_long(path)
            frame = pd.read_parquet(path)
            # rows of nulls and empty text are empty rows, as in a CSV, and so are those of a row number alone
            filled = _typed_rows_filled(frame.drop(columns=[frame.columns[j] for j in row_numbers(frame.columns)]))
            return Sheet(frame[filled].reset_index(drop=True), np.arange(2, len(frame) + 2)[filled])
        return without_form_lines(_read_workbook(path, kinds))


PART_ROWS = 20_000  # a workbook's rows read at a time by ``read_parts``, held as Python's objects (bench/README.md)


def read_parts(path: Path, kinds: Iterable, size: int | None = None) -> Iterator[Sheet]:
    """A workbook's data ``size`` rows at a time, as ``read_sheet`` reads it whole (the header row, the sheet and
    the epoch in every part; the notes of how it was read in the part they arose in): a sheet of a million dossiers
    is never whole in memory. Any other file comes whole, as one part."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        yield read_sheet(path, kinds)
        return
    same_as_named(path)
    kinds = list(kinds)
    with _read_as_ingest_errors(path, kinds), closing(_workbook_parts(path, kinds, size or PART_ROWS)) as parts:
        for at, (part, last) in enumerate(parts):
            yield without_form_lines(part, first=at == 0, last=last)


def joined(first: Sheet, parts: Iterator[Sheet]) -> Sheet:
    """The parts of ``read_parts`` after ``first`` joined to it: the sheet whole."""
    rest = list(parts)
    if not rest:
        return first
    frames = [first.frame] + [p.frame for p in rest]
    return replace(first, frame=pd.concat(frames, ignore_index=True),
                   numbers=np.concatenate([first.numbers] + [p.numbers for p in rest]),
                   notes=first.notes + [n for p in rest for n in p.notes])


@contextmanager
def _read_as_ingest_errors(path: Path, kinds: list):
    """A file that cannot be read is refused, saying which, never with a traceback."""
    try:
        yield
    except UnicodeDecodeError:
        raise IngestError([_not_utf8(path, path.name, kinds)]) from None
    except IngestError:
        raise
    except Exception as err:  # a malformed file
        raise IngestError([Problem(path.name, f"tệp hỏng hoặc không đúng định dạng: {err}")]) from None
