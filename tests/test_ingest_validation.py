"""Bad input is refused whole, with file, row and column named in Vietnamese, and nothing is written."""

from __future__ import annotations

import pytest

from helpers import (DOSSIER_HEADERS, FACT_HEADERS, PEOPLE_HEADERS, UNIT_HEADERS, UNITS, dossier, snapshot, units_file,
                     write_csv, write_xlsx)
from store.ingest import IngestError, ingest_file


@pytest.fixture
def loaded(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return engine


def refused(engine, path, **kw) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, path, **kw)
    assert snapshot(engine) == before, "a refused file wrote something"
    assert "Không có dữ liệu nào được ghi." in caught.value.render()
    return [str(p) for p in caught.value.problems]


def test_a_wrong_header_is_named_with_a_suggestion(loaded, tmp_path):
    headers = FACT_HEADERS.copy()
    headers[3] = "Gia tri so"
    path = write_csv(tmp_path / "so_lieu.csv", headers, [["SKHCN", "Năm 2024", "van_ban_di", "120", ""]])
    problems = refused(loaded, path, kind="so_lieu")
    assert "so_lieu.csv, dòng 1, cột «Gia tri so»: cột «Gia tri so» không thuộc mẫu Số liệu chỉ tiêu" in problems[0]
    assert any("thiếu cột bắt buộc «Giá trị»" in p for p in problems)


def test_headers_match_without_case_or_extra_spaces(loaded, tmp_path):
    headers = ["mã đơn vị", " Kỳ báo cáo ", "MÃ CHỈ TIÊU", "giá trị"]
    path = write_csv(tmp_path / "so_lieu.csv", headers, [["SKHCN", "Năm 2024", "van_ban_di", "120"]])
    assert ingest_file(loaded, path).rows == 1


def test_an_unknown_unit(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "120", ""],
        ["SO-LA", "Năm 2024", "van_ban_di", "12", ""],
    ])
    assert refused(loaded, path) == [
        "so_lieu.csv, dòng 3, cột «Mã đơn vị»: đơn vị «SO-LA» chưa có trong danh mục đơn vị (nhập tệp đơn vị trước)"]


def test_a_value_that_is_not_a_number(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "một trăm", ""]])
    assert refused(loaded, path) == ["so_lieu.csv, dòng 2, cột «Giá trị»: «một trăm» không phải là số"]


def test_a_dash_for_a_figure_is_refused_asking_whether_it_is_zero_or_none(loaded, tmp_path):
    """Guard: store.ingest.columns.not_a_number. Excel's Accounting format shows a zero as «-», and a CSV saves it
    so; a form writes «-» for no figure. Which is meant cannot be told: the message says both."""
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", " -   ", ""]])
    assert refused(loaded, path) == ["so_lieu.csv, dòng 2, cột «Giá trị»: «-» không phải là số: là số 0 (định dạng Kế "
                                     "toán của Excel hiện số 0 là «-») hay không có số liệu? ghi 0, hoặc để trống"]
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1", supplements="-")])
    assert refused(loaded, path)[0].startswith("ho_so.csv, dòng 2, cột «Số lần yêu cầu bổ sung»: «-» không phải là "
                                               "số: là số 0")


def test_a_negative_count(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "-5", ""]])
    problems = refused(loaded, path)
    assert problems == ["so_lieu.csv, dòng 2, cột «Giá trị»: Tổng số văn bản đi: giá trị âm «-5» không hợp lệ"]


def test_121_signed_documents_of_120_outgoing(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "120", ""],
        ["SKHCN", "Năm 2024", "van_ban_ky_so", "121", ""],
    ])
    assert refused(loaded, path) == [
        "so_lieu.csv, dòng 3, cột «Giá trị»: Văn bản đi được ký số (121) lớn hơn Tổng số văn bản đi (120) "
        "của đơn vị SKHCN, kỳ 2024-NAM"]


def test_a_part_is_checked_against_the_whole_already_stored(loaded, tmp_path):
    ingest_file(loaded, write_csv(tmp_path / "a.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "120", ""]]))
    path = write_csv(tmp_path / "b.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_ky_so", "121", ""]])
    problems = refused(loaded, path)
    assert problems == [
        "b.csv, dòng 2, cột «Giá trị»: Văn bản đi được ký số (121) lớn hơn Tổng số văn bản đi "
        "(120 (giá trị đang có trong hệ thống)) của đơn vị SKHCN, kỳ 2024-NAM"]
    # lowering the whole under a stored part is refused the same way
    ingest_file(loaded, write_csv(tmp_path / "c.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_ky_so", "118", ""]]))
    assert "lớn hơn Tổng số văn bản đi (100)" in refused(
        loaded, write_csv(tmp_path / "d.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "100", ""]]))[0]


def test_a_cumulative_figure_smaller_than_an_earlier_period_s_is_said_naming_both(loaded, tmp_path):
    """Documents sent are counted from the year's start: 6 tháng's cannot be fewer than Quý I's, in the file or
    against the store. Said, naming both periods and their rows; a figure of a state (procedures in force) may fall."""
    first = ingest_file(loaded, write_csv(tmp_path / "q1.csv", FACT_HEADERS, [
        ["SKHCN", "Quý I/2024", "van_ban_di", "300", ""], ["STP", "Quý I/2024", "van_ban_di", "200", ""],
        ["SKHCN", "Quý I/2024", "tthc_tong", "80", ""]]))
    assert first.warnings == []
    later = ingest_file(loaded, write_csv(tmp_path / "6t.csv", FACT_HEADERS, [
        ["SKHCN", "6 tháng 2024", "van_ban_di", "250", ""], ["STP", "6 tháng 2024", "van_ban_di", "420", ""],
        ["SKHCN", "6 tháng 2024", "tthc_tong", "75", ""], ["STP", "9 tháng 2024", "van_ban_di", "410", ""]]))
    assert [(w.column, w.message) for w in later.warnings] == [
        ("Giá trị", "dòng 2: Tổng số văn bản đi là số liệu lũy kế từ đầu năm nhưng 6 tháng năm 2024 nhỏ hơn quý I năm "
                    "2024: SKHCN 250 so với 300 (giá trị đang có trong hệ thống); kiểm tra lại số liệu của hai kỳ"),
        ("Giá trị", "dòng 3, 5: Tổng số văn bản đi là số liệu lũy kế từ đầu năm nhưng 9 tháng năm 2024 nhỏ hơn 6 "
                    "tháng năm 2024: STP 410 so với 420; kiểm tra lại số liệu của hai kỳ")]
    assert later.rows == 4 and not later.already  # said, and kept


def test_a_percentage_over_100_and_a_fractional_count(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "ty_le_hai_long", "101,5", ""],
        ["SKHCN", "Năm 2024", "van_ban_di", "12,5", ""],
    ])
    assert refused(loaded, path) == [
        "so_lieu.csv, dòng 2, cột «Giá trị»: Tỷ lệ hài lòng của người dân, doanh nghiệp về giải quyết TTHC: "
        "«101,5» vượt quá 100%",
        "so_lieu.csv, dòng 3, cột «Giá trị»: Tổng số văn bản đi: «12,5» phải là số nguyên"]  # as the cell writes them


def _stored_values(engine) -> dict[str, float]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT indicator_code, value FROM fact")).all())


@pytest.mark.parametrize("written", ["cell formatted as a percentage", "85,5% typed", "85,5 typed"])
def test_a_percentage_is_the_number_the_sheet_shows(loaded, tmp_path, written):
    """Guard: store.ingest.reading._as_shown and Number(percent=True). A satisfaction rate typed «85,5%» into Excel
    is held as 0.855 in a cell formatted as a percentage: read as held, it had counted as 0.855%."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(FACT_HEADERS)
    ws.append(["SKHCN", "Năm 2024", "sipas", {"cell formatted as a percentage": 0.855, "85,5% typed": "85,5%",
                                              "85,5 typed": "85,5"}[written], ""])
    ws["D2"].number_format = "0.0%"
    wb.save(tmp_path / "so_lieu.xlsx")
    ingest_file(loaded, tmp_path / "so_lieu.xlsx")
    assert _stored_values(loaded) == {"sipas": 85.5}


def test_a_percentage_for_a_figure_that_is_not_one_is_refused(loaded, tmp_path):
    """A count written as a percentage, typed or formatted so in a workbook, is another figure's cell; a
    percentage in a column of numbers that are never percentages is refused there."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(FACT_HEADERS)
    ws.append(["SKHCN", "Năm 2024", "van_ban_di", 0.12, ""])
    ws.append(["SKHCN", "Năm 2024", "so_vu_ky_luat", "3%", ""])
    ws["D2"].number_format = "0%"
    wb.save(tmp_path / "so_lieu.xlsx")
    assert refused(loaded, tmp_path / "so_lieu.xlsx") == [
        "so_lieu.xlsx, dòng 2, cột «Giá trị»: Tổng số văn bản đi tính bằng văn bản, không tính bằng phần trăm: «12%» "
        "không phải giá trị của chỉ tiêu này",
        "so_lieu.xlsx, dòng 3, cột «Giá trị»: Số công chức, viên chức bị kỷ luật trong năm tính bằng người, không "
        "tính bằng phần trăm: «3%» không phải giá trị của chỉ tiêu này"]
    dossiers = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1", supplements="50%")])
    assert refused(loaded, dossiers) == [
        "ho_so.csv, dòng 2, cột «Số lần yêu cầu bổ sung»: «50%» là phần trăm: cột «Số lần yêu cầu bổ sung» ghi số, "
        "không ghi phần trăm"]


def test_a_comma_before_three_digits_in_a_whole_number_is_refused_as_ambiguous(loaded, tmp_path):
    """«2,000» is two as Vietnamese write decimals and two thousand as English writes thousands: for a count it had
    landed as 2. A percentage or a score keeps its decimals (85,500 is 85.5)."""
    figures = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "2,000", ""], ["STP", "Năm 2024", "van_ban_di", "1,250", ""]])
    expected = ("dấu phẩy ngăn cách phần thập phân, nên đây không phải số nguyên; nếu là hàng nghìn, ghi không có "
                "dấu hoặc với dấu chấm (2000 hoặc 2.000)")
    assert refused(loaded, figures) == [f"so_lieu.csv, dòng 2, cột «Giá trị»: Tổng số văn bản đi: «2,000»: {expected}",
                                        f"so_lieu.csv, dòng 3, cột «Giá trị»: Tổng số văn bản đi: «1,250»: {expected}"]
    dossiers = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1", supplements="1,000")])
    assert refused(loaded, dossiers) == [f"ho_so.csv, dòng 2, cột «Số lần yêu cầu bổ sung»: «1,000»: {expected}"]
    ingest_file(loaded, write_csv(tmp_path / "sipas.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "sipas", "85,500", ""]]))
    assert _stored_values(loaded) == {"sipas": 85.5}


def test_a_dot_before_three_digits_in_a_score_is_refused_as_ambiguous(loaded, tmp_path):
    """The mirror of «2,000»: «65.234» is 65 234 as Vietnamese group thousands and 65.234 as English writes
    decimals. A score of DDCI had landed as 65,234 and a criterion's 2.750 points as 2,750. In a count the dot can
    only group thousands (1.234 is 1234); a score written «1.234.567» or «65,234» is what it says."""
    figures = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "ddci_diem", "65.234", ""], ["STP", "Năm 2024", "td_ke_hoach_cchc", "2.750", ""]])
    assert refused(loaded, figures) == [
        "so_lieu.csv, dòng 2, cột «Giá trị»: Điểm Chỉ số năng lực cạnh tranh cấp sở, ngành, địa phương (DDCI): "
        "«65.234» đọc theo cách viết Việt Nam là 65234 (dấu chấm ngăn cách hàng nghìn), theo cách viết tiếng Anh là "
        "số thập phân; nếu là số thập phân, ghi với dấu phẩy (65,234), nếu là hàng nghìn, ghi không có dấu (65234)",
        "so_lieu.csv, dòng 3, cột «Giá trị»: Điểm thẩm định: ban hành và thực hiện kế hoạch CCHC: «2.750» đọc theo "
        "cách viết Việt Nam là 2750 (dấu chấm ngăn cách hàng nghìn), theo cách viết tiếng Anh là số thập phân; nếu "
        "là số thập phân, ghi với dấu phẩy (2,750), nếu là hàng nghìn, ghi không có dấu (2750)"]
    ingest_file(loaded, write_csv(tmp_path / "so_lieu_2.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "ddci_diem", "65,234", ""], ["STP", "Năm 2024", "van_ban_di", "1.234", ""]]))
    assert _stored_values(loaded) == {"ddci_diem": 65.234, "van_ban_di": 1234}
    findings = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
                "Thời hạn khắc phục", "Bộ tiêu chí", "Điểm thẩm định"]
    path = write_csv(tmp_path / "kq.csv", findings, [["2024", "STP", "12/06/2024", "1.3", "x", "y", "30/09/2024",
                                                      "qd766-2022", "2.500"]])
    assert any("cột «Điểm thẩm định»: «2.500» đọc theo cách viết Việt Nam là 2500" in p for p in refused(loaded, path))


def test_a_figure_past_what_its_definition_allows_is_refused(loaded, tmp_path):
    """A yes/no of 2, a rank of 0, DDCI of 500 out of 100, a plan's criterion of 999 points out of 3: each had
    landed, and scored as the full points."""
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "website_du_thong_tin", "2", ""], ["SKHCN", "Năm 2024", "ddci_hang", "0", ""],
        ["SKHCN", "Năm 2024", "ddci_diem", "500", ""], ["STP", "Năm 2024", "td_ke_hoach_cchc", "999", ""]])
    problems = refused(loaded, path)
    assert [p.rsplit(": ", 1)[1] for p in problems] == [
        "«2» vượt quá 1 có/không", "«0» nhỏ hơn 1", "«500» vượt quá điểm tối đa 100", "«999» vượt quá điểm tối đa 3"]
    ingest_file(loaded, write_csv(tmp_path / "so_lieu_2.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "website_du_thong_tin", "1", ""], ["SKHCN", "Năm 2024", "ddci_hang", "1", ""],
        ["STP", "Năm 2024", "td_ke_hoach_cchc", "2,5", ""]]))


def test_a_number_in_powers_of_ten_is_refused_its_digits_being_gone(loaded, tmp_path):
    """Excel shows a number too long for its cell as «1,23457E+11» and saves the CSV so: 123,457,000,000 had
    landed for 123,456,789,012."""
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "1,23457E+11", ""],
                                                              ["STP", "Năm 2024", "van_ban_di", "1e3", ""]])
    assert refused(loaded, path) == [
        f"so_lieu.csv, dòng {row}, cột «Giá trị»: «{cell}» là số ghi dạng lũy thừa (Excel ghi vậy khi cột quá hẹp): "
        "các chữ số đã mất; nới rộng cột rồi lưu lại" for row, cell in ((2, "1,23457E+11"), (3, "1e3"))]


def test_a_workbooks_number_is_read_to_the_15_digits_excel_keeps(loaded, tmp_path):
    """A formula's 117.99999999999999 is the 118 the sheet shows: it had been refused as «118» not being whole."""
    path = write_xlsx(tmp_path / "so_lieu.xlsx", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di",
                                                                 117.99999999999999, ""]])
    ingest_file(loaded, path)
    assert _stored_values(loaded) == {"van_ban_di": 118}


def test_codes_kept_as_text_by_excel_s_signs_are_the_codes_they_hold(loaded, tmp_path):
    """«'0012» and «="0012"» keep a code's zeros when Excel opens a CSV: stored with the signs, a later file writing
    the code plainly had brought another dossier."""
    from store import dossier_data

    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="'000.00.18.H33-241105-0001", tthc="'1.004398"), dossier(code='="0012"', tthc='= "1.000001"'),
        dossier(code="'HS-9'", tthc="1.000001")])
    ingest_file(loaded, path)
    stored = dossier_data.read(loaded)[["code", "tthc_code"]].values.tolist()
    assert sorted(stored) == [["000.00.18.H33-241105-0001", "1.004398"], ["0012", "1.000001"], ["HS-9", "1.000001"]]


def test_figures_and_days_kept_as_text_by_excel_s_signs_are_what_they_hold(loaded, tmp_path):
    """Guard: store.ingest.columns.Column.cells. A system's export keeps figures and days as text for Excel as it
    keeps codes («'120», «="80"», «'05/03/2024»): they had been refused as no numbers and no days."""
    from sqlalchemy import text as sa_text

    from store import dossier_data

    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "'120", ""],
                                                              ["STP", "Năm 2024", "van_ban_di", '="80"', ""]])
    assert ingest_file(loaded, path).rows == 2
    with loaded.connect() as conn:
        assert sorted(conn.execute(sa_text("SELECT value FROM fact")).scalars()) == [80, 120]
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="HS1", received="'05/03/2024", due="'2024-03-12", supplements="'2"), dossier(code="HS2")])
    assert ingest_file(loaded, path).rows == 2
    stored = dossier_data.read(loaded).sort_values("code")
    assert stored["received"].astype(str).tolist() == ["2024-03-05", "2024-03-05"]
    assert stored["due"].astype(str).tolist() == ["2024-03-12", "2024-03-12"]
    assert stored["supplements"].tolist() == [2, 0]


def test_a_code_typed_into_excel_as_a_number_beyond_15_digits_is_refused(loaded, tmp_path):
    """Excel keeps 15 digits: a 18-digit dossier number typed as a number ends in zeros. A procedure's code typed
    as a number reads as the sheet shows it (1.00175), with the warning about zeros lost."""
    row = dossier(code="x")
    row[1], row[2] = 2.40511000123456e17, 1.0017500000000001  # as Excel holds 240511000123456789 typed
    path = write_xlsx(tmp_path / "ho_so.xlsx", DOSSIER_HEADERS, [row])
    assert refused(loaded, path) == [
        "ho_so.xlsx, dòng 2, cột «Mã hồ sơ»: mã «240511000123456000» là số quá 15 chữ số trong Excel: các chữ số cuối "
        "đã thành 0 (định dạng cột là Text rồi gõ lại mã)"]
    row[1] = "HS-15"
    result = ingest_file(loaded, write_xlsx(tmp_path / "ho_so_2.xlsx", DOSSIER_HEADERS, [row]))
    assert any("ở cuối sau dấu chấm (1.000880)" in str(w) for w in result.warnings)
    from store import dossier_data

    assert dossier_data.read(loaded)["tthc_code"].tolist() == ["1.00175"]


def test_date_cells_beside_days_excel_could_not_read_are_refused_as_maybe_swapped(loaded, tmp_path):
    """Guard: store.ingest.columns.Day._month_first. An Excel set to the United States' dates turns «05/03/2024»
    typed into the 3rd of May and keeps «25/03/2024» as text; the first had landed in May without a word. A date
    cell whose day and month are equal, or whose day cannot be a month, reads the same either way."""
    from datetime import datetime

    rows = [dossier(code="HS1", received=datetime(2024, 5, 3)), dossier(code="HS2", received="25/03/2024"),
            dossier(code="HS3", received=datetime(2024, 3, 3)), dossier(code="HS4", received=datetime(2024, 3, 2))]
    for row in rows:
        row[4], row[5] = "30/05/2024", "29/05/2024"
    problems = refused(loaded, write_xlsx(tmp_path / "ho_so.xlsx", DOSSIER_HEADERS, rows))
    tail = ("có thể đã bị đảo ngày và tháng: cột này có ngày gõ dạng chữ mà Excel không nhận ra (dòng 3: "
            "«25/03/2024»), dấu hiệu Excel đang đọc ngày kiểu Mỹ (tháng/ngày); định dạng cột là Text rồi gõ lại ngày, "
            "hoặc đặt vùng của Windows là Việt Nam")
    assert problems == [f"ho_so.xlsx, dòng 2, cột «Ngày tiếp nhận»: ô ngày của Excel «03/05/2024» {tail}",
                        f"ho_so.xlsx, dòng 5, cột «Ngày tiếp nhận»: ô ngày của Excel «02/03/2024» {tail}"]
    del rows[1]  # date cells alone: the sheet's own days
    assert ingest_file(loaded, write_xlsx(tmp_path / "ho_so_2.xlsx", DOSSIER_HEADERS, rows)).rows == 3
    # text pasted from elsewhere into a sheet that reads days as Vietnam does: a date cell past the 12th, or a
    # text day such an Excel would have made a date cell, says so
    for n, (cell, pasted) in enumerate(((datetime(2024, 3, 25), "13/03/2024"), (datetime(2024, 5, 3), "05/03/2024"))):
        honest = [dossier(code=f"HS{n}1", received=cell), dossier(code=f"HS{n}2", received="14/03/2024"),
                  dossier(code=f"HS{n}3", received=pasted), dossier(code=f"HS{n}4", received=datetime(2024, 3, 2))]
        for row in honest:
            row[4], row[5] = "30/05/2024", "29/05/2024"
        assert ingest_file(loaded, write_xlsx(tmp_path / f"ho_so_3{n}.xlsx", DOSSIER_HEADERS, honest)).rows == 4


def test_a_unit_code_in_another_case_is_refused_not_made_a_second_unit(loaded, tmp_path):
    """Guard: store.ingest.units._check_case. The units file sent again in lower case had added «stp» beside
    «STP»; a file naming «stp» is told which code it may mean."""
    lower = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [["stp", "Sở Tư pháp", "Sở, ban, ngành", "TINH"],
                                                                ["SXD", "Sở Xây dựng", "Sở, ban, ngành", "TINH"],
                                                                ["sxd", "Sở Xây dựng", "Sở, ban, ngành", "TINH"]])
    assert refused(loaded, lower) == [
        "don_vi.xlsx, dòng 2, cột «Mã đơn vị»: mã đơn vị «stp» trùng mã «STP» (chỉ khác chữ hoa, chữ thường): ghi "
        "đúng «STP», hoặc đặt một mã khác hẳn",
        "don_vi.xlsx, dòng 4, cột «Mã đơn vị»: mã đơn vị «sxd» trùng mã «SXD» (chỉ khác chữ hoa, chữ thường): ghi "
        "đúng «SXD», hoặc đặt một mã khác hẳn"]
    figures = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["stp", "Năm 2024", "van_ban_di", "12", ""]])
    hint = "đơn vị «stp» chưa có trong danh mục đơn vị (có phải «STP»? mã phân biệt chữ hoa, chữ thường)"
    assert refused(loaded, figures) == [f"so_lieu.csv, dòng 2, cột «Mã đơn vị»: {hint}"]
    dossiers = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(unit="stp", code="HS1")])
    assert refused(loaded, dossiers) == [f"ho_so.csv, dòng 2, cột «Mã đơn vị»: {hint}"]


def test_towns_and_special_zones_are_units_of_the_commune_level(loaded, tmp_path):
    from sqlalchemy import select

    from store import models

    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [
        ["TT01", "UBND thị trấn Tam Đường", "UBND thị trấn", "TINH"], ["DK01", "UBND đặc khu Vân Đồn", "Đặc khu", "TINH"]])
    ingest_file(loaded, path)
    with loaded.connect() as conn:
        kinds = dict(conn.execute(select(models.Unit.code, models.Unit.kind)
                                  .where(models.Unit.code.in_(["TT01", "DK01"]))).all())
    assert kinds == {"TT01": "xa_phuong", "DK01": "xa_phuong"}


def test_yes_and_no_as_exports_and_checklists_write_them(loaded, tmp_path):
    """«Đã số hóa», «Chưa», a tick, «Miễn phí», «Ko», a dash for nothing, and the older levels of online services
    («Trực tuyến mức độ 4»)."""
    from store import dossier_data

    rows = [dossier(code="H1", digitised="Đã số hóa", fee="Miễn phí", paid="Chưa", channel="Trực tuyến (mức độ 4)"),
            dossier(code="H2", digitised="Chưa", fee="Có thu phí", paid="✓", channel="Qua bưu chính công ích"),
            dossier(code="H3", digitised="✔", fee="Không thu phí", paid="Không", channel="Nộp trực tiếp"),
            dossier(code="H4", digitised="Có", fee="Có", paid="Có", channel="Trực tuyến - toàn trình"),
            dossier(code="H5", digitised="Ko", fee="-", paid="–", channel="Trực tuyến")]
    ingest_file(loaded, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows))
    stored = dossier_data.read(loaded).sort_values("code")
    assert stored[["channel", "has_fee", "paid_online", "digitised"]].values.tolist() == [
        ["truc_tuyen", False, False, True], ["buu_chinh", True, True, False], ["truc_tiep", False, False, True],
        ["truc_tuyen", True, True, True], ["truc_tuyen", False, False, False]]


def test_periods_as_offices_write_them(loaded, tmp_path):
    """«Q1/2024», «Quý I - 2024», «Cả năm 2024»: each the period it names. An indicator's code in capitals is
    refused with the code it means."""
    rows = [["SKHCN", period, "van_ban_di", "10", ""] for period in ("Q1/2024", "Quý II - 2024", "Cả năm 2024")]
    ingest_file(loaded, write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, rows + [["STP", "Năm 2024", "van_ban_di", "7", ""]]))
    from sqlalchemy import text

    with loaded.connect() as conn:
        periods = sorted(conn.execute(text("SELECT period_code FROM fact")).scalars())
    assert periods == ["2024-NAM", "2024-NAM", "2024-Q1", "2024-Q2"]
    upper = write_csv(tmp_path / "so_lieu_2.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "VAN_BAN_DI", "10", ""]])
    assert refused(loaded, upper) == ["so_lieu_2.csv, dòng 2, cột «Mã chỉ tiêu»: chỉ tiêu «VAN_BAN_DI» không có trong "
                                      "danh mục chỉ tiêu (có phải «van_ban_di»?)"]


def test_a_day_not_yet_come_is_refused(loaded, tmp_path):
    """A result on 10/12/2099 (a slip of the year) had landed, counted as a dossier finished late."""
    from datetime import date, timedelta

    later = date.today() + timedelta(days=30)
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="HS1", received="10/11/2024", due="20/11/2024", finished="10/12/2099"), dossier(code="HS2"),
        dossier(code="HS3", received=f"{later:%d/%m/%Y}", due=f"{later:%d/%m/%Y}", finished="")])
    problems = refused(loaded, path, year=2024)  # the day received is outside the year too, and said so
    assert f"ho_so.csv, dòng 4, cột «Ngày tiếp nhận»: ngày tiếp nhận {later:%d/%m/%Y} là ngày chưa đến" in problems
    assert "ho_so.csv, dòng 2, cột «Ngày có kết quả»: ngày có kết quả 10/12/2099 là ngày chưa đến" in problems


def test_an_unknown_indicator_and_an_unknown_period(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_ki_so", "1", ""],
        ["SKHCN", "Quý V/2024", "van_ban_di", "1", ""],
        ["SKHCN", "Năm 2024", "hs_tiep_nhan", "1", ""],
    ])
    problems = refused(loaded, path)
    assert "dòng 2, cột «Mã chỉ tiêu»: chỉ tiêu «van_ban_ki_so» không có trong danh mục chỉ tiêu " \
           "(có phải «van_ban_ky_so»?)" in problems[1]
    assert "dòng 3, cột «Kỳ báo cáo»: không nhận ra kỳ báo cáo «Quý V/2024»" in problems[0]
    assert "dòng 4, cột «Mã chỉ tiêu»: chỉ tiêu «hs_tiep_nhan» được tính từ dữ liệu hồ sơ TTHC, không nhập tay" \
           in problems[2]


def test_duplicate_keys_name_the_first_row(loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "120", ""],
        ["STP", "Năm 2024", "van_ban_di", "80", ""],
        ["SKHCN", "Năm 2024", "van_ban_di", "121", ""],
    ])
    assert refused(loaded, path) == [
        "so_lieu.csv, dòng 4, cột «Mã đơn vị»: trùng khóa (Mã đơn vị, Kỳ báo cáo, Mã chỉ tiêu) với dòng 2"]


def test_a_finding_of_no_criterion_written_twice_is_a_repeated_key(loaded, tmp_path):
    """A finding may name no criterion: the empty cell is part of its key, and the same finding twice is refused
    (it had landed twice, and been followed up twice)."""
    headers = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
               "Thời hạn khắc phục"]
    finding = ["2024", "STP", "12/06/2024", "", "Chưa ban hành kế hoạch", "Ban hành kế hoạch", "31/07/2024"]
    path = write_csv(tmp_path / "ket_qua_kiem_tra.csv", headers, [finding, finding[:3] + ["1.3"] + finding[4:],
                                                                   finding])
    assert refused(loaded, path) == [
        "ket_qua_kiem_tra.csv, dòng 4, cột «Năm kiểm tra»: trùng khóa (Năm kiểm tra, Mã đơn vị, Tiêu chí, Tồn tại, "
        "hạn chế) với dòng 2"]


def test_points_for_a_unit_code_not_in_the_catalogue_are_refused_as_its_unknown_unit(loaded, tmp_path):
    """Points for «stp», the catalogue's STP in other letters: the check of which units the rule set scores looked
    the code up in the catalogue and failed (exit 3) instead of saying the unit is unknown."""
    headers = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
               "Thời hạn khắc phục", "Bộ tiêu chí", "Điểm thẩm định"]
    path = write_csv(tmp_path / "kq.csv", headers, [
        ["2024", "SKHCN", "12/06/2024", "1.3", "Chưa niêm yết TTHC", "Niêm yết TTHC", "30/09/2024", "qd766-2022", "1"],
        ["2024", "stp", "12/06/2024", "1.3", "Chưa niêm yết TTHC", "Niêm yết TTHC", "30/09/2024", "qd766-2022", "1"]])
    assert refused(loaded, path) == [
        "kq.csv, dòng 3, cột «Mã đơn vị»: đơn vị «stp» chưa có trong danh mục đơn vị (có phải «STP»? mã phân biệt "
        "chữ hoa, chữ thường)"]


def test_a_corrected_findings_file_corrects_its_findings(loaded, tmp_path):
    """The findings of a file sent again with a recommendation corrected are the same findings, their remedy kept
    (each had become a second finding of the inspection)."""
    from sqlalchemy import text

    headers = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
               "Thời hạn khắc phục"]
    rows = [["2024", "STP", "12/06/2024", "", "Chưa ban hành kế hoạch", "Ban hành kế hoạch", "31/07/2024"],
            ["2024", "STP", "12/06/2024", "1.3", "Chưa niêm yết TTHC", "Niêm yết TTHC", "30/09/2024"]]
    ingest_file(loaded, write_csv(tmp_path / "ket_qua_kiem_tra.csv", headers, rows))
    with loaded.begin() as conn:
        conn.execute(text("UPDATE finding SET resolved_on = '2024-07-01', resolution = 'Đã ban hành' "
                          "WHERE criterion = ''"))
    rows[1][5:] = ["Niêm yết đủ 100% TTHC", "15/09/2024"]
    ingest_file(loaded, write_csv(tmp_path / "ket_qua_kiem_tra_sua.csv", headers, rows))
    with loaded.connect() as conn:
        found = conn.execute(text("SELECT criterion, recommendation, deadline, resolution FROM finding "
                                  "ORDER BY criterion")).all()
    assert [(c, r, str(d), z) for c, r, d, z in found] == [
        ("", "Ban hành kế hoạch", "2024-07-31", "Đã ban hành"), ("1.3", "Niêm yết đủ 100% TTHC", "2024-09-15", "")]


def test_a_later_file_moving_a_stored_visit_to_another_day_says_so(loaded, tmp_path):
    """A unit's inspection of a year has one day: a later file of findings of the same visit on another day moves
    the day of every finding of it, those of the first file too. Said, naming both days (it had been moved without
    a word); the same day again says nothing."""
    from sqlalchemy import text

    headers = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
               "Thời hạn khắc phục"]
    first = ingest_file(loaded, write_csv(tmp_path / "kt1.csv", headers, [
        ["2024", "STP", "12/06/2024", "1.3", "Chưa niêm yết TTHC", "Niêm yết TTHC", "30/09/2024"]]))
    assert first.warnings == []
    same = ingest_file(loaded, write_csv(tmp_path / "kt2.csv", headers, [
        ["2024", "STP", "12/06/2024", "1.4", "Chưa công khai TTHC", "Công khai TTHC", "30/09/2024"]]))
    assert same.warnings == []
    moved = ingest_file(loaded, write_csv(tmp_path / "kt3.csv", headers, [
        ["2024", "STP", "15/07/2024", "", "Chưa ban hành kế hoạch", "Ban hành kế hoạch", "31/10/2024"]]))
    assert [(w.column, w.message) for w in moved.warnings] == [
        ("Ngày kiểm tra", "dòng 2: đợt kiểm tra đơn vị «STP» năm 2024 đã có ngày kiểm tra 12/06/2024; tệp này ghi "
                          "15/07/2024: ngày của đợt (mọi phát hiện của đợt, cả những phát hiện đã nhập) được sửa thành "
                          "15/07/2024")]
    with loaded.connect() as conn:
        assert [str(d) for d in conn.execute(text("SELECT visited_on FROM inspection")).scalars()] == ["2024-07-15"]


@pytest.mark.parametrize("first, second", [("Năm 2024", "2024-NAM"), ("Quý I/2024", "quý 1 năm 2024")])
def test_one_period_written_two_ways_is_one_key(loaded, tmp_path, first, second):
    """Both rows would be current for the one period: which value counts could not be told."""
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", first, "van_ban_di", "5", ""],
        ["SKHCN", second, "van_ban_di", "7", ""],
    ])
    assert refused(loaded, path) == [
        "so_lieu.csv, dòng 3, cột «Mã đơn vị»: trùng khóa (Mã đơn vị, Kỳ báo cáo, Mã chỉ tiêu) với dòng 2"]


@pytest.mark.parametrize("period", ["Năm 0999", "Quý I/0001", "2101-Q2", "Năm 1989"])
def test_a_period_of_a_year_no_input_takes_is_refused(loaded, tmp_path, period):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", period, "van_ban_di", "5", ""]])
    assert refused(loaded, path) == [
        f"so_lieu.csv, dòng 2, cột «Kỳ báo cáo»: kỳ báo cáo «{period}»: năm phải từ 1990 đến 2100"]


@pytest.mark.parametrize("year", ["99999", "2147483647", "1989"])
def test_a_year_beyond_the_calendar_is_refused(loaded, tmp_path, year):
    path = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Lò Thị Dua", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN", year, "Hoàn thành tốt nhiệm vụ"]])
    assert refused(loaded, path) == [
        f"can_bo.csv, dòng 2, cột «Năm đánh giá»: «{year}»: năm phải từ 1990 đến 2100"]


@pytest.mark.parametrize("day", ["01/01/9999", "0001-01-01", "31/12/1899"])
def test_a_date_beyond_the_days_any_input_holds_is_refused(loaded, tmp_path, day):
    people = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Lò Thị Dua", "Nữ", day, "Công chức", "Chuyên viên", "SKHCN", "2024", "Hoàn thành tốt nhiệm vụ"]])
    assert refused(loaded, people) == [f"can_bo.csv, dòng 2, cột «Ngày sinh»: ngày «{day}» nằm ngoài khoảng ngày "
                                       f"hợp lệ (01/01/1900 – 31/12/2100)"]
    dossiers = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1"), dossier(code="HS2", due=day)])
    assert refused(loaded, dossiers, year=2024) == [
        f"ho_so.csv, dòng 3, cột «Ngày hẹn trả»: ngày «{day}» nằm ngoài khoảng ngày hợp lệ (01/01/1900 – 31/12/2100)"]


def test_a_date_beyond_the_days_any_input_holds_is_refused_from_parquet_and_xlsx(loaded, tmp_path):
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [dossier(code="HS1"), dossier(code="HS2")]
    columns = {h: [r[j] for r in rows] for j, h in enumerate(DOSSIER_HEADERS)}
    columns["Ngày hẹn trả"] = [dt.date(2024, 3, 12), dt.date(9999, 1, 1)]
    path = tmp_path / "ho_so.parquet"
    pq.write_table(pa.table(columns), path)
    assert refused(loaded, path, year=2024) == [
        "ho_so.parquet, dòng 3, cột «Ngày hẹn trả»: ngày «01/01/9999» nằm ngoài khoảng ngày hợp lệ "
        "(01/01/1900 – 31/12/2100)"]
    book = write_xlsx(tmp_path / "can_bo.xlsx", PEOPLE_HEADERS, [
        ["CB1", "Lò Thị Dua", "Nữ", dt.datetime(9999, 12, 31), "Công chức", "Chuyên viên", "SKHCN", 2024,
         "Hoàn thành tốt nhiệm vụ"]])
    assert refused(loaded, book) == ["can_bo.xlsx, dòng 2, cột «Ngày sinh»: ngày «31/12/9999» nằm ngoài khoảng "
                                     "ngày hợp lệ (01/01/1900 – 31/12/2100)"]


@pytest.mark.parametrize("name, code", [("Sở\x07 Nội vụ\x1b[2J", "X1"), ("Sở Nội vụ", "SNV\u200b"),
                                        ("Sở \u202eụv iộN", "X2"), ("Sở\x00 Nội vụ", "X3"), ("Sở Nội vụ", "S\nNV"),
                                        ("Sở Nội vụ", "S\u00adNV"), ("Sở Nội vụ", "SNV\ufe0f"),
                                        ("Sở Nội vụ", "SNV\U000e0041"), ("Sở Nội vụ", "\u3164SNV")])
def test_a_character_that_cannot_be_seen_is_refused_naming_it(engine, tmp_path, name, code):
    """A bell, a terminal's escape, NUL, a zero-width space (a second «SNV» that looks like the first), a right-to-left
    override; in a code, a line break too. A name's line break or a Vietnamese dash stays."""
    path = write_csv(tmp_path / "don_vi.csv", UNIT_HEADERS, [["TINH", "UBND tỉnh – Văn phòng", "Tỉnh", ""],
                                                           [code, name, "Sở", "TINH"]])
    [problem] = refused(engine, path)
    column = "Tên đơn vị" if code.startswith("X") else "Mã đơn vị"
    assert problem.startswith(f"don_vi.csv, dòng 3, cột «{column}»: ô có ")
    assert "không nhìn thấy nhưng làm giá trị khác đi: xóa ký tự này" in problem


def test_a_control_character_excel_stored_escaped_is_found_in_a_workbook(engine, tmp_path):
    """Excel writes a cell's control character as «_x0007_» (and a typed «_x» sequence with its underscore as
    «_x005F_»): read as it was typed, it is refused as in a CSV, and the typed sequence stays."""
    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [["TINH", "UBND tỉnh_x005F_x0041_", "UBND tỉnh", ""],
                                                              ["SKHCN", "Sở_x0007_ KHCN", "Sở, ban, ngành", "TINH"]])
    assert refused(engine, path) == ["don_vi.xlsx, dòng 3, cột «Tên đơn vị»: ô có ký tự điều khiển hoặc ký tự ẩn "
                                     "(U+0007, ký tự thứ 3) — không nhìn thấy nhưng làm giá trị khác đi: xóa ký tự này"]


def test_what_a_text_may_hold_and_a_code_may_not(engine, tmp_path):
    """The joiner inside an emoji, a soft hyphen, a tab: a name may hold them."""
    path = write_csv(tmp_path / "don_vi.csv", UNIT_HEADERS, [["TINH", "UBND tỉnh 👨\u200d💻 Lai\u00adChâu", "UBND tỉnh", ""]])
    assert ingest_file(engine, path).rows == 1


@pytest.mark.parametrize("rows", [1, 3000])  # read whole, and in slices by Arrow
def test_a_control_inside_a_word_of_a_list_is_refused_in_either_path(loaded, tmp_path, rows):
    data = [dossier(code=f"HS{i:04d}") for i in range(rows)]
    data[-1][6] = "Trực\x1ftuyến"  # read as «Trực tuyến» by the word match, had it not been looked at
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, data)
    [problem] = refused(loaded, path, year=2024)
    assert f"dòng {rows + 1}, cột «Hình thức nộp»: ô có ký tự điều khiển hoặc ký tự ẩn (U+001F" in problem


@pytest.mark.parametrize("char", ["\u200b", "\x7f", "\x01", "\x9b", "\u00ad", "\u034f"])  # ASCII but for it
def test_a_character_that_cannot_be_seen_in_a_dossier_code_is_refused_in_the_fast_path(loaded, tmp_path, char):
    rows = [dossier(code=f"HS{i:04d}") for i in range(3000)]
    rows[2500][1] = f"HS{char}2500"
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows)
    assert refused(loaded, path, year=2024) == [
        f"ho_so.csv, dòng 2502, cột «Mã hồ sơ»: ô có ký tự điều khiển hoặc ký tự ẩn (U+{ord(char):04X}, ký tự thứ 3) — "
        "không nhìn thấy nhưng làm giá trị khác đi: xóa ký tự này"]


@pytest.mark.parametrize("error", ["#BLOCKED!", "#CONNECT!", "#GETTING_DATA"])
def test_a_newer_excel_error_is_an_error_not_a_name(engine, tmp_path, error):
    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [["TINH", error, "UBND tỉnh", ""]])
    assert refused(engine, path) == [f"don_vi.xlsx, dòng 2, cột «Tên đơn vị»: ô có lỗi công thức Excel «{error}»: "
                                     "sửa công thức hoặc ghi giá trị"]


@pytest.mark.parametrize("rows", [1, 3000])  # read whole, and a dossier file read in slices
def test_a_row_of_spaces_is_an_empty_row_in_a_csv_as_in_a_workbook(loaded, tmp_path, rows):
    data = [dossier(code=f"HS{i:04d}") for i in range(rows)]
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, data[:1] + [[" "] * 12] + data[1:] + [[" ", "\t"] + [""] * 10])
    assert ingest_file(loaded, path, year=2024).rows == rows
    people = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS + [""], [
        ["CB1", "Lò Thị Dua", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN", "2024", "Hoàn thành tốt nhiệm vụ", " "],
        [" "] * 10])
    assert ingest_file(loaded, people).rows == 1


@pytest.mark.parametrize("rows", [1, 3000])  # read whole, and in slices
@pytest.mark.parametrize("day", ["20/12/2100", "05/03/1985"])
def test_dossiers_of_a_year_whose_periods_cannot_be_kept_are_refused(loaded, tmp_path, rows, day):
    """Valid days, but of the data of 2101 or 1985: their facts would be of periods no command can read back."""
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS,
                     [dossier(code=f"HS{i:04d}", received=day, due=day, finished="") for i in range(rows)])
    problems = refused(loaded, path)
    assert f"ho_so.csv, dòng 2, cột «Ngày tiếp nhận»: ngày tiếp nhận {day} thuộc kỳ dữ liệu năm " in problems[0]
    assert "ngoài các năm 1990–2100" in problems[0]
    with pytest.raises(IngestError, match="năm dữ liệu 2101: năm phải từ 1990 đến 2100"):
        ingest_file(loaded, path, year=2101)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])  # read in slices, and whole
def test_dossiers_received_in_several_months_before_1970_are_refused_naming_them(loaded, tmp_path, suffix):
    """A year's slip in the days of receipt (1924 for 2024), in more than one month: refused naming the rows. Each
    month before 1970 had been staged in the one folder of rows with no month, and the file then failed as a
    damaged dataset (exit 3)."""
    rows = [dossier(code=f"HS{i}") for i in range(4)] + [
        dossier(code="X1", received="05/03/1924", due="12/03/1924", finished="", e_result="Không"),
        dossier(code="X2", received="05/04/1924", due="12/04/1924", finished="", e_result="Không")]
    write = write_csv if suffix == ".csv" else write_xlsx
    problems = refused(loaded, write(tmp_path / f"ho_so{suffix}", DOSSIER_HEADERS, rows))
    assert problems == [
        f"ho_so{suffix}, dòng {row}, cột «Ngày tiếp nhận»: ngày tiếp nhận {day} nằm ngoài kỳ dữ liệu năm 2024 "
        "(15/12/2023 – 14/12/2024)" for row, day in ((6, "05/03/1924"), (7, "05/04/1924"))]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])  # read in slices, and whole
def test_a_dossier_code_written_again_in_other_letters_case_is_refused(loaded, tmp_path, suffix):
    """«h2024-001» after «H2024-001» of the same unit is the same dossier typed twice: refused naming both rows (it
    had been counted as two dossiers); the same code at another unit is that unit's own."""
    rows = [dossier(code="H2024-001"), dossier(code="H2024-002"), dossier(code="h2024-001"),
            dossier(unit="SKHCN", code="h2024-002")]
    write = write_csv if suffix == ".csv" else write_xlsx
    assert refused(loaded, write(tmp_path / f"ho_so{suffix}", DOSSIER_HEADERS, rows)) == [
        f"ho_so{suffix}, dòng 4, cột «Mã hồ sơ»: mã hồ sơ «h2024-001» trùng mã «H2024-001» ở dòng 2 (chỉ khác chữ "
        "hoa, chữ thường): một hồ sơ ghi hai lần; ghi đúng một mã"]
    assert ingest_file(loaded, write(tmp_path / f"ho_so2{suffix}", DOSSIER_HEADERS, rows[:2] + rows[3:])).rows == 3


def test_dossier_dates_outside_the_reporting_year(loaded, tmp_path):
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="A"), dossier(code="B"),
        dossier(code="C", received="20/12/2024", due="30/12/2024", finished=""),
        dossier(code="D", received="31/02/2024"),
    ])
    problems = refused(loaded, path, year=2024)
    assert problems == [
        "ho_so.csv, dòng 5, cột «Ngày tiếp nhận»: «31/02/2024» không phải ngày hợp lệ (dd/mm/yyyy)"]
    path = write_csv(tmp_path / "ho_so2.csv", DOSSIER_HEADERS, [
        dossier(code="A"), dossier(code="C", received="20/12/2024", due="30/12/2024", finished="", e_result="Không"),
    ])
    assert refused(loaded, path, year=2024) == [
        "ho_so2.csv, dòng 3, cột «Ngày tiếp nhận»: ngày tiếp nhận 20/12/2024 nằm ngoài kỳ dữ liệu năm 2024 "
        "(15/12/2023 – 14/12/2024)"]


def test_dossier_contradictions(loaded, tmp_path):
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="A", due="01/03/2024"),
        dossier(code="B", finished="01/03/2024"),
        dossier(code="C", fee="Không", paid="Có"),
        dossier(code="D", finished="", e_result="Có"),
        dossier(code="E", channel="Fax"),
        dossier(code="F", supplements=-1),
    ])
    problems = refused(loaded, path)
    assert problems == [
        "ho_so.csv, dòng 6, cột «Hình thức nộp»: «Fax» không thuộc các giá trị cho phép: Trực tiếp, Trực tuyến, "
        "Bưu chính, Bưu chính công ích, BCCI, Online",
        "ho_so.csv, dòng 7, cột «Số lần yêu cầu bổ sung»: giá trị âm «-1» không hợp lệ (phải ≥ 0)",
    ]
    path = write_csv(tmp_path / "ho_so2.csv", DOSSIER_HEADERS, [
        dossier(code="A", due="01/03/2024"),
        dossier(code="B", finished="01/03/2024"),
        dossier(code="C", fee="Không", paid="Có"),
        dossier(code="D", finished="", e_result="Có"),
    ])
    assert refused(loaded, path) == [
        "ho_so2.csv, dòng 2, cột «Ngày hẹn trả»: ngày hẹn trả trước ngày tiếp nhận",
        "ho_so2.csv, dòng 3, cột «Ngày có kết quả»: ngày có kết quả trước ngày tiếp nhận",
        "ho_so2.csv, dòng 4, cột «Thanh toán trực tuyến»: có thanh toán trực tuyến nhưng TTHC không có phí, lệ phí",
        "ho_so2.csv, dòng 5, cột «Kết quả điện tử»: có kết quả điện tử nhưng hồ sơ chưa có ngày có kết quả",
    ]
    # a due day years away had counted the dossier on time; a year and a day is still a day a procedure may set
    path = write_csv(tmp_path / "ho_so3.csv", DOSSIER_HEADERS, [
        dossier(code="E", due="31/12/2099"), dossier(code="F", received="05/03/2024", due="06/03/2025")])
    assert refused(loaded, path) == [
        "ho_so3.csv, dòng 2, cột «Ngày hẹn trả»: ngày hẹn trả 31/12/2099 quá 366 ngày sau ngày tiếp nhận: hồ sơ như "
        "vậy không bao giờ quá hạn; ngày có sai?"]


def test_many_rows_with_one_problem_are_counted_not_listed(loaded, tmp_path):
    rows = [dossier(code=f"X{i}", supplements="nhiều") for i in range(25)]
    problems = refused(loaded, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows))
    assert len(problems) == 11
    assert problems[-1].endswith("… và 15 dòng khác cùng lỗi («nhiều» không phải là số)")


def test_a_required_cell_left_empty(loaded, tmp_path):
    path = write_xlsx(tmp_path / "can_bo.xlsx", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Thị Hoa", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", 2024, ""],
    ])
    assert refused(loaded, path) == ["can_bo.xlsx, dòng 2, cột «Xếp loại»: ô bắt buộc đang để trống"]


def test_a_unit_tree_that_does_not_hold(engine, tmp_path):
    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [
        ["TINH", "UBND tỉnh", "UBND tỉnh", ""],
        ["SKHCN", "Sở KH&CN", "Sở, ban, ngành", ""],
        ["VP", "Văn phòng", "Phòng, đơn vị trực thuộc", "TINH"],
        ["XA1", "UBND xã", "UBND xã, phường", "KHONGCO"],
    ])
    assert refused(engine, path) == [
        "don_vi.xlsx, dòng 3, cột «Mã đơn vị cấp trên»: Sở, ban, ngành «SKHCN» phải có đơn vị cấp trên",
        "don_vi.xlsx, dòng 4, cột «Mã đơn vị cấp trên»: Phòng, đơn vị trực thuộc không thể thuộc UBND tỉnh «TINH»",
        "don_vi.xlsx, dòng 5, cột «Mã đơn vị cấp trên»: đơn vị cấp trên «KHONGCO» không có trong tệp và trong danh mục",
    ]


def test_a_unit_given_another_kind_keeps_its_stored_units_under_it(loaded, tmp_path):
    """SKHCN turned into a phòng under STP: its stored Văn phòng would sit under a phòng."""
    path = write_xlsx(tmp_path / "don_vi2.xlsx", UNIT_HEADERS, [
        ["SKHCN", "Sở Khoa học và Công nghệ", "Phòng, đơn vị trực thuộc", "STP"]])
    assert refused(loaded, path) == [
        "don_vi2.xlsx, dòng 2, cột «Loại đơn vị»: Phòng, đơn vị trực thuộc «SKHCN» không thể là cấp trên của "
        "đơn vị đã có trong danh mục «SKHCN-VP» (ghi lại các đơn vị này với cấp trên mới trong cùng tệp)"]
    # The stored unit declared again in the same file, under a unit it fits, is what the message asks for.
    path = write_xlsx(tmp_path / "don_vi3.xlsx", UNIT_HEADERS, [
        ["SKHCN", "Sở Khoa học và Công nghệ", "Phòng, đơn vị trực thuộc", "STP"],
        ["SKHCN-VP", "Văn phòng Sở", "Phòng, đơn vị trực thuộc", "XA0001"]])
    assert ingest_file(loaded, path).rows == 2


def test_a_unit_moved_under_its_own_stored_unit(loaded, tmp_path):
    """The province moved under one of its sở: a loop, and its sở and xã would sit under a phòng."""
    path = write_xlsx(tmp_path / "don_vi2.xlsx", UNIT_HEADERS, [
        ["TINH", "UBND tỉnh Lai Châu", "Phòng, đơn vị trực thuộc", "SKHCN"]])
    assert refused(loaded, path) == [
        "don_vi2.xlsx, dòng 2, cột «Mã đơn vị cấp trên»: đơn vị «TINH» không thể thuộc «SKHCN», "
        "là đơn vị cấp dưới của chính nó",
        "don_vi2.xlsx, dòng 2, cột «Loại đơn vị»: Phòng, đơn vị trực thuộc «TINH» không thể là cấp trên của "
        "đơn vị đã có trong danh mục «SKHCN», «STP», «XA0001» (ghi lại các đơn vị này với cấp trên mới trong "
        "cùng tệp)"]


def test_stored_units_that_no_longer_fit_are_named_first_then_counted(loaded, tmp_path):
    offices = [[f"STP-P{i}", f"Phòng {i}", "Phòng, đơn vị trực thuộc", "STP"] for i in range(8)]
    ingest_file(loaded, write_xlsx(tmp_path / "phong.xlsx", UNIT_HEADERS, offices))
    path = write_xlsx(tmp_path / "don_vi2.xlsx", UNIT_HEADERS, [["STP", "Sở Tư pháp", "UBND tỉnh", ""]])
    assert refused(loaded, path) == [
        "don_vi2.xlsx, dòng 2, cột «Loại đơn vị»: UBND tỉnh «STP» không thể là cấp trên của đơn vị đã có trong "
        "danh mục «STP-P0», «STP-P1», «STP-P2», «STP-P3», «STP-P4» và 3 đơn vị khác (ghi lại các đơn vị này với "
        "cấp trên mới trong cùng tệp)",
        f"don_vi2.xlsx, dòng 2, cột «Loại đơn vị»: {SECOND_PROVINCE}"]


SECOND_PROVINCE = ("đã có UBND tỉnh «TINH»: mỗi cơ sở dữ liệu là của một tỉnh (nhiều tỉnh thì mỗi tỉnh một cơ sở dữ "
                   "liệu: cchc tinh add)")


def test_a_second_province_is_refused_in_the_file_and_beside_the_stored_one(engine, tmp_path):
    """Guard: store.ingest.units._check_one_province. A second UBND tỉnh was a second root, ranked beside the first."""
    two = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""],
                                                              ["TINH2", "UBND tỉnh Điện Biên", "UBND tỉnh", ""]])
    assert refused(engine, two) == [f"don_vi.xlsx, dòng 3, cột «Loại đơn vị»: {SECOND_PROVINCE}"]
    loaded = engine
    ingest_file(loaded, units_file(tmp_path))
    second = write_xlsx(tmp_path / "don_vi2.xlsx", UNIT_HEADERS, [["DB", "UBND tỉnh Điện Biên", "UBND tỉnh", ""]])
    assert refused(loaded, second) == [f"don_vi2.xlsx, dòng 2, cột «Loại đơn vị»: {SECOND_PROVINCE}"]
    # The province itself sent again, renamed, is still the one province.
    again = write_xlsx(tmp_path / "don_vi3.xlsx", UNIT_HEADERS, [["TINH", "UBND tỉnh Lai Châu (mới)", "UBND tỉnh", ""]])
    assert ingest_file(loaded, again).rows == 1


def test_units_ingested_again_with_a_new_name(loaded, tmp_path):
    rows = [row.copy() for row in UNITS]
    rows[1][1] = "Sở Khoa học, Công nghệ và Đổi mới sáng tạo"
    result = ingest_file(loaded, write_xlsx(tmp_path / "don_vi2.xlsx", UNIT_HEADERS, rows[1:]))
    assert result.loaded == {"đơn vị mới": 0, "đơn vị cập nhật": 4}


def test_a_malformed_spreadsheet(engine, tmp_path):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    [problem] = refused(engine, path)
    assert problem.startswith("hong.xlsx: tệp hỏng hoặc không đúng định dạng")


def test_a_csv_not_in_utf8(engine, tmp_path):
    path = tmp_path / "don_vi.csv"
    # "Mã đơn vị,…" as a legacy Windows code page writes it: not valid UTF-8
    path.write_bytes(b"M\xe3 \xf0\xf4n v\xef,T\xean \xf0\xf4n v\xef\nTINH,UBND t\xecnh\n")
    assert refused(engine, path) == ["don_vi.csv: tệp CSV không ở mã UTF-8 (hãy lưu lại với «CSV UTF-8»)"]


def test_a_file_of_no_known_kind(engine, tmp_path):
    path = write_csv(tmp_path / "la.csv", ["Cột A", "Cột B"], [["1", "2"]])
    [problem] = refused(engine, path)
    assert problem.startswith("la.csv, dòng 1: không nhận ra loại tệp từ dòng tiêu đề")


def test_an_unknown_file_type(engine, tmp_path):
    path = tmp_path / "bao_cao.docx"
    path.write_text("x")
    assert refused(engine, path) == [
        "bao_cao.docx: không đọc được loại tệp «.docx» (chỉ nhận .csv, .txt, .xlsx, .parquet)"]


@pytest.mark.parametrize("written, named, message", [
    ("xlsx", "ho_so.csv", "tệp có đuôi «.csv» nhưng là bảng tính Excel (.xlsx): đổi đuôi tệp thành .xlsx"),
    ("xlsx", "so_lieu.csv", "tệp có đuôi «.csv» nhưng là bảng tính Excel (.xlsx): đổi đuôi tệp thành .xlsx"),
    ("parquet", "ho_so.csv", "tệp có đuôi «.csv» nhưng là tệp Parquet (.parquet): đổi đuôi tệp thành .parquet"),
    ("csv", "ho_so.xlsx", "tệp có đuôi «.xlsx» nhưng không phải bảng tính Excel (.xlsx): mở bằng chương trình đã "
                          "tạo tệp rồi lưu lại đúng loại"),
    ("xls", "ho_so.xlsx", "tệp có đuôi «.xlsx» nhưng là bảng tính Excel 97-2003 (.xls): mở bằng Excel rồi lưu lại "
                          "dạng .xlsx"),
    ("encrypted", "ho_so.xlsx", "bảng tính có mật khẩu mở tệp: mở bằng Excel, bỏ mật khẩu (Tệp › Thông tin › Bảo vệ "
                                "sổ làm việc › Mã hóa bằng mật khẩu) rồi lưu lại"),
    ("", "ho_so.xlsx", "tệp trống: không có dòng tiêu đề và dữ liệu (dùng «cchc template» để lấy mẫu)")])
def test_a_file_of_another_kind_than_its_name_says_is_refused_saying_what_it_is(loaded, tmp_path, written, named,
                                                                                   message):
    """A workbook saved under a CSV's name had been refused as a CSV not in UTF-8; a CSV renamed «.xlsx» in the
    zip reader's English («File is not a zip file»)."""
    import pandas as pd

    rows = [dossier(code=f"HS{i}") for i in range(3)]
    made = tmp_path / f"made.{written or 'csv'}"
    if written == "xlsx":
        write_xlsx(made, DOSSIER_HEADERS if named.startswith("ho_so") else FACT_HEADERS, rows)
    elif written == "parquet":
        pd.DataFrame(rows, columns=DOSSIER_HEADERS).astype(str).to_parquet(made)
    elif written == "csv":
        write_csv(made, DOSSIER_HEADERS, rows)
    elif written == "encrypted":  # Excel's .xlsx saved with a password: its zip in a stream of an OLE container
        made.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
                         + bytes(96) + b"PK\x03\x04")
    else:
        made.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) if written == "xls" else b"")
    path = made.rename(tmp_path / named)
    assert refused(loaded, path) == [f"{named}: {message}"]


def test_a_small_register_of_date_cells_and_one_pasted_day_is_the_sheet_s_own(loaded, tmp_path):
    """Two date cells of March (the 10th, the 5th) and «18/03/2024» pasted as text: a US-set Excel would have made
    the cells October and May. Refused before as maybe swapped; the cells fall in the typed month as they read."""
    from datetime import datetime

    rows = [["SKHCN", "Quý I/2024", datetime(2024, 3, 10), "1/BC"], ["STP", "Quý I/2024", datetime(2024, 3, 5), "2/BC"],
            ["XA0001", "Quý I/2024", "18/03/2024", "3/BC"]]
    path = write_xlsx(tmp_path / "bc.xlsx", ["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"], rows)
    assert ingest_file(loaded, path).rows == 3


@pytest.mark.parametrize("code", ["ＳＮＶ", "\u0421NV", "SN\u0392", "SNV-\u00d0"])  # full-width; Cyrillic С; Greek Β; Ð
@pytest.mark.parametrize("rows", [1, 3000])  # a unit's code read whole; a dossier's unit read in slices
def test_a_code_of_letters_drawn_as_latin_ones_is_refused(loaded, tmp_path, code, rows):
    """«ＳＮＶ» or «СNV» looked like «SNV» and became a second unit, a second person, without a word; «Ð» (the eth
    of Icelandic) looks like «Đ»."""
    said = ("trông như chữ «Đ» nhưng là ký tự khác" if "\u00d0" in code
            else "trông như chữ Latinh nhưng là ký tự khác (chữ toàn độ rộng, chữ Kirin hoặc Hy Lạp)")
    if rows == 1:
        path = write_csv(tmp_path / "don_vi.csv", UNIT_HEADERS, [[code, "Sở Nội vụ", "Sở, ban, ngành", "TINH"]])
        [problem] = refused(loaded, path)
        assert problem.startswith("don_vi.csv, dòng 2, cột «Mã đơn vị»: mã có chữ «") and said in problem
        return
    data = [dossier(code=f"HS{i:04d}") for i in range(rows)]
    data[2500][0] = code
    problems = refused(loaded, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, data), year=2024)
    assert any(p.startswith("ho_so.csv, dòng 2502, cột «Mã đơn vị»: mã có chữ «") and said in p for p in problems)


def test_days_and_years_not_yet_come_are_refused_where_they_must_have_been(loaded, tmp_path):
    """A birth in 2030, a rating of 2030, a report received on 17/03/2099: each had landed (only dossiers were
    checked). A deadline may lie ahead."""
    from datetime import date

    ahead = date.today().year + 3
    people = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Lò Văn A", "Nam", f"01/01/{ahead}", "Công chức", "Chuyên viên", "SKHCN", str(ahead),
         "Hoàn thành tốt nhiệm vụ"]])
    assert refused(loaded, people) == [
        f"can_bo.csv, dòng 2, cột «Ngày sinh»: ngày 01/01/{ahead} là ngày chưa đến",
        f"can_bo.csv, dòng 2, cột «Năm đánh giá»: năm {ahead} chưa đến"]
    register = write_csv(tmp_path / "bc.csv", ["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"],
                         [["SKHCN", "Quý I/2024", f"17/03/{ahead}", "1/BC"]])
    assert f"bc.csv, dòng 2, cột «Ngày gửi»: ngày 17/03/{ahead} là ngày chưa đến" in refused(loaded, register)
    findings = write_csv(tmp_path / "kq.csv", ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế",
                                               "Kiến nghị", "Thời hạn khắc phục"],
                         [["2024", "STP", "12/06/2024", "", "Chưa ban hành kế hoạch", "Ban hành", f"31/07/{ahead}"]])
    assert ingest_file(loaded, findings).rows == 1


def test_a_period_not_yet_begun_is_refused_and_one_under_way_is_kept(loaded, tmp_path):
    """Figures and reports of Quý I/2099 (a slip for another year) had landed and stood in the store's periods.
    The year under way may be reported on before its end."""
    from store.ingest.columns import today

    ahead, now = today().year + 3, today().year
    figures = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", f"Quý I/{ahead}", "van_ban_di", "12", ""], ["STP", f"{ahead}-Q1", "van_ban_di", "3", ""],
        ["STP", f"Năm {now}", "van_ban_di", "4", ""]])
    assert refused(loaded, figures) == [
        f"so_lieu.csv, dòng 2, cột «Kỳ báo cáo»: kỳ báo cáo «Quý I/{ahead}» chưa bắt đầu (bắt đầu từ 15/12/{ahead - 1})",
        f"so_lieu.csv, dòng 3, cột «Kỳ báo cáo»: kỳ báo cáo «{ahead}-Q1» chưa bắt đầu (bắt đầu từ 15/12/{ahead - 1})"]
    register = write_csv(tmp_path / "bc.csv", ["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"],
                         [["SKHCN", f"Năm {ahead}", "17/03/2024", "1/BC"]])
    assert refused(loaded, register)[0] == (
        f"bc.csv, dòng 2, cột «Kỳ báo cáo»: kỳ báo cáo «Năm {ahead}» chưa bắt đầu (bắt đầu từ 15/12/{ahead - 1})")
    assert ingest_file(loaded, write_csv(tmp_path / "so_lieu_2.csv", FACT_HEADERS, [
        ["STP", f"Năm {now}", "van_ban_di", "4", ""]])).rows == 1


def test_a_rate_written_as_a_fraction_is_refused_and_one_below_one_percent_is_written_with_its_sign(loaded, tmp_path):
    """SIPAS «0,91» (a formula =a/b left unformatted) had landed as 0,91 %, a Sở's score falling from B to D."""
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "sipas", "0,91", ""], ["STP", "Năm 2024", "sipas", "91", ""],
        ["XA0001", "Năm 2024", "sipas", "0,5%", ""], ["SKHCN", "Năm 2024", "van_ban_di", "0", ""]])
    assert refused(loaded, path) == [
        "so_lieu.csv, dòng 2, cột «Giá trị»: Chỉ số hài lòng về sự phục vụ hành chính (SIPAS): «0,91» là tỷ lệ viết dạng "
        "phân số? ghi 91 hoặc 91% (tỷ lệ dưới 1% thì ghi kèm dấu %: 0,91%)"]
    landed = ingest_file(loaded, write_csv(tmp_path / "so_lieu_2.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "sipas", "0,91%", ""], ["STP", "Năm 2024", "sipas", "91", ""]]))
    assert landed.rows == 2 and landed.warnings == []
    # 1 is 1 % or, from the same unformatted formula, 100 %: taken as written, its row named; «1%» says nothing
    whole = ingest_file(loaded, write_csv(tmp_path / "so_lieu_3.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "sipas", "1", ""], ["STP", "Năm 2024", "sipas", "1%", ""]]))
    [warning] = whole.warnings
    assert warning.column == "Giá trị" and warning.message == (
        "dòng 2: Chỉ số hài lòng về sự phục vụ hành chính (SIPAS): «1» được nhận là 1%; nếu là 100% viết dạng phân số "
        "(=a/b chưa định dạng) thì ghi 100")


def test_an_excel_true_where_a_code_belongs_is_refused(loaded, tmp_path):
    """A TRUE cell in «Mã đơn vị» had become the unit «True»."""
    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [[True, "Sở Nội vụ", "Sở, ban, ngành", "TINH"]])
    assert refused(loaded, path) == ["don_vi.xlsx, dòng 2, cột «Mã đơn vị»: ô đúng/sai (True) của Excel không phải là mã"]


def test_an_excel_true_where_a_text_belongs_is_refused(loaded, tmp_path):
    """A TRUE cell in «Tên đơn vị» had become the unit named «True», as it had become the unit coded so."""
    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, [["SNV", True, "Sở, ban, ngành", "TINH"]])
    assert refused(loaded, path) == [
        "don_vi.xlsx, dòng 2, cột «Tên đơn vị»: ô đúng/sai (True) của Excel không phải là giá trị của cột này"]


def test_a_number_of_a_column_of_numbers_is_quoted_as_the_sheet_shows_it(loaded, tmp_path):
    """A workbook's column of numbers is read as one: a refusal had quoted its cell as «-2024.0»."""
    path = write_xlsx(tmp_path / "can_bo.xlsx", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Văn A", "Nam", "01/01/1990", "Công chức", "Chuyên viên", "SKHCN", -2024, "Hoàn thành nhiệm vụ"]])
    problems = refused(loaded, path)
    assert "can_bo.xlsx, dòng 2, cột «Năm đánh giá»: giá trị âm «-2024» không hợp lệ (phải ≥ 1990)" in problems


def test_today_is_vietnam_s_whatever_zone_the_server_keeps(monkeypatch):
    """At 20:46 UTC on 1 December it is 03:46 on the 2nd in Vietnam: a report received that day had been refused
    as a day not yet come by a server on UTC."""
    from datetime import datetime as real

    import pandas as pd

    from store.ingest import columns
    from store.ingest.problems import Collector

    class Clock(real):
        @classmethod
        def now(cls, tz=None):
            return real(2026, 12, 1, 20, 46, tzinfo=columns.timezone.utc).astimezone(tz)

    monkeypatch.setattr(columns, "datetime", Clock)
    out = Collector("bc.csv")
    day = columns.Day("Ngày gửi", "submitted_on", past=True)
    parsed = day.parse(pd.Series(["02/12/2026", "03/12/2026"], dtype="str"), out)
    assert [str(p) for p in out.problems] == ["bc.csv, dòng 3, cột «Ngày gửi»: ngày 03/12/2026 là ngày chưa đến"]
    assert str(parsed.iloc[0].date()) == "2026-12-02"


def test_two_rows_of_one_key_whose_cell_cannot_be_read_are_refused_for_the_cell(loaded, tmp_path):
    """Two rows alike but for a year that is no year: the unread cells had been taken for one repeated key, whose
    first row could not be found (exit 3, no file named)."""
    person = ["CB1", "Lò Văn Hải", "Nam", "", "Công chức", "Chuyên viên", "STP"]
    path = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        person + ["2023a", "Hoàn thành tốt nhiệm vụ"], person + ["2024a", "Hoàn thành tốt nhiệm vụ"]])
    assert refused(loaded, path) == ["can_bo.csv, dòng 2, cột «Năm đánh giá»: «2023a» không phải là số",
                                     "can_bo.csv, dòng 3, cột «Năm đánh giá»: «2024a» không phải là số"]
    facts = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["STP", "Quý V/2024", "van_ban_di", "4", ""], ["STP", "Quý VI/2024", "van_ban_di", "4", ""]])
    assert [p.split(": ")[0] for p in refused(loaded, facts)] == ["so_lieu.csv, dòng 2, cột «Kỳ báo cáo»",
                                                                  "so_lieu.csv, dòng 3, cột «Kỳ báo cáo»"]


def test_a_year_written_as_the_reports_write_it_is_read(loaded, tmp_path):
    person = ["CB1", "Lò Văn Hải", "Nam", "", "Công chức", "Chuyên viên", "STP"]
    path = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        person + ["Năm 2023", "Hoàn thành tốt nhiệm vụ"], person + ["năm  2024", "Hoàn thành tốt nhiệm vụ"]])
    assert ingest_file(loaded, path).loaded == {"người mới": 1, "lượt xếp loại": 2}


def test_a_staff_code_in_other_letters_case_is_refused_not_a_second_person(loaded, tmp_path):
    person = ["Lò Văn Hải", "Nam", "", "Công chức", "Chuyên viên", "STP", "2024", "Hoàn thành tốt nhiệm vụ"]
    ingest_file(loaded, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [["CB00001"] + person]))
    assert refused(loaded, write_csv(tmp_path / "can_bo_2.csv", PEOPLE_HEADERS, [
        ["CB00002"] + person, ["cb00001"] + person])) == [
        "can_bo_2.csv, dòng 3, cột «Mã cán bộ»: mã cán bộ «cb00001» trùng mã «CB00001» (chỉ khác chữ hoa, chữ "
        "thường): ghi đúng «CB00001», hoặc đặt một mã khác hẳn"]
    assert refused(loaded, write_csv(tmp_path / "can_bo_3.csv", PEOPLE_HEADERS, [
        ["Cb00009"] + person, ["CB00009"] + person[:-2] + ["2023", "Hoàn thành tốt nhiệm vụ"]]))[0].startswith(
        "can_bo_3.csv, dòng 3, cột «Mã cán bộ»: mã cán bộ «CB00009» trùng mã «Cb00009»")
