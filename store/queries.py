"""Reading the record back: current facts (the latest batch's value wins) and the indicator frame."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import Session

from store import models


def current_facts(session: Session, period_codes: list[str] | None = None,
                  unit_ids: list[int] | None = None) -> pd.DataFrame:
    """Long frame (unit_id, unit, period, indicator, value, batch_id) of the current value of each fact."""
    F = models.Fact
    latest = select(F.unit_id, F.period_code, F.indicator_code, func.max(F.batch_id).label("batch_id"))
    if period_codes is not None:
        latest = latest.where(F.period_code.in_(period_codes))
    if unit_ids is not None:
        latest = latest.where(F.unit_id.in_(unit_ids))
    latest = latest.group_by(F.unit_id, F.period_code, F.indicator_code).subquery()
    query = (
        select(F.unit_id, models.Unit.code.label("unit"), F.period_code.label("period"),
               F.indicator_code.label("indicator"), F.value, F.batch_id)
        .join(latest, and_(F.unit_id == latest.c.unit_id, F.period_code == latest.c.period_code,
                           F.indicator_code == latest.c.indicator_code, F.batch_id == latest.c.batch_id))
        .join(models.Unit, models.Unit.id == F.unit_id)
    )
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=["unit_id", "unit", "period", "indicator", "value", "batch_id"])


def indicator_frame(engine: Engine, period_code: str) -> pd.DataFrame:
    """Units × indicators for one period: what the rules engine scores. Missing values stay missing."""
    with Session(engine) as s:
        facts = current_facts(s, [period_code])
    if facts.empty:
        return pd.DataFrame()
    return facts.pivot(index="unit", columns="indicator", values="value").sort_index()
