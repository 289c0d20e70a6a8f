"""Step definitions for features/thi_dua_khen_thuong.feature."""

from __future__ import annotations

import pandas as pd
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from emulation.eligibility import Record, eligibility_of
from emulation.review import passes, rank_with_quota
from rules.evaluate import evaluate
from rules.ruleset import find

scenarios("thi_dua_khen_thuong.feature")
RATINGS = {"Hoàn thành xuất sắc nhiệm vụ": "HTXSNV", "Hoàn thành tốt nhiệm vụ": "HTTNV",
           "Hoàn thành nhiệm vụ": "HTNV"}


@pytest.fixture
def case():
    return {"ratings": [], "disciplines": []}


@given(parsers.parse('một công chức xếp loại "{rating}" năm {year:d}'))
def rated(case, rating, year):
    case["ratings"].append(("CB1", year, RATINGS[rating]))


@given(parsers.parse('một công chức xếp loại "{rating}" các năm {years}'))
def rated_years(case, rating, years):
    for y in years.split(","):
        case["ratings"].append(("CB1", int(y), RATINGS[rating]))


@given(parsers.parse("công chức đó bị kỷ luật khiển trách năm {year:d}"))
def disciplined(case, year):
    case["disciplines"].append(("CB1", year, "da_quyet_dinh"))


@when(parsers.parse("xét danh hiệu năm {year:d}"))
def judge(case, year):
    record = Record(pd.DataFrame({"name": ["A"], "gender": ["nam"], "unit": ["U"], "unit_name": ["U"],
                                  "position": ["CV"]}, index=pd.Index(["CB1"], name="person")),
                    pd.DataFrame(case["ratings"], columns=["person", "year", "rating"]),
                    pd.DataFrame(case["disciplines"], columns=["person", "year", "status"]),
                    pd.DataFrame(columns=["person", "year", "level", "code"]))
    case["result"] = eligibility_of(record, year)


def _title(result, label):
    return next(t for t in result.ruleset.titles if result.label(t) == label)


@then(parsers.parse('công chức đó chưa đủ điều kiện "{label}" vì "{reason}"'))
def not_eligible(case, label, reason):
    title = _title(case["result"], label)
    assert not case["result"].table().loc["CB1", title]
    assert any(reason in r for r in case["result"].reasons("CB1")[title])


@then(parsers.parse('công chức đó đủ điều kiện "{label}"'))
def eligible(case, label):
    assert case["result"].table().loc["CB1", _title(case["result"], label)]


@given(parsers.parse("một tập thể hoàn thành tốt nhiệm vụ có {members:d} thành viên, trong đó {n:d} người đạt "
                     "Lao động tiên tiến"))
def collective(case, members, n):
    case["collective"] = pd.DataFrame({"xep_loai_tap_the": [3], "so_thanh_vien": [members], "so_ldtt": [n]},
                                      index=["P1"])


@when("xét danh hiệu tập thể")
def judge_collective(case):
    case["result"] = evaluate(find("danh-hieu-tap-the-2022"), case["collective"])


@then(parsers.parse('tập thể {verdict} "{label}"'))
def collective_verdict(case, verdict, label):
    held = bool(case["result"].env["tap_the_lao_dong_tien_tien"][0] == 1)
    assert held is (verdict == "đủ điều kiện")


@given(parsers.parse("chỉ tiêu Bằng khen là {quota:d} cá nhân"))
def quota(case, quota):
    case["quota"] = quota


@given("hai người cùng hoàn thành xuất sắc nhiệm vụ, cùng 2 năm Chiến sĩ thi đua cơ sở, một nam một nữ")
def tied(case):
    case["candidates"] = pd.DataFrame({"name": ["Anh", "Bình"], "xep_loai": [4, 4], "so_nam": [2, 2],
                                       "priority": [0, 1]}, index=["NAM", "NU"])


@when("xếp thứ tự đề nghị")
def order(case):
    case["ranked"] = rank_with_quota(case["candidates"], ["xep_loai", "so_nam"], case["quota"])


@then("người nữ được đề nghị trong chỉ tiêu, người nam xếp sau")
def woman_first(case):
    ranked = case["ranked"]
    assert list(ranked.index) == ["NU", "NAM"] and ranked["within_quota"].tolist() == [True, False]


@given(parsers.parse("Hội đồng có {members:d} thành viên"))
def council(case, members):
    case["members"] = members


@when(parsers.parse('{yes:d} thành viên đồng ý đề nghị "{label}"'))
def ballot(case, yes, label):
    form = {"Chiến sĩ thi đua cơ sở": "chien_si_thi_dua_co_so"}[label]
    case["passed"] = passes(yes, case["members"], form)


@then(parsers.parse("đề nghị {verdict}"))
def verdict(case, verdict):
    assert case["passed"] is (verdict == "đạt")
