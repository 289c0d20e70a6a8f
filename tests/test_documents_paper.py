"""Documents as they come out on paper: the signature block is never split over a page break (the 2024 plan
used to end with a page holding only the signer's name), headings stay with what they head; rendered through
LibreOffice where it is installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn

from helpers import scored as score
from office import plans
from office.outputs import write
from rules.ruleset import find


@pytest.fixture
def plan_2024(province, tmp_path):
    score(province, find("chi-so-cchc-so-nganh"), 2023)
    document = plans.plan_document(province, plans.issue_plan(province, "SXD", 2024))
    return document, write(document, tmp_path, "ke-hoach-cchc-SXD-2024", "docx")


def test_the_closing_block_is_kept_whole_with_the_last_paragraph(plan_2024):
    _, path = plan_2024
    doc = Docx(path)
    closing = doc.tables[-1]
    assert closing.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    before = closing._tbl.getprevious()
    assert before.tag == qn("w:p") and before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    headings = [p for p in doc.paragraphs if p.text.startswith(("I. ", "II. ", "III. ", "IV. "))]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    targets = doc.tables[1]
    assert targets.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler-utils")
def test_the_2024_plan_ends_on_a_page_with_its_signature(plan_2024, tmp_path):
    document, path = plan_2024
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(path.with_suffix(".pdf")), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    while pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends with a form feed
    last = pages[-1]
    assert document.frame.signature.name in last and "Nơi nhận" in last
    assert len(last.split()) > 15, "the last page holds only the signature"


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler-utils")
def test_the_ranking_table_keeps_codes_and_rows_whole(province, tmp_path):
    from office.documents import Request, build

    score(province, find("qd766-2022"), 2024)
    path = build(province, "cong-bo-diem", Request(2024, out=tmp_path))
    doc = Docx(path)
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "Hạng")
    assert ranking._tbl.tblPr.find(qn("w:tblCellMar")) is not None  # a wide table: narrow cell margins
    assert all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in ranking.rows)
    codes = [r.cells[1].text for r in ranking.rows[1:]]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    words = set(subprocess.run(["pdftotext", str(path.with_suffix(".pdf")), "-"], check=True, capture_output=True,
                               text=True).stdout.split())
    assert all(code in words for code in codes), [c for c in codes if c not in words]


AGENCIES = ("Sở Khoa học và Công nghệ", "Sở Tài nguyên và Môi trường", "Sở Lao động - Thương binh và Xã hội",
            "Sở Nông nghiệp và Phát triển nông thôn", "Ủy ban nhân dân tỉnh Lai Châu")


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler-utils")
def test_an_agency_name_is_set_on_lines_that_hold_it_never_a_lone_word_below(tmp_path):
    from datetime import date

    from reports.docx import agency_lines, render_docx
    from reports.model import Block, Document, Frame, Signature

    paths = []
    for i, name in enumerate(AGENCIES):
        frame = Frame("UBND tỉnh Lai Châu", name, "X", "KH", "Lai Châu", date(2024, 12, 28), 1234, ("Lưu: VT",),
                      Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Tống Thanh Hải"))
        paths.append(render_docx(Document("x", frame, (Block("title", "Kế hoạch"),)), tmp_path / f"{i}.docx"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)
    for name, path in zip(AGENCIES, paths):
        text = subprocess.run(["pdftotext", "-layout", str(path.with_suffix(".pdf")), "-"], check=True,
                              capture_output=True, text=True).stdout
        lines = agency_lines(name.upper()).split("\n")
        assert all(line in text for line in lines), (name, text[:600])
        assert len(lines[-1].split()) > 1, name
        right = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert right in text and "Lai Châu, ngày 28 tháng 12 năm 2024" in text, text[:600]
