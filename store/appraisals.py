"""Appraisal adjustments (thẩm định): an appraiser's points for one criterion of one unit replace the
self-assessed ones, always with a reason; checked against the rule set they belong to."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.ruleset import RuleSet
from store import models
from store.db import ensure_periods


def add_appraisal(session: Session, ruleset: RuleSet, period: str, unit: str, criterion: str, points: float,
                  reason: str, appraiser: str, finding_id: int | None = None, now: datetime | None = None) -> int:
    """Record an appraisal inside the caller's transaction (an inspection finding and its adjustment land
    together); returns its id."""
    leaves = {leaf.id: leaf for leaf in ruleset.leaves}
    if criterion not in leaves:
        raise ValueError(f"bộ tiêu chí «{ruleset.id}» không có tiêu chí «{criterion}» (chọn một tiêu chí lá: "
                         f"{', '.join(leaves)})")
    top = leaves[criterion].max
    if math.isnan(points) or not 0 <= points <= top:
        raise ValueError(f"tiêu chí {criterion}: điểm thẩm định {points:g} phải trong khoảng 0–{top:g}")
    if not reason.strip():
        raise ValueError(f"tiêu chí {criterion}: điều chỉnh điểm phải có lý do")
    ensure_periods(session, {int(period[:4])})
    unit_id = session.scalar(select(models.Unit.id).where(models.Unit.code == unit))
    if unit_id is None:
        raise ValueError(f"không có đơn vị «{unit}»")
    row = models.Appraisal(ruleset=ruleset.id, period_code=period, unit_id=unit_id, criterion=criterion,
                           points=float(points), reason=reason.strip(), appraiser=appraiser, finding_id=finding_id,
                           created_at=(now or datetime.now()).replace(microsecond=0))
    session.add(row)
    session.flush()
    return row.id
