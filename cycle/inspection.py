"""Inspections (kiểm tra CCHC): choose more than 30% of the units for the year (seed 003), risk first — the
lowest results, the worst trends, those not inspected lately —, spread over the year; record findings and
recommendations with deadlines; follow them up; a finding can adjust an appraisal score, with its reason."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from cycle.scoring import Scored, current_run, entries
from store.ingest.findings import add_finding
from base.vn import number
from rules.ruleset import RuleSet
from store import models
from store.db import serialize_writes

# Seed 003 (KH 3617/KH-UBND Lai Châu 2023): "kiểm tra trên 30% cơ quan, đơn vị". The weights of the risk
# score are the office's choice, not law [NC]: configurable here.
MINIMUM_SHARE = 30.0
RISK_WEIGHTS = {"result": 1.0, "drop": 2.0, "not_recent": 10.0}
RECENT_YEARS = 2
MONTHS = tuple(range(3, 12))  # March to November: after the year's plan, before the year-end scoring


@dataclass(frozen=True)
class Visit:
    unit: str
    name: str
    month: int
    risk: float
    reason: str


def _last_inspected(session: Session) -> dict[str, int]:
    rows = session.execute(select(models.Unit.code, models.Inspection.year)
                           .join(models.Unit, models.Unit.id == models.Inspection.unit_id)
                           .where(models.Inspection.visited_on.is_not(None))).all()
    last: dict[str, int] = {}
    for code, year in rows:
        last[code] = max(year, last.get(code, 0))
    return last


def choose(engine: Engine, scored: Scored, year: int, share: float = MINIMUM_SHARE,
           declared: dict[str, tuple[float, str]] | None = None) -> list[Visit]:
    """More than ``share``% of the units ``scored`` ranks, riskiest first, months spread in that order.
    ``declared``: per unit, a risk already weighted and its reason (declared figures the data contradict), added
    to the unit's risk."""
    declared = declared or {}
    summary = scored.summary
    total = len(summary)
    count = min(total, math.floor(total * share / 100) + 1)
    with Session(engine) as s:
        last = _last_inspected(s)
        before = current_run(s, scored.ruleset.id, f"{scored.year - 1}-NAM")
        earlier = entries(s, before.id)["ty_le"] if before is not None else pd.Series(dtype=float)
    pct = summary["ty_le"].astype(float)
    drop = (earlier.reindex(summary.index) - pct).clip(lower=0).fillna(0.0)
    not_recent = pd.Series([year - last.get(c, -99) > RECENT_YEARS for c in summary.index], index=summary.index)
    risk = (RISK_WEIGHTS["result"] * (100 - pct) + RISK_WEIGHTS["drop"] * drop
            + RISK_WEIGHTS["not_recent"] * not_recent.astype(float)
            + pd.Series({c: declared[c][0] for c in summary.index if c in declared}, dtype=float)
            .reindex(summary.index).fillna(0.0))
    order = risk.sort_values(ascending=False, kind="stable").index[:count]
    visits = []
    for i, code in enumerate(order):
        why = [f"tỷ lệ điểm năm {scored.year}: {number(pct[code], 1)}% (hạng {int(summary.loc[code, 'hang'])}/{total})"]
        if drop[code] > 0:
            why.append(f"giảm {number(drop[code], 1)} điểm phần trăm so với năm {scored.year - 1}")
        why.append("chưa được kiểm tra trong 2 năm gần nhất" if not_recent[code]
                   else f"đã kiểm tra năm {last[code]}")
        if code in declared:
            why.append(declared[code][1])
        visits.append(Visit(code, scored.frame.loc[code, "name"], MONTHS[i * len(MONTHS) // count],
                            round(float(risk[code]), 2), "; ".join(why)))
    return sorted(visits, key=lambda v: (v.month, -v.risk))


def plan(engine: Engine, scored: Scored, year: int, share: float = MINIMUM_SHARE,
         declared: dict[str, tuple[float, str]] | None = None) -> list[Visit]:
    """Store the year's inspection plan (replacing the visits not yet made); returns it."""
    visits = choose(engine, scored, year, share, declared)
    with Session(engine) as s, s.begin():
        serialize_writes(s)
        ids = dict(s.execute(select(models.Unit.code, models.Unit.id)).all())
        made = set(s.scalars(select(models.Inspection.unit_id).where(models.Inspection.year == year,
                                                                      models.Inspection.visited_on.is_not(None))))
        s.execute(delete(models.Inspection).where(models.Inspection.year == year,
                                                  models.Inspection.visited_on.is_(None)))
        s.add_all(models.Inspection(year=year, unit_id=ids[v.unit], month=v.month, risk=v.risk, reason=v.reason)
                  for v in visits if ids[v.unit] not in made)
    return visits


def planned(engine: Engine, year: int) -> pd.DataFrame:
    """The year's inspections: unit, name, month, risk, reason, visited_on."""
    I, U = models.Inspection, models.Unit
    with Session(engine) as s:
        rows = s.execute(select(U.code, U.name, I.month, I.risk, I.reason, I.visited_on)
                         .join(U, U.id == I.unit_id).where(I.year == year).order_by(I.month, I.risk.desc())).all()
    return pd.DataFrame(rows, columns=["unit", "name", "month", "risk", "reason", "visited_on"])


def record_finding(engine: Engine, year: int, unit: str, visited_on: date, text: str, recommendation: str,
                   deadline: date, criterion: str = "", points: float | None = None, ruleset: RuleSet | None = None,
                   appraiser: str = "Đoàn kiểm tra") -> int:
    """A finding of the inspection of ``unit`` in ``year`` (an inspection outside the plan is recorded too);
    with ``points``, the appraisal of ``criterion`` in the year's score is adjusted, the finding as its
    reason. Returns the finding's id."""
    if not text.strip() or not recommendation.strip():
        raise ValueError("phát hiện kiểm tra cần nội dung tồn tại và kiến nghị")
    if deadline < visited_on:
        raise ValueError(f"thời hạn khắc phục {deadline:%d/%m/%Y} trước ngày kiểm tra {visited_on:%d/%m/%Y}")
    if points is not None and (ruleset is None or not criterion):
        raise ValueError("điều chỉnh điểm cần bộ tiêu chí và tiêu chí")
    with Session(engine) as s, s.begin():
        return add_finding(s, year, unit, visited_on, criterion, text, recommendation, deadline, ruleset, points,
                           appraiser).id


def resolve(engine: Engine, finding_id: int, on: date, note: str) -> None:
    """The unit reports a finding remedied."""
    with Session(engine) as s, s.begin():
        finding = s.get(models.Finding, finding_id)
        if finding is None:
            raise ValueError(f"không có phát hiện kiểm tra #{finding_id}")
        finding.resolved_on, finding.resolution = on, note.strip()


def follow_up(engine: Engine, year: int, today: date) -> pd.DataFrame:
    """Every finding of the year's inspections and where it stands: đã khắc phục (on time or late), quá hạn,
    or còn hạn."""
    I, F, U = models.Inspection, models.Finding, models.Unit
    with Session(engine) as s:
        rows = s.execute(select(F.id, U.code, U.name, I.visited_on, F.criterion, F.text, F.recommendation, F.deadline,
                                F.resolved_on, F.resolution).join(I, I.id == F.inspection_id)
                         .join(U, U.id == I.unit_id).where(I.year == year).order_by(U.code, F.id)).all()
    frame = pd.DataFrame(rows, columns=["id", "unit", "name", "visited_on", "criterion", "text", "recommendation",
                                        "deadline", "resolved_on", "resolution"])
    done = frame["resolved_on"].notna().to_numpy()
    late = np.array([(r if r is not None and not pd.isna(r) else today) > d
                     for r, d in zip(frame["resolved_on"], frame["deadline"])], dtype=bool)
    frame["state"] = np.select([done & ~late, done & late, ~done & late],
                               ["đã khắc phục", "khắc phục trễ hạn", "quá hạn"], "còn hạn")
    return frame
