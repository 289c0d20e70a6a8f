"""Step definitions for features/ket_qua_ban_giay.feature: a dossier file ingested into the store, the period
scored and stored, the scorecard read back from the stored run as its HTML page."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cycle.scoring import rescore, stored
from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file, write_csv
from office.score_documents import scorecard
from reports.html import render_html
from rules.ruleset import find
from store.ingest import IngestError, ingest_file

scenarios("ket_qua_ban_giay.feature")

PAPER = "TTHC trả kết quả bản giấy"


@pytest.fixture
def world(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return {"engine": engine, "dir": tmp_path, "rows": [], "error": None}


@given(parsers.parse('Sở Tư pháp "{unit}" đã giải quyết {n:d} hồ sơ của TTHC {kind} kết quả bản giấy, '
                     '{e:d} hồ sơ có kết quả điện tử'))
def finished(world, unit, n, kind, e):
    paper = "Có" if kind == "trả" else "Không"
    start = len(world["rows"])
    for k in range(n):
        world["rows"].append(dossier(unit=unit, code=f"HS{start + k:03d}", e_result="Có" if k < e else "Không")
                             + [paper])


@given(parsers.parse('ô "{column}" của hồ sơ thứ {k:d} ghi "{value}"'))
def bad_cell(world, column, k, value):
    world["rows"][k - 1][-1] = value


def _ingest(world, with_column: bool) -> None:
    headers = DOSSIER_HEADERS + [PAPER] if with_column else DOSSIER_HEADERS
    rows = world["rows"] if with_column else [r[:-1] for r in world["rows"]]
    world["before"] = snapshot(world["engine"])
    try:
        ingest_file(world["engine"], write_csv(world["dir"] / "ho_so.csv", headers, rows))
    except IngestError as err:
        world["error"] = err


@when(parsers.parse('tôi nhập tệp hồ sơ {how} cột "{column}" và chấm điểm theo bộ "{name}"'))
def ingest_and_score(world, how, column, name):
    _ingest(world, how == "có")
    assert world["error"] is None, world["error"]
    rules = find(name)
    rescore(world["engine"], rules, "2024-NAM")
    world["run"] = stored(world["engine"], rules, "2024-NAM")


@when(parsers.parse('tôi nhập tệp hồ sơ có cột "{column}"'))
def ingest_only(world, column):
    _ingest(world, True)


def _page(world, unit) -> str:
    doc = scorecard(world["engine"], world["run"], unit, date(2025, 1, 15))
    return " ".join(render_html(doc, world["dir"] / f"{unit}.html").read_text(encoding="utf-8").split())


@then(parsers.parse('lời giải thích chỉ số "{cid}" của "{unit}" có "{words}"'))
def explained(world, cid, unit, words):
    [e] = [e for e in world["run"].result.explain(unit) if e.criterion == cid]
    assert words in e.sentence, e.sentence


@then(parsers.parse('phiếu điểm của "{unit}" có ghi chú "{words}"'))
def noted(world, unit, words):
    page = _page(world, unit)
    assert "Ghi chú về cách tính" in page and words in page


@then(parsers.parse('phiếu điểm của "{unit}" không có ghi chú nào về cột "{column}"'))
def not_noted(world, unit, column):
    page = _page(world, unit)
    assert "Ghi chú về cách tính" in page and f"không có cột «{column}»" not in page


@then(parsers.parse('tệp bị từ chối với lỗi ở dòng {row:d}, cột "{column}": "{words}"'))
def refused(world, row, column, words):
    assert world["error"] is not None
    [p] = world["error"].problems
    assert (p.row, p.column) == (row, column) and words in p.message, p


@then("không có hồ sơ nào được ghi")
def nothing(world):
    assert snapshot(world["engine"]) == world["before"]
