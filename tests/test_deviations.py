"""A rule set's «deviations» (where it computes otherwise than its text says): validated with file and line,
filled with an entity's figures where they hold, kept by a score run as its rules said them, and shown on the
unit's scorecard (DOCX and HTML) under «Ghi chú về cách tính»."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest
from docx import Document as read_docx

from cycle.scoring import rescore, stored
from helpers import DOSSIER_HEADERS, dossier, units_file, write_csv
from office.score_documents import scorecard_context
from reports import documents as docs
from reports.docx import render_docx
from reports.html import render_html
from reports.model import Frame, Signature
from rules.evaluate import Note, evaluate
from rules.ruleset import RuleSetError, find, parse
from store.ingest import ingest_file

BASE = """id: thu
title: Bộ thử
reference: QĐ 766/QĐ-TTg
entity: unit
inputs: {a: A, b: B, chua_ro: Hồ sơ chưa rõ}
criteria:
  - {id: "1", title: Tỷ lệ, max: 10, value: a / b * 100, unit: "%", scoring: {method: proportional, target: 100},
     reference: chỉ số 1}
"""


def test_deviations_are_read_with_their_criterion_and_condition():
    rs = parse(BASE + """deviations:
  - {text: Cả bộ khác văn bản., reference: QĐ 766/QĐ-TTg}
  - {criterion: "1", text: "Thiếu cột ({chua_ro} hồ sơ).", reference: chỉ số 1, when: chua_ro > 0}
""", "thu.yaml")
    assert [(d.criterion, d.text, d.reference, d.when is not None) for d in rs.deviations] == [
        (None, "Cả bộ khác văn bản.", "QĐ 766/QĐ-TTg", False), ("1", "Thiếu cột ({chua_ro} hồ sơ).", "chỉ số 1", True)]
    frame = pd.DataFrame({"a": [5.0, 5.0], "b": [10.0, 10.0], "chua_ro": [0.0, 3.0]}, index=["X", "Y"])
    result = evaluate(rs, frame)
    assert result.notes("X") == [Note(None, "Cả bộ khác văn bản.", "QĐ 766/QĐ-TTg")]
    assert result.notes("Y")[1] == Note("1", "Thiếu cột (3 hồ sơ).", "chỉ số 1")


@pytest.mark.parametrize("block, line, words", [
    ("deviations: {text: x}\n", 9, "phải là một danh sách"),
    ("deviations:\n  - chỉ một câu\n", 1, "mỗi mục cần «text»"),
    ("deviations:\n  - {reference: chỉ số 1}\n", 10, "cần «text»"),
    ("deviations:\n  - {text: Khác., reference: \"\"}\n", 10, "cần «reference»"),
    ("deviations:\n  - {criterion: \"9.9\", text: Khác., reference: r}\n", 10, "tiêu chí «9.9» không có"),
    ("deviations:\n  - {text: Khác., reference: r, when: khong_co > 0}\n", 10, "khong_co"),
    ("deviations:\n  - {text: Khác., reference: r, lydo: y}\n", 10, "khóa «lydo» không có trong lược đồ"),
])
def test_a_bad_deviation_is_refused_naming_file_and_line(block, line, words):
    with pytest.raises(RuleSetError) as err:
        parse(BASE + block, "thu.yaml")
    problem = err.value.problems[0]
    assert problem.file == "thu.yaml" and problem.line == line and words in problem.message, str(err.value)


def test_the_shipped_766_set_lists_its_deviations_and_no_criterion_3_5():
    rs = find("qd766-2022")
    said = {d.criterion for d in rs.deviations}
    assert {"3.3", "4.1", "4.2", "5.4", None} <= said
    assert "3.5" not in {leaf.id for leaf in rs.leaves}
    assert any("3.5" in d.text for d in rs.deviations if d.criterion is None)  # said not scored, and why
    assert [d.criterion for d in rs.deviations if d.when is not None] == ["3.3", "4.1", "4.2"]


def test_the_scorecard_shows_the_notes_in_docx_and_html(tmp_path):
    unit = docs.UnitScore("STP", "Sở Tư pháp", 80.0, 100, 80.0, 1, "Tốt", {"1": 80.0})
    leaf = docs.LeafLine("4.1", "Tỷ lệ hồ sơ có kết quả điện tử", 60.0, "%", "< 80%", 6.0, 8.0, "QĐ 766", "câu")
    card = docs.Scorecard(2024, "Bộ chỉ số 766", unit, 1, (leaf,), (("1", "Nhóm 1"),), {"1": 80.0},
                          notes=(("", "Cả bộ khác văn bản.", "QĐ 766/QĐ-TTg"), ("4.1", "Mẫu số khác.", "chỉ số 4.1")))
    doc = docs.scorecard(card, Frame("UBND tỉnh", "Sở Nội vụ", "SNV", "TB", "Lai Châu", date(2025, 1, 10), 1,
                                          ("Lưu: VT",), Signature("GIÁM ĐỐC", "", "Nguyễn Văn A")))
    text = "\n".join(p.text for p in read_docx(render_docx(doc, tmp_path / "pd.docx")).paragraphs)
    assert "Ghi chú về cách tính" in text
    assert "- Cả bộ khác văn bản. (QĐ 766/QĐ-TTg)" in text and "- 4.1. Mẫu số khác. (chỉ số 4.1)" in text
    html = render_html(doc, tmp_path / "pd.html").read_text(encoding="utf-8")
    assert "Ghi chú về cách tính" in html and "4.1. Mẫu số khác. (chỉ số 4.1)" in html


def test_a_stored_run_keeps_the_notes_its_rules_said(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    with_column = [r + ["Có"] for r in (dossier(code="A"), dossier(code="B", e_result="Không"))]
    ingest_file(engine, write_csv(tmp_path / "a.csv", DOSSIER_HEADERS + ["TTHC trả kết quả bản giấy"], with_column))
    ingest_file(engine, write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, [dossier(unit="SKHCN", code="C")]))
    rules = find("qd766-2022")
    rescore(engine, rules, "2024-NAM")
    run = stored(engine, rules, "2024-NAM")
    exact, fallback = scorecard_context(run, "STP").notes, scorecard_context(run, "SKHCN").notes
    assert not any("không có cột" in t for _, t, _ in exact)
    assert [c for c, t, _ in fallback if "không có cột «TTHC trả kết quả bản giấy» (1 hồ sơ)" in t] == ["3.3", "4.1", "4.2"]
    assert ("5.4", next(d.text for d in rules.deviations if d.criterion == "5.4"), "QĐ 766/QĐ-TTg, cách tính chỉ số 5.4") \
        in exact
    # 4.1 exactly: of STP's two finished paper-result dossiers one has an electronic result
    assert next(e for e in run.result.explain("STP") if e.criterion == "4.1").value == 50
    # the rule file's wording changed since: the run's documents still say what its rules said
    changed = dataclasses.replace(rules, deviations=tuple(dataclasses.replace(d, text="Đổi.") for d in rules.deviations))
    assert scorecard_context(stored(engine, changed, "2024-NAM"), "SKHCN").notes == fallback
