"""The command line as users and scripts meet it: real processes, exit codes, messages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from openpyxl import load_workbook

from cli_runner import cchc
from helpers import FACT_HEADERS, units_file, write_csv
from store.ingest import KINDS


def test_templates_are_documented_and_ingest_once_filled(tmp_path):
    done = cchc("template", "all", "--out", tmp_path / "mau", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for code, kind in KINDS.items():
        wb = load_workbook(tmp_path / "mau" / f"mau_{code}.xlsx")
        assert [c.value for c in wb["Dữ liệu"][1]] == kind.headers
        guide = [r[0] for r in wb["Hướng dẫn"].iter_rows(values_only=True)]
        assert all(h in guide for h in kind.headers)
    catalogue = load_workbook(tmp_path / "mau" / "mau_so_lieu.xlsx")["Danh mục chỉ tiêu"]
    codes = [r[0] for r in catalogue.iter_rows(min_row=2, values_only=True)]
    assert "van_ban_ky_so" in codes and "hs_tiep_nhan" not in codes  # dossier counts are computed, not typed

    wb = load_workbook(tmp_path / "mau" / "mau_don_vi.xlsx")
    wb["Dữ liệu"].append(["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", None])
    wb["Dữ liệu"].append(["SKHCN", "Sở Khoa học và Công nghệ", "Sở, ban, ngành", "TINH"])
    wb.save(tmp_path / "don_vi.xlsx")
    done = cchc("ingest", tmp_path / "don_vi.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 đơn vị mới" in done.stdout


def test_a_refused_file_exits_1_with_its_problems_and_no_traceback(tmp_path):
    cchc("ingest", units_file(tmp_path), cwd=tmp_path)
    bad = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["SKHCN", "Năm 2024", "van_ban_ky_so", "121", ""]])
    done = cchc("ingest", bad, cwd=tmp_path)
    assert done.returncode == 1
    assert "so_lieu.csv, dòng 3, cột «Giá trị»: Văn bản đi được ký số (121) lớn hơn" in done.stderr
    assert "Không có dữ liệu nào được ghi." in done.stderr
    assert "Traceback" not in done.stderr


def test_wrong_usage_exits_2(tmp_path):
    assert cchc("ingest", "x.csv", "--kind", "khong_co", cwd=tmp_path).returncode == 2
    assert cchc("khong-co-lenh", cwd=tmp_path, process=True).returncode == 2
    assert cchc("facts", "--period", "Quý V", cwd=tmp_path).returncode == 2


def test_a_failure_exits_3_and_shows_the_traceback_only_with_debug(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    quiet = cchc("db", "status", cwd=tmp_path, db=url, process=True)
    assert quiet.returncode == 3 and "Traceback" not in quiet.stderr
    assert "Lỗi CSDL" in quiet.stderr and "127.0.0.1:1" in quiet.stderr and "Connection refused" in quiet.stderr
    loud = subprocess.run([sys.executable, "-m", "cchc.cli", "--debug", "--db", url, "db", "status"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert loud.returncode != 0 and "Traceback" in loud.stderr


def test_every_command_has_help_in_vietnamese(tmp_path):
    for args in ([], ["ingest"], ["template"], ["demo"], ["calendar"], ["facts"], ["db"], ["db", "status"],
                 ["report"], ["emulation", "review"], ["cycle", "run"], ["plan", "issue"]):
        done = cchc(*args, "--help", cwd=tmp_path)
        assert done.returncode == 0 and "Cách dùng:" in done.stdout, args
        assert "Usage" not in done.stdout and "Show this message" not in done.stdout, args
    entry = cchc("--help", cwd=tmp_path, process=True)  # the installed entry point, as a process
    assert entry.returncode == 0 and "Tùy chọn:" in entry.stdout and "Xem hướng dẫn này rồi thoát." in entry.stdout


def test_usage_errors_are_said_in_vietnamese(tmp_path):
    done = cchc("calendar", "--year", "abc", cwd=tmp_path)
    assert done.returncode == 2 and "Lỗi: Giá trị không hợp lệ của '--year': cần một số nguyên" in done.stderr
    assert "Xem «cchc calendar --help» để biết cách dùng." in done.stderr and "Invalid" not in done.stderr
    done = cchc("demo", "--communes", "0", cwd=tmp_path)
    assert done.returncode == 2 and "phải từ 1 trở lên" in done.stderr
    done = cchc("khong-co-lenh", cwd=tmp_path)
    assert done.returncode == 2 and "Không có lệnh «khong-co-lenh»." in done.stderr
    for args in (("calendar", "--year", "2101"), ("report", "cong-bo-diem", "--year", "1800")):
        done = cchc(*args, cwd=tmp_path)  # a year no period of the store can be of
        assert done.returncode == 2 and "Giá trị không hợp lệ của '--year'" in done.stderr, done.stderr


def test_calendar_prints_windows_and_due_dates(tmp_path):
    done = cchc("calendar", "--year", "2025", cwd=tmp_path)
    assert "15/12/2024" in done.stdout and "14/03/2025" in done.stdout and "20/03/2025" in done.stdout


def demo_copy(folder, tmp_path):
    """This session's demo province, copied for a test to change; its documents stay where the demo wrote them."""
    import shutil

    shutil.copy(folder / "cchc.db", tmp_path / "cchc.db")
    return folder / "out"


@pytest.mark.slow
@pytest.mark.prefect
def test_a_small_demo_province_end_to_end(tmp_path):
    done = cchc("demo", "--communes", "8", "--dossiers", "20000", "--data-dir", tmp_path / "data", "--no-accounts",
                cwd=tmp_path, process=True)
    assert done.returncode == 0, done.stderr
    assert "Dữ liệu đã nạp" in done.stdout
    assert "│ Hồ sơ TTHC" in done.stdout and "24.000" in done.stdout  # this year's 20.000 and last year's 4.000
    assert "Sở Khoa học và Công nghệ" in done.stdout or "5 đơn vị tốt nhất" in done.stdout
    # The whole year ran through Prefect's flows: the plan, four periodic reports, the inspection plan and the
    # published ranking.
    out = tmp_path / "out"
    assert (out / "ke-hoach" / "ke-hoach-cchc-SKHCN-2024.docx").exists() and (out / "ke-hoach-kiem-tra-2024.docx").exists()
    assert all((out / f"bao-cao-2024-{p}.docx").exists() for p in ("Q1", "6T", "Q3", "NAM"))
    assert "Xếp hạng qd766-2022 năm 2024 (phiên bản 1, công bố" in done.stdout
    assert "Flow run" in done.stdout + done.stderr
    again = cchc("demo", "--communes", "8", "--dossiers", "20000", "--data-dir", tmp_path / "data", "--no-prefect",
                 "--no-accounts", cwd=tmp_path)
    written = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]  # every file of the demo, ingested once
    assert again.returncode == 0 and again.stdout.count("đã được nhập") == len(written) >= 15
    facts = cchc("facts", "--period", "Năm 2024", "--unit", "SKHCN", cwd=tmp_path)
    assert "van_ban_ky_so" in facts.stdout and "hs_tiep_nhan" in facts.stdout


def test_rules_commands(tmp_path):
    done = cchc("rules", "test", cwd=tmp_path)
    assert done.returncode == 0 and "qd766-2022: 9/9 ca đạt" in done.stdout
    bad = tmp_path / "bo.yaml"
    bad.write_text("id: x\ntitle: X\nreference: r\nentity: unit\ninputs: {a: A}\ncriteria:\n"
                   "  - {id: '1', title: T, max: 1, value: a.real, scoring: {method: boolean}, reference: r}\n",
                   encoding="utf-8")
    checked = cchc("rules", "check", bad, cwd=tmp_path)
    assert checked.returncode == 1
    assert "bo.yaml, dòng 7, tiêu chí 1: cấu trúc không được phép trong biểu thức: «a.real»" in checked.stdout
    good = cchc("rules", "check", Path(__file__).parents[1] / "rules/sets/qd766-2022.yaml", cwd=tmp_path)
    assert good.returncode == 0 and "hợp lệ — 14 tiêu chí lá, 100 điểm" in good.stdout


def test_rules_explain_a_demo_unit(demo_cli, tmp_path):
    demo_copy(demo_cli, tmp_path)
    done = cchc("rules", "explain", "thi-dua-cchc-skhcn-ninh-thuan-2024", "--unit", "SKHCN", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Sở Khoa học và Công nghệ" in done.stdout and "Tỷ lệ văn bản ký số" in done.stdout
    assert "Tổng:" in done.stdout and "xếp hạng" in done.stdout
    person = cchc("rules", "explain", "danh-hieu-ca-nhan-2022", "--unit", "SKHCN", cwd=tmp_path)
    assert person.returncode == 1 and "chấm cá nhân" in person.stderr
    # a year outside the set's dates is explained for the asking, and said to be one `cchc score` refuses
    early = cchc("rules", "explain", "thi-dua-cchc-skhcn-ninh-thuan-2024", "--unit", "SKHCN", "--period", "Năm 2023",
                 cwd=tmp_path)
    said = " ".join(early.stdout.split())
    assert early.returncode == 0 and "Tổng:" in said, early.stderr
    assert ("Lưu ý: bộ «thi-dua-cchc-skhcn-ninh-thuan-2024» có hiệu lực 01/01/2024 – 15/12/2024, kỳ 2023-NAM kết "
            "thúc 14/12/2023: điểm trên chỉ tính để xem") in said, said
    assert "cchc score để chấm và lưu" not in said
    refused = cchc("score", "--ruleset", "thi-dua-cchc-skhcn-ninh-thuan-2024", "--period", "Năm 2023", cwd=tmp_path)
    assert refused.returncode == 1 and "có hiệu lực 01/01/2024 – 15/12/2024" in refused.stderr
    assert "Lưu ý" not in done.stdout  # the demo's own period is in force


def test_a_title_rule_set_scores_and_appraises_no_unit(province, tmp_path):
    from sqlalchemy import text

    db = tmp_path / "tinh.db"
    scored = cchc("score", "--ruleset", "danh-hieu-ca-nhan-2022", "--period", "Năm 2024", cwd=tmp_path, db=db)
    appraised = cchc("appraise", "--ruleset", "danh-hieu-ca-nhan-2022", "--period", "Năm 2024", "--unit", "SKHCN",
                     "--criterion", "1", "--points", "1", "--reason", "r", cwd=tmp_path, db=db)
    for done in (scored, appraised):
        assert done.returncode == 1 and "bộ «danh-hieu-ca-nhan-2022» chấm cá nhân, không chấm đơn vị" in done.stderr
    with province.connect() as c:
        assert c.execute(text("select count(*) from score_run where ruleset = 'danh-hieu-ca-nhan-2022'")).scalar() == 0


def test_rules_explain_says_where_the_rules_compute_otherwise_than_the_decision(demo_cli, tmp_path):
    demo_copy(demo_cli, tmp_path)
    done = cchc("rules", "explain", "qd766-2022", "--unit", "SKHCN", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())  # the console wraps long lines
    assert "Ghi chú về cách tính (chỗ bộ tiêu chí tính khác văn bản):" in out
    assert "• 5.4. Tính bằng 100% trừ tỷ lệ hồ sơ quá hạn" in out and "(QĐ 766/QĐ-TTg, cách tính chỉ số 5.4)" in out
    assert "không có cột «TTHC trả kết quả bản giấy»" not in out  # the demo's dossier files have the column
    family = cchc("rules", "explain", "qd766", "--unit", "SKHCN", "--period", "Năm 2024", cwd=tmp_path)
    assert family.returncode == 0, family.stderr  # a family: its set in force in the period explained
    assert " ".join(family.stdout.split()) == out[out.index("Sở Khoa học"):]  # less the note of the period chosen


def test_rules_explain_shows_the_stored_appraised_score(demo_cli, tmp_path):
    """The explanation is checked against what the published ranking holds: an appraisal counts in both, and a
    rule file changed since the run is said to differ instead of passing for the published score."""
    import re

    demo_copy(demo_cli, tmp_path)
    before = cchc("rules", "explain", "qd766-2022", "--unit", "STP", cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    assert "kỳ gần nhất có số liệu" in before.stdout  # no --period: the latest period with figures, said
    assert "Chưa có điểm thẩm định nào" in before.stdout and "Điểm đã lưu: lượt chấm #" in before.stdout
    assert "khác điểm đã lưu" not in before.stdout
    done = cchc("appraise", "--unit", "STP", "--criterion", "2.1", "--points", "7", "--reason", "Kiểm tra thực tế",
                "--period", "Năm 2024", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = cchc("rules", "explain", "qd766-2022", "--unit", "STP", "--period", "Năm 2024", cwd=tmp_path)
    assert "Thẩm định tiêu chí 2.1: 7 điểm — Kiểm tra thực tế" in after.stdout
    total = re.search(r"Tổng: ([\d.,]+)/", after.stdout).group(1)
    assert re.search(r"Điểm đã lưu: lượt chấm #\d+ \(phiên bản 2, chưa công bố\): " + re.escape(total) + "/",
                     after.stdout), after.stdout
    assert "khác điểm đã lưu" not in after.stdout
    text = (Path(__file__).parents[1] / "rules/sets/qd766-2022.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "qd766-sua.yaml"  # same id, a stricter group 1: not what the stored run used
    changed.write_text(text.replace("nguong_1: {value: 100", "nguong_1: {value: 200"), encoding="utf-8")
    other = cchc("rules", "explain", changed, "--unit", "STP", "--period", "Năm 2024", cwd=tmp_path)
    assert other.returncode == 0, other.stderr
    assert "dùng một phiên bản khác của bộ tiêu chí" in other.stdout and "khác điểm đã lưu" in other.stdout
    unscored = cchc("rules", "explain", "qd766-2022", "--unit", "STP", "--period", "Quý I/2024", cwd=tmp_path)
    assert "Chưa có lượt chấm nào được lưu" in unscored.stdout or "Điểm đã lưu" in unscored.stdout


def test_reports_from_the_command_line(demo_cli, tmp_path):
    out = demo_copy(demo_cli, tmp_path)
    assert (out / "cong-bo-diem-qd766-2022-2024.docx").exists()
    assert (out / "bao-cao-2024-Q1.docx").exists() and (out / "trang-web-2024" / "index.html").exists()
    done = cchc("report", "phieu-diem", "--unit", "STP", "--format", "xlsx", "--out", tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "phieu-diem-STP-2024.xlsx").exists()
    assert "Năm: 2024 (năm gần nhất có số liệu" in done.stdout
    done = cchc("report", "bao-cao", "--period", "6 tháng 2024", "--unit", "SKHCN", "--format", "html",
                "--out", tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 0 and "bao-cao-2024-6T-SKHCN.html" in done.stdout
    page = (tmp_path / "r" / "bao-cao-2024-6T-SKHCN.html").read_text(encoding="utf-8")
    assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng năm 2024" in page
    assert cchc("report", "phieu-diem", cwd=tmp_path).returncode == 2  # needs --unit
    missing = cchc("report", "phieu-diem", "--unit", "STP", "--year", "2022", cwd=tmp_path)
    assert missing.returncode == 1 and "chưa có lượt chấm điểm nào theo bộ «qd766-2022» kỳ 2022-NAM" in missing.stderr
    assert cchc("report", "khong-co", cwd=tmp_path).returncode == 2


def test_emulation_from_the_command_line(demo_cli, tmp_path):
    out = demo_copy(demo_cli, tmp_path)
    assert (out / "ke-hoach-thi-dua-skhcn-ninh-thuan-2024.docx").exists()
    assert (out / "danh-sach-xet-danh-hieu-2024.xlsx").exists()
    done = cchc("emulation", "eligibility", "--person", "CB00001", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "• Lao động tiên tiến:" in done.stdout and "• Chiến sĩ thi đua cấp tỉnh:" in done.stdout
    assert "Năm: 2024 (năm gần nhất có xếp loại cán bộ" in done.stdout  # no --year: said which, not a literal
    assert cchc("emulation", "eligibility", "--person", "KHONGCO", cwd=tmp_path).returncode == 2


def test_emulation_review_with_a_ballot_file(demo_cli, tmp_path):
    out = demo_copy(demo_cli, tmp_path)
    assert (out / "bien-ban-binh-xet-skhcn-ninh-thuan-2024.docx").exists()
    bad = tmp_path / "phieu.csv"
    bad.write_text("Mã,Phiếu đồng ý\nCB00001,nhiều\n", encoding="utf-8")
    done = cchc("emulation", "review", "--ballots", bad, "--out", tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 1 and "phieu.csv, dòng 2, cột «Phiếu đồng ý»: «nhiều» không phải số phiếu" in done.stderr
    empty = tmp_path / "phieu2.csv"
    empty.write_text("Mã,Phiếu đồng ý\n", encoding="utf-8")  # a nominee left off the file is named, not given 0
    done = cchc("emulation", "review", "--ballots", empty, "--format", "html", "--out", tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 1 and "phieu2.csv: thiếu phiếu của" in done.stderr
    left_off = re.findall(r"«([A-Z0-9-]+)»", done.stderr.split("thiếu phiếu của", 1)[1])
    assert left_off
    none = tmp_path / "phieu3.csv"  # every nominee gets no vote: nobody is awarded
    none.write_text("Mã,Phiếu đồng ý\n" + "".join(f"{code},0\n" for code in left_off), encoding="utf-8")
    done = cchc("emulation", "review", "--ballots", none, "--format", "html", "--out", tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "r" / "bien-ban-binh-xet-skhcn-ninh-thuan-2024.html").read_text(encoding="utf-8")
    assert "Không đạt" in page and "Hội đồng không đề nghị khen thưởng tập thể, cá nhân nào." in page


def test_emulation_steps_one_by_one(demo_cli, tmp_path):
    demo_copy(demo_cli, tmp_path)
    campaign = "skhcn-ninh-thuan-2024"
    assert cchc("emulation", "launch", campaign, cwd=tmp_path).returncode == 0
    registered = cchc("emulation", "register", campaign, cwd=tmp_path).stdout
    assert "lượt đăng ký thi đua" in registered and "(năm kết thúc phong trào" in registered
    nominated = cchc("emulation", "nominate", campaign, cwd=tmp_path)
    assert nominated.returncode == 0 and "Cá nhân: thứ tự đề nghị" in nominated.stdout
    ballots = tmp_path / "phieu.csv"
    ballots.write_text("Mã,Phiếu đồng ý\n", encoding="utf-8")
    too_many = cchc("emulation", "vote", campaign, "--ballots", ballots, "--members", "5", "--present", "5",
                    "--written", "1", cwd=tmp_path)
    assert too_many.returncode == 1 and "vượt tổng số thành viên (5)" in too_many.stderr
    interim = ("emulation", "interim", campaign, "--format", "html", "--out", tmp_path / "r")
    assert "chưa chấm điểm phong trào kỳ 2024-6T" in cchc(*interim, cwd=tmp_path).stderr  # a document only reads
    assert cchc("score", "--ruleset", "thi-dua-cchc-skhcn-ninh-thuan-2024", "--period", "6 tháng 2024",
                cwd=tmp_path).returncode == 0
    assert cchc(*interim, cwd=tmp_path).returncode == 0
    page = (tmp_path / "r" / f"so-ket-{campaign}-2024-6T.html").read_text(encoding="utf-8")
    assert "Sơ kết phát động phong trào thi đua" in page and "lượt đăng ký thi đua" in page


@pytest.mark.postgres
def test_the_demo_on_postgresql(postgres_database, tmp_path):
    from conftest import _fresh_postgres

    _fresh_postgres(postgres_database).dispose()
    done = cchc("demo", "--communes", "3", "--dossiers", "3000", "--data-dir", tmp_path / "data", "--out",
                tmp_path / "out", "--no-prefect", "--no-accounts", cwd=tmp_path, db=postgres_database)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024.docx").exists()
    status = cchc("db", "status", cwd=tmp_path, db=postgres_database).stdout
    [dossiers] = [line for line in status.splitlines() if line.startswith("│ dossier ")]
    assert dossiers.split("│")[2].strip() == "3.600" and "award" in status  # this year's 3.000 and last year's 600
    assert "│ score_run " in status and "│ plan_item " in status


def test_eligibility_of_a_province_without_a_unit_coded_snv(tmp_path):
    """The province's lists are issued by its Department of Home Affairs when the record has one (SNV), by the
    province itself otherwise."""
    from helpers import PEOPLE_HEADERS

    cchc("ingest", units_file(tmp_path), cwd=tmp_path)  # no SNV among these units
    cchc("ingest", write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Lò Thị Dua", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN", 2024, "Hoàn thành tốt nhiệm vụ"]]),
        cwd=tmp_path)
    done = cchc("emulation", "eligibility", "--year", "2024", "--format", "docx", "--out", tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "danh-sach-xet-danh-hieu-tinh-2024.docx").exists()


def test_each_file_s_status_names_it_as_it_is_named_brackets_and_all(tmp_path):
    """«[snv] don_vi.csv» and «so_lieu [ban sua].csv»: the console read their brackets as styles, and the status
    of each file named another file (« don_vi.csv», «so_lieu .csv»)."""
    from helpers import UNIT_HEADERS, UNITS

    units = write_csv(tmp_path / "[snv] don_vi.csv", UNIT_HEADERS, UNITS)
    bad = write_csv(tmp_path / "so_lieu [ban sua].csv", FACT_HEADERS, [["SO-LA", "Năm 2024", "van_ban_di", "5", ""]])
    done = cchc("ingest", units, bad, cwd=tmp_path)
    assert done.returncode == 1
    assert "[snv] don_vi.csv: hợp lệ, nhưng không ghi" in done.stdout
    assert "so_lieu [ban sua].csv: bị từ chối (1 lỗi" in done.stdout
    done = cchc("ingest", units, cwd=tmp_path)
    assert done.returncode == 0 and "[snv] don_vi.csv (Danh mục đơn vị): đã nhận" in done.stdout


def test_the_help_of_ingest_and_template_names_every_kind_of_file(tmp_path):
    from cchc.data_cli import KIND_CODES
    from store.ingest import KINDS

    assert KIND_CODES.split(", ") == list(KINDS)
    for args in (["ingest"], ["template"]):
        shown = " ".join(cchc(*args, "--help", cwd=tmp_path).stdout.split())
        assert all(code in shown for code in KINDS), args


def test_a_year_before_the_titles_set_took_effect_is_judged_with_a_warning(tmp_path):
    """The shipped titles follow the 2022 Law, in force from 01/01/2024: 2023's titles fell under the Law of 2003.
    The list for 2023 says so on the console and in the document; 2024's says nothing."""
    from docx import Document as Docx

    from helpers import PEOPLE_HEADERS

    cchc("ingest", units_file(tmp_path), cwd=tmp_path)
    cchc("ingest", write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Lò Thị Dua", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN", year, "Hoàn thành tốt nhiệm vụ"]
        for year in (2023, 2024)]), cwd=tmp_path)
    early = cchc("emulation", "eligibility", "--year", "2023", "--format", "docx", "--out", tmp_path / "r",
                 cwd=tmp_path)
    assert early.returncode == 0, early.stderr
    said = " ".join(early.stdout.split())
    assert "Lưu ý: năm 2023 được xét theo bộ «danh-hieu-ca-nhan-2022»" in said and "01/01/2024" in said, said
    text = "\n".join(p.text for p in Docx(tmp_path / "r" / "danh-sach-xet-danh-hieu-tinh-2023.docx").paragraphs)
    # a signed document names the set in words, not by its code
    assert "Lưu ý: năm 2023 được xét theo bộ «tiêu chuẩn danh hiệu cá nhân»" in text, text
    assert "có hiệu lực 01/01/2024 – nay" in text and "chỉ để tham khảo" in text
    later = cchc("emulation", "eligibility", "--year", "2024", "--format", "docx", "--out", tmp_path / "r",
                 cwd=tmp_path)
    assert later.returncode == 0 and "Lưu ý" not in later.stdout, later.stdout
    text = "\n".join(p.text for p in Docx(tmp_path / "r" / "danh-sach-xet-danh-hieu-tinh-2024.docx").paragraphs)
    assert "Lưu ý" not in text
