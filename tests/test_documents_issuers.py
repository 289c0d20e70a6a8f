"""The issuer columns of the units file: what a unit says of itself reaches its documents' frame, and a bad
cell is refused by file, row and column with nothing written."""

from __future__ import annotations

from datetime import date

from helpers import UNIT_HEADERS, UNITS, refused, snapshot, write_xlsx
from office.frames import bases, frame_for, issuer
from store.ingest import ingest_file

HEADERS = UNIT_HEADERS + ["Ký hiệu viết tắt", "Địa danh", "Người ký", "Chức vụ người ký", "Thẩm quyền ký", "Nơi nhận"]


def _rows(**changes):
    rows = [row + ["", "", "", "", "", ""] for row in UNITS]
    for code, cells in changes.items():
        row = next(r for r in rows if r[0] == code)
        row[4:] = cells
    return rows


def test_a_unit_signs_as_its_row_says(engine, tmp_path):
    path = write_xlsx(tmp_path / "don_vi.xlsx", HEADERS, _rows(
        TINH=["UBND", "Lai Châu", "Nguyễn Văn Bình", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH", ""],
        SKHCN=["SKHCN", "", "Trần Thị Lan", "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC", "Sở Nội vụ; Lưu: VT, VP"]))
    ingest_file(engine, path)
    frame = frame_for(engine, "SKHCN", "KH", date(2024, 3, 1), ("UBND tỉnh (b/c)", "Lưu: VT"))
    assert frame.number_line.endswith("/KH-SKHCN") and frame.place == "Lai Châu"
    assert (frame.signature.authority, frame.signature.title, frame.signature.name) == \
        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Lan")
    assert frame.recipients == ("UBND tỉnh (b/c)", "Sở Nội vụ", "Lưu: VT")
    province = frame_for(engine, "TINH", "QĐ", date(2024, 12, 20), ())
    assert province.body == "Ủy ban nhân dân tỉnh Lai Châu" and province.number_line.endswith("/QĐ-UBND")
    assert province.signature.authority == "KT. CHỦ TỊCH"
    # a unit without issuer columns borrows nobody's: its own code, its province's place, its head's title
    stp = frame_for(engine, "STP", "KH", date(2024, 3, 1), ())
    assert stp.number_line.endswith("/KH-STP") and stp.place == "Lai Châu" and stp.signature.authority == "GIÁM ĐỐC"


def test_legal_bases_are_dated_and_the_units_own(engine, tmp_path):
    ingest_file(engine, write_xlsx(tmp_path / "don_vi.xlsx", HEADERS, _rows()))
    skhcn, stp = issuer(engine, "SKHCN"), issuer(engine, "STP")
    assert any("778/KH-SKHCN" in b for b in bases(skhcn, "ke_hoach_cchc", date(2024, 7, 1), 2024))
    assert not any("778/KH-SKHCN" in b for b in bases(skhcn, "ke_hoach_cchc", date(2023, 12, 28), 2024))
    assert not any("SKHCN" in b for b in bases(stp, "ke_hoach_cchc", date(2024, 7, 1), 2024))
    assert not any("Ninh Thuận" in b or "Quảng Trị" in b for b in bases(skhcn, "ke_hoach_thi_dua", date(2024, 1, 15)))
    in_2024 = " ".join(bases(skhcn, "quyet_dinh_khen_thuong", date(2024, 12, 20)))
    in_2025 = " ".join(bases(skhcn, "quyet_dinh_khen_thuong", date(2025, 12, 20)))
    assert "98/2023/NĐ-CP" in in_2024 and "152/2025" not in in_2024
    assert "152/2025/NĐ-CP" in in_2025 and "98/2023" not in in_2025


def test_a_bad_issuer_cell_is_refused_by_row_and_column(engine, tmp_path):
    before = snapshot(engine)
    path = write_xlsx(tmp_path / "don_vi.xlsx", HEADERS, _rows(
        SKHCN=["skhcn/1", "", "Trần Thị Lan", "PHÓ GIÁM ĐỐC", "K.T GIÁM ĐỐC", ""],
        STP=["STP", "", "Lê Văn Minh", "", "KT. GIÁM ĐỐC", ""]))
    message = refused(engine, path)
    assert "don_vi.xlsx" in message
    assert "dòng 3" in message and "Ký hiệu viết tắt" in message and "skhcn/1" in message
    assert "Thẩm quyền ký" in message and "K.T GIÁM ĐỐC" in message
    assert "dòng 4" in message and "Chức vụ người ký" in message
    assert snapshot(engine) == before
