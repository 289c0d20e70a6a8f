"""One portal for several provinces, each under its own prefix (``web.portal``), over HTTP against a real uvicorn
server: two provinces with the same unit codes and the same accounts, a unit's officer of one sees only that
province's data, every address the pages write and every redirect stays under the prefix, and a cookie or a form
token of one province is nothing in the other even where both stores hold the same session. The landing page
escapes the provinces' names, an unknown prefix is not found, the health check answers for every store, and
``cchc serve`` with a registry serves them all (two workers) and prints each province's address. Each test
names its guard."""

from __future__ import annotations

import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select

from office import accounts
from office.provinces import load
from portal_fixtures import (PASSWORD, PROVINCES, UNIT_NAMES, client_of, csrf_of, free_port, open_round, province_registry,
                             provinces_portal, sign_in_under, wait_healthy)
from store import models

A, B = "tinh-a", "tinh-b"
ADDRESS = re.compile(r'(?:href|action|src|data-live)="([^"]*)"')


@pytest.fixture(scope="module")
def portal(demo_db, tmp_path_factory):
    """Both provinces in one portal on a real server, their cookies' keys derived from one CCHC_SECRET_KEY:
    (base url, app, folder)."""
    folder = tmp_path_factory.mktemp("cong-cac-tinh")
    with provinces_portal(province_registry(demo_db, folder), "mot-khoa-chung-cho-ca-he-thong") as (base, app):
        yield base, app, folder





def _set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each cookie set by the response → its Set-Cookie header."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_a_unit_signs_in_under_its_province_and_sees_only_that_provinces_data(portal):
    """Guards: web.portal mounting each province's own app (its own store) under its key, and
    web.app.cookie_path (the session cookie is for the province's prefix only, so a browser never sends it to
    the other province)."""
    base, app, _ = portal
    for key, other in ((A, B), (B, A)):
        client = client_of(base)
        login = client.get(f"/{key}/dang-nhap")
        assert "Path=/%s/" % key in _set_cookies(login)["cchc_khach"]
        token = csrf_of(login.text)
        r = client.post(f"/{key}/dang-nhap", data={"username": "donvi.skhcn", "password": PASSWORD, "csrf": token})
        assert r.status_code == 303 and r.headers["location"] == f"/{key}/tu-danh-gia"
        assert "Path=/%s/" % key in _set_cookies(r)["cchc_phien"]
        page = client.get(f"/{key}/tu-danh-gia/{open_round(app, key)}")
        assert page.status_code == 200
        assert UNIT_NAMES[key] in page.text and UNIT_NAMES[other] not in page.text
        # the client keeps the cookie for its path: under the other prefix it is not sent, nobody is signed in
        assert client.get(f"/{other}/tu-danh-gia").headers["location"] == f"/{other}/dang-nhap?tiep=/tu-danh-gia"


def _addresses(html: str) -> list[str]:
    return [a for a in ADDRESS.findall(html) if a.startswith("/")]


def test_every_address_the_pages_write_stays_under_the_prefix(portal):
    """Guard: the templates' ``base`` before every address of the portal (links, forms, scripts, styles, the live
    points' address) and routes_public's links of the ranking; the pages of each role are read."""
    base, app, _ = portal
    rid = open_round(app, A)
    pages = {"donvi.skhcn": ["/tu-danh-gia", f"/tu-danh-gia/{rid}", "/bao-cao-dinh-ky", "/don-vi/SKHCN/muc-tieu",
                             "/thong-bao", "/huong-dan", "/huong-dan/don-vi", "/tu-danh-gia/999999"],
             "thamdinh": ["/tham-dinh", f"/tham-dinh/{rid}/SKHCN"],
             "quantri": ["/quan-tri", "/quan-tri/tai-khoan", "/quan-tri/nhat-ky", "/quan-tri/bao-cao-dinh-ky",
                         "/hoi-dong", "/thong-bao"],
             "hoidong": ["/hoi-dong"]}
    seen = 0
    for username, paths in pages.items():
        client, _ = sign_in_under(base, A, username)
        for path in paths:
            page = client.get(f"/{A}{path}", headers={"referer": f"{base}/{A}/huong-dan"})
            assert page.status_code in (200, 404), (path, page.status_code)
            found = _addresses(page.text)
            assert found, path
            wrong = [a for a in found if not a.startswith(f"/{A}/")]
            assert not wrong, (path, wrong)
            seen += len(found)
    from office.scores import score
    from rules.ruleset import find

    score(app.state.engines[A], find("qd766-2022"), "2024-NAM", publish=True)  # a published ranking to read
    public = client_of(base)
    listing = public.get(f"/{A}/cong-khai").text
    run = re.findall(rf'href="/{A}/cong-khai/(\d+)"', listing)[0]
    for path in ["/cong-khai", "/dang-nhap", "/huong-dan", f"/cong-khai/{run}", f"/cong-khai/{run}?q=S&sap_xep=-diem",
                 f"/cong-khai/{run}/SKHCN"]:
        page = public.get(f"/{A}{path}")
        assert page.status_code == 200, path
        wrong = [a for a in _addresses(page.text) if not a.startswith(f"/{A}/")]
        assert not wrong, (path, wrong)
        seen += 1
    assert seen > 100


def test_every_redirect_stays_under_the_prefix(portal):
    """Guards: web.app.to / back (a redirect is the prefix and the page's own path), the sign-in page's
    ``?tiep=`` without the prefix (web.app.path_of) and the notice cookie's path (web.app.cookie_path)."""
    base, app, _ = portal
    rid = open_round(app, A)
    public = client_of(base)
    assert public.get(f"/{A}").headers["location"].endswith(f"/{A}/")
    assert public.get(f"/{A}/").headers["location"] == f"/{A}/cong-khai"
    asked = public.get(f"/{A}/tu-danh-gia/{rid}")
    assert asked.status_code == 303 and asked.headers["location"] == f"/{A}/dang-nhap?tiep=/tu-danh-gia/{rid}"
    client, r = sign_in_under(base, A, "donvi.skhcn", tiep=f"/tu-danh-gia/{rid}")
    assert r.headers["location"] == f"/{A}/tu-danh-gia/{rid}"
    assert client.get(f"/{A}/").headers["location"] == f"/{A}/tu-danh-gia"
    assert client.get(f"/{A}/muc-tieu").headers["location"] == f"/{A}/don-vi/SKHCN/muc-tieu"
    token = csrf_of(client.get(f"/{A}/tu-danh-gia/{rid}").text)
    saved = client.post(f"/{A}/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__tthc_cong_khai": "53"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/{A}/tu-danh-gia/{rid}"
    assert "Path=/%s/" % A in _set_cookies(saved)["cchc_tb"]
    shown = client.get(f"/{A}/tu-danh-gia/{rid}")
    assert "Đã lưu nháp." in shown.text
    assert "Path=/%s/" % A in _set_cookies(shown)["cchc_tb"]  # removed where it was set
    assert client.post(f"/{A}/thong-bao/doc-het", data={"csrf": token}).headers["location"] == f"/{A}/thong-bao"
    out = client.post(f"/{A}/dang-xuat", data={"csrf": token})
    assert out.headers["location"] == f"/{A}/dang-nhap" and "Path=/%s/" % A in _set_cookies(out)["cchc_phien"]

    # a first sign-in: the password must be changed first, under the prefix too
    accounts.create_account(app.state.engines[A], accounts.SYSTEM, "canbo.moi", "Cán bộ mới", "don_vi", "STP",
                            password="ban-dau-2024x")
    client, r = sign_in_under(base, A, "canbo.moi", "ban-dau-2024x")
    assert r.headers["location"] == f"/{A}/doi-mat-khau"
    assert client.get(f"/{A}/tu-danh-gia").headers["location"] == f"/{A}/doi-mat-khau"
    token = csrf_of(client.get(f"/{A}/doi-mat-khau").text)
    changed = client.post(f"/{A}/doi-mat-khau", data={"csrf": token, "old_password": "ban-dau-2024x",
                                                      "new_password": "mat-khau-moi-77", "repeat": "mat-khau-moi-77"})
    assert changed.headers["location"] == f"/{A}/tu-danh-gia"


def _copy_session(app, source: str, target: str, cookie: str) -> str:
    """The store of ``target`` holds the session of ``cookie`` (signed by ``source``) for the same person, as a
    store restored from the other's copy would; the session id is returned."""
    sid = app.state.apps[source].state.cookies.read(cookie)
    with app.state.engines[source].connect() as conn:
        row = dict(conn.execute(select(models.WebSession).where(models.WebSession.id == sid)).mappings().one())
        username = conn.execute(select(models.Account.username).where(models.Account.id == row["account_id"])).scalar()
    with app.state.engines[target].begin() as conn:
        row["account_id"] = conn.execute(select(models.Account.id).where(models.Account.username == username)).scalar()
        conn.execute(insert(models.WebSession).values(**row))
    return sid


def test_a_session_of_one_province_is_no_session_in_another(portal):
    """Guard: web.portal.province_secret (each province's cookies signed with a key of its own, derived from the
    shared CCHC_SECRET_KEY): even where both stores hold the same session id, province A's cookie replayed under
    /tinh-b/ is refused, while the same id signed with B's key is a session there."""
    base, app, _ = portal
    client, _ = sign_in_under(base, A, "donvi.skhcn")
    cookie = client.cookies.get("cchc_phien", path=f"/{A}/")
    assert cookie
    sid = _copy_session(app, A, B, cookie)
    replayed = client_of(base).get(f"/{B}/tu-danh-gia", headers={"cookie": f"cchc_phien={cookie}"})
    assert replayed.status_code == 303 and replayed.headers["location"] == f"/{B}/dang-nhap?tiep=/tu-danh-gia"
    own = app.state.apps[B].state.cookies.sign(sid)  # the check above refuses by the key alone
    assert client_of(base).get(f"/{B}/tu-danh-gia", headers={"cookie": f"cchc_phien={own}"}).status_code == 200


def test_a_form_token_of_one_province_is_refused_by_another(portal):
    """Guard: web.portal.province_secret (the CSRF token is a MAC under the province's own key): province A's
    token and visitor cookie posted to /tinh-b/ are refused (403), signed in or not; B's own are accepted."""
    base, app, _ = portal
    visitor = client_of(base)
    token = csrf_of(visitor.get(f"/{A}/dang-nhap").text)
    cookie = visitor.cookies.get("cchc_khach", path=f"/{A}/")
    form = {"username": "donvi.skhcn", "password": PASSWORD, "csrf": token}
    refused = client_of(base).post(f"/{B}/dang-nhap", data=form, headers={"cookie": f"cchc_khach={cookie}"})
    assert refused.status_code == 403, refused.text[:300]
    assert client_of(base).post(f"/{A}/dang-nhap", data=form, headers={"cookie": f"cchc_khach={cookie}"}
                              ).status_code == 303  # in its own province the same token signs in

    client, _ = sign_in_under(base, A, "donvi.skhcn")
    token = csrf_of(client.get(f"/{A}/huong-dan").text)
    cookie = client.cookies.get("cchc_phien", path=f"/{A}/")
    _copy_session(app, A, B, cookie)
    posted = client_of(base).post(f"/{B}/thong-bao/doc-het", data={"csrf": token},
                                headers={"cookie": f"cchc_phien={cookie}"})
    assert posted.status_code == 403


def test_a_provinces_dossiers_sent_through_the_portal_land_in_its_own_data_folder(portal, monkeypatch, tmp_path):
    """Guard: web.portal placing each province's store in its registry's data folder (store.dossier_data.place).
    Without it the datasets go where the process's CCHC_DATA_DIR (set here to a folder of neither province) or
    the default says, where a province whose store is a server shares them with every other."""
    import hashlib

    from helpers import DOSSIER_HEADERS, dossier
    from test_portal_data_upload import csv_bytes

    base, app, folder = portal
    elsewhere = tmp_path / "du-lieu-cua-tien-trinh"
    monkeypatch.setenv("CCHC_DATA_DIR", str(elsewhere))
    data = csv_bytes(DOSSIER_HEADERS, [dossier(code=f"TINH-A-{i}") for i in range(3)])
    client, _ = sign_in_under(base, A, "quantri")
    token = csrf_of(client.get(f"/{A}/quan-tri/du-lieu").text)
    r = client.post(f"/{A}/quan-tri/du-lieu/nhap", data={"csrf": token},
                    files=[("files", ("ho_so.csv", data, "text/csv"))])
    assert r.status_code == 200 and "Đã nhập 1 tệp." in " ".join(r.text.split()), r.text[:800]
    digest = hashlib.sha256(data).hexdigest()
    assert (folder / "kho" / A / "ho-so" / digest).is_dir()
    assert not (folder / "kho" / B / "ho-so" / digest).exists() and not elsewhere.exists()
    kept = list((folder / "kho" / A / "ho-so" / "thay-doi").rglob(f"*-{digest}*.parquet"))
    assert len(kept) == 2, kept  # the batch's changes, with its province's store


def test_the_landing_page_lists_the_provinces_with_their_names_escaped(portal):
    """Guard: the landing page's autoescaping (web.portal: templates.env.autoescape): a province named with
    ``<script>`` in the registry is text, under the same content policy as the provinces' pages."""
    base, _, _ = portal
    page = httpx.get(base + "/")
    assert page.status_code == 200
    assert "<script>" not in page.text and "&lt;script&gt;alert(" in page.text
    for key in PROVINCES:
        assert f'href="/{key}/"' in page.text
    assert page.headers["content-security-policy"] == "default-src 'self'; frame-ancestors 'none'"
    assert httpx.get(base + "/static/style.css").status_code == 200


def test_an_unknown_prefix_is_not_found(portal):
    """Guard: only the registered keys are mounted (web.portal); nothing falls through to a province."""
    base, _, _ = portal
    for path in ("/tinh-c", "/tinh-c/", "/tinh-c/dang-nhap", "/tinh-c/cong-khai", "/tinh-a-b/", "/TINH-A/"):
        assert httpx.get(base + path).status_code == 404, path


def test_the_health_check_answers_for_every_provinces_store(portal):
    """Guard: the root's /suc-khoe asks each province's store: one that cannot be opened turns it to 503 and is
    named, the other still answers."""
    base, app, folder = portal
    ok = httpx.get(base + "/suc-khoe")
    assert ok.status_code == 200 and ok.json()["tinh"] == {A: "tot", B: "tot"}
    home, away = folder / "tinh" / B, folder / "tinh" / f"{B}.chuyen-di"
    home.rename(away)
    app.state.engines[B].dispose()
    try:
        down = httpx.get(base + "/health")
        assert down.status_code == 503
        assert down.json()["trang_thai"] == "loi" and down.json()["tinh"][A] == "tot"
        assert down.json()["tinh"][B].startswith("loi")
    finally:
        away.rename(home)
    assert httpx.get(base + "/suc-khoe").status_code == 200


@contextmanager
def _cchc_serve(args: list[str], folder: Path, registry: Path):
    """``cchc [args] serve`` with ``registry`` as a process of its own on a free port of 127.0.0.1 until its health
    check answers; yields (base url, what it printed — filled once it has stopped)."""
    port = free_port()
    env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "CCHC_PROVINCES": str(registry),
           "PREFECT_HOME": str(folder / ".prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    command = [sys.executable, "-m", "cchc.cli", *args[:args.index("serve")], "serve", "--port", str(port),
               *args[args.index("serve") + 1:]]
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base, printed = f"http://127.0.0.1:{port}", []
    try:
        wait_healthy(base)
        yield base, printed
    finally:
        server.terminate()
        printed.extend(server.communicate(timeout=60))


def test_cchc_serve_with_a_registry_serves_every_province_and_prints_their_addresses(demo_db, tmp_path):
    """Guard: cchc.portal_cli.serve turns to web.portal when a registry has provinces (and neither --tinh nor
    --db is given); two workers each build the portal from the registry (web.portal:create_portal), their
    cookies' key read from the province's data folder, so a sign-in answered by one works in the other."""
    with _cchc_serve(["serve", "--workers", "2"], tmp_path, province_registry(demo_db, tmp_path)) as (base, printed):
        assert httpx.get(base + "/suc-khoe").json()["tinh"] == {A: "tot", B: "tot"}
        assert 'href="/tinh-b/"' in httpx.get(base + "/").text
        client, r = sign_in_under(base, B, "donvi.skhcn")
        assert r.headers["location"] == f"/{B}/tu-danh-gia"
        for _ in range(6):  # whichever worker answers knows the session
            assert client.get(f"/{B}/tu-danh-gia").status_code == 200
    out, err = printed
    assert f"{base}/" in out, out + err
    for key, name in PROVINCES.items():
        line = next((x for x in out.splitlines() if f"{base}/{key}/" in x), "")
        assert name in line, out
    keys = {key: (tmp_path / "kho" / key / "khoa-phien.txt").read_text() for key in PROVINCES}  # its data folder
    assert keys[A] != keys[B]


def test_cchc_serve_for_one_province_still_serves_it_at_the_root(demo_db, tmp_path):
    """Guard: cchc.portal_cli.serve keeps one province at / with --tinh, as before (nothing under a prefix)."""
    with _cchc_serve(["--tinh", A, "serve"], tmp_path, province_registry(demo_db, tmp_path)) as (base, _):
        page = httpx.get(base + "/dang-nhap")
        assert page.status_code == 200 and 'action="/dang-nhap"' in page.text
        assert "Path=/;" in page.headers["set-cookie"] or page.headers["set-cookie"].endswith("Path=/")
        assert httpx.get(base + f"/{A}/dang-nhap").status_code == 404


def test_a_province_cannot_take_an_address_of_the_portal_of_every_province(tmp_path):
    """Guard: office.provinces.RESERVED, checked by load (naming the file and the province) and by add (nothing
    registered): /static/ and /suc-khoe are the root's own, a province there could never be reached."""
    from office.errors import Refused
    from office.provinces import add

    registry = tmp_path / "tinh.yaml"
    registry.write_text("static:\n  ten: Tỉnh Tĩnh\n  database_url: sqlite:///tinh/static/cchc.db\n", encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load(registry)
    assert str(registry) in refused.value.message and "«static»" in refused.value.message
    other = tmp_path / "khac" / "tinh.yaml"
    with pytest.raises(Refused):
        add("suc-khoe", "Tỉnh Khỏe", path=other)
    assert not other.exists() and not (other.parent / "tinh" / "suc-khoe").exists()
