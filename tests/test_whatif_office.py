"""What-if over a stored run of the demo province: the answer in words, re-scored to check it, refusals, and
``cchc what-if``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli_runner import cchc
from cycle.scoring import adjustments, scoring_frame
from helpers import scored
from office.errors import NotFound, Refused
from office.whatif import levers, what_if
from rules.evaluate import evaluate
from rules.ruleset import find
from store import models

RULES = find("qd766-2022")


@pytest.fixture
def year(province):
    return province, scored(province, RULES, 2024)


def _rescored(engine, unit, plan):
    frame = scoring_frame(engine, RULES, "2024-NAM")
    for change in plan.changes:
        frame.loc[unit, change.input] = change.after
    with Session(engine) as s:
        appraised = adjustments(s, RULES.id, "2024-NAM")
    return evaluate(RULES, frame, appraised).summary().loc[unit]


def test_the_last_unit_gets_the_cheapest_plan_to_a_rank_and_it_holds(year):
    engine, run = year
    last = run.summary.index[-1]
    with Session(engine) as s:
        runs_before = s.scalar(select(func.count()).select_from(models.ScoreRun))
    answer = what_if(engine, RULES, "2024-NAM", last, rank=10)
    plan = answer.plan
    assert plan.reached and plan.changes
    lines = answer.lines()
    name = run.frame.loc[last, "name"]
    assert re.match(rf"Để đạt hạng 10 trở lên \(từ [\d.,]+ điểm\), {name} cần: ", lines[0])
    assert "(tiêu chí " in lines[0] and " điểm)" in lines[0]
    assert lines[1].startswith("Khi đó: ") and f"hạng {plan.after.rank}" in lines[1] and plan.after.rank <= 10
    after = _rescored(engine, last, plan)
    assert after["hang"] <= 10
    assert after["diem"] == pytest.approx(plan.after.points)
    for change in plan.changes:  # only figures the office can act on, each within its whole
        assert change.input in levers()
    with Session(engine) as s:  # an answer, not a decision: nothing written
        assert s.scalar(select(func.count()).select_from(models.ScoreRun)) == runs_before


def test_a_class_and_a_points_total(year):
    engine, run = year
    last = run.summary.index[-1]
    for kwargs in ({"klass": "Tốt"}, {"points": float(run.summary.loc[last, "diem"]) + 5}):
        plan = what_if(engine, RULES, "2024-NAM", last, **kwargs).plan
        after = _rescored(engine, last, plan)
        if "klass" in kwargs:
            assert not plan.reached or after["xep_loai"] == "Tốt"
        else:
            assert plan.reached and after["diem"] >= kwargs["points"] - 1e-9


def test_first_place_may_be_out_of_reach_and_the_best_rank_is_said(year, tmp_path):
    engine, run = year
    last = run.summary.index[-1]
    costs = tmp_path / "chi-phi.yaml"  # only online payment may change: six points at most
    costs.write_text('costs:\n  hs_thanh_toan_truc_tuyen: {cost: 1, tang: "chuyển {n} hồ sơ sang thanh toán trực tuyến"}\n',
                     encoding="utf-8")
    answer = what_if(engine, RULES, "2024-NAM", last, rank=1, costs=costs)
    assert not answer.plan.reached
    text = " ".join(answer.lines())
    assert "không thể đạt hạng 1" in text and "trong kỳ này" in text
    assert f"cao nhất là hạng {answer.plan.after.rank} " in text
    assert _rescored(engine, last, answer.plan)["hang"] == answer.plan.after.rank


def test_the_top_unit_needs_nothing(year):
    engine, run = year
    first = run.summary.index[0]
    answer = what_if(engine, RULES, "2024-NAM", first, rank=1)
    assert answer.plan.already
    assert answer.lines()[0].endswith("không cần thay đổi gì.")
    assert " đã đạt hạng 1: hiện " in answer.lines()[0]  # the first rank has none better: no «trở lên»


def test_questions_that_cannot_be_asked_are_refused(year):
    engine, run = year
    n = len(run.summary)
    unit = run.summary.index[-1]
    with pytest.raises(NotFound, match="không có đơn vị «XYZ»") as e:
        what_if(engine, RULES, "2024-NAM", "XYZ", rank=3)
    assert e.value.field == "--unit"
    with pytest.raises(Refused, match=f"không có hạng {n + 1}: kỳ này xếp hạng {n} đơn vị") as e:
        what_if(engine, RULES, "2024-NAM", unit, rank=n + 1)
    assert e.value.field == "--rank"
    with pytest.raises(Refused, match="không có xếp loại «Xuất sắc»") as e:
        what_if(engine, RULES, "2024-NAM", unit, klass="Xuất sắc")
    assert e.value.field == "--class"
    with pytest.raises(NotFound, match="chưa có lượt chấm điểm nào"):
        what_if(engine, RULES, "2023-NAM", unit, rank=3)


def test_the_command(year, tmp_path):
    engine, run = year
    db = Path(engine.url.database)
    last = run.summary.index[-1]
    done = cchc("what-if", "--unit", last, "--class", "Khá", "--period", "Năm 2024", cwd=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    assert "Để đạt xếp loại Khá" in done.stdout or "đã đạt xếp loại Khá" in done.stdout
    refused = cchc("what-if", "--unit", last, "--rank", "999", "--period", "Năm 2024", cwd=tmp_path, db=db)
    assert refused.returncode == 1 and "không có hạng 999" in refused.stderr
    unknown = cchc("what-if", "--unit", "KHONGCO", "--rank", "3", "--period", "Năm 2024", cwd=tmp_path, db=db)
    assert unknown.returncode == 1 and "không có đơn vị «KHONGCO»" in unknown.stderr
    two = cchc("what-if", "--unit", last, "--rank", "3", "--points", "70", cwd=tmp_path, db=db)
    assert two.returncode == 2 and "cần đúng một mục tiêu" in two.stderr
