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

from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from store import calendar, indicators

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The tables of the record whose rows «cchc db status» counts (the models are not loaded for it: a quick start).
TABLES = ("ingest_batch", "unit", "person", "staff_rating", "discipline", "initiative", "period", "fact", "evidence",
          "dossier", "campaign", "registration", "nomination", "ballot", "award", "report_submission", "plan",
          "plan_item", "inspection", "finding", "appraisal", "score_run", "score_entry", "score_detail", "account",
          "web_session", "login_throttle", "audit_log", "assessment_round", "deadline_extension", "self_assessment",
          "draft_figure", "draft_note", "evidence_file", "feedback_request", "report_narrative", "periodic_report",
          "periodic_report_figure", "periodic_report_text", "periodic_report_sending",
          "council_session", "council_member", "council_item", "council_voted", "notification", "award_record",
          "collective_rating", "proceeding", "unit_proceeding", "research_topic", "year_forecast", "dossier_dataset",
          "whatif_kept", "event_outbox", "ruleset_text")

DEFAULT_URL = "sqlite:///cchc.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(url: str | None = None) -> str:
    """The store's address; PostgreSQL's usual «postgresql://» (or «postgres://») is reached with psycopg 3, the
    driver installed (SQLAlchemy would look for psycopg2, and fail with «No module named 'psycopg2'»)."""
    url = url or os.environ.get("CCHC_DATABASE_URL") or DEFAULT_URL
    return re.sub(r"^(?:postgresql|postgres)://", "postgresql+psycopg://", url)


# How long a write waits for another to finish on SQLite (one writer at a time) before it fails: an import of
# millions of dossiers holds the lock for seconds, and the portal's users write at the same time.
SQLITE_BUSY_SECONDS = 60


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS} if sqlite else {})
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
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    sync_indicators(engine)


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection for Alembic's steps, in one transaction. On SQLite, a table a step rebuilds (as SQLite alters a
    constraint) is dropped under the rows that refer to it: the foreign keys are checked whole before the commit
    instead of row by row."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no effect inside a transaction: set before it
            conn.commit()
        try:
            with conn.begin():
                yield conn
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"lỗi nâng cấp cơ sở dữ liệu: {len(broken)} dòng tham chiếu tới dòng không có "
                                       f"(bảng {broken[0][0]} → {broken[0][2]})")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


@contextmanager
def opened(url: str | None = None) -> Iterator[Engine]:
    """An engine on ``url`` with the schema up to date, disposed of afterwards (a flow's task, a worker)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


INDICATOR_COLUMNS = ("code", "label", "unit_of_measure", "kind", "whole", "source", "reference")


def sync_indicators(engine: Engine) -> None:
    """The indicator table as the registry says; written only where they differ."""
    wanted = {ind.code: (ind.code, ind.label, ind.unit, ind.kind, ind.whole, ind.source, ind.reference)
              for ind in indicators.registry().values()}
    columns = ", ".join(INDICATOR_COLUMNS)
    with engine.connect() as conn:
        have = {r[0]: tuple(r) for r in conn.execute(text(f"SELECT {columns} FROM indicator"))}
    changed = [values for code, values in wanted.items() if have.get(code) != values]
    if not changed:
        return
    params = [dict(zip(INDICATOR_COLUMNS, values)) for values in changed]
    sets = ", ".join(f"{c} = :{c}" for c in INDICATOR_COLUMNS[1:])
    with engine.begin() as conn:
        updates = [p for p in params if p["code"] in have]
        inserts = [p for p in params if p["code"] not in have]
        if updates:
            conn.execute(text(f"UPDATE indicator SET {sets} WHERE code = :code"), updates)
        if inserts:
            conn.execute(text(f"INSERT INTO indicator ({columns}) VALUES ({', '.join(':' + c for c in INDICATOR_COLUMNS)})"),
                         inserts)


def ensure_periods(session: Session, years: set[int]) -> None:
    """Make sure the periods of these years exist (inside the caller's transaction)."""
    from sqlalchemy import select

    from store import models

    have = set(session.scalars(select(models.Period.code).where(models.Period.year.in_(years))))
    for year in sorted(years):
        for p in calendar.periods_of(year):
            if p.code not in have:  # another transaction may be writing the same year's periods now
                insert_missing(session, models.Period, code=p.code, year=p.year, kind=p.kind.code, label=p.label,
                               start=p.start, end=p.end, due=p.due)
    session.flush()


def insert_missing(session: Session, model, **values) -> None:
    """Insert a row unless one with the same key (primary or unique) is there, inside the caller's transaction
    (INSERT … ON CONFLICT DO NOTHING): two transactions making the same first row at once leave one, and neither
    fails on the unique key — a plain INSERT after a look that found nothing does, on PostgreSQL."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if session.connection().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


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
    """How many rows each table of the record holds; dossiers: those of the dossier datasets as well (their rows
    live in Parquet since migration 0012, store.dossier_data)."""
    with engine.connect() as conn:
        found = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
        if conn.dialect.has_table(conn, "dossier_dataset"):
            found["dossier"] += conn.execute(text("SELECT coalesce(sum(rows), 0) FROM dossier_dataset")).scalar()
    return found
