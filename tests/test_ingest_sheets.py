"""Which sheet of a workbook is read: the one whose header is a known kind's; of several, a visible sheet before a
hidden one and a sheet with data before a template left empty, and the note says which was read."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import FACT_HEADERS, UNIT_HEADERS, units_file
from store import models
from store.ingest import ingest_file

ROWS = [["SKHCN", "Năm 2024", "van_ban_di", 120, ""], ["STP", "Năm 2024", "van_ban_di", 80, ""],
        ["XA0001", "Năm 2024", "van_ban_di", 95, ""]]


def _book(path, sheets):
    """``sheets``: (title, headers, rows, hidden) in order."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows, hidden in sheets:
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append(row)
        if hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _values(engine) -> list[float]:
    with Session(engine) as s:
        return sorted(s.scalars(select(models.Fact.value).where(models.Fact.indicator_code == "van_ban_di")))


def test_a_hidden_sheet_of_old_rows_is_not_read_before_the_visible_data(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    old = [["SKHCN", "Năm 2024", "van_ban_di", 1, ""], ["STP", "Năm 2024", "van_ban_di", 2, ""]]
    path = _book(tmp_path / "so_lieu.xlsx", [("Cũ", FACT_HEADERS, old, True), ("Số liệu", FACT_HEADERS, ROWS, False)])
    result = ingest_file(engine, path)
    assert result.rows == 3 and _values(engine) == [80, 95, 120]
    assert "dữ liệu đọc từ trang «Số liệu»; không đọc trang «Cũ»" in result.notes


def test_an_empty_template_placed_first_gives_way_to_the_sheet_with_data(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = _book(tmp_path / "so_lieu.xlsx", [("Mẫu", FACT_HEADERS, [], False), ("Dữ liệu", FACT_HEADERS, ROWS, False)])
    assert ingest_file(engine, path).rows == 3 and _values(engine) == [80, 95, 120]


def test_a_hidden_list_of_units_does_not_make_a_file_of_figures_a_units_file(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    with Session(engine) as s:
        units = s.scalar(select(func.count()).select_from(models.Unit))
    lookup = [["SKHCN", "Sở Khoa học và Công nghệ"], ["STP", "Sở Tư pháp"]]
    path = _book(tmp_path / "so_lieu.xlsx", [("DM", UNIT_HEADERS[:2], lookup, True),
                                            ("Số liệu", FACT_HEADERS, ROWS, False)])
    result = ingest_file(engine, path)
    assert result.kind.code == "so_lieu" and result.rows == 3
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.Unit)) == units


def test_data_kept_on_a_hidden_sheet_only_is_read_and_said_so(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = _book(tmp_path / "so_lieu.xlsx", [("Hướng dẫn", ["Cách điền"], [["Điền vào trang sau"]], False),
                                            ("Dữ liệu", FACT_HEADERS, ROWS, True)])
    result = ingest_file(engine, path)
    assert result.rows == 3 and "dữ liệu đọc từ trang «Dữ liệu» (trang ẩn)" in result.notes


def test_a_cell_merged_over_data_rows_holds_its_value_in_each(engine, tmp_path):
    """A period typed once and merged down over its units' rows, under a title merged across: each row has the
    period the sheet shows it (Excel keeps it in the first cell only; the others had been refused as empty)."""
    ingest_file(engine, units_file(tmp_path))
    wb = Workbook()
    ws = wb.active
    ws.append(["BÁO CÁO SỐ LIỆU NĂM 2024"])
    ws.merge_cells("A1:E1")
    ws.append(FACT_HEADERS)
    for row in ROWS:
        ws.append(row)
    ws.append(["SKHCN", "Năm 2024", "van_ban_ky_so", 30, ""])
    ws["B4"] = ws["B5"] = None
    ws.merge_cells("B3:B5")  # the period of the three rows of «van_ban_di»
    wb.save(tmp_path / "so_lieu.xlsx")
    assert ingest_file(engine, tmp_path / "so_lieu.xlsx").rows == 4
    assert _values(engine) == [80, 95, 120]


def _computed(path, cells: dict[str, str]):
    """The workbook at ``path`` as Excel saves it: its formulas' values (``cells``: reference → value) written, an
    empty text as Excel writes it (the cell typed as text, its value empty)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    for ref, value in cells.items():
        typed = b' t="str"' if value == "" else b""
        parts[sheet] = re.sub(rf'<c r="{ref}"([^>]*)>(<f>[^<]*</f>)<v></v>'.encode(),
                              rb'<c r="' + ref.encode() + rb'"\g<1>' + typed + rb">\g<2><v>" + value.encode() + b"</v>",
                              parts[sheet])
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_formulas_with_no_value_worked_out_are_refused_naming_their_cells(engine, tmp_path):
    import pytest

    from helpers import snapshot
    from store.ingest import IngestError

    ingest_file(engine, units_file(tmp_path))
    rows = [["SKHCN", "Năm 2024", "van_ban_di", "=100+20", ""], ["STP", "Năm 2024", "van_ban_di", 80, '=IF(D3>0,"","?")'],
            ["XA0001", "Năm 2024", "van_ban_di", "=90+5", ""]]
    path = _book(tmp_path / "so_lieu.xlsx", [("Số liệu", FACT_HEADERS, rows, False)])
    before = snapshot(engine)
    with pytest.raises(IngestError) as err:
        ingest_file(engine, path)
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (2, "D") and "(D2, E3, D4)" in problem.message
    assert "mở tệp bằng Excel rồi lưu lại" in problem.message and snapshot(engine) == before
    # opened in Excel and saved: the values read, the formula whose value is an empty text too
    ingest_file(engine, _computed(path, {"D2": "120", "E3": "", "D4": "95"}))
    assert _values(engine) == [80, 95, 120]


@pytest.mark.parametrize("declared", ["A1:E2", "A1", "A1:C4", "A1:XFD1048576"])
def test_a_sheet_is_read_as_far_as_its_cells_go_not_as_far_as_it_declares(engine, tmp_path, declared):
    """Guard: store.ingest.reading._sized. A program filling a template may leave the used range the sheet declares
    (<dimension>) stale; openpyxl's reader stops there, and rows below it or columns right of it were dropped
    without a word (A1:E2: two of three rows lost, the file landed)."""
    import re
    import zipfile

    ingest_file(engine, units_file(tmp_path))
    made = _book(tmp_path / "made.xlsx", [("Số liệu", FACT_HEADERS, ROWS, False)])
    path = tmp_path / "so_lieu.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{declared}"/>'.encode(), data)
            out.writestr(item, data)
    assert ingest_file(engine, path).rows == 3
    with Session(engine) as s:
        assert s.scalar(select(func.sum(models.Fact.value))) == 295


def test_data_on_several_visible_sheets_is_refused_naming_them(engine, tmp_path):
    """A sheet per period, or an export split over two sheets: only the first had landed, with a note, and the file's
    bytes then counted as landed. Refused, naming the sheets; hiding those not meant is one way through."""
    from helpers import refused

    ingest_file(engine, units_file(tmp_path))
    q3 = [[u, "Quý III/2024", ind, v, e] for u, _, ind, v, e in ROWS]
    sheets = [("Quý I", FACT_HEADERS, [[u, "Quý I/2024", ind, v, e] for u, _, ind, v, e in ROWS], False),
              ("Hướng dẫn", ["Cách điền"], [["Mỗi trang một kỳ"]], False), ("Quý III", FACT_HEADERS, q3, False)]
    text = refused(engine, _book(tmp_path / "so_lieu.xlsx", sheets))
    assert "so_lieu.xlsx: có dữ liệu ở 2 trang («Quý I», «Quý III»), mỗi tệp chỉ đọc một trang" in text
    sheets[0] = sheets[0][:3] + (True,)
    result = ingest_file(engine, _book(tmp_path / "so_lieu_q3.xlsx", sheets))
    assert result.rows == 3 and "dữ liệu đọc từ trang «Quý III»; không đọc trang «Quý I»" in result.notes
    # a list for a drop-down, or a summary, beside the data is not a second sheet of it
    register = ["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"]
    book = _book(tmp_path / "bc.xlsx", [("Sổ", register, [["SKHCN", "Quý I/2024", "18/03/2024", "31/BC"]], False),
                                        ("DM đơn vị", UNIT_HEADERS[:2], [["SKHCN", "Sở KH&CN"], ["STP", "Sở Tư pháp"]],
                                         False),
                                        ("Tổng hợp", ["Mã đơn vị", "Kỳ báo cáo", "Số báo cáo"], [["SKHCN", "Quý I/2024", 1]],
                                         False)])
    assert ingest_file(engine, book).rows == 1
