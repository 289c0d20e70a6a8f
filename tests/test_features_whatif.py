"""Step definitions for features/what_if.feature."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy.orm import Session

from cycle.scoring import adjustments, scoring_frame
from helpers import below_its_targets, scored
from office.errors import Refused
from office.whatif import what_if
from rules.evaluate import evaluate
from rules.ruleset import find

scenarios("what_if.feature")
RULES = find("qd766-2022")
PERIOD = "2024-NAM"


@pytest.fixture
def world():
    return {}


def _code(world, name: str) -> str:
    frame = world["run"].frame
    return frame.index[frame["name"] == name][0]


def _rescored(world, changes: dict) -> str:
    engine, unit = world["engine"], world["unit"]
    frame = scoring_frame(engine, RULES, PERIOD)
    for name, value in changes.items():
        frame.loc[unit, name] = value
    with Session(engine) as s:
        appraised = adjustments(s, RULES.id, PERIOD)
    return evaluate(RULES, frame, appraised).summary().loc[unit, "xep_loai"]


@given(parsers.parse("tỉnh mô phỏng đã có kết quả chấm điểm năm {year:d}"))
def province_scored(world, province, year):
    world["engine"] = province
    world["run"] = scored(province, RULES, year)


@given(parsers.parse("tỉnh mô phỏng có Sở Khoa học và Công nghệ dưới mục tiêu PAR INDEX, đã chấm chỉ số CCHC sở, ban, "
                     "ngành năm {year:d}"))
def department_index_scored(world, province, year, tmp_path):
    below_its_targets(province, tmp_path)
    world["engine"] = province
    world["run"] = scored(province, find("chi-so-cchc-so-nganh"), year)


@given(parsers.parse('"{name}" xếp loại "{klass}"'))
def classed(world, name, klass):
    assert world["run"].summary.loc[_code(world, name), "xep_loai"] == klass


@given(parsers.parse('văn phòng chỉ tính chi phí cho "{figure}"'))
def one_lever(world, figure, tmp_path):
    world["costs"] = tmp_path / "chi-phi.yaml"
    world["costs"].write_text(f"costs:\n  {figure}: {{cost: 1}}\n", encoding="utf-8")


def _ask(world, name, **target):
    world["unit"] = _code(world, name)
    try:
        world["answer"] = what_if(world["engine"], RULES, PERIOD, world["unit"], costs=world.get("costs"), **target)
    except Refused as e:
        world["refused"] = e


@when(parsers.parse('hỏi "{name}" cần cải thiện những gì để đạt xếp loại "{klass}"'))
def ask_class(world, name, klass):
    _ask(world, name, klass=klass)


@when(parsers.parse('hỏi "{name}" cần cải thiện những gì để đạt hạng {rank:d}'))
def ask_rank(world, name, rank):
    _ask(world, name, rank=rank)


@then(parsers.parse('câu trả lời bắt đầu bằng "{text}"'))
def starts(world, text):
    assert world["answer"].lines()[0].startswith(text), world["answer"].lines()


@then("mỗi thay đổi ghi tiêu chí và số điểm tăng thêm")
def each_change_says_its_points(world):
    plan = world["answer"].plan
    assert plan.reached and plan.changes
    text = world["answer"].lines()[0]
    for change in plan.changes:
        for leaf in change.leaves:
            assert f"{leaf.criterion}: +" in text and leaf.gain > 0


@then(parsers.parse('thực hiện các thay đổi rồi chấm lại thì "{name}" xếp loại "{klass}"'))
def applied(world, name, klass):
    assert _rescored(world, {c.input: c.after for c in world["answer"].plan.changes}) == klass


@then(parsers.parse('bớt bất kỳ thay đổi nào một đơn vị thì không còn đạt xếp loại "{klass}"'))
def nothing_to_spare(world, klass):
    changes = {c.input: c.after for c in world["answer"].plan.changes}
    for change in world["answer"].plan.changes:
        less = dict(changes, **{change.input: change.after - (1 if change.delta > 0 else -1)})
        assert _rescored(world, less) != klass, change.input


@then("câu trả lời nêu hạng cao nhất có thể đạt trong kỳ này")
def best_rank(world):
    plan = world["answer"].plan
    assert not plan.reached and 1 < plan.after.rank < plan.before.rank
    assert f"cao nhất là hạng {plan.after.rank} (" in world["answer"].lines()[0]


@then(parsers.parse('bị từ chối với lời "{text}"'))
def refused(world, text):
    assert text in world["refused"].message


@when(parsers.parse("dự báo cả năm từ số liệu 6 tháng năm {year:d}"))
def forecast_after_six_months(world, year):
    from office.whatif import forecast_year

    world["forecast"] = forecast_year(world["engine"], RULES, f"{year}-6T", draws=200)


@then(parsers.parse('"{name}" có dự báo cả năm là một khoảng điểm và một khoảng hạng'))
def forecast_sentence(world, name):
    text = world["forecast"].sentence(_code(world, name))
    assert text.startswith(f"{name} — dự báo cả năm: ")
    assert " điểm, hạng " in text and "khoảng 80%, từ số liệu lũy kế 50% thời gian của năm" in text


@then(parsers.parse('điểm cả năm của "{name}" gần với dự báo'))
def forecast_close(world, name):
    code = _code(world, name)
    row = world["forecast"].table.loc[code]
    year = world["run"].summary.loc[code, "diem"]
    width = row["diem_cao"] - row["diem_thap"]
    assert row["diem_thap"] <= row["diem"] <= row["diem_cao"]
    assert abs(year - row["diem"]) <= 2 * width + 1, (year, row.to_dict())


# --- The forecast after the 6-month report, on a province with past years ----------------------------------

SEASONAL: dict[int, object] = {}  # past years → the province, built once for the module


@given(parsers.parse("tỉnh mô phỏng có hồ sơ {n:d} năm trước năm {year:d}, theo mùa vụ"), target_fixture="world")
def seasonal_province(n, year, tmp_path_factory):
    from cchc.demo import DemoSpec, generate
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    if n not in SEASONAL:
        folder = tmp_path_factory.mktemp("mua-vu")
        files = generate(folder / "data", DemoSpec(year=year, communes=8, dossiers=8_000, past_years=n))
        engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
        upgrade(engine)
        for path in files.in_order():
            ingest_file(engine, path)
        SEASONAL[n] = engine
    return {"engine": SEASONAL[n], "out": tmp_path_factory.mktemp("van-ban")}


@when(parsers.parse("văn phòng lập báo cáo định kỳ 6 tháng năm {year:d}"))
def six_month_report(world, year):
    from datetime import date

    from office.year import periodic_report

    periodic_report(world["engine"], world["out"], f"{year}-6T", date(year, 6, 25))
    world["period"] = f"{year}-6T"


@then(parsers.parse('báo cáo 6 tháng của "{name}" ghi dự báo cả năm là một khoảng điểm và một khoảng hạng'))
def report_quotes_forecast(world, name):
    import re
    from datetime import date

    from helpers import read_docx_text
    from office.periodic import periodic
    from office.whatif import unit_names

    code = next(c for c, n in unit_names(world["engine"]).items() if n == name)
    text = read_docx_text(periodic(world["engine"], world["period"], code, date(2024, 7, 1)), world["out"] / "bc.docx")
    line = re.search(r"Theo số liệu lũy kế 6 tháng năm 2024, dự báo cả năm: \d+(–\d+)? điểm, hạng \d+(–\d+)? "
                     r"\(khoảng tin cậy 80%, [^)]*\)\.", text)
    assert line, text[-1500:]
    world["line"] = line.group(0)


@then(parsers.parse("dự báo đã học từ diễn biến {n:d} năm trước"))
def learned_from(world, n):
    assert f"theo diễn biến {n} năm trước" in world["line"]


@then("dự báo điểm cả năm sai ít hơn lấy điểm 6 tháng làm điểm cả năm")
def better_than_naive(world):
    from office.forecasts import kept
    from rules.forecast import naive

    engine = world["engine"]
    truth = evaluate(RULES, scoring_frame(engine, RULES, "2024-NAM")).summary()
    flat = naive(RULES, scoring_frame(engine, RULES, world["period"]))
    made = {u: kept(engine, RULES.id, world["period"], u) for u in truth.index}
    units = [u for u, k in made.items() if k is not None]
    assert len(units) == len(truth)
    error = sum(abs(made[u].points - truth.loc[u, "diem"]) for u in units) / len(units)
    naive_error = sum(abs(flat.loc[u, "diem"] - truth.loc[u, "diem"]) for u in units) / len(units)
    assert error < naive_error, (error, naive_error)


# --- The improvement plan quotes the kept answer ------------------------------------------------------------


@when(parsers.parse("văn phòng lưu việc cần làm để đạt mục tiêu của từng đơn vị theo lượt chấm năm {year:d}"))
def keep_answers(world, year):
    from office.whatif_kept import keep

    assert world["run"].year == year
    assert keep(world["engine"], world["run"]) >= 1


def _plan(world, name: str, tmp_path) -> tuple[str, list]:
    from datetime import date

    from docx import Document

    from office.score_documents import improvement

    from reports.docx import render_docx

    doc = improvement(world["engine"], world["run"], _code(world, name), date(2025, 1, 15), date(2025, 6, 30))
    path = render_docx(doc, tmp_path / "ke-hoach-khac-phuc.docx")
    word = Document(path)
    return "\n".join(p.text for p in word.paragraphs), word.tables


@then(parsers.parse('kế hoạch khắc phục của "{name}" có mục "{section}" với mục tiêu "{goal}"'))
def plan_has_goal(world, name, section, goal, tmp_path):
    from office.whatif_kept import kept

    text, tables = _plan(world, name, tmp_path)
    world["unit"], world["plan"], world["tables"] = _code(world, name), text, tables
    world["kept"] = kept(world["engine"], world["run"].run.run_id, world["unit"])
    assert section in text and f"Mục tiêu: {goal}" in text, text[-3000:]
    assert all(line in text for line in world["kept"][0].lines)


@then("kế hoạch ghi từng việc cần làm, số liệu hiện nay, số cần đạt và số điểm tăng thêm ở từng tiêu chí")
def plan_lists_changes(world):
    table = next(t for t in world["tables"] if t.rows[0].cells[1].text == "Việc cần làm")
    assert [c.text for c in table.rows[0].cells] == ["TT", "Việc cần làm", "Hiện nay", "Cần đạt", "Tiêu chí",
                                                     "Điểm tăng thêm"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    changes = world["kept"][0].changes
    assert [r[1] for r in rows] == [c.words for c in changes]
    for row, c in zip(rows, changes):
        assert row[2] and row[3] and row[2] != row[3]
        assert row[4] == "; ".join(k for k, _ in c.gains)
        # the column shows its numbers with the same decimals: the figure, read back, is the sum of the gains
        assert float(row[5].replace(".", "").replace(",", ".")) == round(sum(p for _, p in c.gains), 2), row[5]


@then("khi câu trả lời đã lưu được sửa thì kế hoạch khắc phục ghi đúng câu đã lưu")
def plan_quotes_the_store(world, tmp_path):
    from sqlalchemy import text as sql

    with world["engine"].begin() as conn:
        conn.execute(sql("UPDATE whatif_kept SET lines = 'Câu đã lưu khi chấm điểm.' WHERE run_id = :r"),
                     {"r": world["run"].run.run_id})
    again, _ = _plan(world, "Sở Khoa học và Công nghệ", tmp_path)
    assert "Câu đã lưu khi chấm điểm." in again and world["kept"][0].lines[0] not in again
