"""Workbooks that hold on paper, read back with openpyxl: a title block above the header, the header frozen,
filtered and repeated on every printed page, A4 landscape fitted to the width, days as dd/mm/yyyy (never ISO
text), numbers stored as they are shown, columns as wide as their content, sheet names whole within 31
characters."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from office.outputs import write_table
from reports.xlsx import sheet_name


def _printable(ws, header_row: int = 3) -> None:
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0


def test_a_plain_table_gets_a_title_block_print_setup_days_and_rounded_numbers(tmp_path):
    frame = pd.DataFrame({
        "Mã đơn vị": ["SXD", "STNMT"],
        "Đơn vị": ["Sở Xây dựng", "Sở Tài nguyên và Môi trường"],
        "Ngày kiểm tra": [pd.Timestamp("2024-06-12"), pd.Timestamp("2024-07-16")],
        "Thời hạn": ["2024-09-30", "2024-10-31"],
        "Kết quả": [92.0170868878357, 3.180000000000007],
        "Thứ hạng": [5, 12],
        "Ghi chú": [None, "Hướng dẫn tổ chức, cá nhân nộp hồ sơ trực tuyến; rà soát điều kiện cung cấp dịch vụ công"],
    })
    path = write_table(frame, tmp_path / "bang.xlsx", "Theo dõi thực hiện kiến nghị sau kiểm tra CCHC kỳ 2024-Q3",
                       "Tính đến ngày 01/10/2024")
    wb = load_workbook(path)
    assert len(wb.worksheets) == 1
    ws = wb.worksheets[0]
    assert ws["A1"].value == "Theo dõi thực hiện kiến nghị sau kiểm tra CCHC kỳ quý III năm 2024"
    assert ws["A1"].font.b and "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "Tính đến ngày 01/10/2024"
    assert [c.value for c in ws[3]] == list(frame.columns) and all(c.font.b for c in ws[3])
    _printable(ws)
    assert ws.auto_filter.ref == "A3:G5"
    assert ws["C4"].value == datetime(2024, 6, 12) and ws["C4"].number_format == "dd/mm/yyyy"
    assert ws["D5"].value == datetime(2024, 10, 31) and ws["D5"].number_format == "dd/mm/yyyy"
    assert ws["E4"].value == 92.02 and ws["E5"].value == 3.18 and ws["E5"].number_format == "#,##0.00"
    assert ws["F4"].value == 5 and ws["F4"].number_format == "#,##0"
    assert ws["G4"].value is None
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFG"}
    assert widths["B"] >= len("Sở Tài nguyên và Môi trường") and widths["G"] == 50
    assert widths["A"] < widths["B"] and widths["C"] >= len("00/00/0000")
    assert ws.row_dimensions[5].height > ws.row_dimensions[4].height  # the long note wraps


def test_a_table_with_nothing_in_it_still_prints_its_title_and_header(tmp_path):
    frame = pd.DataFrame({"Mã đơn vị": [], "Đơn vị": []})
    ws = load_workbook(write_table(frame, tmp_path / "trong.xlsx", "Danh sách đơn vị chưa gửi báo cáo"))
    ws = ws.worksheets[0]
    assert ws["A1"].value == "Danh sách đơn vị chưa gửi báo cáo" and ws["A3"].value == "Mã đơn vị"
    _printable(ws)


@pytest.mark.parametrize(("title", "name"), [
    ("Kết quả xếp hạng năm 2024", "Kết quả xếp hạng năm 2024"),
    ("Danh sách xét danh hiệu năm 2024", "DS xét danh hiệu năm 2024"),
    ("Danh sách đơn vị chưa gửi báo cáo CCHC kỳ 6 tháng năm 2024", "DS ĐV chưa gửi BC CCHC 6T-2024"),
    ("Danh sách đơn vị chưa gửi báo cáo CCHC kỳ quý III năm 2024", "DS ĐV chưa gửi BC CCHC Q3-2024"),
    ("Danh sách xét danh hiệu năm 2024 của Sở Khoa học và Công nghệ", "DS xét DH 2024 Sở KH&CN"),
    ("Tổng hợp ý kiến Sở Văn hóa, Thể thao và Du lịch", "TH ý kiến Sở VHTT&DL"),
])
def test_sheet_names_are_abbreviated_never_cut(title, name):
    assert sheet_name(title) == name and len(name) <= 31


def test_a_second_sheet_of_the_same_name_is_numbered_within_31_characters():
    taken: set[str] = set()
    first = sheet_name("Danh sách đơn vị chưa gửi báo cáo CCHC kỳ quý III năm 2024", taken)
    second = sheet_name("Danh sách đơn vị chưa gửi báo cáo CCHC kỳ quý III năm 2024", taken)
    assert first != second and second.endswith("(2)") and len(second) <= 31


def test_the_years_workbooks_print_and_show_no_iso_day_or_long_float(demo_db, tmp_path):
    import shutil

    from office import year
    from store.db import make_engine

    shutil.copy(demo_db, tmp_path / "tinh.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'tinh.db'}")
    try:
        written = (year.report_reminders(engine, tmp_path / "out", "2024-6T", date(2024, 6, 15))
                   + year.inspection(engine, tmp_path / "out", 2024, date(2024, 12, 1))
                   + year.scoring(engine, tmp_path / "out", 2024, publish=False))
    finally:
        engine.dispose()
    books = [p for p in written if p.suffix == ".xlsx"]
    assert {p.name.rsplit("-", 1)[0] for p in books} >= {"nhac-bao-cao-2024", "theo-doi-kien-nghi-kiem-tra",
                                                          "khoang-cach-muc-tieu", "cong-bo-diem-qd766-2022"}
    for path in books:
        for ws in load_workbook(path).worksheets:
            assert len(ws.title) <= 31 and ws["A1"].value and ws["A1"].font.b, (path.name, ws.title)
            _printable(ws)
            for row in ws.iter_rows(min_row=4):
                for cell in row:
                    value = cell.value
                    assert not (isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-")
                    if isinstance(value, float):
                        assert value == round(value, 3), (path.name, cell.coordinate, value)
                    if isinstance(value, datetime):
                        assert cell.number_format == "dd/mm/yyyy"
