"""A workbook of dossiers read part by part (store.ingest.reading.read_parts): what lands, and what is said, is what
reading it whole gives; a sheet of a million dossiers is never whole in memory (bench/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file
from openpyxl import Workbook
from sqlalchemy import text

from store.db import make_engine, upgrade
from store.ingest import IngestError, ingest_file, reading

PART = 100  # rows of a part in these tests: a sheet of 700 dossiers comes in five parts, the last of 300


def _dossiers(n: int, bad: dict[int, dict] | None = None) -> list[list]:
    units = ["STP", "SKHCN", "XA0001"]
    rows = []
    for i in range(n):
        day, month = 1 + i % 27, 1 + i % 11
        fields = dict(unit=units[i % 3], code=f"HS{i:05d}", received=f"{day:02d}/{month:02d}/2024",
                      due=f"{day:02d}/{month:02d}/2024" if i % 5 else f"28/{month:02d}/2024",
                      finished=f"{day:02d}/{month:02d}/2024" if i % 4 else "", e_result="Có" if i % 4 else "Không",
                      channel="Trực tuyến" if i % 2 else "Trực tiếp", supplements=i % 3)
        fields.update((bad or {}).get(i, {}))
        rows.append(dossier(**fields))
    return rows


def _workbook(path: Path, rows: list[list], merged_code: tuple[int, int] | None = None,
              header_again_at: int | None = None, hidden: tuple[int, ...] = (), title_again: str = "") -> Path:
    """A sheet as offices keep it: a merged title, the header on row 3, data, a header repeated inside the data,
    a unit's code merged down over its rows, hidden rows, and the form's signatures at the end."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    ws.append(["DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH NĂM 2024"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(DOSSIER_HEADERS))
    ws.append([])
    ws.append(DOSSIER_HEADERS)
    for i, row in enumerate(rows):
        if i == header_again_at:
            if title_again:
                ws.append([title_again])
            ws.append(DOSSIER_HEADERS)
        ws.append(row)
    ws.append([])
    ws.append([None, None, None, None, None, None, None, None, None, "Lai Châu, ngày 31 tháng 12 năm 2024"])
    ws.append([None, None, None, None, None, None, None, None, None, "NGƯỜI LẬP BIỂU"])
    ws.append([None, None, None, None, None, None, None, None, None, "(Ký, ghi rõ họ tên)"])
    if merged_code:
        top, bottom = merged_code
        for r in range(top + 1, bottom + 1):
            ws.cell(r, 1).value = None
        ws.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    return path


def _store(folder: Path):
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    upgrade(engine)
    ingest_file(engine, units_file(folder))
    return engine


def _landed(engine) -> list[tuple]:
    with engine.connect() as con:
        return con.execute(text("SELECT u.code, f.period_code, f.indicator_code, f.value FROM fact f "
                                "JOIN unit u ON u.id = f.unit_id ORDER BY 1, 2, 3")).fetchall()


def _both(tmp_path: Path, monkeypatch, path: Path):
    """``path`` ingested read in parts of PART rows, and read whole, each into a store of its own."""
    whole = ingest_file(_store(tmp_path / "whole"), path, year=2024)
    monkeypatch.setattr(reading, "PART_ROWS", PART)
    parted_engine = _store(tmp_path / "parts")
    parted = ingest_file(parted_engine, path, year=2024)
    return whole, parted, parted_engine


def test_a_sheet_read_in_parts_lands_what_it_lands_read_whole(tmp_path, monkeypatch):
    """Five parts: a unit's code merged over rows 150–260 (across two parts), a header repeated at row 404, hidden
    rows in the first and the fourth parts, the signatures at the end: the same dossiers, the same facts, the same
    notes as the sheet read whole."""
    rows = _dossiers(700)
    for i in range(146, 258):  # the merged cell's rows are of its unit
        rows[i][0] = rows[146][0]
    path = _workbook(tmp_path / "ho_so.xlsx", rows, merged_code=(150, 260), header_again_at=400,
                     hidden=(10, 11, 350))
    whole, parted, engine = _both(tmp_path, monkeypatch, path)
    assert parted.rows == whole.rows == 700
    # the same notes; the hidden rows are said once the last part is read, after the rows left out before it
    assert sorted(parted.notes) == sorted(whole.notes), (parted.notes, whole.notes)
    assert any("dòng tiêu đề lặp lại" in n for n in parted.notes)
    assert any("ký tên cuối biểu" in n for n in parted.notes)
    assert any(n.startswith("dòng 10, 11, 350 đang ẩn") for n in parted.notes)
    assert _landed(engine) == _landed(_store_of(tmp_path / "whole"))
    assert len(_landed(engine)) > 50


def _store_of(folder: Path):
    return make_engine(f"sqlite:///{folder / 'cchc.db'}")


def test_a_sheet_read_in_parts_is_refused_as_read_whole_naming_the_same_rows(tmp_path, monkeypatch):
    """Bad cells in four parts, and a dossier given again 600 rows after its first: the same problems on the same
    rows, counted over the whole sheet, and nothing written."""
    bad = {5: {"received": "31/02/2024"}, 120: {"supplements": -1}, 250: {"channel": "Fax"},
           **{i: {"received": "hôm qua"} for i in range(300, 330)}, 620: {"code": "HS00020"}}
    path = _workbook(tmp_path / "ho_so.xlsx", _dossiers(700, bad))
    said = {}
    for how in ("whole", "parts"):
        if how == "parts":
            monkeypatch.setattr(reading, "PART_ROWS", PART)
        engine = _store(tmp_path / how)
        before = snapshot(engine)
        with pytest.raises(IngestError) as caught:
            ingest_file(engine, path, year=2024)
        assert snapshot(engine) == before
        said[how] = sorted(str(p) for p in caught.value.problems)
    assert said["parts"] == said["whole"]
    text_ = "\n".join(said["parts"])
    for row in (9, 124, 254, 304, 624):  # the sheet's rows: a title, an empty row and the header above the data
        assert f"dòng {row}," in text_, text_
    assert "trùng khóa (Mã đơn vị, Mã hồ sơ) với dòng 24" in text_
    assert "… và 21 dòng khác cùng lỗi («31/02/2024»" in text_  # the two days that are none, counted together


def test_a_workbook_of_another_kind_is_read_whole_from_its_parts(tmp_path, monkeypatch):
    """Units (a kind read whole) in a sheet longer than a part: every row lands."""
    from helpers import UNIT_HEADERS, write_xlsx

    monkeypatch.setattr(reading, "PART_ROWS", PART)
    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    upgrade(engine)
    rows = [["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""]] + [
        [f"XA{i:04d}", f"UBND xã số {i}", "UBND xã, phường", "TINH"] for i in range(1, 450)]
    result = ingest_file(engine, write_xlsx(tmp_path / "don_vi.xlsx", UNIT_HEADERS, rows))
    assert result.rows == 450
    with engine.connect() as con:
        assert con.execute(text("SELECT count(*) FROM unit")).scalar() == 450


def test_a_pasted_tables_title_at_the_end_of_a_part_goes_with_its_header(tmp_path, monkeypatch):
    """A table pasted under another: its title on the last row of the first part (row 103), its header on the first
    of the next: left out together, as read whole."""
    path = _workbook(tmp_path / "ho_so.xlsx", _dossiers(400), header_again_at=99,
                     title_again="Bảng 2: hồ sơ tháng 4")
    whole, parted, _ = _both(tmp_path, monkeypatch, path)
    assert parted.rows == whole.rows == 400
    assert sorted(parted.notes) == sorted(whole.notes)
    assert "bỏ qua dòng 103: dòng tên bảng «Bảng 2: hồ sơ tháng 4» trên dòng tiêu đề lặp lại" in parted.notes
