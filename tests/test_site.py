"""The static site in a real browser: open the index, follow a link to a unit, find its score there."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from datetime import date

from office.plans import inspection_plan
from office.score_documents import write_site
import helpers
from store.db import make_engine
from rules.ruleset import find

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                   reason="Chromium is not installed here (.ci/run installs it)")


def browse(page: Path, tmp: Path, *extra: str) -> str:
    """The DOM Chromium builds from a page (headless, no network)."""
    assert CHROMIUM, "Chromium is required (apt-get install chromium)"
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp / 'profile'}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    shutil.copy(demo_db, folder / "cchc.db")
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    scored = helpers.scored(engine, find("qd766-2022"), 2024)
    index = write_site(engine, scored, folder / "web", date(2025, 1, 15), date(2025, 6, 30))
    return index, scored, engine, folder


@needs_browser
def test_index_links_to_a_unit_page_that_shows_its_score(site, tmp_path):
    index, scored, _, _ = site
    dom = browse(index, tmp_path, "--dump-dom")
    code = scored.summary.index[0]
    name = scored.frame.loc[code, "name"]
    link = re.search(rf'<a href="(don-vi/{code}\.html)">{re.escape(name)}</a>', dom)
    assert link, "the ranking links each unit to its page"
    unit_dom = browse(index.parent / link.group(1), tmp_path, "--dump-dom")
    row = scored.summary.loc[code]
    from base.vn import number
    assert f"Tổng điểm: {number(row['diem'], 2)}/{number(row['toi_da'], 2)} điểm" in unit_dom
    assert f"xếp hạng {row['hang']}/{len(scored.summary)}" in unit_dom
    shot = tmp_path / "index.png"
    browse(index, tmp_path, f"--screenshot={shot}", "--window-size=1000,1400")
    assert shot.stat().st_size > 20_000  # a page was drawn, not a blank


def test_the_site_is_the_same_bytes_when_written_again(site, tmp_path):
    index, scored, engine, folder = site
    again = write_site(engine, scored, tmp_path / "web", date(2025, 1, 15), date(2025, 6, 30))
    first = sorted(p.relative_to(index.parent) for p in index.parent.rglob("*.html"))
    second = sorted(p.relative_to(again.parent) for p in again.parent.rglob("*.html"))
    assert first == second and len(first) > 5
    for rel in first:
        assert (index.parent / rel).read_bytes() == (again.parent / rel).read_bytes(), rel


def test_the_inspection_plan_document_lists_the_stored_visits_riskiest_first(site):
    from cycle.inspection import plan

    _, scored, engine, _ = site
    visits = plan(engine, scored, 2025)
    document = inspection_plan(engine, 2025, date(2024, 12, 20))
    rows = document.tables["lich_kiem_tra"].rows
    assert len(rows) / len(scored.summary) > 0.30  # seed 003: more than 30% of units
    assert [r[1] for r in rows] == [v.name for v in visits]
    assert sorted(r[2] for r in rows) == [r[2] for r in rows] and 3 == rows[0][2] <= rows[-1][2] <= 11


@needs_browser
@pytest.mark.browser
def test_the_index_is_a_page_for_a_phone_with_a_readable_ranking_chart(site, browser, tmp_path):
    """At 400 px the index does not scroll sideways, its ranking chart is as wide as the phone (not a
    thumbnail), its ranking is searched without diacritics and sorted by a header (the site's own script: a
    static site has no server), and the chart's axis does not start at 0 when every unit is high on the
    scale."""
    index, scored, _, _ = site
    for width in (1400, 400):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(index.as_uri())
        page.screenshot(path=str(tmp_path / f"index-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        chart = page.locator("figure svg:visible").first.bounding_box()
        assert chart["width"] >= min(width, 640) * 0.8, chart
        if width == 400:  # the ranking searched by a name typed without diacritics, sorted by a header
            from office.public import fold

            communes = [c for c in scored.summary.index if scored.frame.loc[c, "kind"] == "xa_phuong"]
            code = communes[-1]
            page.get_by_label("Tìm đơn vị").fill(fold(scored.frame.loc[code, "name"]).upper())
            shown = page.locator("#xep-hang tbody tr:not([hidden])")
            assert shown.count() == 1 and scored.frame.loc[code, "name"] in shown.inner_text()
            page.get_by_label("Tìm đơn vị").fill("")
            page.get_by_label("Sắp xếp").select_option("2")  # the header is hidden on a phone: a list
            names = page.locator("#xep-hang tbody tr td:nth-child(3)").all_inner_texts()
            assert [fold(n) for n in names] == sorted(fold(n) for n in names) and len(names) > 20
            page.get_by_label("Sắp xếp").select_option("5")  # percent, lowest first
            first = page.locator("#xep-hang tbody tr td:nth-child(2)").first.inner_text()
            assert first == scored.summary["ty_le"].idxmin()
        else:  # on a desktop, the column headers sort
            page.locator("#xep-hang thead th button", has_text="Tỷ lệ").click()
            page.locator("#xep-hang thead th button", has_text="Tỷ lệ").click()
            first = page.locator("#xep-hang tbody tr td:nth-child(2)").first.inner_text()
            assert first == scored.summary["ty_le"].idxmax()
            assert page.locator("#xep-hang th[aria-sort=descending]").inner_text().startswith("Tỷ lệ")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.close()
    html = index.read_text(encoding="utf-8")
    assert "Chỉ số thành phần (%)" in html and "Kết quả chung" in html  # the column groups are labelled
    low = scored.summary["ty_le"].min()
    start = re.search(r"Trục bắt đầu từ (\d+)%", html)
    assert (start is not None and 0 < int(start.group(1)) < low) if low >= 40 else start is None
