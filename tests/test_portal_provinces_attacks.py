"""An attacker's tries against the portal of several provinces (``web.portal``) on a real uvicorn server: three
provinces, one of whose keys is a prefix of another's (``tinh-a`` and ``tinh-ab``), each with the same accounts
and unit codes. Cookies, form tokens, return paths, headers a client may forge, paths that climb or are encoded,
static files, the health check, evidence files and the registry's names. Each test names its guard."""

from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from office.provinces import load
from portal_fixtures import PASSWORD, client_of, csrf_of, open_round, portal_engine, provinces_portal, sign_in_under
from store import models

A, AB, B = "tinh-a", "tinh-ab", "tinh-b"
NAMES = {A: "Tỉnh A", AB: "Tỉnh AB", B: "Tỉnh B"}
ADDRESS = re.compile(r'(?:href|action|src|data-live)="([^"]*)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


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
    with provinces_portal(_registry(demo_db, folder), "khoa-chung-cua-ca-he-thong") as (base, app):
        yield base, app, folder


def test_a_cookie_left_at_the_root_does_not_shadow_the_provinces_own(portal):
    """Guard: web.security.Cookies.read_first (of several cookies of one name, the first that this province's key
    signed). A browser sends the cookie of the longest path first; one set for «/» (by the portal once served at
    the root of the same address, or planted) comes after it. Read last-wins, a stale one locked everyone out of
    signing in for a day, and a valid one of the attacker's own swapped the victim into the attacker's account."""
    base, app, _ = portal
    visitor = client_of(base)
    token = csrf_of(visitor.get(f"/{A}/dang-nhap").text)
    own = visitor.cookies.get("cchc_khach", path=f"/{A}/")
    stale = app.state.apps[B].state.cookies.sign("khach-cu")  # signed, but not with A's key
    form = {"username": "donvi.skhcn", "password": PASSWORD, "csrf": token}
    signed = client_of(base).post(f"/{A}/dang-nhap", data=form, headers={"cookie": f"cchc_khach={own}; cchc_khach={stale}"})
    assert signed.status_code == 303, signed.text[:300]

    victim, _ = sign_in_under(base, A, "donvi.skhcn")
    attacker, _ = sign_in_under(base, A, "donvi.stp")
    mine = victim.cookies.get("cchc_phien", path=f"/{A}/")
    planted = attacker.cookies.get("cchc_phien", path=f"/{A}/")
    page = client_of(base).get(f"/{A}/huong-dan", headers={"cookie": f"cchc_phien={mine}; cchc_phien={planted}"})
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
    _, r = sign_in_under(base, A, "donvi.skhcn", tiep=tiep)
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


def test_a_key_that_is_a_prefix_of_another_shares_nothing_with_it(portal):
    """Guards: web.app.cookie_path (a prefix's cookies end with «/»: «/tinh-a/» is not a path of «/tinh-ab/»),
    Starlette's Mount («/tinh-a» matches «/tinh-a/…» only) and web.portal.province_secret. Signed in under
    /tinh-a/, the person is nobody under /tinh-ab/, by the browser's rules and by replaying the cookie."""
    base, _, _ = portal
    client, r = sign_in_under(base, A, "donvi.skhcn")
    header = next(h for h in r.headers.get_list("set-cookie") if h.startswith("cchc_phien="))
    assert "Path=/tinh-a/" in header and "Path=/tinh-a;" not in header
    assert client.get(f"/{AB}/tu-danh-gia").headers["location"] == f"/{AB}/dang-nhap?tiep=/tu-danh-gia"
    assert client.get(f"/{A}/tu-danh-gia").status_code == 200
    cookie = client.cookies.get("cchc_phien", path=f"/{A}/")
    replayed = client_of(base).get(f"/{AB}/tu-danh-gia", headers={"cookie": f"cchc_phien={cookie}"})
    assert replayed.status_code == 303
    token = csrf_of(client.get(f"/{A}/huong-dan").text)
    posted = client_of(base).post(f"/{AB}/thong-bao/doc-het", data={"csrf": token},
                                headers={"cookie": f"cchc_phien={cookie}"})
    assert posted.status_code == 403


def _raw(base: str, path: str, headers: str = "", host: str | None = None) -> tuple[int, str, str]:
    """A GET of ``path`` exactly as written (no client resolves its «..» or decodes it), with the Host header
    ``host`` if given (a client's own): status, head, body."""
    address, port = base.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host or f'{address}:{port}'}\r\n{headers}Connection: close\r\n\r\n"
                     .encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.decode("utf-8", "replace").partition("\r\n\r\n")
    return int(head.split()[1]), head, body


@pytest.mark.parametrize("path", ["/TINH-A/dang-nhap", "/Tinh-a/", "/tinh-a/../tinh-b/dang-nhap", "/tinh-b/../tinh-a/",
                                  "/tinh-a%2F..%2Ftinh-b/dang-nhap", "/tinh-a/..%2Ftinh-b/dang-nhap", "//tinh-a/dang-nhap",
                                  "/tinh-a//dang-nhap", "/tinh-a//evil.example", "/tinh-a//evil.example/",
                                  "/tinh-a/%2Fevil.example/", "/tinh-a/%5Cevil.example/", "/tinh-a/\\evil.example/",
                                  "/tinh-a%2Fdang-nhap", "/tinh-a/static/../../portal.py", "/tinh-a/static/..%2F..%2Fportal.py",
                                  "/tinh-a/static/%2e%2e/app.py", "/static/..%2Fportal.py", "/static/../tinh/tinh-a/cchc.db",
                                  "/tinh-a/static/%2e%2e/%2e%2e/templates/base.html",
                                  "/tinh-a/tai-lieu/..%2F..%2Fkhoa-phien.txt"])
def test_paths_that_climb_are_encoded_or_doubled_reach_no_other_province_nor_a_file(portal, path):
    """Guards: Starlette's Mount and routing (matched on the path as sent, never resolved: «/tinh-a/../tinh-b/…»
    stays in tinh-a, where it is no page) and StaticFiles (nothing outside web/static). Every such address is
    «not found», never another province's page, a redirect elsewhere, a file of the server, or a server error."""
    base, _, _ = portal
    status, head, body = _raw(base, path)
    if path == "/tinh-a%2Fdang-nhap":  # the server decodes it to /tinh-a/dang-nhap: that province's own page
        assert status == 200 and all(a.startswith(f"/{A}/") for a in ADDRESS.findall(body) if not a.startswith("#"))
        return
    assert status in (404, 303, 307), (status, head)
    if status != 404:  # a redirect (sign-in, or the prefix with its slash): under the same prefix, this site
        location = re.search(r"(?im)^location: (.*)$", head).group(1).strip()
        assert location.startswith(("/tinh-a/", f"{base}/tinh-a/", "/tinh-b/", f"{base}/tinh-b/")), location
        assert location.split("/tinh-")[1].split("/")[0] == path.split("/tinh-")[1][0], location
    assert "khoa-phien" not in body and "SQLite format" not in body and "import " not in body


@pytest.mark.parametrize("forged", ["X-Forwarded-Prefix: /evil", "X-Forwarded-Host: evil.example", "X-Script-Name: /tinh-b",
                                    "Forwarded: host=evil.example;proto=https", "X-Forwarded-Path: /tinh-b",
                                    "X-Original-URL: /tinh-b/tu-danh-gia", "X-Rewrite-URL: /tinh-b/"])
def test_headers_a_client_forges_change_no_address_nor_cookie_path(portal, forged):
    """Guards: web.app.base_of reads the prefix from the ASGI root_path only (the mount's, and uvicorn's
    --root-path set by the operator), never from a request header; uvicorn's proxy headers are For and Proto
    only. Links, form actions, redirects and the cookies' path stay the province's own."""
    base, _, _ = portal
    name, _, value = forged.partition(": ")
    headers = {name: value}
    page = client_of(base).get(f"/{A}/dang-nhap", headers=headers)
    assert page.status_code == 200
    found = [a for a in ADDRESS.findall(page.text) if not a.startswith("#")]
    assert found and all(a.startswith(f"/{A}/") for a in found), found
    assert all("Path=/tinh-a/" in h for h in page.headers.get_list("set-cookie"))
    asked = client_of(base).get(f"/{A}/tu-danh-gia", headers=headers)
    assert asked.headers["location"] == f"/{A}/dang-nhap?tiep=/tu-danh-gia"
    client, r = sign_in_under(base, A, "donvi.skhcn")
    assert r.headers["location"] == f"/{A}/tu-danh-gia"
    assert client.get(f"/{A}/", headers=headers).headers["location"] == f"/{A}/tu-danh-gia"


def test_the_back_link_never_leads_to_another_province(portal):
    """Guard: web.app._came_from (a Referer of this site under this province's own prefix, «/tinh-a/» with its
    slash, else the province's home): the error page's «Quay lại» of /tinh-a/ never points to /tinh-ab/,
    /tinh-b/ or another site."""
    base, _, _ = portal
    client, _ = sign_in_under(base, A, "donvi.skhcn")

    def back_link(referer: str) -> str:
        page = client.get(f"/{A}/tu-danh-gia/999999", headers={"referer": referer})
        assert page.status_code == 404
        return re.search(r'<a href="([^"]*)">Quay lại</a>', page.text).group(1)

    host = base.removeprefix("http://")
    assert back_link(f"{base}/{A}/huong-dan?x=1") == f"/{A}/huong-dan?x=1"
    for referer in (f"{base}/{AB}/huong-dan", f"{base}/{B}/huong-dan", f"{base}/{A}", f"http://evil.example/{A}/x",
                    f"{base}//evil.example/{A}/", f"http://{host}.evil.example/{A}/x", "javascript:alert(1)", f"{base}/"):
        assert back_link(referer) == f"/{A}/", referer


def test_pages_with_a_person_behind_a_prefix_are_never_kept_by_a_shared_cache(portal):
    """Guards: web.app.who_and_csrf's Cache-Control (private, no-store) under a prefix as at the root — a page,
    an evidence file and a redirect of someone signed in — and the landing page, the only page a shared cache may
    keep, sets no cookie and names no one."""
    base, app, _ = portal
    client, _ = sign_in_under(base, A, "donvi.skhcn")
    rid = open_round(app, A)
    token = csrf_of(client.get(f"/{A}/tu-danh-gia/{rid}").text)
    r = client.post(f"/{A}/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                    files={"file": ("bien-ban.pdf", PDF, "application/pdf")})
    assert r.status_code == 303
    with app.state.engines[A].connect() as conn:
        file_id = conn.execute(select(models.EvidenceFile.id).order_by(models.EvidenceFile.id.desc())).scalar()
    for path in (f"/{A}/tu-danh-gia/{rid}", f"/{A}/thong-bao", f"/{A}/tai-lieu/{file_id}", f"/{A}/", f"/{A}/cong-khai"):
        got = client.get(path)
        assert got.headers.get("cache-control") == "private, no-store", (path, got.headers.get("cache-control"))
    landing = client_of(base).get("/", headers={"cookie": f"cchc_phien={client.cookies.get('cchc_phien', path=f'/{A}/')}"})
    assert landing.headers["cache-control"] == "public, max-age=300" and "set-cookie" not in landing.headers
    assert "donvi" not in landing.text and "Người dùng" not in landing.text


def test_evidence_of_one_province_cannot_be_read_from_another(portal):
    """Guards: each province's own store (the file's row) and data folder (web.portal: Settings.data_dir per
    province, passed to office.assessment.upload and evidence_file). The same unit's officer of province B asks
    for A's file by its id: not found, and the bytes are stored in A's folder only."""
    base, app, folder = portal
    a, _ = sign_in_under(base, A, "donvi.skhcn")
    rid = open_round(app, A)
    token = csrf_of(a.get(f"/{A}/tu-danh-gia/{rid}").text)
    secret = PDF + b"% bien ban rieng cua tinh A\n"
    assert a.post(f"/{A}/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                  files={"file": ("rieng.pdf", secret, "application/pdf")}).status_code == 303
    with app.state.engines[A].connect() as conn:
        file_id = conn.execute(select(models.EvidenceFile.id).order_by(models.EvidenceFile.id.desc())).scalar()
    assert a.get(f"/{A}/tai-lieu/{file_id}").content == secret
    for other in (AB, B):
        b, _ = sign_in_under(base, other, "donvi.skhcn")
        assert b.get(f"/{other}/tai-lieu/{file_id}").status_code == 404
        assert b.get(f"/{other}/tai-lieu/{file_id}", headers={"cookie": f"cchc_phien={a.cookies.get('cchc_phien')}"}
                     ).status_code in (303, 404)
        assert not list((folder / "tinh" / other).rglob("tai-lieu/*/*"))
    assert client_of(base).get(f"/{A}/tai-lieu/{file_id}").status_code == 303  # nobody signed in: to the sign-in


def test_the_health_check_shows_no_address_password_or_error_text(portal):
    """Guard: web.portal's /suc-khoe names each store by its province's key with «tot» or the error's kind only,
    never its database address, folder, password or the error's text; a province's own /suc-khoe says even less."""
    base, app, folder = portal
    for path in ("/suc-khoe", "/health", f"/{A}/suc-khoe"):
        got = httpx.get(base + path)
        assert got.status_code == 200
        assert "sqlite" not in got.text and str(folder) not in got.text and "cchc.db" not in got.text
    assert set(httpx.get(base + "/suc-khoe").json()) == {"trang_thai", "tinh", "luc"}


@pytest.mark.parametrize("folders", [("chung/du-lieu", "chung/du-lieu"), ("chung", "chung/tinh-b")])
def test_two_provinces_cannot_share_a_data_folder(tmp_path, folders):
    """Guard: office.provinces.load refuses two provinces whose data folders are one, or one inside the other.
    The folder holds the key that signs a province's cookies (khoa-phien.txt, when CCHC_SECRET_KEY is not set),
    its evidence files and its dossier datasets: shared, one province's session cookie was signed with the
    other's key too, and its files lay where the other's are read."""
    from office.errors import Refused

    registry = tmp_path / "tinh.yaml"
    registry.write_text(yaml.safe_dump({key: {"ten": NAMES[key], "database_url": f"sqlite:///tinh/{key}.db",
                                              "data_dir": folder} for key, folder in zip((A, B), folders)},
                                       allow_unicode=True), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load(registry)
    assert str(registry) in refused.value.message and f"«{A}»" in refused.value.message and f"«{B}»" in refused.value.message
    registry.write_text(yaml.safe_dump({key: {"ten": NAMES[key], "database_url": f"sqlite:///tinh/{key}.db",
                                              "data_dir": f"rieng/{key}"} for key in (A, AB)}, allow_unicode=True),
                        encoding="utf-8")
    assert [p.data_dir.name for p in load(registry).values()] == [A, AB]  # tinh-a is not a folder of tinh-ab


def test_a_province_added_into_another_provinces_data_folder_is_refused(tmp_path):
    """Guard: office.provinces.add checks the data folder before anything is made: refused, nothing registered."""
    from office.errors import Refused
    from office.provinces import add

    registry = tmp_path / "tinh.yaml"
    add(A, NAMES[A], path=registry)
    with pytest.raises(Refused) as refused:
        add(B, NAMES[B], data_dir=tmp_path / "tinh" / A / "du-lieu" / "con", path=registry)
    assert f"«{A}»" in refused.value.message and refused.value.field == "--data-dir"
    assert list(load(registry)) == [A] and not (tmp_path / "tinh" / B).exists()
    add(AB, NAMES[AB], path=registry)
    assert list(load(registry)) == [A, AB]


@pytest.mark.parametrize("path, to", [("/tinh-a", "/tinh-a/"), ("/tinh-ab?trang=2", "/tinh-ab/?trang=2"),
                                      ("/tinh-a/cong-khai/", "/tinh-a/cong-khai"), ("/tinh-a/huong-dan/", "/tinh-a/huong-dan")])
def test_a_slash_redirect_does_not_name_the_host_the_client_sent(portal, path, to):
    """Guard: web.portal's headers middleware (a redirect to this very site is written as a path). Starlette adds or
    drops a trailing slash by a redirect naming the Host the request came with: a forged Host (or one a shared
    cache keys by something else) sent the reader to another site."""
    base, _, _ = portal
    for host in (base.removeprefix("http://"), "evil.example", "evil.example:80"):
        status, head, _ = _raw(base, path, host=host)
        assert status == 307, head
        location = re.search(r"(?im)^location: (.*)$", head).group(1).strip()
        assert location == to and "evil" not in head, (host, head)


def test_a_refusal_of_the_registry_shows_no_database_password(tmp_path):
    """Guard: office.provinces (a database's address is named with its password hidden, as cchc serve prints it).
    A registry refused at the start of every worker of the portal writes its message to the service's log."""
    from office.errors import Refused
    from office.provinces import add

    url = "postgresql+psycopg://cchc:mat-khau-bi-mat@127.0.0.1:5432/cchc_chung"
    registry = tmp_path / "tinh.yaml"
    registry.write_text(yaml.safe_dump({key: {"ten": NAMES[key], "database_url": url} for key in (A, B)},
                                       allow_unicode=True), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load(registry)
    assert "mat-khau-bi-mat" not in refused.value.message and "cchc_chung" in refused.value.message
    registry.write_text(yaml.safe_dump({A: {"ten": NAMES[A], "database_url": url}}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        add(B, NAMES[B], database_url=url, path=registry)
    assert "mat-khau-bi-mat" not in refused.value.message and f"«{A}»" in refused.value.message
