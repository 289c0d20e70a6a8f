"""The units' own words in their periodic report (bao_cao_noi_dung): one row per unit, period and section;
every refusal names the file, row and column in Vietnamese and writes nothing; a corrected file's text becomes
current."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import snapshot, units_file, write_csv
from store import models
from store.ingest import KINDS, IngestError, ingest_file
from store.ingest.narratives import SECTIONS
from store.ingest.templates import write_template

HEADERS = ["Mã đơn vị", "Kỳ báo cáo", "Mục báo cáo", "Nội dung"]


@pytest.fixture
def loaded(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return engine


def refused(engine, path) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, path)
    assert snapshot(engine) == before, "a refused file wrote something"
    assert "Không có dữ liệu nào được ghi." in caught.value.render()
    return [str(p) for p in caught.value.problems]


def _stored(engine) -> list[tuple]:
    with Session(engine) as s:
        return s.execute(select(models.Unit.code, models.ReportNarrative.period_code, models.ReportNarrative.section,
                                models.ReportNarrative.text)
                         .join(models.Unit, models.Unit.id == models.ReportNarrative.unit_id)
                         .order_by(models.ReportNarrative.id)).all()


def test_a_units_narrative_lands_by_section_code_or_title(loaded, tmp_path):
    path = write_csv(tmp_path / "noi_dung.csv", HEADERS, [
        ["SKHCN", "Quý I/2024", "tuyen_truyen", "Đăng 12 tin, bài về CCHC trên trang thông tin điện tử."],
        ["SKHCN", "Quý I/2024", "Áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001", "Duy trì ISO 9001:2015."],
        ["STP", "2024-Q1", "Khó khăn, vướng mắc, hạn chế", "Thiếu công chức làm công tác kiểm soát TTHC."],
    ])
    result = ingest_file(loaded, path)
    assert result.kind.code == "bao_cao_noi_dung" and result.rows == 3  # recognised from its headers
    assert _stored(loaded) == [("SKHCN", "2024-Q1", "tuyen_truyen", "Đăng 12 tin, bài về CCHC trên trang thông tin "
                                                                     "điện tử."),
                               ("SKHCN", "2024-Q1", "iso", "Duy trì ISO 9001:2015."),
                               ("STP", "2024-Q1", "kho_khan", "Thiếu công chức làm công tác kiểm soát TTHC.")]


def test_an_unknown_unit(loaded, tmp_path):
    path = write_csv(tmp_path / "noi_dung.csv", HEADERS, [["SXYZ", "Quý I/2024", "iso", "Duy trì ISO."]])
    problems = refused(loaded, path)
    assert problems == ["noi_dung.csv, dòng 2, cột «Mã đơn vị»: đơn vị «SXYZ» chưa có trong danh mục đơn vị "
                        "(nhập tệp đơn vị trước)"]


def test_a_bad_period(loaded, tmp_path):
    path = write_csv(tmp_path / "noi_dung.csv", HEADERS, [["SKHCN", "Quý V/2024", "iso", "Duy trì ISO."]])
    problems = refused(loaded, path)
    assert len(problems) == 1 and problems[0].startswith("noi_dung.csv, dòng 2, cột «Kỳ báo cáo»:")
    assert "Quý V/2024" in problems[0]


def test_an_unknown_section(loaded, tmp_path):
    path = write_csv(tmp_path / "noi_dung.csv", HEADERS, [["SKHCN", "Quý I/2024", "thi_dua", "Phát động thi đua."]])
    problems = refused(loaded, path)
    assert len(problems) == 1
    assert problems[0].startswith("noi_dung.csv, dòng 2, cột «Mục báo cáo»: «thi_dua» không phải mục nào của báo "
                                  "cáo; ghi mã mục (chi_dao, tuyen_truyen,")


def test_an_empty_text(loaded, tmp_path):
    path = write_csv(tmp_path / "noi_dung.csv", HEADERS, [["SKHCN", "Quý I/2024", "iso", "   "]])
    assert refused(loaded, path) == ["noi_dung.csv, dòng 2, cột «Nội dung»: ô bắt buộc đang để trống"]


def test_the_same_section_twice_in_one_file(loaded, tmp_path):
    path = write_csv(tmp_path / "noi_dung.csv", HEADERS, [["SKHCN", "Quý I/2024", "iso", "Một."],
                                                          ["SKHCN", "Quý I/2024", "iso", "Hai."]])
    problems = refused(loaded, path)
    assert len(problems) == 1 and "dòng 3" in problems[0] and "trùng khóa" in problems[0]


def test_a_corrected_file_adds_a_batch_whose_text_is_current(loaded, tmp_path):
    from office.periodic import narratives

    ingest_file(loaded, write_csv(tmp_path / "a.csv", HEADERS, [["SKHCN", "Quý I/2024", "iso", "Bản đầu."]]))
    ingest_file(loaded, write_csv(tmp_path / "b.csv", HEADERS, [["SKHCN", "Quý I/2024", "iso", "Bản sửa."]]))
    assert len(_stored(loaded)) == 2
    assert narratives(loaded, "2024-Q1") == {("SKHCN", "iso"): "Bản sửa."}


def test_its_template_lists_the_sections(tmp_path):
    assert "bao_cao_noi_dung" in KINDS
    wb = load_workbook(write_template("bao_cao_noi_dung", tmp_path))
    assert [c.value for c in wb["Dữ liệu"][1]] == HEADERS
    guide = "\n".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert all(code in guide and title in guide for code, title in SECTIONS.items())
