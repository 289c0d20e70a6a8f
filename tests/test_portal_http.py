"""The portal over HTTP, against a real uvicorn server on 127.0.0.1: the guards, each test naming the one it
checks (remove that guard and the test fails)."""

from __future__ import annotations

import io
import logging
import zipfile

import httpx
from sqlalchemy import select, update

from portal_fixtures import PASSWORD, csrf_of, server, signed_in  # noqa: F401 (fixture)
from store import models

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def _round(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(models.AssessmentRound.id).where(models.AssessmentRound.state == "mo")).scalar()


def _files(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(models.EvidenceFile.id)).all())


def test_health_and_public_pages(server):
    base, engine, _ = server
    assert httpx.get(base + "/suc-khoe").json()["trang_thai"] == "tot"
    assert httpx.get(base + "/cong-khai").status_code == 200
    assert "Cán bộ đơn vị" in httpx.get(base + "/huong-dan/don-vi").text


def test_unit_cannot_reach_another_units_form_figures_or_files(server):
    """Guard: office.assessment.target_unit (an officer's unit is always their own) and evidence_file's
    sees_unit check."""
    base, engine, _ = server
    rid = _round(engine)
    b, b_token = signed_in(base, "donvi.stp")
    r = b.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": b_token, "criterion": "1.7.1"},
               files={"file": ("bien-ban.pdf", PDF, "application/pdf")})
    assert r.status_code == 303
    with engine.connect() as conn:
        b_file = conn.execute(select(models.EvidenceFile.id).order_by(models.EvidenceFile.id.desc())).scalar()
    a, a_token = signed_in(base, "donvi.skhcn")
    assert a.get(f"/tham-dinh/{rid}/STP").status_code == 403  # another unit's form through the appraisal URL
    assert a.get(f"/tai-lieu/{b_file}").status_code == 403  # another unit's evidence by id
    assert b.get(f"/tai-lieu/{b_file}").content == PDF
    # a hidden field naming another unit is ignored: the figure lands in A's own draft
    r = a.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": a_token, "unit": "STP", "so_lieu__van_ban_di": "5000"})
    assert r.status_code == 303
    with engine.connect() as conn:
        owners = conn.execute(select(models.Unit.code).join(models.SelfAssessment,
                                                            models.SelfAssessment.unit_id == models.Unit.id)
                              .join(models.DraftFigure, models.DraftFigure.assessment_id == models.SelfAssessment.id)
                              .where(models.DraftFigure.indicator_code == "van_ban_di")).scalars().all()
    assert owners == ["SKHCN"]


def test_unit_officer_cannot_appraise(server):
    """Guard: office.accounts.require(actor, "tham_dinh") in office.appraisal."""
    base, engine, _ = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sct")
    r = a.post(f"/tham-dinh/{rid}/SCT/diem", data={"csrf": token, "criterion": "1.1.2", "points": "3",
                                                   "reason": "tự chấm"})
    assert r.status_code == 403
    with engine.connect() as conn:
        assert not conn.execute(select(models.Appraisal.id).where(models.Appraisal.appraiser == "donvi.sct")).all()


def test_public_reaches_no_write_and_no_evidence(server):
    """Guard: actor_of (no session → sign-in) and the CSRF check on every POST."""
    base, engine, _ = server
    rid = _round(engine)
    public = httpx.Client(base_url=base, follow_redirects=False)
    token = csrf_of(public.get("/dang-nhap").text)  # a visitor's own token does not open any door
    for url in (f"/tu-danh-gia/{rid}/luu", f"/tham-dinh/{rid}/SKHCN/diem", "/quan-tri/dot",
                f"/quan-tri/dot/{rid}/cong-bo", "/quan-tri/tai-khoan"):
        r = public.post(url, data={"csrf": token})
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap"), url
    assert public.get("/tai-lieu/1").status_code == 303
    assert public.get("/quan-tri/nhat-ky").status_code == 303


def test_post_without_valid_csrf_is_refused(server):
    """Guard: the CSRF check in web.app's middleware."""
    base, engine, _ = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.syt")
    for bad in ({}, {"csrf": "0" * 64}):
        r = a.post(f"/tu-danh-gia/{rid}/luu", data={**bad, "so_lieu__van_ban_di": "7000"})
        assert r.status_code == 403
    other, _ = signed_in(base, "donvi.stc")  # another session's token is not this one's
    assert other.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_di": "1"}).status_code == 403
    assert a.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_di": "7000"}).status_code == 303


def test_html_in_names_and_explanations_is_escaped(server):
    """Guard: jinja2 autoescape on every template."""
    base, engine, _ = server
    rid = _round(engine)
    evil = '<script>alert("x")</script>'
    a, token = signed_in(base, "donvi.snv")
    a.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "giai_trinh__1.1.2": evil})
    page = a.get(f"/tu-danh-gia/{rid}").text
    assert evil not in page and "&lt;script&gt;" in page
    admin, admin_token = signed_in(base, "quantri")
    admin.post("/quan-tri/tai-khoan", data={"csrf": admin_token, "username": "xss.test", "full_name": evil,
                                            "role": "hoi_dong"})
    page = admin.get("/quan-tri/tai-khoan").text
    assert evil not in page and "&lt;script&gt;" in page


def _zip(entries: dict[str, bytes], types: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_bad_uploads_are_refused_and_nothing_stored(server):
    """Guard: office.evidence.check (content type, size, zip bomb, path in the name)."""
    base, engine, data_dir = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sgddt")
    docx_types = b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    bomb = _zip({"word/document.xml": b"\0" * (50 * 1024 * 1024)}, docx_types)
    cases = {
        "wrong type": ("bao-cao.pdf", b"MZ\x90\0 this is an exe"),
        "too large": ("lon.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024)),  # one byte over the server's 2 MB
        "zip bomb": ("bom.docx", bomb),
        "path": ("../../etc/passwd.pdf", PDF),
        "windows path": ("..\\x\\a.pdf", PDF),
        "zip not office": ("a.docx", _zip({"a.txt": b"x"}, b"<Types/>")),
    }
    before = _files(engine)
    stored = sorted(p for p in data_dir.rglob("*") if p.is_file())
    for what, (name, data) in cases.items():
        r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                   files={"file": (name, data, "application/pdf")})
        assert r.status_code == 400, what
    assert _files(engine) == before
    assert sorted(p for p in data_dir.rglob("*") if p.is_file()) == stored
    good = _zip({"word/document.xml": b"<w:document/>"}, docx_types)
    r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
               files={"file": ("ke hoach.docx", good, "application/octet-stream")})
    assert r.status_code == 303 and _files(engine) == before + 1


def test_session_expires_and_a_preset_id_is_not_kept(server):
    """Guards: the server-side expiry check (accounts.session_actor) and a new session id at sign-in."""
    base, engine, _ = server
    client = httpx.Client(base_url=base, follow_redirects=False)
    token = csrf_of(client.get("/dang-nhap").text)
    planted = client.cookies.get("cchc_khach")  # the pre-login id an attacker could have handed over
    client.cookies.set("cchc_phien", "gia-mao", domain="127.0.0.1")  # or an id of the attacker's choosing
    client.post("/dang-nhap", data={"username": "donvi.skhcn", "password": PASSWORD, "csrf": token})
    sid = client.cookies.get("cchc_phien", domain="127.0.0.1")
    assert sid and sid != "gia-mao" and planted not in sid
    attacker = httpx.Client(base_url=base, follow_redirects=False, cookies={"cchc_khach": planted})
    assert attacker.get("/tu-danh-gia").status_code == 303  # the pre-login id opens nothing
    assert client.get("/tu-danh-gia").status_code == 200
    with engine.begin() as conn:  # the session's time runs out on the server
        conn.execute(update(models.WebSession).values(expires_at=models.WebSession.created_at))
    r = client.get("/tu-danh-gia")
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")


def test_repeated_wrong_passwords_are_throttled_and_never_logged(server, caplog):
    """Guards: accounts.login's per-account lock; audit entries and logs carry no password."""
    base, engine, _ = server
    caplog.set_level(logging.DEBUG)
    client = httpx.Client(base_url=base, follow_redirects=False)
    token = csrf_of(client.get("/dang-nhap").text)
    secret = "doan-sai-mat-khau-123"
    codes = [client.post("/dang-nhap", data={"username": "hoidong", "password": secret, "csrf": token}).text
             for _ in range(6)]
    assert "tạm khóa" in codes[-1]
    r = client.post("/dang-nhap", data={"username": "hoidong", "password": PASSWORD, "csrf": token})
    assert r.status_code == 400 and "tạm khóa" in r.text  # the right password waits too
    with engine.connect() as conn:
        rows = conn.execute(select(models.AuditEntry.before, models.AuditEntry.after, models.AuditEntry.object)).all()
    dump = " ".join(" ".join(map(str, row)) for row in rows)
    assert secret not in dump and PASSWORD not in dump
    assert secret not in caplog.text and PASSWORD not in caplog.text
