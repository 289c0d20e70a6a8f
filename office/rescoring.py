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
from cycle.scoring import Outcome, current_run, rescore, stale_periods, stored
from office.outputs import write, write_if_changed
from rules.ruleset import RuleSet, find, shipped
from store import models

# The batches eligibility reads.
PEOPLE_KINDS = ("can_bo", "ky_luat", "sang_kien", "khen_thuong", "xep_loai_tap_the", "vu_viec", "de_tai")


def unit_rulesets() -> list[RuleSet]:
    """The shipped rule sets that score units by criteria."""
    found = (find(name) for name in shipped())
    return [rs for rs in found if rs.entity == "unit" and rs.criteria]


def _people_changed(engine: Engine, since: int) -> bool:
    with Session(engine) as s:
        return bool(s.scalar(select(func.count()).select_from(models.IngestBatch)
                             .where(models.IngestBatch.kind.in_(PEOPLE_KINDS), models.IngestBatch.id > since)))


def rescore_all(engine: Engine, period: str, out: Path | None = None) -> dict:
    """Bring every unit rule set up to date for ``period``; with ``out``, rewrite the affected documents.
    Returns, per rule set, the run and the changes in words, and the documents written."""
    from office import score_documents as sd

    every = unit_rulesets()
    with Session(engine) as s:  # only the rule sets already scored for the period: the cycle scores the others
        before = {rs.id: run for rs in every if (run := current_run(s, rs.id, period)) is not None}
    rulesets = [rs for rs in every if rs.id in before]
    marks = [r.batch_mark for r in before.values() if r is not None]
    summary: dict = {"period": period, "rulesets": {}, "documents": []}
    for rs in rulesets:
        outcome: Outcome = rescore(engine, rs, period)
        previous = before[rs.id]
        changes = diff(engine, previous.id, outcome.run_id) if outcome.written and previous is not None else []
        summary["rulesets"][rs.id] = {"run": outcome.run_id, "version": outcome.version, "mode": outcome.mode,
                                      "evaluated": outcome.evaluated, "written": outcome.written,
                                      "changes": [c.sentence() for c in changes]}
        # A period's first scoring writes no documents here: the cycle's steps do. What is written again is
        # what an earlier run had made and a change has made stale.
        if out is None or previous is None or not outcome.written or not outcome.changed:
            continue
        scored = stored(engine, rs, period)
        if not len(scored.summary):
            continue
        issued = date.today()
        folder = out / "tinh-lai" / period
        summary["documents"].append(write(sd.publication(engine, scored, issued), folder, f"cong-bo-diem-{rs.id}",
                                          "docx"))
        for unit in outcome.changed:
            if unit in scored.summary.index:
                summary["documents"].append(write(sd.scorecard(engine, scored, unit, issued), folder,
                                                  f"phieu-diem-{rs.id}-{unit}", "docx"))
    if out is not None and marks and _people_changed(engine, min(marks)):
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
