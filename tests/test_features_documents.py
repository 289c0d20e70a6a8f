"""Step definitions for features/van_ban_ky_duoc.feature: the campaign's documents as a clerk would sign them,
read back from the DOCX files the review writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as Docx
from pytest_bdd import given, parsers, scenarios, then, when

from office.frames import issuer

scenarios("van_ban_ky_duoc.feature")


@pytest.fixture
def world(province, tmp_path):
    return {"engine": province, "out": tmp_path / "out"}


def _read(path: Path) -> dict[str, str]:
    doc = Docx(path)
    header = "\n".join(" ".join(c.text.split()) for c in doc.tables[0].rows[0].cells)  # a name on two lines, as one
    left, right = (c.text for c in doc.tables[-1].rows[0].cells)
    body = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables[1:-1] for row in t.rows for c in row.cells])
    return {"header": header, "body": body, "left": left, "right": right,
            "all": "\n".join((header, body, left, right))}


def _document(world, start: str) -> dict[str, str]:
    path = next(p for p in world["paths"] if p.name.startswith(start))
    return _read(path)


@given(parsers.parse('tỉnh mô phỏng {province} có {department} phát động phong trào "{name}"'))
def launched(world, province, department, name):
    from office.emulation import campaign, launch

    world["campaign"] = campaign(name)
    who = issuer(world["engine"], world["campaign"].unit)
    assert who.name == department and who.province == province
    launch(world["engine"], world["campaign"])


@when(parsers.parse("Hội đồng Thi đua - Khen thưởng của sở họp xét, bỏ phiếu và có quyết định khen thưởng năm "
                    "{year:d}"))
def reviewed(world, year):
    from office.emulation import Council, review

    world["paths"] = review(world["engine"], world["campaign"], year, None, Council(9, 8, 1), "", "docx",
                            world["out"])
    world["province"] = issuer(world["engine"], issuer(world["engine"], world["campaign"].unit).root)


@then(parsers.parse('sở có tờ trình số hiệu "{symbol}" gửi "{to}" đề nghị "{award}"'))
def proposal(world, symbol, to, award):
    doc = _document(world, "to-trinh-")
    assert symbol in doc["header"]
    assert f"Kính gửi: {to}" in doc["body"] and award in doc["body"]


@then(parsers.parse('quyết định khen thưởng mang tiêu đề "{body}" và số hiệu "{symbol}"'))
def decision_header(world, body, symbol):
    doc = _document(world, "quyet-dinh-khen-thuong-")
    assert body in doc["header"] and symbol in doc["header"]


@then(parsers.parse('quyết định được ký thay Chủ tịch: "{authority}", "{title}" và tên người ký của tỉnh'))
def decision_signed(world, authority, title):
    doc = _document(world, "quyet-dinh-khen-thuong-")
    signer = world["province"].signature
    lines = [line.strip() for line in doc["right"].splitlines() if line.strip()]
    assert lines[:2] == [authority, title] and lines[-1] == signer.name
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" in doc["body"]  # the decision is issued in the chairman's name


@then(parsers.parse('quyết định căn cứ "{basis}" và xét tờ trình của Giám đốc sở'))
def decision_bases(world, basis):
    doc = _document(world, "quyet-dinh-khen-thuong-")
    assert f"Căn cứ {basis}" in doc["body"]
    assert "Xét đề nghị của Giám đốc Sở Khoa học và Công nghệ tại Tờ trình số" in doc["body"]


@then("quyết định không mang tiêu đề, số hiệu của sở")
def not_the_departments(world):
    doc = _document(world, "quyet-dinh-khen-thuong-")
    assert "SKHCN" not in doc["header"] and "SỞ KHOA HỌC VÀ CÔNG NGHỆ" not in doc["header"]


@then(parsers.parse('biên bản mang tiêu đề "{body}" và số hiệu "{symbol}"'))
def minutes_header(world, body, symbol):
    doc = _document(world, "bien-ban-binh-xet-")
    assert body in doc["header"] and symbol in doc["header"]


@then(parsers.parse('biên bản được ký bởi "{left}" bên trái và "{right}" bên phải, mỗi bên có tên người ký'))
def minutes_signed(world, left, right):
    doc = _document(world, "bien-ban-binh-xet-")
    lefts = [line.strip() for line in doc["left"].splitlines() if line.strip()]
    rights = [line.strip() for line in doc["right"].splitlines() if line.strip()]
    assert lefts[0] == left and len(lefts) >= 2 and lefts[-1] != left
    assert rights[0] == right and len(rights) >= 2 and rights[-1] != right
    assert "Nơi nhận" not in doc["left"]


@then(parsers.parse('không văn bản nào của phong trào có chữ ký "{placeholder}"'))
def no_placeholder(world, placeholder):
    for path in world["paths"]:
        assert placeholder not in _read(path)["all"], path.name
