"""Shared fixtures: a fresh database per test, on SQLite and (for store tests) on PostgreSQL, copied from a
template migrated once per session; one demo province per size per session."""

from __future__ import annotations

import os

os.environ.setdefault("COLUMNS", "200")  # the console's width, read when cchc's console is made
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.db import make_engine, upgrade

POSTGRES_URL = os.environ.get("CCHC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_database():
    """A database of this test run's own on the PostgreSQL server, dropped at the end."""
    admin_url = make_url(POSTGRES_URL)
    name = f"cchc_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # a missing server must fail loudly: the store is tested on both databases
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL} ({err}); start it or set CCHC_TEST_POSTGRES_URL")
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_postgres(url: str):
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory) -> Path:
    """An empty SQLite store with the schema, migrated once: tests copy it instead of running Alembic."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    return path


def _copied(template: Path, target: Path):
    import shutil

    shutil.copy(template, target)
    return make_engine(f"sqlite:///{target}")


@pytest.fixture
def engine(schema_template, tmp_path: Path):
    """A new SQLite database with the schema."""
    eng = _copied(schema_template, tmp_path / "cchc.db")
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request, schema_template, tmp_path: Path):
    """A new database with the schema, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        eng = _copied(schema_template, tmp_path / "cchc.db")
        yield eng
        eng.dispose()
        return
    # Dossier datasets of a server's database go to CCHC_DATA_DIR: this test's own folder.
    request.getfixturevalue("monkeypatch").setenv("CCHC_DATA_DIR", str(tmp_path / "du-lieu"))
    eng = _fresh_postgres(request.getfixturevalue("postgres_database"))
    upgrade(eng)
    yield eng
    eng.dispose()


# Property tests: the same examples on every CI run (a failure found once is found again).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """Prefect's test harness, started once for the whole session (it costs seconds to start)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):  # a busy 2-core machine can take a minute
        yield


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo province (8 communes, 6,000 dossiers), ingested once per session into a SQLite file."""
    from helpers import demo_engine

    folder = tmp_path_factory.mktemp("province")
    demo_engine(folder, communes=8, dossiers=6_000).dispose()
    return folder / "cchc.db"


@pytest.fixture(scope="session")
def demo_cli(tmp_path_factory) -> Path:
    """A small demo province made by ``cchc demo`` (its whole year run directly, without Prefect) once per
    session: the folder holds its database (cchc.db) and its documents (out/)."""
    from cli_runner import cchc

    folder = tmp_path_factory.mktemp("demo-cli")
    done = cchc("demo", "--communes", "4", "--dossiers", "5000", "--data-dir", folder / "data", "--out",
                folder / "out", "--no-prefect", "--no-accounts", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def province(demo_db, tmp_path):
    """A copy of the demo province of this session, for a test to change as it likes."""
    import shutil

    shutil.copy(demo_db, tmp_path / "tinh.db")
    if (demo_db.parent / "du-lieu").is_dir():  # its dossier datasets, which a later dossier batch reads
        shutil.copytree(demo_db.parent / "du-lieu", tmp_path / "du-lieu")
    engine = make_engine(f"sqlite:///{tmp_path / 'tinh.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, the only one: Playwright's sync API runs one instance per thread (a second
    one open at the same time refuses to start), and while it is open the thread has a running event loop, under
    which Prefect's sync calls would return coroutines — so it is closed when the module's tests end. Without
    Debian's chromium the test fails: it must run where CI runs it."""
    import shutil

    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Chromium không có trên máy (cần gói Debian «chromium»: apt-get install chromium); "
                    "kiểm thử trình duyệt không chạy được", pytrace=False)
    from playwright.sync_api import sync_playwright

    from portal_fixtures import CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
