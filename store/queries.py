"""Reading the record back: current facts (the latest batch's value wins) and the indicator frame."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from store import models

FACT_COLUMNS = ["unit_id", "unit", "period", "indicator", "value", "batch_id"]
CODES = ("unit", "period", "indicator")


@dataclass
class _Reading:
    """Every current fact of some periods, read once for a run of several steps that each ask for some of them."""

    engine: Engine
    periods: frozenset[str]
    newest: int | None = None  # the newest fact's id when they were read
    facts: pd.DataFrame | None = None
    dtypes: dict | None = None  # the codes' own, as the store's reading gives them

    def current(self, session: Session) -> pd.DataFrame:
        """The facts, read again if one has been added since (facts are only ever added, never changed)."""
        newest = session.scalar(select(func.max(models.Fact.id)))
        if self.facts is None or newest != self.newest:
            facts = _current_facts(session, sorted(self.periods), None)
            self.dtypes = {c: facts[c].dtype for c in CODES}
            if not facts.empty:  # codes held once each
                facts = facts.astype({c: "category" for c in CODES})
            self.facts, self.newest = facts, newest
        return self.facts


_READINGS: ContextVar[tuple[_Reading, ...]] = ContextVar("facts_read_once", default=())


@contextmanager
def facts_read_once(engine: Engine, years: Iterable[int]) -> Iterator[None]:
    """Inside: ``current_facts`` of periods of ``years`` in ``engine``'s store are cut from one reading of all of
    them, made when first asked and made again only if a fact has been added since — a year's steps ask for the
    same periods' facts some thirty times (the risk queue, each period's scores, report and forecast). Other
    periods, and other stores, are read as ever."""
    with Session(engine) as s:
        periods = frozenset(s.scalars(select(models.Period.code).where(
            or_(*(models.Period.code.like(f"{y}-%") for y in years)))))
    token = _READINGS.set((*_READINGS.get(), _Reading(engine, periods)))
    try:
        yield
    finally:
        _READINGS.reset(token)


def _same_store(engine: Engine, bind) -> bool:
    """The same database, though maybe through another engine: a flow's steps each open their own (an
    in-memory SQLite database is its engine's alone)."""
    if engine is bind:
        return True
    return (isinstance(bind, Engine) and engine.url == bind.url
            and engine.url.database not in (None, "", ":memory:") and "mode=memory" not in str(engine.url))


def current_facts(session: Session, period_codes: list[str] | None = None,
                  unit_ids: list[int] | None = None, indicators: list[str] | None = None) -> pd.DataFrame:
    """Long frame (unit_id, unit, period, indicator, value, batch_id) of the current value of each fact, by period,
    unit and indicator (of ``indicators`` only, when given)."""
    if indicators is not None:  # read from a reading under way, or only those indicators asked of the store
        facts = current_facts(session, period_codes, unit_ids) if _READINGS.get() else \
            _current_facts(session, period_codes, unit_ids, indicators)
        return facts[facts["indicator"].isin(indicators)].reset_index(drop=True)
    if period_codes is not None and _READINGS.get():
        bind = session.get_bind()
        wanted = set(period_codes)
        for reading in reversed(_READINGS.get()):
            if _same_store(reading.engine, bind) and wanted <= reading.periods:
                facts = reading.current(session)
                if facts.empty:
                    break
                part = facts[facts["period"].isin(wanted)]
                if unit_ids is not None:
                    part = part[part["unit_id"].isin(unit_ids)]
                if part.empty:
                    return pd.DataFrame([], columns=FACT_COLUMNS)
                return part.astype(reading.dtypes).reset_index(drop=True)
    return _current_facts(session, period_codes, unit_ids)


def _current_facts(session: Session, period_codes: list[str] | None = None,
                   unit_ids: list[int] | None = None, indicators: list[str] | None = None) -> pd.DataFrame:
    F = models.Fact
    newer = aliased(F)  # a fact is current when no later batch brought the same unit, period and indicator
    query = (
        select(F.unit_id, models.Unit.code.label("unit"), F.period_code.label("period"),
               F.indicator_code.label("indicator"), F.value, F.batch_id)
        .join(models.Unit, models.Unit.id == F.unit_id)
        .where(~exists().where(newer.unit_id == F.unit_id, newer.period_code == F.period_code,
                               newer.indicator_code == F.indicator_code, newer.batch_id > F.batch_id))
        .order_by(F.period_code, F.unit_id, F.indicator_code)  # the same order on every database, read whole or in part
    )
    if period_codes is not None:
        query = query.where(F.period_code.in_(period_codes))
    if unit_ids is not None:
        query = query.where(F.unit_id.in_(unit_ids))
    if indicators is not None:
        query = query.where(F.indicator_code.in_(indicators))
    return pd.DataFrame(plain_rows(session, query), columns=FACT_COLUMNS)


def plain_rows(session: Session, query) -> list[tuple]:
    """The rows of a select of columns as plain tuples, through the session's connection: pandas makes a frame of
    them about four times quicker than of the session's rows."""
    return [tuple(r) for r in session.connection().execute(query)]


def current_evidence(session: Session, period_code: str, unit_ids: list[int]) -> pd.DataFrame:
    """(unit_id, indicator, reference, explanation) of the latest batch's evidence of each figure."""
    E = models.Evidence
    latest = (select(func.max(E.id)).where(E.period_code == period_code, E.unit_id.in_(unit_ids))
              .group_by(E.unit_id, E.indicator_code))
    rows = session.execute(select(E.unit_id, E.indicator_code, E.reference, E.explanation)
                           .where(E.id.in_(latest))).all()
    return pd.DataFrame(rows, columns=["unit_id", "indicator", "reference", "explanation"])


def indicator_frame(engine: Engine, period_code: str, unit_ids: list[int] | None = None) -> pd.DataFrame:
    """Units × indicators for one period: what the rules engine scores. Missing values stay missing."""
    with Session(engine) as s:
        facts = current_facts(s, [period_code], unit_ids)
    if facts.empty:
        return pd.DataFrame()
    return facts.pivot(index="unit", columns="indicator", values="value").sort_index()


def unit_frame(engine: Engine, period_code: str, codes: list[str] | None = None) -> pd.DataFrame:
    """What unit rule sets read for one period: current facts, the unit's kind and name, and the number of
    its staff (its own and its divisions') disciplined in the period's year. ``codes``: these units only."""
    year = int(period_code[:4])
    U = models.Unit
    query = select(U.id, U.code, U.name, U.kind, U.parent_id)
    if codes is not None:  # these units and their divisions (whose discipline counts for them)
        query = query.where(or_(U.code.in_(codes), U.parent_id.in_(select(U.id).where(U.code.in_(codes)))))
    with Session(engine) as s:
        units = pd.DataFrame(s.execute(query).all(), columns=["id", "code", "name", "kind", "parent_id"])
        disciplined = pd.DataFrame(s.execute(
            select(models.Person.unit_id, func.count())
            .join(models.Discipline, models.Discipline.person_id == models.Person.id)
            .where(models.Discipline.year == year, models.Discipline.status == "da_quyet_dinh")
            .group_by(models.Person.unit_id)).all(), columns=["unit_id", "n"])
    own = disciplined.set_index("unit_id")["n"]
    parent = units.set_index("id")["parent_id"]
    by_unit = own.add(own.groupby(parent.reindex(own.index)).sum(), fill_value=0)
    units["so_vu_ky_luat"] = units["id"].map(by_unit).fillna(0)
    units = units.set_index("code")
    if codes is not None:
        units = units.loc[units.index.intersection(codes)]
    frame = indicator_frame(engine, period_code, None if codes is None else units["id"].tolist())
    out = units[["name", "kind", "so_vu_ky_luat"]].join(frame, how="left")
    return out.sort_index()
