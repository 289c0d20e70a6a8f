"""The documents of a stored score run: the publication of the ranking, each unit's scorecard, the improvement
plan of a unit, the static site, and the gap between the departments' targets and their results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.vn import number
from cycle.scoring import Scored
from office import whatif_kept
from office.errors import NotFound
from office.forecasts import on_scorecard
from office.frames import PROVINCE_OFFICE, frame_for
from reports import documents as docs
from reports.model import Document
from store import indicators, models
from store.queries import current_evidence


def unit_score(scored: Scored, code: str) -> docs.UnitScore:
    if code not in scored.summary.index:
        raise NotFound(f"đơn vị «{code}» không được chấm theo bộ «{scored.ruleset.id}» kỳ {scored.period}",
                       field="--unit")
    row = scored.summary.loc[code]
    return docs.UnitScore(code, scored.frame.loc[code, "name"], float(row["diem"]), float(row["toi_da"]),
                          float(row["ty_le"]), int(row["hang"]), row["xep_loai"],
                          {a.id: float(row[f"chi_so_{a.id}"]) for a in scored.ruleset.criteria})


def _areas(rs) -> tuple[tuple[str, str], ...]:
    return tuple((a.id, a.title) for a in rs.criteria)


_BOARDS: dict[int, tuple[Scored, docs.Scoreboard]] = {}  # id → (the run as read, its board); a few at a time


def scoreboard(scored: Scored) -> docs.Scoreboard:
    """Everyone's score of a stored run, made once per run read (a site's thousand scorecards each show the
    averages of the same board)."""
    kept = _BOARDS.get(id(scored))
    if kept is not None and kept[0] is scored:
        return kept[1]
    rs = scored.ruleset
    board = docs.Scoreboard(scored.year, rs.title, rs.reference, _areas(rs),
                            tuple(unit_score(scored, c) for c in scored.summary.index),
                            tuple(b.label for b in rs.classification))
    if len(_BOARDS) >= 4:
        _BOARDS.pop(next(iter(_BOARDS)))
    _BOARDS[id(scored)] = (scored, board)  # the run itself is kept too, so that its id is not reused meanwhile
    return board


def publication(engine: Engine, scored: Scored, issued: date) -> Document:
    frame = frame_for(engine, PROVINCE_OFFICE, "TB", issued,
                      ("UBND tỉnh (b/c)", "Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Lưu: VT, CCHC"))
    return docs.score_publication(scoreboard(scored), frame)


def unbacked(engine: Engine, scored: Scored, code: str) -> tuple[tuple[str, str, str], ...]:
    """The self-assessment's declared figures (typed by the unit, not computed from dossiers) that a criterion
    reads and no evidence backs: (criterion, figure with its value, the unit's explanation or "")."""
    registry = indicators.registry()
    with Session(engine) as s:
        unit_id = s.scalar(select(models.Unit.id).where(models.Unit.code == code))
        evidence = current_evidence(s, scored.period, [unit_id])
    backed = dict(zip(evidence["indicator"], zip(evidence["reference"], evidence["explanation"])))
    out = []
    for leaf in scored.ruleset.leaves:
        for name in sorted(leaf.value.names):
            ind = registry.get(name)
            value = scored.frame.loc[code, name] if name in scored.frame else np.nan
            if ind is None or ind.source != "nhap" or pd.isna(value) or backed.get(name, ("", ""))[0]:
                continue
            out.append((leaf.id, f"{ind.label} ({number(value, 2)})", backed.get(name, ("", ""))[1]))
    return tuple(out)


def scorecard_context(scored: Scored, code: str, engine: Engine | None = None) -> docs.Scorecard:
    board = scoreboard(scored)
    units = {leaf.id: leaf.unit for leaf in scored.ruleset.leaves}
    leaves = tuple(docs.LeafLine(e.criterion, e.title, e.value, units[e.criterion], e.step, e.points, e.max,
                                 e.reference, e.sentence) for e in scored.result.explain(code))
    notes = tuple((n.criterion or "", n.text, n.reference) for n in scored.result.notes(code))  # as the run kept them
    return docs.Scorecard(scored.year, scored.ruleset.title, unit_score(scored, code), len(scored.summary), leaves,
                          _areas(scored.ruleset), {a: board.component_average(a) for a, _ in board.areas},
                          unbacked=unbacked(engine, scored, code) if engine is not None else (), notes=notes,
                          forecast=on_scorecard(engine, scored.ruleset.id, scored.period, code) if engine is not None else "")


def scorecard(engine: Engine, scored: Scored, code: str, issued: date) -> Document:
    card = scorecard_context(scored, code, engine)
    frame = frame_for(engine, PROVINCE_OFFICE, "TB", issued, (card.unit.name, "Lưu: VT, CCHC"))
    return docs.scorecard(card, frame)


def improvement(engine: Engine, scored: Scored, code: str, issued: date, deadline: date) -> Document:
    """The criteria that lost points, who remedies them and by when; and, kept with the run when the plans were
    issued, what the unit must change to reach each of its targets."""
    name = unit_score(scored, code).name
    items = []
    for e in scored.result.explain(code):
        if e.lost > 1e-9:
            area = next(a for a in scored.ruleset.criteria if any(n.id == e.criterion for n in a.walk()))
            items.append(docs.LostPoint(e.criterion, e.title, e.lost, e.sentence,
                                        f"Phòng, đơn vị phụ trách lĩnh vực «{area.title}»", deadline))
    kept = whatif_kept.kept(engine, scored.run.run_id, code)  # answered when the plans were issued, not solved here
    goals = tuple(docs.GoalAnswer(a.goal, a.lines, tuple(docs.GoalChange(c.words, c.before, c.after, c.gains)
                                                          for c in a.changes)) for a in kept)
    plan = docs.ImprovementPlan(scored.year, name, scored.ruleset.title, tuple(items), goals,
                                kept[0].target_title if kept else "")
    frame = frame_for(engine, code, "KH", issued, ("Sở Nội vụ (b/c)", "Các phòng, đơn vị", "Lưu: VT"))
    return docs.improvement_plan(plan, frame)


def write_site(engine: Engine, scored: Scored, out: Path, issued: date, deadline: date,
               told=lambda done, total: None) -> Path:
    """The static site of one year's scores: ranking, every unit's scorecard, the documents. ``told`` hears
    how many of the unit pages are ready."""
    from reports.html import write_site as site

    codes = list(scored.summary.index)
    units = {}
    for i, code in enumerate(codes, start=1):
        units[code] = scorecard(engine, scored, code, issued)
        told(i, len(codes))
    publication_doc = publication(engine, scored, issued)
    documents = [("cong-bo-diem", publication_doc)]
    documents += [(f"ke-hoach-khac-phuc-{code}", improvement(engine, scored, code, issued, deadline))
                  for code in codes[-5:]]
    return site(out, f"Kết quả đánh giá năm {scored.year}", scored.ruleset.title, publication_doc, units, documents)


VERDICT = {True: "đạt", False: "chưa đạt", None: ""}  # None: no target of that kind, or no result


def target_gaps(index: Scored, year: int) -> pd.DataFrame:
    """Every department with a target set for ``year``: each target against its result — the department
    index as its PAR INDEX (points out of 100), its SIPAS figure, and their ranks among the departments."""
    from rules.targets import compare, targets_for

    summary, frame = index.summary, index.frame
    sipas = frame["sipas"] if "sipas" in frame else pd.Series(dtype=float)
    sipas_rank = sipas.rank(ascending=False, method="min")
    rows = []
    for code in summary.index:
        targets = targets_for(code, year)
        if targets is None:
            continue
        actual = {"par_index": (float(summary.loc[code, "ty_le"]), int(summary.loc[code, "hang"]))}
        if code in sipas.index and pd.notna(sipas[code]):
            actual["sipas"] = (float(sipas[code]), int(sipas_rank[code]))
        for g in compare(targets, actual):
            rows.append({"Mã đơn vị": code, "Đơn vị": frame.loc[code, "name"], "Chỉ số": g.target.label,
                         "Mục tiêu": g.target.threshold_text(), "Thứ hạng mục tiêu": g.target.rank_text(),
                         "Kết quả": g.value, "Thứ hạng": g.rank,
                         "Đạt mục tiêu": VERDICT[g.met_value], "Còn thiếu (điểm)": g.gap,
                         "Đạt thứ hạng": VERDICT[g.met_rank],
                         "Căn cứ": targets.reference})
    return pd.DataFrame(rows)
