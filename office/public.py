"""What the public may read without signing in: the published rankings (searchable, sortable, filtered by unit
type), each unit's page (its component indices against its peers and its targets, its trend over the years,
every point explained, its improvement plan) and the publication's documents to download.

A published run never changes, so everything here is read once per run and kept: the run as stored (its
explanations rebuilt by ``cycle.scoring.stored``, never recomputed), then each view of it. The caches are
bounded. Nothing here writes to the database; the documents are written once into a folder of the data
directory."""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import tempfile
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from threading import Lock
from typing import NamedTuple

import pandas as pd

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle import plan as plans
from cycle import scoring
from office.dashboard import KIND_NAMES
from office.errors import NotFound, Refused
from office.rounds import as_id
from office.rulesets import family_of as _family
from reports import svg
from rules.ruleset import find
from rules.targets import load_targets, shipped_targets
from store import models

PAGE_SIZE = 100  # rows of a ranking per page: a 5,000-unit table is read page by page, or searched
CHART_ENDS = 10  # a long ranking's chart: the first and the last ten
NOT_FOUND = "không có kết quả đã công bố này"


class _Lru:
    """A bounded cache where many readers asking for the same missing key at once make it once, not once each."""

    def __init__(self, size: int):
        self.size, self.items, self.lock, self.making = size, OrderedDict(), Lock(), {}

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            making = self.making.setdefault(key, Lock())
        with making:
            with self.lock:
                if key in self.items:
                    return self.items[key]
            try:
                value = make()
            finally:
                with self.lock:
                    self.making.pop(key, None)
            with self.lock:
                self.items[key] = value
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return value

    def clear(self):
        with self.lock:
            self.items.clear()


_RUNS = _Lru(8)  # a whole published run as stored (thousands of units' explanations): few at a time
_VIEWS = _Lru(256)  # searched, filtered, sorted pages of a ranking
_UNITS = _Lru(1024)  # unit pages (≈ 20 ms to make again; the HTML an anonymous reader gets is kept apart)


def _db(engine: Engine) -> str:
    """Which database a cached page comes from (run ids are only unique within one)."""
    return engine.url.render_as_string(hide_password=True)


def fold(text: str) -> str:
    """A text as a search compares it: without diacritics (đ as d), lower case, single spaces."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


@dataclass(frozen=True)
class Listed:
    run_id: int
    title: str
    period: str
    version: int
    published_at: object


def published_runs(engine: Engine) -> list[Listed]:
    """Every published run, newest first, under the title of its round where one published it."""
    R, P, A = models.ScoreRun, models.Period, models.AssessmentRound
    with Session(engine) as s:
        rows = s.execute(select(R.id, R.ruleset, R.version, R.published_at, P.label).join(P, P.code == R.period_code)
                         .where(R.published_at.is_not(None)).order_by(R.published_at.desc(), R.id.desc())).all()
        titles = dict(s.execute(select(A.run_id, A.title).where(A.state == "cong_bo")).all())
    out = []
    for run_id, ruleset, version, published_at, label in rows:
        try:
            title = titles.get(run_id) or find(ruleset).title
        except Exception:  # noqa: BLE001 - a run of a rule set no longer shipped keeps its id as its title
            title = ruleset
        out.append(Listed(run_id, title, label, version, published_at))
    return out


def _published(s: Session, run_id) -> models.ScoreRun:
    number_ = as_id(run_id)
    run = s.get(models.ScoreRun, number_) if number_ is not None else None
    if run is None or run.published_at is None:
        raise NotFound(NOT_FOUND, "run")
    return run


class Row(NamedTuple):
    rank: int
    code: str
    name: str
    points: float
    maximum: float
    percent: float
    klass: str
    kind: str
    indices: tuple  # each area's index (%), None where the area has no maximum for the unit
    folded: str  # name and code as a search compares them


@dataclass(frozen=True)
class Ranking:
    run_id: int
    ruleset: str
    title: str
    period: str
    period_code: str
    version: int
    published_at: object
    rows: tuple[Row, ...]  # best first
    areas: tuple[tuple[str, str], ...]  # (id, title) of each criteria group
    kinds: tuple[tuple[str, str], ...]  # (kind, its name) of the units ranked
    classes: tuple[str, ...]  # classification labels, best first
    average: float


@dataclass(frozen=True)
class _Run:
    board: Ranking
    scored: scoring.Scored
    averages: dict  # kind -> {area id: average index of the units of that kind}
    trend: dict  # unit -> ((period label, percent, rank, total, published), ...) oldest first
    year: int


def _clean(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _trend(s: Session, run: models.ScoreRun) -> dict:
    """For every unit, its yearly results in runs of the same rule-set family: for each year the published run
    (the latest version), else, for a year before this run's, the latest stored run."""
    R, P = models.ScoreRun, models.Period
    family = _family(run.ruleset)
    runs = [r for r in s.execute(select(R.id, R.ruleset, R.period_code, R.version, R.published_at, P.label)
                                 .join(P, P.code == R.period_code).where(R.period_code.like("%-NAM"))).all()
            if _family(r.ruleset) == family]
    chosen: dict[str, tuple] = {}
    for r in sorted(runs, key=lambda r: (r.published_at is not None, r.version, r.id)):
        if r.published_at is None and r.period_code >= run.period_code:
            continue  # a draft of this year or a later one is not the public's to read
        chosen[r.period_code] = r
    chosen[run.period_code] = next(r for r in runs if r.id == run.id)
    out: dict[str, list] = {}
    for period in sorted(chosen):
        r = chosen[period]
        table = scoring.entries(s, r.id)
        table = table[table["toi_da"] > 0]
        total, published = len(table), r.published_at is not None
        for code, pct, place in zip(table.index.tolist(), table["ty_le"].tolist(), table["hang"].tolist()):
            out.setdefault(code, []).append((r.label, float(pct), int(place), total, published))
    return {code: tuple(v) for code, v in out.items()}


def _run(engine: Engine, run_id) -> _Run:
    number_ = as_id(run_id)
    if number_ is None:
        raise NotFound(NOT_FOUND, "run")

    def make():
        with Session(engine) as s:
            run = _published(s, number_)
            label = s.scalar(select(models.Period.label).where(models.Period.code == run.period_code))
            trend = _trend(s, run)
            ruleset, period, version, published_at = run.ruleset, run.period_code, run.version, run.published_at
        rules = find(ruleset)
        scored = scoring.stored(engine, rules, period, number_)
        summary, frame = scored.summary, scored.frame
        areas = tuple((a.id, a.title) for a in rules.criteria)
        # whole columns as lists, zipped: thousands of units without a pandas lookup per cell
        codes = summary.index.tolist()
        names, kinds_of = frame["name"].reindex(codes).tolist(), frame["kind"].reindex(codes).tolist()
        indices = zip(*[[_clean(v) for v in summary[f"chi_so_{a}"].tolist()] for a, _ in areas]) if areas \
            else repeat(())
        rows = [Row(int(place), code, str(name), float(pts), float(top), float(pct), str(klass), str(kind),
                    tuple(ix), fold(f"{name} {code}"))
                for code, name, kind, place, pts, top, pct, klass, ix in zip(
                    codes, names, kinds_of, summary["hang"].tolist(), summary["diem"].tolist(),
                    summary["toi_da"].tolist(), summary["ty_le"].tolist(), summary["xep_loai"].tolist(), indices)]
        kinds_present = sorted({r.kind for r in rows}, key=lambda k: (list(KIND_NAMES).index(k)
                                                                    if k in KIND_NAMES else 99, k))
        kinds = tuple((k, KIND_NAMES.get(k, k)) for k in kinds_present)
        averages = {}
        kind_column = pd.Series(kinds_of, index=summary.index)
        for kind in kinds_present:
            part = summary[kind_column == kind]
            averages[kind] = {a: _clean(part[f"chi_so_{a}"].mean()) for a, _ in areas}
            averages[kind][""] = _clean(part["ty_le"].mean())
        board = Ranking(number_, ruleset, rules.title, label or period, period, version, published_at, tuple(rows),
                        areas, kinds, tuple(b.label for b in rules.classification),
                        float(summary["ty_le"].mean()) if len(summary) else 0.0)
        return _Run(board, scored, averages, trend, scored.year)

    return _RUNS.get((_db(engine), number_), make)


def ranking(engine: Engine, run_id) -> Ranking:
    return _run(engine, run_id).board


def warm(engine: Engine, newest: int = 4) -> int:
    """Read the newest published runs into the cache (a server just started would otherwise make its first
    readers wait for them, all at once); returns how many were read. A run that cannot be read is left for
    its first reader to meet the error."""
    done = 0
    for listed in published_runs(engine)[:newest]:
        try:
            _run(engine, listed.run_id)
            done += 1
        except Exception:  # noqa: BLE001 - warming is a courtesy; the page itself reports any problem
            continue
    return done


# --- Views of a ranking: search, filter, sort, pages ------------------------------------------------------

SORTS = {"hang": "Hạng", "ten": "Tên đơn vị", "loai": "Loại đơn vị", "diem": "Điểm", "ty_le": "Tỷ lệ",
         "xep_loai": "Xếp loại"}


@dataclass(frozen=True)
class View:
    board: Ranking
    rows: tuple[Row, ...]  # this page's rows
    found: int  # rows matching the search and filter, over all pages
    q: str
    kind: str
    sort: str  # a key of SORTS or cs_<area>, "-" in front for descending
    page: int
    pages: int
    chart: str  # SVG: the matching rows in rank order, the first and last CHART_ENDS of a long list
    chart_note: str

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def _sorter(board: Ranking, key: str):
    if key == "hang":
        return lambda r: (r.rank, -r.percent)
    if key == "ten":
        return lambda r: (r.folded, r.name)  # folded once when the run was read: name, then code
    if key == "loai":
        order = [k for k, _ in board.kinds]
        return lambda r: (order.index(r.kind), r.rank)
    if key == "diem":
        return lambda r: (r.points, -r.rank)
    if key == "ty_le":
        return lambda r: (r.percent, -r.rank)
    if key == "xep_loai":
        order = list(board.classes)
        return lambda r: (order.index(r.klass) if r.klass in order else len(order), r.rank)
    area = next((i for i, (a, _) in enumerate(board.areas) if key == f"cs_{a}"), None)
    if area is None:
        raise Refused(f"không sắp xếp được theo «{key}»", "sap_xep")
    return lambda r: (r.indices[area] is not None, r.indices[area] or 0.0, -r.rank)


def chart(rows, title: str) -> tuple[str, str]:
    """The ranking chart of ``rows`` (the first and last CHART_ENDS of a long list) and the note on its axis."""
    return svg.ranking_ends([(r.rank, r.name, r.percent) for r in rows], title, CHART_ENDS)


def view(engine: Engine, run_id, q: str = "", kind: str = "", sort: str = "", page: int | str = 1) -> View:
    """The rows of a published ranking that match ``q`` (typed with or without diacritics) and ``kind``, sorted
    by ``sort`` (descending with a leading «-»), one page of them."""
    board = ranking(engine, run_id)
    q, kind, sort = " ".join(str(q or "").split())[:100], str(kind or ""), str(sort or "hang")
    if kind and kind not in dict(board.kinds):
        raise Refused(f"không có loại đơn vị «{kind}» trong kết quả này", "loai")
    key = sort.lstrip("-")
    if key not in SORTS and not key.startswith("cs_"):
        raise Refused(f"không sắp xếp được theo «{key}»", "sap_xep")
    order = _sorter(board, key)
    try:
        page = max(1, int(str(page or 1)[:6]))
    except ValueError:
        page = 1

    def make():
        needle = fold(q)
        rows = [r for r in board.rows if (not kind or r.kind == kind) and (not needle or needle in r.folded)]
        rows.sort(key=order, reverse=sort.startswith("-"))
        pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
        at = min(page, pages)
        title = "Tỷ lệ điểm đạt được của các đơn vị" + (f" ({dict(board.kinds)[kind]})" if kind else "")
        picture, note = chart(rows, title) if rows else ("", "")
        return View(board, tuple(rows[(at - 1) * PAGE_SIZE: at * PAGE_SIZE]), len(rows), q, kind, sort, at, pages,
                    picture, note)

    return _VIEWS.get((_db(engine), board.run_id, fold(q), kind, sort, page), make)


# --- A unit's page ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Component:
    area: str
    title: str
    value: float | None
    average: float | None
    target: str  # in the plan's words, "" where none is stored
    target_value: float | None


@dataclass(frozen=True)
class Point:
    period: str
    percent: float
    rank: int
    total: int
    published: bool


@dataclass(frozen=True)
class Task:
    section: str
    area: str
    title: str
    lead: str
    deadline: object
    output: str
    target: str
    rank_range: str
    done_on: object
    result: str


@dataclass(frozen=True)
class UnitPlan:
    year: int
    number: str
    issued_on: object
    basis: str
    targets: tuple[Task, ...]
    remedies: tuple[Task, ...]
    tasks: tuple[Task, ...]


class Leaf(NamedTuple):
    id: str
    title: str
    points: float | None
    maximum: float
    appraised: bool
    assessed: float | None
    reason: str
    sentence: str  # the stored explanation, in words
    reference: str
    area: str


@dataclass(frozen=True)
class Card:
    ranking: Ranking
    code: str
    name: str
    rank: int
    points: float
    maximum: float
    percent: float
    klass: str
    kind: str
    kind_name: str
    peers: int  # units of the same kind in the run
    kind_rank: int  # rank among them
    leaves: tuple[Leaf, ...]
    components: tuple[Component, ...]
    components_chart: str
    components_note: str
    overall_target: str
    trend: tuple[Point, ...]
    trend_chart: str
    plan: UnitPlan | None  # the improvement plan issued from these results, where one is stored
    current_plan: int | None  # the year whose stored plan set the targets shown, if any


_NUMBER = re.compile(r"(\d+(?:,\d+)?)")


def _target_value(text: str) -> float | None:
    found = _NUMBER.search(text or "")
    return float(found.group(1).replace(",", ".")) if found else None


@lru_cache(maxsize=1)
def _target_sets() -> tuple:
    return tuple(load_targets(name) for name in shipped_targets())  # the shipped files, read once


def _targets(unit: str, year: int):
    """As ``rules.targets.targets_for``, without reading every file again for every unit's page."""
    return next((t for t in _target_sets() if t.unit == unit and t.year == year), None)


def _plan(engine: Engine, code: str, year: int) -> tuple[object, list] | None:
    plan_id = plans.plan_of(engine, code, year)
    if plan_id is None:
        return None
    plan, items, _, _ = plans.stored(engine, plan_id)
    return plan, items


def _task(i) -> Task:
    return Task(i.section, i.area, i.title, i.lead, i.deadline, i.output, i.target, i.rank_range, i.done_on,
                i.result)


def scorecard(engine: Engine, run_id, unit: str) -> Card:
    held = _run(engine, run_id)
    board, scored = held.board, held.scored
    unit = str(unit)[:50]
    row = next((r for r in board.rows if r.code == unit), None)
    if row is None:
        raise NotFound(f"không có đơn vị «{unit}» trong kết quả này", "unit")

    def make():
        rules = scored.ruleset
        adjusted = {}
        with Session(engine) as s:
            data = scoring.detail(s, board.run_id, unit) or {}
            adjusted = data.get("adjusted", {})
        area_of = {leaf.id: a.id for a in rules.criteria for leaf in a.walk()}
        leaves = []
        for e in scored.result.explain(unit):
            assessed, reason = adjusted.get(e.criterion, [None, ""])
            leaves.append(Leaf(e.criterion, e.title, _clean(e.points), float(e.max), e.criterion in adjusted,
                               _clean(assessed), reason or "", e.sentence, e.reference, area_of.get(e.criterion, "")))
        # targets: the unit's stored plan for this year, else the target set its plan would carry
        current = _plan(engine, unit, held.year)
        lines = {i.area: i for i in current[1] if i.section == "muc_tieu"} if current else {}
        goals = {area: i.target for area, i in lines.items()}
        overall = ""
        if "" in lines and lines[""].target:
            whole = lines[""]
            overall = f"{'Tỷ lệ điểm' if whole.title == 'Tổng cộng' else whole.title} {whole.target}"
            overall += f", thứ hạng {whole.rank_range}" if whole.rank_range else ""
        if not overall:
            shipped = _targets(unit, held.year)
            line = next((t for t in shipped.targets if t.index == "par_index"), None) if shipped else None
            overall = f"{line.label} {line.threshold_text()}" if line else ""
        averages = held.averages.get(row.kind, {})
        components = tuple(Component(a, title, row.indices[i], averages.get(a), goals.get(a, ""),
                                     _target_value(goals.get(a, "")))
                           for i, (a, title) in enumerate(board.areas))
        peers = [r for r in board.rows if r.kind == row.kind]
        kind_name = KIND_NAMES.get(row.kind, row.kind)
        picture = svg.components([svg.Component(f"{c.area}. {c.title}", c.value, c.average, c.target_value)
                                  for c in components], f"Chỉ số thành phần của {row.name}", row.name,
                                 f"Bình quân {kind_name.lower()} ({len(peers)} đơn vị)")
        note = svg.axis_note(svg.axis_start([v for c in components for v in (c.value, c.average, c.target_value)]))
        points = tuple(Point(*p) for p in held.trend.get(unit, ()))
        trend_chart = svg.trend([p.period for p in points], [p.percent for p in points],
                                f"Tỷ lệ điểm của {row.name} qua các năm",
                                [f"hạng {p.rank}/{p.total}" for p in points]) if len(points) > 1 else ""
        nxt = _plan(engine, unit, held.year + 1)
        plan = None
        if nxt is not None:
            stored, items = nxt
            plan = UnitPlan(stored.year, stored.number, stored.issued_on, stored.basis,
                            tuple(_task(i) for i in items if i.section == "muc_tieu"),
                            tuple(_task(i) for i in items if i.section == "khac_phuc"),
                            tuple(_task(i) for i in items if i.section == "nhiem_vu"))
        return Card(board, unit, row.name, row.rank, row.points, row.maximum, row.percent, row.klass, row.kind,
                    kind_name, len(peers), 1 + sum(1 for r in peers if r.percent > row.percent), tuple(leaves),
                    components, picture, note, overall, points, trend_chart, plan,
                    held.year if current else None)

    return _UNITS.get((_db(engine), board.run_id, unit), make)


# --- The publication's documents ------------------------------------------------------------------------

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf"}
DOCUMENTS = {"cong-bo-diem": "Thông báo kết quả đánh giá, xếp hạng"}
_WRITING = Lock()


@dataclass(frozen=True)
class Download:
    name: str
    fmt: str
    title: str

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.fmt}"


def pdf_possible() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def downloads(engine: Engine, run_id) -> tuple[Download, ...]:
    ranking(engine, run_id)  # published, or not found
    formats = ("docx", "xlsx", "pdf") if pdf_possible() else ("docx", "xlsx")
    return tuple(Download(name, fmt, title) for name, title in DOCUMENTS.items() for fmt in formats)


def document(engine: Engine, run_id, filename: str, data_dir: Path) -> tuple[Path, str]:
    """The publication's document ``filename`` (path, content type), written once per published run into
    ``data_dir/cong-khai/<database>/<run>/`` from the stored run and served from there ever after."""
    held = _run(engine, run_id)
    name, _, fmt = str(filename).rpartition(".")
    if name not in DOCUMENTS or fmt not in MEDIA or (fmt == "pdf" and not pdf_possible()):
        raise NotFound(f"không có văn bản «{filename}» của kết quả này", "file")
    folder = Path(data_dir) / "cong-khai" / hashlib.sha256(_db(engine).encode()).hexdigest()[:16] / str(
        held.board.run_id)
    path = folder / f"{name}.{fmt}"
    if path.exists():
        return path, MEDIA[fmt]
    with _WRITING:  # one document at a time (LibreOffice especially): others wait and then read the file
        if not path.exists():
            from office.outputs import write
            from office.score_documents import publication

            issued = held.board.published_at.date() if held.board.published_at else None
            doc = publication(engine, held.scored, issued)
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                written = write(doc, Path(tmp), name, fmt)
                os.replace(written, path)  # whole or not at all, also for another worker reading it
    return path, MEDIA[fmt]


def clear_cache() -> None:
    for cache in (_RUNS, _VIEWS, _UNITS):
        cache.clear()


__all__ = ["ranking", "view", "scorecard", "downloads", "document", "published_runs", "fold",
           "clear_cache"]
