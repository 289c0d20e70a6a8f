"""The portal in a real browser (Debian's Chromium driven by Playwright) against a real uvicorn server on
127.0.0.1: a unit officer's first sign-in, the self-assessment with evidence, the appraisal with a reason and a
feedback request, the unit's answer, publication and the public ranking and scorecard. Pages are also
photographed at a desktop and a phone width, and must not scroll sideways on the phone."""

from __future__ import annotations

import re
import shutil
import zlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from office import accounts
from playwright.sync_api import expect
from portal_fixtures import portal_engine, serving
from rules.ruleset import find
from store import models

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNIT, OFFICER, INITIAL, NEW = "SKHCN", "canbo.skhcn", "ban-dau-2024x", "mat-khau-moi-77"
WIDE, NARROW = 1400, 400


def small_pdf(text: str) -> bytes:
    """A real one-page PDF (objects, content stream, cross-reference table) with one line of text."""
    stream = zlib.compress(f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1"))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    """A server of its own (the scenario publishes the round): base url, engine, the unit's initial account."""
    folder = tmp_path_factory.mktemp("cong-trinh-duyet")
    shutil.copy(demo_db, folder / "cong.db")
    engine = portal_engine(folder / "cong.db")
    accounts.create_account(engine, accounts.SYSTEM, OFFICER, "Nguyễn Văn An", "don_vi", UNIT, password=INITIAL)
    with serving(engine, folder / "du-lieu") as base:
        yield base, engine
    engine.dispose()


def _rank_before(engine) -> tuple[int, float]:
    """The unit's rank and points from the figures the store holds before the round (read only)."""
    from cycle import scoring

    with Session(engine) as s:
        *_, result = scoring.evaluate_units(engine, s, find("chi-so-cchc-so-nganh"), "2024-NAM")
    table = result.summary()
    return int(table.loc[UNIT, "hang"]), float(table.loc[UNIT, "diem"])


def _number(text: str) -> float:
    """A number as the portal shows it (1.234,56) → float."""
    return float(text.strip().replace(".", "").replace(",", "."))


def _sign_in(page, base, username, password):
    page.goto(base + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def _sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r".*/dang-nhap$"))


def _no_sideways_scroll(page, what: str):
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{what}: trang rộng {wide}px, cuộn ngang ở {page.viewport_size}"


def _shots(browser, base, url, name, folder, cookies=()):
    """Photograph a page at a desktop and a phone width; the phone's must not scroll sideways."""
    for width in (WIDE, NARROW):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        context.add_cookies(list(cookies))
        page = context.new_page()
        page.goto(base + url)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        if width == NARROW:
            _no_sideways_scroll(page, name)
        context.close()


def test_a_unit_self_assesses_is_appraised_answers_and_is_published(browser, site, tmp_path):
    base, engine = site
    rank_before, points_before = _rank_before(engine)
    with engine.connect() as conn:
        round_id = conn.execute(select(models.AssessmentRound.id).where(models.AssessmentRound.state == "mo")).scalar()
    context = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))

    # The unit officer's first sign-in: the initial password must be changed before anything else.
    _sign_in(page, base, OFFICER, INITIAL)
    page.wait_for_url(re.compile(r".*/doi-mat-khau$"))
    page.goto(base + "/tu-danh-gia")
    assert page.url.endswith("/doi-mat-khau")
    page.get_by_label("Mật khẩu hiện tại").fill(INITIAL)
    page.get_by_label("Mật khẩu mới (ít nhất").fill(NEW)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    assert "Đã đổi mật khẩu." in page.locator(".notice").inner_text()

    # The form: declared figures for two criteria, an explanation, live points, evidence, save, submit.
    page.get_by_role("link", name="Mở biểu mẫu").click()
    page.wait_for_url(re.compile(rf".*/tu-danh-gia/{round_id}$"))
    assert page.locator("#tc-1\\.3\\.1 [data-diem]").inner_text() == "0"
    page.locator("input[name='so_lieu__tthc_cong_khai']").fill("53")
    page.locator("input[name='so_lieu__td_ke_hoach_cchc']").fill("3")
    expect(page.locator("[data-diem='1.3.1']")).to_have_text("3")  # live points, before anything is saved
    expect(page.locator("[data-diem-muc='1.3.1']")).to_have_text("3")  # and the list of criteria above
    page.locator("textarea[name='giai_trinh__1.3.1']").fill("Đã công khai đủ 53 thủ tục trên Cổng dịch vụ công.")
    page.get_by_role("button", name="Lưu nháp (và tính điểm)").click()
    assert "Đã lưu nháp." in page.locator(".notice").inner_text()
    assert page.locator("input[name='so_lieu__tthc_cong_khai']").input_value() == "53"
    pdf = tmp_path / "danh-muc-tthc-cong-khai.pdf"
    pdf.write_bytes(small_pdf("Danh muc TTHC cong khai 2024"))
    page.get_by_label("Tiêu chí").select_option("1.3.1")
    page.get_by_label("Tệp (PDF").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên").click()
    assert "Đã tải lên tài liệu kiểm chứng." in page.locator(".notice").inner_text()
    assert page.locator("#tc-1\\.3\\.1 .files a", has_text="danh-muc-tthc-cong-khai.pdf").count() == 1
    _shots(browser, base, f"/tu-danh-gia/{round_id}", "bieu-mau-don-vi", tmp_path, context.cookies())
    page.get_by_role("button", name="Nộp tự đánh giá").click()
    assert "Đã nộp tự đánh giá." in page.locator(".notice").inner_text()
    assert "Đã nộp" in page.locator("#trang-thai").inner_text()
    _sign_out(page)

    # The appraiser lowers 1.1.2 with a reason and asks for evidence on 1.7.1.
    _sign_in(page, base, "thamdinh", "mat-khau-thu-1")
    page.goto(base + "/tham-dinh")
    page.get_by_role("row", name=re.compile(UNIT)).get_by_role("link", name="Thẩm định").click()
    leaf = page.locator("#tc-1\\.3\\.1")
    assert leaf.locator(".files a", has_text="danh-muc-tthc-cong-khai.pdf").count() == 1
    assert "Đã công khai đủ 53 thủ tục" in leaf.inner_text()
    with page.expect_download() as download:
        leaf.locator(".files a").first.click()
    assert download.value.suggested_filename == "danh-muc-tthc-cong-khai.pdf"
    assert open(download.value.path(), "rb").read() == pdf.read_bytes()
    leaf = page.locator("#tc-1\\.1\\.2")
    leaf.get_by_label("Điểm thẩm định").fill("2")
    leaf.get_by_label("Lý do").fill("Kế hoạch CCHC ban hành muộn so với quy định")
    leaf.get_by_role("button", name="Ghi điểm").click()
    assert "Đã ghi điểm thẩm định tiêu chí 1.1.2." in page.locator(".notice").inner_text()
    assert "Kế hoạch CCHC ban hành muộn" in page.locator("#tc-1\\.1\\.2 .appraised").inner_text()
    leaf = page.locator("#tc-1\\.7\\.1")
    leaf.get_by_label("Yêu cầu bổ sung").fill("Bổ sung sổ văn bản đi có ký số")
    leaf.get_by_label("Hạn").fill((date.today() + timedelta(days=7)).isoformat())
    leaf.get_by_role("button", name="Gửi yêu cầu").click()
    assert "Đã gửi yêu cầu bổ sung tiêu chí 1.7.1." in page.locator(".notice").inner_text()
    assert "Cần bổ sung" in page.locator("#trang-thai").inner_text()
    _shots(browser, base, page.url.removeprefix(base).split("?")[0], "tham-dinh", tmp_path, context.cookies())
    _sign_out(page)

    # The unit answers, with a file for the criterion asked about.
    _sign_in(page, base, OFFICER, NEW)
    page.goto(base + "/tu-danh-gia")
    box = page.locator(".box", has_text="Tiêu chí 1.7.1")
    assert "Bổ sung sổ văn bản đi có ký số" in box.inner_text()
    box.get_by_label("Trả lời").fill("Đã tải lên sổ văn bản đi năm 2024.")
    box.get_by_role("button", name="Gửi trả lời").click()
    assert "Đã gửi trả lời yêu cầu bổ sung." in page.locator(".notice").inner_text()
    page.goto(base + f"/tu-danh-gia/{round_id}")
    book = tmp_path / "so-van-ban-di.pdf"
    book.write_bytes(small_pdf("So van ban di 2024"))
    page.get_by_label("Tiêu chí").select_option("1.7.1")
    page.get_by_label("Tệp (PDF").set_input_files(str(book))
    page.get_by_role("button", name="Tải lên").click()
    assert page.locator("#tc-1\\.7\\.1 .files a", has_text="so-van-ban-di.pdf").count() == 1
    assert "Trả lời: Đã tải lên sổ văn bản đi năm 2024." in page.locator("#tc-1\\.7\\.1 .feedback").inner_text()
    _sign_out(page)

    # The office publishes.
    _sign_in(page, base, "quantri", "mat-khau-thu-1")
    page.goto(base + "/quan-tri")
    _shots(browser, base, "/quan-tri", "dieu-hanh", tmp_path, context.cookies())
    page.get_by_role("button", name="Công bố kết quả").click()
    page.wait_for_url(re.compile(r".*/cong-khai/\d+"))
    _sign_out(page)
    context.close()

    # The public: the unit's new rank in the ranking, the reasons on its scorecard.
    public = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="vi-VN")
    page = public.new_page()
    page.goto(base + "/cong-khai")
    page.get_by_role("link", name=re.compile("Chỉ số CCHC")).first.click()
    row = page.locator(f"#xep-hang tr[data-don-vi='{UNIT}']")
    rank = int(row.locator("td").first.inner_text())
    points = _number(row.locator("td").nth(2).inner_text().split("/")[0])
    assert points == pytest.approx(points_before + 3 + 0.25 - 1, abs=0.01)  # 1.3.1: 0 → 3; 1.1.2: 2,75 → 3 → 2
    assert rank < rank_before
    ranking_url = page.url.removeprefix(base)
    row.get_by_role("link").click()
    assert page.locator("#hang").inner_text() == str(rank)
    line = page.get_by_role("row", name=re.compile(r"^1\.1\.2\."))
    assert "Kế hoạch CCHC ban hành muộn so với quy định" in line.inner_text()
    assert "tự đánh giá 3/3 điểm; thẩm định 2/3 điểm" in line.inner_text()
    public.close()
    _shots(browser, base, ranking_url, "xep-hang-cong-khai", tmp_path)
    _shots(browser, base, ranking_url + f"/{UNIT}", "phieu-diem-cong-khai", tmp_path)
    assert not errors, errors
    with engine.connect() as conn:
        assert conn.execute(select(models.AssessmentRound.state).where(models.AssessmentRound.id == round_id)
                            ).scalar() == "cong_bo"
