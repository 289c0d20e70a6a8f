"""Fixtures of the portal's tests: the demo province with accounts and an open round, and one real uvicorn
server on 127.0.0.1 for the whole session."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from office import accounts, rounds
from store.db import make_engine, upgrade

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PASSWORD = "mat-khau-thu-1"  # every test account's password (already changed: no forced change)
UNITS = ["SKHCN", "STP", "SCT", "SXD", "SYT", "STC", "SNV", "SGDDT"]


def _create(engine, name, role, unit=None, assigned=""):
    accounts.create_account(engine, accounts.SYSTEM, name, f"Người dùng {name}", role, unit, assigned,
                            password=PASSWORD)
    from sqlalchemy import update
    from store import models
    with engine.begin() as conn:
        conn.execute(update(models.Account).where(models.Account.username == name).values(must_change_password=False))


def portal_engine(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    _create(engine, "quantri", "quan_tri")
    for code in UNITS:
        _create(engine, f"donvi.{code.lower()}", "don_vi", code)
    _create(engine, "thamdinh", "tham_dinh")
    _create(engine, "thamdinh.stp", "tham_dinh", assigned="STP")
    _create(engine, "hoidong", "hoi_dong")
    rounds.open_demo_round(engine)
    return engine


@pytest.fixture
def portal(province):
    """A copy of the demo province with the test accounts and the demo round open (id returned)."""
    from sqlalchemy import select
    from store import models
    upgrade(province)
    for code in ("SKHCN", "STP"):
        _create(province, f"donvi.{code.lower()}", "don_vi", code)
    _create(province, "thamdinh", "tham_dinh")
    _create(province, "thamdinh.stp", "tham_dinh", assigned="STP")
    round_id = rounds.open_demo_round(province)
    with province.connect() as conn:
        assert conn.execute(select(models.AssessmentRound.id)).scalar() == round_id
    return province, round_id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(engine, data_dir: Path, upload_limit: int = 2 * 1024 * 1024):
    """The portal on a real uvicorn server on 127.0.0.1 (a free port) while the block runs; yields its base url."""
    from web.app import Settings, create_app

    with serving_app(create_app(engine, Settings(data_dir=data_dir, upload_limit=upload_limit))) as base:
        yield base


def wait_healthy(base: str, seconds: float = 60) -> None:
    """Until the portal at ``base`` answers its health check (or ``seconds`` have passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/suc-khoe").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)


@contextmanager
def serving_app(app):
    """``app`` on a real uvicorn server on 127.0.0.1 (a free port) while the block runs; yields its base url."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=True)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, 10)
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(5)


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory):
    """One uvicorn server for the session: (base url, engine, data folder)."""
    folder = tmp_path_factory.mktemp("portal")
    shutil.copy(demo_db, folder / "cong.db")
    engine = portal_engine(folder / "cong.db")
    with serving(engine, folder / "du-lieu") as base:
        yield base, engine, folder / "du-lieu"
    engine.dispose()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    return found.group(1) if found else ""


def signed_in(base: str, username: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    """A client signed in as ``username``, and its CSRF token."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    token = csrf_of(client.get("/dang-nhap").text)
    r = client.post("/dang-nhap", data={"username": username, "password": password, "csrf": token})
    assert r.status_code == 303, r.text[:500]
    return client, csrf_of(client.get("/huong-dan").text)


PROVINCES = {"tinh-a": "Tỉnh A <script>alert('tinh-a')</script>", "tinh-b": "Tỉnh B"}
UNIT_NAMES = {"tinh-a": "Sở Riêng Của Tỉnh A", "tinh-b": "Sở Riêng Của Tỉnh B"}  # SKHCN's name in each province


def province_registry(demo_db: Path, folder: Path) -> Path:
    """Two provinces «tinh-a» and «tinh-b» in ``folder/tinh.yaml``: each a copy of the demo province (the same
    unit codes) with the test accounts, the demo round open, and SKHCN named as only that province names it. Each
    keeps its data in a folder of its own named by the registry (``kho/<key>``: not beside its database, where a
    store would look without the registry), the demo's dossier datasets copied there."""
    import yaml
    from sqlalchemy import update

    from store import models

    for key in PROVINCES:
        home = folder / "tinh" / key
        home.mkdir(parents=True)
        shutil.copy(demo_db, home / "cchc.db")
        shutil.copytree(demo_db.parent / "du-lieu", folder / "kho" / key)
        engine = portal_engine(home / "cchc.db")
        with engine.begin() as conn:
            conn.execute(update(models.Unit).where(models.Unit.code == "SKHCN").values(name=UNIT_NAMES[key]))
        engine.dispose()
    registry = folder / "tinh.yaml"
    registry.write_text(yaml.safe_dump({key: {"ten": name, "database_url": f"sqlite:///tinh/{key}/cchc.db",
                                               "data_dir": f"kho/{key}"}
                                        for key, name in PROVINCES.items()}, allow_unicode=True), encoding="utf-8")
    return registry


@contextmanager
def provinces_portal(registry: Path, shared_key: str):
    """Every province of ``registry`` in one portal (``web.portal``) on a real server, their cookies' keys derived
    from one ``CCHC_SECRET_KEY`` (where a shared key could make one province's cookies valid in another): yields
    (base url, app)."""
    import os

    from office.provinces import load
    from web.app import Settings
    from web.portal import create_portal

    saved = os.environ.get("CCHC_SECRET_KEY")
    os.environ["CCHC_SECRET_KEY"] = shared_key
    try:
        app = create_portal(load(registry), Settings(upload_limit=2 * 1024 * 1024))
    finally:
        if saved is None:
            del os.environ["CCHC_SECRET_KEY"]
        else:
            os.environ["CCHC_SECRET_KEY"] = saved
    try:
        with serving_app(app) as base:
            yield base, app
    finally:
        for engine in app.state.engines.values():
            engine.dispose()


def client_of(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=30)


def sign_in_under(base: str, key: str, username: str, password: str = PASSWORD, **form) -> tuple[httpx.Client, httpx.Response]:
    """A client signed in as ``username`` in the province ``key`` of a shared portal, and the sign-in's answer."""
    client = client_of(base)
    token = csrf_of(client.get(f"/{key}/dang-nhap").text)
    r = client.post(f"/{key}/dang-nhap", data={"username": username, "password": password, "csrf": token, **form})
    assert r.status_code == 303, r.text[:500]
    return client, r


def open_round(app, key: str) -> int:
    """The open self-assessment round of province ``key`` of a shared portal."""
    from sqlalchemy import select

    from store import models

    with app.state.engines[key].connect() as conn:
        return conn.execute(select(models.AssessmentRound.id).where(models.AssessmentRound.state == "mo")).scalar()
