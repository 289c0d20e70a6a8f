"""Step definitions for features/bo_phieu.feature: the council's ballot on a copy of the demo province."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office import emulation as em
from office.errors import Refused
from store import models

scenarios("bo_phieu.feature")


@pytest.fixture
def case():
    return {}


@given(parsers.parse('phong trào "{name}" đã xếp thứ tự đề nghị năm {year:d}'), target_fixture="case")
def nominated(province, name, year):
    c = em.campaign(name)
    em.register(province, c, year)
    n = em.nominate(province, c, year)
    inside = [(code, r["form"], r["name"]) for frame in (n.individuals, n.collectives)
              for code, r in frame[frame["within_quota"].astype(bool)].sort_values("rank").iterrows()]
    return {"campaign": c, "inside": inside}


@given("tệp kết quả bỏ phiếu có phiếu của mọi người được đề nghị trong chỉ tiêu")
def full_file(case, tmp_path):
    case["file"] = _write(tmp_path, case["inside"])


@given("tệp kết quả bỏ phiếu bỏ sót người đứng đầu danh sách đề nghị")
def short_file(case, tmp_path):
    case["left_off"] = case["inside"][0]
    case["file"] = _write(tmp_path, case["inside"][1:])


def _write(folder, rows):
    path = folder / "phieu.csv"
    path.write_text("Mã,Hình thức,Phiếu đồng ý\n" + "".join(f"{code},{form},9\n" for code, form, _ in rows),
                    encoding="utf-8")
    return path


@when(parsers.parse("Hội đồng {members:d} thành viên, {present:d} có mặt, {written:d} có ý kiến bằng văn bản "
                    "ghi kết quả bỏ phiếu"))
def vote(case, province, members, present, written):
    try:
        em.vote(province, case["campaign"], em.read_ballots(case["file"]), members, present, written,
                date(2024, 12, 10))
    except Refused as e:
        case["refused"] = e


@then("không phiếu nào được ghi")
def nothing_written(case, province):
    assert "refused" in case
    with Session(province) as s:
        assert s.scalar(select(func.count()).select_from(models.Ballot)) == 0


@then(parsers.parse('lý do là "{reason}"'))
def reason_is(case, reason):
    assert reason in case["refused"].message and case["refused"].message.startswith("phieu.csv: ")


@then("lý do nêu mã và họ tên người bị bỏ sót")
def names_the_left_off(case):
    code, _, name = case["left_off"]
    assert f"«{code}» ({name})" in case["refused"].message
