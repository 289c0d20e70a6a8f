"""A unit's page «Mục tiêu và dự báo»: its latest kept year-end forecast with the points of the periods so far,
and the what-if answers kept for its targets. Only reads what the periodic report step and the year's scoring
step stored; a unit sees its own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle.scoring import current_run
from office.accounts import Actor
from office.errors import Forbidden, NotFound
from office.forecasts import CUMULATIVE, Kept, kept
from office.whatif_kept import LatestKept, latest_kept
from reports import svg
from rules.ruleset import UnknownRuleSet, find
from store import models
from store.calendar import KINDS_BY_CODE, Period

@dataclass(frozen=True)
class ForecastView:
    ruleset: str
    index: str  # the rule set's title: the forecast of which index
    period_label: str
    made: Kept
    sentence: str
    so_far: tuple[tuple[str, float | None], ...]  # (period, stored points of the unit), the year's start first
    maximum: float
    chart: str  # inline SVG


@dataclass(frozen=True)
class UnitGoals:
    code: str
    name: str
    forecast: ForecastView | None
    answers: LatestKept | None
    answers_period: str = ""
    answers_index: str = ""  # the title of the rule set whose run the answers were asked of


def _index(ruleset: str) -> str:
    """A stored run's rule set as people know it: its title (its id, for a set no longer shipped)."""
    try:
        return find(ruleset).title
    except UnknownRuleSet:
        return ruleset


def _latest_forecast(s: Session, unit_id: int) -> tuple[str, str] | None:
    F = models.YearForecast
    found = s.execute(select(F.ruleset_id, F.period_code).where(F.unit_id == unit_id)
                      .order_by(F.made_at.desc(), F.id.desc()).limit(1)).first()
    return tuple(found) if found else None


def _points_so_far(s: Session, ruleset: str, year: int, until: str, unit: str) -> tuple[list, float]:
    """The unit's points in the current stored run of each cumulative period of ``year`` up to ``until``."""
    E = models.ScoreEntry
    out, maximum = [], 0.0
    for code in CUMULATIVE[:CUMULATIVE.index(until) + 1]:
        period = Period(year, KINDS_BY_CODE[code])
        run = current_run(s, ruleset, period.code)
        row = s.execute(select(E.diem, E.toi_da).where(E.run_id == run.id, E.unit == unit)).first() if run else None
        out.append((period.label, float(row[0]) if row else None))
        maximum = max(maximum, float(row[1]) if row else 0.0)
    return out, maximum


def unit_goals(engine: Engine, actor: Actor, code: str) -> UnitGoals:
    """The page of ``code`` for ``actor``: a unit's officer sees only his own unit (the office and the council
    every unit, an appraiser his assigned ones)."""
    if not actor.sees_unit(code):
        raise Forbidden("chỉ xem được mục tiêu và dự báo của đơn vị mình")
    with Session(engine) as s:
        unit = s.execute(select(models.Unit.id, models.Unit.name).where(models.Unit.code == code)).first()
        if unit is None:
            raise NotFound(f"không có đơn vị «{code}»")
        latest = _latest_forecast(s, unit.id)
        so_far, maximum = ([], 0.0)
        if latest is not None:
            year, kind = int(latest[1][:4]), latest[1][5:]
            so_far, maximum = _points_so_far(s, latest[0], year, kind, code)
    view = None
    if latest is not None:
        made = kept(engine, latest[0], latest[1], code)
        period = Period(int(latest[1][:4]), KINDS_BY_CODE[latest[1][5:]])
        maximum = maximum or 100.0
        labels = [label for label, _ in so_far] + ["Cả năm (dự báo)"]
        chart = svg.forecast(labels, [p for _, p in so_far], (made.points_low, made.points, made.points_high), maximum,
                             f"Điểm lũy kế từng kỳ và dự báo cả năm của {unit.name}")
        view = ForecastView(latest[0], _index(latest[0]), period.label, made, made.sentence(period.in_sentence),
                            tuple(so_far), maximum, chart)
    answers = latest_kept(engine, code)
    said = ""
    if answers is not None:
        said = f"năm {answers.period[:4]}" if answers.period.endswith("-NAM") else answers.period
    return UnitGoals(code, unit.name, view, answers, said, _index(answers.ruleset) if answers is not None else "")
