"""What-if answers kept with the improvement plans. When a year's scores are published and its improvement plans
issued, each unit with a target set is asked once per score run what it must change to reach each target on the
index the run's rule set measures (``office.whatif.what_if_targets``); the improvement plan and the portal quote
what was kept and never solve again, so that they read the same every time. A new run version (re-scoring) gets
answers of its own."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle.scoring import Scored, current_run
from office.errors import Refused
from office.frames import issuer
from rules.targets import TargetSet, targets_for
from store import models

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptChange:
    figure: str  # the input changed
    label: str
    before: float
    after: float
    words: str  # «thêm 1.215 hồ sơ giải quyết đúng hạn»
    gains: tuple[tuple[str, float], ...]  # (criterion, points gained)


@dataclass(frozen=True)
class KeptAnswer:
    target_set: str
    target_title: str
    goal: str  # the target as its set says it
    reached: bool
    already: bool
    points_before: float
    rank_before: int
    points_after: float
    rank_after: int
    klass_after: str
    lines: tuple[str, ...]
    changes: tuple[KeptChange, ...]
    made_at: datetime


def target_set_of(engine: Engine, unit: str, year: int, rs=None) -> TargetSet | None:
    """The target set a unit's improvement plan of ``year`` works towards: next year's, else that year's; a set
    of another province's unit of the same code is not its own. With ``rs``, only a set with a target on an index
    its total is (``RuleSet.measures``): a department's PAR INDEX target is not asked of the Decision 766 index."""
    found = targets_for(unit, year + 1) or targets_for(unit, year)
    if found is not None and found.province and found.province != issuer(engine, unit).province:
        return None
    if found is not None and rs is not None and not any(t.index in rs.measures for t in found.targets):
        return None
    return found


# A unit without a target set of its own, classed in the lower half of the rule set's classes, is still told what
# it takes to rise one class: the question its improvement plan is for. Units in the upper half are not asked
# (each answer costs a solve, and a unit already Khá or Tốt is not what an improvement plan is about).
DEFAULT_TITLE = "mục tiêu mặc định nâng xếp loại lên một bậc (đơn vị chưa có bộ mục tiêu riêng)"


def one_class_up(rs, klass: str) -> str | None:
    """The class above ``klass`` when ``klass`` lies in the lower half of the rule set's classes; else None."""
    labels = [b.label for b in rs.classification]
    if klass not in labels:
        return None
    at = labels.index(klass)
    return labels[at - 1] if at >= len(labels) // 2 and at > 0 else None


def _row(run_id: int, unit_id: int, position: int, targets: TargetSet | None, goal: str, answer, now: datetime):
    from office.whatif import change_phrases

    plan = answer.plan
    changes = [{"figure": ch.input, "label": ch.label, "before": ch.before, "after": ch.after, "words": words,
                "gains": [[g.criterion, g.gain] for g in ch.leaves]} for ch, words in change_phrases(answer)]
    return models.WhatIfKept(run_id=run_id, unit_id=unit_id, position=position,
                             target_set=targets.id if targets else "",
                             target_title=targets.title if targets else DEFAULT_TITLE, goal=goal,
                             reached=plan.reached, already=plan.already,
                             points_before=plan.before.points, rank_before=plan.before.rank,
                             points_after=plan.after.points, rank_after=plan.after.rank,
                             klass_after=plan.after.klass or "", lines="\n".join(answer.lines()),
                             changes=json.dumps(changes, ensure_ascii=False), made_at=now)


def keep(engine: Engine, scored: Scored, now: datetime | None = None) -> int:
    """Answer and keep, for the run ``scored`` holds (the current one), each unit's what-if towards every target
    on the total of its target set; a unit already answered for this run is left as it is (once per run). The
    number of answers kept."""
    from office.whatif import plans, what_if_targets

    W, U = models.WhatIfKept, models.Unit
    with Session(engine) as s:
        current = current_run(s, scored.ruleset.id, scored.period)
        if current is None or current.id != scored.run.run_id:
            raise Refused(f"lượt chấm {scored.run.version} theo bộ «{scored.ruleset.id}» kỳ {scored.period} không còn "
                          f"là lượt hiện hành: chỉ tính mục tiêu cho lượt hiện hành")
        done = set(s.scalars(select(W.unit_id).where(W.run_id == scored.run.run_id)).all())
        ids = dict(s.execute(select(U.code, U.id).where(U.code.in_(list(scored.summary.index)))).all())
    when = now or datetime.now()
    rows = []
    rising: dict[str, list[str]] = {}  # the class to reach → units without a target set of their own
    for code in scored.summary.index:
        if ids[code] in done:
            continue
        if (targets := target_set_of(engine, code, scored.year, scored.ruleset)) is None:
            if (up := one_class_up(scored.ruleset, str(scored.summary.loc[code, "xep_loai"] or ""))) is not None:
                rising.setdefault(up, []).append(code)
            continue
        try:
            answers = what_if_targets(engine, scored.ruleset, scored.period, code, targets.id)
        except Refused as e:  # a set without a target on the total, a rule set the solver cannot model
            log.warning("không tính được việc cần làm để đạt mục tiêu của «%s»: %s", code, e.message)
            continue
        rows += [_row(scored.run.run_id, ids[code], i, targets, goal, answer, when)
                 for i, (goal, answer) in enumerate(answers)]
    for klass, codes in rising.items():
        try:
            answers = plans(engine, scored.ruleset, scored.period, klass=klass, units=codes)
        except Refused as e:
            log.warning("không tính được việc cần làm để đạt xếp loại %s: %s", klass, e.message)
            continue
        rows += [_row(scored.run.run_id, ids[a.unit], 0, None, f"Đạt xếp loại {klass}", a, when) for a in answers]
    with Session(engine) as s, s.begin():
        s.add_all(rows)
    return len(rows)


def _answer(row: models.WhatIfKept) -> KeptAnswer:
    changes = tuple(KeptChange(c["figure"], c["label"], c["before"], c["after"], c["words"],
                               tuple((g[0], g[1]) for g in c["gains"])) for c in json.loads(row.changes))
    return KeptAnswer(row.target_set, row.target_title, row.goal, row.reached, row.already, row.points_before,
                      row.rank_before, row.points_after, row.rank_after, row.klass_after,
                      tuple(row.lines.splitlines()), changes, row.made_at)


def kept(engine: Engine, run_id: int, unit: str) -> list[KeptAnswer]:
    """The answers kept for ``unit`` with run ``run_id``, in the order of its targets ([] when none was kept)."""
    W, U = models.WhatIfKept, models.Unit
    with Session(engine) as s:
        rows = s.scalars(select(W).join(U, U.id == W.unit_id).where(W.run_id == run_id, U.code == unit)
                         .order_by(W.position)).all()
        return [_answer(r) for r in rows]


@dataclass(frozen=True)
class LatestKept:
    ruleset: str
    period: str
    version: int
    answers: list[KeptAnswer]


def latest_kept(engine: Engine, unit: str) -> LatestKept | None:
    """The answers kept for ``unit`` with the newest score run that has any, or None."""
    W, U, R = models.WhatIfKept, models.Unit, models.ScoreRun
    with Session(engine) as s:
        run = s.execute(select(R).join(W, W.run_id == R.id).join(U, U.id == W.unit_id).where(U.code == unit)
                        .order_by(R.created_at.desc(), R.id.desc()).limit(1)).scalar()
        if run is None:
            return None
        found = (run.ruleset, run.period_code, run.version, run.id)
    return LatestKept(found[0], found[1], found[2], kept(engine, found[3], unit))
