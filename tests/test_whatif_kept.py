"""What-if answers kept with the improvement plans: answered once per score run for each unit with a target set,
quoted by the improvement plan from the store (never solved again), a new run version answered anew; the year's
scoring step keeps them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from helpers import FACT_HEADERS, below_its_targets, read_docx_text, scored, write_csv
from office.errors import Refused
from office.score_documents import improvement
from office.whatif import what_if_targets
from office.whatif_kept import keep, kept, latest_kept
from rules.ruleset import find
from store.ingest import ingest_file

RULES = find("qd766-2022")
INDEX = find("chi-so-cchc-so-nganh")  # the departments' index: a department's PAR INDEX targets are its total
SECTION = "III. MỤC TIÊU VÀ VIỆC CẦN LÀM"


def _plan_text(engine, run, tmp_path, name="kp.docx") -> str:
    return read_docx_text(improvement(engine, run, "SKHCN", date(2025, 1, 15), date(2025, 6, 30)), tmp_path / name)


def test_each_units_answer_is_kept_once_per_run_and_the_plan_quotes_it(province, tmp_path):
    below_its_targets(province, tmp_path)
    run = scored(province, INDEX, 2024)
    assert SECTION not in _plan_text(province, run, tmp_path, "truoc.docx")  # nothing kept: nothing solved here
    assert "IV. TỔ CHỨC THỰC HIỆN" not in _plan_text(province, run, tmp_path, "truoc.docx")
    assert keep(province, run) >= 1
    answers = kept(province, run.run.run_id, "SKHCN")
    asked = what_if_targets(province, INDEX, "2024-NAM", "SKHCN", "skhcn-lai-chau-2024")
    assert [a.goal for a in answers] == [said for said, _ in asked]
    assert answers[0].goal == "Chỉ số PAR INDEX từ 85 điểm trở lên"
    assert [a.lines for a in answers] == [tuple(ans.lines()) for _, ans in asked]
    first = answers[0]
    assert first.target_set == "skhcn-lai-chau-2024" and first.changes
    assert all(c.words and c.after != c.before for c in first.changes)
    assert any(c.gains for c in first.changes)  # a whole that rises with its part gains nothing on its own
    assert all(a.target_set == "" for a in kept(province, run.run.run_id, "STP"))  # no target set of its own
    assert keep(province, run) == 0  # once per run

    plan = _plan_text(province, run, tmp_path)
    assert SECTION in plan and "IV. TỔ CHỨC THỰC HIỆN" in plan
    assert "1. Mục tiêu: Chỉ số PAR INDEX từ 85 điểm trở lên" in plan
    assert all(line in plan for line in first.lines)
    assert all(c.words in plan for c in first.changes)
    assert latest_kept(province, "SKHCN").answers == answers

    # The plan quotes what is stored: an answer changed in the store is what it says
    with province.begin() as conn:
        conn.execute(text("UPDATE whatif_kept SET lines = 'Câu trả lời đã lưu.' WHERE run_id = :r"),
                     {"r": run.run.run_id})
    quoted = _plan_text(province, run, tmp_path, "lai.docx")
    assert "Câu trả lời đã lưu." in quoted and first.lines[0] not in quoted


def test_a_new_run_version_gets_an_answer_of_its_own(province, tmp_path):
    below_its_targets(province, tmp_path)
    first = scored(province, INDEX, 2024)
    keep(province, first)
    before = kept(province, first.run.run_id, "SKHCN")
    assert any("công khai đầy đủ" in c.words for c in before[0].changes)
    # every procedure published in full: that change is no longer needed
    ingest_file(province, write_csv(tmp_path / "cong-khai.csv", FACT_HEADERS,
                                    [["SKHCN", "Năm 2024", "tthc_cong_khai", 53, "KL-01"]]))
    second = scored(province, INDEX, 2024)
    assert second.run.version == first.run.version + 1
    assert SECTION not in _plan_text(province, second, tmp_path)  # the new version is not answered yet
    with pytest.raises(Refused, match="không còn là lượt hiện hành"):
        keep(province, first)
    assert keep(province, second) >= 1
    after = kept(province, second.run.run_id, "SKHCN")
    assert not any("công khai đầy đủ" in c.words for c in after[0].changes)
    assert kept(province, first.run.run_id, "SKHCN") == before  # the old version's answer stays as it was
    assert latest_kept(province, "SKHCN").version == second.run.version


def test_the_years_scoring_step_keeps_them_and_its_plan_quotes_them(province, tmp_path):
    from docx import Document

    from office.year import scoring

    written = scoring(province, tmp_path / "out", 2024)
    found = latest_kept(province, "SKHCN")
    assert found is not None and found.period == "2024-NAM" and found.ruleset == INDEX.id
    path = next(p for p in written if p.name == "ke-hoach-khac-phuc-SKHCN-2024.docx")
    plan = "\n".join(p.text for p in Document(path).paragraphs)
    assert SECTION in plan and all(line in plan for line in found.answers[0].lines)


def test_a_unit_without_targets_in_the_lower_classes_is_told_how_to_rise_one(province, tmp_path):
    from office.whatif import what_if
    from office.whatif_kept import DEFAULT_TITLE, one_class_up

    run = scored(province, RULES, 2024)
    classes = run.summary["xep_loai"]
    low = [u for u in classes.index if one_class_up(RULES, classes[u]) and u != "SKHCN"]
    high = [u for u in classes.index if classes[u] in ("Tốt", "Khá") and u != "SKHCN"]
    assert low and high, "the province has units in both halves of the classes"
    keep(province, run)
    unit = low[0]
    [answer] = kept(province, run.run.run_id, unit)
    up = one_class_up(RULES, classes[unit])
    assert answer.goal == f"Đạt xếp loại {up}" and answer.target_set == "" and answer.target_title == DEFAULT_TITLE
    assert answer.lines == tuple(what_if(province, RULES, "2024-NAM", unit, klass=up).lines())
    assert kept(province, run.run.run_id, high[0]) == []  # Khá or Tốt without targets: not asked
    assert one_class_up(RULES, "Tốt") is None and one_class_up(RULES, "Yếu") == "Trung bình"


def test_a_target_on_one_index_is_not_asked_of_another(province):
    """Guard: RuleSet.measures. SKHCN's «Chỉ số PAR INDEX từ 85 điểm» had been answered with the Decision 766 index
    («không thể đạt 85 điểm … cao nhất 78 điểm») while its PAR INDEX stood at 95: the improvement plan and the
    portal said so. The 766 run answers it as a unit without targets on that index."""
    from office.whatif_kept import one_class_up

    run = scored(province, RULES, 2024)
    keep(province, run)
    answers = kept(province, run.run.run_id, "SKHCN")
    assert all(a.target_set == "" and "PAR INDEX" not in a.goal for a in answers)
    assert bool(answers) == bool(one_class_up(RULES, run.summary.loc["SKHCN", "xep_loai"]))
    with pytest.raises(Refused, match="không có mục tiêu về chỉ số mà tổng điểm của bộ tiêu chí «qd766-2022» đo"):
        what_if_targets(province, RULES, "2024-NAM", "SKHCN", "skhcn-lai-chau-2024")
