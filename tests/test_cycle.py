"""The year's domain steps without Prefect: the report register, plans, inspections and their findings, the
calendar of steps, watching a folder."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office import periodic as periodic_docs, plans as office_plans, score_documents as sd
from office.errors import Refused
from office.year import calendar_of
from cycle import inspection, plan
from cycle.reporting import LATE, MISSING, NOT_DUE, ON_TIME, reminders, submissions
from cycle.scoring import current_run, entries
from helpers import FACT_HEADERS, read_docx_text, refused, scored as score, write_csv, write_xlsx
from rules.ruleset import find
from store import models
from store.ingest import ingest_file

YEAR = 2024


# --- Periodic reports ---------------------------------------------------------------------------------

SUBMISSION_HEADERS = ["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"]


def test_late_and_missing_reports_are_read_from_the_register(engine, tmp_path):
    from helpers import units_file

    ingest_file(engine, units_file(tmp_path))
    ingest_file(engine, write_xlsx(tmp_path / "bc.xlsx", SUBMISSION_HEADERS, [
        ["SKHCN", "Quý I/2024", "18/03/2024", "12/BC-SKHCN"],
        ["STP", "Quý I/2024", "25/03/2024", "30/BC-STP"],
    ]))
    status = submissions(engine, "2024-Q1", today=date(2024, 4, 1)).set_index("unit")
    assert status.loc["SKHCN", "state"] == ON_TIME
    assert (status.loc["STP", "state"], status.loc["STP", "days_late"]) == (LATE, 5)
    assert status.loc["XA0001", "state"] == MISSING
    assert "SKHCN-VP" not in status.index  # divisions report to their department, not to the province
    before_due = submissions(engine, "2024-Q1", today=date(2024, 3, 19)).set_index("unit")
    assert before_due.loc["XA0001", "state"] == NOT_DUE
    assert list(reminders(engine, "2024-Q1", date(2024, 3, 15))["unit"]) == ["XA0001"]


def test_a_register_row_corrected_in_a_later_register_file_stands_as_corrected(engine, tmp_path):
    """A day typed wrong (15/03 for 25/03) could never be corrected: the earliest of every file's rows was taken,
    and a late report stayed on time."""
    from helpers import units_file

    ingest_file(engine, units_file(tmp_path))
    ingest_file(engine, write_xlsx(tmp_path / "bc.xlsx", SUBMISSION_HEADERS, [
        ["SKHCN", "Quý I/2024", "15/03/2024", "12/BC-SKHCN"], ["STP", "Quý I/2024", "18/03/2024", "30/BC-STP"]]))
    ingest_file(engine, write_xlsx(tmp_path / "bc_sua.xlsx", SUBMISSION_HEADERS, [
        ["SKHCN", "Quý I/2024", "25/03/2024", "12/BC-SKHCN"]]))
    status = submissions(engine, "2024-Q1", today=date(2024, 4, 1)).set_index("unit")
    assert (status.loc["SKHCN", "state"], status.loc["SKHCN", "days_late"]) == (LATE, 5)
    assert status.loc["STP", "state"] == ON_TIME  # the later file did not name it: its row stands
    ingest_file(engine, write_xlsx(tmp_path / "bc_q2.xlsx", SUBMISSION_HEADERS, [
        ["SKHCN", "Quý II/2024", "10/06/2024", "20/BC-SKHCN"]]))
    assert submissions(engine, "2024-Q1", today=date(2024, 4, 1)).set_index("unit").loc["SKHCN", "days_late"] == 5


def test_a_report_received_before_its_figures_close_is_kept_and_said(engine, tmp_path):
    """A report of Quý I received on 15/02, a month before its figures close on 14/03, is a day or a period typed
    wrong, or a report sent early: it counts as on time, so it is kept as the register says and said with its row."""
    from helpers import units_file

    ingest_file(engine, units_file(tmp_path))
    result = ingest_file(engine, write_xlsx(tmp_path / "bc.xlsx", SUBMISSION_HEADERS, [
        ["SKHCN", "Quý I/2024", "18/03/2024", "12/BC-SKHCN"], ["STP", "Quý I/2024", "15/02/2024", "30/BC-STP"],
        ["XA0001", "Quý I/2024", "14/03/2024", "5/BC-UBND"]]))
    [warning] = result.warnings
    assert warning.column == "Ngày gửi" and warning.message.startswith("dòng 3: báo cáo quý I năm 2024 nhận trước khi "
                                                                         "hết kỳ số liệu (14/03/2024)")
    assert submissions(engine, "2024-Q1", today=date(2024, 4, 1)).set_index("unit").loc["STP", "state"] == ON_TIME


@pytest.mark.parametrize("row, column, message", [
    (["KHONGCO", "Quý I/2024", "18/03/2024", ""], "Mã đơn vị", "chưa có trong danh mục đơn vị"),
    (["STP", "Quý V/2024", "18/03/2024", ""], "Kỳ báo cáo", "Quý V/2024"),
    (["STP", "Quý I/2024", "31/02/2024", ""], "Ngày gửi", "không phải ngày hợp lệ"),
    (["STP", "Quý I/2024", "01/12/2023", ""], "Ngày gửi", "trước khi kỳ báo cáo bắt đầu"),
])
def test_a_bad_register_row_is_refused_whole(engine, tmp_path, row, column, message):
    from helpers import units_file

    ingest_file(engine, units_file(tmp_path))
    text = refused(engine, write_xlsx(tmp_path / "bc.xlsx", SUBMISSION_HEADERS,
                                      [["SKHCN", "Quý I/2024", "18/03/2024", "1/BC"], row]))
    assert "bc.xlsx" in text and "dòng 3" in text and column in text and message in text


def test_the_periodic_report_names_late_and_missing_units_and_gives_provisional_scores(province, tmp_path):
    status = submissions(province, "2024-Q1", today=date(2025, 1, 1))
    late = status[status["state"] == LATE]
    score(province, "qd766-2022", "2024-Q1")  # the report's step scores the period first
    text = read_docx_text(periodic_docs.periodic(province, "2024-Q1", None, date(2025, 1, 1)), tmp_path / "bc.docx")
    assert f"Có {int(status['submitted_on'].notna().sum())}/{len(status)} đơn vị gửi báo cáo" in text
    for row in late.itertuples():
        assert f"{row.name} ({row.days_late:.0f} ngày)" in text
    assert "Kết quả chấm điểm tạm tính" in text and "Tập trung cải thiện lĩnh vực" in text
    # the units' own reports as they declare them are said as theirs, apart from this report's register above
    assert re.search(r"Theo số liệu các đơn vị kê khai, đã gửi đúng hạn [\d.]+/[\d.]+ báo cáo CCHC phải gửi từ đầu "
                     r"năm\.", text) and "\nGửi đúng hạn " not in text
    # the table shows both ends of the ranking, and says so
    shown = re.search(r"nêu 5 đơn vị đứng đầu và 5 đơn vị đứng cuối trong số (\d+) đơn vị\.", text)
    assert shown and int(shown.group(1)) > 10, text
    assert "@table" not in text and f"\n{shown.group(1)}\n" in text  # the table itself, down to the last rank


# --- Plans ---------------------------------------------------------------------------------------------

def test_a_plan_is_issued_from_last_years_results_remedial_tasks_first_and_stored(province, tmp_path):
    rs = find("chi-so-cchc-so-nganh")
    score(province, rs, YEAR)
    plan_id = office_plans.issue_plan(province, "SKHCN", YEAR + 1)
    stored, items, code, name = plan.stored(province, plan_id)
    sections = [i.section for i in items]
    assert sections == sorted(sections, key=["muc_tieu", "khac_phuc", "nhiem_vu"].index)
    targets = [i for i in items if i.section == "muc_tieu"]
    assert targets[-1].title == "Tổng cộng" and all(t.last_rank >= 1 for t in targets)
    assert all(i.lead and i.deadline for i in items if i.section != "muc_tieu")
    scored = score(province, rs, YEAR)
    lost = [e for e in scored.result.explain("SKHCN") if e.points < e.max - 1e-9]
    assert len([i for i in items if i.section == "khac_phuc"]) == len(lost)
    assert stored.run_id == current_run(Session(province), rs.id, f"{YEAR}-NAM").id
    again = office_plans.issue_plan(province, "SKHCN", YEAR + 1)  # re-issued in place
    with Session(province) as s:
        assert s.scalar(select(func.count()).select_from(models.Plan)) == 1
    assert [(i.section, i.title) for i in plan.stored(province, again)[1]] == [(i.section, i.title) for i in items]
    text = read_docx_text(office_plans.plan_document(province, again), tmp_path / "kh.docx")
    assert f"năm {YEAR + 1} của Sở Khoa học và Công nghệ" in text
    if lost:
        assert text.index(f"Khắc phục những tiêu chí chưa đạt điểm năm {YEAR}") < text.index("1.1. ")


def test_a_unit_with_no_results_gets_no_plan(province):
    with pytest.raises(Refused, match="chưa có kết quả chấm điểm năm 2021"):
        office_plans.issue_plan(province, "SKHCN", 2022)  # a year without figures
    with pytest.raises(Refused, match="không có kết quả"):
        office_plans.issue_plan(province, "XA0001", YEAR + 1)  # a commune is not scored by the department index


# --- Inspections ----------------------------------------------------------------------------------------

def test_inspections_cover_more_than_30_percent_riskiest_first_spread_over_the_year(province):
    scored = score(province, find("qd766-2022"), YEAR)
    visits = inspection.plan(province, scored, YEAR + 1)
    assert len(visits) / len(scored.summary) > 0.30
    assert [v.month for v in visits] == sorted(v.month for v in visits) and visits[0].month == 3
    risks = [v.risk for v in visits]
    assert risks == sorted(risks, reverse=True)  # the riskiest are visited first
    everyone = {v.unit: v for v in inspection.choose(province, scored, YEAR + 1, share=100)}
    left_out = [u for u in everyone if u not in {v.unit for v in visits}]
    assert max(everyone[u].risk for u in left_out) <= min(risks)
    # Inspected this year (the demo's findings), Sở Xây dựng loses the bonus of not having been inspected lately.
    assert "đã kiểm tra năm 2024" in everyone["SXD"].reason
    never = [v for v in everyone.values() if "chưa được kiểm tra" in v.reason]
    lowest = min(never, key=lambda v: scored.summary.loc[v.unit, "ty_le"])
    assert lowest.risk == max(v.risk for v in never)
    stored = inspection.planned(province, YEAR + 1)
    assert sorted(stored["unit"]) == sorted(v.unit for v in visits)


def test_a_finding_with_points_adjusts_the_appraisal_and_is_followed_up(province):
    rs = find("qd766-2022")
    before = score(province, rs, YEAR).summary.loc["STP", "diem"]
    found = inspection.record_finding(province, YEAR, "STP", date(YEAR, 8, 5), "Chưa công khai đủ TTHC",
                                      "Công khai đầy đủ TTHC", date(YEAR, 9, 30), "1.3", 0.5, rs)
    after = score(province, rs, YEAR)
    assert after.summary.loc["STP", "diem"] < before
    [line] = [e for e in after.result.explain("STP") if e.criterion == "1.3"]
    assert "thẩm định 0,5/4 điểm — Kết luận kiểm tra ngày 05/08/2024: Chưa công khai đủ TTHC" in line.sentence
    state = inspection.follow_up(province, YEAR, date(YEAR, 10, 15)).set_index("id")
    assert state.loc[found, "state"] == "quá hạn"
    inspection.resolve(province, found, date(YEAR, 10, 20), "Đã niêm yết")
    assert inspection.follow_up(province, YEAR, date(YEAR, 11, 1)).set_index("id").loc[found, "state"] == "khắc phục trễ hạn"
    with pytest.raises(ValueError, match="trước ngày kiểm tra"):
        inspection.record_finding(province, YEAR, "STP", date(YEAR, 8, 5), "x", "y", date(YEAR, 8, 1))


FINDING_HEADERS = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
                   "Thời hạn khắc phục", "Bộ tiêu chí", "Điểm thẩm định"]


def test_a_corrected_findings_file_withdraws_or_keeps_the_appraisal_it_set(province, tmp_path):
    """A finding sent again with «Điểm thẩm định» left blank gives the criterion back its self-assessed points
    (the earlier points had stayed); sent again unchanged it leaves alone an appraiser's later points."""
    from cycle.scoring import record_appraisal

    rs = find("qd766-2022")
    before = score(province, rs, YEAR).summary.loc["STP", "diem"]
    row = [YEAR, "STP", "05/08/2024", "1.3", "Chưa công khai đủ TTHC", "Công khai đủ", "30/09/2024", "qd766-2022", 0.5]
    other = [YEAR, "SXD", "06/08/2024", "1.3", "Chưa niêm yết", "Niêm yết", "30/09/2024", "qd766-2022", 1]
    ingest_file(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, [row, other]))
    adjusted = score(province, rs, YEAR).summary.loc["STP", "diem"]
    assert adjusted < before
    # a file without the points' columns (the recommendations corrected) leaves the appraisals alone
    ingest_file(province, write_xlsx(tmp_path / "kq_kien_nghi.xlsx", FINDING_HEADERS[:7], [row[:5] + ["Công khai 100%"]
                                                                                           + row[6:7]]))
    assert score(province, rs, YEAR).summary.loc["STP", "diem"] == adjusted
    ingest_file(province, write_xlsx(tmp_path / "kq_sua.xlsx", FINDING_HEADERS, [row[:8] + [None], other]))
    after = score(province, rs, YEAR)
    assert after.summary.loc["STP", "diem"] == before
    [line] = [e for e in after.result.explain("STP") if e.criterion == "1.3"]
    assert "thẩm định" not in line.sentence
    # Set again, then an appraiser's own points: the file sent again with the row as it was, or blank, leaves them.
    corrected = other[:5] + ["Niêm yết đủ 100%"] + other[6:]
    ingest_file(province, write_xlsx(tmp_path / "kq_lai.xlsx", FINDING_HEADERS, [row, corrected]))
    record_appraisal(province, rs, f"{YEAR}-NAM", "STP", "1.3", 3, "Đã bổ sung minh chứng", "Tổ thẩm định")
    ingest_file(province, write_xlsx(tmp_path / "kq_lan4.xlsx", FINDING_HEADERS, [row, other]))
    ingest_file(province, write_xlsx(tmp_path / "kq_lan5.xlsx", FINDING_HEADERS, [row[:8] + [None], corrected]))
    [line] = [e for e in score(province, rs, YEAR).result.explain("STP") if e.criterion == "1.3"]
    assert "thẩm định 3/4 điểm — Đã bổ sung minh chứng" in line.sentence


def test_a_finding_sent_again_under_another_criterion_moves_with_its_points(province, tmp_path):
    """A finding's criterion corrected (1.3 to 1.2) had left the first appraisal beside the new one: the unit lost
    points on both criteria, and the finding was followed up twice. The same text under two criteria in one file
    is two findings."""
    rs = find("qd766-2022")
    before = score(province, rs, YEAR)
    row = [YEAR, "STP", "05/08/2024", "1.3", "Chưa công khai đủ TTHC", "Công khai đủ", "30/09/2024", "qd766-2022", 0]
    ingest_file(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, [row]))
    ingest_file(province, write_xlsx(tmp_path / "kq_sua.xlsx", FINDING_HEADERS, [row[:3] + ["1.2"] + row[4:]]))
    after = score(province, rs, YEAR)
    assert after.result.points["1.3"][list(after.summary.index).index("STP")] == \
        before.result.points["1.3"][list(before.summary.index).index("STP")]
    [line] = [e for e in after.result.explain("STP") if e.criterion == "1.2"]
    assert "Chưa công khai đủ TTHC" in line.sentence
    with Session(province) as s:
        assert s.scalars(select(models.Finding.criterion).where(models.Finding.text == "Chưa công khai đủ TTHC")).all() \
            == ["1.2"]
    both = [row[:3] + ["1.2"] + row[4:8] + [None], row[:3] + ["1.3"] + row[4:8] + [None]]
    ingest_file(province, write_xlsx(tmp_path / "kq_hai.xlsx", FINDING_HEADERS, both))
    with Session(province) as s:
        assert sorted(s.scalars(select(models.Finding.criterion).where(
            models.Finding.text == "Chưa công khai đủ TTHC")).all()) == ["1.2", "1.3"]


def test_two_points_for_one_criterion_or_points_for_a_unit_not_scored_are_refused(province, tmp_path):
    """Two rows giving SXD's 1.3 points 1 and 0: which held depended on the rows' order. Points for a commune under
    a rule set of departments only, or for the province under Decision 766, had been written, never to count."""
    rows = [[2024, "SXD", "05/08/2024", "1.3", "Chưa niêm yết", "y", "30/09/2024", "qd766-2022", 1],
            [2024, "SXD", "05/08/2024", "1.3", "Chưa cập nhật", "y", "30/09/2024", "qd766-2022", 0],
            [2024, "TINH", "05/08/2024", "1.3", "x", "y", "30/09/2024", "qd766-2022", 1]]
    text = refused(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, rows))
    assert "kq.xlsx, dòng 3, cột «Điểm thẩm định»: tiêu chí này của đơn vị đã có điểm thẩm định ở dòng 2" in text
    assert "kq.xlsx, dòng 4, cột «Mã đơn vị»: bộ tiêu chí «qd766-2022» không chấm tiêu chí này cho đơn vị «TINH»" in text


@pytest.mark.parametrize("row, column, message", [
    ([2024, "STP", "05/08/2024", "9.9", "x", "y", "30/09/2024", "qd766-2022", 1], "Tiêu chí", "không có tiêu chí «9.9»"),
    ([2024, "STP", "05/08/2024", "1.3", "x", "y", "30/09/2024", "qd766-2022", 7], "Điểm thẩm định", "vượt điểm tối đa"),
    ([2024, "STP", "05/08/2024", "1.3", "x", "y", "30/09/2024", "", 1], "Bộ tiêu chí", "phải ghi bộ tiêu chí"),
    ([2024, "STP", "05/08/2024", "1.3", "x", "y", "30/07/2024", "", None], "Thời hạn khắc phục", "trước ngày kiểm tra"),
    ([2024, "STP", "05/08/2023", "1.3", "x", "y", "30/09/2024", "", None], "Ngày kiểm tra", "không thuộc năm kiểm tra"),
    ([2024, "STP", "05/08/2024", "1.3", "x", "y", "30/09/2024", "khong-co", 1], "Bộ tiêu chí", "không có bộ tiêu chí"),
])
def test_a_bad_inspection_result_is_refused_whole(province, tmp_path, row, column, message):
    text = refused(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, [row]))
    assert "kq.xlsx" in text and "dòng 2" in text and column in text and message in text


def test_the_inspection_conclusion_is_written_from_the_recorded_findings(province, tmp_path):
    text = read_docx_text(office_plans.inspection_conclusion(province, YEAR, "SXD", date(YEAR, 7, 1)), tmp_path / "kl.docx")
    assert "Kiểm tra công tác cải cách hành chính tại Sở Xây dựng" in text
    assert "Chưa niêm yết đầy đủ TTHC tại Bộ phận Một cửa" in text and "(tiêu chí 1.3)" in text


# --- The calendar and watching a folder -----------------------------------------------------------------

def test_the_year_runs_in_calendar_order_next_years_plans_after_this_years_scores():
    steps = calendar_of(YEAR)
    assert [s.name for s in steps] == ["plan_issuance"] + ["report_reminders", "periodic_report"] * 3 + [
        "inspection", "report_reminders", "periodic_report", "scoring", "emulation", "plan_issuance"]
    assert steps[0].params == {"year": YEAR} and steps[0].when == date(YEAR - 1, 12, 28)
    assert steps[-1].params == {"year": YEAR + 1}
    names = [s.name for s in steps]
    assert names.index("scoring") < len(names) - 1 - names[::-1].index("plan_issuance")
    assert [s.params["period"] for s in steps if s.name == "periodic_report"] == ["2024-Q1", "2024-6T", "2024-Q3",
                                                                                  "2024-NAM"]
    assert [s.when for s in steps] == sorted(s.when for s in steps)


def test_watching_a_folder_ingests_what_arrives_and_rescores_once(province, tmp_path):
    from office.watching import DONE, REFUSED, watch_folder

    rs = find("qd766-2022")
    score(province, rs, YEAR)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    def drop():
        write_csv(inbox / "stp.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 10, "bổ sung"]])
        write_csv(inbox / "sxd.csv", FACT_HEADERS, [["SXD", "Năm 2024", "tthc_cong_khai", 2, "bổ sung"]])

    drop()
    write_csv(inbox / "hong.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", -1, ""]])
    told, said = [], []
    watch_folder(province, inbox, f"{YEAR}-NAM", tmp_path / "out", 0.01, True, said.append, told.append, settle=0.05)
    assert not (inbox / DONE).exists() and not told  # arrived together with a refused file: nothing written
    assert (inbox / REFUSED / "hong.csv.loi.txt").read_text(encoding="utf-8").count("giá trị âm") == 1
    drop()
    watch_folder(province, inbox, f"{YEAR}-NAM", tmp_path / "out", 0.01, True, said.append, told.append, settle=0.05)
    assert sorted(p.name for p in (inbox / DONE).iterdir()) == ["stp.csv", "sxd.csv"]
    [[summary]] = told  # both files, one re-score of the one period they touch
    run = summary["rulesets"]["qd766-2022"]
    assert run["written"] and run["evaluated"] == 2
    assert any(line.startswith("Sở Tư pháp:") for line in run["changes"])
    assert any("phieu-diem-qd766-2022-STP" in p for p in summary["documents"])
    with Session(province) as s:
        latest = entries(s, current_run(s, rs.id, f"{YEAR}-NAM").id)
    assert latest.loc["STP", "detail_run"] == run["run"]


def test_the_scorecard_names_declared_figures_without_evidence_and_the_units_explanation(province, tmp_path):
    headers = [*FACT_HEADERS, "Ghi chú"]
    ingest_file(province, write_csv(tmp_path / "stp.csv", headers, [
        ["STP", "Năm 2024", "tthc_cong_khai", 50, "", "Sổ theo dõi đang được số hóa, bổ sung trước 15/01"],
        ["STP", "Năm 2024", "tthc_cap_nhat_dung_han", 50, "Báo cáo 12/BC-STP", ""]]))
    scored = score(province, find("qd766-2022"), YEAR)
    lines = sd.unbacked(province, scored, "STP")
    explained = [line for line in lines if line[0] == "1.3"]
    assert explained and explained[0][2] == "Sổ theo dõi đang được số hóa, bổ sung trước 15/01"
    assert not [line for line in lines if line[0] == "1.2"]  # backed by its report
    text = read_docx_text(sd.scorecard(province, scored, "STP", date(2025, 1, 15)), tmp_path / "pd.docx")
    assert "Tự đánh giá: số liệu chưa có tài liệu kiểm chứng" in text
    assert "chưa có tài liệu kiểm chứng; đơn vị giải trình: Sổ theo dõi đang được số hóa" in text


def test_the_years_results_are_set_against_the_plans_targets(province):
    gaps = sd.target_gaps(score(province, find("chi-so-cchc-so-nganh"), YEAR), YEAR).set_index("Chỉ số")
    assert set(gaps["Mã đơn vị"]) == {"SKHCN"}  # seed 000's targets are the department of science's
    par = gaps.loc["Chỉ số PAR INDEX"]
    assert par["Mục tiêu"] == "từ 85 điểm trở lên"
    if par["Kết quả"] < 85:
        assert par["Đạt mục tiêu"] == "chưa đạt" and abs(par["Còn thiếu (điểm)"] - (85 - par["Kết quả"])) < 1e-9
    assert gaps.loc["Chỉ số SIPAS", "Kết quả"] > 0


def test_a_change_of_staff_records_rewrites_the_eligibility_list(province, tmp_path):
    from sqlalchemy import select

    from office.rescoring import rescore_all
    from helpers import PEOPLE_HEADERS

    score(province, find("qd766-2022"), YEAR)
    with Session(province) as s:
        person, unit = s.execute(select(models.Person, models.Unit.code)
                                 .join(models.Unit, models.Unit.id == models.Person.unit_id).limit(1)).one()
    row = [person.code, person.full_name, "Nữ" if person.gender == "nu" else "Nam", "", "Công chức", person.position,
           unit, YEAR, "Hoàn thành xuất sắc nhiệm vụ"]
    ingest_file(province, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [row]))
    summary = rescore_all(province, f"{YEAR}-NAM", tmp_path / "out")
    assert any(p.endswith(f"danh-sach-xet-danh-hieu-{YEAR}.xlsx") for p in summary["documents"])
    assert not rescore_all(province, f"{YEAR}-NAM", tmp_path / "out")["documents"]  # nothing new: nothing written


def test_tasks_reported_done_make_the_progress_of_the_periodic_report_and_survive_a_re_issue(province, tmp_path):
    rs = find("chi-so-cchc-so-nganh")
    score(province, rs, YEAR - 1)
    plan_id = office_plans.issue_plan(province, "SKHCN", YEAR)  # from 2023's results
    _, items, _, _ = plan.stored(province, plan_id)
    remedial = [i for i in items if i.section == "khac_phuc"]
    assert remedial and all(i.deadline == date(YEAR, 6, 30) for i in remedial)
    plan.complete(province, remedial[0].id, date(YEAR, 5, 20), "Đã ban hành kế hoạch khắc phục")
    with pytest.raises(ValueError, match="trước ngày ban hành"):
        plan.complete(province, remedial[0].id, date(YEAR - 2, 1, 1), "")
    state = plan.progress(province, "SKHCN", YEAR, date(YEAR, 6, 14))  # the 6-month window ends 14/6
    assert (state.due, state.done) == (0, 0)
    state = plan.progress(province, "SKHCN", YEAR, date(YEAR, 9, 14))
    assert (state.due, state.done, len(state.overdue)) == (len(remedial), 1, len(remedial) - 1)
    text = read_docx_text(periodic_docs.periodic(province, "2024-Q3", "SKHCN", date(YEAR, 9, 20)), tmp_path / "bc.docx")
    assert f"Đến hết kỳ, 1/{len(remedial)} nhiệm vụ đến hạn đã hoàn thành." in text
    again = office_plans.issue_plan(province, "SKHCN", YEAR)
    kept = [i for i in plan.stored(province, again)[1] if i.done_on]
    assert [(i.title, i.done_on, i.result) for i in kept] == [(remedial[0].title, date(YEAR, 5, 20),
                                                               "Đã ban hành kế hoạch khắc phục")]


def test_a_run_s_documents_explain_it_with_the_rules_it_was_scored_by(province, tmp_path):
    """A rule file changed since a run (a new threshold, or another file under the set's id) had its stored points
    explained with the rules of today: «100% ≥ 100% → 0 điểm». The text is kept with the run and read back."""
    from office.scores import score, stored
    from rules.ruleset import load, shipped

    shipped_path = shipped()["thi-dua-cchc-skhcn-ninh-thuan-2024"]
    text = shipped_path.read_text(encoding="utf-8")
    changed = tmp_path / "thi-dua.yaml"
    changed.write_text(text.replace("scoring: {method: threshold, target: 100}",
                                    "scoring: {method: threshold, target: 101}", 1), encoding="utf-8")
    score(province, load(changed), f"{YEAR}-NAM")
    shown = stored(province, load(shipped_path), f"{YEAR}-NAM")
    first = shown.result.ruleset.leaves[0]
    assert first.params["target"] == 101 and shown.result.ruleset.digest == load(changed).digest
    [line] = [e for e in shown.result.explain(shown.summary.index[0]) if e.criterion == first.id]
    assert "101%" in line.sentence


def test_two_days_for_one_unit_s_inspection_in_a_file_are_refused(province, tmp_path):
    """The visit had been dated by the row written last."""
    rows = [[YEAR, "SXD", "05/08/2024", "1.3", "Chưa niêm yết", "y", "30/09/2024", "", None],
            [YEAR, "SXD", "06/08/2024", "1.2", "Chưa cập nhật", "y", "30/09/2024", "", None],
            [YEAR, "STP", "07/08/2024", "1.2", "Chưa cập nhật", "y", "30/09/2024", "", None]]
    text = refused(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, rows))
    assert ("kq.xlsx, dòng 3, cột «Ngày kiểm tra»: ngày kiểm tra 06/08/2024 khác ngày 05/08/2024 ở dòng 2 của cùng đợt "
            "kiểm tra đơn vị «SXD» năm 2024: mỗi đợt một ngày kiểm tra (kiểm tra nhiều ngày thì ghi ngày đầu)") in text
    assert "STP" not in text
