"""The periodic report in the Ministry's structure: every section of the form, each from the period's figures
where the store has them and from the units' own words where it does not; the province's report says which
unit said what; «chưa có số liệu» where there is nothing, never 0%."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import read_docx_text, snapshot, write_csv
from office.periodic import narratives, periodic
from store import models
from store.ingest import ingest_file
from store.ingest.narratives import SECTIONS

HEADERS = ["Mã đơn vị", "Kỳ báo cáo", "Mục báo cáo", "Nội dung"]
PARTS = ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
         "ĐÁNH GIÁ CHUNG", "PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")


@pytest.fixture
def said(province, tmp_path):
    """Three sections said by two units for Quý III/2024."""
    ingest_file(province, write_csv(tmp_path / "noi_dung.csv", HEADERS, [
        ["STP", "Quý III/2024", "iso", "Duy trì ISO 9001:2015 tại 100% phòng chuyên môn."],
        ["STP", "Quý III/2024", "de_xuat", "Đề nghị tập huấn nghiệp vụ kiểm soát TTHC\ncho công chức đầu mối."],
        ["SKHCN", "Quý III/2024", "iso", "Cập nhật 5 quy trình nội bộ theo ISO."],
    ]))
    return province


def test_a_units_report_has_every_section_of_the_form_in_order(said, tmp_path):
    text = read_docx_text(periodic(said, "Quý III/2024", "STP", date(2024, 10, 1)), tmp_path / "bc.docx")
    positions = [text.index(f"{roman}. {part}") for roman, part in zip(("I", "II", "III", "IV"), PARTS)]
    assert positions == sorted(positions)
    titles = [t for c, t in SECTIONS.items() if c != "phuong_huong"]
    places = [text.index(t) for t in titles]
    assert places == sorted(places), "sections out of the form's order"
    assert "TÌNH HÌNH BÁO CÁO" not in text  # a unit does not report on who reported
    # from data: the figures of the period; from the unit's words: ISO and its proposal (on one line)
    assert re.search(r"Trong kỳ tiếp nhận [\d.]+ hồ sơ TTHC", text)
    assert "Duy trì ISO 9001:2015 tại 100% phòng chuyên môn." in text
    assert "Đề nghị tập huấn nghiệp vụ kiểm soát TTHC cho công chức đầu mối." in text
    assert "Cập nhật 5 quy trình nội bộ theo ISO." not in text  # another unit's words
    assert "Sở Tư pháp:" not in text  # its own report does not name itself before its words


def test_the_provinces_report_says_who_said_what_per_section(said, tmp_path):
    text = read_docx_text(periodic(said, "Quý III/2024", None, date(2024, 10, 1)), tmp_path / "bc.docx")
    assert text.index("I. TÌNH HÌNH BÁO CÁO") < text.index("II. CÔNG TÁC CHỈ ĐẠO")
    iso = text[text.index(SECTIONS["iso"]):text.index(SECTIONS["kiem_tra"])]
    assert "- Sở Khoa học và Công nghệ: Cập nhật 5 quy trình nội bộ theo ISO." in iso
    assert "- Sở Tư pháp: Duy trì ISO 9001:2015 tại 100% phòng chuyên môn." in iso
    proposals = text[text.index(SECTIONS["de_xuat"]):text.index("V. PHƯƠNG HƯỚNG")]
    assert "- Sở Tư pháp: Đề nghị tập huấn nghiệp vụ kiểm soát TTHC cho công chức đầu mối." in proposals
    inspection = text[text.index(SECTIONS["kiem_tra"]):]
    assert re.search(r"Đã kiểm tra công tác CCHC tại \d+ đơn vị; \d+ kiến nghị", inspection)


def test_a_period_without_figures_says_so_never_zero(province, tmp_path):
    text = read_docx_text(periodic(province, "Quý I/2025", "SKHCN", date(2025, 3, 25)), tmp_path / "bc.docx")
    assert "chưa có số liệu" in text and "Chưa có số liệu." in text
    assert not re.search(r"(?<![\d,])0%", text), "a rate without data shown as 0%"
    assert "Trong kỳ tiếp nhận" not in text  # no sentence made of missing figures
    figures = text[text.index("STT\nChỉ tiêu"):]
    assert "Tổng số hồ sơ tiếp nhận trong kỳ\nchưa có số liệu" in figures


def test_building_the_report_writes_nothing(said, tmp_path):
    before = snapshot(said)
    periodic(said, "Quý III/2024", None, date(2024, 10, 1))
    assert snapshot(said) == before


def test_the_demo_narratives_land_and_are_reported(province, demo_db, tmp_path):
    path = demo_db.parent / "data" / "noi_dung_bao_cao_2024.xlsx"
    result = ingest_file(province, path)
    assert result.kind.code == "bao_cao_noi_dung" and result.rows > 20
    words = narratives(province, "2024-Q3")
    assert words and {s for _, s in words} <= set(SECTIONS)
    with Session(province) as s:
        name = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    (unit, section), text = next(iter(words.items()))
    report = read_docx_text(periodic(province, "Quý III/2024", None, date(2024, 10, 1)), tmp_path / "bc.docx")
    assert f"- {name[unit]}: {text}" in report


def test_an_area_without_figures_in_the_period_is_not_reported_as_0_percent(province, tmp_path):
    """Scored for Quý III, the department index has no SIPAS figure (surveyed once a year): the unit's progress
    table says «chưa có số liệu» for it, where it used to say 0%."""
    from helpers import scored as score
    from office.plans import issue_plan
    from rules.ruleset import find

    score(province, find("chi-so-cchc-so-nganh"), 2023)
    issue_plan(province, "SKHCN", 2024)
    score(province, find("chi-so-cchc-so-nganh"), "2024-Q3")
    text = read_docx_text(periodic(province, "Quý III/2024", "SKHCN", date(2024, 10, 1)), tmp_path / "bc.docx")
    progress = text[text.index("STT\nMục tiêu"):].split("\n")
    sipas = progress.index("Chỉ số SIPAS")
    assert progress[sipas + 3] == "chưa có số liệu"
    assert "0%" not in progress[sipas + 1:sipas + 4]
