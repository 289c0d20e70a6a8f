"""Spreadsheets as offices make them: every file of the demo province, rewritten with the habits of real offices
(title rows above the header, blank rows and columns, UTF-16, another sheet first, Windows-1258, codes typed
as numbers) lands exactly as the clean file does; rewritten with a bad cell (too long, not finite, too large,
#N/A where a value is required, a dot as a decimal point) or with no data, it is refused naming the file, the
sheet's own row and the column, and nothing is written."""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import DateTime, select, text

from cli_runner import cchc
from helpers import (FACT_HEADERS, PEOPLE_HEADERS, UNIT_HEADERS, UNITS, dossier, DOSSIER_HEADERS, snapshot, units_file,
                     write_csv)
from store import dossier_data, models
from store.db import TABLES, make_engine
from store.ingest import KINDS, IngestError, ingest_file
from store.ingest.columns import Number, Text, Year

TITLES = [["UBND TỈNH LAI CHÂU"], ["BÁO CÁO SỐ LIỆU CẢI CÁCH HÀNH CHÍNH NĂM 2024"], []]
# The kinds of the demo province's files.
DEMO_KINDS = ["don_vi", "can_bo", "sang_kien", "ky_luat", "so_lieu", "ho_so", "bao_cao", "ket_qua_kiem_tra",
              "bao_cao_noi_dung"]


@dataclass
class Clean:
    """One demo file: its rows, and the store as it stood before it was ingested."""

    key: str
    path: Path
    kind: str
    headers: list[str]
    rows: list[list]  # cells as the file holds them: typed for a workbook, text for a CSV
    base: Path
    year: int | None


def _read(path: Path) -> tuple[list[str], list[list]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    else:
        wb = load_workbook(path, read_only=True)
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    return [str(h) for h in rows[0]], rows[1:]


@pytest.fixture(scope="session")
def demo(tmp_path_factory, schema_template) -> dict[str, Clean]:
    """The demo province's files, each with a copy of the store as it stood before it."""
    from cchc.demo import DemoSpec, generate

    folder = tmp_path_factory.mktemp("habits")
    files = generate(folder / "data", DemoSpec(communes=3, dossiers=400, history=2))
    db = folder / "store.db"
    shutil.copy(schema_template, db)
    keys = {files.units: "don_vi", files.people: "can_bo", files.initiatives: "sang_kien",
            files.disciplines: "ky_luat", files.facts: "so_lieu", files.dossiers: "ho_so",
            files.submissions: "bao_cao", files.findings: "ket_qua_kiem_tra", files.narratives: "bao_cao_noi_dung"}
    out = {}
    for i, path in enumerate(files.in_order()):
        base = folder / f"before-{i}.db"
        shutil.copy(db, base)
        engine = make_engine(f"sqlite:///{db}")
        year = files.year_of(path, 2024)
        result = ingest_file(engine, path, year=year)
        engine.dispose()
        if path in keys:
            headers, rows = _read(path)
            out[keys[path]] = Clean(keys[path], path, result.kind.code, headers, rows, base, year)
    assert sorted(out) == sorted(DEMO_KINDS)
    return out


def _stored(engine) -> dict[str, list[tuple]]:
    """Every row of the record, without what only says which file it came from, when it was written, or the random
    id of the event it queued for the Prefect server."""
    out = {}
    with engine.connect() as conn:
        for name in TABLES:
            table = models.Base.metadata.tables[name]
            cols = [c.name for c in table.columns if c.name not in ("sha256", "file_name", "path", "event_id")
                    and not isinstance(c.type, DateTime)]
            rows = conn.execute(select(*[table.c[c] for c in cols])).all()
            out[name] = sorted(map(tuple, rows), key=repr)
    # the dossiers themselves, which live in the datasets (a dataset's path is its file's sha256)
    out["dossier datasets"] = sorted(map(tuple, dossier_data.read(engine).astype(object).itertuples(index=False)),
                                     key=repr)
    return out


def _copy_store(base: Path, db: Path) -> None:
    """A copy of a store: its SQLite file and the dossier datasets beside it."""
    shutil.copy(base, db)
    if (base.parent / "du-lieu").is_dir():
        shutil.copytree(base.parent / "du-lieu", db.parent / "du-lieu", dirs_exist_ok=True)


def _landed(clean: Clean, path: Path, tmp: Path):
    """Ingest ``path`` into a copy of the store as it stood before ``clean``: the result and the record."""
    db = tmp / f"{path.stem}.db"
    _copy_store(clean.base, db)
    engine = make_engine(f"sqlite:///{db}")
    try:
        result = ingest_file(engine, path, year=clean.year)
        return result, _stored(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def expected(demo, tmp_path_factory) -> dict[str, dict]:
    """The record after each clean file."""
    tmp = tmp_path_factory.mktemp("clean")
    return {key: _landed(clean, clean.path, tmp)[1] for key, clean in demo.items()}


# --- Writing files the way offices do ------------------------------------------------------------------------


def as_text(value) -> str:
    """A cell as a person types it in a Vietnamese Excel: dd/mm/yyyy, decimal comma."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


def write_xlsx(path: Path, headers: list, rows: list[list], above: list[list] = (), first_sheet: bool = False,
               blank_at: int | None = None, empty_below: int = 0, empty_right: int = 0) -> Path:
    wb = Workbook()
    ws = wb.active
    if first_sheet:  # a guide before the data, as templates have
        ws.title = "Hướng dẫn"
        ws.append(["Hướng dẫn nhập liệu"])
        ws.append(["Mỗi dòng là một bản ghi; ngày ghi dd/mm/yyyy."])
        ws = wb.create_sheet("Dữ liệu")
    width = len(headers)
    for r, row in enumerate(above, start=1):
        ws.append(row)
        if row:  # a title spans the table, merged as offices make it
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.append(headers)
    for i, row in enumerate(rows):
        if i == blank_at:
            ws.append([])
        ws.append(row)
    bold = Font(bold=True)
    last = ws.max_row
    for r in range(last + 1, last + 1 + empty_below):  # formatted but empty: part of the sheet's used range
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).font = bold
        ws.cell(row=r, column=1).value = " "
    for c in range(width + 1, width + 1 + empty_right):
        for r in range(1, last + 1):
            ws.cell(row=r, column=c).font = bold
    wb.save(path)
    return path


def _cp1258(text: str) -> bytes:
    """Text as Excel saves «CSV» on a Vietnamese Windows: letters precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
                   + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def write_text(path: Path, headers: list, rows: list[list], above: list[list] = (), encoding: str = "utf-8",
               sep: str = ",", blank_at: int | None = None, empty_below: int = 0, empty_right: int = 0) -> Path:
    width = len(headers) + empty_right
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in above:  # Excel pads every row of a sheet to its width; a blank row stays a blank line
        if row:
            writer.writerow(row + [""] * (width - len(row)))
        else:
            buffer.write("\r\n")
    writer.writerow(list(headers) + [""] * empty_right)
    for i, row in enumerate(rows):
        if i == blank_at:
            buffer.write("\r\n")
        writer.writerow([as_text(v) for v in row] + [""] * empty_right)
    for _ in range(empty_below):
        writer.writerow([""] * width)
    content = buffer.getvalue()
    path.write_bytes(_cp1258(content) if encoding == "cp1258" else content.encode(encoding))
    return path


def benign(clean: Clean, habit: str, folder: Path) -> Path:
    """The clean file rewritten with one habit of the offices."""
    h, rows = clean.headers, clean.rows
    mid = len(rows) // 2
    if habit == "title_rows_xlsx":
        return write_xlsx(folder / f"{clean.key}.xlsx", h, rows, above=TITLES)
    if habit == "title_rows_csv":
        return write_text(folder / f"{clean.key}.csv", h, rows, above=TITLES)
    if habit == "empty_rows_and_columns_xlsx":
        return write_xlsx(folder / f"{clean.key}.xlsx", h, rows, blank_at=mid, empty_below=5, empty_right=3)
    if habit == "empty_rows_and_columns_csv":
        return write_text(folder / f"{clean.key}.csv", h, rows, blank_at=mid, empty_below=5, empty_right=3)
    if habit == "utf16_tabs":  # Excel's «Unicode Text»
        return write_text(folder / f"{clean.key}.csv", h, rows, encoding="utf-16", sep="\t")
    if habit == "utf8_bom_semicolons":  # Excel's «CSV UTF-8» in a Vietnamese locale
        return write_text(folder / f"{clean.key}.csv", h, rows, encoding="utf-8-sig", sep=";")
    if habit == "windows_1258":
        return write_text(folder / f"{clean.key}.csv", h, rows, encoding="cp1258", sep=";")
    if habit == "data_on_another_sheet":
        return write_xlsx(folder / f"{clean.key}.xlsx", h, rows, first_sheet=True, above=TITLES[:1])
    raise AssertionError(habit)


HABITS = ["title_rows_xlsx", "title_rows_csv", "empty_rows_and_columns_xlsx", "empty_rows_and_columns_csv",
          "utf16_tabs", "utf8_bom_semicolons", "windows_1258", "data_on_another_sheet"]


@pytest.mark.parametrize("habit", HABITS)
@pytest.mark.parametrize("key", DEMO_KINDS)
def test_a_habit_of_the_offices_lands_as_the_clean_file(demo, expected, key, habit, tmp_path):
    clean = demo[key]
    path = benign(clean, habit, tmp_path)
    result, stored = _landed(clean, path, tmp_path)
    assert result.kind.code == clean.kind and result.rows == len(clean.rows)
    assert stored == expected[key]


@pytest.mark.parametrize("written", ["with_times", "dashed", "zoned", "twelve_hours", "iso_with_slashes",
                                     "month_names", "vietnamese_months"])
def test_days_as_a_system_exports_them_land_as_the_clean_file(demo, expected, written, tmp_path):
    """A one-stop system's export writes the time after each day («05/03/2024 08:30:15», ISO with a «T»), or the
    day with dashes: the day is what counts, as a workbook's date cell's time of day is dropped."""
    clean = demo["ho_so"]
    days = [i for i, h in enumerate(clean.headers) if h.startswith("Ngày")]

    def cell(value, i: int, r: int) -> str:
        text = as_text(value)
        if i not in days or not text:
            return text
        day = date.fromisoformat(text) if text[4] == "-" else datetime.strptime(text, "%d/%m/%Y").date()
        if written == "dashed":
            return f"{day:%d-%m-%Y}"
        if written == "iso_with_slashes":  # Guard: store.ingest.columns.Day.parse's formats
            return f"{day:%Y/%m/%d}"
        if written == "month_names":  # Guard: store.ingest.columns._month_named; Excel in English
            return [f"{day.day}-{MONTH_NAMES[day.month - 1]}-{day.year}", f"{day:%d} {MONTH_NAMES[day.month - 1]} {day.year}",
                    f"{day:%d}-{MONTH_NAMES[day.month - 1].upper()}-{day.year}"][r % 3]
        if written == "vietnamese_months":  # Excel in Vietnamese
            return [f"{day.day}-thg {day.month}-{day.year}", f"{day:%d} thg {day.month} {day.year}"][r % 2]
        if written == "zoned":  # an API's moment with its zone: its day in Vietnam, whatever day it is written on
            before = day - timedelta(days=1)  # Vietnam's midnight kept as UTC is 17:00 the day before
            return [f"{day.isoformat()}T08:30:15+07:00", f"{before.isoformat()}T17:00:00.000Z",
                    f"{before.isoformat()}T23:30:00-05:00", f"{day:%d/%m/%Y} 06:59:59Z"][r % 4]
        if written == "twelve_hours":  # Windows in English, and in Vietnamese (sáng / chiều)
            return f"{day:%d/%m/%Y} {r % 12 + 1}:05 {['AM', 'PM', 'SA', 'CH'][r % 4]}"
        return f"{day:%d/%m/%Y} {r % 24:02d}:{r % 60:02d}:07" if r % 2 else f"{day.isoformat()}T{r % 24}:05:00.250"

    rows = [[cell(v, i, r) for i, v in enumerate(row)] for r, row in enumerate(clean.rows)]
    path = write_text(tmp_path / "ho_so.csv", clean.headers, rows)
    result, stored = _landed(clean, path, tmp_path)
    assert result.rows == len(clean.rows) and stored == expected["ho_so"]


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.mark.parametrize("day", ["21-Mrz-2024", "21-Mar-24", "Mar 21, 2024", "21-thg 13-2024"])
def test_a_day_with_no_month_s_name_or_a_two_digit_year_is_refused_naming_row_and_column(demo, day, tmp_path):
    """Guard: store.ingest.columns._month_named. Only day-Mon-yyyy and day Mon yyyy are read: a wrong name, a year
    of two digits, the month first, are refused naming the cell, and nothing is stored."""
    clean = demo["ho_so"]
    column = next(i for i, h in enumerate(clean.headers) if h.startswith("Ngày") and as_text(clean.rows[1][i]))
    rows = [[as_text(v) for v in row] for row in clean.rows]
    rows[1][column] = day
    path = write_text(tmp_path / "ho_so.csv", clean.headers, rows)
    with pytest.raises(IngestError) as refused:
        _landed(clean, path, tmp_path)
    said = str(refused.value)
    assert "ho_so.csv" in said and "dòng 3" in said and clean.headers[column] in said and day in said


def test_ways_of_submitting_as_a_system_exports_them_land_as_the_clean_file(demo, expected, tmp_path):
    """A one-stop system's export names the way a dossier came in by Decree 61/2018's words («Qua dịch vụ bưu chính
    công ích») and an online one by its service's level («Trực tuyến toàn trình», «… một phần»): each is the
    channel it names, as the short words are."""
    clean = demo["ho_so"]
    column = clean.headers.index("Hình thức nộp")
    written = {"Trực tuyến": ["Trực tuyến toàn trình", "Trực tuyến một phần", "DỊCH VỤ CÔNG TRỰC TUYẾN"],
               "Trực tiếp": ["Trực tiếp tại Bộ phận Một cửa", "trực tiếp"],
               "Bưu chính": ["Qua dịch vụ bưu chính công ích", "Dịch vụ bưu chính công ích"]}
    rows = [list(row) for row in clean.rows]
    for r, row in enumerate(rows):
        words = written[as_text(row[column])]
        row[column] = words[r % len(words)]
    assert {row[column] for row in rows} >= {w for ws in written.values() for w in ws}
    path = write_text(tmp_path / "ho_so.csv", clean.headers, [[as_text(v) for v in row] for row in rows])
    result, stored = _landed(clean, path, tmp_path)
    assert result.rows == len(clean.rows) and stored == expected["ho_so"]


def test_codes_typed_as_numbers_land_with_a_warning_naming_their_rows(demo, expected, tmp_path):
    """TTHC codes such as 1.004037 typed into Excel become numbers: read back the same, but said (a code with
    a leading or trailing zero would have lost it)."""
    clean = demo["ho_so"]
    column = clean.headers.index("Mã TTHC")
    rows, numeric = [], []
    for i, row in enumerate(clean.rows):
        row = list(row)
        if repr(float(row[column])) == row[column] and len(numeric) < 12:
            row[column] = float(row[column])
            numeric.append(i + 2)
        rows.append(row)
    assert len(numeric) == 12
    path = write_xlsx(tmp_path / "ho_so.xlsx", clean.headers, rows)
    result, stored = _landed(clean, path, tmp_path)
    assert stored == expected["ho_so"]
    [warning] = result.warnings
    assert warning.column == "Mã TTHC" and "lưu dạng số" in warning.message
    assert warning.message.startswith(f"dòng {', '.join(map(str, numeric[:10]))} và 2 dòng khác")


def test_codes_saved_with_a_decimal_comma_land_as_the_clean_file_with_a_warning(demo, expected, tmp_path):
    """A TTHC code typed into Excel as a number (1.004037) and saved to CSV by an Excel set to Vietnamese is
    «1,004037»: the code 1.004037, said with its rows. Kept as written it had been a second procedure beside the
    rows still reading «1.004037», and the count of procedures with dossiers grew."""
    clean = demo["ho_so"]
    column = clean.headers.index("Mã TTHC")
    rows, commas = [], []
    for i, row in enumerate(clean.rows):
        row = list(row)
        if i % 2 and repr(float(row[column])) == row[column]:
            row[column] = float(row[column])  # written as a Vietnamese Excel writes it: «1,004037»
            commas.append(i + 2)
        rows.append(row)
    assert len(commas) > 10 and "," in as_text(rows[1][column])
    path = write_text(tmp_path / "ho_so.csv", clean.headers, rows, encoding="utf-8-sig", sep=";")
    result, stored = _landed(clean, path, tmp_path)
    assert stored == expected["ho_so"]
    [warning] = result.warnings
    assert warning.column == "Mã TTHC" and "dấu phẩy thập phân" in warning.message
    assert warning.message.startswith(f"dòng {', '.join(map(str, commas[:10]))} và {len(commas) - 10} dòng khác")


def test_a_code_with_a_comma_before_three_digits_is_refused_as_ambiguous(units_loaded, tmp_path):
    """«1,004» is the code 1.004 written with a decimal comma, or 1004 with English thousands: not guessed."""
    from helpers import refused as refused_text

    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1"), dossier(code="HS2", tthc="1,004")],
                     sep=";")
    problems = refused_text(units_loaded, path)
    assert "ho_so.csv, dòng 3, cột «Mã TTHC»: mã «1,004»" in problems and "1.004" in problems and "1004" in problems


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_days_as_excel_s_day_numbers_land_as_the_clean_file_with_a_warning(demo, expected, suffix, tmp_path):
    """A date column whose cells lost their format (General) shows, and saves to a CSV, Excel's day numbers (45372
    for 21/03/2024, a fraction for the time of day): they are those days, said with their rows. A year alone in a
    date column is still no day."""
    clean = demo["ho_so"]
    received, finished = clean.headers.index("Ngày tiếp nhận"), clean.headers.index("Ngày có kết quả")

    def serial(text: str, time: float = 0.0):
        days = (date.fromisoformat(text) - date(1899, 12, 30)).days + time
        return days if suffix == ".xlsx" else str(int(days))

    rows = []
    for row in clean.rows:
        row = list(row)
        row[received] = serial(row[received])
        if row[finished]:
            row[finished] = serial(row[finished], 0.375)
        rows.append(row)
    path = (write_xlsx(tmp_path / "ho_so.xlsx", clean.headers, rows) if suffix == ".xlsx"
            else write_text(tmp_path / "ho_so.csv", clean.headers, rows))
    result, stored = _landed(clean, path, tmp_path)
    assert result.rows == len(clean.rows) and stored == expected["ho_so"]
    said = {w.column: w.message for w in result.warnings}
    assert said["Ngày tiếp nhận"].startswith("dòng 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 và ")
    assert "số ngày của Excel" in said["Ngày tiếp nhận"] and "Ngày có kết quả" in said

    rows[0][received] = 2024 if suffix == ".xlsx" else "2024"
    path = (write_xlsx(tmp_path / "nam.xlsx", clean.headers, rows) if suffix == ".xlsx"
            else write_text(tmp_path / "nam.csv", clean.headers, rows))
    [problem] = refused(clean, path, tmp_path)
    assert (problem.row, problem.column) == (2, "Ngày tiếp nhận") and "«2024» không phải ngày hợp lệ" in problem.message


def test_day_numbers_of_a_workbook_of_the_1904_calendar_count_from_1904(demo, expected, tmp_path):
    """A workbook of the 1904 calendar (Excel for Mac's of old, kept by its copies) numbers 21/03/2024 as 43910, not
    45372: its date cells that lost their format are its days, not four years and a day earlier."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    clean = demo["can_bo"]
    born = clean.headers.index("Ngày sinh")
    rows = [list(row) for row in clean.rows]
    for row in rows:
        row[born] = (datetime.strptime(row[born], "%d/%m/%Y") - datetime(1904, 1, 1)).days
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active.append(clean.headers)
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "can_bo.xlsx")
    result, stored = _landed(clean, tmp_path / "can_bo.xlsx", tmp_path)
    assert result.rows == len(clean.rows) and stored == expected["can_bo"]
    [said] = [w.message for w in result.warnings if w.column == "Ngày sinh"]
    assert "số ngày của Excel" in said and "lịch 1904 của tệp" in said


def test_a_parquet_column_of_whole_numbers_is_no_column_of_excel_s_days(demo, tmp_path):
    """A system's typed column of numbers in a date column counts days from another start, if it counts days at all
    (19802 days from 1970 is 21/03/2024; as Excel's, 1954): refused, not read as Excel's."""
    import pandas as pd

    clean = demo["ho_so"]
    frame = pd.DataFrame(clean.rows, columns=clean.headers)
    frame["Ngày tiếp nhận"] = [(date.fromisoformat(v) - date(1970, 1, 1)).days for v in frame["Ngày tiếp nhận"]]
    path = tmp_path / "ho_so.parquet"
    frame.to_parquet(path, index=False)
    problems = refused(clean, path, tmp_path)
    assert problems[0].column == "Ngày tiếp nhận" and "không phải ngày hợp lệ" in problems[0].message


def test_codes_typed_as_numbers_under_a_format_of_zeros_are_read_as_the_sheet_shows_them(engine, tmp_path):
    """A commune's code typed as the number 4 in a column formatted «00000» shows, and is, «00004»: its zeros were
    never lost (read as 4, it had become another unit, told as a code that may have lost them). A number with no
    such format is still said."""
    wb = Workbook()
    ws = wb.active
    ws.append(UNIT_HEADERS)
    ws.append(["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""])
    ws.append([4, "UBND phường Trúc Bạch", "UBND xã, phường", "TINH"])
    ws.append([13, "UBND xã Bản Hon", "UBND xã, phường", "TINH"])
    ws.append([7, "UBND xã Nậm Tăm", "UBND xã, phường", "TINH"])
    ws["A3"].number_format = "00000"
    ws["A5"].number_format = "00000;@"  # a section for text after the one for numbers
    wb.save(tmp_path / "don_vi.xlsx")
    result = ingest_file(engine, tmp_path / "don_vi.xlsx")
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT code FROM unit")).scalars()) == ["00004", "00007", "13", "TINH"]
    [warning] = result.warnings
    assert warning.column == "Mã đơn vị" and warning.message.startswith("dòng 4: mã được lưu dạng số")
    # a procedure's code typed as 1.00088 in a column formatted «0.000000» shows, and is, «1.000880»
    wb = Workbook()
    ws = wb.active
    ws.append(DOSSIER_HEADERS)
    ws.append(dossier(unit="00004", code="HS1", tthc=1.00088))
    ws["C2"].number_format = "0.000000"
    wb.save(tmp_path / "ho_so.xlsx")
    assert ingest_file(engine, tmp_path / "ho_so.xlsx").warnings == []
    assert dossier_data.read(engine)[["unit", "tthc_code"]].values.tolist() == [["00004", "1.000880"]]


# --- Bad files -------------------------------------------------------------------------------------------------


def refused(clean: Clean, path: Path, tmp: Path) -> list:
    db = tmp / "refused.db"
    _copy_store(clean.base, db)
    engine = make_engine(f"sqlite:///{db}")
    try:
        before = _stored(engine)
        with pytest.raises(IngestError) as caught:
            ingest_file(engine, path, year=clean.year)
        assert _stored(engine) == before, "a refused file wrote something"
    finally:
        engine.dispose()
    assert "Traceback" not in caught.value.render()
    return caught.value.problems


def _columns(key: str):
    kind = KINDS[key]
    text = next(c for c in kind.columns if isinstance(c, Text) and c.limit)
    numbers = [c for c in kind.columns if isinstance(c, Number)]
    required = next(c for c in kind.columns if c.required and isinstance(c, Text))
    return text, numbers, required


LAYOUTS = {  # how the file is laid out → (writer, the sheet's row of data row 1 when a blank row sits before it)
    "plain_xlsx": (lambda p, h, r: write_xlsx(p.with_suffix(".xlsx"), h, r, blank_at=1), 4),
    "titles_xlsx": (lambda p, h, r: write_xlsx(p.with_suffix(".xlsx"), h, r, above=TITLES, blank_at=1), 7),
    "plain_csv": (lambda p, h, r: write_text(p.with_suffix(".csv"), h, r, blank_at=1), 4),
    "titles_csv": (lambda p, h, r: write_text(p.with_suffix(".csv"), h, r, above=TITLES, blank_at=1), 7),
}


def _bad_cases(key: str) -> list[tuple[str, str, object, str]]:
    """(case, column, the bad cell, what the message says) for a kind."""
    text, numbers, required = _columns(key)
    cases = [("too_long", text.header, "X" * (text.limit + 1), f"quá {text.limit} ký tự"),
             ("na_required", required.header, "#N/A", "không có giá trị"),
             ("NA_required", required.header, "NA", "không có giá trị"),
             ("excel_error", required.header, "#REF!", "lỗi công thức")]
    code = next((c for c in KINDS[key].columns if c.code), None)
    if code is not None:  # a long number shown by Excel in powers of ten: the code's digits are gone
        cases.append(("in_powers", code.header, "1,23457E+11", "lũy thừa"))
    for col in numbers:
        beyond = "năm phải từ 1990 đến 2100" if isinstance(col, Year) else "vượt quá giới hạn"
        cases += [(f"inf:{col.field}", col.header, "inf", "không phải là một số hữu hạn"),
                  (f"1e308:{col.field}", col.header, "1e308", "lũy thừa"),
                  (f"overflow:{col.field}", col.header, "99999999999999999999", beyond),
                  (f"decimal_point:{col.field}", col.header, "12.5", "dấu chấm")]
    return cases


BAD = [(key, case, layout) for key in DEMO_KINDS for case in [c[0] for c in _bad_cases(key)] for layout in LAYOUTS]


@pytest.mark.parametrize("key,case,layout", BAD)
def test_a_bad_cell_is_refused_naming_file_row_and_column(demo, key, case, layout, tmp_path):
    clean = demo[key]
    [(_, column, value, says)] = [c for c in _bad_cases(key) if c[0] == case]
    rows = [list(r) for r in clean.rows]
    rows[1][clean.headers.index(column)] = value
    write, row = LAYOUTS[layout]
    path = write(tmp_path / key, clean.headers, rows)
    problems = refused(clean, path, tmp_path)
    named = [p for p in problems if p.row == row and p.column == column]
    assert named and says in named[0].message, [str(p) for p in problems]
    assert all(p.file == path.name for p in problems)
    assert len(str(named[0])) < 500  # a cell of megabytes is quoted by its beginning


def test_a_unit_name_of_megabytes_is_refused_before_the_database(demo, tmp_path):
    clean = demo["don_vi"]
    rows = [list(r) for r in clean.rows]
    rows[3][1] = "Sở " * 1_650_000  # 4.9 MB
    path = write_text(tmp_path / "don_vi.csv", clean.headers, rows)
    [problem] = refused(clean, path, tmp_path)
    assert (problem.row, problem.column) == (5, "Tên đơn vị")
    assert problem.message == "ô dài 4.949.999 ký tự, quá 300 ký tự của cột"


def test_a_line_longer_than_arrow_s_blocks_is_read_as_written_every_time(tmp_path):
    """Arrow's threaded reader refused such a line in most runs and, in about one of six, read its cell cut short
    (4,320,853 of 4,950,000 characters): pandas' reader reads it, every time."""
    from store.ingest.reading import read_sheet

    path = write_text(tmp_path / "don_vi.csv", UNIT_HEADERS, [*UNITS[:3], ["X1", "Sở " * 1_650_000, "Sở", "TINH"]])
    for _ in range(8):
        assert read_sheet(path, [KINDS["don_vi"]]).frame["Tên đơn vị"].str.len().max() == 4_950_000


@pytest.mark.parametrize("key", DEMO_KINDS)
@pytest.mark.parametrize("layout", ["csv", "xlsx", "titles_xlsx"])
def test_a_file_of_headers_alone_is_refused(demo, key, layout, tmp_path):
    clean = demo[key]
    if layout == "csv":
        path = write_text(tmp_path / f"{key}.csv", clean.headers, [], empty_below=2)
    else:
        path = write_xlsx(tmp_path / f"{key}.xlsx", clean.headers, [], above=TITLES if "titles" in layout else ())
    [problem] = refused(clean, path, tmp_path)
    assert problem.row == (4 if "titles" in layout else 1)
    assert problem.message == "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_empty_file_is_refused(demo, suffix, tmp_path):
    path = tmp_path / f"trong{suffix}"
    if suffix == ".csv":
        path.write_bytes(b"\r\n\r\n")
    else:
        Workbook().save(path)
    [problem] = refused(demo["don_vi"], path, tmp_path)
    assert problem.message.startswith("tệp trống")


def test_a_legacy_code_page_that_is_not_windows_1258_is_refused(demo, tmp_path):
    clean = demo["don_vi"]
    path = write_text(tmp_path / "don_vi.csv", clean.headers, clean.rows)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))  # no BOM: nothing says what it is
    [problem] = refused(clean, path, tmp_path)
    assert problem.message.startswith("tệp CSV không ở mã UTF-8")


# --- Numbers as Vietnamese write them ------------------------------------------------------------------------


@pytest.fixture
def units_loaded(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return engine


def _facts(engine) -> dict[str, float]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT indicator_code, value FROM fact")).all())


def test_the_dot_groups_thousands_and_the_comma_marks_decimals_in_every_numeric_column(units_loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "1.577", ""],
        ["SKHCN", "Năm 2024", "van_ban_ky_so", "1.234", ""],
        ["SKHCN", "Năm 2024", "ty_le_hai_long", "98,3", ""],
        ["SKHCN", "Năm 2024", "so_ccvc", "1.234.567", ""],
        ["SKHCN", "Năm 2024", "van_ban_mat", "1.234,0", ""],
    ])
    ingest_file(units_loaded, path)
    assert _facts(units_loaded) == {"van_ban_di": 1577, "van_ban_ky_so": 1234, "ty_le_hai_long": 98.3,
                                    "so_ccvc": 1234567, "van_ban_mat": 1234}
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="A", supplements="1.001")])
    ingest_file(units_loaded, path, year=2024)
    assert dossier_data.read(units_loaded)["supplements"].tolist() == [1001]


def test_a_dot_that_does_not_group_thousands_is_refused_not_guessed(units_loaded, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "ty_le_hai_long", "98.3", ""],
        ["SKHCN", "Năm 2024", "van_ban_di", "1,234.5", ""],
        ["SKHCN", "Năm 2024", "ddci_diem", "0.125", ""],
    ])
    before = snapshot(units_loaded)
    with pytest.raises(IngestError) as caught:
        ingest_file(units_loaded, path)
    assert snapshot(units_loaded) == before
    assert [str(p) for p in caught.value.problems] == [
        f"so_lieu.csv, dòng {n}, cột «Giá trị»: «{v}»: dấu chấm chỉ dùng để ngăn cách hàng nghìn (1.234); phần "
        "thập phân ghi sau dấu phẩy (98,3)" for n, v in ((2, "98.3"), (3, "1,234.5"), (4, "0.125"))]


def test_spaces_group_thousands_and_part_nothing_else(units_loaded, tmp_path):
    """«1 234» (a space, or Excel's no-break space, before each three digits) is a thousand and more; «1 20» and
    «9 5,5» are two numbers or a slip, refused: they had been read as 120 and 95,5 without a word."""
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "1 577", ""],
        ["SKHCN", "Năm 2024", "so_ccvc", "1\u00a0234\u00a0567", ""],
        ["SKHCN", "Năm 2024", "van_ban_mat", "1 234,0", ""],
    ])
    ingest_file(units_loaded, path)
    assert _facts(units_loaded) == {"van_ban_di": 1577, "so_ccvc": 1234567, "van_ban_mat": 1234}
    path = write_csv(tmp_path / "so_lieu2.csv", FACT_HEADERS, [
        ["SKHCN", "Quý I/2024", "van_ban_di", "1 20", ""],
        ["SKHCN", "Quý I/2024", "ty_le_hai_long", "9 5,5", ""],
        ["SKHCN", "Quý I/2024", "so_ccvc", "12\u00a034", ""],
    ])
    before = snapshot(units_loaded)
    with pytest.raises(IngestError) as caught:
        ingest_file(units_loaded, path)
    assert snapshot(units_loaded) == before
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (n, "Giá trị", f"«{v}» không phải là số") for n, v in ((2, "1 20"), (3, "9 5,5"), (4, "12\u00a034"))]
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="A", supplements="1 0")])
    with pytest.raises(IngestError, match="«1 0» không phải là số"):
        ingest_file(units_loaded, path, year=2024)


def test_a_number_typed_into_a_workbook_is_not_reread(units_loaded, tmp_path):
    """A cell Excel holds as the number 1.234 is one point two three four, whatever a text «1.234» would be."""
    path = write_xlsx(tmp_path / "so_lieu.xlsx", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "ddci_diem", 1.234, ""], ["SKHCN", "Năm 2024", "van_ban_di", "1.234", ""]])
    ingest_file(units_loaded, path)
    assert _facts(units_loaded) == {"ddci_diem": 1.234, "van_ban_di": 1234}


def test_na_in_an_optional_column_is_empty(units_loaded, tmp_path):
    path = write_xlsx(tmp_path / "so_lieu.xlsx", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", 12, "#N/A"]])
    ingest_file(units_loaded, path)
    with units_loaded.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM evidence")).scalar() == 0


# --- The same refusal on both databases ------------------------------------------------------------------------


def test_overflow_and_too_long_cells_are_refused_alike_on_sqlite_and_postgresql(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="A", supplements="99999999999999999999"),
        dossier(code="B" * 61),
        dossier(code="C", supplements="2147483648"),
        dossier(code="D", supplements="2.147.483.647"),
    ])
    before = snapshot(any_engine)
    with pytest.raises(IngestError) as caught:
        ingest_file(any_engine, path, year=2024)
    assert snapshot(any_engine) == before
    assert [str(p) for p in caught.value.problems] == [
        "ho_so.csv, dòng 3, cột «Mã hồ sơ»: ô dài 61 ký tự, quá 60 ký tự của cột",
        "ho_so.csv, dòng 2, cột «Số lần yêu cầu bổ sung»: «99999999999999999999» vượt quá giới hạn của cột "
        "(2.147.483.647)",
        "ho_so.csv, dòng 4, cột «Số lần yêu cầu bổ sung»: «2147483648» vượt quá giới hạn của cột (2.147.483.647)",
    ]
    names = write_csv(tmp_path / "don_vi.csv", UNIT_HEADERS, [*UNITS, ["XA0002", "UBND xã " + "Nậm " * 100,
                                                                         "UBND xã, phường", "TINH"]])
    with pytest.raises(IngestError) as caught:
        ingest_file(any_engine, names)
    assert [str(p) for p in caught.value.problems] == [
        "don_vi.csv, dòng 7, cột «Tên đơn vị»: ô dài 407 ký tự, quá 300 ký tự của cột"]
    assert snapshot(any_engine) == before


# --- Several files in one command ------------------------------------------------------------------------------


def _bad_facts(folder: Path) -> Path:
    return write_csv(folder / "so_lieu_loi.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "inf", ""]])


@pytest.mark.parametrize("order", ["good_first", "bad_first"])
def test_several_files_land_all_or_none_and_each_is_told(order, tmp_path):
    good = units_file(tmp_path)
    bad = _bad_facts(tmp_path)
    cchc("db", "upgrade", cwd=tmp_path)
    store = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    before = snapshot(store)
    files = [good, bad] if order == "good_first" else [bad, good]
    done = cchc("ingest", *files, cwd=tmp_path)
    assert done.returncode == 1
    assert "don_vi.xlsx: hợp lệ, nhưng không ghi vì có tệp khác bị từ chối." in done.stdout
    assert "so_lieu_loi.csv: bị từ chối (1 lỗi, xem bên dưới)." in done.stdout
    assert ("so_lieu_loi.csv, dòng 2, cột «Giá trị»: «inf» không phải là một số hữu hạn" in done.stderr
            and "Không có dữ liệu nào được ghi." in done.stderr)
    assert "Traceback" not in done.stderr
    assert snapshot(store) == before
    store.dispose()


def test_several_good_files_land_together_in_the_order_they_depend_on(tmp_path):
    """People named before their units: checked after them, in the same transaction, so they find them."""
    from helpers import PEOPLE_HEADERS

    people = write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Lò Thị Dua", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024", "Hoàn thành tốt nhiệm vụ"]])
    done = cchc("ingest", people, units_file(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "can_bo.csv (Cán bộ" in done.stdout and "đã nhận" in done.stdout and "1 người mới" in done.stdout
    assert "don_vi.xlsx (Danh mục đơn vị): đã nhận" in done.stdout
    again = cchc("ingest", people, cwd=tmp_path)
    assert again.returncode == 0 and "tệp này đã được nhập" in again.stdout


def test_a_file_after_title_rows_tells_where_it_was_read(demo, tmp_path):
    clean = demo["don_vi"]
    path = write_xlsx(tmp_path / "don_vi.xlsx", clean.headers, clean.rows, above=TITLES, first_sheet=True)
    done = cchc("ingest", path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "dữ liệu đọc từ trang «Dữ liệu»" in done.stdout and "dòng tiêu đề là dòng 4" in done.stdout


# --- Rows named as the sheet numbers them ------------------------------------------------------------------------


def test_a_row_wider_than_the_header_is_named_by_its_row_after_title_rows_and_blank_lines(engine, tmp_path):
    path = tmp_path / "don_vi.csv"
    path.write_text("UBND TỈNH LAI CHÂU\n\n" + ",".join(UNIT_HEADERS) + "\nTINH,UBND tỉnh,UBND tỉnh,\n\n"
                    'SKHCN,Sở KH&CN,"Sở, ban, ngành",TINH,thừa\n', encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, path)
    assert snapshot(engine) == before
    assert [str(p) for p in caught.value.problems] == [
        "don_vi.csv, dòng 6, cột «E»: cột E có dữ liệu nhưng không có tiêu đề"]


def test_repeated_keys_name_both_rows_as_the_sheet_numbers_them(engine, tmp_path):
    rows = [UNITS[0], UNITS[1], UNITS[2], UNITS[1]]
    path = write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, rows, above=TITLES, blank_at=2)
    before = snapshot(engine)
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, path)
    assert snapshot(engine) == before
    assert [str(p) for p in caught.value.problems] == [
        "don_vi.xlsx, dòng 9, cột «Mã đơn vị»: trùng khóa (Mã đơn vị) với dòng 6"]


def test_a_separator_after_the_first_rows_last_cell_shifts_nothing(engine, tmp_path):
    """Guard: store.ingest.reading._read_csv reading a first row wider than the header record by record. pandas
    took its first cell for an index and shifted every column left: «UBND xã Nậm Lỏng» became the code and the
    commune a province. A value there is a column without a header, named."""
    header = ",".join(UNIT_HEADERS) + "\n"
    rows = ('XA0002,UBND xã Nậm Lỏng,"UBND xã, phường",TINH{}\n'
            'XA0003,UBND xã Sùng Phài,"UBND xã, phường",TINH\n')
    ingest_file(engine, units_file(tmp_path))
    path = tmp_path / "don_vi_moi.csv"
    path.write_text(header + rows.format(","), encoding="utf-8")
    assert ingest_file(engine, path).rows == 2
    with engine.connect() as conn:
        assert conn.execute(select(models.Unit.name, models.Unit.kind).where(models.Unit.code == "XA0002")).one() == (
            "UBND xã Nậm Lỏng", "xa_phuong")
    path.write_text(header + rows.format(",Ghi chú lạc"), encoding="utf-8")
    with pytest.raises(IngestError, match="dòng 2, cột «E»: cột E có dữ liệu nhưng không có tiêu đề"):
        ingest_file(engine, path)


def test_excel_s_unicode_text_lands_under_its_own_name(engine, tmp_path):
    """«Unicode Text» is Excel's UTF-16, tab-separated save, named «….txt»: it was refused for its name alone."""
    ingest_file(engine, units_file(tmp_path))
    lines = ["\t".join(DOSSIER_HEADERS)] + ["\t".join(map(str, dossier(code=f"HS{i}"))) for i in range(3)]
    path = tmp_path / "ho_so.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    assert ingest_file(engine, path).rows == 3


def test_a_csv_of_separators_alone_is_an_empty_file(engine, tmp_path):
    """Excel's CSV of an empty sheet that has formats: it had leaked Python's «list indices must be integers»."""
    path = tmp_path / "ho_so.csv"
    path.write_text(",,,,,,,,,,,\n" * 5, encoding="utf-8")
    with pytest.raises(IngestError, match="tệp trống: không có dòng tiêu đề và dữ liệu"):
        ingest_file(engine, path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_header_below_thirty_rows_of_titles_is_found(engine, tmp_path, suffix):
    """A report form's heading (the unit, the national motto, the title, the period, notes) may run to thirty rows."""
    ingest_file(engine, units_file(tmp_path))
    above = [[f"Dòng đầu trang {i}"] if i % 3 == 0 else [] for i in range(29)]
    rows = [dossier(code="HS1"), dossier(code="HS2")]
    result = ingest_file(engine, _rows_file(tmp_path / f"ho_so{suffix}", above + [DOSSIER_HEADERS] + rows, "\n"))
    assert result.rows == 2


def _rows_file(path: Path, rows: list[list], line_end: str = "\r\n") -> Path:
    """``rows`` as they stand, in a CSV or in a workbook's first sheet, by ``path``'s suffix."""
    if path.suffix == ".csv":
        out = io.StringIO()
        csv.writer(out, lineterminator=line_end).writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    else:
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_form_s_line_of_labels_and_values_above_the_header_is_no_header(engine, tmp_path, suffix):
    """Guard: store.ingest.reading.header_index. A form gives the unit and the period above its table, each label
    in a cell and its value in the next («Mã đơn vị:», «STP», «Kỳ báo cáo:», «Năm 2024»): two headers' words in a
    row, taken for the header, and the file refused for a column of the real header under no header."""
    ingest_file(engine, units_file(tmp_path))
    above = [["BÁO CÁO SỐ LIỆU CẢI CÁCH HÀNH CHÍNH"], ["Mã đơn vị:", "STP", "Kỳ báo cáo:", "Năm 2024"], []]
    figures = [["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["STP", "Năm 2024", "van_ban_di", "80", ""]]
    result = ingest_file(engine, _rows_file(tmp_path / f"so_lieu{suffix}", above + [FACT_HEADERS] + figures))
    assert result.rows == 2 and "dòng tiêu đề là dòng 4" in result.notes


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_month_s_totals_and_a_group_s_name_among_dossiers_are_left_out_in_either_reader(engine, tmp_path, suffix):
    """Guard: store.ingest.streamed._header_again. Dossiers of two months pasted one under the other, the first
    month's totals under it, and the rows of a group named above them: a workbook's left out and named, a CSV's had been
    refused as dossiers missing their cells by the reader that reads a CSV in slices."""
    ingest_file(engine, units_file(tmp_path))
    width = len(DOSSIER_HEADERS)
    rows = [["I. Khối sở"] + [""] * (width - 1), dossier(code="HS1"), dossier(code="HS2"),
            ["TỔNG CỘNG THÁNG 3"] + [""] * (width - 2) + ["0"]]
    rows += [dossier(code=f"HS{n}", received="05/04/2024", due="12/04/2024", finished="10/04/2024") for n in range(3, 73)]
    result = ingest_file(engine, _sheet_file(tmp_path / f"ho_so{suffix}", DOSSIER_HEADERS, rows, bom=False),
                         year=2024)
    assert result.rows == 72  # the second month's, more than a form's last lines, read in slices
    assert result.notes[-2:] == ["bỏ qua dòng 2: dòng tên nhóm «I. Khối sở»",
                                 "bỏ qua dòng 5: dòng tổng cộng (hệ thống tự tính)"]


FORM_ABOVE = [["UBND TỈNH LAI CHÂU", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["SỞ NỘI VỤ", "", "Độc lập - Tự do - Hạnh phúc"],
              [], ["BÁO CÁO SỐ LIỆU CẢI CÁCH HÀNH CHÍNH NĂM 2024"], []]
FORM_BELOW = [[], ["", "", "", "Lai Châu, ngày 05 tháng 01 năm 2025"], ["NGƯỜI LẬP BIỂU", "", "", "KT. GIÁM ĐỐC"],
              ["(Ký, ghi rõ họ tên)", "", "", "PHÓ GIÁM ĐỐC"], [], [], ["Nguyễn Văn An", "", "", "Trần Thị Bình"]]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_report_form_s_own_lines_are_left_out_and_said(engine, tmp_path, suffix):
    """Guard: store.ingest.reading.without_form_lines. The line numbering the columns under the header, a row of
    totals and the place, date and signatures under the table were read as data: a dozen refusals of cells that
    are none. They are left out and the status says which rows; the figures are those of the table."""
    ingest_file(engine, units_file(tmp_path))
    figures = [["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["STP", "Năm 2024", "van_ban_di", "80", ""]]
    rows = (FORM_ABOVE + [FACT_HEADERS, [f"({i})" for i in range(1, 6)]] + figures
            + [["Tổng cộng", "", "", "200", ""]] + FORM_BELOW)
    path = tmp_path / f"so_lieu{suffix}"
    if suffix == ".csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    else:
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    result = ingest_file(engine, path)
    assert result.rows == 2
    assert result.notes == ["dòng tiêu đề là dòng 6", "bỏ qua dòng 7: dòng đánh số cột",
                            "bỏ qua dòng 10: dòng tổng cộng (hệ thống tự tính)",
                            "bỏ qua dòng 12–17: phần địa danh, ngày tháng và ký tên cuối biểu"]
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT value FROM fact")).scalars()) == [80, 120]


def test_a_dossier_form_saved_as_csv_has_its_own_lines_left_out(engine, tmp_path):
    """Guard: store.ingest.streamed._csv_head. A dossier CSV is read in slices, which cannot leave out a form's
    lines; a form saved as CSV by Excel (every row as wide as the table) had its numbering row, totals and
    signatures refused as dossiers. Such a file is read whole, which leaves them out and says so."""
    ingest_file(engine, units_file(tmp_path))
    width = len(DOSSIER_HEADERS)
    wide = lambda cells: cells + [""] * (width - len(cells))  # noqa: E731 - Excel's CSV fills every column
    rows = ([wide(r) for r in FORM_ABOVE] + [DOSSIER_HEADERS, [f"({i})" for i in range(1, width + 1)],
                                             dossier(code="HS1"), dossier(code="HS2"), wide(["Tổng cộng", "", "2"])]
            + [wide(r) for r in FORM_BELOW])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "ho_so.csv"
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    result = ingest_file(engine, path, year=2024)
    assert result.rows == 2
    assert result.notes[-3:] == ["bỏ qua dòng 7: dòng đánh số cột", "bỏ qua dòng 10: dòng tổng cộng (hệ thống tự tính)",
                                 "bỏ qua dòng 12–17: phần địa danh, ngày tháng và ký tên cuối biểu"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_header_repeated_among_the_rows_is_left_out_and_said(engine, tmp_path, suffix):
    """Guard: store.ingest.reading._header_again, store.ingest.streamed._header_again. Two tables pasted one under
    the other with their headers, or a system's exports joined end to end: the second header was read as a row of
    data and each of its cells refused as a unit, a date, a number. It is left out, and the status says so; a
    dossier CSV read in slices is then read whole, which leaves it out."""
    ingest_file(engine, units_file(tmp_path))
    rows = [DOSSIER_HEADERS, dossier(code="HS1"), [f" {h.upper()} " for h in DOSSIER_HEADERS], dossier(code="HS2")]
    path = tmp_path / f"ho_so{suffix}"
    if suffix == ".csv":
        write_csv(path, rows[0], rows[1:], bom=True)
    else:
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    result = ingest_file(engine, path, year=2024)
    assert result.rows == 2
    assert result.notes[-1] == "bỏ qua dòng 3: dòng tiêu đề lặp lại"


def test_two_dossier_exports_joined_byte_for_byte_read_as_one_with_the_second_header_left_out(engine, tmp_path):
    """Guard: store.ingest.streamed._header_again. «copy /b thang3.csv+thang4.csv» keeps the second file's
    byte-order mark before its header: a file of figures was read so, but a dossier file read in slices took that
    header for a dossier and refused its code «\ufeffMã đơn vị» for a character not seen."""
    ingest_file(engine, units_file(tmp_path))
    first = write_csv(tmp_path / "thang3.csv", DOSSIER_HEADERS, [dossier(code="HS1")], bom=True).read_bytes()
    second = write_csv(tmp_path / "thang4.csv", DOSSIER_HEADERS, [dossier(code="HS2")], bom=True).read_bytes()
    path = tmp_path / "ho_so.csv"
    path.write_bytes(first + second)
    result = ingest_file(engine, path, year=2024)
    assert result.rows == 2 and result.notes[-1] == "bỏ qua dòng 3: dòng tiêu đề lặp lại"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_title_lines_of_a_table_pasted_under_another_are_left_out_with_its_header(engine, tmp_path, suffix):
    """Guard: store.ingest.reading._titles_above. A second table pasted under the first with its title lines
    above its header: the header was left out, but each title line read as a row of data and refused as a row
    missing its cells. They are left out too and named; a code alone above a header is still a row missing its
    cells."""
    from helpers import refused as refused_text

    ingest_file(engine, units_file(tmp_path))
    width = len(DOSSIER_HEADERS)
    rows = [dossier(code="HS1"), [], ["UBND XÃ BẢN HON"], ["Hồ sơ tiếp nhận tháng 4"], DOSSIER_HEADERS,
            dossier(code="HS2")]
    if suffix == ".csv":  # a CSV's rows as wide as its header
        rows = [r + [""] * (width - len(r)) if r else r for r in rows]
    result = ingest_file(engine, _sheet_file(tmp_path / f"ho_so{suffix}", DOSSIER_HEADERS, rows), year=2024)
    assert result.rows == 2
    assert result.notes[-3:] == ["bỏ qua dòng 4: dòng tên bảng «UBND XÃ BẢN HON» trên dòng tiêu đề lặp lại",
                                 "bỏ qua dòng 5: dòng tên bảng «Hồ sơ tiếp nhận tháng 4» trên dòng tiêu đề lặp lại",
                                 "bỏ qua dòng 6: dòng tiêu đề lặp lại"]
    rows[3] = ["HS9"]
    problems = refused_text(engine, write_csv(tmp_path / "ho_so_ma.csv", DOSSIER_HEADERS, rows))
    assert "ho_so_ma.csv, dòng 5, cột «Mã TTHC»: ô bắt buộc đang để trống" in problems


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_header_carrying_unseen_characters_is_read_as_the_template_s(engine, tmp_path, suffix):
    """Guard: store.ingest.columns.header_key. A header pasted with a zero-width space, or a CSV saved again with a
    second byte-order mark before its first header, was refused as «Mã đơn vị» not being «Mã đơn vị»."""
    ingest_file(engine, units_file(tmp_path))
    headers = ["\ufeffMã đơn vị", "Kỳ báo cáo\u200b", *FACT_HEADERS[2:]]
    rows = [["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["STP", "Năm 2024", "van_ban_di", "80", ""]]
    assert ingest_file(engine, _sheet_file(tmp_path / f"so_lieu{suffix}", headers, rows)).rows == 2


def _sheet_file(path: Path, headers: list[str], rows: list[list], bom: bool = True) -> Path:
    """A CSV (with a byte-order mark unless ``bom`` is false), or a workbook, by ``path``'s suffix."""
    if path.suffix == ".csv":
        return write_csv(path, headers, rows, bom=bom)
    return _rows_file(path, [headers, *rows])


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_headers_and_words_typed_with_the_icelandic_eth_are_read_as_the_template_s(engine, tmp_path, suffix):
    """Guard: store.ingest.columns.header_key, word_key. «Ð» (U+00D0) looks as «Đ» and is typed for it: the header
    «Mã ðơn vị» was no header, the file refused as of no known kind, and «Phòng, ðơn vị trực thuộc» no kind of unit.
    A code holding it is still another code, refused."""
    from helpers import refused as refused_text

    eth = str.maketrans("Đđ", "Ðð")
    headers = [h.translate(eth) for h in UNIT_HEADERS]
    rows = [[cell.translate(eth) if j == 2 else cell for j, cell in enumerate(row)] for row in UNITS]
    assert "Phòng, ðơn vị trực thuộc" in [row[2] for row in rows]
    result = ingest_file(engine, _sheet_file(tmp_path / f"don_vi{suffix}", headers, rows))
    assert result.kind.code == "don_vi" and result.rows == len(UNITS)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind FROM unit WHERE code = 'SKHCN-VP'")).scalar() == "phong_ban"
    rows[2][0] = "ÐTP"
    assert "mã có chữ «Ð» (U+00D0" in refused_text(engine, write_csv(tmp_path / "lai.csv", headers, rows))


TWO_ROW_TOP = ["Mã đơn vị", "Mã hồ sơ", "Mã TTHC", "Ngày", "", "", "Hình thức nộp", "Có phí, lệ phí",
               "Thanh toán trực tuyến", "Số hóa", "Kết quả điện tử", "Số lần yêu cầu bổ sung"]
TWO_ROW_UNDER = ["", "", "", "tiếp nhận", "hẹn trả", "có kết quả", "", "", "", "", "", ""]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", "whole.csv"])
def test_a_header_of_two_rows_reads_as_its_parent_and_sub_headers(engine, tmp_path, suffix):
    """Guard: store.ingest.reading.header_rows. A form's header of two rows, «Ngày» merged over «tiếp nhận»,
    «hẹn trả», «có kết quả» and the other headers merged down over both, had been refused for the three date
    columns it lacked. A workbook, a CSV read in slices and one read whole (a form's totals under it)."""
    from helpers import refused as refused_text

    ingest_file(engine, units_file(tmp_path))
    rows = [TWO_ROW_TOP, TWO_ROW_UNDER, dossier(code="HS1"), dossier(code="HS2", finished="", e_result="Không")]
    if suffix == ".xlsx":
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.active.merge_cells("D1:F1")
        for column in "ABCGHIJKL":
            wb.active.merge_cells(f"{column}1:{column}2")
        path = tmp_path / "ho_so.xlsx"
        wb.save(path)
    else:
        path = write_csv(tmp_path / "ho_so.csv", rows[0], rows[1:] + ([["Tổng cộng", "", "2"]] if "whole" in suffix else []))
        from store.ingest import streamed

        assert (streamed.headers_of(path, [KINDS["ho_so"]]) is None) == (suffix == "whole.csv")  # read in slices or not
    result = ingest_file(engine, path, year=2024)
    assert result.rows == 2 and result.notes[0] == "dòng tiêu đề là dòng 1–2"
    stored = dossier_data.read(engine).sort_values("code")
    assert [str(d)[:10] for d in stored["received"]] == ["2024-03-05", "2024-03-05"]
    assert [str(d)[:10] for d in stored["finished"]] == ["2024-03-10", "NaT"]
    bad = write_csv(tmp_path / "ho_so_2.csv", rows[0], rows[1:2] + [dossier(code="HS3", due="hôm nay")])
    problems = refused_text(engine, bad)
    assert "ho_so_2.csv, dòng 3, cột «Ngày hẹn trả»" in problems  # rows named as the sheet numbers them


def test_a_unit_coded_tong_is_data_not_a_total(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = write_csv(tmp_path / "don_vi.csv", UNIT_HEADERS, [["TONG", "Sở Tổng hợp", "Sở, ban, ngành", "TINH"],
                                                             ["CONG", "Sở Công thương", "Sở, ban, ngành", "TINH"]])
    assert ingest_file(engine, path).rows == 2


def test_a_linked_evidence_cell_keeps_its_address(engine, tmp_path):
    """Guard: store.ingest.reading._with_links. The template asks for a link to the evidence; a cell showing «Xem
    tài liệu» over a hyperlink, or a =HYPERLINK(…) formula, had kept the words and lost the document."""
    import re
    import zipfile

    ingest_file(engine, units_file(tmp_path))
    wb = Workbook()
    ws = wb.active
    ws.append(FACT_HEADERS)
    ws.append(["STP", "Năm 2024", "van_ban_di", 12, "Xem tài liệu"])
    ws["E2"].hyperlink = "https://laichau.gov.vn/qd-12.pdf?so=12&nam=2024"
    ws.append(["SKHCN", "Năm 2024", "van_ban_di", 10, '=HYPERLINK("https://laichau.gov.vn/bc-5.pdf","Báo cáo 5")'])
    ws.append(["XA0001", "Năm 2024", "van_ban_di", 9, "https://laichau.gov.vn/a.pdf"])
    ws["E4"].hyperlink = "https://laichau.gov.vn/a.pdf"
    wb.save(tmp_path / "made.xlsx")
    path = tmp_path / "so_lieu.xlsx"
    with zipfile.ZipFile(tmp_path / "made.xlsx") as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):  # the formula's value, as Excel keeps it
                data = re.sub(rb'(<c r="E3")([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                              lambda m: m[1] + b' t="str"><f>' + m[3] + b"</f><v>" + "Báo cáo 5".encode() + b"</v>", data)
            out.writestr(item, data)
    ingest_file(engine, path)
    with engine.connect() as conn:
        kept = sorted(conn.execute(text("SELECT reference FROM evidence")).scalars())
    assert kept == ["Báo cáo 5 (https://laichau.gov.vn/bc-5.pdf)",
                    "Xem tài liệu (https://laichau.gov.vn/qd-12.pdf?so=12&nam=2024)", "https://laichau.gov.vn/a.pdf"]


def _book_of(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_data_rows_that_look_like_a_form_s_lines_are_data(engine, tmp_path):
    """Only a cell that is nothing but a signer's title, a signing note or the place and date line makes a row a
    signature: a province named «Ủy ban nhân dân tỉnh …» in the last row had been dropped as one."""
    ingest_file(engine, units_file(tmp_path))
    path = _book_of(tmp_path / "don_vi.xlsx", {"Đơn vị": [UNIT_HEADERS, ["SNV", "Sở Nội vụ", "Sở, ban, ngành", "TINH"],
                                                         ["TINH", "Ủy ban nhân dân tỉnh Lai Châu", "UBND tỉnh", None]]})
    result = ingest_file(engine, path)
    assert result.rows == 2 and not result.notes


def test_a_report_form_s_other_layouts_are_left_out_too(engine, tmp_path):
    """Totals in the «STT» column, «Cộng toàn tỉnh», a computed column's number «(6)=(5)/2», four signers in a row,
    a note before the signatures; and an empty form on the first sheet does not hide the data on the second."""
    ingest_file(engine, units_file(tmp_path))
    headers = ["STT"] + FACT_HEADERS
    table = [headers, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)=(5)/2"],
             [1, "SKHCN", "Năm 2024", "van_ban_di", 120, ""], [2, "STP", "Năm 2024", "van_ban_di", 80, ""],
             ["Tổng cộng", "", "", "", 200, ""], ["Cộng toàn tỉnh", "", "", "", 200, ""],
             ["", "Ghi chú: số liệu đến 14/12/2024"], [],
             ["NGƯỜI LẬP BIỂU", "KẾ TOÁN TRƯỞNG", "THỦ TRƯỞNG ĐƠN VỊ", "", "KT. GIÁM ĐỐC"]]
    path = _book_of(tmp_path / "so_lieu.xlsx", {"Biểu mẫu": [headers, ["(1)", "(2)", "(3)"], [], ["NGƯỜI LẬP BIỂU"]],
                                                 "Số liệu": table})
    result = ingest_file(engine, path)
    assert result.rows == 2
    assert result.notes[1:] == ["bỏ qua dòng 2: dòng đánh số cột", "bỏ qua dòng 5: dòng tổng cộng (hệ thống tự tính)",
                                "bỏ qua dòng 6: dòng tổng cộng (hệ thống tự tính)",
                                "bỏ qua dòng 7–9: phần địa danh, ngày tháng và ký tên cuối biểu"]


def test_a_finding_that_speaks_of_signing_is_checked_as_data(engine, tmp_path):
    """A last row whose text says «Thủ trưởng đơn vị chưa ký …» is a finding, refused for what it lacks; it had
    been dropped as a signature block, and the file landed without it."""
    from helpers import refused

    ingest_file(engine, units_file(tmp_path))
    headers = [c.header for c in KINDS["ket_qua_kiem_tra"].columns][:7]
    rows = [[2024, "SKHCN", "12/06/2024", "", "Chưa công khai đầy đủ TTHC", "Niêm yết đầy đủ TTHC", "30/09/2024"],
            [2024, "STP", "", "", "Thủ trưởng đơn vị chưa ký kế hoạch CCHC", "", ""]]
    problems = refused(engine, write_csv(tmp_path / "ket_qua.csv", headers, rows))
    assert "ket_qua.csv, dòng 3, cột «Ngày kiểm tra»: ô bắt buộc đang để trống" in problems


def test_a_last_row_given_a_height_is_not_a_row_of_data(engine, tmp_path):
    """Excel keeps a row element for a row given a height, holding no cell: counted, a sheet reached row
    1,048,576 and was refused as too large (or read a million empty rows)."""
    import zipfile

    ingest_file(engine, units_file(tmp_path))
    made = _book_of(tmp_path / "made.xlsx", {"Số liệu": [FACT_HEADERS, ["STP", "Năm 2024", "van_ban_di", 5, ""]]})
    path = tmp_path / "so_lieu.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<c r="E1"', b'<c r="AN1" s="0"/><c r="E1"', 1).replace(
                    b"</sheetData>", b'<row r="1048576" ht="20" customHeight="1"/></sheetData>')
            out.writestr(item, data)
    assert ingest_file(engine, path).rows == 1


def test_a_code_formatted_as_a_percentage_is_still_its_number(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    row = dossier(code="HS1")
    row[2] = 1.004398
    wb = Workbook()
    wb.active.append(DOSSIER_HEADERS)
    wb.active.append(row)
    wb.active["C2"].number_format = "0.00%"
    wb.save(tmp_path / "ho_so.xlsx")
    ingest_file(engine, tmp_path / "ho_so.xlsx")
    assert dossier_data.read(engine)["tthc_code"].tolist() == ["1.004398"]


def test_a_name_wrapped_in_its_cell_is_one_line(engine, tmp_path):
    """A long name wrapped in its cell with Alt+Enter, spaced twice or pasted with a non-breaking space reads as the
    name on one line: the line break had been kept in the catalogue and in every document naming the unit."""
    wb = Workbook()
    wb.active.append(UNIT_HEADERS)
    wb.active.append(["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""])
    wb.active.append(["STNMT", "Sở Tài nguyên\nvà Môi trường", "Sở, ban, ngành", "TINH"])
    wb.active.append(["STP", "Sở  Tư\u00a0pháp", "Sở, ban, ngành", "TINH"])
    wb.save(tmp_path / "don_vi.xlsx")
    ingest_file(engine, tmp_path / "don_vi.xlsx")
    person = ["CB00001", "Nguyễn Thị\r\nHoa", "Nữ", "05/12/1990", "Công chức", "Phó Giám\nđốc", "STP", "2024",
              "Hoàn thành nhiệm vụ"]
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [person]))
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT name FROM unit")).scalars()) == [
            "Sở Tài nguyên và Môi trường", "Sở Tư pháp", "UBND tỉnh Lai Châu"]
        assert conn.execute(text("SELECT full_name, position FROM person")).one() == ("Nguyễn Thị Hoa", "Phó Giám đốc")


def test_headers_marked_and_columns_for_people_are_read_as_the_template_s(engine, tmp_path):
    """Guard: store.ingest.columns.header_key, store.ingest._header_map. A form marks its required columns
    («Mã đơn vị (*)», «Kỳ báo cáo*»), keeps a «Ghi chú» for people, and an Excel table adds an empty «Column1»:
    each had refused the file. A column of data under a header no kind reads is still refused."""
    from helpers import refused as refused_text

    ingest_file(engine, units_file(tmp_path))
    headers = ["STT", "Mã đơn vị (*)", "Kỳ báo cáo*", "Mã chỉ tiêu (*)", "Giá trị:", "Ghi chú", "Column1"]
    rows = [[1, "SKHCN", "Năm 2024", "van_ban_di", "120", "số liệu đến 14/12", ""],
            [2, "STP", "Năm 2024", "van_ban_di", "80", "", None]]
    result = ingest_file(engine, write_csv(tmp_path / "so_lieu.csv", headers, rows))
    assert result.rows == 2
    assert [w.message for w in result.warnings] == ["cột «Column1» không thuộc mẫu Số liệu chỉ tiêu: không đọc"]
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT value FROM fact")).scalars()) == [80, 120]
        notes = conn.execute(text("SELECT explanation FROM evidence")).scalars().all()
    assert notes == ["số liệu đến 14/12"]  # the figures' own «Ghi chú»
    units = write_csv(tmp_path / "don_vi.csv", UNIT_HEADERS + ["Ghi chú"],
                      [["SNV", "Sở Nội vụ", "Sở, ban, ngành", "TINH", "đổi tên từ 01/03"]])
    assert [w.message for w in ingest_file(engine, units).warnings] == [
        "cột «Ghi chú» không thuộc mẫu Danh mục đơn vị: không đọc"]
    # a column of the sheet's own, far from every column of the template, is left out with a warning («Số điện
    # thoại», a «Column1» holding something); one near a column the file lacks is a header mistyped: refused
    rows[0][6] = "x"
    kept = ingest_file(engine, write_csv(tmp_path / "so_lieu_2.csv", headers, rows))
    assert [w.message for w in kept.warnings] == ["cột «Column1» không thuộc mẫu Số liệu chỉ tiêu: không đọc"]
    typed = ["STT", "Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tai lieu kiem chng"]
    problems = refused_text(engine, write_csv(tmp_path / "so_lieu_3.csv", typed, [r[:5] + ["a"] for r in rows]))
    assert "so_lieu_3.csv, dòng 1, cột «Tai lieu kiem chng»: cột «Tai lieu kiem chng» không thuộc mẫu Số liệu chỉ " \
           "tiêu (có phải «Tài liệu kiểm chứng»?)" in problems, problems


def test_an_sql_export_s_null_an_english_total_and_dotted_days(engine, tmp_path):
    """«NULL» where an SQL export has no value is an empty cell (it had refused a dossier not yet finished); an
    Excel table's totals row in English («Total») is a form's line; «05.03.2024» is a day."""
    ingest_file(engine, units_file(tmp_path))
    rows = [dossier(code="HS1", received="05.03.2024"), dossier(code="HS2", finished="NULL", e_result="Không")]
    assert ingest_file(engine, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows), year=2024).rows == 2
    stored = dossier_data.read(engine).sort_values("code")
    assert [str(d)[:10] for d in stored["received"]] == ["2024-03-05", "2024-03-05"]
    assert stored["finished"].isna().tolist() == [False, True]
    wb = Workbook()
    for row in [FACT_HEADERS, ["SKHCN", "Năm 2024", "van_ban_di", 120, ""], ["Total", "", "", 120, ""]]:
        wb.active.append(row)
    wb.save(tmp_path / "so_lieu.xlsx")
    result = ingest_file(engine, tmp_path / "so_lieu.xlsx")
    assert result.rows == 1 and "bỏ qua dòng 3: dòng tổng cộng (hệ thống tự tính)" in result.notes


def test_an_old_or_libreoffice_workbook_is_refused_saying_how_to_save_it(engine, tmp_path):
    from helpers import refused as refused_text

    path = tmp_path / "so_lieu.ods"
    path.write_bytes(b"PK\x03\x04")
    assert "lưu lại dạng Excel Workbook (.xlsx)" in refused_text(engine, path)


def test_rows_naming_a_group_of_units_are_a_form_s_lines(engine, tmp_path):
    """«I. KHỐI SỞ, BAN, NGÀNH» typed across the table above its units, or «II» in the «STT» column beside «Khối
    xã»: each had been refused as a row of empty required cells. A row of one code alone is still refused."""
    from helpers import refused as refused_text

    ingest_file(engine, units_file(tmp_path))
    headers = ["STT"] + FACT_HEADERS
    rows = [headers, ["", "I. KHỐI SỞ, BAN, NGÀNH"], [1, "SKHCN", "Năm 2024", "van_ban_di", 120, ""],
            ["II", "Khối xã"], [2, "XA0001", "Năm 2024", "van_ban_di", 95, ""]]
    path = _book_of(tmp_path / "so_lieu.xlsx", {"Số liệu": rows})
    result = ingest_file(engine, path)
    assert result.rows == 2
    assert result.notes == ["bỏ qua dòng 2: dòng tên nhóm «I. KHỐI SỞ, BAN, NGÀNH»",
                            "bỏ qua dòng 4: dòng tên nhóm «Khối xã»"]
    rows[3] = [3, "STP"]
    problems = refused_text(engine, _book_of(tmp_path / "so_lieu_2.xlsx", {"Số liệu": rows}))
    assert "so_lieu_2.xlsx, dòng 4, cột «Kỳ báo cáo»: ô bắt buộc đang để trống" in problems
    person = [PEOPLE_HEADERS, ["", "Phan Văn Bình"]]  # a name alone is a row missing its cells, not a group's name
    problems = refused_text(engine, _book_of(tmp_path / "can_bo.xlsx", {"Cán bộ": person}))
    assert "can_bo.xlsx, dòng 2, cột «Mã cán bộ»: ô bắt buộc đang để trống" in problems


def test_rows_hidden_by_a_filter_are_read_and_said(engine, tmp_path):
    """A sheet filtered to one unit's rows still holds the others: they land, as the file holds them, and the
    status says which rows were hidden (nothing had told the sender)."""
    ingest_file(engine, units_file(tmp_path))
    wb = Workbook()
    for row in [FACT_HEADERS, ["SKHCN", "Năm 2024", "van_ban_di", 120, ""], ["STP", "Năm 2024", "van_ban_di", 80, ""],
                ["XA0001", "Năm 2024", "van_ban_di", 60, ""]]:
        wb.active.append(row)
    wb.active.auto_filter.ref = "A1:E4"
    for r in (3, 4):
        wb.active.row_dimensions[r].hidden = True
    wb.save(tmp_path / "so_lieu.xlsx")
    result = ingest_file(engine, tmp_path / "so_lieu.xlsx")
    assert result.rows == 3 and "dòng 3, 4 đang ẩn trên trang (lọc hoặc ẩn dòng) vẫn được đọc" in result.notes


def test_a_header_with_its_hint_and_the_sheet_s_own_columns_are_read_as_the_template_s(engine, tmp_path):
    """«Ngày sinh (dd/mm/yyyy)» is the template's «Ngày sinh»; «Số điện thoại» and «Trình độ chuyên môn», kept by
    the office for itself, are left out with a warning: they had refused the whole file."""
    ingest_file(engine, units_file(tmp_path))
    headers = [h + " (dd/mm/yyyy)" if h == "Ngày sinh" else h for h in PEOPLE_HEADERS]
    result = ingest_file(engine, write_csv(tmp_path / "can_bo.csv", headers + ["Số điện thoại", "Trình độ chuyên môn"], [
        ["CB1", "Lò Văn Hải", "Nam", "16/08/1984", "Công chức", "Chuyên viên", "STP", "2024", "HTTNV", "0912345678",
         "Thạc sĩ"]]))
    assert result.rows == 1 and [w.message for w in result.warnings] == [
        "cột «Số điện thoại» không thuộc mẫu Cán bộ, công chức, viên chức và xếp loại hằng năm: không đọc",
        "cột «Trình độ chuyên môn» không thuộc mẫu Cán bộ, công chức, viên chức và xếp loại hằng năm: không đọc"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT birth_date FROM person")).scalar() in ("1984-08-16", date(1984, 8, 16))
