"""What the public may read without signing in: the published rankings and each unit's published scorecard
with the appraisal reasons. A published run never changes, so its pages are cached by the run's id."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle import scoring
from office.errors import NotFound
from office.rounds import as_id
from rules.ruleset import find
from store import models

_CACHE: OrderedDict = OrderedDict()
_LOCK = Lock()
_CACHE_SIZE = 64


_MAKING: dict = {}  # one lock per key being made: many readers at once make a page once, not once each


def _cached(key, make):
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        making = _MAKING.setdefault(key, Lock())
    with making:
        with _LOCK:
            if key in _CACHE:
                return _CACHE[key]
        value = make()
        with _LOCK:
            _CACHE[key] = value
            _MAKING.pop(key, None)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return value


def _db(engine: Engine) -> str:
    """Which database a cached page comes from (run ids are only unique within one)."""
    return engine.url.render_as_string(hide_password=True)


def published_rounds(engine: Engine) -> list[models.AssessmentRound]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(models.AssessmentRound).where(models.AssessmentRound.state == "cong_bo")
                              .order_by(models.AssessmentRound.id.desc())))


def _published(s: Session, run_id) -> models.ScoreRun:
    number = as_id(run_id)
    run = s.get(models.ScoreRun, number) if number is not None else None
    if run is None or run.published_at is None:
        raise NotFound("không có kết quả đã công bố này", "run")
    return run


@dataclass(frozen=True)
class Ranking:
    run_id: int
    ruleset: str
    title: str
    period: str
    version: int
    published_at: object
    rows: tuple  # (rank, code, name, points, maximum, percent, class)


def ranking(engine: Engine, run_id) -> Ranking:
    def make():
        with Session(engine) as s:
            run = _published(s, run_id)
            table = scoring.entries(s, run.id)
            names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
            label = s.scalar(select(models.Period.label).where(models.Period.code == run.period_code))
        table = table[table["toi_da"] > 0].sort_values(["hang", "diem"], ascending=[True, False])
        rows = tuple((int(r.hang), code, names.get(code, code), float(r.diem), float(r.toi_da), float(r.ty_le),
                      r.xep_loai) for code, r in table.iterrows())
        return Ranking(run.id, run.ruleset, find(run.ruleset).title, label or run.period_code, run.version,
                       run.published_at, rows)
    if as_id(run_id) is None:
        raise NotFound("không có kết quả đã công bố này", "run")
    return _cached((_db(engine), "ranking", as_id(run_id)), make)


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
    leaves: tuple  # (id, title, points, max, appraised, assessed, reason)


def scorecard(engine: Engine, run_id, unit: str) -> Card:
    board = ranking(engine, run_id)
    row = next((r for r in board.rows if r[1] == unit), None)
    if row is None:
        raise NotFound(f"không có đơn vị «{unit}» trong kết quả này", "unit")

    def make():
        with Session(engine) as s:
            data = scoring.detail(s, board.run_id, unit) or {"leaves": {}}
        adjusted = data.get("adjusted", {})
        leaves = []
        for leaf in find(board.ruleset).leaves:
            value = data["leaves"].get(leaf.id, [None, 0, None, leaf.max])
            assessed, reason = adjusted.get(leaf.id, [None, ""])
            leaves.append((leaf.id, leaf.title, value[2], value[3], leaf.id in adjusted, assessed, reason))
        return Card(board, unit, row[2], row[0], row[3], row[4], row[5], row[6], tuple(leaves))
    return _cached((_db(engine), "card", board.run_id, unit), make)


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
