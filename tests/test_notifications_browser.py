"""Notifications in a real browser (Debian's Chromium driven by Playwright) against a real uvicorn server: the
count in the header, the list with its unread notices, opening one (its link, the count going down), marking
all read; the list page photographed at a phone's width does not scroll sideways."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from office import accounts, notifications, rounds
from portal_fixtures import PASSWORD, portal, serving  # noqa: F401 (fixture)
from test_portal_browser import WIDE, _no_sideways_scroll, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_header_counts_and_the_list_opens_and_marks(browser, portal, tmp_path):
    engine, rid = portal
    rounds.extend(engine, accounts.SYSTEM, rid, "SKHCN", date.today() + timedelta(days=45))
    officer = accounts.login(engine, "donvi.skhcn", PASSWORD).actor
    unread = notifications.unread_count(engine, officer)
    assert unread >= 2  # the round opened, its deadline extended
    with serving(engine, tmp_path / "du-lieu") as base:
        context = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="vi-VN")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        _sign_in(page, base, "donvi.skhcn", PASSWORD)
        bell = page.locator("header #chuong")
        assert bell.locator(".count").inner_text() == str(unread)

        bell.click()
        page.wait_for_url(re.compile(r".*/thong-bao$"))
        assert page.locator("li.unread").count() == unread
        newest = page.locator(".notices li").first
        assert newest.locator(".title").inner_text().startswith("Gia hạn nộp tự đánh giá đến")
        newest.get_by_role("button", name="Xem").click()
        page.wait_for_url(re.compile(rf".*/tu-danh-gia/{rid}$"))
        assert page.locator("header #chuong .count").inner_text() == str(unread - 1)

        page.locator("header #chuong").click()
        assert page.locator("li.unread").count() == unread - 1
        page.get_by_role("button", name="Đánh dấu đã đọc tất cả").click()
        page.wait_for_url(re.compile(r".*/thong-bao$"))
        assert page.locator("header #chuong .count").count() == 0
        assert page.locator("li.unread").count() == 0 and "Đã đọc hết" in page.locator("#tom-tat").inner_text()
        context.close()

        phone = browser.new_context(viewport={"width": 400, "height": 900}, locale="vi-VN")
        page = phone.new_page()
        _sign_in(page, base, "donvi.skhcn", PASSWORD)
        page.goto(base + "/thong-bao")
        _no_sideways_scroll(page, "thong-bao")
        phone.close()
    assert not errors, errors
