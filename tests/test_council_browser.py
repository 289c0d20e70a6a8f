"""The council's session in a real browser (Debian's Chromium driven by Playwright) against a real uvicorn
server: the office opens it with five of the council's accounts, four members vote in the meeting and one in
writing, each reading the dossiers; the office sees who voted but no count until it closes the session, then
the outcome and the minutes. The pages are photographed at a phone's width and must not scroll sideways."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from office import emulation as em
from portal_fixtures import PASSWORD, _create, portal_engine, serving
from store import models
from test_portal_browser import NARROW, _no_sideways_scroll, _sign_in, _sign_out

pytestmark = [pytest.mark.browser, pytest.mark.slow]
COUNCIL = [f"tv.{i}" for i in range(1, 6)]
CAMPAIGN = "skhcn-ninh-thuan-2024"


@pytest.fixture(scope="module")
def hall(demo_db, tmp_path_factory):
    """The shipped campaign ranked, the two tied second with the first put to the council (three nominees for
    the provincial Bằng khen, voted by more than half of all members), five council accounts."""
    folder = tmp_path_factory.mktemp("hoi-dong-trinh-duyet")
    shutil.copy(demo_db, folder / "cong.db")
    engine = portal_engine(folder / "cong.db")
    for name in COUNCIL:
        _create(engine, name, "hoi_dong")
    c = em.campaign(CAMPAIGN)
    em.register(engine, c, 2024)
    em.nominate(engine, c, 2024)
    N = models.Nomination
    with engine.begin() as conn:  # three nominees inside the quota: two people and one collective
        conn.execute(update(N).values(within_quota=False))
        for kind, count in (("ca_nhan", 2), ("tap_the", 1)):  # the first by rank (ties broken by the list's order)
            first = conn.execute(select(N.id).where(N.participant_kind == kind).order_by(N.rank, N.id).limit(count))
            conn.execute(update(N).where(N.id.in_(first.scalars().all())).values(within_quota=True))
    with serving(engine, folder / "du-lieu") as base:
        yield base, engine
    engine.dispose()


def test_a_council_session_from_opening_to_the_minutes(browser, hall, tmp_path):  # noqa: F811 (fixture)
    base, engine = hall
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    _sign_in(page, base, "quantri", PASSWORD)
    page.get_by_role("link", name="Hội đồng thi đua").click()
    form = page.locator("#mo-phien")
    form.get_by_label("Phong trào thi đua").select_option(CAMPAIGN)
    form.get_by_label("Ngày họp").fill(date.today().isoformat())
    form.get_by_label("Phiên kết thúc lúc").fill(f"{(date.today() + timedelta(days=2)).isoformat()}T17:00")
    form.get_by_label("Người dùng hoidong (hoidong)").uncheck()  # the sixth account does not take part
    form.get_by_role("button", name="Mở phiên").click()
    page.wait_for_url(re.compile(r".*/hoi-dong/\d+$"))
    session_url = page.url
    expect(page.locator(".notice")).to_contain_text("Đã mở phiên bỏ phiếu số")
    expect(page.locator("#trang-thai")).to_have_text("Đang bỏ phiếu")
    expect(page.locator(".dossier")).to_have_count(3)
    _sign_out(page)

    # yes on the three nominees: 5, 3 (60% > 50%), 2 (40%)
    choices = {"tv.1": (1, 1, 1), "tv.2": (1, 1, 0), "tv.3": (1, 0, 1), "tv.4": (1, 1, 0), "tv.5": (1, 0, 0)}
    for username, pattern in choices.items():
        _sign_in(page, base, username, PASSWORD)
        page.get_by_role("link", name="Hội đồng thi đua").click()
        page.locator("table a", has_text="Phiên").first.click()
        dossiers = page.locator(".dossier")
        expect(dossiers.first).to_contain_text("Thành tích:")
        expect(dossiers.filter(has_text="Cá nhân").first).to_contain_text("Xếp loại năm 2024")
        written = username == "tv.5"
        page.get_by_label("Vắng mặt, gửi ý kiến bằng văn bản" if written else "Có mặt tại cuộc họp").check()
        for i, yes in enumerate(pattern):
            dossiers.nth(i).get_by_label("Không đồng ý" if not yes else "Đồng ý", exact=True).check()
        if username == "tv.1":
            page.set_viewport_size({"width": NARROW, "height": 900})
            page.screenshot(path=str(tmp_path / "phieu-400.png"), full_page=True)
            _no_sideways_scroll(page, "phiếu bầu")
            page.set_viewport_size({"width": 1300, "height": 900})
        page.get_by_role("button", name="Gửi phiếu").click()
        expect(page.locator(".notice").first).to_contain_text("Đã ghi 3 phiếu")
        expect(page.locator(".dossier .notice")).to_have_count(3)  # «you have voted», never what
        expect(page.get_by_role("button", name="Gửi phiếu")).to_have_count(0)
        _sign_out(page)

    _sign_in(page, base, "quantri", PASSWORD)
    page.goto(session_url)
    roster = page.locator("#thanh-vien")
    expect(roster).to_contain_text("Vắng mặt, gửi ý kiến bằng văn bản")
    expect(page.locator("#ket-qua")).to_have_count(0)  # no count before the close
    page.get_by_role("button", name="Kết thúc phiên và kiểm phiếu").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã kết thúc, hợp lệ")
    rows = page.locator("#ket-qua tr")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).locator("td").last.inner_text() for i in (1, 2, 3)] == ["Đạt", "Đạt", "Không đạt"]
    assert [rows.nth(i).locator("td").nth(2).inner_text() for i in (1, 2, 3)] == ["5", "3", "2"]
    expect(page.locator("main")).to_contain_text("Có mặt: 4; vắng mặt có ý kiến bằng văn bản: 1")
    with page.expect_download() as got:
        page.get_by_role("link", name="Biên bản bình xét (DOCX)").click()
    saved = tmp_path / got.value.suggested_filename
    got.value.save_as(saved)
    assert saved.name.startswith("bien-ban-binh-xet") and saved.read_bytes()[:2] == b"PK"
    page.set_viewport_size({"width": NARROW, "height": 900})
    page.screenshot(path=str(tmp_path / "ket-qua-400.png"), full_page=True)
    _no_sideways_scroll(page, "kết quả phiên")
    context.close()
