"""The public results in a real browser (Debian's Chromium driven by Playwright): the ranking and a unit page
on a 400 px phone without sideways scrolling, search by a name typed without diacritics with the page's script
(no reload, no CSP violation) and without it (the form's GET), sorting by a column header, and photographs at
1,400 and 400 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from test_public_pages import site  # noqa: F401 - the same published province, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDE, NARROW = 1400, 400


def _open(browser, width: int, script: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN",
                                  java_script_enabled=script)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.location.get("url", "").endswith("/favicon.ico") else None)
    return context, page, problems


def test_ranking_and_unit_page_fit_a_phone_and_are_photographed(browser, site, tmp_path):  # noqa: F811
    base, run = site["base"], site["run"]
    for width in (WIDE, NARROW):
        context, page, problems = _open(browser, width)
        other = site["other"]  # the departments' index: long criteria group titles in the sort list and tables
        for path, name in ((f"/cong-khai/{run}", "xep-hang"), (f"/cong-khai/{run}/SKHCN", "don-vi"),
                           (f"/cong-khai/{run}/XA0001", "xa"), (f"/cong-khai/{other}", "xep-hang-so"),
                           (f"/cong-khai/{other}/SKHCN", "don-vi-so")):
            page.goto(base + path)
            page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name}: trang rộng {wide}px ở màn hình {width}px"
            if width == NARROW:  # the chart is drawn at the phone's width, not shrunk into a thumbnail
                box = page.locator("svg.bieu-do").first.bounding_box()
                assert box["width"] >= NARROW * 0.8, box
        assert not problems, problems
        context.close()
    assert (tmp_path / "xep-hang-400.png").stat().st_size > 20_000
    assert (tmp_path / "don-vi-1400.png").stat().st_size > 20_000


def test_search_by_a_name_without_diacritics_with_the_script(browser, site):  # noqa: F811
    base, run = site["base"], site["run"]
    context, page, problems = _open(browser, NARROW)
    page.goto(f"{base}/cong-khai/{run}")
    total = page.locator("#xep-hang tbody tr").count()
    assert total > 20
    page.get_by_label("Tìm đơn vị").fill("phuoc ha")
    expect_rows(page, 1)
    assert "UBND xã Phước Hà" in page.locator("#xep-hang tbody tr").first.inner_text()
    assert re.search(r"[?&]q=phuoc(\+|%20)ha", page.url), page.url  # the address says what is shown
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    page.get_by_label("Tìm đơn vị").fill("")
    expect_rows(page, total)
    assert not problems, problems  # the script ran under the page's CSP without a violation
    context.close()


def test_sort_by_a_column_header_and_filter_by_type(browser, site):  # noqa: F811
    base, run = site["base"], site["run"]
    frame = site["stored"].frame
    context, page, problems = _open(browser, WIDE)
    page.goto(f"{base}/cong-khai/{run}")
    page.locator("#xep-hang thead a", has_text="Tên đơn vị").click()
    expect(page.locator("#xep-hang th[aria-sort]")).to_contain_text("Tên đơn vị")
    codes = page.locator("#xep-hang tbody tr").evaluate_all("rows => rows.map(r => r.dataset.donVi)")
    from office.public import fold
    assert [fold(frame.loc[c, "name"]) for c in codes] == sorted(fold(frame.loc[c, "name"]) for c in codes)
    page.locator("#loc select[name=loai]").select_option("xa_phuong")
    expect(page).to_have_url(re.compile(r".*loai=xa_phuong"))
    communes = [c for c in site["stored"].summary.index if frame.loc[c, "kind"] == "xa_phuong"]
    expect_rows(page, len(communes))
    codes = page.locator("#xep-hang tbody tr").evaluate_all("rows => rows.map(r => r.dataset.donVi)")
    assert codes and all(frame.loc[c, "kind"] == "xa_phuong" for c in codes)
    assert not problems, problems
    context.close()


def test_search_works_without_javascript(browser, site):  # noqa: F811
    base, run = site["base"], site["run"]
    context, page, _ = _open(browser, NARROW, script=False)
    page.goto(f"{base}/cong-khai/{run}")
    page.get_by_label("Tìm đơn vị").fill("phuoc ha")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r".*q=phuoc.*"))
    assert page.locator("#xep-hang tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    context.close()


def expect_rows(page, count: int):
    """Wait for the table to hold ``count`` rows (locators, not evaluated strings: the page's CSP forbids eval)."""
    expect(page.locator("#xep-hang tbody tr")).to_have_count(count, timeout=15_000)
