"""Scores as the office uses them: reading a stored run (what every document shows), and the explicit steps
that write one — scoring, appraisal, publication. Reads never write: a document of a period that was never
scored is refused with the command that scores it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle import scoring as sc
from cycle.history import Change, diff, history as _history
from office.errors import NotFound, Refused
from office.rulesets import named, open_ruleset
from rules.ruleset import NoRuleSetInForce, RuleSet, RuleSetError
from store import calendar, models

__all__ = ["ruleset", "period_code", "stored", "stored_or_none", "score", "Scored", "publish", "appraise", "runs",
           "changes", "history", "ranking", "Change", "Scoring", "stale"]

Scored = sc.Scored


def ruleset(name: str, period: str | None = None, catalogue: bool = True) -> RuleSet:
    """A shipped rule set by its code or family (the set in force on ``period``'s last day), or a rule-set file by
    its path (an option typed on the command line; what data names goes through ``rules.ruleset.find``, by code
    only); every input it reads known to the catalogue (``office.rulesets``)."""
    try:
        return open_ruleset(name, period, catalogue)
    except RuleSetError as e:
        raise Refused("\n".join(map(str, e.problems)), field="--ruleset") from None
    except NoRuleSetInForce as e:
        raise Refused(str(e), field="--ruleset") from None
    except (KeyError, FileNotFoundError, OSError) as e:
        raise NotFound(f"không có bộ tiêu chí «{name}» ({e})", field="--ruleset") from None


def period_code(text: str, field: str = "--period") -> str:
    """A period as people write it («Quý I/2024», «Năm 2024», 2024-Q1) → its code."""
    try:
        return calendar.parse_period(text).code
    except ValueError as e:
        raise Refused(str(e), field=field) from None


def latest_period(engine: Engine) -> str | None:
    """The most recent period the store holds figures for (the longer one of two that end together: the year
    rather than its last quarter); None when it holds none."""
    from sqlalchemy import distinct

    with Session(engine) as s:
        codes = list(s.scalars(select(distinct(models.Fact.period_code))))
    periods = [calendar.parse_period(c) for c in codes]
    if not periods:
        return None
    return max(periods, key=lambda p: (p.end, p.end - p.start)).code


def latest_year(engine: Engine) -> int | None:
    """The year of the latest period the store holds figures for."""
    code = latest_period(engine)
    return calendar.parse_period(code).year if code else None


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


def _units_only(rs: RuleSet, field: str = "--ruleset") -> None:
    """A set that decides people's titles scores no unit: scored over units, it would store a run of 0/0 points."""
    if rs.entity != "unit":
        raise Refused(f"bộ «{rs.id}» chấm cá nhân, không chấm đơn vị", field=field)


def score(engine: Engine, rs: RuleSet, period: str, full: bool = False, publish: bool = False) -> Scoring:
    """Bring the period's scores up to date (a new run only when something changed); optionally publish. A set
    named by its id for a period outside its effective dates is refused, as its family refuses it: a run of 2023
    under the rules of 2024 had been stored (``rules explain`` still tries a set on any period, storing nothing)."""
    _units_only(rs)
    end = calendar.parse_period(period).end
    if not rs.in_force(end):
        raise Refused(f"bộ «{rs.id}» có hiệu lực {rs.span}: không chấm kỳ {period} (kết thúc {end:%d/%m/%Y}) theo bộ này",
                      field="--period")
    with Session(engine) as s:
        before = sc.current_run(s, rs.id, period)
    try:
        outcome = sc.rescore(engine, rs, period, full=full)
    except sc.NoFigures as e:
        raise NotFound(str(e), field="--period") from None
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
    _units_only(rs)
    try:
        sc.record_appraisal(engine, rs, period, unit, criterion, points, reason, appraiser)
    except ValueError as e:
        raise Refused(str(e), field="--criterion") from None
    return score(engine, rs, period)


def runs(engine: Engine, ruleset_name: str | None = None, period: str | None = None) -> list[models.ScoreRun]:
    R = models.ScoreRun
    query = select(R).order_by(R.ruleset, R.period_code, R.version)
    if ruleset_name:  # an id, or a family: the runs of each of its sets
        query = query.where(R.ruleset.in_(_named(engine, ruleset_name)))
    if period:
        query = query.where(R.period_code == period)
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(query))


def _named(engine: Engine, name: str) -> list[str]:
    """The ids of the stored runs' rule sets that ``name`` names (itself, or the sets of the family ``name``)."""
    with Session(engine) as s:
        return named(name, s.scalars(select(models.ScoreRun.ruleset).distinct()))


def history(engine: Engine, unit: str, ruleset: str | None = None, period: str | None = None):
    """The runs that changed ``unit``'s points, rank or class (``cycle.history``); ``ruleset`` an id or a family."""
    if ruleset is None:
        return _history(engine, unit, None, period)
    return [step for i in _named(engine, ruleset) for step in _history(engine, unit, i, period)]


def changes(engine: Engine, run_a: int, run_b: int) -> list[Change]:
    """What moved between two runs of the same rule set and period (others are not comparable)."""
    with Session(engine) as s:
        runs_ = {r.id: r for r in s.scalars(select(models.ScoreRun).where(models.ScoreRun.id.in_([run_a, run_b])))}
    for rid in (run_a, run_b):
        if rid not in runs_:
            raise NotFound(f"không có lượt chấm điểm #{rid} (xem «cchc runs»)", field="RUN")
    a, b = runs_[run_a], runs_[run_b]
    if (a.ruleset, a.period_code) != (b.ruleset, b.period_code):
        raise Refused(f"hai lượt chấm không cùng bộ tiêu chí và kỳ (#{run_a}: {a.ruleset} {a.period_code}; "
                      f"#{run_b}: {b.ruleset} {b.period_code}): không so sánh được", field="RUN")
    return diff(engine, run_a, run_b)


def withdraw(engine: Engine, run_id: int, reason: str, who: str = "") -> models.ScoreRun:
    """Take back an unpublished run that should not have been made (the wrong period, data since withdrawn): it
    must be the latest of its rule set and period; the one before becomes current again. The reason and the
    run's figures stay in the audit log."""
    from sqlalchemy import delete

    from office import audit

    if not reason.strip():
        raise Refused("rút lượt chấm điểm phải có lý do", field="--reason")
    R = models.ScoreRun
    with Session(engine, expire_on_commit=False) as s, s.begin():
        run = s.get(R, run_id)
        if run is None:
            raise NotFound(f"không có lượt chấm điểm #{run_id} (xem «cchc runs»)", field="RUN")
        if run.published_at is not None:
            raise Refused(f"lượt chấm #{run_id} đã công bố ngày {run.published_at:%d/%m/%Y}: không rút được; "
                          "thay đổi sau công bố là một phiên bản mới ghi rõ điều đính chính", field="RUN")
        later = s.scalar(select(R.id).where(R.ruleset == run.ruleset, R.period_code == run.period_code,
                                            R.version > run.version).limit(1))
        if later is not None:
            raise Refused(f"lượt chấm #{run_id} không phải lượt mới nhất của {run.ruleset} kỳ {run.period_code} "
                          f"(đã có #{later}): rút lượt mới nhất trước", field="RUN")
        s.execute(delete(models.ScoreDetail).where(models.ScoreDetail.run_id == run.id))
        s.execute(delete(models.ScoreEntry).where(models.ScoreEntry.run_id == run.id))
        s.delete(run)
        audit.record(s, who or "dòng lệnh", "rut_luot_cham_diem", f"score_run:{run_id}",
                     {"bo_tieu_chi": run.ruleset, "ky": run.period_code, "phien_ban": run.version,
                      "don_vi": run.entities}, {"ly_do": reason.strip()})
        return run


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
class StoredScore:
    """What the period's current run stored for one unit: the score documents show and the public reads."""
    run: int
    version: int
    published: bool
    same_rules: bool  # the run used this very rule file (its digest)
    diem: float
    toi_da: float
    hang: int
    xep_loai: str


@dataclass(frozen=True)
class Explained:
    ruleset: RuleSet
    period: str
    name: str
    leaves: list
    summary: dict
    ranked: int
    stored: StoredScore | None = None  # None: the period was never scored under this rule set (or not this unit)
    appraisals: tuple = ()  # (criterion, points, reason) of the unit's current appraisals, applied above
    notes: tuple = ()  # rules.evaluate.Note: where the rule set computes otherwise than its text, for this unit

    @property
    def out_of_force(self) -> str | None:
        """Why this period cannot be scored and stored under the set (its end outside the set's effective dates, as
        ``score`` refuses it); None when it can."""
        end = calendar.parse_period(self.period).end
        if self.ruleset.in_force(end):
            return None
        return (f"bộ «{self.ruleset.id}» có hiệu lực {self.ruleset.span}, kỳ {self.period} kết thúc {end:%d/%m/%Y}: "
                "điểm trên chỉ tính để xem, kỳ này không chấm và lưu theo bộ này được")

    @property
    def differs(self) -> bool:
        """The stored score is not what the current figures give: data or rules changed after that run."""
        return self.stored is not None and abs(self.stored.diem - float(self.summary["diem"])) > 0.005


def explain(engine: Engine, rs: RuleSet, unit: str, period: str) -> Explained:
    """Every point of ``unit`` under ``rs`` on the current figures (with the appraisals), evaluated for the
    asking and stored nowhere: a rule set not yet in use can be tried this way."""
    from cycle.scoring import adjustments
    from rules.evaluate import evaluate
    from store.queries import unit_frame

    _units_only(rs, "RULESET")
    rs = sc.dated(rs, period)  # as scoring reads it: each parameter at its value in force on the period's last day
    frame = unit_frame(engine, period)
    if unit not in frame.index:
        raise NotFound(f"không có đơn vị «{unit}»", field="--unit")
    if rs.applies_to is not None:  # the unit asked about is explained even if the rule set does not rank its kind
        frame = frame[frame["kind"].isin(rs.applies_to) | (frame.index == unit)]
    with Session(engine) as s:
        adjusted = adjustments(s, rs.id, period, list(frame.index))
    result = evaluate(rs, frame, adjusted)
    summary = result.summary()
    mine = adjusted[adjusted["entity"] == unit]
    return Explained(rs, period, frame.loc[unit, "name"], result.explain(unit), summary.loc[unit].to_dict(),
                     int((summary["hang"] > 0).sum()), _stored_score(engine, rs, period, unit),
                     tuple(mine[["criterion", "points", "reason"]].itertuples(index=False, name=None)),
                     tuple(result.notes(unit)))


def _stored_score(engine: Engine, rs: RuleSet, period: str, unit: str) -> StoredScore | None:
    with Session(engine) as s:
        run = sc.current_run(s, rs.id, period)
        if run is None:
            return None
        E = models.ScoreEntry
        row = s.execute(select(E.diem, E.toi_da, E.hang, E.xep_loai)
                        .where(E.run_id == run.id, E.unit == unit)).first()
    if row is None:
        return None
    return StoredScore(run.id, run.version, run.published_at is not None, run.ruleset_hash == rs.digest,
                       float(row.diem), float(row.toi_da), int(row.hang or 0), row.xep_loai or "")
