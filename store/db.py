"""Engines, sessions and schema upgrades.

The embedded default is a SQLite file in the working folder; a shared deployment sets
``CCHC_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@host:5432/cchc``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from store import calendar, indicators, models

DEFAULT_URL = "sqlite:///cchc.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("CCHC_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers go on while an import writes; foreign keys are off by default in SQLite.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def head_revision() -> str:
    """The newest migration's revision, read from the migration files (without loading Alembic)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
        parent = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
        if found:
            revisions.add(found.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else ""


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError:
        return None


def upgrade(engine: Engine, force: bool = False) -> None:
    """Bring the schema to the newest migration, then the reference data (indicators) with it. A store already
    at the newest migration is only read (a command that reads never writes), unless ``force``."""
    if not force and current_revision(engine) == head_revision():
        sync_indicators(engine)
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    sync_indicators(engine)


@contextmanager
def opened(url: str | None = None) -> Iterator[Engine]:
    """An engine on ``url`` with the schema up to date, disposed of afterwards (a flow's task, a worker)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def sync_indicators(engine: Engine) -> None:
    """The indicator table as the registry says; written only where they differ."""
    wanted = {ind.code: (ind.label, ind.unit, ind.kind, ind.whole, ind.source, ind.reference)
              for ind in indicators.registry().values()}
    I = models.Indicator
    with Session(engine) as s:
        have = {r[0]: tuple(r[1:]) for r in s.execute(select(I.code, I.label, I.unit_of_measure, I.kind, I.whole,
                                                             I.source, I.reference))}
    if all(have.get(code) == values for code, values in wanted.items()):
        return
    with Session(engine) as s, s.begin():
        for code, values in wanted.items():
            if have.get(code) == values:
                continue
            row = s.get(I, code) or I(code=code)
            row.label, row.unit_of_measure, row.kind, row.whole, row.source, row.reference = values
            s.add(row)


def ensure_periods(session: Session, years: set[int]) -> None:
    """Make sure the periods of these years exist (inside the caller's transaction)."""
    have = set(session.scalars(select(models.Period.code).where(models.Period.year.in_(years))))
    for year in sorted(years):
        for p in calendar.periods_of(year):
            if p.code not in have:
                session.add(
                    models.Period(
                        code=p.code, year=p.year, kind=p.kind.code, label=p.label,
                        start=p.start, end=p.end, due=p.due,
                    )
                )
    session.flush()


def serialize_writes(session: Session) -> None:
    """Take the store's write lock for the caller's transaction, so that ingestion batches and score runs
    commit one after the other in id order: a score run's marks then see every earlier batch. PostgreSQL:
    a transaction-level advisory lock; SQLite: a write statement takes the database's single write lock now
    rather than at the first real write."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7467)")
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE period SET code = code WHERE 0")


def counts(engine: Engine) -> dict[str, int]:
    """How many rows each table of the record holds."""
    tables = [models.IngestBatch, models.Unit, models.Person, models.StaffRating, models.Discipline,
              models.Initiative, models.Period, models.Fact, models.Evidence, models.Dossier, models.Campaign,
              models.Registration, models.Nomination, models.Ballot, models.Award, models.Submission,
              models.Plan, models.PlanItem, models.Inspection, models.Finding, models.Appraisal, models.ScoreRun,
              models.ScoreEntry, models.ScoreDetail]
    with Session(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in tables}
