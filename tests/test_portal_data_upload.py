"""The office's data files through the portal, against a real uvicorn server on 127.0.0.1: the files ``cchc
ingest`` takes land the same way (all or nothing, each file's fate shown, problems by row and column), in the
office's name and with an audit entry. The guards, each test naming the one it checks: the role, CSRF, the body's
bound (larger here, and only for the office), the bound of the files together, the names sent, escaping."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from helpers import DOSSIER_HEADERS, FACT_HEADERS, dossier, snapshot
from portal_fixtures import PASSWORD, csrf_of, portal_engine, serving_app, signed_in
from store import models

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD = "/quan-tri/du-lieu/nhap"
BODY, DATA = 1024 * 1024, 3 * 1024 * 1024  # the portal's bound on a body, and on the office's data files


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    """A server of its own (files land in its store): base url, engine, its folder."""
    from web.app import Settings, create_app

    folder = tmp_path_factory.mktemp("cong-du-lieu")
    shutil.copy(demo_db, folder / "cong.db")
    shutil.copytree(demo_db.parent / "du-lieu", folder / "du-lieu")  # the province's dossier datasets
    engine = portal_engine(folder / "cong.db")
    settings = Settings(data_dir=folder / "tai-lieu", upload_limit=BODY, data_upload_limit=DATA)
    with serving_app(create_app(engine, settings)) as base:
        yield base, engine, folder
    engine.dispose()


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([headers, *rows])
    return out.getvalue().encode("utf-8")


def _send(client: httpx.Client, token: str, files: list[tuple[str, bytes]], **fields) -> httpx.Response:
    return client.post(UPLOAD, data={"csrf": token, **fields},
                       files=[("files", (name, data, "text/csv")) for name, data in files])


def _batches(engine) -> list[tuple[str, str, int, str]]:
    with engine.connect() as conn:
        B = models.IngestBatch
        return [tuple(r) for r in conn.execute(select(B.kind, B.file_name, B.rows, B.created_by).order_by(B.id))]


def test_the_office_sends_files_that_land_together_each_told(site):
    base, engine, _ = site
    office, token = signed_in(base, "quantri")
    assert "Gửi tệp dữ liệu" in office.get("/quan-tri/du-lieu").text
    figures = csv_bytes(FACT_HEADERS, [["STP", "Năm 2024", "so_vu_ky_luat", "1", "Quyết định kỷ luật số 5"]])
    dossiers = csv_bytes(DOSSIER_HEADERS, [dossier(code=f"CONG-{i}") for i in range(3)])
    before = _batches(engine)
    r = _send(office, token, [("so_lieu_stp.csv", figures), ("ho_so_stp.csv", dossiers)])
    assert r.status_code == 200, r.text[r.text.find("<section"):r.text.find("</section>")]
    text = " ".join(r.text.split())
    assert "Đã nhập 2 tệp." in text
    assert "<b>so_lieu_stp.csv</b> (Số liệu chỉ tiêu): <span class=\"landed\">đã nhận</span>" in text
    assert "<b>ho_so_stp.csv</b> (Hồ sơ thủ tục hành chính): <span class=\"landed\">đã nhận</span>" in text
    assert _batches(engine)[len(before):] == [("ho_so", "ho_so_stp.csv", 3, "quantri"),
                                              ("so_lieu", "so_lieu_stp.csv", 1, "quantri")]
    with engine.connect() as conn:
        entry = conn.execute(select(models.AuditEntry.actor, models.AuditEntry.object)
                             .where(models.AuditEntry.action == "nhap_du_lieu")).one()
    assert entry == ("quantri", "so_lieu_stp.csv, ho_so_stp.csv")
    # the same bytes again: told where they landed, nothing added
    again = " ".join(_send(office, token, [("ho_so_stp.csv", dossiers)], year="2025").text.split())
    assert "tệp này đã được nhập (lô #" in again and ", hồ sơ năm 2024); không thêm gì" in again
    assert "--year 2025 không dùng" in again
    assert len(_batches(engine)) == len(before) + 2


def test_a_refused_file_keeps_its_group_out_and_names_row_and_column(site):
    base, engine, _ = site
    office, token = signed_in(base, "quantri")
    good = csv_bytes(FACT_HEADERS, [["SKHCN", "Năm 2024", "so_vu_ky_luat", "80", ""]])
    bad = csv_bytes(FACT_HEADERS, [["STP", "Năm 2024", "so_vu_ky_luat", "10", ""],
                                   ["STP", "Quý I/2024", "so_vu_ky_luat", "-1", ""]])
    before = snapshot(engine)
    r = _send(office, token, [("tot.csv", good), ("hong.csv", bad)])
    assert r.status_code == 400
    text = " ".join(r.text.split())
    assert "Không có dữ liệu nào được ghi" in text
    assert "<b>tot.csv</b> (Số liệu chỉ tiêu): hợp lệ, nhưng không ghi vì có tệp khác bị từ chối" in text
    assert "hong.csv, dòng 3, cột «Giá trị»:" in text and "bị từ chối (" in text
    assert snapshot(engine) == before


def test_only_the_office_may_send_data_files(site):
    """Guard: ``accounts.require(actor, "quan_tri")`` in the route and in ``office.ingestion``."""
    base, engine, _ = site
    unit, token = signed_in(base, "donvi.stp")
    before = snapshot(engine)
    figures = csv_bytes(FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "999", ""]])
    assert unit.get("/quan-tri/du-lieu").status_code == 403
    assert _send(unit, token, [("so_lieu.csv", figures)]).status_code == 403
    public = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    public_token = csrf_of(public.get("/dang-nhap").text)
    r = _send(public, public_token, [("so_lieu.csv", figures)])
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")
    assert snapshot(engine) == before


def test_a_send_without_a_file_gets_the_portal_s_page(site):
    """FastAPI's JSON of a missing field (422) became the portal's page, naming the field."""
    base, engine, _ = site
    office, token = signed_in(base, "quantri")
    r = office.post(UPLOAD, data={"csrf": token, "files": "khong-phai-tep"},
                    files=[("khac", ("a.csv", b"x", "text/csv"))])
    assert r.status_code == 400 and "text/html" in r.headers["content-type"]
    assert "Biểu mẫu gửi lên thiếu hoặc sai trường «files»" in r.text, r.text[r.text.find("<main"):]


def test_a_send_without_its_form_token_is_refused(site):
    """Guard: web.routes_data._Sent, which reads the form's token field before its files."""
    base, engine, _ = site
    office, _ = signed_in(base, "quantri")
    before = snapshot(engine)
    r = _send(office, "sai-ma", [("so_lieu.csv", csv_bytes(FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "5", ""]]))])
    assert r.status_code == 403 and "CSRF" in r.text
    assert snapshot(engine) == before


def test_the_larger_bound_is_the_offices_alone(site):
    """Guard: ``web.app.body_limit`` — a body above the portal's bound reaches the data route only from the office;
    anyone else sending as much to the same address is refused before it is read."""
    base, engine, _ = site
    big = csv_bytes(FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "7", "x" * 200]] * 8000)  # ≈ 1.7 MB
    assert BODY < len(big) < DATA
    unit, unit_token = signed_in(base, "donvi.stp")
    assert _send(unit, unit_token, [("lon.csv", big)]).status_code == 413
    office, token = signed_in(base, "quantri")
    r = _send(office, token, [("lon.csv", big)])
    assert r.status_code == 400 and "lon.csv, dòng 3" in r.text  # read whole: its rows repeat one key


def test_files_above_the_bound_together_are_refused_naming_it(site):
    """Guard: the route's count of the bytes it writes (the body's bound leaves room for the form around them)."""
    base, engine, _ = site
    office, token = signed_in(base, "quantri")
    before = snapshot(engine)
    part = b"x" * (DATA // 2 + 60_000)
    r = _send(office, token, [("a.csv", part), ("b.csv", part)])
    assert r.status_code == 400 and "các tệp gửi cùng lúc lớn hơn 3 MB" in r.text
    assert snapshot(engine) == before


def test_names_sent_stay_names_and_are_escaped(site, tmp_path):
    """Guards: ``office.ingestion.upload_name`` (a path sent as a name is cut to its last part, inside the request's
    own folder) and the page's escaping of names and cells."""
    base, engine, folder = site
    office, token = signed_in(base, "quantri")
    evil = "<img src=x onerror=alert(1)>"
    figures = csv_bytes(FACT_HEADERS, [[evil, "Năm 2024", "van_ban_di", "5", ""]])
    r = _send(office, token, [(f"../../{evil}.csv", figures)])
    assert r.status_code == 400
    assert evil not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    for where in (Path("/"), Path(tempfile.gettempdir()), folder, folder.parent):  # «../../» of the request's folder
        assert not list(where.glob("<img*")), where
    name = "..\\..\\so_lieu_snv.csv"
    r = _send(office, token, [(name, csv_bytes(FACT_HEADERS, [["SNV", "Năm 2024", "so_vu_ky_luat", "12", ""]]))])
    assert r.status_code == 200 and _batches(engine)[-1][1] == "so_lieu_snv.csv"
    assert "<b>so_lieu_snv.csv</b> (gửi với tên «..\\..\\so_lieu_snv.csv»)" in r.text


def test_a_long_vietnamese_name_is_kept_within_the_file_system_s_bytes(site):
    """Guard: ``upload_name`` counts bytes, not letters: 100 «ệ» are 300 bytes, past the 255 a file system takes,
    and the upload ended in a server error."""
    base, engine, _ = site
    office, token = signed_in(base, "quantri")
    long = "Số liệu kỷ luật " + "ệ" * 100 + ".csv"
    r = _send(office, token, [(long, csv_bytes(FACT_HEADERS, [["SYT", "Năm 2024", "so_vu_ky_luat", "3", ""]])),
                              (long, csv_bytes(FACT_HEADERS, [["SGDDT", "Năm 2024", "so_vu_ky_luat", "4", ""]]))])
    assert r.status_code == 200, r.text[r.text.find("<section"):r.text.find("</section>")]
    kept = [b[1] for b in _batches(engine)[-2:]]
    assert all(len(k.encode()) <= 200 and k.startswith("Số liệu kỷ luật ệ") and k.endswith(".csv") for k in kept)
    assert len(set(kept)) == 2


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_browser_the_office_sends_two_files_and_reads_their_fate(browser, site, tmp_path):
    """The page as the office uses it: two files chosen at once, one refused; the page says which row, and the
    corrected pair then lands. The page must not scroll sideways on a phone."""
    from playwright.sync_api import expect

    base, engine, _ = site
    good = tmp_path / "ky_luat_sct.csv"
    good.write_bytes(csv_bytes(FACT_HEADERS, [["SCT", "Năm 2024", "so_vu_ky_luat", "2", ""]]))
    bad = tmp_path / "ky_luat_sxd.csv"
    bad.write_bytes(csv_bytes(FACT_HEADERS, [["SXD", "Năm 2024", "so_vu_ky_luat", "hai", ""]]))
    context = browser.new_context(viewport={"width": 400, "height": 900}, locale="vi-VN")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.goto(base + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Dữ liệu").click()
    page.get_by_label("Tệp", exact=True).set_input_files([str(good), str(bad)])
    with page.expect_request(lambda q: q.method == "POST") as sent:
        page.get_by_role("button", name="Kiểm tra và nhập").click()
    # the token in a header: the portal never holds the files in memory to find it among the fields
    assert sent.value.headers.get("x-csrf-token") and b'name="csrf"' not in (sent.value.post_data_buffer or b"")
    result = page.get_by_role("region", name="Kết quả nhập")
    expect(result).to_contain_text("Không có dữ liệu nào được ghi")
    expect(result).to_contain_text("ky_luat_sxd.csv, dòng 2, cột «Giá trị»")
    expect(result).to_contain_text("ky_luat_sct.csv (Số liệu chỉ tiêu): hợp lệ, nhưng không ghi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    bad.write_bytes(csv_bytes(FACT_HEADERS, [["SXD", "Năm 2024", "so_vu_ky_luat", "0", ""]]))
    page.get_by_label("Tệp", exact=True).set_input_files([str(good), str(bad)])
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(result).to_contain_text("Đã nhập 2 tệp.")
    expect(page.get_by_role("table")).to_contain_text("ky_luat_sxd.csv")
    assert not problems, problems
    context.close()
    # without a script the form is sent as it is, the token among its fields
    plain = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = plain.new_page()
    page.goto(base + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(base + "/quan-tri/du-lieu")
    again = tmp_path / "ky_luat_snv.csv"
    again.write_bytes(csv_bytes(FACT_HEADERS, [["SNV", "Năm 2024", "so_vu_ky_luat", "1", ""]]))
    page.get_by_label("Tệp", exact=True).set_input_files([str(again)])
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_role("region", name="Kết quả nhập")).to_contain_text("Đã nhập 1 tệp.")
    plain.close()


def _tmp_files(folder: Path) -> list[str]:
    """What the process holds under ``folder``: the paths in it, and the files it has open there (a spooled upload
    is an unnamed file, seen only among the open ones)."""
    import os

    held = [str(p) for p in folder.rglob("*")]
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            held.append(target)
    return held


def _multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "ranh-gioi-kiem-thu") -> list[bytes]:
    """A multipart body in the order given, one chunk per part: (name, file name or None for a field, bytes)."""
    chunks = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        kind = "\r\nContent-Type: text/csv" if filename is not None else ""
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}{kind}\r\n\r\n".encode() + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return chunks


@pytest.fixture
def office_app(engine, tmp_path, monkeypatch):
    """The portal as an ASGI app on a store with the office's account (the body fed a part at a time, each asked for
    by the app once it is done with the one before), and the temporary folder it is given: (app, folder)."""
    from portal_fixtures import _create
    from web.app import Settings, create_app

    _create(engine, "quantri", "quan_tri")
    spool = tmp_path / "tam"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    return create_app(engine, Settings(data_dir=tmp_path / "tai-lieu", warm_public=False)), spool


def _run(coroutine):
    """A coroutine run to its end on a thread of its own: this module's browser leaves a loop running on this one."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _post_in_parts(app, spool: Path, chunks: list[bytes], header: str | None = None):
    """Sign in as the office, then send ``chunks`` (with ``header`` as the token's header): the answer, how many
    chunks the app asked for, and what was under the temporary folder before each next one was given."""

    seen: list[list[str]] = []
    asked = [0]

    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://cong") as client:
            first = csrf_of((await client.get("/dang-nhap")).text)
            r = await client.post("/dang-nhap", data={"username": "quantri", "password": PASSWORD, "csrf": first})
            assert r.status_code == 303

            async def body():
                for chunk in chunks:
                    if asked[0]:
                        seen.append(_tmp_files(spool))
                    asked[0] += 1
                    yield chunk

            headers = {"content-type": "multipart/form-data; boundary=ranh-gioi-kiem-thu",
                       "content-length": str(sum(map(len, chunks)))}
            if header is not None:
                headers["x-csrf-token"] = header
            return await client.post(UPLOAD, content=body(), headers=headers)

    answer = _run(run())
    seen.append(_tmp_files(spool))
    return answer, asked[0], seen


def test_a_cross_site_upload_writes_nothing_before_it_is_refused(office_app):
    """Guard: web.routes_data reads the office's form part by part (``_Sent``) and refuses a file part that comes
    before a good token, and the middleware checks a header's token before the body is read. The route took its
    files as FastAPI's arguments: a forged send was parsed whole first, its files spooled to the temporary
    folder, and refused after."""
    app, spool = office_app
    big = b"x" * (DATA // 2)  # past what is kept in memory: spooled, it would be on disk
    figures = [("files", "so_lieu.csv", csv_bytes(FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "5", ""]]) + big),
               ("files", "ho_so.csv", big)]
    for forged in ([("kind", None, b"")] + figures, [("csrf", None, b"sai-ma")] + figures,
                   figures + [("csrf", None, b"sai-ma")]):
        r, asked, seen = _post_in_parts(app, spool, _multipart(forged))
        assert r.status_code == 403 and "CSRF" in r.text
        assert asked <= 2 and not any(seen), seen  # refused at the first file's headers, nothing written
    r, asked, seen = _post_in_parts(app, spool, _multipart(figures), header="sai-ma")
    assert r.status_code == 403 and asked == 0 and not any(seen)


def test_a_good_token_after_the_files_is_too_late_and_before_them_lands_them(office_app):
    """Guard: ``_Sent`` writes a file only once the token is known; the page's form puts its token first."""
    import re

    app, spool = office_app
    page = (Path(__file__).parents[1] / "web" / "templates" / "data.html").read_text(encoding="utf-8")
    form = page[page.index('<form method="post" action="{{ base }}/quan-tri/du-lieu/nhap"'):]
    fields = re.findall(r'<(?:input|select)[^>]*name="([a-z]+)"', form[:form.index("</form>")])
    assert fields[0] == "csrf" and fields.index("files") > 0
    units = csv_bytes(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"],
                      [["TINH", "UBND tỉnh", "UBND tỉnh", ""]])

    async def send(order):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://cong") as client:
            first = csrf_of((await client.get("/dang-nhap")).text)
            await client.post("/dang-nhap", data={"username": "quantri", "password": PASSWORD, "csrf": first})
            token = csrf_of((await client.get("/quan-tri/du-lieu")).text).encode()
            parts = [("files", "don_vi.csv", units)]
            parts = [("csrf", None, token)] + parts if order == "first" else parts + [("csrf", None, token)]
            chunks = _multipart(parts)
            return await client.post(UPLOAD, content=b"".join(chunks), headers={
                "content-type": "multipart/form-data; boundary=ranh-gioi-kiem-thu"})

    late = _run(send("last"))
    assert late.status_code == 403 and not _tmp_files(spool)
    landed = _run(send("first"))
    assert landed.status_code == 200 and "Đã nhập 1 tệp." in landed.text, landed.text[:2000]
    assert not _tmp_files(spool)
