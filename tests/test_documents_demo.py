"""Every document of the demo year as a clerk would read it before signing: the issuer's own bases and tasks,
no internal marker, the signer the competence table names, every cited text issued and in force before the
document's date — and the pictures inside the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.shared import Mm

from cchc import names
from office import year
from office.frames import in_force, legal_texts
from store.db import make_engine

PROVINCE = "Lai Châu"
OTHER_PROVINCES = ("Ninh Thuận", "Quảng Trị", "Lạng Sơn")
INTERNAL = re.compile(r"\[NC\]|phiên bản|\b20\d\d-(NAM|Q[1-4]|6T|9T)\b|qd766-2022|chi-so-cchc|thi-dua-cchc|danh-hieu-"
                      r"|THỦ TRƯỞNG ĐƠN VỊ")
DATE = re.compile(r", ngày (\d+) tháng (\d+) năm (\d{4})")
SYMBOL = re.compile(r"Số:\s*[^/]*/([^\s-]+)-(\S+)")


@pytest.fixture(scope="module")
def documents(demo_db, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("nam")
    shutil.copy(demo_db, folder / "tinh.db")
    engine = make_engine(f"sqlite:///{folder / 'tinh.db'}")
    try:
        written = year.run(engine, 2024, folder / "out")
    finally:
        engine.dispose()
    return {p.stem: p for p in written if p.suffix == ".docx"}


def _read(path: Path) -> tuple[str, str, str, str]:
    """(header, body, signature block, whole text) of a DOCX."""
    doc = Docx(path)
    header = "\n".join(" ".join(c.text.split()) for c in doc.tables[0].rows[0].cells)  # a name on two lines, as one
    closing = doc.tables[-1].rows[0].cells
    cells = [c.text for t in doc.tables[1:-1] for row in t.rows for c in row.cells]
    body = "\n".join([p.text for p in doc.paragraphs] + cells)
    return header, body, "\n".join(c.text for c in closing), "\n".join((header, body, *[c.text for c in closing]))


def test_the_demo_year_writes_its_documents(documents):
    assert len(documents) > 30
    assert any(k.startswith("quyet-dinh-khen-thuong") for k in documents)


def test_no_internal_marker_or_other_province_in_any_document(documents):
    for name, path in documents.items():
        _, _, _, text = _read(path)
        assert not INTERNAL.search(text), (name, INTERNAL.search(text).group(0))
        for other in OTHER_PROVINCES:
            assert other not in text, (name, other)


def test_every_cited_text_is_the_issuers_own_and_in_force_before_the_document(documents):
    for name, path in documents.items():
        header, body, _, _ = _read(path)
        day, month, yyyy = map(int, DATE.search(header).groups())
        issued = date(yyyy, month, day)
        symbol = SYMBOL.search(header)
        for text in legal_texts():
            if text.number not in body:
                continue
            assert in_force(text, issued), (name, text.number, issued)
            assert text.province in (None, PROVINCE), (name, text.number)
            if text.unit:
                assert symbol and symbol.group(2) == text.unit, (name, text.number)


def test_department_plans_give_tasks_to_their_own_divisions(documents):
    departments = dict(names.DEPARTMENTS)
    for name, path in documents.items():
        if not name.startswith("ke-hoach-cchc-"):
            continue
        code = name.removeprefix("ke-hoach-cchc-").rsplit("-", 1)[0]
        _, body, _, _ = _read(path)
        for other, other_name in departments.items():
            if other not in (code, "SNV"):
                assert other_name not in body, (name, other_name)
        if code != "SKHCN":
            assert "Khoa học và Công nghệ" not in body and "KH&CN" not in body and "Kiểm định" not in body, name


def test_award_decisions_follow_the_competence_table(documents):
    decision = documents["quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024"]
    header, body, closing, _ = _read(decision)
    # the Chairman's Bằng khen (Đ.74), though the plan registered it as «Bằng khen của Ủy ban nhân dân tỉnh»
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in body and "Bằng khen của Ủy ban" not in body
    assert "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" in header and "/QĐ-UBND" in header
    assert "năm 2024" in header
    assert closing.split("\n")[-1].strip(), "the signer's name"
    authority = [line for line in closing.split("\n") if line.strip()]
    # the Chairman's own decision (Luật TĐKT 2022 Đ.80): signed as «CHỦ TỊCH», or by a deputy «KT. CHỦ TỊCH»; «TM.»
    # is for a decision of the committee as a body
    assert authority[-2] == "CHỦ TỊCH" or authority[-3:-1] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], authority
    assert not any(line.startswith("TM.") for line in authority)
    assert "98/2023/NĐ-CP" in body and "152/2025" not in body
    bold = [r.bold for p in Docx(decision).tables[-1].rows[0].cells[1].paragraphs for r in p.runs if r.text.strip()]
    assert bold and all(bold)
    proposal_header, proposal, to, _ = _read(documents["to-trinh-skhcn-ninh-thuan-2024"])
    assert "/TTr-SKHCN" in proposal_header and "Kính gửi: Ủy ban nhân dân tỉnh Lai Châu" in proposal
    # the addressee first («Như trên»), not the plan's list of divisions
    assert to.split("\n")[1:3] == ["- Như trên;", "- Lưu: VT, VP."], to
    # counted as decisions count: «01 tập thể và 01 cá nhân», not «2 tập thể, cá nhân»
    assert "khen thưởng cho 01 tập thể và 01 cá nhân có thành tích" in proposal
    assert "Tặng thưởng cho 01 tập thể và 01 cá nhân đã có thành tích" in _read(decision)[1]


def test_the_minutes_are_signed_by_the_chair_and_the_secretary(documents):
    _, body, closing, _ = _read(documents["bien-ban-binh-xet-skhcn-ninh-thuan-2024"])
    assert "THƯ KÝ" in closing and "CHỦ TỊCH HỘI ĐỒNG" in closing
    lines = [x for x in closing.split("\n") if x.strip()]
    assert len(lines) == 4 and lines[0] == "THƯ KÝ" and lines[2] == "CHỦ TỊCH HỘI ĐỒNG", lines
    assert "Chủ tịch Hội đồng" in body and "Thư ký Hội đồng" in body


def _rows(path: Path, title: str) -> list[list[str]]:
    """The rows under the header of the table titled ``title`` in a DOCX, or under the heading saying it (a table
    right under a heading of its title is not titled again)."""
    doc = Docx(path)
    titles = [p for p in doc.paragraphs if p.text == title] or \
        [p for p in doc.paragraphs if p.text.casefold().endswith(". " + title.casefold())]
    table = next(t for t in doc.tables if t._tbl.getprevious() is titles[0]._p)
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def test_the_minutes_vote_on_the_form_the_proposal_and_the_decision_name(documents):
    # the collective's quota rests on its title, but the council votes on the form of that quota, as the plan
    # registered it, the proposal asks for it and the decision grants it
    voted = {r[1]: r[2] for r in _rows(documents["bien-ban-binh-xet-skhcn-ninh-thuan-2024"], "Kết quả bỏ phiếu kín")}
    proposed = {r[1]: r[3] for r in _rows(documents["to-trinh-skhcn-ninh-thuan-2024"], "Danh sách đề nghị khen thưởng")}
    assert voted and voted == proposed, (voted, proposed)
    decided = _rows(documents["quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024"], "Danh sách khen thưởng")
    assert {r[1]: r[3].rsplit(" (", 1)[0] for r in decided} == proposed
    _, body, _, _ = _read(documents["bien-ban-binh-xet-skhcn-ninh-thuan-2024"])
    assert "))" not in body


def test_the_minutes_the_proposal_and_the_decision_list_the_same_order(documents):
    """Read side by side, line by line: collectives first, then people, in the nominations' order."""
    voted = [r[1] for r in _rows(documents["bien-ban-binh-xet-skhcn-ninh-thuan-2024"], "Kết quả bỏ phiếu kín")]
    proposed = [r[1] for r in _rows(documents["to-trinh-skhcn-ninh-thuan-2024"], "Danh sách đề nghị khen thưởng")]
    decided = [r[1] for r in _rows(documents["quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024"], "Danh sách khen thưởng")]
    assert len(proposed) > 1 and proposed == decided, (proposed, decided)
    assert [n for n in voted if n in proposed] == proposed


def test_the_registration_list_names_the_movement_once_and_its_year_once(documents):
    doc = Docx(documents["danh-sach-dang-ky-skhcn-ninh-thuan-2024"])
    subtitle = next(p.text for p in doc.paragraphs if p.text.startswith("Đăng ký thi đua"))
    assert subtitle == ("Đăng ký thi đua trong phong trào thi đua công tác cải cách hành chính năm 2024 "
                        "của Sở Khoa học và Công nghệ"), subtitle


def test_a_collective_registers_for_a_title_by_the_laws_name(documents):
    rows = _rows(documents["danh-sach-dang-ky-skhcn-ninh-thuan-2024"], "Danh sách đăng ký thi đua")
    collectives = [r for r in rows if r[2] == "Sở Khoa học và Công nghệ"]  # the divisions, under their department
    assert collectives and {r[3] for r in collectives} == {"Tập thể lao động xuất sắc"}, {r[3] for r in collectives}


def test_a_rank_target_is_said_as_that_rank_or_better(documents):
    plans = [p for name, p in documents.items() if name.startswith("ke-hoach-khac-phuc-")]
    said = [m for p in plans for m in re.finditer(r"đạt hạng (\d+)( trở lên)?", _read(p)[1])]
    assert said and all(m.group(2) or m.group(1) == "1" for m in said), [m.group(0) for m in said]


def test_the_points_an_improvement_plan_lost_are_those_its_index_is_short_of(documents):
    """The department's plan works on its own index (its targets are there): the points it says were lost are
    what the stored run of that index leaves the department short of its maximum."""
    from cycle.scoring import stored
    from rules.ruleset import find

    plan = documents["ke-hoach-khac-phuc-SKHCN-2024"]
    text = _read(plan)[1]
    index = find("chi-so-cchc-so-nganh")
    assert index.title in text
    lost = re.search(r"bị mất điểm ở \d+ tiêu chí, tổng cộng ([\d.,]+) điểm", text).group(1)
    engine = make_engine(f"sqlite:///{plan.parent.parent / 'tinh.db'}")
    try:
        summary = stored(engine, index, "2024-NAM").summary
    finally:
        engine.dispose()
    number = lambda s: float(s.replace(".", "").replace(",", "."))  # noqa: E731
    assert summary.loc["SKHCN", "diem"] + number(lost) == pytest.approx(summary.loc["SKHCN", "toi_da"], abs=0.006)


def test_an_improvement_plan_gives_each_area_to_the_division_its_yearly_plan_does(documents):
    """Who remedies a lost criterion is who leads its area in the department's yearly plan: its own office by
    the name the unit tree gives it, not a description of a division."""
    leads = {r[1].split(". ", 1)[0]: r[-1] for r in _rows(documents["ke-hoach-cchc-SKHCN-2024"], "Mục tiêu")}
    remedied = _rows(documents["ke-hoach-khac-phuc-SKHCN-2024"], "Các tiêu chí cần khắc phục")
    assert remedied and all("phụ trách lĩnh vực" not in r[5] for r in remedied)
    matched = [(r, a) for r in remedied for a in leads if r[1] == a or r[1].startswith(a + ".")]
    assert matched and all(r[5] == leads[a] for r, a in matched), (remedied, leads)


def test_a_departments_own_report_goes_to_the_department_of_home_affairs(province):
    from helpers import read_docx_text
    from office.periodic import periodic

    own = read_docx_text(periodic(province, "Quý III/2024", "STP", date(2024, 10, 1)), Path("/tmp") / "bc-stp.docx")
    assert "Kính gửi: Sở Nội vụ." in own and "1/1 đơn vị" not in own and "Bộ Nội vụ" not in own
    whole = read_docx_text(periodic(province, "Quý III/2024", None, date(2024, 10, 1)), Path("/tmp") / "bc-tinh.docx")
    assert "Kính gửi: Bộ Nội vụ." in whole


def test_pictures_fit_the_text_area(documents):
    width, height = Mm(210 - 30 - 15), Mm(297 - 20 - 20)
    for name, path in documents.items():
        for shape in Docx(path).inline_shapes:
            assert shape.width <= width and shape.height <= height, name


@pytest.mark.slow
def test_every_document_renders_on_paper(documents, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice and poppler are not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
    paths = sorted(documents.values())
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
                   check=True, capture_output=True, timeout=600)
    pages = {}
    for path in paths:
        pdf = tmp_path / f"{path.stem}.pdf"
        assert pdf.exists(), path.name
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages[path.stem] = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    (tmp_path / "so-trang.txt").write_text("\n".join(f"{k}\t{v}" for k, v in sorted(pages.items())))
    assert all(n >= 1 for n in pages.values())


def test_next_years_plans_come_after_the_publication_they_cite(documents):
    """The plans of 2025 (28/12/2024) weigh the 2024 results; the publication of those results had been dated
    15/01/2025, after the plans that cite them. It is dated on the scoring step's day, 25/12."""
    def dated(name: str) -> date:
        day, month, yyyy = map(int, DATE.search(_read(documents[name])[0]).groups())
        return date(yyyy, month, day)

    published = dated("cong-bo-diem-qd766-2022-2024")
    plans = [n for n in documents if n.endswith("-2025") and n.startswith(("ke-hoach-cchc-", "ke-hoach-kiem-tra-"))]
    assert plans and all(published < dated(n) for n in plans), (published, {n: dated(n) for n in plans})
