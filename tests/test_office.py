"""The application layer's promises: reads never write, documents show what is stored (the council's ballots,
the scores), one table of the year for the in-process calendar and the server's schedules."""

from __future__ import annotations

import inspect
from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import read_docx_text, scored
from store import models
from store.db import counts


def test_documents_show_the_stored_explanations_exactly(province):
    """The scorecard's sentences are rebuilt from the stored run and equal a fresh evaluation's, point by point."""
    from cycle.scoring import adjustments, scoring_frame
    from rules.evaluate import evaluate
    from rules.ruleset import find

    for rules in ("qd766-2022", "chi-so-cchc-so-nganh"):
        rs = find(rules)
        stored = scored(province, rs, 2024)
        frame = scoring_frame(province, rs, "2024-NAM")
        with Session(province) as s:
            fresh = evaluate(rs, frame, adjustments(s, rs.id, "2024-NAM"))
        summary = fresh.summary()
        for code in stored.summary.index:
            assert [e.sentence for e in stored.result.explain(code)] == [e.sentence for e in fresh.explain(code)]
            for column in stored.summary.columns:
                a, b = stored.summary.loc[code, column], summary.loc[code, column]
                assert a == b or (isinstance(a, float) and np.isclose(a, b, equal_nan=True)), (code, column)


def test_building_every_document_of_the_year_writes_nothing_to_the_store(province, tmp_path):
    from office.documents import KINDS, Request, build
    from office.plans import issue_plan, plan_inspections

    scored(province, "qd766-2022", 2024)
    scored(province, "chi-so-cchc-so-nganh", 2024)
    issue_plan(province, "SKHCN", 2025)
    plan_inspections(province, 2025)
    before = counts(province)
    for code, kind in KINDS.items():
        unit = "SXD" if code == "ket-luan-kiem-tra" else "SKHCN" if kind.needs_unit else None
        build(province, code, Request(2024, unit, period="2024-Q3" if code == "bao-cao" else None,
                                      out=tmp_path / "docs"))
    assert counts(province) == before  # no score run, plan, inspection or anything else was stored


def test_a_document_of_a_period_never_scored_is_refused_and_nothing_is_scored(province, tmp_path):
    from office.documents import Request, build
    from office.errors import NotFound

    before = counts(province)
    with pytest.raises(NotFound, match="chưa có lượt chấm điểm nào theo bộ «qd766-2022» kỳ 2024-NAM"):
        build(province, "cong-bo-diem", Request(2024, out=tmp_path))
    with pytest.raises(NotFound, match="chưa có kế hoạch năm 2025"):
        build(province, "ke-hoach", Request(2024, "SKHCN", out=tmp_path))
    assert counts(province) == before


def test_the_minutes_show_each_ballots_stored_result_and_its_own_form(province, tmp_path):
    """5 votes of 10 members on a form that needs more than half: stored as failed, and the minutes agree."""
    from emulation import review as rv
    from office import emulation as em

    c = em.campaign("skhcn-ninh-thuan-2024")
    em.register(province, c, 2024)
    nominations = em.nominate(province, c, 2024)
    inside = nominations.individuals[nominations.individuals["within_quota"]]
    code = inside.index[0]
    with Session(province) as s, s.begin():  # the nomination is for a form the decree does not list: majority
        row = s.scalars(select(models.Nomination).where(models.Nomination.participant == code)).first()
        row.form = "bang_khen_chu_tich_tinh"
    everyone = {**{k: 10 for frame in (nominations.individuals, nominations.collectives)
                   for k in frame.index[frame["within_quota"]]}, code: 5}  # a ballot for every nominee in the quota
    [ballot] = [b for b in em.vote(province, c, everyone, 10, 9, 1, date(2024, 12, 10)) if b.participant == code]
    assert rv.vote_rule(ballot.form).get("strict") and not ballot.passed  # 5/10 is not more than half
    minutes = dict(em.review_documents(province, c, 2024))[f"bien-ban-binh-xet-{c.id}"]
    [line] = [r for r in minutes.tables["bo_phieu"].rows if r[3] == 5]
    # the ballot's own form, whatever the campaign's first, by the name the proposal and the decision give it
    assert line[2] == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert line[5] == "trên 50%" and line[6] == "Không đạt"
    assert line[2] != c.award_forms[0].form  # not the campaign's first form
    text = read_docx_text(minutes, tmp_path / "bb.docx")
    assert "trên 50%" in text and "Không đạt" in text


def test_the_calendar_and_the_servers_schedules_come_from_one_table_and_agree():
    from flows import year as flows_year
    from flows.deployments import PLANNED
    from office.year import STEPS, calendar_of

    deployed = {p.flow: p for p in PLANNED}
    for step in STEPS:
        plan = deployed[step.name]
        minute, hour, day, months, _ = plan.crons[0].split()
        for occurrence in (o for o in calendar_of(2025) if o.name == step.name and o.when.year == 2025):
            assert (occurrence.when.day, occurrence.when.month, int(hour)) == (int(day), occurrence.when.month,
                                                                                step.hour)
            assert str(occurrence.when.month) in months.split(",")
        flow = getattr(flows_year, step.name)
        accepted = set(inspect.signature(flow.fn).parameters)
        assert {"database_url", "out"} <= accepted, step.name  # every deployment's parameters fit its flow
        assert set(step.params(date(2025, step.months[0], step.day))) <= accepted, step.name
    for plan in PLANNED:
        assert plan.entrypoint.startswith("flows.year.") and hasattr(flows_year, plan.flow)
    order = [o.name for o in calendar_of(2025)]
    assert order.index("scoring") < order.index("emulation") < len(order) - 1 == order[::-1].index("plan_issuance") \
        or order[-1] == "plan_issuance"  # next year's plans come last, after this year's scores are published


def test_reads_of_a_store_already_up_to_date_write_nothing(province):
    """Opening the store (every command does) neither migrates nor rewrites the indicators when they are current."""
    from store.db import current_revision, head_revision, upgrade

    upgrade(province)
    with Session(province) as s:
        before = s.scalar(select(func.count()).select_from(models.Indicator))
    writes = []
    from sqlalchemy import event

    listen = lambda conn, cursor, statement, *a: writes.append(statement) if statement.split()[0].upper() in (  # noqa: E731
        "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP") else None
    event.listen(province, "before_cursor_execute", listen)
    try:
        upgrade(province)
    finally:
        event.remove(province, "before_cursor_execute", listen)
    assert writes == [] and current_revision(province) == head_revision()
    with Session(province) as s:
        assert s.scalar(select(func.count()).select_from(models.Indicator)) == before


def test_an_explanation_reads_each_parameter_at_its_value_in_force_in_the_period(province, tmp_path):
    """«rules explain» took a dated parameter's latest value: a period scored at 100 % was explained at 0 %, every
    point full, and said to differ from the stored score because the data had changed."""
    from office.scores import explain
    from rules.ruleset import load

    path = tmp_path / "nguong.yaml"
    path.write_text(
        "id: nguong-thu\ntitle: Thử\nreference: QĐ thử\nentity: unit\napplies_to: [so_nganh]\n"
        "inputs: {van_ban_di: Văn bản đi, van_ban_ky_so: Văn bản ký số}\n"
        "parameters:\n  nguong:\n    label: Ngưỡng\n    values:\n"
        "      - {from: 2022-08-01, value: 100.5, reference: QĐ 1}\n      - {from: 2025-06-01, value: 0, reference: QĐ 2}\n"
        "criteria:\n  - {id: '1', title: Ký số, max: 10, value: van_ban_ky_so / van_ban_di * 100, unit: '%',\n"
        "     scoring: {method: threshold, target: nguong}, reference: QĐ 1}\n", encoding="utf-8")
    said = explain(province, load(path), "SKHCN", "2024-NAM")
    assert said.leaves[0].points == 0 and "< 100,5%" in said.leaves[0].sentence


def test_a_set_named_by_its_id_is_not_scored_for_a_period_outside_its_effective_dates(province):
    """By family the period was refused, by id a run of 2023 under the rules of 2024 was stored."""
    from office.errors import Refused
    from office.scores import score
    from rules.ruleset import find

    rs = find("thi-dua-cchc-skhcn-ninh-thuan-2024")
    with pytest.raises(Refused) as caught:
        score(province, rs, "2023-NAM")
    assert str(caught.value) == (f"bộ «thi-dua-cchc-skhcn-ninh-thuan-2024» có hiệu lực {rs.span}: không chấm kỳ 2023-NAM "
                                 "(kết thúc 14/12/2023) theo bộ này")
