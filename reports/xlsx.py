"""XLSX: every table of a document (or any frame) as a sheet with Vietnamese headers and number formats,
saved byte for byte the same for the same content."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.model import Document, Table
from reports.ooxml import reproducible

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Excel shows these with the reader's own separators, so Vietnamese Excel shows 1.234 and 98,3%.
FORMATS = {"int": "#,##0", "dec": "#,##0.00", "pct": "0.0%", "date": "dd/mm/yyyy"}


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save so that the same cells give the same bytes (openpyxl stamps the time of saving)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(path).write_bytes(reproducible(buffer.getvalue()))
    return Path(path)


def frame_to_workbook(frame, sheet: str = "Dữ liệu") -> Workbook:
    """A plain sheet: the frame's columns as row 1, its rows below (missing values as empty cells)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        ws.append(list(row))
    return wb


def _sheet_name(title: str, taken: set[str]) -> str:
    base = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Bảng"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:25]} ({n})", n + 1
    taken.add(name)
    return name


def add_table(wb: Workbook, table: Table, taken: set[str]) -> None:
    ws = wb.create_sheet(_sheet_name(table.title, taken))
    ws.append(list(table.columns))
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in table.rows:
        ws.append([None if v is None or v != v else (v / 100 if table.kind(i) == "pct" else v)
                   for i, v in enumerate(row)])
    for i, _ in enumerate(table.columns, start=1):
        fmt = FORMATS.get(table.kind(i - 1))
        width = max(len(str(table.columns[i - 1])), *(len(str(r[i - 1])) for r in table.rows)) if table.rows else 12
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
    ws.freeze_panes = "A2"


def render_xlsx(document: Document, path: Path) -> Path:
    """Every table of the document, one sheet each."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in document.tables.values():
        add_table(wb, table, taken)
    if not wb.worksheets:
        wb.create_sheet("Trống")
    wb.properties.title = document.title
    return save_workbook(wb, path)
