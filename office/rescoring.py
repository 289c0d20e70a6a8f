"""Re-scoring after a change, and what follows from it: every unit rule set is brought up to date for the
period (only the units whose inputs changed are evaluated), then the documents that depend on a moved unit
are written again — its scorecard and the publication of the ranking — and, when staff records changed, the
eligibility list. Nothing else is touched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cycle.history import diff
from cycle.scoring import Outcome, current_run, moved_in, rescore, stale_periods, stored
from office.outputs import write, write_if_changed
from rules.ruleset import RuleSet, find, shipped
from store import models

# The batches eligibility reads.
PEOPLE_KINDS = ("can_bo", "ky_luat", "sang_kien", "khen_thuong", "xep_loai_tap_the", "vu_viec", "de_tai")


def unit_rulesets() -> list[RuleSet]:
    """The shipped rule sets that score units by criteria."""
    found = (find(name) for name in shipped())
    return [rs for rs in found if rs.entity == "unit" and rs.criteria]


def _people_changed(engine: Engine, since: int, until: int | None = None) -> bool:
    B = models.IngestBatch
    with Session(engine) as s:
        return bool(s.scalar(select(func.count()).select_from(B).where(
            B.kind.in_(PEOPLE_KINDS), B.id > since, *([B.id <= until] if until is not None else []))))


def _documents(engine: Engine, rs: RuleSet, period: str, units: list[str], out: Path,
               only_missing: bool = False) -> list[Path]:
    """The documents a re-scoring run owes: the publication of its ranking and the scorecard of each unit
    whose points moved, dated the day of the run (the same run gives the same bytes whenever they are
    written). ``only_missing``: those not on disk yet."""
    from office import score_documents as sd

    folder = out / "tinh-lai" / period
    names = [f"cong-bo-diem-{rs.id}"] + [f"phieu-diem-{rs.id}-{unit}" for unit in units]
    if only_missing:
        names = [n for n in names if not (folder / f"{n}.docx").exists()]
    if not names:
        return []
    scored = stored(engine, rs, period)
    if not len(scored.summary):
        return []
    issued = scored.run.created_at.date()
    written = []
    for name in names:
        unit = name.removeprefix(f"phieu-diem-{rs.id}-")
        if name == f"cong-bo-diem-{rs.id}":
            written.append(write(sd.publication(engine, scored, issued), folder, name, "docx"))
        elif unit in scored.summary.index:
            written.append(write(sd.scorecard(engine, scored, unit, issued), folder, name, "docx"))
    return written


def _left_unwritten(engine: Engine, rs: RuleSet, period: str, run: models.ScoreRun, out: Path) -> list[Path]:
    """What a re-scoring run that was stopped (its process killed, its machine gone) left unwritten: the
    documents of the units that moved in the current run, when that run re-scored an earlier one. A period's
    first run owes none here: the cycle's steps write its documents."""
    if run.parent_id is None:
        return []
    with Session(engine) as s:
        moved = moved_in(s, run)
    return _documents(engine, rs, period, moved, out, only_missing=True) if moved else []


def _eligibility_due(engine: Engine, runs: list[models.ScoreRun]) -> bool:
    """Staff records landed after the marks of ``runs`` (those re-scored now), or within the window of a
    current run that re-scored an earlier one (its listing may not have been written)."""
    if not runs:
        return False
    if _people_changed(engine, min(r.batch_mark for r in runs)):
        return True
    with Session(engine) as s:
        for run in runs:
            parent = s.get(models.ScoreRun, run.parent_id) if run.parent_id is not None else None
            if parent is not None and _people_changed(engine, parent.batch_mark, run.batch_mark):
                return True
    return False


def rescore_all(engine: Engine, period: str, out: Path | None = None) -> dict:
    """Bring every unit rule set up to date for ``period``; with ``out``, write the affected documents and
    whatever an earlier re-scoring of the current run left unwritten. Returns, per rule set, the run and the
    changes in words, and the documents written."""
    every = unit_rulesets()
    with Session(engine) as s:  # only the rule sets already scored for the period: the cycle scores the others
        before = {rs.id: run for rs in every if (run := current_run(s, rs.id, period)) is not None}
    rulesets = [rs for rs in every if rs.id in before]
    summary: dict = {"period": period, "rulesets": {}, "documents": []}
    for rs in rulesets:
        previous = before[rs.id]
        if out is not None:
            summary["documents"] += _left_unwritten(engine, rs, period, previous, out)
        outcome: Outcome = rescore(engine, rs, period)
        changes = diff(engine, previous.id, outcome.run_id) if outcome.written else []
        summary["rulesets"][rs.id] = {"run": outcome.run_id, "version": outcome.version, "mode": outcome.mode,
                                      "evaluated": outcome.evaluated, "written": outcome.written,
                                      "changes": [c.sentence() for c in changes]}
        if out is not None and outcome.written and outcome.changed:
            summary["documents"] += _documents(engine, rs, period, list(outcome.changed), out)
    if out is not None and _eligibility_due(engine, list(before.values())):
        from emulation.eligibility import eligibility
        from office.emulation import eligibility_document

        year = int(period[:4])
        listing = eligibility_document(engine, eligibility(engine, year), None, date(year, 12, 10))
        path = write_if_changed(listing, out / "tinh-lai" / period, f"danh-sach-xet-danh-hieu-{year}", "xlsx")
        if path is not None:
            summary["documents"].append(path)
    summary["documents"] = [str(p) for p in summary["documents"]]
    return summary


def rescore_changed(engine: Engine, period: str | None, out: Path | None = None) -> list[dict]:
    """``rescore_all`` over ``period``, or over every period whose data are newer than its scores."""
    if period is None:
        with Session(engine) as s:
            periods = stale_periods(s)
    else:
        periods = [period]
    return [rescore_all(engine, p, out) for p in periods]
