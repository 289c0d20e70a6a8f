"""The periodic reports' pages attacked over HTTP, against the session's real server (``portal_fixtures.server``):
every new route for the public and for the wrong roles, another unit's report by its URL or a hidden field
(IDOR), a POST without its CSRF token, a section holding ``<script>``, odd periods in URLs, wrong figures. Each
test names the guard it was shown to fail without."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select

from portal_fixtures import _create, csrf_of, server, signed_in  # noqa: F401 (fixture)
from store import calendar, models

PERIOD = calendar.next_due(date.today()).code  # the report being written now: open, not due yet
GETS = ["/bao-cao-dinh-ky", "/bao-cao-dinh-ky/{p}", "/quan-tri/bao-cao-dinh-ky", "/quan-tri/bao-cao-dinh-ky/{p}",
        "/quan-tri/bao-cao-dinh-ky/{p}/so-theo-doi.xlsx", "/quan-tri/bao-cao-dinh-ky/{p}/tong-hop.docx",
        "/quan-tri/bao-cao-dinh-ky/{p}/STP"]
POSTS = ["/bao-cao-dinh-ky/{p}/luu", "/bao-cao-dinh-ky/{p}/rut"]
OFFICE_ONLY = GETS[2:6]


def _written(engine) -> tuple:
    """What a request could have written: the audit log (signing in aside), the reports and their parts, the
    batches."""
    A = models.AuditEntry
    with engine.connect() as conn:
        audited = conn.execute(select(func.count()).where(A.action.not_in(("dang_nhap", "dang_nhap_sai")))).scalar()
        return (audited, *(conn.execute(select(func.count()).select_from(table)).scalar() for table in (
            models.PeriodicReport, models.PeriodicReportFigure, models.PeriodicReportText,
            models.PeriodicReportSending, models.IngestBatch)))


def _url(path: str) -> str:
    return path.format(p=PERIOD)


def _text_of(engine, unit: str, section: str) -> str | None:
    R, T, U = models.PeriodicReport, models.PeriodicReportText, models.Unit
    with engine.connect() as conn:
        return conn.execute(select(T.text).join(R, R.id == T.report_id).join(U, U.id == R.unit_id)
                            .where(U.code == unit, R.period_code == PERIOD, T.section == section)).scalar()


def test_every_new_route_is_known():
    """Guard: this file's lists (a route added later without its attacks here fails this test)."""
    from web import routes_periodic

    paths = {(m, r.path.replace("{period}", "{p}").replace("{unit}", "STP")) for r in routes_periodic.router.routes
             for m in r.methods}
    assert paths == {("GET", p) for p in GETS} | {("POST", p) for p in POSTS}


def test_the_public_reaches_nothing_and_writes_nothing(server):
    """Guards: web.app.actor_of in every route (the public is sent to the sign-in page) and
    office.periodic_online's role checks behind it."""
    base, engine, _ = server
    public = httpx.Client(base_url=base, follow_redirects=False)
    token = csrf_of(public.get("/dang-nhap").text)
    before = _written(engine)
    for path in GETS:
        r = public.get(_url(path))
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap"), (path, r.status_code)
    for path in POSTS:
        r = public.post(_url(path), data={"csrf": token, "noi_dung__iso": "x", "hanh_dong": "nop"})
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap"), (path, r.status_code)
    assert _written(engine) == before


def test_wrong_roles_are_refused_and_nothing_is_written(server):
    """Guards: office.periodic_online's ``require`` — a unit's report is written by its officer only (not the
    office, an appraiser or a council member), the register and its exports are the office's only."""
    base, engine, _ = server
    before = _written(engine)
    for name in ("thamdinh", "hoidong"):
        client, token = signed_in(base, name)
        for path in GETS:
            assert client.get(_url(path)).status_code == 403, (name, path)
        for path in POSTS:
            r = client.post(_url(path), data={"csrf": token, "noi_dung__iso": "x", "unit": "STP", "hanh_dong": "nop"})
            assert r.status_code == 403, (name, path)
    officer, _ = signed_in(base, "donvi.sct")
    for path in OFFICE_ONLY:
        r = officer.get(_url(path))
        assert r.status_code == 403 and "Sổ theo dõi" not in r.text, path
    admin, token = signed_in(base, "quantri")
    assert admin.get("/bao-cao-dinh-ky").status_code == 403
    for path in POSTS:
        r = admin.post(_url(path), data={"csrf": token, "noi_dung__iso": "Văn phòng viết hộ", "unit": "STP",
                                         "hanh_dong": "nop"})
        assert r.status_code == 403, path
    assert _written(engine) == before


def test_another_units_report_is_out_of_reach_by_url_or_hidden_field(server):
    """Guard: office.assessment.target_unit, called by office.periodic_online._unit — an officer acts on their own
    unit only, whatever the URL or a hidden ``unit`` field names (IDOR)."""
    base, engine, _ = server
    owner, token = signed_in(base, "donvi.stp")
    secret = "Nội dung riêng của Sở Tư pháp chưa nộp"
    r = owner.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "noi_dung__de_xuat": secret,
                                                            "hanh_dong": "luu"})
    assert r.status_code == 303
    intruder, token = signed_in(base, "donvi.sxd")
    before = _written(engine)
    r = intruder.get(_url("/quan-tri/bao-cao-dinh-ky/{p}/STP"))
    assert r.status_code == 403 and secret not in r.text
    assert secret not in intruder.get(_url("/bao-cao-dinh-ky/{p}")).text  # its own form never shows STP's words
    for path in POSTS:
        r = intruder.post(_url(path), data={"csrf": token, "unit": "STP", "noi_dung__de_xuat": "Sửa hộ",
                                            "hanh_dong": "nop"})
        assert r.status_code == 403 and secret not in r.text, path
    assert _written(engine) == before and _text_of(engine, "STP", "de_xuat") == secret
    # its own report, named in the hidden field, is fine
    r = intruder.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "unit": "SXD",
                                                               "noi_dung__de_xuat": "Của Sở Xây dựng"})
    assert r.status_code == 303 and _text_of(engine, "SXD", "de_xuat") == "Của Sở Xây dựng"


def test_a_post_without_its_csrf_token_is_refused(server):
    """Guard: the CSRF check of web.app's middleware on every POST, the new routes included."""
    base, engine, _ = server
    client, token = signed_in(base, "donvi.syt")
    other, other_token = signed_in(base, "donvi.stc")
    before = _written(engine)
    for path in POSTS:
        for data in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": other_token}):
            r = client.post(_url(path), data={**data, "noi_dung__iso": "x", "hanh_dong": "nop"})
            assert r.status_code == 403 and "CSRF" in r.text, (path, data)
    assert _written(engine) == before
    assert client.post(_url(POSTS[0]), data={"csrf": token, "noi_dung__iso": "Có mã bảo vệ"}).status_code == 303


def test_a_section_holding_script_is_shown_as_text_everywhere(server):
    """Guard: the templates' autoescaping (web.app: env.autoescape) in the unit's form, the submitted report and
    the office's view, under the strict content policy."""
    base, engine, _ = server
    attack = "<script>alert('cchc')</script><img src=x onerror=alert(1)>"
    officer, token = signed_in(base, "donvi.snv")
    r = officer.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "noi_dung__kho_khan": attack,
                                                              "so_lieu__van_ban_di": "12", "hanh_dong": "luu"})
    assert r.status_code == 303
    form = officer.get(_url("/bao-cao-dinh-ky/{p}"))
    assert attack not in form.text and "&lt;script&gt;alert(&#39;cchc&#39;)&lt;/script&gt;" in form.text
    assert "default-src 'self'" in form.headers["content-security-policy"]
    r = officer.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "noi_dung__kho_khan": attack,
                                                              "hanh_dong": "nop"})
    assert r.status_code == 303
    admin, _ = signed_in(base, "quantri")
    for page in (officer.get(_url("/bao-cao-dinh-ky/{p}")), admin.get(_url("/quan-tri/bao-cao-dinh-ky/{p}/SNV"))):
        assert page.status_code == 200 and attack not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
    register = admin.get(_url("/quan-tri/bao-cao-dinh-ky/{p}"))
    row = re.search(r'<tr id="dv-SNV">(.*?)</tr>', register.text, re.S).group(1)
    assert "Cổng CCHC" in row and "Xem báo cáo" in row


@pytest.mark.parametrize("odd", ["²", "١٢", "99999999999999999999-Q1", "2024-Q2", "0000-Q1", "%20", "2024-Q1%00",
                                 "Quý V/2024"])
def test_odd_periods_are_not_found_never_a_server_error(server, odd):
    """Guard: office.periodic_online.get_period (a period is read, then must be one reported online); anything
    else is «not found»."""
    base, engine, _ = server
    officer, token = signed_in(base, "donvi.sgddt")
    admin, _ = signed_in(base, "quantri")
    before = _written(engine)
    assert officer.get(f"/bao-cao-dinh-ky/{odd}").status_code == 404
    assert officer.post(f"/bao-cao-dinh-ky/{odd}/luu", data={"csrf": token, "noi_dung__iso": "x"}).status_code == 404
    assert officer.post(f"/bao-cao-dinh-ky/{odd}/rut", data={"csrf": token}).status_code == 404
    for path in ("/quan-tri/bao-cao-dinh-ky/{p}", "/quan-tri/bao-cao-dinh-ky/{p}/so-theo-doi.xlsx",
                 "/quan-tri/bao-cao-dinh-ky/{p}/SKHCN"):
        assert admin.get(path.format(p=odd)).status_code == 404, path
    assert _written(engine) == before


def test_wrong_figures_come_back_with_the_field_marked_and_nothing_written(server):
    """Guard: office.periodic_online.save_draft's checks (office.assessment.check_figure: negative counts, strict
    numbers) returned as a 400 form with the field marked, what was typed kept."""
    base, engine, _ = server
    officer, token = signed_in(base, "donvi.skhcn")
    before = _written(engine)
    for typed, words in (("-5", "giá trị âm"), ("1e308", "không phải là số"), ("١٢", "không phải là số")):
        r = officer.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "so_lieu__van_ban_di": typed,
                                                                  "noi_dung__iso": "Giữ lại", "hanh_dong": "nop"})
        assert r.status_code == 400 and words in r.text, typed
        assert re.search(r'name="so_lieu__van_ban_di"[^>]*class="bad"', r.text)
        assert "Giữ lại" in r.text  # what was typed is not lost
    r = officer.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "so_lieu__hs_tiep_nhan": "5"})
    assert r.status_code == 400 and "không nhập tay" in r.text
    r = officer.post(_url("/bao-cao-dinh-ky/{p}/luu"), data={"csrf": token, "so_hieu": "=HYPERLINK(\"http://x\")"})
    assert r.status_code == 400 and "Số hiệu văn bản" in r.text
    assert _written(engine) == before


def test_a_commune_officer_sees_only_the_communes_reports(server):
    """Guard: office.periodic_online.my_periods lists the officer's own unit only."""
    base, engine, _ = server
    with engine.connect() as conn:
        commune, commune_name = conn.execute(select(models.Unit.code, models.Unit.name)
                                             .where(models.Unit.kind == "xa_phuong").order_by(models.Unit.code)).first()
        name = f"donvi.tan.cong.{commune.lower()}"
        exists = conn.execute(select(models.Account.id).where(models.Account.username == name)).scalar()
    if not exists:
        _create(engine, name, "don_vi", commune)
    client, _ = signed_in(base, name)
    page = client.get("/bao-cao-dinh-ky")
    assert page.status_code == 200 and commune_name in page.text and "Sở Tư pháp" not in page.text
    assert f'href="/bao-cao-dinh-ky/{PERIOD}"' in page.text
