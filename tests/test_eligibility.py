"""Eligibility from the record: ratings, discipline and initiatives over the years, with reasons."""

from __future__ import annotations

import pytest

from emulation.eligibility import eligibility
from helpers import PEOPLE_HEADERS, units_file, write_csv, write_xlsx
from store.ingest import ingest_file

RATING = {"X": "Hoàn thành xuất sắc nhiệm vụ", "T": "Hoàn thành tốt nhiệm vụ", "H": "Hoàn thành nhiệm vụ",
          "K": "Không hoàn thành nhiệm vụ"}
# person: ratings 2022, 2023, 2024
HISTORY = {
    "CB1": "TTT",  # good, no discipline: Lao động tiên tiến only
    "CB2": "TTT",  # good but disciplined in 2024
    "CB3": "XXX",  # excellent three years: CSTĐCS three years running
    "CB4": "XTX",  # excellent 2022 and 2024, good 2023: two CSTĐCS years, not consecutive
    "CB5": "TXX",  # excellent 2023 and 2024: two consecutive
    "CB6": "TTX",  # excellent, but a discipline case still under review
    "CB7": "TTH",  # only "hoàn thành nhiệm vụ" in 2024
}


@pytest.fixture
def record(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    rows = [[code, f"Người {code}", "Nữ" if code in ("CB3", "CB5") else "Nam", "", "Công chức", "Chuyên viên",
             "SKHCN-VP", str(2022 + i), RATING[r]]
            for code, ratings in HISTORY.items() for i, r in enumerate(ratings)]
    ingest_file(any_engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, rows))
    ingest_file(any_engine, write_xlsx(tmp_path / "ky_luat.xlsx",
                                       ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định"],
                                       [["CB2", 2024, "Khiển trách", "Đã quyết định", "12/QĐ-SKHCN"],
                                        ["CB6", 2024, "Khiển trách", "Đang xem xét", None]]))
    ingest_file(any_engine, write_xlsx(tmp_path / "sang_kien.xlsx",
                                       ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận"],
                                       [["SK1", "Số hóa hồ sơ", "CB3", 2024, "Tỉnh"]]))
    return eligibility(any_engine, 2024)


def titles(result, person) -> dict[str, bool]:
    row = result.table().loc[person]
    return {t: bool(row[t]) for t in result.ruleset.titles}


def test_good_rating_and_no_discipline_is_lao_dong_tien_tien(record):
    assert titles(record, "CB1")["lao_dong_tien_tien"] and not titles(record, "CB1")["chien_si_thi_dua_co_so"]


def test_good_rating_but_disciplined_this_year(record):
    assert not titles(record, "CB2")["lao_dong_tien_tien"]
    assert "bị kỷ luật trong năm" in record.reasons("CB2")["lao_dong_tien_tien"][0]


def test_three_consecutive_years_and_a_provincial_initiative(record):
    assert titles(record, "CB3") == {"lao_dong_tien_tien": True, "chien_si_thi_dua_co_so": True,
                                     "chien_si_thi_dua_cap_tinh": True, "bang_khen_chu_tich_tinh": True,
                                     "giay_khen": False}


def test_an_eligible_title_says_its_article_and_what_it_rests_on(record):
    """Every conclusion names its conditions and article, not only a refusal: CB3's Chiến sĩ thi đua cấp tỉnh
    rests on three consecutive years and the provincial initiative SK1 (Luật TĐKT 2022 Đ.22 k.1)."""
    said = record.grounds("CB3", "chien_si_thi_dua_cap_tinh")
    assert said.startswith("theo Luật TĐKT 2022, Điều 22 khoản 1: ")
    assert "3 năm liên tục Chiến sĩ thi đua cơ sở (2022–2024)" in said and "căn cứ sáng kiến SK1" in said
    assert record.grounds("CB1", "lao_dong_tien_tien").startswith(
        "theo Luật TĐKT 2022, Điều 24 khoản 1: xếp loại năm 2024: Hoàn thành tốt nhiệm vụ")
    assert record.grounds("CB1", "chien_si_thi_dua_co_so") == ""  # not eligible: its reasons say why


def test_two_years_not_consecutive_do_not_count(record):
    assert not titles(record, "CB4")["bang_khen_chu_tich_tinh"]
    assert "cần 2 năm liên tục Chiến sĩ thi đua cơ sở, hiện có 1 năm" in record.reasons("CB4")["bang_khen_chu_tich_tinh"][0]
    assert titles(record, "CB5")["bang_khen_chu_tich_tinh"]


def test_a_pending_discipline_blocks_every_award(record):
    assert not any(titles(record, "CB6").values())
    assert "đang bị xem xét kỷ luật" in record.reasons("CB6")["lao_dong_tien_tien"][0]


def test_hoan_thanh_nhiem_vu_is_not_enough(record):
    assert not titles(record, "CB7")["lao_dong_tien_tien"]
    assert "chưa đạt Hoàn thành tốt nhiệm vụ" in record.reasons("CB7")["lao_dong_tien_tien"][0]


def test_decided_history_and_one_initiative_for_one_award(any_engine, tmp_path):
    from datetime import date

    from sqlalchemy.orm import Session

    from store import models

    ingest_file(any_engine, units_file(tmp_path))
    rows = [["CB9", "Người CB9", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", str(y), RATING["X"]]
            for y in (2023, 2024)]
    ingest_file(any_engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, rows))
    ingest_file(any_engine, write_xlsx(tmp_path / "sang_kien.xlsx",
                                       ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận"],
                                       [["SK23", "Sáng kiến 2023", "CB9", 2023, "Cơ sở"],
                                        ["SK24", "Sáng kiến 2024", "CB9", 2024, "Cơ sở"]]))

    def award(form: str, initiatives: str = "") -> None:
        with Session(any_engine) as s, s.begin():
            s.add(models.Award(year=2023, participant_kind="ca_nhan", participant="CB9", form=form,
                               decision_no="5/QĐ-SKHCN", decided_on=date(2023, 12, 20), amount=0,
                               initiatives=initiatives))

    def bang_khen() -> bool:
        return bool(eligibility(any_engine, 2024).table().loc["CB9", "bang_khen_chu_tich_tinh"])

    assert bang_khen()  # computed: CSTĐCS in 2023 and 2024
    award("Lao động tiên tiến")  # the 2023 council gave Lao động tiên tiến, not Chiến sĩ thi đua cơ sở
    assert bang_khen()  # still: 2 years HTXSNV with 2 initiatives (SK23, SK24)
    award("Giấy khen", "SK23")  # SK23 already backed a Giấy khen
    assert not bang_khen()
    assert "hiện có 1 năm" in eligibility(any_engine, 2024).reasons("CB9")["bang_khen_chu_tich_tinh"][0]
    award("Chiến sĩ thi đua cơ sở")  # decided history counts
    assert bang_khen()


# --- Emulation records: decided titles, collective ratings, proceedings, initiatives, research topics --------

AWARD_HEADERS = ["Cá nhân hay tập thể", "Mã cán bộ hoặc tập thể", "Danh hiệu, hình thức khen thưởng", "Năm",
                 "Số quyết định", "Ngày quyết định", "Cơ quan quyết định", "Sáng kiến làm căn cứ"]
PROCEEDING_HEADERS = ["Mã cán bộ", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"]
DISCIPLINE_HEADERS = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
INITIATIVE_HEADERS = ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận"]


def staff(engine, tmp_path, rows: dict[str, tuple[str, str]], years=(2022, 2023, 2024)) -> None:
    """person → (ratings over ``years``, unit); a unit «A>B» means A until the last year, B in it."""
    ingest_file(engine, units_file(tmp_path))
    lines = []
    for code, (ratings, unit) in rows.items():
        before, _, last = unit.partition(">")
        for year, r in zip(years, ratings):
            where = last if last and year == years[-1] else before
            lines.append([code, f"Người {code}", "Nam", "", "Công chức", "Chuyên viên", where, str(year), RATING[r]])
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, lines))


def held(engine, year, person, title) -> bool:
    return bool(eligibility(engine, year).table().loc[person, title])


def test_one_departments_decisions_leave_another_departments_people_alone(engine, tmp_path):
    """SKHCN recorded its 2023 titles (A: Lao động tiên tiến only): A's 2023 is as decided, and so is C's, rated
    in SKHCN's office without any title; B, of the Department of Justice, keeps the 2023 computed from the
    record."""
    staff(engine, tmp_path, {"A": ("XXX", "SKHCN-VP"), "B": ("XXX", "STP"), "C": ("XXX", "SKHCN-VP")})
    assert all(held(engine, 2024, p, "bang_khen_chu_tich_tinh") for p in "ABC")
    ingest_file(engine, write_xlsx(tmp_path / "khen_thuong_2023.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "A", "Lao động tiên tiến", 2023, "90/QĐ-SKHCN", "20/12/2023", "SKHCN", None]]))
    assert not held(engine, 2024, "A", "bang_khen_chu_tich_tinh")
    assert not held(engine, 2024, "C", "bang_khen_chu_tich_tinh")
    assert held(engine, 2024, "B", "bang_khen_chu_tich_tinh")


def test_a_person_who_moved_keeps_the_decisions_of_the_former_unit(engine, tmp_path):
    """M was in SKHCN's office until 2023 and is in the Department of Justice in 2024: SKHCN's decision for 2023
    is recorded by M's code and counts in 2024."""
    staff(engine, tmp_path, {"M": ("TTT", "SKHCN-VP>STP")})
    assert not held(engine, 2024, "M", "bang_khen_chu_tich_tinh")
    ingest_file(engine, write_xlsx(tmp_path / "sang_kien.xlsx", INITIATIVE_HEADERS, [
        ["SK-M", "Sáng kiến của M", "M", 2024, "Cơ sở"]]))
    ingest_file(engine, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "M", "Chiến sĩ thi đua cơ sở", 2023, "91/QĐ-SKHCN", "20/12/2023", "SKHCN", None]]))
    assert held(engine, 2024, "M", "bang_khen_chu_tich_tinh")  # CSTĐCS 2023 as decided, 2024 with SK-M


def test_an_award_resting_on_the_rating_consumes_no_initiative(province):
    """The campaign's Bằng khen rests on two consecutive years of Chiến sĩ thi đua cơ sở, not on initiatives:
    it records none, and a provincial initiative stays free for Chiến sĩ thi đua cấp tỉnh."""
    from emulation.eligibility import resting_initiatives

    el = eligibility(province, 2024)
    env = el.result.env
    consecutive = [p for p in el.frame.index
                   if env["so_nam_cstdcs_lien_tuc"][el.result.position(p)] >= 2 and el.frame.loc[p, "sang_kien_hai_nam"]]
    assert consecutive
    for person in consecutive:
        assert resting_initiatives(el, person, "bang_khen_chu_tich_tinh") == []


def test_initiatives_consumed_only_by_the_award_that_used_them(engine, tmp_path):
    from datetime import date

    from sqlalchemy.orm import Session

    from emulation.eligibility import resting_initiatives
    from store import models

    # P: excellent 2022-2024, a provincial initiative in 2023 and a base one in 2024.
    staff(engine, tmp_path, {"P": ("XXX", "SKHCN-VP"), "Q": ("TTT", "SKHCN-VP")}, years=(2022, 2023, 2024))
    ingest_file(engine, write_xlsx(tmp_path / "sang_kien.xlsx", INITIATIVE_HEADERS, [
        ["SK-T", "Sáng kiến cấp tỉnh", "P", 2023, "Tỉnh"], ["SK-C", "Sáng kiến cơ sở", "P", 2024, "Cơ sở"],
        ["SK-Q", "Sáng kiến của Q", "Q", 2024, "Cơ sở"]]))
    el = eligibility(engine, 2024)
    assert resting_initiatives(el, "P", "bang_khen_chu_tich_tinh") == []  # 3 consecutive CSTĐCS years
    assert resting_initiatives(el, "P", "chien_si_thi_dua_co_so") == []  # rated excellent
    assert resting_initiatives(el, "P", "chien_si_thi_dua_cap_tinh") == ["SK-T"]
    assert resting_initiatives(el, "Q", "chien_si_thi_dua_co_so") == ["SK-Q"]  # good rating: the initiative
    # A 2024 Bằng khen recorded with nothing resting on it leaves SK-T for next year's CSTĐ cấp tỉnh.
    staff_2025 = [["P", "Người P", "Nam", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2025", RATING["X"]]]
    ingest_file(engine, write_csv(tmp_path / "can_bo_2025.csv", PEOPLE_HEADERS, staff_2025))
    with Session(engine) as s, s.begin():
        s.add(models.Award(year=2024, participant_kind="ca_nhan", participant="P",
                           form="Bằng khen của Ủy ban nhân dân tỉnh", decision_no="1/QĐ-UBND",
                           decided_on=date(2024, 12, 20), amount=0, initiatives=""))
    assert held(engine, 2025, "P", "chien_si_thi_dua_cap_tinh")


def test_a_closed_discipline_case_no_longer_blocks_and_a_discipline_lasts_its_period(engine, tmp_path):
    """A case under consideration in 2022, decided on 10/01/2022 (khiển trách: 12 months in
    ``discipline.yaml``): titles withheld in 2022 and 2023 (in force until 10/01/2023), free in 2024."""
    staff(engine, tmp_path, {"D": ("TTT", "SKHCN-VP")})
    ingest_file(engine, write_xlsx(tmp_path / "kl1.xlsx", DISCIPLINE_HEADERS, [
        ["D", 2022, "Khiển trách", "Đang xem xét", None, None]]))
    assert not held(engine, 2024, "D", "lao_dong_tien_tien")  # still under consideration
    ingest_file(engine, write_xlsx(tmp_path / "kl2.xlsx", DISCIPLINE_HEADERS, [
        ["D", 2022, "Khiển trách", "Đã quyết định", "3/QĐ-SKHCN", "10/01/2022"]]))
    assert not held(engine, 2022, "D", "lao_dong_tien_tien")
    assert not held(engine, 2023, "D", "lao_dong_tien_tien")
    assert "bị kỷ luật trong năm" in eligibility(engine, 2022).reasons("D")["lao_dong_tien_tien"][0]
    # In 2023 it is a discipline of 2022 still in force, told with its form, date, period and source.
    why = eligibility(engine, 2023).reasons("D")["lao_dong_tien_tien"][0]
    assert why.startswith("đang trong thời hạn kỷ luật: Khiển trách quyết định ngày 10/01/2022 (thời hạn 12 tháng), "
                          "còn hiệu lực trong năm 2023")
    assert "NĐ 152/2025/NĐ-CP Điều 4" in why and "chưa được xác nhận [NC]" in why
    assert "quy định áp dụng cho năm 2023 chưa được đối chiếu" in why  # the decree is in force from 01/07/2025
    assert held(engine, 2024, "D", "lao_dong_tien_tien")


def test_proceedings_block_while_open(engine, tmp_path):
    staff(engine, tmp_path, {"E": ("TTT", "SKHCN-VP"), "F": ("TTT", "SKHCN-VP")})
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec.xlsx", PROCEEDING_HEADERS, [
        ["E", "Điều tra", "15/09/2024", None, None],
        ["F", "Thanh tra", "01/10/2023", "15/02/2024", "Không có vi phạm"]]))
    assert not held(engine, 2024, "E", "lao_dong_tien_tien")
    assert "điều tra" in eligibility(engine, 2024).reasons("E")["lao_dong_tien_tien"][0]
    assert not held(engine, 2023, "F", "lao_dong_tien_tien")  # open at the end of 2023
    assert held(engine, 2024, "F", "lao_dong_tien_tien")  # closed before the end of 2024
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec_2.xlsx", PROCEEDING_HEADERS, [
        ["E", "Điều tra", "15/09/2024", "30/11/2024", "Đình chỉ"]]))
    assert held(engine, 2024, "E", "lao_dong_tien_tien")


def test_research_topics_campaigns_and_what_cannot_be_assessed(engine, tmp_path):
    """An accepted topic makes a good rating Chiến sĩ thi đua cơ sở; without any campaign of the year the
    achievement a Giấy khen needs is not assessed, and said so."""
    staff(engine, tmp_path, {"G": ("TTT", "SKHCN-VP"), "H": ("TTT", "SKHCN-VP")})
    result = eligibility(engine, 2024)
    assert result.frame.loc["G", "de_tai_nghiem_thu"] != result.frame.loc["G", "de_tai_nghiem_thu"]  # no data
    assert any(r.startswith("không đánh giá được «Có thành tích trong phong trào thi đua")
               for r in result.reasons("G")["giay_khen"])
    # a reason names what could not be told, not how its column is filled in («(1 = có)»)
    said = [r for why in result.reasons("G").values() for r in why if r.startswith("không đánh giá được")]
    assert said and not any(" = " in r for r in said), said
    assert set(result.not_assessed("G")) == {"de_tai_nghiem_thu", "thanh_tich_phong_trao", "tinh_than_thi_dua"}
    ingest_file(engine, write_xlsx(tmp_path / "de_tai.xlsx", ["Mã đề tài", "Tên đề tài", "Mã cán bộ",
                                                             "Năm nghiệm thu", "Cấp đề tài"],
                                   [["ĐT-1", "Chữ ký số trong xử lý hồ sơ", "G", 2024, "Cơ sở"]]))
    result = eligibility(engine, 2024)
    assert result.table().loc["G", "chien_si_thi_dua_co_so"] and not result.table().loc["H", "chien_si_thi_dua_co_so"]
    assert result.frame.loc["H", "de_tai_nghiem_thu"] == 0


def test_collective_bang_khen_from_two_years_of_its_own_ratings(engine, tmp_path):
    from emulation.review import collective_inputs
    from rules.evaluate import evaluate
    from rules.ruleset import find

    staff(engine, tmp_path, {f"V{i}": ("XXX", "SKHCN-VP") for i in range(4)})
    rules = find("danh-hieu-tap-the-2022")

    def bang_khen(level=3.0):
        frame = collective_inputs(engine, eligibility(engine, 2024), ["SKHCN-VP"], 2024, level)
        result = evaluate(rules, frame)
        return bool(result.env["bang_khen_tap_the"][0] == 1), frame

    assert not bang_khen()[0]
    ingest_file(engine, write_xlsx(tmp_path / "xep_loai_tap_the.xlsx",
                                   ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể", "Danh hiệu tập thể"],
                                   [["SKHCN-VP", 2023, "HTXSNV", None], ["SKHCN-VP", 2024, "HTXSNV", None]]))
    ok, frame = bang_khen(level=2.0)  # the department's class no longer stands for the division's own rating
    assert ok and frame.loc["SKHCN-VP", "xep_loai_tap_the"] == 4 and frame.loc["SKHCN-VP", "htxs_nam_truoc"] == 1


def test_an_open_matter_of_the_collective_itself_holds_its_titles_back(engine, tmp_path):
    """An inspection of the division (not of one of its people) open at the year's end blocks its titles and
    Bằng khen with the reason; once a later row closes it, they come back."""
    from emulation.review import collective_inputs
    from rules.evaluate import evaluate
    from rules.ruleset import find

    staff(engine, tmp_path, {f"V{i}": ("XXX", "SKHCN-VP") for i in range(4)})
    ingest_file(engine, write_xlsx(tmp_path / "xep_loai_tap_the.xlsx",
                                   ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể", "Danh hiệu tập thể"],
                                   [["SKHCN-VP", 2023, "HTXSNV", None], ["SKHCN-VP", 2024, "HTXSNV", None]]))
    rules = find("danh-hieu-tap-the-2022")
    headers = ["Mã cán bộ", "Mã tập thể", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"]

    def held():
        result = evaluate(rules, collective_inputs(engine, eligibility(engine, 2024), ["SKHCN-VP"], 2024, 2.0))
        return {t: bool(result.env[t][0] == 1) for t in ("tap_the_lao_dong_tien_tien", "bang_khen_tap_the")}, result

    assert held()[0] == {"tap_the_lao_dong_tien_tien": True, "bang_khen_tap_the": True}
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec.xlsx", headers,
                                   [[None, "SKHCN-VP", "Thanh tra", "01/11/2024", None, None]]))
    blocked, result = held()
    assert blocked == {"tap_the_lao_dong_tien_tien": False, "bang_khen_tap_the": False}
    assert "tập thể đang bị xem xét, thanh tra, điều tra (NĐ 152/2025 Đ.4)" in result.reasons("SKHCN-VP", "bang_khen_tap_the")
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec_2.xlsx", headers,
                                   [[None, "SKHCN-VP", "Thanh tra", "01/11/2024", "15/12/2024", "Không có vi phạm"]]))
    assert held()[0] == {"tap_the_lao_dong_tien_tien": True, "bang_khen_tap_the": True}


def test_eligibility_of_a_province_without_a_unit_coded_snv(tmp_path):
    from cli_runner import cchc

    cchc("ingest", units_file(tmp_path), cwd=tmp_path)
    cchc("ingest", write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Người CB1", "Nam", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2025", RATING["X"]]]), cwd=tmp_path)
    done = cchc("emulation", "eligibility", "--year", "2025", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Số người đủ điều kiện năm 2025" in done.stdout


def test_a_member_disciplined_in_the_year_does_not_complete_tasks_in_the_collective(engine, tmp_path):
    """V0 was reprimanded in 2024 though the stored rating says excellent: discipline makes the year's rating
    Không hoàn thành nhiệm vụ, so the division has not 100% of members completing tasks — no Tập thể lao động
    xuất sắc, and the reason says why."""
    from emulation.review import collective_inputs
    from rules.evaluate import evaluate
    from rules.ruleset import find

    staff(engine, tmp_path, {f"V{i}": ("XXX", "SKHCN-VP") for i in range(4)})
    ingest_file(engine, write_xlsx(tmp_path / "xep_loai_tap_the.xlsx",
                                   ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể", "Danh hiệu tập thể"],
                                   [["SKHCN-VP", 2024, "HTXSNV", None]]))
    rules = find("danh-hieu-tap-the-2022")

    def judged():
        frame = collective_inputs(engine, eligibility(engine, 2024), ["SKHCN-VP"], 2024, 2.0)
        return frame, evaluate(rules, frame)

    frame, result = judged()
    assert result.env["tap_the_lao_dong_xuat_sac"][0] == 1
    ingest_file(engine, write_xlsx(tmp_path / "ky_luat.xlsx", DISCIPLINE_HEADERS, [
        ["V0", 2024, "Khiển trách", "Đã quyết định", "4/QĐ-SKHCN", "15/03/2024"]]))
    frame, result = judged()
    assert frame.loc["SKHCN-VP", "so_hoan_thanh_nv"] == 3 and frame.loc["SKHCN-VP", "so_ky_luat_trong_nam"] == 1
    assert result.env["tap_the_lao_dong_xuat_sac"][0] == 0
    assert any("1 thành viên bị kỷ luật trong năm" in r
               for r in result.reasons("SKHCN-VP", "tap_the_lao_dong_xuat_sac"))


def test_a_campaigns_bang_khen_asks_its_own_two_years_of_a_collective(engine, tmp_path):
    """The seed-004 plan aims its Bằng khen at Tập thể lao động xuất sắc; one such year is not the two
    consecutive years the Bằng khen itself asks (Luật TĐKT 2022 Đ.74): the division is not nominated until
    its year before is excellent too."""
    from emulation import review as rv
    from emulation.campaigns import load_campaign

    c = load_campaign("skhcn-ninh-thuan-2024")
    assert c.award_forms[0].own_title("tap_the") == "bang_khen_tap_the"
    staff(engine, tmp_path, {f"V{i}": ("XXX", "SKHCN-VP") for i in range(4)})
    headers = ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể", "Danh hiệu tập thể"]
    ingest_file(engine, write_xlsx(tmp_path / "tt1.xlsx", headers, [["SKHCN-VP", 2023, "HTTNV", None],
                                                                     ["SKHCN-VP", 2024, "HTXSNV", None]]))
    rv.launch(engine, c)
    assert rv.nominate(engine, c, 2024, 4.0).collectives.empty
    ingest_file(engine, write_xlsx(tmp_path / "tt2.xlsx", headers, [["SKHCN-VP", 2023, "HTXSNV", None]]))
    assert list(rv.nominate(engine, c, 2024, 4.0).collectives.index) == ["SKHCN-VP"]


def test_an_initiative_backing_an_award_of_the_same_year_backs_nothing_else(engine, tmp_path):
    """SK-A backs a Giấy khen recorded for 2024: it no longer makes A (rated good) Chiến sĩ thi đua cơ sở of
    2024; an initiative recorded under the Chiến sĩ thi đua cơ sở it backs still counts for that title."""
    staff(engine, tmp_path, {"A": ("TTT", "SKHCN-VP"), "B": ("TTT", "SKHCN-VP")})
    ingest_file(engine, write_xlsx(tmp_path / "sang_kien.xlsx", INITIATIVE_HEADERS, [
        ["SK-A", "Sáng kiến của A", "A", 2024, "Cơ sở"], ["SK-B", "Sáng kiến của B", "B", 2024, "Cơ sở"]]))
    assert held(engine, 2024, "A", "chien_si_thi_dua_co_so") and held(engine, 2024, "B", "chien_si_thi_dua_co_so")
    ingest_file(engine, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "A", "Giấy khen", 2024, "50/QĐ-SKHCN", "10/06/2024", "SKHCN", "SK-A"],
        ["Cá nhân", "B", "Chiến sĩ thi đua cơ sở", 2024, "51/QĐ-SKHCN", "20/12/2024", "SKHCN", "SK-B"]]))
    assert not held(engine, 2024, "A", "chien_si_thi_dua_co_so")
    assert held(engine, 2024, "B", "chien_si_thi_dua_co_so")


def two_forms_for_b1(engine, tmp_path, ratings="XXX"):
    """A campaign of two forms — Chiến sĩ thi đua cấp tỉnh, then a Giấy khen resting on Chiến sĩ thi đua cơ sở —
    and B1, with one provincial initiative of 2024, passed by the council for each form B1 is nominated for: both
    when rated excellent in 2024 (the initiative backs Chiến sĩ thi đua cấp tỉnh only)."""
    from datetime import date

    import yaml

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    plan = yaml.safe_load(open("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", encoding="utf-8"))
    plan.update(id="hai-hinh-thuc", award_forms=[
        {"form": "Chiến sĩ thi đua cấp tỉnh", "collectives": 0, "individuals": 1,
         "individual_title": "chien_si_thi_dua_cap_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"},
        {"form": "Giấy khen của Giám đốc Sở", "collectives": 0, "individuals": 1,
         "individual_title": "chien_si_thi_dua_co_so", "collective_title": "tap_the_lao_dong_tien_tien"}])
    path = tmp_path / "hai-hinh-thuc.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    c = load_campaign(str(path))
    staff(engine, tmp_path, {"B1": (ratings, "SKHCN-VP")})
    ingest_file(engine, write_xlsx(tmp_path / "sang_kien.xlsx", INITIATIVE_HEADERS, [
        ["SKP", "Sáng kiến cấp tỉnh", "B1", 2024, "Tỉnh"]]))
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0).individuals
    if ratings == "XXX":
        assert sorted(nominated["form"]) == ["chien_si_thi_dua_cap_tinh", "chien_si_thi_dua_co_so"]
    rv.record_votes(engine, c, {("B1", f): 10 for f in nominated["form"]}, 10, 10, 0, date(2024, 12, 10))
    return c


def test_one_initiative_backs_one_form_of_a_campaigns_decision(engine, tmp_path, monkeypatch):
    """Where a province gives one participant several forms of one decision (emulation/principles.yaml), B1's
    provincial initiative still backs one of them. B1, rated good in 2024, is Chiến sĩ thi đua cơ sở of 2024 on
    SKP alone: SKP is not also the provincial initiative of a Chiến sĩ thi đua cấp tỉnh counting 2024 among its
    three years, so B1 is not nominated for it, and the decision gives the Giấy khen, resting on SKP, only."""
    from datetime import date

    from emulation import review as rv
    from emulation.eligibility import eligibility

    c = two_forms_for_b1(engine, tmp_path, ratings="XXT")
    why = eligibility(engine, 2024).why_not("B1", "chien_si_thi_dua_cap_tinh")
    assert any("sáng kiến SKP đã là căn cứ của danh hiệu Chiến sĩ thi đua cơ sở năm 2024" in w for w in why)
    rv.record_votes(engine, c, {("B1", "chien_si_thi_dua_co_so"): 10}, 10, 10, 0, date(2024, 12, 10))
    monkeypatch.setattr(rv, "principles", lambda: {"one_form_per_decision": {"apply": False, "reason": ""}})
    for _ in range(2):  # decided again, the same: the campaign's own awards do not take its initiatives
        awards = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
        assert [(a.form, a.initiatives) for a in awards] == [("Giấy khen của Giám đốc Sở", "SKP")]
        assert awards.held_back == []


def test_one_decision_gives_a_participant_one_form(engine, tmp_path):
    """«Không tặng thưởng nhiều hình thức cho một thành tích» (Luật TĐKT 2022 Đ.5 [NC], emulation/principles.yaml):
    B1, passed for both forms of one campaign, is given the first of the plan's order, and named under the second
    with the form already given."""
    from datetime import date

    from emulation import review as rv

    c = two_forms_for_b1(engine, tmp_path)
    awards = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [(a.participant, a.form) for a in awards] == [("B1", "Chiến sĩ thi đua cấp tỉnh")]
    [held] = awards.held_back
    assert held.startswith("Giấy khen của Giám đốc Sở (cá nhân): B1")
    assert "đã được tặng «Chiến sĩ thi đua cấp tỉnh» trong quyết định này" in held and "Đ.5 [NC]" in held


def test_the_same_years_do_not_ground_a_second_bang_khen_from_another_campaign(engine, tmp_path):
    """B2 holds Chiến sĩ thi đua cơ sở 2023 and 2024: the Department's campaign gives B2 the province's Bằng khen
    on those two years (Luật TĐKT 2022 Đ.74 k.1 d). A second campaign of 2024 passing B2 for the same form on the
    same years does not give it again (one achievement, one award: emulation/principles.yaml [NC]), and names
    the earlier decision; set off, it gives it."""
    from datetime import date

    import yaml

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    first = load_campaign("skhcn-ninh-thuan-2024")
    plan = yaml.safe_load(open("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", encoding="utf-8"))
    plan.update(id="chuyen-doi-so-2024", title="Phát động phong trào thi đua chuyển đổi số năm 2024")
    plan["award_forms"][0]["form"] = "Bằng khen của Chủ tịch UBND tỉnh"  # the same form, otherwise named
    path = tmp_path / "chuyen-doi-so-2024.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    second = load_campaign(str(path))
    staff(engine, tmp_path, {"B2": ("TXX", "SKHCN-VP")})
    decisions = []
    for c, number in ((first, "7/QĐ-UBND"), (second, "9/QĐ-UBND")):
        rv.launch(engine, c)
        nominated = rv.nominate(engine, c, 2024, 4.0).individuals
        assert list(nominated.index) == ["B2"]
        rv.record_votes(engine, c, {("B2", nominated["form"].iloc[0]): 9}, 9, 9, 0, date(2024, 12, 10))
        decisions.append(rv.decide(engine, c, 2024, number, date(2024, 12, 20)))
    assert [(a.participant, a.decision_no) for a in decisions[0] if a.participant_kind == "ca_nhan"] == \
        [("B2", "7/QĐ-UBND")]
    assert [a for a in decisions[1] if a.participant_kind == "ca_nhan"] == []
    [said] = decisions[1].held_back
    assert said.startswith("Bằng khen của Chủ tịch UBND tỉnh (cá nhân): B2")
    assert "thành tích năm 2023, 2024 đã là căn cứ của «Bằng khen của Ủy ban nhân dân tỉnh» tại quyết định " \
           "7/QĐ-UBND" in said and "[NC]" in said
    principles = rv.principles()
    try:
        principles["one_award_per_achievement"]["apply"] = False
        again = rv.decide(engine, second, 2024, "9/QĐ-UBND", date(2024, 12, 20))
    finally:
        principles["one_award_per_achievement"]["apply"] = True
    assert [a.participant for a in again if a.participant_kind == "ca_nhan"] == ["B2"]


def test_a_principles_file_the_decision_cannot_use_is_refused_by_name(engine, tmp_path, monkeypatch):
    """emulation/principles.yaml as a province may edit it: a quoted «"false"» (a text, truthy) had applied the rule
    it meant to turn off, a reason naming another blank had ended the decision in a traceback. Each is refused,
    naming the file and the key, and no award is written."""
    from datetime import date
    from functools import cache

    import pytest

    from emulation import review as rv
    from office import emulation as em
    from office.errors import Refused
    from sqlalchemy import func, select
    from store import models

    c = two_forms_for_b1(engine, tmp_path)
    path = tmp_path / "principles.yaml"
    monkeypatch.setattr(rv, "PRINCIPLES", path)
    monkeypatch.setattr(rv, "principles", cache(rv.principles.__wrapped__))  # the file's own reading stays cached
    monkeypatch.setattr(em, "decided_day", lambda *_: date(2024, 12, 20))
    for text, key in (('one_form_per_decision:\n  apply: "false"\n  reason: "đã có «{given}»"\n', "apply"),
                      ("one_form_per_decision:\n  apply: true\n  reason: \"đã có «{form}»\"\n", "reason"),
                      ("one_form_per_decision: false\n", "one_form_per_decision"),
                      ("", "one_form_per_decision")):
        path.write_text(text, encoding="utf-8")
        rv.principles.cache_clear()
        with pytest.raises(Refused) as refused:
            em.decide(engine, c, 2024)
        assert "principles.yaml" in refused.value.message and key in refused.value.message, (text, refused.value)
        assert refused.value.field is None
        with engine.connect() as con:
            assert not con.execute(select(func.count()).select_from(models.Award)).scalar()
    path.write_text('one_form_per_decision:\n  apply: false\n  reason: "đã có «{given}»"\n', encoding="utf-8")
    rv.principles.cache_clear()
    awards = em.decide(engine, c, 2024)  # B1's excellent rating, not SKP, grounds the Giấy khen: both are given
    assert [(a.participant, a.form) for a in awards] == [("B1", "Chiến sĩ thi đua cấp tỉnh"),
                                                         ("B1", "Giấy khen của Giám đốc Sở")]


def test_a_year_outside_the_campaigns_period_is_refused_and_nothing_written(engine, tmp_path):
    """The seed-004 campaign runs in 2024: a review for 2025 would erase its 2024 awards, a decision for 2023
    re-date them before its launch. Both are refused, exit 1, the store as it was."""
    from cli_runner import cchc
    from helpers import snapshot

    staff(engine, tmp_path, {f"V{i}": ("XXX", "SKHCN-VP") for i in range(4)})
    done = cchc("emulation", "review", "skhcn-ninh-thuan-2024", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    before = snapshot(engine)
    for command, year in (("decide", 2023), ("review", 2025), ("nominate", 2025)):
        done = cchc("emulation", command, "skhcn-ninh-thuan-2024", "--year", year, cwd=tmp_path)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert f"năm {year} ngoài thời gian của phong trào «skhcn-ninh-thuan-2024»" in " ".join(
            (done.stdout + done.stderr).split())
        assert snapshot(engine) == before


def test_an_empty_ballot_file_is_refused_by_name(tmp_path):
    from cli_runner import cchc

    cchc("ingest", units_file(tmp_path), cwd=tmp_path)
    (tmp_path / "rong.csv").write_text("", encoding="utf-8")
    done = cchc("emulation", "vote", "skhcn-ninh-thuan-2024", "--ballots", tmp_path / "rong.csv", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "rong.csv: tệp kết quả bỏ phiếu rỗng" in " ".join((done.stdout + done.stderr).split())


def test_a_past_years_collective_counts_its_members_of_that_year(engine, tmp_path):
    """M was rated Không hoàn thành nhiệm vụ in SKHCN's office in 2024 and works in the Department of Justice
    in 2025: the office's 2024 figures count M, the unit on the 2024 rating, not the unit of today."""
    from emulation.review import collective_inputs

    years = (2022, 2023, 2024, 2025)
    staff(engine, tmp_path, {**{f"V{i}": ("XXXX", "SKHCN-VP") for i in range(4)}, "M": ("TTKT", "SKHCN-VP>STP")},
          years=years)
    el = eligibility(engine, 2024)
    assert el.table().loc["M", "unit"] == "STP"  # where M is today
    frame = collective_inputs(engine, el, ["SKHCN-VP"], 2024, 4.0)
    assert frame.loc["SKHCN-VP", "so_thanh_vien"] == 5 and frame.loc["SKHCN-VP", "so_hoan_thanh_nv"] == 4


def test_a_tie_at_the_last_seat_is_left_to_the_council(engine, tmp_path):
    """Two women, equal achievements, equal votes, one seat: no code or name parts them — the seat stays
    undecided and says who is tied; once the council votes again, the decision follows its votes."""
    from datetime import date

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    ingest_file(engine, units_file(tmp_path))
    rows = [[code, name, gender, "", "Công chức", "Chuyên viên", "SKHCN-VP", str(y), RATING["X"]]
            for code, name, gender in (("W2", "Phạm Thị Lan", "Nữ"), ("W1", "Nguyễn Thị Xuân", "Nữ"),
                                       ("V3", "Trần Văn Thu", "Nam")) for y in (2022, 2023, 2024)]
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, rows))
    c = load_campaign("skhcn-ninh-thuan-2024")
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0).individuals
    inside = sorted(nominated[nominated["within_quota"]].index)
    assert inside == ["W1", "W2"]
    form = nominated["form"].iloc[0]
    rv.record_votes(engine, c, {("W1", form): 8, ("W2", form): 8}, 9, 8, 1, date(2024, 12, 10))
    decision = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [a for a in decision if a.participant_kind == "ca_nhan"] == []
    assert len(decision.undecided) == 1
    assert "còn 1 suất chưa quyết định — W1 (Nguyễn Thị Xuân), W2 (Phạm Thị Lan)" in decision.undecided[0]
    rv.record_votes(engine, c, {("W1", form): 7, ("W2", form): 9}, 9, 8, 1, date(2024, 12, 12))
    decision = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [a.participant for a in decision if a.participant_kind == "ca_nhan"] == ["W2"] and not decision.undecided


def test_a_matter_open_on_the_decision_s_day_holds_the_award_back_and_one_opened_after_it_does_not(engine, tmp_path):
    """NĐ 152/2025 Đ.4: no award while an investigation is open. W1's ran from 01/11 to 28/12/2024, over the
    decision of 20/12, and had been awarded (it was closed on 31/12); W2's inspection opened on 22/12, after the
    decision, and had kept her out."""
    from datetime import date

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    ingest_file(engine, units_file(tmp_path))
    rows = [[code, name, "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", str(y), RATING["X"]]
            for code, name in (("W1", "Nguyễn Thị Xuân"), ("W2", "Phạm Thị Lan")) for y in (2022, 2023, 2024)]
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, rows))
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec.xlsx", ["Mã cán bộ", "Loại vụ việc", "Ngày bắt đầu",
                                                               "Ngày kết thúc", "Kết quả"],
                                   [["W1", "Điều tra", "01/11/2024", "28/12/2024", "Không vi phạm"],
                                    ["W2", "Thanh tra", "22/12/2024", None, None]]))
    c = load_campaign("skhcn-ninh-thuan-2024")
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0, date(2024, 12, 20)).individuals
    assert sorted(nominated.index) == ["W2"]
    at_year_end = rv.nominate(engine, c, 2024, 4.0).individuals  # as the year's list reads it, on 31/12
    assert sorted(at_year_end.index) == ["W1"]
    form = at_year_end["form"].iloc[0]
    rv.record_votes(engine, c, {("W1", form): 9}, 9, 9, 0, date(2024, 12, 10))
    decision = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [a.participant for a in decision if a.participant_kind == "ca_nhan"] == []  # W1's matter open that day
    assert len(decision.held_back) == 1 and "W1 (Nguyễn Thị Xuân) không được khen thưởng" in decision.held_back[0]
    assert "đang bị xem xét kỷ luật hoặc điều tra, thanh tra, xác minh (NĐ 152/2025 Đ.4" in decision.held_back[0]


def test_a_nominee_under_discipline_review_by_the_decision_s_day_is_not_awarded_and_is_named(engine, tmp_path):
    """NĐ 152/2025 Đ.4: no award while a discipline is under consideration. W1 was nominated and voted; a
    discipline case opened afterwards is recorded before the decision. She had been awarded (two initiatives of
    2023–2024 still made her Bằng khen's basis); the decision names her and why."""
    from datetime import date

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    ingest_file(engine, units_file(tmp_path))
    rows = [["W1", "Nguyễn Thị Xuân", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", str(y), RATING["X"]]
            for y in (2022, 2023, 2024)]
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, rows))
    ingest_file(engine, write_xlsx(tmp_path / "sang_kien.xlsx", INITIATIVE_HEADERS, [
        ["SK23", "Sáng kiến 2023", "W1", 2023, "Cơ sở"], ["SK24", "Sáng kiến 2024", "W1", 2024, "Cơ sở"]]))
    c = load_campaign("skhcn-ninh-thuan-2024")
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0, date(2024, 12, 20)).individuals
    assert list(nominated.index) == ["W1"]
    rv.record_votes(engine, c, {("W1", nominated["form"].iloc[0]): 9}, 9, 9, 0, date(2024, 12, 10))
    ingest_file(engine, write_xlsx(tmp_path / "ky_luat.xlsx", DISCIPLINE_HEADERS,
                                   [["W1", 2024, "Khiển trách", "Đang xem xét", None, None]]))
    decision = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [a.participant for a in decision if a.participant_kind == "ca_nhan"] == []
    assert len(decision.held_back) == 1
    said = decision.held_back[0]
    assert "W1 (Nguyễn Thị Xuân)" in said and "Bằng khen của Ủy ban nhân dân tỉnh" in said
    assert "đang bị xem xét kỷ luật" in said and "NĐ 152/2025 Đ.4" in said


def test_a_decision_is_not_dated_before_the_council_met(engine, tmp_path):
    """The council met on 06/01/2025 on the 2024 campaign: the decision resting on its minutes and on the proposal
    that follows them (Luật TĐKT 2022 Đ.84) is of that day at the earliest. It had been dated 20/12/2024, citing a
    proposal of 06/01/2025."""
    from datetime import date

    from emulation import review as rv
    from emulation.campaigns import load_campaign
    from office import emulation as em

    staff(engine, tmp_path, {"W1": ("XXX", "SKHCN-VP")})
    c = load_campaign("skhcn-ninh-thuan-2024")
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0, date(2024, 12, 20)).individuals
    rv.record_votes(engine, c, {("W1", nominated["form"].iloc[0]): 9}, 9, 9, 0, date(2025, 1, 6))
    decision = em.decide(engine, c, 2024, "1/QĐ-UBND")
    assert [(a.participant, a.decided_on) for a in decision if a.participant_kind == "ca_nhan"] == [
        ("W1", date(2025, 1, 6))]
    rv.record_votes(engine, c, {("W1", nominated["form"].iloc[0]): 9}, 9, 9, 0, date(2024, 12, 10))
    assert {a.decided_on for a in em.decide(engine, c, 2024, "1/QĐ-UBND")} == {em.decision_day(2024)}


def test_a_collective_whose_own_matter_is_open_on_the_decision_s_day_is_not_awarded_and_is_named(engine, tmp_path):
    """NĐ 152/2025 Đ.4 holds a collective's award back too: SKHCN-VP was nominated and voted; an inspection of the
    division opened on 15/12/2024, recorded afterwards, is open on the decision's day (20/12). The decision had
    given it the Bằng khen. Closed on 18/12, with another opening on 22/12, after the decision, nothing holds it
    back."""
    from datetime import date

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    c = load_campaign("skhcn-ninh-thuan-2024")
    staff(engine, tmp_path, {f"V{i}": ("XXX", "SKHCN-VP") for i in range(4)})
    ingest_file(engine, write_xlsx(tmp_path / "tt.xlsx", ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể"],
                                   [["SKHCN-VP", 2023, "HTXSNV"], ["SKHCN-VP", 2024, "HTXSNV"]]))
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0, date(2024, 12, 20))
    assert list(nominated.collectives.index) == ["SKHCN-VP"]
    votes = {(code, frame["form"].iloc[0]): 9 for frame in (nominated.individuals, nominated.collectives)
             for code in frame.index[frame["within_quota"]]}
    rv.record_votes(engine, c, votes, 9, 9, 0, date(2024, 12, 10))
    headers = ["Mã cán bộ", "Mã tập thể", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"]
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec.xlsx", headers,
                                   [[None, "SKHCN-VP", "Thanh tra", "15/12/2024", None, None]]))
    decision = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [a for a in decision if a.participant_kind == "tap_the"] == []
    said = [h for h in decision.held_back if "(tập thể): SKHCN-VP" in h]
    assert len(said) == 1 and "tập thể đang bị xem xét, thanh tra, điều tra (NĐ 152/2025 Đ.4)" in said[0]
    ingest_file(engine, write_xlsx(tmp_path / "vu_viec_2.xlsx", headers,
                                   [[None, "SKHCN-VP", "Thanh tra", "15/12/2024", "18/12/2024", "Không có vi phạm"],
                                    [None, "SKHCN-VP", "Kiểm tra", "22/12/2024", None, None]]))
    decision = rv.decide(engine, c, 2024, "1/QĐ-UBND", date(2024, 12, 20))
    assert [a.participant for a in decision if a.participant_kind == "tap_the"] == ["SKHCN-VP"]


def test_a_year_whose_decision_gave_lao_dong_tien_tien_only_is_no_year_of_chien_si_thi_dua(engine, tmp_path):
    """Luật TĐKT 2022 Đ.22 k.1 a asks three consecutive times «đạt danh hiệu» Chiến sĩ thi đua cơ sở: conferred.
    D was given it in 2022 and 2023, and the department's 2024 decision gave him Lao động tiên tiến only. His 2024
    conditions were met, and that had counted as the third year: Chiến sĩ thi đua cấp tỉnh and Bằng khen followed."""
    from datetime import date

    from sqlalchemy.orm import Session

    from store import models

    staff(engine, tmp_path, {"D": ("XXX", "SKHCN-VP")})
    ingest_file(engine, write_xlsx(tmp_path / "sang_kien.xlsx", INITIATIVE_HEADERS,
                                   [["SKT", "Sáng kiến cấp tỉnh", "D", 2024, "Tỉnh"]]))

    def give(year: int, form: str) -> None:
        with Session(engine) as s, s.begin():
            s.add(models.Award(year=year, participant_kind="ca_nhan", participant="D", form=form,
                               decision_no=f"{year}/QĐ-SKHCN", decided_on=date(year, 12, 20), amount=0, initiatives=""))

    give(2022, "Chiến sĩ thi đua cơ sở")
    give(2023, "Chiến sĩ thi đua cơ sở")
    assert held(engine, 2024, "D", "chien_si_thi_dua_cap_tinh")  # 2024 not decided yet: as its conditions stand
    give(2024, "Lao động tiên tiến")
    el = eligibility(engine, 2024)
    assert el.table().loc["D", "chien_si_thi_dua_co_so"]  # its conditions, still met
    assert not el.table().loc["D", "chien_si_thi_dua_cap_tinh"] and not el.table().loc["D", "bang_khen_chu_tich_tinh"]
    assert any("năm 2024 chỉ được quyết định tặng Lao động tiên tiến" in r
               for r in el.why_not("D", "chien_si_thi_dua_cap_tinh"))
    give(2024, "Chiến sĩ thi đua cơ sở")
    assert held(engine, 2024, "D", "chien_si_thi_dua_cap_tinh")


def test_two_campaigns_give_one_person_the_same_award_form_but_a_title_once(engine, tmp_path):
    """Guard: models.Award's key (a Bằng khen or Giấy khen by its decision, Luật TĐKT 2022 Đ.74, 75) and
    review._title_held. A second campaign's decision giving B2 the same Bằng khen, where the province lets it (one
    award per achievement set off), had ended in the store's unique key: a traceback, nothing decided. A title is
    held once a year: a second campaign's Chiến sĩ thi đua cơ sở for the same year is held back, naming the first."""
    from datetime import date

    import yaml

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    def campaign(key: str, form: dict):
        plan = yaml.safe_load(open("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", encoding="utf-8"))
        plan.update(id=key, title=f"Phong trào thi đua {key}")
        plan["award_forms"] = [form]
        path = tmp_path / f"{key}.yaml"
        path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
        return load_campaign(str(path))

    bang_khen = {"form": "Bằng khen của Ủy ban nhân dân tỉnh", "individuals": 1, "collectives": 0,
                 "individual_title": "bang_khen_chu_tich_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"}
    title = {"form": "Chiến sĩ thi đua cơ sở", "individuals": 1, "collectives": 0,
             "individual_title": "chien_si_thi_dua_co_so", "collective_title": "tap_the_lao_dong_tien_tien"}
    staff(engine, tmp_path, {"B2": ("TXX", "SKHCN-VP")})
    decisions = []
    principles = rv.principles()
    principles["one_award_per_achievement"]["apply"] = False
    try:
        for key, form, number in (("bk-a", bang_khen, "7/QĐ-UBND"), ("bk-b", bang_khen, "9/QĐ-UBND"),
                                  ("cs-a", title, "11/QĐ-SKHCN"), ("cs-b", title, "12/QĐ-SKHCN")):
            c = campaign(key, form)
            rv.launch(engine, c)
            nominated = rv.nominate(engine, c, 2024, 4.0).individuals
            assert list(nominated.index) == ["B2"], key
            rv.record_votes(engine, c, {("B2", nominated["form"].iloc[0]): 9}, 9, 9, 0, date(2024, 12, 10))
            decisions.append(rv.decide(engine, c, 2024, number, date(2024, 12, 20)))
    finally:
        principles["one_award_per_achievement"]["apply"] = True
    given = [[(a.participant, a.decision_no) for a in d] for d in decisions]
    assert given == [[("B2", "7/QĐ-UBND")], [("B2", "9/QĐ-UBND")], [("B2", "11/QĐ-SKHCN")], []]
    [said] = decisions[3].held_back
    assert said.startswith("Chiến sĩ thi đua cơ sở (cá nhân): B2") and \
        "đã được tặng «Chiến sĩ thi đua cơ sở» năm 2024 tại quyết định 11/QĐ-SKHCN (Phong trào thi đua cs-a): mỗi " \
        "năm một danh hiệu" in said, said


def test_campaign_awards_keep_their_decisions_through_the_migration_and_back(tmp_path):
    """0021: a store of campaign awards is migrated with a Bằng khen's decision told apart and a title's key
    blank, and back while no one holds two of one form in a year."""
    from datetime import date

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from store import models
    from store.db import MIGRATIONS, make_engine, migrating, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    upgrade(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020")
    with engine.begin() as conn:
        for form, number in (("Bằng khen của Ủy ban nhân dân tỉnh", "7/QĐ-UBND"), ("Chiến sĩ thi đua cơ sở", "11/QĐ-SKHCN")):
            conn.execute(text("INSERT INTO award (year, participant_kind, participant, form, decision_no, decided_on, "
                              "amount, initiatives) VALUES (2024, 'ca_nhan', 'B2', :f, :n, '2024-12-20', 0, '')"),
                         {"f": form, "n": number})
    upgrade(engine)
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT form, decision_key FROM award")).all())
    assert keys == {"Bằng khen của Ủy ban nhân dân tỉnh": "7/qd-ubnd", "Chiến sĩ thi đua cơ sở": ""}
    with Session(engine) as s, s.begin():  # a second Bằng khen of another decision lands beside it
        s.add(models.Award(year=2024, participant_kind="ca_nhan", participant="B2", decided_on=date(2024, 12, 27),
                           form="Bằng khen của Ủy ban nhân dân tỉnh", decision_no="9/QĐ-UBND", decision_key="9/qd-ubnd",
                           amount=0))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM award WHERE decision_no = '9/QĐ-UBND'"))
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020")
    with engine.connect() as conn:
        assert "decision_key" not in {c[1] for c in conn.execute(text("PRAGMA table_info(award)"))}
        assert conn.execute(text("SELECT count(*) FROM award")).scalar() == 2
    engine.dispose()


def test_a_campaign_does_not_give_a_title_a_recorded_decision_gave_for_the_year(engine, tmp_path):
    """Guard: review.decide reads the titles of the year from every other decision, recorded ones included
    (review._title_held). Only other campaigns' were read: a Chiến sĩ thi đua cơ sở recorded from SKHCN's file for
    2024 was given again by a campaign's decision for 2024, a title held twice in a year."""
    from datetime import date

    import yaml

    from emulation import review as rv
    from emulation.campaigns import load_campaign

    plan = yaml.safe_load(open("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", encoding="utf-8"))
    plan.update(id="cs-a", title="Phong trào thi đua cs-a")
    plan["award_forms"] = [{"form": "Chiến sĩ thi đua cơ sở", "individuals": 1, "collectives": 0,
                            "individual_title": "chien_si_thi_dua_co_so",
                            "collective_title": "tap_the_lao_dong_tien_tien"}]
    path = tmp_path / "cs-a.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    c = load_campaign(str(path))
    staff(engine, tmp_path, {"B2": ("TXX", "SKHCN-VP")})
    ingest_file(engine, write_xlsx(tmp_path / "khen_thuong.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "B2", "Chiến sĩ thi đua cơ sở", 2024, "90/QĐ-SKHCN", "20/12/2024", "SKHCN", None]]))
    rv.launch(engine, c)
    nominated = rv.nominate(engine, c, 2024, 4.0).individuals
    rv.record_votes(engine, c, {("B2", nominated["form"].iloc[0]): 9}, 9, 9, 0, date(2024, 12, 10))
    decision = rv.decide(engine, c, 2024, "11/QĐ-SKHCN", date(2024, 12, 20))
    assert list(decision) == []
    [said] = decision.held_back
    assert said.startswith("Chiến sĩ thi đua cơ sở (cá nhân): B2") and "tại quyết định 90/QĐ-SKHCN (khen thưởng đã " \
        "nhập từ tệp): mỗi năm một danh hiệu" in said, said
