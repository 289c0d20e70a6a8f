"""The portal's page «Mục tiêu và dự báo»: a unit's officer reads the year-end forecast kept by the periodic report
step (with its chart) and the what-if answers kept for its targets, of its own unit only; the page only reads.
Over plain HTTP against a real server, and in Debian's Chromium."""

from __future__ import annotations

import shutil
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import below_its_targets, scored
from office.forecasts import kept as kept_forecast
from office.whatif_kept import keep, kept
from portal_fixtures import PASSWORD, portal_engine, serving, signed_in
from rules.ruleset import find
from store import models

RULES = find("qd766-2022")


@pytest.fixture(scope="module")
def goals_site(demo_db, tmp_path_factory):
    """A server of its own over the demo province with the periodic reports of Q1 and 6 months made (their
    forecasts kept) and the year scored with SKHCN's what-if answers kept: (base url, engine, SKHCN's answers)."""
    from office.year import periodic_report

    folder = tmp_path_factory.mktemp("muc-tieu")
    shutil.copy(demo_db, folder / "cong.db")
    if (demo_db.parent / "du-lieu").is_dir():
        shutil.copytree(demo_db.parent / "du-lieu", folder / "du-lieu")
    engine = portal_engine(folder / "cong.db")
    for period, day in (("2024-Q1", date(2024, 3, 25)), ("2024-6T", date(2024, 6, 25))):
        periodic_report(engine, folder / "out", period, day)
    below_its_targets(engine, folder)
    run = scored(engine, find("chi-so-cchc-so-nganh"), 2024)  # SKHCN's PAR INDEX targets are on this index
    keep(engine, run)
    answers = kept(engine, run.run.run_id, "SKHCN")
    assert answers
    with serving(engine, folder / "du-lieu") as base:
        yield base, engine, answers
    engine.dispose()


def _rows(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (models.WhatIfKept, models.YearForecast, models.ScoreRun))


def test_a_unit_reads_its_forecast_and_the_answers_kept_for_its_targets(goals_site):
    base, engine, answers = goals_site
    before = _rows(engine)
    client, _ = signed_in(base, "donvi.skhcn")
    assert client.get("/muc-tieu").headers["location"] == "/don-vi/SKHCN/muc-tieu"
    page = client.get("/don-vi/SKHCN/muc-tieu")
    assert page.status_code == 200
    made = kept_forecast(engine, RULES.id, "2024-6T", "SKHCN")
    html = page.text
    assert made.brief() in html and "Theo số liệu lũy kế 6 tháng năm 2024" in html
    assert 'class="bieu-do du-bao"' in html and 'class="khoang-du-bao"' in html
    assert "Quý I năm 2024" in html and "Cả năm (dự báo)" in html
    assert f"Mục tiêu: {answers[0].goal}" in html
    # each part names its index: the forecast the province's (Decision 766), the targets the departments' one
    assert f"{RULES.title}. Theo số liệu lũy kế" in html
    assert f"theo {find('chi-so-cchc-so-nganh').title} (lượt chấm" in html
    assert all(line in html for line in answers[0].lines)
    assert all(c.words in html for c in answers[0].changes)
    assert _rows(engine) == before  # a page only reads: nothing solved, forecast or scored


def test_a_unit_without_a_target_set_is_told_that_nothing_is_kept(goals_site):
    base, engine, _ = goals_site
    client, _ = signed_in(base, "donvi.stp")
    page = client.get("/don-vi/STP/muc-tieu")
    assert page.status_code == 200
    assert "Chưa có câu trả lời nào được lưu về việc cần làm để đạt mục tiêu" in page.text
    assert kept_forecast(engine, RULES.id, "2024-6T", "STP").brief() in page.text
    assert kept(engine, max_run(engine), "STP") == []  # and the visit did not answer it


def max_run(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.max(models.ScoreRun.id)))


@pytest.mark.parametrize("who", ["donvi.stp", "thamdinh.stp"])
def test_another_units_page_is_refused(goals_site, who):
    base, engine, answers = goals_site
    client, _ = signed_in(base, who)
    page = client.get("/don-vi/SKHCN/muc-tieu")
    assert page.status_code == 403
    assert answers[0].lines[0] not in page.text and "dự báo cả năm" not in page.text
    assert kept_forecast(engine, RULES.id, "2024-6T", "SKHCN").brief() not in page.text


def test_the_public_is_sent_to_sign_in_and_an_unknown_unit_is_not_found(goals_site):
    base, _, _ = goals_site
    anonymous = httpx.get(f"{base}/don-vi/SKHCN/muc-tieu", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/dang-nhap")
    office, _ = signed_in(base, "quantri")
    assert office.get("/don-vi/SKHCN/muc-tieu").status_code == 200
    assert office.get("/don-vi/KHONG-CO/muc-tieu").status_code == 404
    assert office.get("/muc-tieu").status_code == 403  # the office has no unit of its own


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_in_a_browser(goals_site, browser, tmp_path):
    from playwright.sync_api import expect

    base, _, answers = goals_site
    for width in (1400, 400):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill("donvi.skhcn")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("link", name="Mục tiêu và dự báo").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Mục tiêu và dự báo — Sở Khoa học và Công nghệ")
        expect(page.locator("#du-bao svg.du-bao")).to_be_visible()
        expect(page.locator("#du-bao rect.khoang-du-bao")).to_have_count(1)
        expect(page.locator("#muc-tieu")).to_contain_text(f"Mục tiêu: {answers[0].goal}")
        expect(page.locator("#muc-tieu")).to_contain_text(answers[0].changes[0].words)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), width
        page.screenshot(path=str(tmp_path / f"muc-tieu-{width}.png"), full_page=True)
        refused = page.goto(f"{base}/don-vi/STP/muc-tieu")
        assert refused.status == 403
        expect(page.locator("body")).to_contain_text("chỉ xem được mục tiêu và dự báo của đơn vị mình")
        page.close()
