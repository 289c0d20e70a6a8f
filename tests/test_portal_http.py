"""The portal over HTTP, against a real uvicorn server on 127.0.0.1: the guards, each test naming the one it
checks (remove that guard and the test fails)."""

from __future__ import annotations

import io
import logging

import httpx
from sqlalchemy import delete, select, update

from helpers import office_zip
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


def test_each_page_says_its_name_and_the_menu_marks_where_one_is(server):
    """Tabs and history told every page apart only as «Cổng CCHC»; the menu said nothing of the page one was on."""
    import re

    base, engine, _ = server

    def marked(page: str) -> tuple[str, list[str]]:
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        return title, re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', page)

    office, _ = signed_in(base, "quantri")
    assert marked(office.get("/quan-tri/du-lieu").text) == ("Nhập dữ liệu — Cổng CCHC", ["Dữ liệu"])
    assert marked(office.get("/quan-tri").text) == ("Điều hành các đợt tự đánh giá — Cổng CCHC", ["Điều hành"])
    unit, _ = signed_in(base, "donvi.skhcn")
    title, links = marked(unit.get(f"/tu-danh-gia/{_round(engine)}").text)
    assert links == ["Tự đánh giá"] and title.endswith("Sở Khoa học và Công nghệ — Cổng CCHC"), title
    assert marked(httpx.get(base + "/huong-dan").text) == ("Hướng dẫn sử dụng — Cổng CCHC", ["Hướng dẫn"])


def test_the_form_opens_on_every_criterion_with_its_points_and_evidence(server):
    """A form of some twenty criteria ran to six screens with nothing to find one by: it opens on a list of them,
    each leading to its place, with its points and whether evidence is attached."""
    import re

    base, engine, _ = server
    unit, token = signed_in(base, "donvi.skhcn")
    round_id = _round(engine)
    page = unit.get(f"/tu-danh-gia/{round_id}").text
    listed = re.findall(r'<a href="#tc-([^"]+)">', page)
    sections = re.findall(r'<section class="leaf" id="tc-([^"]+)">', page)
    assert listed == sections and len(listed) > 10
    assert f"(0/{len(listed)} tiêu chí đã có tài liệu)" in page
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    sent = unit.post(f"/tu-danh-gia/{round_id}/tai-lieu", data={"csrf": token, "criterion": listed[0]},
                     files={"file": ("kiem-chung.pdf", pdf, "application/pdf")})
    assert sent.status_code in (200, 303), sent.text[:300]
    page = unit.get(f"/tu-danh-gia/{round_id}").text
    assert f"(1/{len(listed)} tiêu chí đã có tài liệu)" in page
    assert re.search(rf'<a href="#tc-{re.escape(listed[0])}">.*?</td>\s*<td data-diem-muc="{re.escape(listed[0])}">'
                     r'[^<]*</td><td>[^<]*</td><td>1 tệp</td>', page, re.S)
    # the appraiser's page of the unit opens on the same list
    appraiser, _ = signed_in(base, "thamdinh")
    seen = appraiser.get(f"/tham-dinh/{round_id}/SKHCN").text
    assert re.findall(r'<a href="#tc-([^"]+)">', seen) == listed and f"(1/{len(listed)} tiêu chí" in seen


def test_unit_cannot_reach_another_units_form_figures_or_files(server):
    """Guards, each shown by removing it (the test then fails):
    - office/assessment.py ``evidence_file``: ``actor.sees_unit(code)`` (another unit's file by id → 403);
    - office/assessment.py ``target_unit``: an appraiser's ``sees_unit`` (assigned to STP only → no SKHCN);
    - office/appraisal.py ``answer_feedback``: ``item.unit_id != unit.id`` (another unit's request → 404);
    - web/routes_office.py ``appraisal_page``'s ``accounts.require(actor, "tham_dinh", "quan_tri")`` together
      with ``target_unit``'s refusal of an officer naming another unit: two layers, each holding alone; with
      both removed the officer reads STP's form. The hidden ``unit`` field is never read by a unit's route."""
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
    # an appraiser assigned to STP only: neither SKHCN's form nor its files
    judge, _ = signed_in(base, "thamdinh.stp")
    r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": a_token, "criterion": "1.7.1"},
               files={"file": ("a.pdf", PDF + b"a", "application/pdf")})
    with engine.connect() as conn:
        a_file = conn.execute(select(models.EvidenceFile.id).order_by(models.EvidenceFile.id.desc())).scalar()
    assert judge.get(f"/tham-dinh/{rid}/SKHCN").status_code == 403
    assert judge.get(f"/tai-lieu/{a_file}").status_code == 403
    assert judge.get(f"/tham-dinh/{rid}/STP").status_code in (200, 400)  # its own unit: reachable
    # another unit's feedback request, answered by changing its id in the URL
    assert b.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": b_token, "so_lieu__van_ban_di": "3000",
                                                  "hanh_dong": "nop"}).status_code == 303
    full, full_token = signed_in(base, "thamdinh")
    assert full.post(f"/tham-dinh/{rid}/STP/yeu-cau", data={"csrf": full_token, "criterion": "1.7.1",
                                                            "request_text": "Bổ sung sổ", "deadline": "31/12/2099"}
                     ).status_code == 303
    with engine.connect() as conn:
        b_ask = conn.execute(select(models.FeedbackRequest.id).order_by(models.FeedbackRequest.id.desc())).scalar()
    assert a.post(f"/bo-sung/{b_ask}", data={"csrf": a_token, "answer": "trả lời thay"}).status_code == 404
    with engine.connect() as conn:
        assert conn.execute(select(models.FeedbackRequest.answer).where(models.FeedbackRequest.id == b_ask)
                            ).scalar() == ""


def test_unit_officer_cannot_appraise(server):
    """Guard: office/appraisal.py ``_appraisable``'s ``require(actor, "tham_dinh")`` (points, feedback
    requests and finalising). The officer's own form is submitted first, so nothing else stands in the way."""
    base, engine, _ = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sct")
    # its own form submitted: nothing but the role stands between the officer and appraising it
    assert a.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_di": "3000",
                                                  "hanh_dong": "nop"}).status_code == 303
    r = a.post(f"/tham-dinh/{rid}/SCT/diem", data={"csrf": token, "criterion": "1.1.2", "points": "3",
                                                   "reason": "tự chấm"})
    assert r.status_code == 403
    r = a.post(f"/tham-dinh/{rid}/SCT/yeu-cau", data={"csrf": token, "criterion": "1.1.2", "request_text": "x",
                                                      "deadline": "31/12/2099"})
    assert r.status_code == 403
    assert a.post(f"/tham-dinh/{rid}/SCT/hoan-tat", data={"csrf": token}).status_code == 403
    with engine.connect() as conn:
        assert not conn.execute(select(models.Appraisal.id).where(models.Appraisal.appraiser == "donvi.sct")).all()
        assert not conn.execute(select(models.FeedbackRequest.id).where(models.FeedbackRequest.asked_by == "donvi.sct")
                                ).all()
        state = conn.execute(select(models.SelfAssessment.state).join(
            models.Unit, models.Unit.id == models.SelfAssessment.unit_id).where(models.Unit.code == "SCT")).scalar()
    assert state == "da_nop"


def test_public_reaches_no_write_and_no_evidence(server):
    """Guards, two layers each holding alone: web/app.py ``actor_of`` (no session → sign-in) and, under it,
    office/accounts.py ``require``'s and office/assessment.py ``evidence_file``'s refusal of no actor; with
    both removed the public writes. (tests/test_portal_attacks.py checks every POST route and fails with
    ``actor_of`` alone removed.) A visitor's own CSRF token opens nothing."""
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
    """Guard: web/app.py ``create_app``'s middleware ``who_and_csrf``: ``cookies.csrf_ok(holder, token)``
    (web/security.py ``Cookies.csrf_ok``, the token an HMAC of this session's id)."""
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
    """Guard: web/app.py ``create_app``: ``env.autoescape = True`` (every template; set to False, the
    script comes through)."""
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




def test_bad_uploads_are_refused_and_nothing_stored(server):
    """Guards, each removed in turn (the test then fails): office/evidence.py ``detect`` (type from the
    content), ``check``'s size limit, ``_office``'s zip bomb bounds (ratio, total, entries), ``clean_name``'s
    refusal of a path; and office/assessment.py ``upload`` checking before ``files.put`` (nothing stored)."""
    base, engine, data_dir = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.sgddt")
    docx_types = (b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                  b'wordprocessingml.document.main+xml"/></Types>')
    bomb = office_zip({"word/document.xml": b"\0" * (50 * 1024 * 1024)}, docx_types)
    cases = {
        "wrong type": ("bao-cao.pdf", b"MZ\x90\0 this is an exe"),
        "too large": ("lon.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024)),  # one byte over the server's 2 MB
        "zip bomb": ("bom.docx", bomb),
        "path": ("../../etc/passwd.pdf", PDF),
        "windows path": ("..\\x\\a.pdf", PDF),
        "zip not office": ("a.docx", office_zip({"a.txt": b"x"}, b"<Types/>")),
    }
    before = _files(engine)
    stored = sorted(p for p in data_dir.rglob("*") if p.is_file())
    for what, (name, data) in cases.items():
        r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
                   files={"file": (name, data, "application/pdf")})
        assert r.status_code == 400, what
    assert _files(engine) == before
    assert sorted(p for p in data_dir.rglob("*") if p.is_file()) == stored
    good = office_zip({"word/document.xml": b"<w:document/>"}, docx_types)
    r = a.post(f"/tu-danh-gia/{rid}/tai-lieu", data={"csrf": token, "criterion": "1.7.1"},
               files={"file": ("ke hoach.docx", good, "application/octet-stream")})
    assert r.status_code == 303 and _files(engine) == before + 1


def test_session_expires_and_a_preset_id_is_not_kept(server):
    """Guards: office/accounts.py ``session_actor``'s ``row.expires_at <= now`` (expiry kept on the
    server), and web/routes_account.py ``login`` always setting the new id from ``accounts.login`` (an id the
    request brought, even a valid one planted by an attacker, is never carried over: made to carry it
    over, the test fails)."""
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
    # the attacker's own valid session planted in the victim's browser stays the attacker's after the
    # victim signs in: the victim gets a new id, the planted one never becomes the victim's
    mallory, _ = signed_in(base, "donvi.stp")
    own = mallory.cookies.get("cchc_phien")
    victim = httpx.Client(base_url=base, follow_redirects=False)
    victim.cookies.set("cchc_phien", own, domain="127.0.0.1")
    token = csrf_of(victim.get("/dang-nhap").text)
    r = victim.post("/dang-nhap", data={"username": "donvi.skhcn", "password": PASSWORD, "csrf": token})
    assert r.status_code == 303 and victim.cookies.get("cchc_phien", domain="127.0.0.1") != own
    assert "SKHCN" not in mallory.get("/tu-danh-gia").text.split("<main>")[0]  # still Mallory's unit
    assert "STP" in mallory.get("/tu-danh-gia").text.split("<main>")[0]
    with engine.begin() as conn:  # the session's time runs out on the server
        conn.execute(update(models.WebSession).values(expires_at=models.WebSession.created_at))
    r = client.get("/tu-danh-gia")
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")


def test_repeated_wrong_passwords_are_throttled_and_never_logged(server, caplog):
    """Guards: office/accounts.py ``_failed``'s per-account lock (removed: the sixth try is not throttled);
    the sign-in's audit entries name the account only, and office/audit.py ``_json`` masks secret keys
    (with a careless ``{"password": …}`` entry added and the masking removed, the test fails). The server's
    own loggers (uvicorn's access and error logs) are listened to as well as the root logger."""
    base, engine, _ = server
    caplog.set_level(logging.DEBUG)
    seen = []  # every record of the server's own loggers too (uvicorn's do not reach the root logger)

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(self.format(record))

    keep = Keep(logging.DEBUG)
    watched = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.access", "uvicorn.error", "cchc", "cchc.web")]
    levels = [w.level for w in watched]
    for w in watched:
        w.addHandler(keep)
        w.setLevel(logging.DEBUG)
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
    for w, level in zip(watched, levels):
        w.removeHandler(keep)
        w.setLevel(level)
    assert any("/dang-nhap" in line for line in seen)  # the access log was heard
    logged = caplog.text + "\n".join(seen)
    assert secret not in logged and PASSWORD not in logged


def test_the_appraisal_list_orders_units_by_declared_risk_with_reasons(server):
    """The appraisal list reads the anomaly queue: a department that declares 10 of 3,000 documents signed
    digitally, against its own history and its peers near 100%, shows its risk and the reasons in words."""
    base, engine, _ = server
    rid = _round(engine)
    a, token = signed_in(base, "donvi.skhcn")
    assert a.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_ky_so": "10",
                                                  "so_lieu__van_ban_di": "3000", "hanh_dong": "nop"}).status_code == 303
    t, _ = signed_in(base, "thamdinh")
    page = t.get("/tham-dinh").text
    row = page[page.index("(SKHCN)"):]
    row = row[:row.index("</tr>")]
    assert "tỷ lệ văn bản đi được ký số trên tổng số văn bản đi 0,3%, các kỳ trước của đơn vị quanh" in row
    assert "các đơn vị cùng loại quanh" in row


def _accounts(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(models.Account.username)).scalars())


def test_a_list_of_accounts_lands_whole_and_a_bad_or_oversized_one_is_refused_by_name(server):
    """Guards: ``accounts.read_list``'s bound (a list over 2 MB, inside the body's bound, was read cut short and
    called unreadable) and its refusal of a file that is not a workbook, the name escaped; a list with a bad row
    writes none of its rows."""
    from openpyxl import Workbook

    from office.accounts import IMPORT_HEADERS

    def workbook(rows) -> bytes:
        wb = Workbook()
        wb.active.append(IMPORT_HEADERS)
        for row in rows:
            wb.active.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    base, engine, _ = server
    admin, token = signed_in(base, "quantri")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def send(name: str, data: bytes) -> httpx.Response:
        return admin.post("/quan-tri/tai-khoan/nhap", data={"csrf": token}, files={"file": (name, data, xlsx)})

    before = _accounts(engine)
    r = send("ds.xlsx", workbook([["canbo.moi1", "Lò Văn Một", "don_vi", "SKHCN", "", ""],
                                  ["canbo.moi2", "Lò Văn Hai", "don_vi", "KHONG-CO", "", ""]]))
    assert r.status_code == 400 and "dòng 3: đơn vị «KHONG-CO» không có trong danh mục" in r.text
    assert _accounts(engine) == before
    r = send("lon.xlsx", b"PK" + b"0" * 2_050_000)
    assert r.status_code == 400 and "lon.xlsx: tệp danh sách tài khoản lớn hơn 2 MB" in r.text
    r = send("<b>ds</b>.xlsx", b"khong phai excel")
    assert r.status_code == 400 and "&lt;b&gt;ds&lt;/b&gt;.xlsx: không đọc được tệp Excel" in r.text
    assert _accounts(engine) == before
    r = send("ds.xlsx", workbook([["canbo.moi1", "Lò Văn Một", "don_vi", "SKHCN", "", ""]]))
    try:
        assert r.status_code == 200 and "canbo.moi1" in r.text
        assert _accounts(engine) == sorted(before + ["canbo.moi1"])
    finally:  # the server is the session's: no other test's unit gains an account
        with engine.begin() as conn:
            conn.execute(delete(models.Account).where(models.Account.username == "canbo.moi1"))


def test_a_list_of_accounts_packed_from_gigabytes_is_refused_unread(server, tmp_path):
    """Guard: ``accounts.read_list`` looks at the archive first (``evidence.detect``: its parts' unpacked size and
    ratio). A list of 1.5 MB whose sheet unpacked to 1.5 GB of one letter was read whole: gigabytes of the portal's
    memory and a CPU for a minute, then a list of accounts."""
    import zipfile

    from openpyxl import Workbook

    from office.accounts import IMPORT_HEADERS

    wb = Workbook()
    wb.active.append(IMPORT_HEADERS)
    plain = io.BytesIO()
    wb.save(plain)
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, src.read(info.filename))
                continue
            head, tail = src.read(info.filename).split(b"</sheetData>")
            with z.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                for _ in range(1500):
                    part.write(b"a" * (1 << 20))
                part.write(b"</t></is></c></row></sheetData>" + tail)
    base, engine, _ = server
    admin, token = signed_in(base, "quantri")
    before = _accounts(engine)
    r = admin.post("/quan-tri/tai-khoan/nhap", data={"csrf": token}, files={"file": (
        "ds.xlsx", packed.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}, timeout=20)
    assert r.status_code == 400 and "ds.xlsx: tệp nén bất thường" in r.text
    assert _accounts(engine) == before
