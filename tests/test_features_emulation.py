"""Step definitions for features/thi_dua_khen_thuong.feature."""

from __future__ import annotations

from datetime import date

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
    return {"ratings": [], "disciplines": [], "proceedings": [], "awards": [], "initiatives": [], "people": {"CB1": "U"}}


@given(parsers.parse('một công chức xếp loại "{rating}" năm {year:d}'))
def rated(case, rating, year):
    case["ratings"].append(("CB1", year, RATINGS[rating]))


@given(parsers.parse('một công chức xếp loại "{rating}" các năm {years}'))
def rated_years(case, rating, years):
    for y in years.split(","):
        case["ratings"].append(("CB1", int(y), RATINGS[rating]))


@given(parsers.parse("công chức đó bị kỷ luật khiển trách năm {year:d}"))
def disciplined(case, year):
    case["disciplines"].append(("CB1", year, "da_quyet_dinh", "khien_trach", None))


@given(parsers.parse('công chức đó có sáng kiến "{code}" được công nhận cấp {level} năm {year:d}'))
def initiative(case, code, level, year):
    case["initiatives"].append(("CB1", year, {"cơ sở": "co_so", "tỉnh": "tinh"}[level], code))


@when(parsers.parse("xét danh hiệu năm {year:d}"))
def judge(case, year):
    people = case["people"]
    ratings = [(p, y, r, people.get(p, "U")) for p, y, r in case["ratings"]]
    record = Record(pd.DataFrame({"name": list(people), "gender": "nam", "unit": list(people.values()),
                                  "unit_name": list(people.values()), "position": "CV"},
                                 index=pd.Index(list(people), name="person")),
                    pd.DataFrame(ratings, columns=["person", "year", "rating", "unit"]),
                    pd.DataFrame(case["disciplines"], columns=["person", "year", "status", "form", "decided_on"]),
                    pd.DataFrame(case["initiatives"], columns=["person", "year", "level", "code"]),
                    pd.DataFrame(case["awards"], columns=["person", "year", "form", "initiatives", "scope", "campaign"]),
                    pd.DataFrame(case["proceedings"], columns=["person", "kind", "opened_on", "closed_on"]),
                    parents={"P1": "S1", "P2": "S2", "S1": "TINH", "S2": "TINH"})
    case["result"] = eligibility_of(record, year)


def _day(text: str) -> date:
    d, m, y = map(int, text.split("/"))
    return date(y, m, d)


@given(parsers.parse('công chức đó bị kỷ luật "{form}" theo quyết định ngày {day}'))
def disciplined_on(case, form, day):
    code = {"Khiển trách": "khien_trach", "Cảnh cáo": "canh_cao", "Cách chức": "cach_chuc"}[form]
    case["disciplines"].append(("CB1", _day(day).year, "da_quyet_dinh", code, _day(day)))


@given(parsers.parse('công chức đó bị "{kind}" từ ngày {day}'))
def proceeding_opened(case, kind, day):
    case["proceedings"].append(["CB1", kind, _day(day), None])


@given(parsers.parse("vụ việc đó kết thúc ngày {day}"))
def proceeding_closed(case, day):
    case["proceedings"][-1][3] = _day(day)


@given(parsers.parse('hai công chức "{a}" thuộc đơn vị "{ua}" và "{b}" thuộc đơn vị "{ub}" cùng xếp loại '
                     '"{rating}" các năm {years}'))
def two_people(case, a, ua, b, ub, rating, years):
    case["people"] = {a: ua, b: ub}
    for y in years.split(","):
        case["ratings"] += [(a, int(y), RATINGS[rating]), (b, int(y), RATINGS[rating])]


@given(parsers.parse('đơn vị "{issuer}" quyết định tặng "{person}" danh hiệu "{form}" năm {year:d}'))
def decided_title(case, issuer, person, form, year):
    case["awards"].append((person, year, form, "", issuer, 0))


@given(parsers.parse('đơn vị "{issuer}" quyết định tặng "{person}" danh hiệu "{form}" năm {year:d} căn cứ sáng kiến '
                     '"{codes}"'))
def decided_title_on(case, issuer, person, form, year, codes):
    case["awards"].append((person, year, form, codes, issuer, 0))


@then(parsers.parse('"{person}" {verdict} "{label}"'))
def person_verdict(case, person, verdict, label):
    held = bool(case["result"].table().loc[person, _title(case["result"], label)])
    assert held is (verdict == "đủ điều kiện")


def _title(result, label):
    return next(t for t in result.ruleset.titles if result.label(t) == label)


@then(parsers.parse('công chức đó chưa đủ điều kiện "{label}" vì "{reason}"'))
def not_eligible(case, label, reason):
    title = _title(case["result"], label)
    assert not case["result"].table().loc["CB1", title]
    assert any(reason in r for r in case["result"].reasons("CB1")[title])


@then(parsers.parse('công chức đó đủ điều kiện "{label}"'))
def eligible(case, label):
    case["title"] = _title(case["result"], label)
    assert case["result"].table().loc["CB1", case["title"]]


@then(parsers.parse('kết luận đó dẫn "{article}" và nêu "{fact}"'))
def grounds(case, article, fact):
    said = case["result"].grounds("CB1", case["title"])
    assert said.startswith(f"theo {article}") and fact in said


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
