"""Year-end forecasts kept in the store: made when the periodic report of a cumulative period (Q1, 6 months,
9 months) is written, and quoted by the documents from what was kept, so that a document says what was
forecast then and reads the same every time it is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from base.vn import number
from rules.ruleset import RuleSet
from store import models
from store.db import ensure_periods


@dataclass(frozen=True)
class Kept:
    points: float
    points_low: float
    points_high: float
    rank: int | None
    rank_best: int | None
    rank_worst: int | None
    klass: str
    level: float
    past_years: int
    made_at: datetime

    def brief(self) -> str:
        """«dự báo cả năm: 71–75 điểm, hạng 12–18»."""
        def span(a, b) -> str:
            lo, hi = number(a, 0), number(b, 0)
            return lo if lo == hi else f"{lo}–{hi}"

        ranked = f", hạng {span(self.rank_best, self.rank_worst)}" if self.rank_best is not None else ""
        return f"dự báo cả năm: {span(self.points_low, self.points_high)} điểm{ranked}"

    def sentence(self, period_label: str) -> str:
        """The line a unit's periodic report carries."""
        basis = f"theo diễn biến {self.past_years} năm trước" if self.past_years else "theo tỷ lệ kỳ này"
        return (f"Theo số liệu lũy kế {period_label}, {self.brief()} (khoảng tin cậy "
                f"{number(self.level * 100, 0)}%, {basis}; trung vị {number(self.points, 2)} điểm).")


def keep(engine: Engine, rs: RuleSet, period: str, now: datetime | None = None) -> int:
    """Forecast the year from ``period`` (``office.whatif.forecast_year``) and keep every unit's forecast; the
    number of units kept."""
    from office.whatif import forecast_year

    made = forecast_year(engine, rs, period)
    t = made.table
    when = now or datetime.now()

    def whole(v):
        return int(v) if pd.notna(v) else None

    with Session(engine) as s, s.begin():
        ensure_periods(s, {int(period[:4])})
        ids = dict(s.execute(select(models.Unit.code, models.Unit.id)).all())
        s.add_all(models.YearForecast(
            ruleset_id=rs.id, period_code=period, unit_id=ids[code], made_at=when, points=float(r["diem"]),
            points_low=float(r["diem_thap"]), points_high=float(r["diem_cao"]), rank=whole(r["hang"]),
            rank_best=whole(r["hang_cao"]), rank_worst=whole(r["hang_thap"]), klass=str(r["xep_loai"] or ""),
            level=made.level, past_years=made.years) for code, r in t.iterrows() if code in ids)
    return len(t)


def kept(engine: Engine, ruleset_id: str, period: str, unit: str) -> Kept | None:
    """The unit's latest kept forecast from ``period`` by the rule set, or None."""
    F, U = models.YearForecast, models.Unit
    with Session(engine) as s:
        latest = s.scalar(select(func.max(F.made_at)).where(F.ruleset_id == ruleset_id, F.period_code == period))
        if latest is None:
            return None
        row = s.execute(select(F).join(U, U.id == F.unit_id).where(
            F.ruleset_id == ruleset_id, F.period_code == period, F.made_at == latest, U.code == unit)).scalar()
        return _kept(row) if row is not None else None


def kept_of_all(engine: Engine, ruleset_id: str, period: str) -> dict[str, Kept]:
    """``kept`` of every unit at once (unit code → its forecast): the units that have one in the latest made."""
    F, U = models.YearForecast, models.Unit
    with Session(engine) as s:
        latest = s.scalar(select(func.max(F.made_at)).where(F.ruleset_id == ruleset_id, F.period_code == period))
        if latest is None:
            return {}
        out: dict[str, Kept] = {}
        for code, row in s.execute(select(U.code, F).join(U, U.id == F.unit_id).where(
                F.ruleset_id == ruleset_id, F.period_code == period, F.made_at == latest)):
            out.setdefault(code, _kept(row))
        return out


def _kept(row: models.YearForecast) -> Kept:
    return Kept(row.points, row.points_low, row.points_high, row.rank, row.rank_best, row.rank_worst,
                row.klass, row.level, row.past_years, row.made_at)


def quoted(engine: Engine, ruleset_id: str, period, unit: str | None) -> str:
    """The line a unit's periodic report for ``period`` (a ``store.calendar.Period``) carries: its kept
    forecast, or "" (the province's report, or nothing kept)."""
    made = kept(engine, ruleset_id, period.code, unit) if unit else None
    return made.sentence(period.in_sentence) if made else ""


CUMULATIVE = ("Q1", "6T", "9T")  # the periods a forecast is made from, the year's start first


def on_scorecard(engine: Engine, ruleset_id: str, period: str, unit: str) -> str:
    """The line a unit's scorecard of ``period`` (a code) carries: the forecast kept from that cumulative period;
    on the year's scorecard, the latest one kept in the year (from 9 months, else 6, else Q1), so that the result
    stands beside what was forecast; "" when none was kept."""
    for p in _quoted_periods(period):
        line = quoted(engine, ruleset_id, p, unit)
        if line:
            return line
    return ""


def on_scorecards(engine: Engine, ruleset_id: str, period: str, units: list[str]) -> dict[str, str]:
    """``on_scorecard`` of many units (unit → its line), from two readings per period rather than two per unit
    and period: a site has a scorecard for each of its thousand units."""
    out = dict.fromkeys(units, "")
    for p in _quoted_periods(period):
        made = kept_of_all(engine, ruleset_id, p.code)
        for unit in units:
            if not out[unit] and unit in made:
                out[unit] = made[unit].sentence(p.in_sentence)
    return out


def _quoted_periods(period: str) -> list:
    """The cumulative periods whose forecast a scorecard of ``period`` quotes, the first kept one winning."""
    from store.calendar import KINDS_BY_CODE, Period

    year, kind = int(period[:4]), period[5:]
    kinds = (kind,) if kind in CUMULATIVE else CUMULATIVE[::-1] if kind == "NAM" else ()
    return [Period(year, KINDS_BY_CODE[k]) for k in kinds]
