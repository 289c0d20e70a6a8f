"""An attacker's tries against the portal of several provinces (``web.portal``) on a real uvicorn server: three
provinces, one of whose keys is a prefix of another's (``tinh-a`` and ``tinh-ab``), each with the same accounts
and unit codes. Cookies, form tokens, return paths, headers a client may forge, paths that climb or are encoded,
static files, the health check, evidence files and the registry's names. Each test names its guard."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from office.provinces import load
from portal_fixtures import PASSWORD, csrf_of, portal_engine, serving_app
from store import models
from web.app import Settings
from web.portal import create_portal

A, AB, B = "tinh-a", "tinh-ab", "tinh-b"
NAMES = {A: "Tỉnh A", AB: "Tỉnh AB", B: "Tỉnh B"}


def _registry(demo_db: Path, folder: Path) -> Path:
    for key in NAMES:
        home = folder / "tinh" / key
        home.mkdir(parents=True)
        shutil.copy(demo_db, home / "cchc.db")
        portal_engine(home / "cchc.db").dispose()
    registry = folder / "tinh.yaml"
    registry.write_text(yaml.safe_dump({key: {"ten": name, "database_url": f"sqlite:///tinh/{key}/cchc.db"}
                                        for key, name in NAMES.items()}, allow_unicode=True), encoding="utf-8")
    return registry


@pytest.fixture(scope="module")
def portal(demo_db, tmp_path_factory):
    """Three provinces in one portal, their keys derived from one CCHC_SECRET_KEY: (base url, app, folder)."""
    folder = tmp_path_factory.mktemp("cong-tan-cong")
    registry = _registry(demo_db, folder)
    saved = os.environ.get("CCHC_SECRET_KEY")
    os.environ["CCHC_SECRET_KEY"] = "khoa-chung-cua-ca-he-thong"
    try:
        app = create_portal(load(registry), Settings(upload_limit=2 * 1024 * 1024))
    finally:
        if saved is None:
            del os.environ["CCHC_SECRET_KEY"]
        else:
            os.environ["CCHC_SECRET_KEY"] = saved
    with serving_app(app) as base:
        yield base, app, folder
    for engine in app.state.engines.values():
        engine.dispose()


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=30)


def _sign_in(base: str, key: str, username: str, **form) -> tuple[httpx.Client, httpx.Response]:
    client = _client(base)
    token = csrf_of(client.get(f"/{key}/dang-nhap").text)
    r = client.post(f"/{key}/dang-nhap", data={"username": username, "password": PASSWORD, "csrf": token, **form})
    assert r.status_code == 303, r.text[:500]
    return client, r


def _round(app, key: str) -> int:
    with app.state.engines[key].connect() as conn:
        return conn.execute(select(models.AssessmentRound.id).where(models.AssessmentRound.state == "mo")).scalar()


def test_a_cookie_left_at_the_root_does_not_shadow_the_provinces_own(portal):
    """Guard: web.security.Cookies.read_first (of several cookies of one name, the first that this province's key
    signed). A browser sends the cookie of the longest path first; one set for «/» (by the portal once served at
    the root of the same address, or planted) comes after it. Read last-wins, a stale one locked everyone out of
    signing in for a day, and a valid one of the attacker's own swapped the victim into the attacker's account."""
    base, app, _ = portal
    visitor = _client(base)
    token = csrf_of(visitor.get(f"/{A}/dang-nhap").text)
    own = visitor.cookies.get("cchc_khach", path=f"/{A}/")
    stale = app.state.apps[B].state.cookies.sign("khach-cu")  # signed, but not with A's key
    form = {"username": "donvi.skhcn", "password": PASSWORD, "csrf": token}
    signed = _client(base).post(f"/{A}/dang-nhap", data=form, headers={"cookie": f"cchc_khach={own}; cchc_khach={stale}"})
    assert signed.status_code == 303, signed.text[:300]

    victim, _ = _sign_in(base, A, "donvi.skhcn")
    attacker, _ = _sign_in(base, A, "donvi.stp")
    mine = victim.cookies.get("cchc_phien", path=f"/{A}/")
    planted = attacker.cookies.get("cchc_phien", path=f"/{A}/")
    page = _client(base).get(f"/{A}/huong-dan", headers={"cookie": f"cchc_phien={mine}; cchc_phien={planted}"})
    assert page.status_code == 200 and "donvi.skhcn" in page.text and "donvi.stp" not in page.text


@pytest.mark.parametrize("tiep", ["/../tinh-b/tu-danh-gia", "/..", "/%2e%2e/tinh-ab/tu-danh-gia", "/./%2E./tinh-b/",
                                  "/thong-bao/../../tinh-b/cong-khai", "//evil.example", "/\\evil.example",
                                  "/%5Cevil.example", "https://evil.example/", "/\t/evil.example"])
def test_the_return_path_after_signing_in_stays_in_the_province(portal, tiep):
    """Guard: web.routes_account._safe_next (a path of this portal without a segment that climbs, «..» or «.»
    however written, and never another site). The browser resolves «/tinh-a/../tinh-b/…» to the other province:
    a link to a province's sign-in page sent whoever signed in there on to another province's pages."""
    from urllib.parse import urljoin

    base, _, _ = portal
    _, r = _sign_in(base, A, "donvi.skhcn", tiep=tiep)
    where = urljoin(f"{base}/{A}/dang-nhap", r.headers["location"])
    assert where.startswith(f"{base}/{A}/"), where
    assert "/." not in where.lower().replace("%2e", ".")


@pytest.mark.parametrize("name", ["Tỉnh A\x1b[2J\x1b[31m", "Tỉnh A\nTỉnh giả: http://evil.example/", "Tỉnh\u202eA",
                                  "Tỉnh\rA", "Tỉnh\x00A"])
def test_a_province_name_with_control_or_hidden_characters_is_refused(tmp_path, name):
    """Guard: office.provinces (a name is printed: cchc serve writes each province's address to the terminal, the
    landing page lists them). A name with an escape sequence repainted the operator's terminal, one with a line
    break printed an address line of its own; the registry is refused naming its file, the province and the
    field, and «cchc tinh add» registers nothing."""
    from office.errors import Refused
    from office.provinces import add

    registry = tmp_path / "tinh.yaml"
    registry.write_text(yaml.safe_dump({A: {"ten": name, "database_url": "sqlite:///tinh/a.db"}}, allow_unicode=True),
                        encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load(registry)
    assert str(registry) in refused.value.message and f"«{A}»" in refused.value.message and "ten" in refused.value.message
    other = tmp_path / "khac" / "tinh.yaml"
    with pytest.raises(Refused):
        add(A, name, path=other)
    assert not other.exists() and not (other.parent / "tinh").exists()
    assert load(_write(tmp_path / "tot.yaml", "Tỉnh Ninh Thuận"))[A].name == "Tỉnh Ninh Thuận"


def _write(path: Path, name: str) -> Path:
    path.write_text(yaml.safe_dump({A: {"ten": name, "database_url": "sqlite:///tinh/a.db"}}, allow_unicode=True),
                    encoding="utf-8")
    return path
