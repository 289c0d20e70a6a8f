"""Documents written in parallel are the documents written one after the other, byte for byte; and the quicker
ways of filling DOCX and XLSX tables write what python-docx and openpyxl write cell by cell."""

from __future__ import annotations

import io
import shutil
from copy import deepcopy
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document as new_docx
from openpyxl import load_workbook

import helpers
from office import workers
from office.errors import Refused
from office.score_documents import write_site
from reports import docx as docx_out, xlsx as xlsx_out
from reports.model import Table
from rules.ruleset import find
from store.db import make_engine


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def scored_demo(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    shutil.copy(demo_db, folder / "cchc.db")
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    return engine, helpers.scored(engine, find("qd766-2022"), 2024)


def test_the_site_written_by_two_processes_is_the_site_written_by_one(scored_demo, tmp_path, monkeypatch):
    engine, scored = scored_demo
    monkeypatch.setenv(workers.WORKERS_ENV, "1")
    write_site(engine, scored, tmp_path / "one", date(2025, 1, 15), date(2025, 6, 30))
    monkeypatch.setenv(workers.WORKERS_ENV, "2")
    heard = []
    write_site(engine, scored, tmp_path / "two", date(2025, 1, 15), date(2025, 6, 30),
               told=lambda done, total: heard.append((done, total)))
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(one) == len(scored.summary) + 8  # the units' pages, the index, its script, 6 documents
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert heard[-1] == (len(scored.summary), len(scored.summary)) and len(heard) > 1
    # and the same engine still reads after its workers are gone
    again = write_site(engine, scored, tmp_path / "again", date(2025, 1, 15), date(2025, 6, 30))
    assert _files(again.parent) == one


def test_the_plans_written_by_two_processes_are_the_plans_written_by_one(demo_db, tmp_path, monkeypatch):
    from office.year import plan_issuance

    shutil.copy(demo_db, tmp_path / "cchc.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    helpers.scored(engine, find("qd766-2022"), 2024)
    written = {}
    for n in ("1", "2"):
        monkeypatch.setenv(workers.WORKERS_ENV, n)
        written[n] = [p.relative_to(tmp_path / n) for p in plan_issuance(engine, tmp_path / n, 2025)]
    assert written["1"] == written["2"] and len(written["1"]) > 2  # the departments' plans, then the inspection plan
    one, two = _files(tmp_path / "1"), _files(tmp_path / "2")
    assert one.keys() == two.keys() and [name for name in one if one[name] != two[name]] == []
    engine.dispose()


def test_the_years_scores_written_by_two_processes_are_those_written_by_one(demo_db, tmp_path, monkeypatch):
    from office.year import scoring

    shutil.copy(demo_db, tmp_path / "cchc.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    written = {}
    for n in ("1", "2"):  # the second run finds the runs published and writes the same documents from them
        monkeypatch.setenv(workers.WORKERS_ENV, n)
        written[n] = [p.relative_to(tmp_path / n) for p in scoring(engine, tmp_path / n, 2024)]
    assert written["1"] == written["2"] and len(written["1"]) >= 6  # publication ×3, scorecard, plan, site
    one, two = _files(tmp_path / "1"), _files(tmp_path / "2")
    assert one.keys() == two.keys() and [name for name in one if one[name] != two[name]] == []
    engine.dispose()


def _in_other_process(chunk: list[int]) -> list[tuple[int, int]]:
    import os

    return [(x * x, os.getpid()) for x in chunk]


def test_work_spread_over_processes_comes_back_in_the_order_of_its_items():
    import os

    done = workers.each(_in_other_process, range(50), processes=2)
    assert [x for x, _ in done] == [x * x for x in range(50)]
    assert {pid for _, pid in done} - {os.getpid()}  # it did run elsewhere
    alone = workers.each(_in_other_process, range(5), processes=1)
    assert {pid for _, pid in alone} == {os.getpid()}


def test_a_failure_in_a_worker_reaches_the_caller():
    def fails(chunk):
        raise Refused(f"không xử lý được {chunk[0]}")

    with pytest.raises(Refused, match="không xử lý được"):
        workers.each(fails, range(8), processes=2)


@pytest.mark.parametrize("given", ["0", "hai", "-1"])
def test_a_bad_worker_count_is_refused_by_name(monkeypatch, given):
    monkeypatch.setenv(workers.WORKERS_ENV, given)
    with pytest.raises(Refused, match=f"{workers.WORKERS_ENV}.*số nguyên"):
        workers.workers()


@pytest.mark.parametrize("text", ["", "Nguyễn Văn A", " lề trái", "lề phải ", "a\tb", "dòng 1\ndòng 2", "x\r\n",
                                  "  ", "1.234,5", "<&>"])
def test_a_table_cells_text_is_put_as_python_docx_puts_it(text):
    doc = new_docx()
    ours, theirs = doc.add_paragraph().add_run("cũ"), doc.add_paragraph().add_run("cũ")
    ours.font.size = theirs.font.size = 12
    for _ in range(2):  # and again over what was there
        docx_out._put_text(ours._element, text)
        theirs.text = text
    assert ours._element.xml == theirs._element.xml


def _styled_cell_by_cell(wb, table: Table) -> None:
    """The table's data cells styled as openpyxl is told to, one by one."""
    ws = wb.worksheets[0]
    for r, row in enumerate(table.rows, start=xlsx_out.HEADER_ROW + 1):
        for i, value in enumerate(row, start=1):
            cell = ws.cell(r, i)
            cell.border = xlsx_out.GRID
            cell.alignment = deepcopy(xlsx_out.TOP_WRAPPED)
            if fmt := xlsx_out.FORMATS.get(table.kind(i - 1)):
                cell.number_format = fmt


def test_a_workbook_styled_a_column_at_a_time_is_the_one_styled_cell_by_cell():
    rows = tuple((i, f"Đơn vị {i}", i * 1.5, 97.25 - i, date(2024, 1 + i % 12, 1),
                  date(2024, 5, 1) if i % 3 else "chưa có", datetime(2024, 2, 3, 4, 5) if i % 2 else None)
                 for i in range(40))
    table = Table(("STT", "Đơn vị", "Điểm", "Tỷ lệ", "Ngày", "Ghi chú", "Lúc"), rows,
                  ("int", "text", "dec", "pct", "date", "text", "text"), title="Bảng thử")
    quick = io.BytesIO()
    xlsx_out.table_workbook(table).save(quick)
    slow_wb = xlsx_out.table_workbook(table)
    _styled_cell_by_cell(slow_wb, table)  # the same styles again, asked for cell by cell
    slow = io.BytesIO()
    slow_wb.save(slow)
    assert xlsx_out.reproducible(quick.getvalue()) == xlsx_out.reproducible(slow.getvalue())
    ws = load_workbook(io.BytesIO(quick.getvalue())).worksheets[0]
    first = xlsx_out.HEADER_ROW + 1
    assert ws.cell(first, 5).number_format == "dd/mm/yyyy" and ws.cell(first + 1, 6).number_format == "yyyy-mm-dd"
    assert ws.cell(first + 5, 2).border.left.style == "thin" and ws.cell(first + 5, 2).alignment.wrap_text
