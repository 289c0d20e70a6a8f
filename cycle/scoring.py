"""Score runs: immutable, versioned scorings of one rule set over one period, kept current incrementally.

A run stores, for every entity, its fingerprint (a hash of exactly the inputs its criteria read and of the
appraiser's adjustments; the rule set's own hash is the run's), its total, percent, rank and class. Only the
entities it evaluated get a detail row (inputs, and per criterion the value, step and points); the others
point at the run that last evaluated them.

The next run looks only at what arrived after the previous one (ingestion batches and appraisals newer than
its marks), re-evaluates those of the touched entities whose fingerprint changed, then ranks and classifies
everyone again, since ranks depend on all. Nothing changed, nothing written: re-running is idempotent. A
run is written in one transaction under the store's write lock, so a failure leaves the previous run
current, and ingestion and scoring never interleave.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from rules.evaluate import Result, classify, evaluate, rank, restore
from rules.ruleset import RuleSet, parse
from store import calendar, models
from store.appraisals import add_appraisal
from store.db import ensure_periods, serialize_writes
from store.ingest.bulk import insert_frame
from store.queries import unit_frame

FULL, INCREMENTAL = "day_du", "tang_dan"
ENTRY_COLUMNS = ["fingerprint", "diem", "toi_da", "ty_le", "detail_run"]


@dataclass(frozen=True)
class Outcome:
    run_id: int
    version: int
    mode: str
    entities: int
    evaluated: int
    written: bool  # False: nothing had changed since the current run, which stays current
    changed: tuple[str, ...] = field(default=())  # entities whose points changed


def adjustments(session: Session, ruleset: str, period: str, units: list[str] | None = None) -> pd.DataFrame:
    """The current appraisal of each (unit, criterion): the latest one recorded, unless it withdrew the
    appraisal (entity, criterion, points, reason)."""
    A = models.Appraisal
    latest = (select(func.max(A.id)).where(A.ruleset == ruleset, A.period_code == period)
              .group_by(A.unit_id, A.criterion))
    query = (select(models.Unit.code, A.criterion, A.points, A.reason).join(models.Unit, models.Unit.id == A.unit_id)
             .where(A.id.in_(latest), A.points.is_not(None)))
    if units is not None:
        query = query.where(models.Unit.code.in_(units))
    rows = session.execute(query.order_by(models.Unit.code, A.criterion)).all()
    return pd.DataFrame(rows, columns=["entity", "criterion", "points", "reason"])


def scoring_frame(engine: Engine, ruleset: RuleSet, period: str, units: list[str] | None = None,
                  frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The units the rule set applies to, with the inputs it reads (floats) and their kind. ``frame``: the
    period's ``unit_frame`` already read (several rule sets over one reading)."""
    frame = unit_frame(engine, period, units) if frame is None else frame
    if ruleset.applies_to is not None:
        frame = frame[frame["kind"].isin(ruleset.applies_to)]
    out = pd.DataFrame({"kind": frame["kind"].astype(object)}, index=frame.index)
    for name in sorted(ruleset.inputs):
        out[name] = pd.to_numeric(frame[name], errors="coerce").astype(float) if name in frame else np.nan
    return out


def fingerprints(frame: pd.DataFrame, adjusted: pd.DataFrame) -> pd.Series:
    """Per entity: 16 hex digits for the inputs row, 16 for its adjustments (zeros when it has none)."""
    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    extra = pd.Series(0, index=frame.index, dtype=np.uint64)
    if not adjusted.empty:
        per_row = pd.util.hash_pandas_object(adjusted[["entity", "criterion", "points", "reason"]], index=False)
        combined = per_row.groupby(adjusted["entity"].to_numpy()).sum()  # order-free: sum wraps around
        extra = extra.add(combined.reindex(frame.index).fillna(0).astype(np.uint64), fill_value=0).astype(np.uint64)
    return pd.Series([f"{a:016x}{b:016x}" for a, b in zip(rows, extra.to_numpy())], index=frame.index, dtype=object)


def current_run(session: Session, ruleset: str, period: str) -> models.ScoreRun | None:
    R = models.ScoreRun
    return session.scalars(select(R).where(R.ruleset == ruleset, R.period_code == period)
                           .order_by(R.version.desc()).limit(1)).first()


def entries(session: Session, run_id: int) -> pd.DataFrame:
    """A run's entries, indexed by unit."""
    E = models.ScoreEntry
    names = ["unit", *ENTRY_COLUMNS[:4], "hang", "xep_loai", "detail_run"]
    rows = session.execute(select(E.unit, E.fingerprint, E.diem, E.toi_da, E.ty_le, E.hang, E.xep_loai, E.detail_run)
                           .where(E.run_id == run_id)).tuples().all()
    columns = list(zip(*rows)) or [()] * len(names)  # column lists: far quicker than rows for pandas
    frame = pd.DataFrame({n: pd.Series(c, dtype=object if n in ("unit", "fingerprint", "xep_loai") else None)
                          for n, c in zip(names, columns)})
    frame["ty_le"] = frame["ty_le"].astype(float)
    return frame.set_index("unit").sort_index()


def _marks(session: Session) -> tuple[int, int]:
    return (session.scalar(select(func.coalesce(func.max(models.IngestBatch.id), 0))),
            session.scalar(select(func.coalesce(func.max(models.Appraisal.id), 0))))


def stale_periods(session: Session) -> list[str]:
    """The periods already scored whose figures or appraisals are newer than their latest score run: what a
    re-score after an ingestion has to look at (a period never scored is the cycle's to score first)."""
    F, A, R = models.Fact, models.Appraisal, models.ScoreRun
    newest = dict(session.execute(select(F.period_code, func.max(F.batch_id)).group_by(F.period_code)).all())
    appraised = dict(session.execute(select(A.period_code, func.max(A.id)).group_by(A.period_code)).all())
    seen = {p: (b, a) for p, b, a in session.execute(
        select(R.period_code, func.min(R.batch_mark), func.min(R.appraisal_mark)).group_by(R.period_code)).all()}
    return sorted(p for p in seen if newest.get(p, 0) > seen[p][0] or appraised.get(p, 0) > seen[p][1])


def touched(session: Session, run: models.ScoreRun) -> set[str] | None:
    """Units whose inputs may have changed since ``run``; None when any unit may have (a person moved
    between units while a discipline counts for the year)."""
    mark, year = run.batch_mark, int(run.period_code[:4])
    U, F, P, D = models.Unit, models.Fact, models.Person, models.Discipline
    moved = session.scalar(select(func.count()).select_from(P).join(D, D.person_id == P.id)
                           .where(P.batch_id > mark, D.year == year))
    if moved:
        return None
    codes = set(session.scalars(select(U.code).join(F, F.unit_id == U.id)
                                .where(F.period_code == run.period_code, F.batch_id > mark).distinct()))
    codes |= set(session.scalars(select(U.code).where(U.batch_id > mark)))
    disciplined = select(P.unit_id).join(D, D.person_id == P.id).where(D.batch_id > mark, D.year == year)
    codes |= set(session.scalars(select(U.code).where(U.id.in_(disciplined))))
    parents = select(U.parent_id).where(U.id.in_(disciplined))  # a division's discipline counts for its head
    codes |= set(session.scalars(select(U.code).where(U.id.in_(parents))))
    A = models.Appraisal
    codes |= set(session.scalars(select(U.code).join(A, A.unit_id == U.id)
                                 .where(A.id > run.appraisal_mark, A.ruleset == run.ruleset,
                                        A.period_code == run.period_code)))
    return codes


def dated(ruleset: RuleSet, period: str) -> RuleSet:
    """The rule set as it reads for ``period``: its parameters at the values in force on the period's last day."""
    return ruleset.on(calendar.parse_period(period).end)


def evaluate_units(engine: Engine, session: Session, ruleset: RuleSet, period: str,
                   units: list[str] | None = None) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, Result]:
    """Frame, fingerprints, adjustments and result of these units (all the rule set applies to when None)."""
    frame = scoring_frame(engine, ruleset, period, units)
    adjusted = adjustments(session, ruleset.id, period, units)
    return frame, fingerprints(frame, adjusted), adjusted, evaluate(dated(ruleset, period), frame, adjusted)


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    version: int
    created_at: datetime
    published_at: datetime | None


@dataclass(frozen=True)
class Scored:
    """Everyone a rule set scores in one period as a stored run holds it: the entries (points, rank, class) and,
    rebuilt from the details, every leaf's value, step and points for the explanations. Read, never scored."""

    ruleset: RuleSet
    period: str
    frame: pd.DataFrame  # per unit: name, kind and the inputs the run read
    result: Result
    summary: pd.DataFrame  # the units the rule set applies to, ranked: diem, toi_da, ty_le, hang, xep_loai, chi_so_*
    run: RunInfo

    @property
    def year(self) -> int:
        return int(self.period[:4])


class NoScores(LookupError):
    """No score run of this rule set and period has been stored yet."""


class NoFigures(LookupError):
    """The period has no figures at all: a score run of it would rank blanks."""


def _as_scored(s: Session, ruleset: RuleSet, run: models.ScoreRun, period: str) -> RuleSet:
    """The rules ``run`` was scored by: ``ruleset`` when its file is unchanged, else the text stored with the run
    (a set changed since, or another file under its id: its points had been explained with rules that did not
    give them). A run stored before texts were kept is shown with ``ruleset``."""
    if run.ruleset_hash == ruleset.digest:
        return ruleset
    kept = s.get(models.RuleSetText, run.ruleset_hash)
    if kept is None:
        return ruleset
    return dated(parse(kept.text, f"{ruleset.id} (lượt chấm #{run.id})"), period)


def stored(engine: Engine, ruleset: RuleSet, period: str, run_id: int | None = None) -> Scored:
    """The current run of ``ruleset`` over ``period`` (or run ``run_id``) as documents show it. Nothing is
    evaluated or written: a read of what the scoring step stored."""
    ruleset = dated(ruleset, period)
    E, D, U = models.ScoreEntry, models.ScoreDetail, models.Unit
    with Session(engine) as s:
        run = s.get(models.ScoreRun, run_id) if run_id is not None else current_run(s, ruleset.id, period)
        if run is None:
            raise NoScores(f"chưa có lượt chấm điểm nào theo bộ «{ruleset.id}» kỳ {period}")
        info = RunInfo(run.id, run.version, run.created_at, run.published_at)
        ruleset = _as_scored(s, ruleset, run, period)
        table = entries(s, run.id)
        rows = s.execute(select(E.unit, D.data).join(D, (D.run_id == E.detail_run) & (D.unit == E.unit))
                         .where(E.run_id == run.id)).all()
        units = pd.DataFrame(s.execute(select(U.code, U.name, U.kind)).all(), columns=["code", "name", "kind"])
    data = dict(rows)
    index = pd.Index(table.index, name=None)
    details = [json.loads(data[u]) for u in index]
    result = restore(ruleset, index, details)
    units = units.set_index("code").reindex(index)
    frame = pd.DataFrame({"name": units["name"], "kind": units["kind"].astype(object)}, index=index)
    for name in sorted(ruleset.inputs):
        frame[name] = result.env[name]
    summary = table[["diem", "toi_da", "ty_le", "hang", "xep_loai"]].astype({"diem": float, "toi_da": float})
    summary["hang"] = summary["hang"].astype(int)
    summary = summary.join(result.indices())
    summary = summary[summary["toi_da"] > 0].sort_values(["hang", "diem"], ascending=[True, False])
    return Scored(ruleset, period, frame, result, summary, info)


def rescore(engine: Engine, ruleset: RuleSet, period: str, full: bool = False, now: datetime | None = None,
            before_write=None) -> Outcome:
    """Bring the scores of ``ruleset`` over ``period`` up to date with the store, as a new run if anything
    changed. ``full`` evaluates everyone (what a first run and a changed rule set do anyway)."""
    ruleset = dated(ruleset, period)
    with Session(engine) as s, s.begin():
        ensure_periods(s, {int(period[:4])})
        serialize_writes(s)
        previous = current_run(s, ruleset.id, period)
        if previous is None and s.scalar(select(models.Fact.id).where(models.Fact.period_code == period).limit(1)) \
                is None:
            raise NoFigures(f"kỳ {period} chưa có số liệu nào: không chấm điểm (bộ «{ruleset.id}»)")
        batch_mark, appraisal_mark = _marks(s)
        full = full or previous is None or previous.ruleset_hash != ruleset.digest
        old = entries(s, previous.id) if previous is not None else None
        if full:
            candidates = None
        else:
            if (batch_mark, appraisal_mark) == (previous.batch_mark, previous.appraisal_mark):
                return _unchanged(previous)
            candidates = touched(s, previous)
            if candidates is not None and not candidates:
                return _unchanged(previous)
        frame, prints, adjusted, _ = evaluate_units(engine, s, ruleset, period,
                                                    None if candidates is None else sorted(candidates))
        if full:
            redo, kept = list(frame.index), None
        else:
            # Units that no longer belong to the rule set (their kind changed) leave; the others keep their entry.
            gone = [u for u in (candidates if candidates is not None else old.index) if u not in frame.index]
            redo = [u for u in frame.index if old["fingerprint"].get(u) != prints[u]]
            kept = old.drop(index=[u for u in gone + redo if u in old.index])
        result = evaluate(ruleset, frame.loc[redo], adjusted[adjusted["entity"].isin(redo)])
        fresh = result.summary()[["diem", "toi_da", "ty_le"]]
        fresh.insert(0, "fingerprint", prints.loc[redo])
        table = fresh if kept is None else pd.concat([kept[ENTRY_COLUMNS[:4]], fresh]).sort_index()
        if (previous is not None and previous.ruleset_hash == ruleset.digest and table.index.equals(old.index)
                and (table["fingerprint"].to_numpy(dtype=object) == old["fingerprint"].to_numpy(dtype=object)).all()):
            return _unchanged(previous)
        moved = _moved(old, table)
        table["hang"] = rank(table["ty_le"].to_numpy(dtype=float))
        table["xep_loai"] = classify(table["ty_le"].to_numpy(dtype=float), ruleset)
        run = models.ScoreRun(
            ruleset=ruleset.id, ruleset_hash=ruleset.digest, period_code=period,
            version=(previous.version + 1) if previous else 1, parent_id=previous.id if previous else None,
            mode=FULL if full else INCREMENTAL, entities=len(table), evaluated=len(redo), batch_mark=batch_mark,
            appraisal_mark=appraisal_mark, created_at=(now or datetime.now()).replace(microsecond=0),
            corrects=_correction(s, previous, table))
        s.add(run)
        if ruleset.text and s.get(models.RuleSetText, ruleset.digest) is None:
            s.add(models.RuleSetText(digest=ruleset.digest, text=ruleset.text))
        s.flush()
        table["detail_run"] = old["detail_run"].reindex(table.index) if old is not None else run.id
        table.loc[redo, "detail_run"] = run.id
        insert_frame(s, models.ScoreEntry, table.assign(run_id=run.id, detail_run=table["detail_run"].astype(int))
                     .rename_axis("unit").reset_index())
        if before_write is not None:
            before_write()  # a hook for tests: a failure here must leave nothing of this run behind
        insert_frame(s, models.ScoreDetail, pd.DataFrame({"run_id": run.id, "unit": redo,
                                                          "data": details(result, ruleset)}))
        return Outcome(run.id, run.version, run.mode, len(table), len(redo), True, tuple(moved))


def _unchanged(run: models.ScoreRun) -> Outcome:
    return Outcome(run.id, run.version, run.mode, run.entities, 0, False)


def _moved(old: pd.DataFrame | None, table: pd.DataFrame) -> list[str]:
    """Entities whose points or maximum differ from the previous run (or that are new)."""
    if old is None:
        return list(table.index)
    before = old.reindex(table.index)
    same = np.isclose(before["diem"], table["diem"], rtol=0, atol=1e-9) & \
        np.isclose(before["toi_da"], table["toi_da"], rtol=0, atol=1e-9)
    return list(table.index[~same])


def moved_in(session: Session, run: models.ScoreRun) -> list[str]:
    """The entities whose points moved in ``run`` from the run it follows (everyone in a first run)."""
    return _moved(entries(session, run.parent_id) if run.parent_id is not None else None, entries(session, run.id))


def _correction(session: Session, previous: models.ScoreRun | None, table: pd.DataFrame) -> str:
    """A run made after a version was published says which one it corrects and whose points differ from it."""
    if previous is None:
        return ""
    R = models.ScoreRun
    published = session.scalars(select(R).where(R.ruleset == previous.ruleset, R.period_code == previous.period_code,
                                                R.published_at.is_not(None)).order_by(R.version.desc())).first()
    if published is None:
        return ""
    moved = _moved(entries(session, published.id), table)
    shown = ", ".join(moved[:10]) + (f" và {len(moved) - 10} đơn vị khác" if len(moved) > 10 else "")
    return (f"Đính chính kết quả đã công bố (phiên bản {published.version}, {published.published_at:%d/%m/%Y}): "
            f"{len(moved)} đơn vị thay đổi điểm{': ' + shown if moved else ''}.")


def _clean(x: float):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def details(result: Result, ruleset: RuleSet) -> list[str]:
    """Per entity, the JSON of its inputs and of each leaf's [value, step, points, max] (null: no data), the
    appraiser's changes as [self-assessed points, reason], and the rule set's notes that hold for it as
    [criterion, text, reference]."""
    inputs = {n: result.env[n] for n in sorted(ruleset.inputs) if n in result.env}
    leaves = [leaf.id for leaf in ruleset.leaves]
    adjusted = {leaf: {int(p): (a, r) for p, a, r in zip(adj.positions, adj.assessed, adj.reasons)}
                for leaf, adj in result.adjusted.items()}
    maxima = {leaf: np.broadcast_to(result.maxima[leaf], (len(result.index),)) for leaf in leaves}
    notes = result.all_notes() if ruleset.deviations else None  # kept as the rules said them, for documents
    out = []
    for i in range(len(result.index)):
        data = {
            "inputs": {n: _clean(float(v[i])) for n, v in inputs.items()},
            "leaves": {leaf: [_clean(float(result.values[leaf][i])), int(result.steps[leaf][i]),
                              _clean(float(result.points[leaf][i])), float(maxima[leaf][i])] for leaf in leaves},
        }
        changes = {leaf: [_clean(float(by[i][0])), by[i][1]] for leaf, by in adjusted.items() if i in by}
        if changes:
            data["adjusted"] = changes
        if notes is not None:
            data["notes"] = [[n.criterion, n.text, n.reference] for n in notes[i]]
        out.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return out


def detail(session: Session, run_id: int, unit: str) -> dict | None:
    """The explanation data of ``unit`` as of run ``run_id`` (from the run that last evaluated it)."""
    E, D = models.ScoreEntry, models.ScoreDetail
    at = session.scalar(select(E.detail_run).where(E.run_id == run_id, E.unit == unit))
    if at is None:
        return None
    return json.loads(session.scalar(select(D.data).where(D.run_id == at, D.unit == unit)))


def publish(engine: Engine, run_id: int, now: datetime | None = None) -> models.ScoreRun:
    """Freeze a run as the published result. A run is never changed after; a later change makes a new
    version that says what it corrects."""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        run = s.get(models.ScoreRun, run_id)
        if run is None:
            raise ValueError(f"không có lượt chấm điểm #{run_id}")
        if run.published_at is None:
            run.published_at = (now or datetime.now()).replace(microsecond=0)
        return run


def record_appraisal(engine: Engine, ruleset: RuleSet, period: str, unit: str, criterion: str, points: float,
                     reason: str, appraiser: str, now: datetime | None = None) -> int:
    """An appraiser's points for one leaf of one unit, checked against the rule set; returns its id."""
    with Session(engine) as s, s.begin():
        return add_appraisal(s, ruleset, period, unit, criterion, points, reason, appraiser, now=now)
