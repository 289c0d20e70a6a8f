"""Step definitions for features/chu_trinh_nam.feature and features/tinh_lai_diem.feature."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy.orm import Session

from cycle import inspection
from cycle.history import diff
from cycle.reporting import submissions
from cycle.scoring import current_run, entries, publish, record_appraisal, rescore
from helpers import scored as score
from helpers import DOSSIER_HEADERS, dossier, units_file, write_csv, write_xlsx
from rules.ruleset import find
from store.ingest import ingest_file

scenarios("chu_trinh_nam.feature", "tinh_lai_diem.feature")
RULES = find("qd766-2022")


@pytest.fixture
def world(engine, tmp_path):
    return {"engine": engine, "dir": tmp_path}


def _current(world):
    with Session(world["engine"]) as s:
        run = current_run(s, RULES.id, "2024-NAM")
        return run, entries(s, run.id)


@given("danh mục đơn vị có Sở Khoa học và Công nghệ, Sở Tư pháp và UBND xã Bản Hon")
def small_province(world):
    ingest_file(world["engine"], units_file(world["dir"]))


@given(parsers.parse("tỉnh mô phỏng đã có kết quả chấm điểm năm {year:d}"))
def scored_province(world, province, year):
    world["engine"] = province
    world["scored"] = score(world["engine"], RULES, year)
    world["first"], world["before"] = _current(world)


@given(parsers.parse("kết quả năm {year:d} đã được công bố"))
def published(world, year):
    world["published"] = publish(world["engine"], world["first"].id)


@when("sổ theo dõi ghi nhận các báo cáo:")
def register(world, datatable):
    ingest_file(world["engine"], write_xlsx(world["dir"] / "so_bao_cao.xlsx", datatable[0], datatable[1:]))


@then(parsers.parse('ngày {today}, báo cáo {period} của "{unit}" là "{state}" {days:d} ngày'))
def late(world, today, period, unit, state, days):
    world["today"] = datetime.strptime(today, "%d/%m/%Y").date()
    row = submissions(world["engine"], period, world["today"]).set_index("unit").loc[unit]
    assert (row["state"], row["days_late"]) == (state, days)


@then(parsers.parse('báo cáo {period} của "{unit}" là "{state}"'))
def state_of(world, period, unit, state):
    assert submissions(world["engine"], period, world["today"]).set_index("unit").loc[unit, "state"] == state


@when(parsers.parse("văn phòng lập kế hoạch kiểm tra năm {year:d}"))
def plan_inspections(world, year):
    world["visits"] = inspection.plan(world["engine"], world["scored"], year)
    world["everyone"] = inspection.choose(world["engine"], world["scored"], year, share=100)


@then("số đơn vị được kiểm tra lớn hơn 30% số đơn vị được chấm điểm")
def more_than_30(world):
    assert len(world["visits"]) > 0.30 * len(world["scored"].summary)


@then("đơn vị điểm thấp nhất trong số chưa được kiểm tra gần đây được kiểm tra ngay tháng 3")
def lowest_first(world):
    summary = world["scored"].summary
    never = [v.unit for v in world["everyone"] if "chưa được kiểm tra" in v.reason]
    lowest = min(never, key=lambda u: summary.loc[u, "ty_le"])
    assert {v.unit: v.month for v in world["visits"]}[lowest] == 3


@when(parsers.parse('tổ thẩm định chấm lại tiêu chí "{criterion}" của đơn vị xếp cuối {points:d} điểm vì "{reason}"'))
def appraise_last(world, criterion, points, reason):
    table = world["before"][world["before"]["toi_da"] > 0]
    world["unit"] = table["hang"].idxmax()
    record_appraisal(world["engine"], RULES, "2024-NAM", world["unit"], criterion, points, reason, "Tổ thẩm định")
    world["outcome"] = rescore(world["engine"], RULES, "2024-NAM")


@then("đơn vị đó được xếp hạng cao hơn trong lượt chấm mới")
def ranked_higher(world):
    _, after = _current(world)
    unit = world["unit"]
    assert world["outcome"].written and after.loc[unit, "hang"] < world["before"].loc[unit, "hang"]


@then(parsers.parse('phiếu điểm của đơn vị đó ghi "{text}"'))
def scorecard_says(world, text):
    lines = [e.sentence for e in score(world["engine"], RULES, 2024).result.explain(world["unit"])]
    assert any(text in line for line in lines), lines


def _code(world, name: str) -> str:
    from sqlalchemy import select

    from store import models

    with Session(world["engine"]) as s:
        return s.scalar(select(models.Unit.code).where(models.Unit.name == name))


@when(parsers.parse('"{name}" nộp bổ sung {count:d} hồ sơ trực tuyến năm {year:d}'))
def more_dossiers(world, name, count, year):
    world["unit"] = _code(world, name)
    rows = [dossier(world["unit"], f"BS-{i:04d}", received="05/06/2024", due="12/06/2024", finished="10/06/2024")
            for i in range(count)]
    ingest_file(world["engine"], write_csv(world["dir"] / "ho_so_bo_sung.csv", DOSSIER_HEADERS, rows), year=year)
    world["outcome"] = rescore(world["engine"], RULES, "2024-NAM")


@then(parsers.parse('điểm và thứ hạng được tính lại trong một lượt chấm mới, chỉ "{name}" được tính lại'))
def only_one(world, name):
    outcome = world["outcome"]
    assert outcome.written and outcome.version == world["first"].version + 1
    assert (outcome.mode, outcome.evaluated, outcome.changed) == ("tang_dan", 1, (_code(world, name),))


@then("các đơn vị khác giữ nguyên điểm")
def others_kept(world):
    _, after = _current(world)
    unit = world["unit"]
    others = world["before"].index.drop(unit)
    assert after.loc[others, "diem"].equals(world["before"].loc[others, "diem"])
    assert after.loc[unit, "diem"] != world["before"].loc[unit, "diem"]


@then(parsers.parse('thay đổi của "{name}" ghi "{what}" do "{cause}"'))
def change_of(world, name, what, cause):
    [change] = [c for c in diff(world["engine"], world["first"].id, world["outcome"].run_id) if c.unit == world["unit"]]
    text = change.sentence()
    assert text.startswith(f"{name}: ") and what in text
    assert cause in text.split(what, 1)[1].split("; tiêu chí")[0]


@then("bản đã công bố giữ nguyên")
def published_kept(world):
    with Session(world["engine"]) as s:
        assert entries(s, world["first"].id).equals(world["before"])
    assert world["outcome"].run_id != world["first"].id


@then(parsers.parse('phiên bản mới ghi "{text}"'))
def correction(world, text):
    run, _ = _current(world)
    assert run.corrects.startswith(text) and run.parent_id == world["first"].id
