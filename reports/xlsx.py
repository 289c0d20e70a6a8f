"""XLSX: every table of a document (or any frame) as a sheet that holds on paper — a title block above
Vietnamese headers, the header row frozen, filtered and repeated on every printed page, A4 landscape fitted
to the page's width, dates as dd/mm/yyyy, numbers rounded as they are displayed, columns as wide as their
content — saved byte for byte the same for the same content."""

from __future__ import annotations

import io
import math
import re
from copy import copy
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from reports.model import Document, Table
from reports.ooxml import reproducible

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP_WRAPPED = Alignment(wrap_text=True, vertical="top")
# Excel shows these with the reader's own separators, so Vietnamese Excel shows 1.234 and 98,3%.
FORMATS = {"int": "#,##0", "dec": "#,##0.00", "pct": "0.0%", "date": "dd/mm/yyyy"}
# the value is rounded to what its format shows: 3.180000000000007 is stored as 3.18
DECIMALS = {"int": 0, "dec": 2, "pct": 3}
TITLE_ROWS = 2  # title, subtitle; the header row comes next
HEADER_ROW = TITLE_ROWS + 1
MAX_SHEET_NAME = 31  # Excel's limit
# Shorter ways of saying the same, used in Vietnamese administration, applied one by one (periods first, then
# words that say nothing a sheet's name needs, then abbreviations) until a sheet's name fits.
SHORTER = (
    (r"\bquý (IV|III|II|I) năm (\d{4})", lambda m: f"Q{ROMAN[m[1]]}-{m[2]}"),
    (r"\b(6|9) tháng năm (\d{4})", r"\1T-\2"), (r"\bkỳ (?=Q\d|\dT-)", ""),
    (r"\bthực hiện ", ""), (r"\bcác ", ""), (r"\bcủa ", ""),
    (r"\bcải cách hành chính\b", "CCHC"), (r"\bthủ tục hành chính\b", "TTHC"), (r"\b[Dd]anh sách\b", "DS"),
    (r"\b[Đđ]ơn vị\b", "ĐV"), (r"\b[Bb]áo cáo\b", "BC"), (r"\b[Kk]ết quả\b", "KQ"), (r"\b[Tt]heo dõi\b", "TD"),
    (r"\b[Kk]iến nghị\b", "KN"), (r"\b[Kk]iểm tra\b", "KT"), (r"\b[Mm]ục tiêu\b", "MT"), (r"\b[Cc]hỉ số\b", "CS"),
    (r"\bxếp hạng\b", "XH"), (r"\bthành phần\b", "TP"), (r"\bbình quân\b", "BQ"), (r"\b[Dd]anh hiệu\b", "DH"),
    (r"\bthi đua\b", "TĐ"), (r"\bkhen thưởng\b", "KT"), (r"\b[Tt]ổng hợp\b", "TH"), (r"\b[Kk]ế hoạch\b", "KH"),
    (r"\b[Nn]hiệm vụ\b", "NV"), (r"\bỦy ban nhân dân\b", "UBND"), (r"\bhồ sơ\b", "HS"), (r"\bsố liệu\b", "SL"),
    (r"\bnăm (\d{4})", r"\1"),
    (r"\b(Sở|Ban|Văn phòng|UBND) ([A-ZĐ][^()]*)$", lambda m: f"{m[1]} {_initials(m[2])}"),
)
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _initials(name: str) -> str:
    """A body's name as it is abbreviated: «Khoa học và Công nghệ» → «KH&CN», «Văn hóa, Thể thao và Du lịch» →
    «VHTT&DL»."""
    *first, last = re.split(r"\s+và\s+", name.strip())
    groups = [re.split(r",\s*", part) for part in (first or [])]
    head = "".join("".join(w[0].upper() for w in g.split()) for part in groups for g in part)
    tail = "".join("".join(w[0].upper() for w in g.split()) for g in re.split(r",\s*", last))
    return f"{head}&{tail}" if head else tail
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save so that the same cells give the same bytes (openpyxl stamps the time of saving)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(path).write_bytes(reproducible(buffer.getvalue()))
    return Path(path)


def as_text(cell):
    """A cell whose text starts with «=» (a unit named «=HYPERLINK(…)», a finding «=cmd|…») holds it as text: openpyxl
    makes any such string a formula, which the sheet would run when opened. Returns the cell."""
    if cell.data_type == "f" and isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def frame_to_workbook(frame, sheet: str = "Dữ liệu") -> Workbook:
    """A plain sheet: the frame's columns as row 1, its rows below (missing values as empty cells) — for files
    read back by a program (templates, exports); a table for people is ``table_workbook``."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        ws.append(list(row))
    for row in ws.iter_rows():
        for cell in row:
            as_text(cell)
    return wb


def sheet_name(title: str, taken: set[str] = frozenset()) -> str:
    """A sheet name within Excel's 31 characters, said in full where it fits and shortened by the usual
    abbreviations where it does not — never cut in the middle of a word; a second sheet of the same name is
    numbered."""
    name = re.sub(r"\s+", " ", _FORBIDDEN.sub(" ", title)).strip() or "Bảng"
    for long, short in SHORTER:
        if len(name) <= MAX_SHEET_NAME:
            break
        name = re.sub(r"\s+", " ", re.sub(long, short, name)).strip()
    words = name.split()
    while len(" ".join(words)) > MAX_SHEET_NAME:  # still too long: the longest word by its initial
        i = max(range(len(words)), key=lambda k: (0 if _kept(words[k]) else len(words[k]), -k))
        if len(words[i]) == 1 or _kept(words[i]):
            words.pop()
            continue
        words[i] = words[i][0].upper()
    name = " ".join(words)
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        base_words = base.split()
        while len(" ".join(base_words)) + len(suffix) > MAX_SHEET_NAME and len(base_words) > 1:
            base_words.pop()
        name, n = " ".join(base_words) + suffix, n + 1
    if isinstance(taken, set):
        taken.add(name)
    return name


def _kept(word: str) -> bool:
    """A word a sheet's name keeps whole: a number, a period, an abbreviation."""
    return any(c.isdigit() for c in word) or word.isupper()


def _cell(value, kind: str):
    """The value as its cell holds it: nothing for a missing value, a day for a date (ISO text included),
    a number rounded as its format shows it (a percentage as a fraction of 1)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas timestamp
        value = value.to_pydatetime()
    if kind == "date":
        if isinstance(value, str) and _ISO_DAY.match(value):
            return date.fromisoformat(value)
        return value.date() if isinstance(value, datetime) else value
    if kind in DECIMALS and isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "pct":
            value = value / 100
        value = round(float(value), DECIMALS[kind])
        return int(value) if kind == "int" else value
    return value


def _shown(value, kind: str) -> str:
    """About what the cell shows, to size its column."""
    if value is None:
        return ""
    if kind == "date":
        return "00/00/0000"
    if kind == "pct":
        return f"{value * 100:,.1f}%"
    if kind == "dec":
        return f"{value:,.2f}"
    if kind == "int":
        return f"{value:,}"
    return str(value)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped between its words in a column ``width`` characters wide."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
        while used > width:  # a word longer than the column
            lines, used = lines + 1, used - int(width)
    return lines


def _print_setup(ws, last_column: int, last_row: int) -> None:
    last = get_column_letter(last_column)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(last_row, HEADER_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P/&N"


def add_table(wb: Workbook, table: Table, taken: set[str], subtitle: str = "") -> None:
    """``table`` as a sheet: its title (and ``subtitle``) above the header row, ready to print."""
    ws = wb.create_sheet(sheet_name(table.title or "Bảng", taken))
    width = max(1, len(table.columns))
    as_text(ws.cell(1, 1, table.title or ws.title)).font = Font(bold=True, size=13)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if subtitle:
        as_text(ws.cell(2, 1, subtitle)).font = Font(italic=True)
        ws.cell(2, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    for i, column in enumerate(table.columns, start=1):
        cell = as_text(ws.cell(HEADER_ROW, i, column))
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    rows = [[_cell(v, table.kind(i)) for i, v in enumerate(row)] for row in table.rows]
    # A data cell's style depends on its column's format and the style its value gave it (a date its own format):
    # styled once per such pair and copied to the others, as openpyxl would have found the same styles again
    # (looking each up costs ≈ 30 µs a cell: seconds for a list of everyone in a province).
    styled: dict[tuple, object] = {}
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for i, value in enumerate(row, start=1):
            cell = as_text(ws.cell(r, i, value))
            key = (i, tuple(cell._style) if cell._style is not None else None)
            if (known := styled.get(key)) is not None:
                cell._style = copy(known)
                continue
            cell.border = GRID
            cell.alignment = TOP_WRAPPED
            if fmt := FORMATS.get(table.kind(i - 1)):
                cell.number_format = fmt
            styled[key] = copy(cell._style)
    widths = []
    for i, column in enumerate(table.columns, start=1):
        kind = table.kind(i - 1)
        word = max((len(w) for w in str(column).split()), default=0)  # a header wraps between its words
        content = max((len(_shown(row[i - 1], kind)) for row in rows), default=0)
        widths.append(min(50, max(8, word + 2, math.ceil(len(str(column)) / 3) + 2, content + 2)))
        ws.column_dimensions[get_column_letter(i)].width = widths[-1]
    ws.row_dimensions[1].height = 18 * _lines(table.title or ws.title, sum(widths))
    ws.row_dimensions[HEADER_ROW].height = 15 * max(_lines(str(c), w - 1) for c, w in zip(table.columns, widths))
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        ws.row_dimensions[r].height = 15 * max((_lines(_shown(v, table.kind(i)), widths[i] - 1)
                                                for i, v in enumerate(row)), default=1)
    _print_setup(ws, width, HEADER_ROW + len(rows))


def table_workbook(table: Table, subtitle: str = "") -> Workbook:
    """One table for people to read and print."""
    wb = Workbook()
    wb.remove(wb.active)
    add_table(wb, table, set(), subtitle)
    wb.properties.title = table.title
    return wb


def frame_table(frame, title: str) -> Table:
    """A frame as a table: each column's kind read from its values (days, whole numbers, decimals, text)."""
    kinds = []
    for column in frame.columns:
        values = [v for v in frame[column].tolist() if v is not None and v == v]
        if values and all(isinstance(v, (date, datetime)) or hasattr(v, "to_pydatetime")
                          or (isinstance(v, str) and _ISO_DAY.match(v)) for v in values):
            kinds.append("date")
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            kinds.append("int" if all(float(v).is_integer() for v in values) else "dec")
        else:
            kinds.append("text")
    rows = tuple(tuple(None if v is None or v != v else v for v in row)
                 for row in frame.astype(object).itertuples(index=False))
    return Table(tuple(str(c) for c in frame.columns), rows, tuple(kinds), title)


def render_xlsx(document: Document, path: Path) -> Path:
    """Every table of the document, one sheet each, under the document's title."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    subtitle = " — ".join(t for t in (document.frame.body, document.frame.date_line) if t)
    for table in document.tables.values():
        add_table(wb, table, taken, subtitle)
    if not wb.worksheets:
        wb.create_sheet("Trống")
    wb.properties.title = document.title
    return save_workbook(wb, path)
