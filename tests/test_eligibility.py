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
