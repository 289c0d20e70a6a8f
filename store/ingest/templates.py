"""Empty, documented template workbooks, one per kind of input file."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from store import indicators
from store.ingest import KINDS
from store.ingest.columns import Choice

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)


def _choice_words(col: Choice) -> list[str]:
    """The words a person would pick from (the Vietnamese labels, not the internal codes)."""
    words = [w for w in col.choices if not w.isascii() or w in ("Nam",)]
    return list(dict.fromkeys(words)) or list(col.choices)


def write_template(kind_code: str, folder: Path) -> Path:
    kind = KINDS[kind_code]
    wb = Workbook()
    data = wb.active
    data.title = "Dữ liệu"
    for i, col in enumerate(kind.columns, start=1):
        cell = data.cell(row=1, column=i, value=col.header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.comment = Comment(f"{'Bắt buộc. ' if col.required else 'Không bắt buộc. '}{col.help}".strip(), "cchc")
        data.column_dimensions[get_column_letter(i)].width = max(14, len(col.header) + 4)
        if isinstance(col, Choice):
            words = _choice_words(col)
            if sum(len(w) + 1 for w in words) < 250:  # Excel's limit for an inline list
                dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=not col.required)
                dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}100000")
                data.add_data_validation(dv)
    data.freeze_panes = "A2"

    guide = wb.create_sheet("Hướng dẫn")
    guide.append([f"Mẫu nhập liệu: {kind.title} (loại «{kind.code}»)"])
    guide["A1"].font = Font(bold=True, size=13)
    for note in kind.notes:
        guide.append([note])
    guide.append(["Dòng 1 của trang «Dữ liệu» là tiêu đề cột; dữ liệu bắt đầu từ dòng 2. Ngày ghi dd/mm/yyyy (hoặc "
                  "dd-mm-yyyy, yyyy-mm-dd; giờ phút ghi sau ngày như tệp xuất từ hệ thống một cửa được bỏ qua). "
                  "Có thể thêm dòng tiêu đề báo cáo phía trên (trong 60 dòng đầu) hoặc để dữ liệu ở trang khác."])
    guide.append(["Số: dấu chấm ngăn cách hàng nghìn (1.234), dấu phẩy trước phần thập phân (98,3). «98.3» bị từ "
                  "chối. Ô không có số liệu để trống; «NA», «#N/A» là ô trống."])
    guide.append(["Nhập bằng lệnh: cchc ingest <tệp>. Tệp có lỗi bị từ chối toàn bộ, kèm dòng và cột bị lỗi."])
    guide.append([])
    guide.append(["Cột", "Bắt buộc", "Ý nghĩa", "Ví dụ"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for col in kind.columns:
        guide.append([col.header, "Có" if col.required else "Không", col.help, col.example])
    for letter, width in zip("ABCD", (28, 10, 80, 36)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    if kind.code == "so_lieu":
        catalogue = wb.create_sheet("Danh mục chỉ tiêu")
        catalogue.append(["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Kiểu", "Không vượt quá", "Căn cứ"])
        for cell in catalogue[1]:
            cell.font, cell.fill = BOLD, HEADER_FILL
        for ind in indicators.registry().values():
            if ind.source == "nhap":
                catalogue.append([ind.code, ind.label, ind.unit, indicators.KINDS[ind.kind], ind.whole or "",
                                  ind.reference])
        for letter, width in zip("ABCDEF", (30, 70, 12, 22, 24, 50)):
            catalogue.column_dimensions[letter].width = width

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"mau_{kind.code}.xlsx"
    wb.save(target)
    return target
