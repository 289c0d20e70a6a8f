"""Provinces as tenants of one installation: the registry, every command scoped to the province it names (its
store, data and documents), the portal of one province, the write lock per province, and the ministry's
roll-up read from the provinces' published runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cli_runner import cchc as run_cchc
from helpers import UNIT_HEADERS, write_xlsx
from portal_fixtures import wait_healthy
from store import models
from store.db import current_revision, head_revision, make_engine, serialize_writes

ROOT = Path(__file__).resolve().parents[1]
NAMES = {"tinh-a": "Sở Riêng Của Tỉnh A", "tinh-b": "Sở Riêng Của Tỉnh B"}  # SKHCN's name in each province


def cchc(*args, cwd: Path) -> tuple[int, str, str]:
    """``cchc`` in this process, without ``--db``: the province comes from ``--tinh`` or CCHC_TINH."""
    done = run_cchc(*args, cwd=cwd, db=False)
    return done.returncode, done.stdout, done.stderr


def process_env(folder: Path) -> dict:
    return {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PREFECT_HOME": str(folder / ".prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "CCHC_PROVINCES": str(folder / "tinh.yaml")}


def cchc_process(*args, cwd: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cchc.cli", *map(str, args)], cwd=cwd, env=process_env(cwd),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


@pytest.fixture
def registry(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_PROVINCES", str(tmp_path / "tinh.yaml"))
    monkeypatch.delenv("CCHC_TINH", raising=False)
    return tmp_path / "tinh.yaml"


@pytest.fixture
def two_provinces(demo_db, registry, tmp_path):
    """Provinces «tinh-a» and «tinh-b», each a copy of the demo province in a folder of its own, registered, with
    one department renamed in each (a name only that province has), scored and published for 2024."""
    for key, name in NAMES.items():
        folder = tmp_path / "tinh" / key
        folder.mkdir(parents=True)
        shutil.copy(demo_db, folder / "cchc.db")
        if (demo_db.parent / "du-lieu").is_dir():
            shutil.copytree(demo_db.parent / "du-lieu", folder / "du-lieu")
        code, out, err = cchc("tinh", "add", key, "--ten", f"Tỉnh {key[-1].upper()}", cwd=tmp_path)
        assert code == 0, err
        units = write_xlsx(tmp_path / f"don-vi-{key}.xlsx", UNIT_HEADERS, [["SKHCN", name, "Sở, ban, ngành", "TINH"]])
        for args in (("ingest", units), ("score", "--ruleset", "qd766-2022", "--period", "Năm 2024", "--publish"),
                     ("score", "--ruleset", "chi-so-cchc-so-nganh", "--period", "Năm 2024", "--publish")):
            code, out, err = cchc("--tinh", key, *args, cwd=tmp_path)
            assert code == 0, out + err
    return tmp_path


# --- The registry ---------------------------------------------------------------------------------------------

def test_a_province_added_gets_its_own_migrated_store_and_is_listed(registry, tmp_path):
    code, out, err = cchc("tinh", "add", "ninh-thuan", "--ten", "Ninh Thuận", cwd=tmp_path)
    assert code == 0, err
    store = tmp_path / "tinh" / "ninh-thuan" / "cchc.db"
    engine = make_engine(f"sqlite:///{store}")
    assert current_revision(engine) == head_revision()
    engine.dispose()
    code, out, err = cchc("tinh", "list", cwd=tmp_path)
    assert code == 0 and "ninh-thuan" in out and "Ninh Thuận" in out
    code, out, err = cchc("--tinh", "ninh-thuan", "db", "status", cwd=tmp_path)
    assert code == 0, err


@pytest.mark.postgres
def test_a_province_on_postgresql_gets_a_database_of_its_own_created_and_migrated(registry, tmp_path):
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from conftest import POSTGRES_URL

    name = f"cchc_tinh_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        code, out, err = cchc("tinh", "add", "quang-tri", "--ten", "Quảng Trị", "--database-url", url, cwd=tmp_path)
        assert code == 0, err
        engine = make_engine(url)
        assert current_revision(engine) == head_revision()
        engine.dispose()
        code, out, err = cchc("--tinh", "quang-tri", "db", "status", cwd=tmp_path)
        assert code == 0, err
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_registry_refuses_a_key_twice_a_bad_key_and_a_store_shared_by_two(registry, tmp_path):
    assert cchc("tinh", "add", "lai-chau", "--ten", "Lai Châu", cwd=tmp_path)[0] == 0
    before = registry.read_text(encoding="utf-8")
    code, out, err = cchc("tinh", "add", "lai-chau", "--ten", "Lai Châu", cwd=tmp_path)
    assert code == 1 and "đã có" in err
    code, out, err = cchc("tinh", "add", "Lai Châu", "--ten", "Lai Châu", cwd=tmp_path)
    assert code == 1 and "chữ thường" in err
    code, out, err = cchc("tinh", "add", "khac", "--ten", "Khác", "--database-url",
                          f"sqlite:///{tmp_path / 'tinh' / 'lai-chau' / 'cchc.db'}", cwd=tmp_path)
    assert code == 1 and "lai-chau" in err and "CSDL riêng" in err
    assert registry.read_text(encoding="utf-8") == before  # nothing registered
    assert not (tmp_path / "tinh" / "khac").exists()


def test_a_bad_registry_entry_is_named_by_file_province_and_field(registry, tmp_path):
    registry.write_text("ninh-thuan:\n  ten: Ninh Thuận\n  database_url: sqlite:///a.db\n  thu_muc: x\n", encoding="utf-8")
    code, out, err = cchc("--tinh", "ninh-thuan", "db", "status", cwd=tmp_path)
    assert code == 1 and "tinh.yaml" in err and "ninh-thuan" in err and "thu_muc" in err
    registry.write_text("ninh-thuan:\n  database_url: sqlite:///a.db\n", encoding="utf-8")
    code, out, err = cchc("tinh", "list", cwd=tmp_path)
    assert code == 1 and "«ten»" in err


def test_an_unknown_province_is_refused_with_exit_1_listing_the_known_ones(registry, tmp_path):
    for key in ("ninh-thuan", "lai-chau"):
        assert cchc("tinh", "add", key, "--ten", key, cwd=tmp_path)[0] == 0
    done = cchc_process("--tinh", "quang-tri", "db", "status", cwd=tmp_path)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 1, out + err
    assert "quang-tri" in err and "ninh-thuan, lai-chau" in err
    assert not (tmp_path / "cchc.db").exists()  # no default store was opened instead
    code, out, err = cchc("--tinh", "ninh-thuan", "--db", "sqlite:///x.db", "db", "status", cwd=tmp_path)
    assert code == 2 and "--db" in err


# --- Scoping ------------------------------------------------------------------------------------------------

def test_every_command_and_document_of_a_province_reads_its_own_store_only(two_provinces):
    folder = two_provinces
    for key, other in (("tinh-a", "tinh-b"), ("tinh-b", "tinh-a")):
        code, out, err = cchc("--tinh", key, "rules", "explain", "qd766-2022", "--unit", "SKHCN", "--period", "Năm 2024",
                              cwd=folder)
        assert code == 0, err
        assert NAMES[key] in out and NAMES[other] not in out
        code, out, err = cchc("--tinh", key, "report", "cong-bo-diem", "--year", "2024", "--format", "html", cwd=folder)
        assert code == 0, err
        written = folder / "tinh" / key / "out"  # the province's own output folder
        page = next(written.glob("cong-bo-*.html")).read_text(encoding="utf-8")
        assert NAMES[key] in page and NAMES[other] not in page
    assert not (folder / "out").exists()
    # CCHC_TINH selects the province as --tinh does
    os.environ["CCHC_TINH"] = "tinh-b"
    try:
        code, out, err = cchc("rules", "explain", "qd766-2022", "--unit", "SKHCN", "--period", "Năm 2024", cwd=folder)
    finally:
        del os.environ["CCHC_TINH"]
    assert code == 0 and NAMES["tinh-b"] in out and NAMES["tinh-a"] not in out, out + err
    engine = make_engine(f"sqlite:///{folder / 'tinh' / 'tinh-a' / 'cchc.db'}")
    with Session(engine) as s:  # each store keeps its own name for the same unit code
        assert s.scalar(select(models.Unit.name).where(models.Unit.code == "SKHCN")) == NAMES["tinh-a"]
    engine.dispose()


def test_the_portal_started_for_a_province_shows_that_province_only(two_provinces):
    from portal_fixtures import free_port

    folder = two_provinces
    port = free_port()
    server = cchc_process("--tinh", "tinh-b", "serve", "--port", port, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, 30)
        listing = httpx.get(base + "/cong-khai").text
        runs = sorted(set(int(r) for r in __import__("re").findall(r'href="/cong-khai/(\d+)"', listing)))
        assert runs, listing
        pages = "".join(httpx.get(f"{base}/cong-khai/{r}").text for r in runs)
        assert NAMES["tinh-b"] in pages and NAMES["tinh-a"] not in pages
    finally:
        server.terminate()
        server.communicate(timeout=30)


# --- Locks per province -----------------------------------------------------------------------------------

def test_a_province_writes_while_another_holds_its_write_lock(two_provinces):
    """The write lock of province A held for the whole time province B scores: B is not blocked by it."""
    folder = two_provinces
    a = make_engine(f"sqlite:///{folder / 'tinh' / 'tinh-a' / 'cchc.db'}")
    with Session(a) as held:
        serialize_writes(held)  # A's write lock, held until the end of this block
        done = cchc_process("--tinh", "tinh-b", "score", "--ruleset", "qd766-2022", "--period", "Năm 2024", "--full",
                            cwd=folder)
        out, err = done.communicate(timeout=300)
        assert done.returncode == 0, out + err
        assert held.connection().exec_driver_sql("SELECT 1").scalar() == 1  # still inside A's locked transaction
        held.rollback()
    a.dispose()


@pytest.mark.slow
def test_two_provinces_years_run_at_the_same_time(two_provinces):
    """Two processes each running a province's year: each one's writes happen while the other's are going on
    (the stored runs' times interleave), and both years complete."""
    folder = two_provinces
    started = {key: cchc_process("--tinh", key, "cycle", "run", "--year", "2024", "--no-prefect", cwd=folder)
               for key in NAMES}
    for key, p in started.items():
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, out + err
    spans = {}
    for key in NAMES:
        engine = make_engine(f"sqlite:///{folder / 'tinh' / key / 'cchc.db'}")
        with engine.connect() as conn:
            spans[key] = conn.execute(text("SELECT min(created_at), max(created_at) FROM score_run "
                                           "WHERE created_at > (SELECT max(created_at) FROM ingest_batch)")).one()
        engine.dispose()
    (a0, a1), (b0, b1) = spans.values()
    assert a0 < b1 and b0 < a1, spans


# --- The ministry's roll-up -----------------------------------------------------------------------------------

def _published_mean(folder: Path, key: str, ruleset: str) -> tuple[float, int]:
    engine = make_engine(f"sqlite:///{folder / 'tinh' / key / 'cchc.db'}")
    with engine.connect() as conn:
        rates = conn.execute(text(
            "SELECT e.ty_le FROM score_entry e WHERE e.toi_da > 0 AND e.ty_le IS NOT NULL AND e.run_id = "
            "(SELECT id FROM score_run WHERE ruleset = :rs AND period_code = '2024-NAM' AND published_at IS NOT NULL "
            "ORDER BY version DESC LIMIT 1)"), {"rs": ruleset}).scalars().all()
    engine.dispose()
    return sum(rates) / len(rates), len(rates)


def test_the_roll_up_ranks_the_provinces_on_their_stored_published_runs(two_provinces):
    folder = two_provinces
    code, out, err = cchc("bo-tong-hop", "--nam", "2024", "--out", folder / "bo", "--issued", "15/01/2025", cwd=folder)
    assert code == 0, err
    docx, xlsx = folder / "bo" / "bang-xep-hang-cac-tinh-2024.docx", folder / "bo" / "bang-xep-hang-cac-tinh-2024.xlsx"
    assert docx.exists()
    wb = load_workbook(xlsx)
    assert len(wb.worksheets) == 2
    for sheet, ruleset in zip(wb.worksheets, ("qd766-2022", "chi-so-cchc-so-nganh")):
        rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1] in NAMES]
        assert len(rows) == 2, list(sheet.iter_rows(values_only=True))
        expected = {key: _published_mean(folder, key, ruleset) for key in NAMES}
        for rank, key, name, value, units, version, _ in rows:
            mean, count = expected[key]
            assert value == pytest.approx(round(mean, 1) / 100, abs=1e-9)  # the workbook rounds as it shows
            assert units == count and version == 1
        best = max(expected, key=lambda k: expected[k][0])
        assert rows[0][1] == best and rows[0][0] == 1
    from docx import Document

    body = "\n".join(p.text for p in Document(docx).paragraphs)
    assert "Bảng xếp hạng các tỉnh năm 2024" in body and "bình quân" in body
    best = max(NAMES, key=lambda k: _published_mean(folder, k, "qd766-2022")[0])
    mean = _published_mean(folder, best, "qd766-2022")[0]
    assert f"Dẫn đầu là Tỉnh {best[-1].upper()} ({f'{mean:.2f}'.replace('.', ',')}%)" in body
    assert "[NC]" not in body


def test_a_province_that_published_nothing_is_listed_unranked_and_nothing_published_is_refused(two_provinces):
    folder = two_provinces
    assert cchc("tinh", "add", "tinh-c", "--ten", "Tỉnh C", cwd=folder)[0] == 0
    code, out, err = cchc("bo-tong-hop", "--nam", "2024", "--out", folder / "bo", cwd=folder)
    assert code == 0, err
    sheet = load_workbook(folder / "bo" / "bang-xep-hang-cac-tinh-2024.xlsx").worksheets[0]
    last = [r for r in sheet.iter_rows(values_only=True) if r and r[1] == "tinh-c"]
    assert last and last[0][0] is None and last[0][3] is None
    code, out, err = cchc("bo-tong-hop", "--nam", "2023", "--out", folder / "bo23", cwd=folder)
    assert code == 1 and "chưa tỉnh nào công bố" in err and not (folder / "bo23").exists()
    code, out, err = cchc("bo-tong-hop", "--nam", "2024", "--chi-tinh", "khong-co", cwd=folder)
    assert code == 1 and "tinh-a, tinh-b, tinh-c" in err


def test_a_province_demo_draws_its_own_data(registry, tmp_path):
    from cchc.tinh_cli import demo_seed

    assert demo_seed("ninh-thuan") != demo_seed("lai-chau") and demo_seed("ninh-thuan") == demo_seed("ninh-thuan")
    from cchc.cli import app
    from cchc.tinh_cli import defaults
    from office.provinces import Province
    import typer

    p = Province("ninh-thuan", "Ninh Thuận", "sqlite:///x.db", tmp_path / "d", tmp_path / "o")
    found = defaults(typer.main.get_command(app), p)
    assert found["demo"] == {"out": str(tmp_path / "o"), "data_dir": str(tmp_path / "o" / "demo-data"),
                             "seed": demo_seed("ninh-thuan")}
    assert found["report"]["out"] == str(tmp_path / "o") and found["emulation"]["review"]["out"] == str(tmp_path / "o")
    assert "template" not in found.get("user", {})  # a file named out, not a folder: left alone


# --- Flows and events on a server ---------------------------------------------------------------------------

from prefect_server import prefect_server  # noqa: E402,F401 - the session's server and worker


@pytest.mark.slow
@pytest.mark.prefect
@pytest.mark.postgres
def test_an_event_of_one_province_rescores_that_province_only(two_provinces, prefect_server):  # noqa: F811
    """Each province deployed with its key; data ingested in A: A's re-scoring deployment runs (its trigger
    matches the key the event carries) and writes A's new run; B's never runs and B's store is unchanged."""
    from helpers import FACT_HEADERS, write_csv

    folder = two_provinces
    env = {**prefect_server.env, "CCHC_PROVINCES": str(folder / "tinh.yaml")}
    for key in NAMES:
        done = subprocess.run([sys.executable, "-m", "cchc.cli", "--tinh", key, "deploy", "--work-pool",
                               prefect_server.pool], env=env, cwd=folder, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"tinh-lai-diem-{key}" in done.stdout

    def versions(key: str) -> dict:
        engine = make_engine(f"sqlite:///{folder / 'tinh' / key / 'cchc.db'}")
        with engine.connect() as conn:
            found = dict(conn.execute(text("SELECT ruleset || ' ' || period_code, max(version) FROM score_run "
                                           "GROUP BY ruleset, period_code")).all())
        engine.dispose()
        return found

    before = {key: versions(key) for key in NAMES}
    fix = write_csv(folder / "bo_sung.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 7, "bổ sung"]])
    done = subprocess.run([sys.executable, "-m", "cchc.cli", "--tinh", "tinh-a", "ingest", str(fix)], env=env,
                          cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 300
    # a re-score writes its rule sets' runs one after another: waited for the one asserted, not the first to land
    after_a = before["tinh-a"]
    while time.monotonic() < deadline and after_a.get("qd766-2022 2024-NAM") == before["tinh-a"]["qd766-2022 2024-NAM"]:
        time.sleep(2)
        after_a = versions("tinh-a")
    assert after_a["qd766-2022 2024-NAM"] == before["tinh-a"]["qd766-2022 2024-NAM"] + 1, \
        (prefect_server.logs / "worker.log").read_text()[-3000:]

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: prefect_server.api_url}), get_client(sync_client=True) as client:
        def runs_of(name: str) -> list:
            """The runs of a deployment other than those its 15-minute schedule has put ahead."""
            found = client.read_flow_runs(deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name])))
            return [r for r in found if not r.auto_scheduled]

        ran_a = runs_of("tinh-lai-diem-tinh-a")
        assert ran_a and all(r.parameters.get("tinh") == "tinh-a" for r in ran_a)
        assert runs_of("tinh-lai-diem-tinh-b") == []
    assert versions("tinh-b") == before["tinh-b"]
