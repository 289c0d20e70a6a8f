"""One portal for several provinces in a real browser (Debian's Chromium driven by Playwright) against a real
uvicorn server on 127.0.0.1: from the landing page into one province, a unit officer's first sign-in with the
initial password changed, the self-assessment form with its live points, a draft saved, the header's links
followed and signing out — every address the browser asks for stays under the province's prefix, every cookie is
the prefix's, and the content policy holds (no console error)."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from office import accounts
from office.provinces import load
from playwright.sync_api import expect
from portal_fixtures import province_registry, serving_app
from store import models
from web.app import Settings
from web.portal import create_portal

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KEY, OFFICER, INITIAL, NEW = "tinh-a", "canbo.skhcn", "ban-dau-2024x", "mat-khau-moi-77"


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    """Both provinces in one portal, with a unit officer of tinh-a who has not yet changed the initial password:
    (base url, tinh-a's engine)."""
    folder = tmp_path_factory.mktemp("cong-cac-tinh-trinh-duyet")
    registry = province_registry(demo_db, folder)
    saved = os.environ.pop("CCHC_SECRET_KEY", None)  # each province's key in its own data folder
    try:
        app = create_portal(load(registry), Settings(upload_limit=2 * 1024 * 1024))
    finally:
        if saved is not None:
            os.environ["CCHC_SECRET_KEY"] = saved
    engine = app.state.engines[KEY]
    accounts.create_account(engine, accounts.SYSTEM, OFFICER, "Nguyễn Văn An", "don_vi", "SKHCN", password=INITIAL)
    with serving_app(app) as base:
        yield base, engine
    for e in app.state.engines.values():
        e.dispose()


def test_a_unit_works_in_its_province_and_every_address_stays_under_its_prefix(browser, site):
    base, engine = site
    with engine.connect() as conn:
        round_id = conn.execute(select(models.AssessmentRound.id).where(models.AssessmentRound.state == "mo")).scalar()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors, asked = [], []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda request: asked.append(request.url))

    page.goto(base + "/")
    assert page.get_by_role("link", name=re.compile("Tỉnh A")).inner_text() == "Tỉnh A <script>alert('tinh-a')</script>"
    landing = list(asked)
    assert all(u in (base + "/", base + "/static/style.css", base + "/static/favicon.svg") for u in landing), landing
    asked.clear()
    page.get_by_role("link", name=re.compile("Tỉnh A")).click()
    page.wait_for_url(re.compile(rf".*/{KEY}/cong-khai$"))
    page.get_by_role("link", name="Đăng nhập").click()
    page.wait_for_url(re.compile(rf".*/{KEY}/dang-nhap$"))

    # the first sign-in: the initial password changed before anything else
    page.get_by_label("Tên đăng nhập").fill(OFFICER)
    page.get_by_label("Mật khẩu").fill(INITIAL)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(rf".*/{KEY}/doi-mat-khau$"))
    page.get_by_label("Mật khẩu hiện tại").fill(INITIAL)
    page.get_by_label("Mật khẩu mới (ít nhất").fill(NEW)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    assert "Đã đổi mật khẩu." in page.locator(".notice").inner_text()
    assert page.url == f"{base}/{KEY}/tu-danh-gia"

    # the self-assessment: live points (a request of the page's script), a draft saved
    page.get_by_role("link", name="Mở biểu mẫu").click()
    page.wait_for_url(re.compile(rf".*/{KEY}/tu-danh-gia/{round_id}$"))
    assert "Sở Riêng Của Tỉnh A" in page.locator("main").inner_text()
    page.locator("input[name='so_lieu__tthc_cong_khai']").fill("53")
    page.locator("input[name='so_lieu__td_ke_hoach_cchc']").fill("3")
    expect(page.locator("[data-diem='1.3.1']")).to_have_text("3")
    assert f"{base}/{KEY}/tu-danh-gia/{round_id}/diem-tam" in asked
    page.get_by_role("button", name="Lưu nháp (và tính điểm)").click()
    assert "Đã lưu nháp." in page.locator(".notice").inner_text()

    # the header's links, each followed
    for name, path in (("Báo cáo định kỳ", "/bao-cao-dinh-ky"), ("Mục tiêu và dự báo", "/don-vi/SKHCN/muc-tieu"),
                       ("Thông báo", "/thong-bao"), ("Kết quả công bố", "/cong-khai"), ("Hướng dẫn", "/huong-dan"),
                       ("Cổng CCHC", "/tu-danh-gia")):
        page.locator("header").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(f"{base}/{KEY}{path}")
    cookies = context.cookies()
    assert cookies and all(c["path"] == f"/{KEY}/" for c in cookies), cookies
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{base}/{KEY}/dang-nhap")

    outside = [u for u in asked if not u.startswith(f"{base}/{KEY}/")]
    assert not outside, outside
    assert len(asked) > 15
    assert not errors, errors
    context.close()
