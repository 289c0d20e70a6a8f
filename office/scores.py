"""Scores as the office uses them: reading a stored run (what every document shows), and the explicit steps
that write one — scoring, appraisal, publication. Reads never write: a document of a period that was never
scored is refused with the command that scores it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle import scoring as sc
from cycle.history import Change, diff, history
from office.errors import NotFound, Refused
from rules.ruleset import RuleSet, RuleSetError, find
from store import calendar, models

__all__ = ["ruleset", "period_code", "stored", "stored_or_none", "score", "Scored", "publish", "appraise", "runs",
           "changes", "history", "ranking", "Change", "Scoring", "stale"]

Scored = sc.Scored


def ruleset(name: str) -> RuleSet:
    """A shipped rule set by its code, or a rule-set file by its path."""
    try:
        return find(name)
    except RuleSetError as e:
        raise Refused("\n".join(map(str, e.problems)), field="--ruleset") from None
    except (KeyError, FileNotFoundError, OSError) as e:
        raise NotFound(f"không có bộ tiêu chí «{name}» ({e})", field="--ruleset") from None


def period_code(text: str, field: str = "--period") -> str:
    """A period as people write it («Quý I/2024», «Năm 2024», 2024-Q1) → its code."""
    try:
        return calendar.parse_period(text).code
    except ValueError as e:
        raise Refused(str(e), field=field) from None


def stored(engine: Engine, rs: RuleSet, period: str) -> Scored:
    """The period's current run; refused when it was never scored."""
    try:
        return sc.stored(engine, rs, period)
    except sc.NoScores as e:
        raise NotFound(f"{e}: hãy chấm điểm trước (cchc score --ruleset {rs.id} --period {period})") from None


def stored_or_none(engine: Engine, rs: RuleSet, period: str) -> Scored | None:
    try:
        return sc.stored(engine, rs, period)
    except sc.NoScores:
        return None


def stale(engine: Engine, period: str) -> bool:
    """Whether figures or appraisals newer than the period's scores have arrived."""
    with Session(engine) as s:
        return period in sc.stale_periods(s)


@dataclass(frozen=True)
class Scoring:
    """What a scoring step did: the run (new or still current), and each unit that moved, in words."""

    outcome: sc.Outcome
    changes: tuple[Change, ...]
    published: models.ScoreRun | None = None


def score(engine: Engine, rs: RuleSet, period: str, full: bool = False, publish: bool = False) -> Scoring:
    """Bring the period's scores up to date (a new run only when something changed); optionally publish."""
    with Session(engine) as s:
        before = sc.current_run(s, rs.id, period)
    outcome = sc.rescore(engine, rs, period, full=full)
    moved = tuple(diff(engine, before.id, outcome.run_id)) if outcome.written and before is not None else ()
    frozen = sc.publish(engine, outcome.run_id) if publish else None
    return Scoring(outcome, moved, frozen)


def publish(engine: Engine, run_id: int) -> models.ScoreRun:
    try:
        return sc.publish(engine, run_id)
    except ValueError as e:
        raise NotFound(str(e)) from None


def appraise(engine: Engine, rs: RuleSet, period: str, unit: str, criterion: str, points: float, reason: str,
             appraiser: str) -> Scoring:
    """Record an appraiser's points for one criterion (with its reason), then bring the scores up to date."""
    try:
        sc.record_appraisal(engine, rs, period, unit, criterion, points, reason, appraiser)
    except ValueError as e:
        raise Refused(str(e), field="--criterion") from None
    return score(engine, rs, period)


def runs(engine: Engine, ruleset_name: str | None = None, period: str | None = None) -> list[models.ScoreRun]:
    R = models.ScoreRun
    query = select(R).order_by(R.ruleset, R.period_code, R.version)
    if ruleset_name:
        query = query.where(R.ruleset == ruleset_name)
    if period:
        query = query.where(R.period_code == period)
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(query))


def changes(engine: Engine, run_a: int, run_b: int) -> list[Change]:
    try:
        return diff(engine, run_a, run_b)
    except ValueError as e:
        raise NotFound(str(e), field="RUN") from None


def ranking(engine: Engine, rs_name: str, period: str):
    """(run, ranked entries with names) of the period's current run, or None when it was never scored."""
    with Session(engine) as s:
        run = sc.current_run(s, rs_name, period)
        if run is None:
            return None
        frame = sc.entries(s, run.id)
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    frame = frame[frame["toi_da"] > 0].sort_values(["hang", "diem"], ascending=[True, False])
    return run, frame.assign(name=frame.index.map(lambda c: names.get(c, c)))


@dataclass(frozen=True)
class Explained:
    ruleset: RuleSet
    period: str
    name: str
    leaves: list
    summary: dict
    ranked: int


def explain(engine: Engine, rs: RuleSet, unit: str, period: str) -> Explained:
    """Every point of ``unit`` under ``rs`` on the current figures (with the appraisals), evaluated for the
    asking and stored nowhere: a rule set not yet in use can be tried this way."""
    from cycle.scoring import adjustments
    from rules.evaluate import evaluate
    from store.queries import unit_frame

    if rs.entity != "unit":
        raise Refused(f"bộ «{rs.id}» chấm cá nhân, không chấm đơn vị", field="RULESET")
    frame = unit_frame(engine, period)
    if unit not in frame.index:
        raise NotFound(f"không có đơn vị «{unit}»", field="--unit")
    if rs.applies_to is not None:  # the unit asked about is explained even if the rule set does not rank its kind
        frame = frame[frame["kind"].isin(rs.applies_to) | (frame.index == unit)]
    with Session(engine) as s:
        adjusted = adjustments(s, rs.id, period, list(frame.index))
    result = evaluate(rs, frame, adjusted)
    summary = result.summary()
    return Explained(rs, period, frame.loc[unit, "name"], result.explain(unit), summary.loc[unit].to_dict(),
                     int((summary["hang"] > 0).sum()))
