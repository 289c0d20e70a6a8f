"""A commune's quarterly report in a real browser (Debian's Chromium driven by Playwright) against a real uvicorn
server: the commune's officer opens a quarter whose due date has passed, sees that submitting now is late, fills
figures and sections, submits; the office's register then says «trễ hạn» by the number of days from the due date
to today, and shows the report. The pages are photographed at a desktop and a phone width."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import date

import pandas as pd
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cycle.reporting import submissions
from office import periodic_online
from portal_fixtures import PASSWORD, _create, portal_engine, serving
from store import models
from portal_fixtures import CHROMIUM_ARGS
from test_portal_browser import NARROW, WIDE, _shots, _sign_in, _sign_out

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OFFICER = "canbo.xa.bao-cao"


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    """A server of its own, with an officer of the first commune: base url, engine, the commune (code, name)."""
    folder = tmp_path_factory.mktemp("bao-cao-trinh-duyet")
    shutil.copy(demo_db, folder / "cong.db")
    engine = portal_engine(folder / "cong.db")
    with engine.connect() as conn:
        commune = conn.execute(select(models.Unit.code, models.Unit.name).where(models.Unit.kind == "xa_phuong")
                               .order_by(models.Unit.code)).first()
    _create(engine, OFFICER, "don_vi", commune.code)
    with serving(engine, folder / "du-lieu") as base:
        yield base, engine, commune
    engine.dispose()


def _late_quarter(engine, unit: str, today: date):
    """The latest quarter (quý I or quý III) whose due date is past and of which the register has no report of
    the unit yet."""
    for period in periodic_online.reporting_periods(engine, today):
        if period.kind.code in ("Q1", "Q3") and period.due < today:
            line = submissions(engine, period.code, today).set_index("unit").loc[unit]
            if pd.isna(line["submitted_on"]):
                return period
    raise AssertionError("no past quarter without a report")


def in_a_chromium_of_its_own(scenario) -> None:
    """Run ``scenario(browser)`` with a Chromium of its own, in a thread of its own: Playwright's sync API runs one
    instance per thread, and the other browser tests keep theirs open for the whole session in this one."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Chromium không có trên máy (cần gói Debian «chromium»: apt-get install chromium); "
                    "kiểm thử trình duyệt không chạy được", pytrace=False)
    failed: list[BaseException] = []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
                try:
                    scenario(chromium)
                finally:
                    chromium.close()
        except BaseException as err:  # noqa: BLE001 - carried to the test's own thread
            failed.append(err)

    worker = threading.Thread(target=run, name="chromium-bao-cao")
    worker.start()
    worker.join(600)
    assert not worker.is_alive(), "the browser scenario did not end in 10 minutes"
    if failed:
        raise failed[0]


def test_a_commune_submits_its_quarterly_report_late_and_the_register_counts_the_days(site, tmp_path):
    in_a_chromium_of_its_own(lambda browser: _scenario(browser, site, tmp_path))


def _scenario(browser, site, tmp_path):
    base, engine, commune = site
    today = date.today()
    period = _late_quarter(engine, commune.code, today)
    late = (today - period.due).days
    assert late > 0
    context = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))

    _sign_in(page, base, OFFICER, PASSWORD)
    page.get_by_role("link", name="Báo cáo định kỳ").click()
    page.wait_for_url(re.compile(r".*/bao-cao-dinh-ky$"))
    expect(page.locator("h1")).to_have_text("Báo cáo CCHC định kỳ")
    expect(page.get_by_text(commune.name)).to_be_visible()
    page.locator(f"#ky-{period.code}").get_by_role("link", name="Lập báo cáo").click()
    page.wait_for_url(re.compile(rf".*/bao-cao-dinh-ky/{period.code}$"))
    expect(page.locator(".warning")).to_contain_text(f"trễ hạn {late} ngày")

    page.get_by_label("Tổng số văn bản đi", exact=True).fill("1.250")
    page.get_by_label("Văn bản đi được ký số", exact=True).fill("1.248")
    page.locator("textarea[name='noi_dung__iso']").fill("Xã áp dụng ISO 9001:2015 cho 12 thủ tục hành chính.")
    page.locator("textarea[name='noi_dung__kho_khan']").fill("Thiếu máy quét để số hóa hồ sơ.\nĐường truyền chậm.")
    page.locator("input[name='so_hieu']").fill("15/BC-UBND")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".notice")).to_have_text("Đã lưu nháp báo cáo.")
    expect(page.locator("#trang-thai")).to_have_text("Nháp")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.locator(".notice")).to_contain_text(f"Báo cáo trễ hạn {late} ngày.")
    expect(page.locator("#trang-thai")).to_have_text("Đã nộp")
    expect(page.locator("#so-theo-doi")).to_contain_text(f"trễ hạn {late} ngày")
    expect(page.locator("#so-theo-doi")).to_contain_text(f"nhận ngày {today:%d/%m/%Y}, số 15/BC-UBND (Cổng CCHC)")
    expect(page.get_by_role("button", name="Rút báo cáo để sửa")).to_have_count(0)  # late: the office has it
    report_url = page.url
    _sign_out(page)

    _sign_in(page, base, "quantri", PASSWORD)
    page.get_by_role("link", name="Báo cáo định kỳ").click()
    page.wait_for_url(re.compile(r".*/quan-tri/bao-cao-dinh-ky$"))
    page.get_by_role("row").filter(has_text=period.label).get_by_role("link", name="Sổ theo dõi").click()
    page.wait_for_url(re.compile(rf".*/quan-tri/bao-cao-dinh-ky/{period.code}$"))
    row = page.locator(f"#dv-{commune.code}")
    expect(row).to_contain_text("trễ hạn")
    expect(row.locator("td").nth(5)).to_have_text(str(late))
    expect(row).to_contain_text(f"{today:%d/%m/%Y}")
    expect(row).to_contain_text("Cổng CCHC")
    register_url = page.url
    row.get_by_role("link", name="Xem báo cáo").click()
    expect(page.locator("#muc-iso")).to_contain_text("Xã áp dụng ISO 9001:2015 cho 12 thủ tục hành chính.")
    expect(page.locator("#so-theo-doi")).to_contain_text(f"trễ hạn {late} ngày")
    with page.expect_download() as download:
        page.goto(register_url)
        page.get_by_role("link", name="Xuất XLSX").click()
    assert download.value.suggested_filename == f"so-theo-doi-bao-cao-{period.code}.xlsx"
    cookies = context.cookies()
    _shots(browser, base, register_url[len(base):], "so-theo-doi", tmp_path, cookies)
    _sign_out(page)
    assert not errors
    context.close()

    # the officer's pages, photographed too: the report as submitted, and the form of the next period
    officer = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="vi-VN")
    page = officer.new_page()
    _sign_in(page, base, OFFICER, PASSWORD)
    cookies = officer.cookies()
    _shots(browser, base, report_url[len(base):], "bao-cao-da-nop", tmp_path, cookies)
    upcoming = periodic_online.reporting_periods(engine, today)[0]
    _shots(browser, base, f"/bao-cao-dinh-ky/{upcoming.code}", "bao-cao-bieu-mau", tmp_path, cookies)
    officer.close()
    for name in ("so-theo-doi", "bao-cao-da-nop", "bao-cao-bieu-mau"):
        assert (tmp_path / f"{name}-{NARROW}.png").stat().st_size > 10_000
