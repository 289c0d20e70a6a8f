"""The public results over HTTP against a real uvicorn server: search typed without diacritics, sort, filter by
unit type, a unit name that tries to be a script, unpublished runs, a unit page's figures against the stored
run, and the publication's documents."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import httpx
import pytest
from sqlalchemy import update

from base.vn import number, percent
from cycle import plan as plans
from cycle import scoring
from office import public
from portal_fixtures import serving
from rules.ruleset import find
from rules.targets import targets_for
from store import models
from store.db import make_engine, upgrade

RULES, OTHER = "qd766-2022", "chi-so-cchc-so-nganh"
SCRIPT = '<script>alert("x")</script> Xã Thử'


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    """The demo province with a commune renamed «UBND xã Phước Hà», another given a name holding a script tag,
    Decision 766 scored for 2023 (stored, not published) and 2024 (published), the departments' index (long
    criteria group titles) published for 2024, and SKHCN's plans for 2024 (targets) and 2025 (drawn from the
    2024 results)."""
    folder = tmp_path_factory.mktemp("cong-khai")
    shutil.copy(demo_db, folder / "tinh.db")
    engine = make_engine(f"sqlite:///{folder / 'tinh.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(update(models.Unit).where(models.Unit.code == "XA0001").values(name="UBND xã Phước Hà"))
        conn.execute(update(models.Unit).where(models.Unit.code == "XA0002").values(name=SCRIPT))
    rules = find(RULES)
    hidden = scoring.rescore(engine, rules, "2023-NAM").run_id  # stored, never published
    run = scoring.publish(engine, scoring.rescore(engine, rules, "2024-NAM").run_id).id
    other = scoring.publish(engine, scoring.rescore(engine, find(OTHER), "2024-NAM").run_id).id
    plans.issue(engine, scoring.stored(engine, rules, "2023-NAM"), "SKHCN", targets_for("SKHCN", 2024))
    plans.issue(engine, scoring.stored(engine, rules, "2024-NAM"), "SKHCN")
    public.clear_cache()
    with serving(engine, folder / "du-lieu") as base:
        yield {"base": base, "engine": engine, "run": run, "hidden": hidden, "other": other, "data": folder / "du-lieu",
               "stored": scoring.stored(engine, rules, "2024-NAM", run)}
    engine.dispose()


def rows(page: str) -> list[str]:
    """The unit codes of the ranking's rows, in the order shown."""
    return re.findall(r'<tr data-don-vi="([^"]+)">', page)


def cells(page: str, code: str) -> list[str]:
    row = re.search(rf'<tr data-don-vi="{re.escape(code)}">(.*?)</tr>', page, re.S).group(1)
    return [html.unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def get(site, path: str, **params) -> httpx.Response:
    return httpx.get(site["base"] + path, params=params, timeout=120)


def test_search_typed_without_diacritics_finds_the_commune(site):
    page = get(site, f"/cong-khai/{site['run']}", q="phuoc ha")
    assert page.status_code == 200
    assert rows(page.text) == ["XA0001"]
    assert "UBND xã Phước Hà" in page.text
    assert rows(get(site, f"/cong-khai/{site['run']}", q="PHƯỚC  Hà").text) == ["XA0001"]  # case, spaces, marks
    nothing = get(site, f"/cong-khai/{site['run']}", q="khong co don vi nay")
    assert nothing.status_code == 200 and rows(nothing.text) == [] and "Không có đơn vị nào khớp" in nothing.text


def test_every_column_sorts_both_ways(site):
    summary, frame = site["stored"].summary, site["stored"].frame
    run = site["run"]
    assert rows(get(site, f"/cong-khai/{run}").text) == list(summary.index)
    by_name = rows(get(site, f"/cong-khai/{run}", sap_xep="ten").text)
    assert by_name == sorted(summary.index, key=lambda c: public.fold(frame.loc[c, "name"]))
    assert rows(get(site, f"/cong-khai/{run}", sap_xep="-ten").text) == by_name[::-1]
    lowest = rows(get(site, f"/cong-khai/{run}", sap_xep="ty_le").text)
    assert [summary.loc[c, "ty_le"] for c in lowest] == sorted(summary["ty_le"])
    groups = rows(get(site, f"/cong-khai/{run}", sap_xep="-cs_3").text)
    assert [summary.loc[c, "chi_so_3"] for c in groups] == sorted(summary["chi_so_3"], reverse=True)
    assert get(site, f"/cong-khai/{run}", sap_xep="khong-co").status_code == 400
    # the list of orders says the one shown, whichever way a heading sorted it (a rank reversed had shown none,
    # and «Lọc» then put the ranking back the other way)
    for key in ("-hang", "-ten", "-ty_le", "ten"):
        page = get(site, f"/cong-khai/{run}", sap_xep=key).text
        assert re.findall(r'<option value="([^"]*)" selected>', page) == [key], key


def test_filter_by_unit_type_and_search_together(site):
    frame, run = site["stored"].frame, site["run"]
    communes = [c for c in site["stored"].summary.index if frame.loc[c, "kind"] == "xa_phuong"]
    page = get(site, f"/cong-khai/{run}", loai="xa_phuong")
    assert rows(page.text) == communes and len(communes) >= 8
    assert f"Tìm thấy <b>{len(communes)}</b>" in page.text
    assert rows(get(site, f"/cong-khai/{run}", loai="so_nganh", q="phuoc ha").text) == []
    assert get(site, f"/cong-khai/{run}", loai="khong_co").status_code == 400


def test_a_unit_name_holding_a_script_is_shown_as_text(site):
    run = site["run"]
    escaped = html.escape(SCRIPT, quote=False)
    for path in (f"/cong-khai/{run}", f"/cong-khai/{run}?q=xa+thu", f"/cong-khai/{run}/XA0002"):
        page = get(site, path).text
        assert "<script>alert" not in page, path
        assert escaped.replace('"', "&#34;") in page or html.escape(SCRIPT) in page, path
    assert rows(get(site, f"/cong-khai/{run}", q="script").text) == ["XA0002"]


def test_an_unpublished_run_is_not_found(site):
    hidden = site["hidden"]
    for path in (f"/cong-khai/{hidden}", f"/cong-khai/{hidden}/SKHCN", f"/cong-khai/{hidden}/tai-ve/cong-bo-diem.xlsx",
                 f"/cong-khai/{hidden}?q=so"):
        assert get(site, path).status_code == 404, path
    listed = get(site, "/cong-khai").text
    assert f'href="/cong-khai/{site["run"]}"' in listed and f'href="/cong-khai/{hidden}"' not in listed


def test_a_unit_page_shows_the_stored_indices_peers_trend_explanations_and_plan(site):
    scored, run = site["stored"], site["run"]
    summary, frame = scored.summary, scored.frame
    page = get(site, f"/cong-khai/{run}/SKHCN").text
    depts = summary[frame.loc[summary.index, "kind"] == "so_nganh"]
    for area in scored.ruleset.criteria:
        row = re.search(rf'<tr data-nhom="{area.id}">(.*?)</tr>', page, re.S).group(1)
        shown = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert shown[1] == number(summary.loc["SKHCN", f"chi_so_{area.id}"], 1) + "%"
        assert shown[2] == number(depts[f"chi_so_{area.id}"].mean(), 1) + "%"
    assert re.search(r'<b id="hang">(\d+)</b>', page).group(1) == str(summary.loc["SKHCN", "hang"])
    for e in scored.result.explain("SKHCN"):  # every point explained in the words stored with the run
        assert html.escape(e.sentence) in page, e.criterion
    before = scoring.stored(site["engine"], scored.ruleset, "2023-NAM").summary.loc["SKHCN"]
    assert f"<td>Năm 2023</td><td class=\"so\" data-nhan=\"Tỷ lệ điểm\">{percent(before['ty_le'] / 100)}</td>" in page
    assert 'class="bieu-do xu-huong"' in page and 'class="bieu-do thanh-phan"' in page
    assert "Chỉ số PAR INDEX từ 85 điểm trở lên" in page  # the target of SKHCN's 2024 plan
    goals = {i.area: i.target for i in plans.stored(site["engine"], plans.plan_of(site["engine"], "SKHCN", 2024))[1]
             if i.section == "muc_tieu"}
    first = scored.ruleset.criteria[0].id
    row = re.search(rf'<tr data-nhom="{first}">(.*?)</tr>', page, re.S).group(1)
    assert goals[first] and f'data-nhan="Mục tiêu">{html.escape(goals[first])}</td>' in row
    lost = [e for e in scored.result.explain("SKHCN") if e.lost > 1e-9]
    assert 'id="khac-phuc"' in page and page.count("<tr><td>", page.index('id="khac-phuc"')) >= len(lost) > 0
    other = get(site, f"/cong-khai/{run}/XA0003").text
    assert "Chưa có kế hoạch khắc phục" in other and "Trong ubnd xã, phường" in other


def test_the_ranking_chart_reads_at_the_top_of_the_scale(site):
    page = get(site, f"/cong-khai/{site['run']}").text
    chart = re.search(r'<svg[^>]*class="bieu-do xep-hang hep".*?</svg>', page, re.S).group(0)
    start = re.search(r"Trục bắt đầu từ (\d+)%", page)
    low = site["stored"].summary["ty_le"].min()
    if low >= 40:
        assert start and 0 < int(start.group(1)) < low
    assert 'width="100%"' in chart and "<title>" in chart


def test_downloads_are_the_publications_stored_figures(site):
    import openpyxl
    from docx import Document as Docx

    summary, frame, run = site["stored"].summary, site["stored"].frame, site["run"]
    page = get(site, f"/cong-khai/{run}").text
    assert f'href="/cong-khai/{run}/tai-ve/cong-bo-diem.xlsx"' in page
    xlsx = get(site, f"/cong-khai/{run}/tai-ve/cong-bo-diem.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"] == public.MEDIA["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    table = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert [r[1] for r in table] == list(summary.index)
    for r in table:
        assert r[0] == summary.loc[r[1], "hang"] and r[2] == frame.loc[r[1], "name"]
        assert r[5] == pytest.approx(summary.loc[r[1], "ty_le"] / 100, abs=0.0006)
    again = get(site, f"/cong-khai/{run}/tai-ve/cong-bo-diem.xlsx")
    assert again.content == xlsx.content  # written once, served from the folder
    assert len(list(site["data"].glob(f"cong-khai/*/{run}/cong-bo-diem.xlsx"))) == 1
    docx = get(site, f"/cong-khai/{run}/tai-ve/cong-bo-diem.docx")
    assert docx.status_code == 200 and docx.headers["content-type"] == public.MEDIA["docx"]
    text = "\n".join(c.text for t in Docx(io.BytesIO(docx.content)).tables for row in t.rows for c in row.cells)
    first = summary.index[0]
    assert frame.loc[first, "name"] in text and number(summary.loc[first, "diem"], 2) in text
    assert get(site, f"/cong-khai/{run}/tai-ve/cong-bo-diem.exe").status_code == 404
    assert get(site, f"/cong-khai/{run}/tai-ve/..%2Fcong-bo-diem.xlsx").status_code == 404
    if public.pdf_possible():
        pdf = get(site, f"/cong-khai/{run}/tai-ve/cong-bo-diem.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True).stdout.decode()
            assert frame.loc[first, "name"] in text


def test_reading_the_public_pages_writes_nothing_to_the_database(site):
    """Pages, searches, unit pages and downloads are reads: the database's files stay byte for byte."""
    import hashlib

    database = site["engine"].url.database

    def files() -> dict:
        out = {}
        for suffix in ("", "-wal"):
            path = f"{database}{suffix}"
            try:
                out[suffix] = hashlib.sha256(open(path, "rb").read()).hexdigest()
            except FileNotFoundError:
                out[suffix] = None
        return out

    get(site, f"/cong-khai/{site['run']}")  # whatever a first reading of the run may do, done before
    before = files()
    run, other = site["run"], site["other"]
    for path in (f"/cong-khai/{run}?q=phuoc+ha&sap_xep=-cs_2&loai=xa_phuong", f"/cong-khai/{run}/XA0004",
                 f"/cong-khai/{other}", f"/cong-khai/{other}/STP", f"/cong-khai/{other}/tai-ve/cong-bo-diem.xlsx",
                 "/cong-khai"):
        assert get(site, path).status_code == 200, path
    assert files() == before


def test_a_long_rankings_chart_shows_its_two_ends_on_an_axis_that_tells_93_from_99():
    """Pure: 250 units high on the scale — the chart holds the first and last ten (on the phone's and the
    desktop's layout), says how many are between, and its axis starts where 93% and 99% look different."""
    from reports import svg

    rows = [(i + 1, f"UBND xã Số {i + 1}", 99.0 - 6.0 * i / 249) for i in range(250)]
    picture, note = svg.ranking_ends(rows, "Xếp hạng")
    phone, desktop = picture.split("</svg>")[:2]
    for layout in (phone, desktop):
        assert layout.count("<rect") == 20 and "230 đơn vị ở giữa" in layout
        assert "UBND xã Số 10<" in layout and "UBND xã Số 11<" not in layout and "UBND xã Số 241<" in layout
        widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', layout)]
        assert widths[0] > 2 * widths[-1]  # 99% against 93%: more than twice as long, not alike
    start = svg.axis_start([r[2] for r in rows])
    assert 80 <= start < 93 and note == f"Trục bắt đầu từ {number(start)}%, không từ 0, để thấy rõ chênh lệch."
    assert svg.axis_start([20.0, 99.0]) == 0 and svg.axis_note(0) == ""  # a low value: the axis from 0


def test_a_server_starting_reads_the_newest_published_runs_before_its_first_reader(site):
    """The portal's start reads the published results in the background (``public.warm``): the published runs
    are in the cache, the stored-but-unpublished one is not."""
    engine = site["engine"]
    public.clear_cache()
    assert public.warm(engine) == 2
    key = public._db(engine)
    assert (key, site["run"]) in public._RUNS.items and (key, site["other"]) in public._RUNS.items
    assert (key, site["hidden"]) not in public._RUNS.items


@pytest.mark.parametrize("maximum, lines", [(78.5, ["0", "20", "40", "60", "78,5"]), (81.0, ["0", "20", "40", "60", "81"]),
                                            (100.0, ["0", "20", "40", "60", "80", "100"])])
def test_the_forecast_chart_draws_the_top_of_its_scale(maximum, lines):
    """Pure: a unit scored out of 78,5 so far had its points drawn above an axis that stopped at 60. The top of the
    scale is drawn and labelled; a tick just below it gives way."""
    from reports import svg

    picture = svg.forecast(["Quý I năm 2024", "6 tháng năm 2024", "Cả năm (dự báo)"], [75.3, 75.2],
                           (75.2, 75.24, 75.3), maximum, "Điểm")
    labels = re.findall(r'<text[^>]*text-anchor="end"[^>]*fill="#444"[^>]*>([^<]*)</text>', picture)
    assert labels == lines, labels
    assert picture.count(f'stroke="{svg.RULE}"') == len(lines)
