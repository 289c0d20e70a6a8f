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
from cycle.plan import area_leads
from cycle.scoring import Scored
from office import whatif_kept
from office.errors import NotFound
from office.forecasts import on_scorecard, on_scorecards
from office.frames import PROVINCE_OFFICE, Issuer, frame_for, frame_of, issuer
from office.workers import each
from reports import documents as docs
from reports.model import Document
from rules.methods import NO_DATA
from store import indicators, models
from store.queries import current_evidence


def published_on(year: int) -> date:
    """The day a year's scores are published and their documents dated: the year's scoring step (office.year, 25/12),
    before next year's plans (28/12) cite them."""
    return date(year, 12, 25)


def remedied_by(year: int) -> date:
    """The day an improvement plan gives its remedies: mid next year."""
    return date(year + 1, 6, 30)


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


_AVERAGES: dict[int, tuple[docs.Scoreboard, dict[str, float]]] = {}


def _averages(board: docs.Scoreboard) -> dict[str, float]:
    """The province's average of each area, once per board (every unit's scorecard shows the same; computed per
    card, a thousand cards went through the thousand units again each)."""
    kept = _AVERAGES.get(id(board))
    if kept is not None and kept[0] is board:
        return kept[1]
    averages = {a: board.component_average(a) for a, _ in board.areas}
    if len(_AVERAGES) >= 4:
        _AVERAGES.pop(next(iter(_AVERAGES)))
    _AVERAGES[id(board)] = (board, averages)
    return averages


def publication(engine: Engine, scored: Scored, issued: date) -> Document:
    frame = frame_for(engine, PROVINCE_OFFICE, "TB", issued,
                      ("UBND tỉnh (b/c)", "Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Lưu: VT, CCHC"))
    return docs.score_publication(scoreboard(scored), frame)


def _evidence(engine: Engine, period: str, codes: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """Per unit code: indicator → (reference, explanation) of its current evidence in ``period``."""
    with Session(engine) as s:
        ids = dict(s.execute(select(models.Unit.id, models.Unit.code).where(models.Unit.code.in_(codes))).all())
        evidence = current_evidence(s, period, list(ids))
    out: dict[str, dict[str, tuple[str, str]]] = {code: {} for code in codes}
    for unit_id, name, reference, explanation in evidence.itertuples(index=False):
        out[ids[unit_id]][name] = (reference, explanation)
    return out


def unbacked(engine: Engine, scored: Scored, code: str,
             backed: dict[str, tuple[str, str]] | None = None) -> tuple[tuple[str, str, str], ...]:
    """The self-assessment's declared figures (typed by the unit, not computed from dossiers) that a criterion
    reads and no evidence backs: (criterion, figure with its value, the unit's explanation or ""). ``backed``:
    the unit's evidence (indicator → reference, explanation) when already read."""
    registry = indicators.registry()
    if backed is None:
        backed = _evidence(engine, scored.period, [code])[code]
    out = []
    for leaf in scored.ruleset.leaves:
        for name in sorted(leaf.value.names):
            ind = registry.get(name)
            value = scored.frame.at[code, name] if name in scored.frame else np.nan
            if ind is None or ind.source != "nhap" or pd.isna(value) or backed.get(name, ("", ""))[0]:
                continue
            out.append((leaf.id, f"{ind.label} ({number(value, 2)})", backed.get(name, ("", ""))[1]))
    return tuple(out)


def scorecard_context(scored: Scored, code: str, engine: Engine | None = None,
                      backed: dict[str, tuple[str, str]] | None = None, forecast: str | None = None) -> docs.Scorecard:
    """``backed`` (the unit's evidence) and ``forecast`` (its line, ``office.forecasts.on_scorecard``) when already
    read."""
    if forecast is None:
        forecast = on_scorecard(engine, scored.ruleset.id, scored.period, code) if engine is not None else ""
    board = scoreboard(scored)
    units = {leaf.id: leaf.unit for leaf in scored.ruleset.leaves}
    leaves = tuple(docs.LeafLine(e.criterion, e.title, e.value, units[e.criterion], e.step, e.points, e.max,
                                 e.reference, e.sentence) for e in scored.result.explain(code))
    notes = tuple((n.criterion or "", n.text, n.reference) for n in scored.result.notes(code))  # as the run kept them
    return docs.Scorecard(scored.year, scored.ruleset.title, unit_score(scored, code), len(scored.summary), leaves,
                          _areas(scored.ruleset), _averages(board),
                          unbacked=unbacked(engine, scored, code, backed) if engine is not None else (), notes=notes,
                          forecast=forecast)


def scorecard(engine: Engine, scored: Scored, code: str, issued: date, province_office: Issuer | None = None,
              backed: dict[str, tuple[str, str]] | None = None, forecast: str | None = None) -> Document:
    """A unit's scorecard. ``province_office`` (its issuer), ``backed`` (the unit's evidence) and ``forecast`` (its
    forecast's line) when already read: a site reads them once for all its units."""
    card = scorecard_context(scored, code, engine, backed, forecast)
    recipients = (card.unit.name, "Lưu: VT, CCHC")
    frame = frame_of(province_office, "TB", issued, recipients) if province_office is not None else \
        frame_for(engine, PROVINCE_OFFICE, "TB", issued, recipients)
    return docs.scorecard(card, frame)


def improvement(engine: Engine, scored: Scored, code: str, issued: date, deadline: date) -> Document:
    """The criteria that lost points, who remedies them and by when; and, kept with the run when the plans were
    issued, what the unit must change to reach each of its targets."""
    name = unit_score(scored, code).name
    items = []
    left_out = scored.ruleset.missing != "tinh_0"  # a criterion without data is out of the maximum: nothing lost
    leads = area_leads(engine, code, scored.ruleset)
    for e in scored.result.explain(code):
        if e.lost > 1e-9:
            area = next(a for a in scored.ruleset.criteria if any(n.id == e.criterion for n in a.walk()))
            lost = None if left_out and e.code == NO_DATA else e.lost
            items.append(docs.LostPoint(e.criterion, e.title, lost, e.sentence,
                                        leads[area.id], deadline))
    kept = whatif_kept.kept(engine, scored.run.run_id, code)  # answered when the plans were issued, not solved here
    goals = tuple(docs.GoalAnswer(a.goal, a.lines, tuple(docs.GoalChange(c.words, c.before, c.after, c.gains)
                                                          for c in a.changes)) for a in kept)
    plan = docs.ImprovementPlan(scored.year, name, scored.ruleset.title, tuple(items), goals,
                                kept[0].target_title if kept else "")
    frame = frame_for(engine, code, "KH", issued, ("Sở Nội vụ (b/c)", "Các phòng, đơn vị", "Lưu: VT"))
    return docs.improvement_plan(plan, frame)


def write_site(engine: Engine, scored: Scored, out: Path, issued: date, deadline: date,
               told=lambda done, total: None) -> Path:
    """The static site of one year's scores: ranking, every unit's scorecard, the documents. The unit pages are
    written in parallel (``office.workers``); ``told`` hears how many are ready."""
    from reports.html import unit_page, write_site as site

    codes = list(scored.summary.index)
    office, evidence = issuer(engine, PROVINCE_OFFICE), _evidence(engine, scored.period, codes)
    forecasts = on_scorecards(engine, scored.ruleset.id, scored.period, codes)
    _averages(scoreboard(scored))  # made before the workers start, so that they share them

    def pages(chunk: list[str]) -> list[Path]:
        return [unit_page(scorecard(engine, scored, code, issued, office, evidence[code], forecasts[code]), out, code)
                for code in chunk]

    each(pages, codes, engine, told=told)
    publication_doc = publication(engine, scored, issued)
    documents = [("cong-bo-diem", publication_doc)]
    documents += [(f"ke-hoach-khac-phuc-{code}", improvement(engine, scored, code, issued, deadline))
                  for code in codes[-5:]]
    return site(out, f"Kết quả đánh giá năm {scored.year}", scored.ruleset.title, publication_doc, codes, documents)


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
