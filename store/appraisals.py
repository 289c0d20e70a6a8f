"""Appraisal adjustments (thẩm định): an appraiser's points for one criterion of one unit replace the
self-assessed ones, always with a reason; checked against the rule set they belong to."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import func, select
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


def finding_appraisal(session: Session, finding_id: int, period: str, unit: str, criterion: str,
                      ruleset: RuleSet | None, points: float | None, reason: str, appraiser: str,
                      now: datetime | None = None) -> None:
    """What a finding recorded again says of its criterion's points. The same points as its appraisal before
    add nothing: an appraiser may have set others since, and a corrected file that leaves the row as it was
    must not undo them. Other points are a new appraisal; none (the cell left blank) withdraw the finding's
    appraisal while it is the one that holds, the self-assessed points holding again; so does a finding moved to
    another criterion, for the criterion it leaves."""
    A = models.Appraisal
    own = session.scalars(select(A).where(A.finding_id == finding_id).order_by(A.id.desc()).limit(1)).first()
    moved = own is not None and own.points is not None and (
        points is None or own.ruleset != ruleset.id or own.criterion != criterion)
    if moved and _holding(session, own) == own.id:
        session.add(A(ruleset=own.ruleset, period_code=own.period_code, unit_id=own.unit_id, criterion=own.criterion,
                      points=None, reason=reason.strip(), appraiser=appraiser, finding_id=finding_id,
                      created_at=(now or datetime.now()).replace(microsecond=0)))
        session.flush()
    if points is None or (own is not None and own.ruleset == ruleset.id and own.criterion == criterion
                          and own.points == float(points)):
        return
    add_appraisal(session, ruleset, period, unit, criterion, points, reason, appraiser, finding_id, now=now)


def _holding(session: Session, row: models.Appraisal) -> int:
    """The id of the appraisal that holds for ``row``'s rule set, period, unit and criterion."""
    A = models.Appraisal
    return session.scalar(select(func.max(A.id)).where(A.ruleset == row.ruleset, A.period_code == row.period_code,
                                                      A.unit_id == row.unit_id, A.criterion == row.criterion))
