"""The year and its scores from the command line, on a small demo province."""

from __future__ import annotations

import shutil

from helpers import FACT_HEADERS, write_csv
from cli_runner import cchc


def test_scores_runs_diff_history_appraisal_and_publication(demo_db, tmp_path):
    shutil.copy(demo_db, tmp_path / "cchc.db")
    first = cchc("score", "--period", "Năm 2024", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Đã ghi lượt chấm #1, phiên bản 1 (chấm lại toàn bộ)" in first.stdout
    assert "Không có gì thay đổi" in cchc("score", "--period", "Năm 2024", cwd=tmp_path).stdout
    fix = write_csv(tmp_path / "bo_sung.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 10, "Báo cáo bổ sung"]])
    assert cchc("ingest", fix, cwd=tmp_path).returncode == 0
    second = cchc("score", "--period", "Năm 2024", "--publish", cwd=tmp_path)
    assert "phiên bản 2 (chấm lại phần thay đổi): 1/" in second.stdout
    assert "Sở Tư pháp: " in second.stdout and "tiêu chí 1.3 giảm" in second.stdout
    assert "Đã công bố phiên bản 2" in second.stdout
    runs = cchc("runs", "--ruleset", "qd766-2022", cwd=tmp_path)
    assert runs.returncode == 0 and "phần thay đổi" in runs.stdout
    diff = cchc("diff", "1", "2", cwd=tmp_path)
    assert diff.stdout.startswith("Sở Tư pháp: ") and "TTHC công khai" in diff.stdout
    assert cchc("diff", "1", "99", cwd=tmp_path).returncode == 1  # the run asked for does not exist
    history = cchc("history", "--unit", "STP", "--ruleset", "qd766-2022", cwd=tmp_path)
    assert "phiên bản 2" in history.stdout and "đã công bố" in history.stdout

    bad = cchc("appraise", "--unit", "STP", "--criterion", "3.3", "--points", "12", "--reason", "x",
               "--period", "Năm 2024", cwd=tmp_path)
    assert bad.returncode == 1 and "phải trong khoảng 0–8" in bad.stderr
    good = cchc("appraise", "--unit", "STP", "--criterion", "3.3", "--points", "2", "--reason",
                "Xác minh: hồ sơ trực tuyến kê khai trùng", "--period", "Năm 2024", cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "phiên bản 3" in good.stdout and "thẩm định điều chỉnh: Xác minh" in good.stdout
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from store import models
    from store.db import make_engine

    with Session(make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")) as s:
        third = s.scalar(select(models.ScoreRun).where(models.ScoreRun.version == 3))
        assert third.corrects == "Đính chính kết quả đã công bố (phiên bản 2, " \
            f"{third.created_at:%d/%m/%Y}): 1 đơn vị thay đổi điểm: STP."


def test_the_year_from_the_command_line(demo_db, tmp_path):
    shutil.copy(demo_db, tmp_path / "cchc.db")
    calendar = cchc("cycle", "calendar", "--year", "2024", cwd=tmp_path)
    assert "28/12/2023" in calendar.stdout and "plan_issuance" in calendar.stdout and "0 8 28 12 *" in calendar.stdout
    late = cchc("submissions", "--period", "Quý I/2024", cwd=tmp_path)
    assert late.returncode == 0 and "đúng hạn:" in late.stdout
    plan = cchc("inspection", "plan", "--year", "2025", cwd=tmp_path)
    assert plan.returncode == 0 and "Kế hoạch kiểm tra năm 2025" in plan.stdout
    follow = cchc("inspection", "follow-up", "--year", "2024", cwd=tmp_path)
    assert follow.returncode == 0 and "Sở Xây dựng" in follow.stdout and "quá hạn" in follow.stdout
    finding = cchc("inspection", "finding", "--unit", "STP", "--visited", "05/08/2024", "--text", "Chưa niêm yết",
                   "--recommendation", "Niêm yết đủ", "--deadline", "01/08/2024", cwd=tmp_path)
    assert finding.returncode == 1 and "trước ngày kiểm tra" in finding.stderr
    assert cchc("deploy", cwd=tmp_path).returncode == 2  # no Prefect server configured

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "stp.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 12, "bổ sung"]])
    assert cchc("score", "--period", "Năm 2024", cwd=tmp_path).returncode == 0  # re-scoring follows what was scored
    watched = cchc("watch", inbox, "--once", "--period", "Năm 2024", "--out", tmp_path / "out", cwd=tmp_path)
    assert watched.returncode == 0, watched.stderr
    assert "stp.csv" in watched.stdout and "qd766-2022: phiên bản" in watched.stdout
    assert (inbox / "da-nhap" / "stp.csv").exists()


def test_honest_defaults_no_run_of_a_period_without_figures_like_runs_only_and_withdrawal(demo_db, tmp_path):
    shutil.copy(demo_db, tmp_path / "cchc.db")
    first = cchc("score", cwd=tmp_path)  # no period: the latest one with figures, said on the console
    assert first.returncode == 0 and "Kỳ: Năm 2024 (kỳ gần nhất có số liệu" in first.stdout, first.stderr
    blank = cchc("appraise", "--unit", "STP", "--criterion", "3.3", "--points", "1", "--reason", "x", "--period",
                 "Năm 2030", cwd=tmp_path)
    assert blank.returncode == 1 and "kỳ 2030-NAM chưa có số liệu nào: không chấm điểm" in blank.stderr
    assert "2030" not in cchc("runs", cwd=tmp_path).stdout
    other = cchc("score", "--ruleset", "chi-so-cchc-so-nganh", "--period", "Năm 2024", cwd=tmp_path)
    assert other.returncode == 0
    unlike = cchc("diff", "1", "2", cwd=tmp_path)
    assert unlike.returncode == 1 and "không cùng bộ tiêu chí và kỳ" in unlike.stderr
    assert cchc("runs", "withdraw", "2", cwd=tmp_path).returncode == 2  # a reason is required
    taken = cchc("runs", "withdraw", "2", "--reason", "chấm nhầm bộ tiêu chí", cwd=tmp_path)
    assert taken.returncode == 0, taken.stderr
    listed = cchc("runs", cwd=tmp_path).stdout
    assert "chi-so-cchc-so-nganh" not in listed and "qd766-2022" in listed
    assert cchc("publish", "1", cwd=tmp_path).returncode == 0
    frozen = cchc("runs", "withdraw", "1", "--reason", "x", cwd=tmp_path)
    assert frozen.returncode == 1 and "đã công bố" in frozen.stderr
    nothing = cchc("rescore", cwd=tmp_path)  # only periods already scored: none is stale
    assert nothing.returncode == 0 and "Không có dữ liệu mới hơn điểm đã chấm." in nothing.stdout


def test_a_finding_with_points_re_scores_an_already_scored_year_like_an_appraisal(demo_db, tmp_path):
    shutil.copy(demo_db, tmp_path / "cchc.db")
    assert cchc("score", "--period", "Năm 2024", cwd=tmp_path).returncode == 0
    found = cchc("inspection", "finding", "--unit", "STP", "--visited", "05/08/2024", "--text", "Chưa công khai đủ TTHC",
                 "--recommendation", "Công khai đủ", "--deadline", "30/09/2024", "--criterion", "1.3", "--points", "0",
                 cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "Đã ghi lượt chấm" in found.stdout and "phiên bản 2" in found.stdout, found.stdout
    # a finding without points records the finding only: no new run
    plain = cchc("inspection", "finding", "--unit", "STP", "--visited", "06/08/2024", "--text", "Sổ theo dõi thiếu",
                 "--recommendation", "Bổ sung sổ", "--deadline", "30/09/2024", cwd=tmp_path)
    assert plain.returncode == 0 and "lượt chấm" not in plain.stdout
