"""The emulation records as files: decided titles and awards, collective ratings, proceedings, accepted research
topics — each validated whole (file, row, column named; nothing written) and landed in its own table."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import PEOPLE_HEADERS, snapshot, units_file, write_csv, write_xlsx
from store import models
from store.ingest import KINDS, IngestError, ingest_file
from store.ingest.templates import write_template

AWARD_HEADERS = ["Cá nhân hay tập thể", "Mã cán bộ hoặc tập thể", "Danh hiệu, hình thức khen thưởng", "Năm",
                 "Số quyết định", "Ngày quyết định", "Cơ quan quyết định", "Sáng kiến làm căn cứ"]
RATING_HEADERS = ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể", "Danh hiệu tập thể"]
PROCEEDING_HEADERS = ["Mã cán bộ", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"]  # a person's only
PROCEEDING_TEMPLATE = ["Mã cán bộ", "Mã tập thể", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"]
TOPIC_HEADERS = ["Mã đề tài", "Tên đề tài", "Mã cán bộ", "Năm nghiệm thu", "Cấp đề tài"]


@pytest.fixture
def staffed(any_engine, tmp_path):
    """Units, and CB1 who was in SKHCN's office in 2023 and moved to the Department of Justice in 2024."""
    ingest_file(any_engine, units_file(tmp_path))
    ingest_file(any_engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Văn An", "Nam", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2023", "HTXSNV"],
        ["CB1", "Nguyễn Văn An", "Nam", "", "Công chức", "Chuyên viên", "STP", "2024", "HTXSNV"],
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024", "HTTNV"]]))
    ingest_file(any_engine, write_xlsx(tmp_path / "sang_kien.xlsx",
                                   ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận"],
                                   [["SK1", "Số hóa hồ sơ", "CB1", 2023, "Cơ sở"],
                                    ["SK2", "Một cửa điện tử", "CB2", 2024, "Cơ sở"]]))
    return any_engine


def refused(engine, path, **kw) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, path, **kw)
    assert snapshot(engine) == before, "a refused file wrote something"
    return [str(p) for p in caught.value.problems]


def test_every_new_kind_has_a_template_whose_headers_ingest(staffed, tmp_path):
    for code, headers in (("khen_thuong", AWARD_HEADERS), ("xep_loai_tap_the", RATING_HEADERS),
                          ("vu_viec", PROCEEDING_TEMPLATE), ("de_tai", TOPIC_HEADERS)):
        wb = load_workbook(write_template(code, tmp_path / "mau"))
        assert [c.value for c in wb["Dữ liệu"][1]] == headers == KINDS[code].headers


def test_decided_titles_land_by_person_code_even_after_a_move(staffed, tmp_path):
    """CB1 moved to STP in 2024: SKHCN (the former unit) still records its 2023 decision for CB1, with the
    initiative it rested on; labels, codes and short names of the forms are all read."""
    path = write_xlsx(tmp_path / "khen_thuong.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "CSTĐCS", 2023, "88/QĐ-SKHCN", "20/12/2023", "SKHCN", "SK1"],
        ["Cá nhân", "CB1", "lao_dong_tien_tien", 2023, "87/QĐ-SKHCN", "20/12/2023", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "Bằng khen của Chủ tịch UBND tỉnh", 2023, "1500/QĐ-UBND", "25/12/2023", "TINH",
         None]])
    assert ingest_file(staffed, path, kind="khen_thuong").rows == 3
    with Session(staffed) as s:
        rows = {(r.participant, r.form): r for r in s.scalars(select(models.AwardRecord))}
    assert set(rows) == {("CB1", "chien_si_thi_dua_co_so"), ("CB1", "lao_dong_tien_tien"),
                         ("SKHCN-VP", "bang_khen_tap_the")}
    assert rows[("CB1", "chien_si_thi_dua_co_so")].initiatives == "SK1"
    assert rows[("CB1", "chien_si_thi_dua_co_so")].decided_on == date(2023, 12, 20)


def test_decided_titles_refused_with_row_and_column(staffed, tmp_path):
    path = write_xlsx(tmp_path / "khen_thuong.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB9", "Lao động tiên tiến", 2023, "1/QĐ", "20/12/2023", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "Chiến sĩ thi đua cơ sở", 2023, "2/QĐ", "20/12/2023", "SKHCN", None],
        ["Cá nhân", "CB2", "Lao động tiên tiến", 2024, "4/QĐ", "20/12/2023", "SKHCN", None],
        ["Cá nhân", "CB2", "Chiến sĩ thi đua cơ sở", 2024, "5/QĐ", "20/12/2024", "SO-LA", "SK1"]])
    problems = refused(staffed, path, kind="khen_thuong")
    unknown = write_xlsx(tmp_path / "kt_hc.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Huân chương", 2024, "3/QĐ", "20/12/2024", "SKHCN", None]])
    assert refused(staffed, unknown)[0].startswith("kt_hc.xlsx, dòng 2, cột «Danh hiệu, hình thức khen thưởng»: "
                                                   "«Huân chương» không thuộc các giá trị cho phép")
    assert any(p.startswith("khen_thuong.xlsx, dòng 2, cột «Mã cán bộ hoặc tập thể»: cán bộ «CB9» chưa có")
               for p in problems)
    assert any("dòng 3, cột «Danh hiệu, hình thức khen thưởng»: «Chiến sĩ thi đua cơ sở» không phải danh hiệu, "
               "hình thức khen thưởng của tập thể" in p for p in problems)
    assert any("dòng 4, cột «Ngày quyết định»: quyết định ngày 20/12/2023 có trước năm được khen thưởng" in p
               for p in problems)
    assert any("dòng 5, cột «Cơ quan quyết định»: đơn vị «SO-LA» chưa có" in p for p in problems)
    assert any("dòng 5, cột «Sáng kiến làm căn cứ»: sáng kiến «SK1» là của «CB1», không phải của «CB2»" in p
               for p in problems)


def test_an_initiative_backs_one_award_only(staffed, tmp_path):
    ingest_file(staffed, write_xlsx(tmp_path / "kt1.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Chiến sĩ thi đua cơ sở", 2024, "5/QĐ", "20/12/2024", "SKHCN", "SK2"]]))
    problems = refused(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "6/QĐ", "21/12/2024", "SKHCN", "SK2"]]))
    assert problems == ["kt2.xlsx, dòng 2, cột «Sáng kiến làm căn cứ»: sáng kiến «SK2» đã làm căn cứ cho Chiến sĩ "
                        "thi đua cơ sở năm 2024: mỗi sáng kiến chỉ làm căn cứ cho một hình thức khen thưởng"]


def test_a_corrected_file_may_move_an_initiative_to_another_award(staffed, tmp_path):
    """SK2 was recorded as the ground of CB2's Chiến sĩ thi đua cơ sở; the corrected file gives that decision again
    without it and names it for CB2's Giấy khen instead: the file's own version of an award replaces the stored
    one, so the initiative backs one award — accepted, as the two files would be one after the other."""
    ingest_file(staffed, write_xlsx(tmp_path / "kt1.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Chiến sĩ thi đua cơ sở", 2024, "5/QĐ", "20/12/2024", "SKHCN", "SK2"]]))
    ingest_file(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Chiến sĩ thi đua cơ sở", 2024, "5/QĐ", "20/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khen", 2024, "6/QĐ", "21/12/2024", "SKHCN", "SK2"]]))
    with Session(staffed) as s:
        rows = {r.form: r.initiatives for r in s.scalars(select(models.AwardRecord))}
    assert rows == {"chien_si_thi_dua_co_so": "", "giay_khen": "SK2"}


def test_several_giay_khen_a_year_land_and_a_title_is_held_once(staffed, tmp_path):
    """A Giấy khen for the year and another for a campaign are two decisions (Luật TĐKT 2022 Đ.75): both land, and
    the one sent again under its number, however written, is corrected rather than added. A title is held once a
    year: two Lao động tiên tiến under two decisions are refused, naming the first row, and one sent again under
    another number corrects the stored one."""
    ingest_file(staffed, write_xlsx(tmp_path / "kt1.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "6/QĐ-SKHCN", "21/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khen của Giám đốc sở", 2024, "31/QĐ-SKHCN", "15/06/2024", "SKHCN", "SK2"],
        ["Cá nhân", "CB2", "Lao động tiên tiến", 2024, "7/QĐ-SKHCN", "21/12/2024", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "Giấy khen", 2024, "8/QĐ-SKHCN", "21/12/2024", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "Giấy khen", 2024, "32/QĐ-SKHCN", "15/06/2024", "SKHCN", None]]))
    ingest_file(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "31/qđ-skhcn ", "16/06/2024", "SKHCN", "SK2"],
        ["Cá nhân", "CB2", "LĐTT", 2024, "70/QĐ-SKHCN", "22/12/2024", "SKHCN", None]]))
    with Session(staffed) as s:
        rows = sorted((r.participant, r.form, r.decision_no, r.decided_on.day) for r in s.scalars(
            select(models.AwardRecord)))
    assert rows == [("CB2", "giay_khen", "31/qđ-skhcn", 16), ("CB2", "giay_khen", "6/QĐ-SKHCN", 21),
                    ("CB2", "lao_dong_tien_tien", "70/QĐ-SKHCN", 22),
                    ("SKHCN-VP", "giay_khen_tap_the", "32/QĐ-SKHCN", 15),
                    ("SKHCN-VP", "giay_khen_tap_the", "8/QĐ-SKHCN", 21)]
    problems = refused(staffed, write_xlsx(tmp_path / "kt3.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Lao động tiên tiến", 2024, "9/QĐ-STP", "21/12/2024", "STP", None],
        ["Cá nhân", "CB1", "Lao động tiên tiến", 2024, "10/QĐ-STP", "22/12/2024", "STP", None],
        ["Cá nhân", "CB1", "Giấy khen", 2024, "11/QĐ-STP", "22/12/2024", "STP", None]]))
    assert problems == ["kt3.xlsx, dòng 3, cột «Số quyết định»: «CB1» đã có Lao động tiên tiến năm 2024 ở dòng 2 "
                        "(quyết định 9/QĐ-STP): mỗi năm một danh hiệu; bỏ một trong hai dòng"]
    problems = refused(staffed, write_xlsx(tmp_path / "kt4.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Giấy khen", 2024, "11/QĐ-STP", "22/12/2024", "STP", None],
        ["Cá nhân", "CB1", "Giấy khen", 2024, "11/QD-STP", "23/12/2024", "STP", None]]))
    assert problems == ["kt4.xlsx, dòng 3, cột «Cá nhân hay tập thể»: trùng khóa (Cá nhân hay tập thể, Mã cán bộ "
                        "hoặc tập thể, Danh hiệu, hình thức khen thưởng, Năm, Số quyết định) với dòng 2"]


def test_an_award_to_a_person_disciplined_before_it_in_its_year_lands_with_a_warning(staffed, tmp_path):
    """NĐ 152/2025 Đ.4: no award while a person is disciplined or under consideration. The decision is a fact and
    lands, but its row is named; an award decided before the discipline, or of another year, is not."""
    ingest_file(staffed, write_xlsx(tmp_path / "ky_luat.xlsx",
                                    ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định",
                                     "Ngày quyết định"],
                                    [["CB2", 2024, "Khiển trách", "Đã quyết định", "12/QĐ-SKHCN", "10/06/2024"],
                                     ["CB1", 2024, "Khiển trách", "Đang xem xét", None, None]]))
    result = ingest_file(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "6/QĐ-SKHCN", "21/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khen", 2024, "2/QĐ-SKHCN", "15/03/2024", "SKHCN", None],
        ["Cá nhân", "CB1", "Giấy khen", 2024, "3/QĐ-STP", "20/12/2024", "STP", None],
        ["Cá nhân", "CB1", "Giấy khen", 2023, "30/QĐ-SKHCN", "20/12/2023", "SKHCN", None]]))
    assert result.rows == 4
    said = sorted(w.message for w in result.warnings)
    assert said == [
        "dòng 2: «CB2» bị kỷ luật Khiển trách năm 2024 (quyết định 12/QĐ-SKHCN, ngày 10/06/2024): không khen thưởng "
        "cá nhân đang bị kỷ luật hoặc đang xem xét kỷ luật (NĐ 152/2025/NĐ-CP Đ.4); kiểm tra lại quyết định khen "
        "thưởng",
        "dòng 4: «CB1» có vụ kỷ luật năm 2024 đang xem xét: không khen thưởng cá nhân đang bị kỷ luật hoặc đang xem "
        "xét kỷ luật (NĐ 152/2025/NĐ-CP Đ.4); kiểm tra lại quyết định khen thưởng"], said


def test_award_records_keep_their_decisions_through_the_migration_and_back(tmp_path):
    """A store of one Giấy khen per person and year (before 0019) is migrated with its decisions told apart, and
    back while no one holds two."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from store.db import MIGRATIONS, make_engine, migrating, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    upgrade(engine)
    ingest_file(engine, units_file(tmp_path))
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024", "HTTNV"]]))
    ingest_file(engine, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "6/QĐ-SKHCN", "21/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Lao động tiên tiến", 2024, "7/QĐ-SKHCN", "21/12/2024", "SKHCN", None]]))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    with engine.connect() as conn:
        assert "decision_key" not in {c[1] for c in conn.execute(text("PRAGMA table_info(award_record)"))}
    upgrade(engine)
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT form, decision_key FROM award_record")).all())
    assert keys == {"giay_khen": "6/qd-skhcn", "lao_dong_tien_tien": ""}
    ingest_file(engine, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "6/QĐ-SKHCN", "22/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khen", 2024, "40/QĐ-SKHCN", "22/12/2024", "SKHCN", None]]))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM award_record WHERE form = 'giay_khen'")).scalar() == 2


def test_forms_and_ratings_as_the_law_and_the_template_word_them(staffed, tmp_path):
    ingest_file(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Chiến sĩ thi đua cấp cơ sở", 2023, "88/QĐ-SKHCN", "20/12/2023", "SKHCN", "SK1"],
        ["Cá nhân", "CB2", "Giấy khen của Giám đốc Sở Khoa học và Công nghệ", 2024, "9/QĐ-SKHCN", "20/12/2024",
         "SKHCN", None],
        ["Cá nhân", "CB1", "Chiến sĩ thi đua bộ, ban, ngành, tỉnh", 2024, "1500/QĐ-UBND", "25/12/2024", "TINH", None],
        ["Tập thể", "SKHCN-VP", "Cờ thi đua của Ủy ban nhân dân tỉnh", 2024, "1501/QĐ-UBND", "25/12/2024", "TINH",
         None]]))
    ingest_file(staffed, write_xlsx(tmp_path / "xl.xlsx", RATING_HEADERS, [
        ["SKHCN-VP", 2023, "Hoàn thành xuất sắc", None], ["SKHCN-VP", 2024, "Hoàn thành tốt", None]]))
    with Session(staffed) as s:
        forms = sorted((r.participant, r.form) for r in s.scalars(select(models.AwardRecord)))
        ratings = sorted((r.year, r.rating) for r in s.scalars(select(models.CollectiveRating)))
    assert forms == [("CB1", "chien_si_thi_dua_cap_tinh"), ("CB1", "chien_si_thi_dua_co_so"), ("CB2", "giay_khen"),
                     ("SKHCN-VP", "co_thi_dua_cap_tinh")]
    assert ratings == [(2023, "HTXSNV"), (2024, "HTTNV")]
    problems = refused(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "10/QĐ-SKHCN", "20/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khenxyz", 2024, "11/QĐ-SKHCN", "20/12/2024", "SKHCN", None]]))
    assert problems[0].startswith("kt2.xlsx, dòng 3, cột «Danh hiệu, hình thức khen thưởng»: «Giấy khenxyz» không "
                                  "thuộc các giá trị cho phép"), problems


def test_a_collective_holds_one_title_a_year_whichever_file_gives_it(staffed, tmp_path):
    """Tập thể lao động xuất sắc and tiên tiến for one collective and year, in one awards file or one in the awards
    file and the other in the ratings file: both had been stored, and the emulation read the higher."""
    problems = refused(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Tập thể", "SKHCN-VP", "TTLĐXS", 2024, "20/QĐ-UBND", "25/12/2024", "TINH", None],
        ["Tập thể", "SKHCN-VP", "Tập thể lao động tiên tiến", 2024, "21/QĐ-SKHCN", "20/12/2024", "SKHCN", None]]))
    assert problems == ["kt.xlsx, dòng 3, cột «Số quyết định»: «SKHCN-VP» đã có Tập thể lao động xuất sắc năm 2024 ở "
                        "dòng 2 (quyết định 20/QĐ-UBND): mỗi năm một danh hiệu; bỏ một trong hai dòng"]
    ingest_file(staffed, write_xlsx(tmp_path / "xl.xlsx", RATING_HEADERS, [
        ["SKHCN-VP", 2024, "HTXSNV", "Tập thể lao động tiên tiến"]]))
    assert refused(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Tập thể", "SKHCN-VP", "TTLĐXS", 2024, "20/QĐ-UBND", "25/12/2024", "TINH", None]])) == [
        "kt2.xlsx, dòng 2, cột «Danh hiệu, hình thức khen thưởng»: «SKHCN-VP» đã được ghi Tập thể lao động tiên tiến "
        "năm 2024 (tệp xếp loại tập thể): mỗi năm một danh hiệu tập thể; sửa một trong hai"]
    ingest_file(staffed, write_xlsx(tmp_path / "kt3.xlsx", AWARD_HEADERS, [  # the same title: no question
        ["Tập thể", "SKHCN-VP", "TTLĐTT", 2024, "21/QĐ-SKHCN", "20/12/2024", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "TTLĐXS", 2023, "9/QĐ-UBND", "25/12/2023", "TINH", None]]))
    assert refused(staffed, write_xlsx(tmp_path / "xl2.xlsx", RATING_HEADERS, [
        ["SKHCN-VP", 2023, "HTXSNV", "Tập thể lao động tiên tiến"]])) == [
        "xl2.xlsx, dòng 2, cột «Danh hiệu tập thể»: «SKHCN-VP» đã có quyết định 9/QĐ-UBND công nhận Tập thể lao động "
        "xuất sắc năm 2023: mỗi năm một danh hiệu tập thể; sửa một trong hai"]


def test_a_form_decided_by_a_unit_that_may_not_give_it_or_a_decision_of_two_days_is_refused(staffed, tmp_path):
    """Luật TĐKT 2022 Đ.80: the province's Chairman gives its Bằng khen, Cờ thi đua, Chiến sĩ thi đua cấp tỉnh and
    Tập thể lao động xuất sắc; a division gives nothing. One decision of an issuer has one day."""
    problems = refused(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Bằng khen của Chủ tịch UBND tỉnh", 2024, "5/QĐ-SKHCN", "20/12/2024", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "Cờ thi đua cấp tỉnh", 2024, "6/QĐ-STP", "20/12/2024", "STP", None],
        ["Cá nhân", "CB2", "Lao động tiên tiến", 2024, "7/QĐ-VP", "20/12/2024", "SKHCN-VP", None],
        ["Cá nhân", "CB1", "Lao động tiên tiến", 2024, "214/QĐ-SKHCN", "20/12/2024", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khen", 2024, "214/QĐ-SKHCN", "27/12/2024", "SKHCN", None],
        ["Cá nhân", "CB1", "Giấy khen", 2024, "214/QĐ-STP", "27/12/2024", "STP", None]]))
    assert problems == [
        "kt.xlsx, dòng 2, cột «Cơ quan quyết định»: Bằng khen của Chủ tịch UBND tỉnh do Chủ tịch UBND tỉnh quyết định "
        "(Luật TĐKT 2022 Đ.80), không phải «SKHCN» (Sở, ban, ngành)",
        "kt.xlsx, dòng 3, cột «Cơ quan quyết định»: Cờ thi đua cấp tỉnh do Chủ tịch UBND tỉnh quyết định (Luật TĐKT "
        "2022 Đ.80), không phải «STP» (Sở, ban, ngành)",
        "kt.xlsx, dòng 4, cột «Cơ quan quyết định»: «SKHCN-VP» là phòng, đơn vị trực thuộc: không có thẩm quyền quyết "
        "định Lao động tiên tiến (thủ trưởng sở, ban, ngành hoặc Chủ tịch UBND xã quyết định, Luật TĐKT 2022 Đ.80)",
        "kt.xlsx, dòng 6, cột «Ngày quyết định»: quyết định «214/QĐ-SKHCN» của «SKHCN» ở dòng 5 ngày 20/12/2024, ở "
        "dòng này ngày 27/12/2024: một quyết định có một ngày"], problems  # STP's own «214/…» is another decision


def test_a_decision_whose_symbol_names_another_unit_than_its_issuer_is_refused(staffed, tmp_path):
    """Guard: awards._symbol_of_issuer. «214/QĐ-SNV» written as SKHCN's had been stored as SKHCN's decision: the
    issuer decides who may give a form and which decision a row is. A symbol naming no unit's code, or the issuer
    with its drafting division, is no question."""
    rows = [["Cá nhân", "CB1", "Giấy khen", 2024, "214/QĐ-STP", "20/12/2024", "SKHCN", None],
            ["Cá nhân", "CB2", "Giấy khen", 2024, "15 / qđ-stp ", "20/12/2024", "SKHCN", None],
            ["Cá nhân", "CB1", "Lao động tiên tiến", 2024, "216/QĐ-SKHCN-VP", "20/12/2024", "SKHCN", None],
            ["Tập thể", "SKHCN-VP", "TTLĐXS", 2024, "2150/QĐ-UBND", "28/12/2024", "TINH", None],
            ["Cá nhân", "CB2", "Lao động tiên tiến", 2024, "217/QĐ-SKHCN", "20/12/2024", "SKHCN", None]]
    before = snapshot(staffed)
    assert refused(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, rows)) == [
        "kt.xlsx, dòng 2, cột «Cơ quan quyết định»: số quyết định «214/QĐ-STP» mang ký hiệu của «STP», cơ quan quyết "
        "định ghi «SKHCN»: sửa một trong hai",
        "kt.xlsx, dòng 3, cột «Cơ quan quyết định»: số quyết định «15 / qđ-stp» mang ký hiệu của «STP», cơ quan quyết "
        "định ghi «SKHCN»: sửa một trong hai"]
    assert snapshot(staffed) == before
    ingest_file(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, rows[2:]))


def test_a_decision_numbered_with_its_issuers_own_abbreviation_is_no_question(staffed, tmp_path):
    """Guard: awards._symbol_of_issuer. A commune numbers its decisions «…/QĐ-UBND» and a department by its
    «Ký hiệu viết tắt»: where the catalogue codes another unit so (the province coded «UBND»), the issuer's own
    decision had been refused as naming that unit."""
    with Session(staffed) as s, s.begin():
        s.query(models.Unit).filter_by(code="TINH").update({"code": "UBND"})
    ingest_file(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Giấy khen", 2024, "15/QĐ-UBND", "20/12/2024", "XA0001", None]]))
    assert refused(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "17/QĐ-UBND", "20/12/2024", "SKHCN", None]])) == [
        "kt2.xlsx, dòng 2, cột «Cơ quan quyết định»: số quyết định «17/QĐ-UBND» mang ký hiệu của «UBND», cơ quan "
        "quyết định ghi «SKHCN»: sửa một trong hai"]


def test_collective_ratings_and_their_titles(staffed, tmp_path):
    good = write_xlsx(tmp_path / "xep_loai_tap_the.xlsx", RATING_HEADERS, [
        ["SKHCN-VP", 2023, "HTXSNV", "Tập thể lao động xuất sắc"], ["SKHCN-VP", 2024, "Hoàn thành tốt nhiệm vụ", None]])
    assert ingest_file(staffed, good).kind.code == "xep_loai_tap_the"
    with Session(staffed) as s:
        got = sorted((r.year, r.rating, r.title) for r in s.scalars(select(models.CollectiveRating)))
    assert got == [(2023, "HTXSNV", "tap_the_lao_dong_xuat_sac"), (2024, "HTTNV", "")]
    bad = write_xlsx(tmp_path / "xl2.xlsx", RATING_HEADERS, [["STP", 2024, "HTTNV", "TTLĐXS"],
                                                             ["KHONG", 2024, "HTNV", None]])
    problems = refused(staffed, bad, kind="xep_loai_tap_the")
    assert ("xl2.xlsx, dòng 2, cột «Danh hiệu tập thể»: Tập thể lao động xuất sắc cần tập thể xếp loại Hoàn thành "
            "xuất sắc nhiệm vụ, nhưng tập thể xếp loại Hoàn thành tốt nhiệm vụ") in problems
    assert any(p.startswith("xl2.xlsx, dòng 3, cột «Mã tập thể»: đơn vị «KHONG»") for p in problems)


def test_a_matter_sent_again_under_another_start_date_points_at_the_one_left_open(staffed, tmp_path):
    """A corrected start date makes a second matter: the first, still open, holds CB2's awards back with nothing to
    close it, so the office is told which one and how to close it; a matter closed by the same file is not named."""
    ingest_file(staffed, write_xlsx(tmp_path / "vu_viec.xlsx", PROCEEDING_TEMPLATE, [
        ["CB2", None, "Điều tra", "15/09/2024", None, None], ["CB1", None, "Thanh tra", "01/03/2024", None, None],
        [None, "STP", "Thanh tra", "02/05/2024", None, None]]))
    again = ingest_file(staffed, write_xlsx(tmp_path / "vu_viec_2.xlsx", PROCEEDING_TEMPLATE, [
        ["CB2", None, "Điều tra", "15/08/2024", None, None],
        ["CB1", None, "Thanh tra", "01/03/2024", "30/06/2024", "Không vi phạm"],
        ["CB1", None, "Thanh tra", "01/02/2024", None, None],
        [None, "STP", "Thanh tra", "02/04/2024", None, None]]))
    said = sorted((w.column, w.message.split(", chưa")[0]) for w in again.warnings)
    assert said == [("Ngày bắt đầu", "dòng 2: còn một vụ việc cùng loại của cùng cán bộ (tập thể) mở ngày 15/09/2024"),
                    ("Ngày bắt đầu", "dòng 5: còn một vụ việc cùng loại của cùng cán bộ (tập thể) mở ngày 02/05/2024")]
    assert "nhập lại dòng có ngày bắt đầu 15/09/2024 kèm ngày kết thúc" in again.warnings[0].message
    closing = ingest_file(staffed, write_xlsx(tmp_path / "vu_viec_3.xlsx", PROCEEDING_TEMPLATE, [
        ["CB2", None, "Điều tra", "15/09/2024", "20/09/2024", "Nhập nhầm ngày bắt đầu"]]))
    assert closing.warnings == []


def test_a_later_row_closes_an_open_proceeding(staffed, tmp_path):
    ingest_file(staffed, write_xlsx(tmp_path / "vu_viec.xlsx", PROCEEDING_HEADERS, [
        ["CB2", "Điều tra", "15/09/2024", None, None]]))
    closing = ingest_file(staffed, write_xlsx(tmp_path / "vu_viec_2.xlsx", PROCEEDING_HEADERS, [
        ["CB2", "dieu_tra", "15/09/2024", "20/11/2024", "Không có vi phạm"]]))
    assert closing.loaded["vụ việc đã kết thúc"] == 1
    with Session(staffed) as s:
        [p] = s.scalars(select(models.Proceeding)).all()
    assert (p.kind, p.opened_on, p.closed_on, p.outcome) == ("dieu_tra", date(2024, 9, 15), date(2024, 11, 20),
                                                            "Không có vi phạm")
    problems = refused(staffed, write_xlsx(tmp_path / "vu_viec_3.xlsx", PROCEEDING_HEADERS, [
        ["CB2", "Thanh tra", "15/09/2024", "01/09/2024", None], ["CB2", "Thanh tra", "01/01/2024", None, "Đã xong"]]))
    assert problems == ["vu_viec_3.xlsx, dòng 2, cột «Ngày kết thúc»: ngày kết thúc 01/09/2024 trước ngày bắt đầu",
                        "vu_viec_3.xlsx, dòng 3, cột «Kết quả»: có kết quả nhưng chưa có ngày kết thúc"]
    problems = refused(staffed, write_xlsx(tmp_path / "vu_viec_4.xlsx", PROCEEDING_HEADERS, [
        ["CB2", "Bắt giữ", "01/01/2024", None, None]]))
    assert problems[0].startswith("vu_viec_4.xlsx, dòng 2, cột «Loại vụ việc»: «Bắt giữ» không thuộc")


def test_a_collectives_own_matters(staffed, tmp_path):
    done = ingest_file(staffed, write_xlsx(tmp_path / "vu_viec.xlsx", PROCEEDING_TEMPLATE, [
        [None, "SKHCN-VP", "Thanh tra", "01/11/2024", None, None], ["CB2", None, "Điều tra", "15/09/2024", None, None]]))
    assert done.loaded["vụ việc của tập thể"] == 1
    with Session(staffed) as s:
        [u] = s.scalars(select(models.UnitProceeding)).all()
        assert (u.kind, u.opened_on, u.closed_on) == ("thanh_tra", date(2024, 11, 1), None)
        assert len(s.scalars(select(models.Proceeding)).all()) == 1
    problems = refused(staffed, write_xlsx(tmp_path / "vu_viec_2.xlsx", PROCEEDING_TEMPLATE, [
        ["CB2", "STP", "Thanh tra", "01/11/2024", None, None], [None, None, "Thanh tra", "01/11/2024", None, None],
        [None, "KHONG", "Thanh tra", "01/11/2024", None, None], [None, "STP", "Thanh tra", "02/11/2024", None, None],
        [None, "STP", "thanh_tra", "02/11/2024", None, None]]))
    assert problems == [
        "vu_viec_2.xlsx, dòng 2, cột «Mã tập thể»: một dòng là vụ việc của một cán bộ hoặc của một tập thể, không "
        "phải cả hai",
        "vu_viec_2.xlsx, dòng 3, cột «Mã cán bộ»: cần mã cán bộ (vụ việc của cá nhân) hoặc mã tập thể (vụ việc của "
        "tập thể)",
        "vu_viec_2.xlsx, dòng 4, cột «Mã tập thể»: đơn vị «KHONG» chưa có trong danh mục đơn vị (nhập tệp đơn vị "
        "trước)",
        "vu_viec_2.xlsx, dòng 6, cột «Mã tập thể»: trùng khóa (Mã tập thể, Loại vụ việc, Ngày bắt đầu) với dòng 5"]


def test_a_decision_closes_the_discipline_under_consideration(staffed, tmp_path):
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    ingest_file(staffed, write_xlsx(tmp_path / "kl1.xlsx", headers, [["CB2", 2024, "Khiển trách", "Đang xem xét",
                                                                      None, None]]))
    ingest_file(staffed, write_xlsx(tmp_path / "kl2.xlsx", headers, [["CB2", 2024, "Khiển trách", "Đã quyết định",
                                                                      "9/QĐ-SKHCN", "10/03/2024"]]))
    with Session(staffed) as s:
        rows = [(d.status, d.decision_no) for d in s.scalars(select(models.Discipline))]
    assert rows == [("da_quyet_dinh", "9/QĐ-SKHCN")]


@pytest.mark.parametrize("pending_stored", [False, True])
@pytest.mark.parametrize("decided_first", [False, True])
def test_a_case_listed_under_consideration_and_decided_is_decided_whatever_the_order(staffed, tmp_path,
                                                                                    pending_stored, decided_first):
    """A register of discipline lists a case's history, a row under consideration and the row of its decision,
    in either order, with the case already stored under consideration or not: one decided record, each time (it
    had stayed open beside the decision, or been reopened by the row after it)."""
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    pending = ["CB2", 2024, "Khiển trách", "Đang xem xét", None, None]
    decided = ["CB2", 2024, "Khiển trách", "Đã quyết định", "9/QĐ-SKHCN", "10/03/2024"]
    if pending_stored:
        ingest_file(staffed, write_xlsx(tmp_path / "kl1.xlsx", headers, [pending]))
    ingest_file(staffed, write_xlsx(tmp_path / "kl2.xlsx", headers,
                                    [decided, pending] if decided_first else [pending, decided]))
    with Session(staffed) as s:
        rows = [(d.status, d.decision_no) for d in s.scalars(select(models.Discipline))]
    assert rows == [("da_quyet_dinh", "9/QĐ-SKHCN")]


def test_a_file_of_more_keys_than_a_statement_takes_lands_alike_on_both_databases(staffed, tmp_path):
    """17,000 discipline records, four columns of key each: looked up at once, their keys were more parameters
    than PostgreSQL takes in a statement (65,535) — a database error there, where SQLite took them. Sent again
    corrected, each is found and updated."""
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    rows = [["CB2", "2024", "Khiển trách", "Đã quyết định", f"{i}/QĐ-SKHCN", "10/03/2024"] for i in range(17_000)]
    assert ingest_file(staffed, write_csv(tmp_path / "kl1.csv", headers, rows)).rows == 17_000
    rows = [row[:5] + ["11/03/2024"] for row in rows]
    assert ingest_file(staffed, write_csv(tmp_path / "kl2.csv", headers, rows)).rows == 17_000
    with Session(staffed) as s:
        days = s.execute(select(models.Discipline.decided_on, func.count()).group_by(models.Discipline.decided_on)).all()
    assert days == [(date(2024, 3, 11), 17_000)]


def test_a_discipline_under_consideration_written_twice_is_a_repeated_key(staffed, tmp_path):
    """Under consideration, a discipline has no decision number yet: two such rows are one key, refused naming the
    rows (both had been written, the second stopped by the database's constraint: a database error)."""
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    problems = refused(staffed, write_xlsx(tmp_path / "kl.xlsx", headers, [
        ["CB2", 2024, "Khiển trách", "Đang xem xét", None, None], ["CB1", 2024, "Khiển trách", "Đang xem xét", None, None],
        ["CB2", 2024, "Khiển trách", "Đang xem xét", None, None]]))
    assert problems == ["kl.xlsx, dòng 4, cột «Mã cán bộ»: trùng khóa (Mã cán bộ, Năm, Hình thức kỷ luật, Số quyết "
                        "định) với dòng 2"]


def test_research_topics(staffed, tmp_path):
    done = ingest_file(staffed, write_xlsx(tmp_path / "de_tai.xlsx", TOPIC_HEADERS, [
        ["ĐT-1", "Chữ ký số", "CB2", 2024, "Cơ sở"], ["ĐT-1", "Chữ ký số", "CB1", 2024, "Cơ sở"]]))
    assert done.loaded == {"đề tài nghiệm thu": 2}
    problems = refused(staffed, write_xlsx(tmp_path / "de_tai_2.xlsx", TOPIC_HEADERS, [
        ["ĐT-2", "X", "CB7", 2024, "Cơ sở"]]))
    assert problems == ["de_tai_2.xlsx, dòng 2, cột «Mã cán bộ»: cán bộ «CB7» chưa có trong danh sách cán bộ "
                        "(nhập tệp cán bộ trước)"]


def test_one_topic_code_with_two_titles_years_or_levels_is_refused_naming_both_rows(staffed, tmp_path):
    """Which title the topic kept depended on the rows' order; its members are one topic, written alike."""
    problems = refused(staffed, write_xlsx(tmp_path / "de_tai.xlsx", TOPIC_HEADERS, [
        ["ĐT-1", "Chữ ký số", "CB2", 2024, "Cơ sở"], ["ĐT-1", "Chữ  ký SỐ", "CB1", 2024, "Cơ sở"],
        ["ĐT-2", "Một cửa", "CB2", 2024, "Cơ sở"], ["ĐT-2", "Một cửa số", "CB1", 2023, "Tỉnh"]]))
    assert problems == [
        "de_tai.xlsx, dòng 5, cột «Tên đề tài»: Tên đề tài của đề tài «ĐT-2» ở dòng 4 là «Một cửa», ở dòng này là «Một "
        "cửa số»: mỗi mã chỉ là một đề tài",
        "de_tai.xlsx, dòng 5, cột «Năm nghiệm thu»: Năm nghiệm thu của đề tài «ĐT-2» ở dòng 4 là «2024», ở dòng này là "
        "«2023»: mỗi mã chỉ là một đề tài",
        "de_tai.xlsx, dòng 5, cột «Cấp đề tài»: Cấp đề tài của đề tài «ĐT-2» ở dòng 4 là «Cơ sở», ở dòng này là "
        "«Tỉnh»: mỗi mã chỉ là một đề tài"]


def test_one_staff_code_with_two_names_genders_or_births_is_refused(any_engine, tmp_path):
    """Two people under one code had their ratings merged, the latest row's name taken without a word."""
    ingest_file(any_engine, units_file(tmp_path))
    problems = refused(any_engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Văn An", "Nam", "01/02/1980", "Công chức", "Chuyên viên", "SKHCN-VP", "2023", "HTXSNV"],
        ["CB1", "Nguyễn  văn AN", "Nam", "", "Công chức", "Chuyên viên", "STP", "2024", "HTXSNV"],
        ["CB1", "Trần Văn An", "Nữ", "02/01/1980", "Công chức", "Chuyên viên", "STP", "2022", "HTTNV"]]))
    assert problems == [
        "can_bo.csv, dòng 4, cột «Họ và tên»: Họ và tên của cán bộ «CB1» ở dòng 2 là «Nguyễn Văn An», ở dòng này là «Trần "
        "Văn An»: mỗi mã chỉ là một cán bộ",
        "can_bo.csv, dòng 4, cột «Giới tính»: Giới tính của cán bộ «CB1» ở dòng 2 là «Nam», ở dòng này là «Nữ»: mỗi mã "
        "chỉ là một cán bộ",
        "can_bo.csv, dòng 4, cột «Ngày sinh»: Ngày sinh của cán bộ «CB1» ở dòng 2 là «01/02/1980», ở dòng này là "
        "«02/01/1980»: mỗi mã chỉ là một cán bộ"]


def test_a_discipline_under_consideration_with_a_decision_or_decided_before_its_year_is_refused(staffed, tmp_path):
    """Under consideration holds awards back; decided ends the year's titles: a row saying both decided which by
    its status alone. A decision of 2023 for the year 2024 is the discipline of 2023."""
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    problems = refused(staffed, write_xlsx(tmp_path / "kl.xlsx", headers, [
        ["CB1", 2024, "Khiển trách", "Đang xem xét", "15/QĐ-SKHCN", None],
        ["CB2", 2024, "Khiển trách", "Đang xem xét", None, "20/10/2024"],
        ["CB2", 2024, "Cảnh cáo", "Đã quyết định", "16/QĐ-SKHCN", "20/10/2023"],
        ["CB1", 2023, "Cảnh cáo", "Đã quyết định", "17/QĐ-SKHCN", "15/01/2024"]]))
    assert problems == [
        "kl.xlsx, dòng 2, cột «Số quyết định»: kỷ luật đang xem xét chưa có quyết định, mà dòng này ghi số quyết định "
        "«15/QĐ-SKHCN» (đã quyết định thì ghi trạng thái «Đã quyết định»)",
        "kl.xlsx, dòng 3, cột «Ngày quyết định»: kỷ luật đang xem xét chưa có quyết định, mà dòng này ghi ngày quyết "
        "định 20/10/2024",
        "kl.xlsx, dòng 4, cột «Ngày quyết định»: quyết định ngày 20/10/2023 là trước năm kỷ luật 2024: kỷ luật đó thuộc "
        "năm 2023"]


def test_forms_ratings_and_disciplines_as_offices_write_them(staffed, tmp_path):
    """«Chiến sỹ» (as many write it), a Giấy khen named by who gave it, «Hoàn thành tốt» as the template's help
    offers it and «Bãi nhiệm» (a cán bộ's discipline) had been refused."""
    ingest_file(staffed, write_xlsx(tmp_path / "khen_thuong.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Chiến sỹ thi đua cơ sở", 2023, "88/QĐ-SKHCN", "20/12/2023", "SKHCN", None],
        ["Cá nhân", "CB2", "Giấy khen của Chủ tịch UBND xã", 2024, "9/QĐ-UBND", "20/12/2024", "XA0001", None]]))
    ingest_file(staffed, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB3", "Lò Thị Cúc", "Nữ", "", "Cán bộ", "Chủ tịch", "XA0001", "2024", "Hoàn thành tốt"]]))
    ingest_file(staffed, write_xlsx(tmp_path / "kl.xlsx", ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái",
                                                          "Số quyết định", "Ngày quyết định"],
                                    [["CB3", 2024, "Bãi nhiệm", "Đã quyết định", "3/NQ-HĐND", "20/11/2024"]]))
    with Session(staffed) as s:
        forms = set(s.execute(select(models.AwardRecord.form)).scalars())
        rating = s.scalar(select(models.StaffRating.rating).join(models.Person).where(models.Person.code == "CB3"))
        discipline = s.scalar(select(models.Discipline.form))
    assert forms >= {"chien_si_thi_dua_co_so", "giay_khen"} and rating == "HTTNV" and discipline == "bai_nhiem"


def test_a_person_rated_before_the_age_they_may_work_is_refused(any_engine, tmp_path):
    """A civil servant born in 2015 rated HTXSNV in 2024 (a birth typed with another year's digits) had landed."""
    ingest_file(any_engine, units_file(tmp_path))
    problems = refused(any_engine, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB9", "Lò Văn Chín", "Nam", "01/01/2015", "Công chức", "Chuyên viên", "STP", "2024", "HTXSNV"],
        ["CB8", "Lò Văn Tám", "Nam", "01/06/2006", "Công chức", "Chuyên viên", "STP", "2024", "HTXSNV"],
        ["CB7", "Lò Thị Bảy", "Nữ", "01/06/2009", "Người lao động", "Tạp vụ", "STP", "2024", "HTNV"]]))
    assert problems == ["can_bo.csv, dòng 2, cột «Ngày sinh»: sinh ngày 01/01/2015, năm 2024 chưa đủ 18 tuổi: công "
                        "chức từ đủ 18 tuổi (Luật Cán bộ, công chức)"]


def test_a_decision_sent_again_with_another_form_corrects_it_and_two_forms_of_one_decision_are_refused(staffed, tmp_path):
    """«Cảnh cáo» corrected to «Khiển trách» under the same decision had become a second discipline, and the stale
    Cảnh cáo barred the person's collective from Tập thể lao động tiên tiến."""
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    ingest_file(staffed, write_xlsx(tmp_path / "kl_sai.xlsx", headers, [
        ["CB2", 2024, "Cảnh cáo", "Đã quyết định", "15/QĐ-SNV", "20/10/2024"]]))
    ingest_file(staffed, write_xlsx(tmp_path / "kl_dung.xlsx", headers, [
        ["CB2", 2024, "Khiển trách", "Đã quyết định", "15/QĐ-SNV", "20/10/2024"]]))
    with Session(staffed) as s:
        assert s.execute(select(models.Discipline.form, models.Discipline.decision_no)).all() == [
            ("khien_trach", "15/QĐ-SNV")]
    problems = refused(staffed, write_xlsx(tmp_path / "kl_hai.xlsx", headers, [
        ["CB1", 2024, "Cảnh cáo", "Đã quyết định", "16/QĐ-SNV", "20/10/2024"],
        ["CB1", 2024, "Khiển trách", "Đã quyết định", "16/qđ-snv ", "20/10/2024"]]))
    said = "ghi hai hình thức kỷ luật cho một người: mỗi quyết định một hình thức"
    assert problems == [f"kl_hai.xlsx, dòng 2, cột «Hình thức kỷ luật»: quyết định «16/QĐ-SNV» {said}",
                        f"kl_hai.xlsx, dòng 3, cột «Hình thức kỷ luật»: quyết định «16/qđ-snv» {said}"]
    # written otherwise (case, «QD», the eth «Ð», a space): the same decision, corrected
    ingest_file(staffed, write_xlsx(tmp_path / "kl_lai.xlsx", headers, [
        ["CB2", 2024, "Cảnh cáo", "Đã quyết định", "15/QD-SNV ", "20/10/2024"]]))
    with Session(staffed) as s:
        assert s.execute(select(models.Discipline.form, models.Discipline.decision_no)).all() == [
            ("canh_cao", "15/QD-SNV")]
    # numbers start again each year: «15/QĐ-SNV» of 2022 is another decision, and one of each year in a file is no
    # second form of one
    ingest_file(staffed, write_xlsx(tmp_path / "kl_2022.xlsx", headers, [
        ["CB2", 2022, "Khiển trách", "Đã quyết định", "15/QĐ-SNV", "20/10/2022"],
        ["CB1", 2022, "Khiển trách", "Đã quyết định", "17/QĐ-SNV", "20/10/2022"],
        ["CB1", 2024, "Cảnh cáo", "Đã quyết định", "17/QĐ-SNV", "20/10/2024"]]))
    with Session(staffed) as s:
        assert s.scalar(select(func.count()).select_from(models.Discipline)) == 4


def test_a_title_the_year_s_rating_falls_short_of_or_an_initiative_recognised_after_it_is_refused(staffed, tmp_path):
    """Lao động tiên tiến for a person rated Không hoàn thành nhiệm vụ, Tập thể lao động xuất sắc for a collective
    rated Hoàn thành nhiệm vụ (which the ratings file itself refuses), and a 2022 title resting on an initiative
    recognised in 2024 (using it up for a real award) had landed; next year's consecutive titles stood on them."""
    ingest_file(staffed, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2023", "KHTNV"]]))
    ingest_file(staffed, write_xlsx(tmp_path / "xl.xlsx", RATING_HEADERS, [["SKHCN-VP", 2024, "HTNV", None]]))
    problems = refused(staffed, write_xlsx(tmp_path / "khen_thuong.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Lao động tiên tiến", 2023, "1/QĐ", "20/12/2023", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "TTLĐXS", 2024, "2/QĐ", "20/12/2024", "TINH", None],
        ["Cá nhân", "CB2", "CSTĐCS", 2022, "3/QĐ", "20/12/2022", "SKHCN", "SK2"],
        ["Cá nhân", "CB1", "Lao động tiên tiến", 2024, "4/QĐ", "20/12/2024", "SKHCN", None]]))
    assert problems == [
        "khen_thuong.xlsx, dòng 2, cột «Danh hiệu, hình thức khen thưởng»: Lao động tiên tiến năm 2023 cần xếp loại từ "
        "«Hoàn thành tốt nhiệm vụ» trở lên, mà «CB2» được xếp loại «Không hoàn thành nhiệm vụ» năm đó: sửa một trong "
        "hai",
        "khen_thuong.xlsx, dòng 3, cột «Danh hiệu, hình thức khen thưởng»: Tập thể lao động xuất sắc năm 2024 cần xếp "
        "loại từ «Hoàn thành xuất sắc nhiệm vụ» trở lên, mà «SKHCN-VP» được xếp loại «Hoàn thành nhiệm vụ» năm đó: sửa "
        "một trong hai",
        "khen_thuong.xlsx, dòng 4, cột «Sáng kiến làm căn cứ»: sáng kiến «SK2» được công nhận năm 2024, sau năm được "
        "khen thưởng 2022: không thể là căn cứ của nó"]


def test_a_topic_sent_again_with_another_title_corrects_it_for_every_member(staffed, tmp_path):
    """A later file naming another member with a corrected title had left one code as two topics."""
    ingest_file(staffed, write_xlsx(tmp_path / "dt1.xlsx", TOPIC_HEADERS, [["ĐT-5", "Nghiên cứu A", "CB2", 2024, "Cơ sở"]]))
    ingest_file(staffed, write_xlsx(tmp_path / "dt2.xlsx", TOPIC_HEADERS, [["ĐT-5", "Nghiên cứu B", "CB1", 2023, "Tỉnh"]]))
    with Session(staffed) as s:
        rows = set(s.execute(select(models.ResearchTopic.title, models.ResearchTopic.year, models.ResearchTopic.level)))
    assert rows == {("Nghiên cứu B", 2023, "tinh")}


def test_a_rating_lowered_below_a_title_already_decided_is_refused(staffed, tmp_path):
    """The awards file refused Lao động tiên tiến for a rating of «Không hoàn thành nhiệm vụ»; the rating sent after
    the award had landed, and the title stood on nothing."""
    ingest_file(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Lao động tiên tiến", 2024, "7/QĐ", "20/12/2024", "SKHCN", None]]))
    problems = refused(staffed, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024", "KHTNV"]]))
    assert problems == ["can_bo.csv, dòng 2, cột «Xếp loại»: «CB2» đã có Lao động tiên tiến năm 2024 (quyết định 7/QĐ), "
                        "cần xếp loại từ «Hoàn thành tốt nhiệm vụ» trở lên, mà dòng này xếp loại «Không hoàn thành nhiệm "
                        "vụ»: sửa một trong hai"]


def test_an_initiative_sent_again_as_recognised_after_the_award_it_backs_is_refused(staffed, tmp_path):
    """SK1 (2023) backs CB1's 2023 CSTĐCS; sent again as recognised in 2024 it had landed, the award standing on an
    initiative recognised after it."""
    ingest_file(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "CSTĐCS", 2023, "88/QĐ-SKHCN", "20/12/2023", "SKHCN", "SK1"]]))
    problems = refused(staffed, write_xlsx(tmp_path / "sk.xlsx", ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ",
                                                                  "Năm công nhận", "Cấp công nhận"],
                                           [["SK1", "Số hóa hồ sơ", "CB1", 2024, "Cơ sở"]]))
    assert problems == ["sk.xlsx, dòng 2, cột «Năm công nhận»: sáng kiến «SK1» là căn cứ của khen thưởng năm 2023 "
                        "(quyết định 88/QĐ-SKHCN): không thể được công nhận sau đó, năm 2024"]
    # sent again as another person's, the award would rest on someone else's initiative
    problems = refused(staffed, write_xlsx(tmp_path / "sk2.xlsx", ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ",
                                                                   "Năm công nhận", "Cấp công nhận"],
                                           [["SK1", "Số hóa hồ sơ", "CB2", 2023, "Cơ sở"]]))
    assert problems == ["sk2.xlsx, dòng 2, cột «Mã cán bộ»: sáng kiến «SK1» là căn cứ của khen thưởng năm 2023 cho "
                        "«CB1» (quyết định 88/QĐ-SKHCN): không thể là sáng kiến của «CB2»"]


def test_a_birth_corrected_against_the_years_a_person_was_rated_before_is_refused(any_engine, tmp_path):
    """A birth corrected to 2005 had left a rating of 2020, at 15, standing."""
    ingest_file(any_engine, units_file(tmp_path))
    ingest_file(any_engine, write_csv(tmp_path / "f1.csv", PEOPLE_HEADERS, [
        ["CB20", "Lò Văn Hai", "Nam", "01/01/1990", "Công chức", "Chuyên viên", "STP", "2020", "HTTNV"]]))
    problems = refused(any_engine, write_csv(tmp_path / "f2.csv", PEOPLE_HEADERS, [
        ["CB20", "Lò Văn Hai", "Nam", "01/01/2005", "Công chức", "Chuyên viên", "STP", "2024", "HTTNV"]]))
    assert problems == ["f2.csv, dòng 2, cột «Ngày sinh»: sinh ngày 01/01/2005 thì năm 2020 (đã xếp loại) «CB20» chưa đủ "
                        "18 tuổi: công chức từ đủ 18 tuổi (Luật Cán bộ, công chức)"]


def test_a_discipline_form_the_law_does_not_give_the_person_s_kind_of_staff_is_refused(staffed, tmp_path):
    """«Giáng chức» for a viên chức, «Bãi nhiệm» for a công chức had landed."""
    ingest_file(staffed, write_csv(tmp_path / "vc.csv", PEOPLE_HEADERS, [
        ["CB5", "Hà Thị Năm", "Nữ", "", "Viên chức", "Chuyên viên", "SKHCN-VP", "2024", "HTTNV"]]))
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    problems = refused(staffed, write_xlsx(tmp_path / "kl.xlsx", headers, [
        ["CB5", 2024, "Giáng chức", "Đã quyết định", "1/QĐ", "20/10/2024"],
        ["CB1", 2024, "Bãi nhiệm", "Đã quyết định", "2/QĐ", "20/10/2024"],
        ["CB2", 2024, "Hạ bậc lương", "Đã quyết định", "3/QĐ", "20/10/2024"]]))
    assert problems == [
        "kl.xlsx, dòng 2, cột «Hình thức kỷ luật»: «Giáng chức» không phải hình thức kỷ luật viên chức (Luật Viên chức "
        "Đ.52: Khiển trách, Cảnh cáo, Cách chức, Buộc thôi việc); «CB5» là viên chức",
        "kl.xlsx, dòng 3, cột «Hình thức kỷ luật»: «Bãi nhiệm» không phải hình thức kỷ luật công chức (Luật Cán bộ, công "
        "chức Đ.79: Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, Cách chức, Buộc thôi việc); «CB1» là công chức"]


def test_a_rating_above_khtnv_for_a_year_of_discipline_is_said_whichever_file_comes_first(staffed, tmp_path):
    """A person disciplined in the year is rated Không hoàn thành nhiệm vụ: a rating above it for that year lands,
    its rows named, from the ratings file or the discipline file, whichever comes second."""
    headers = ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"]
    later = ingest_file(staffed, write_xlsx(tmp_path / "kl.xlsx", headers, [
        ["CB2", 2024, "Khiển trách", "Đã quyết định", "12/QĐ-SKHCN", "10/06/2024"],
        ["CB1", 2024, "Khiển trách", "Đang xem xét", None, None]]))
    assert [(w.column, w.message.split(":")[0]) for w in later.warnings] == [("Mã cán bộ", "dòng 2")]
    assert "xếp loại Không hoàn thành nhiệm vụ" in later.warnings[0].message
    again = ingest_file(staffed, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2023", "HTTNV"],
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024", "HTTNV"]]))
    assert [(w.column, w.message.split(":")[0]) for w in again.warnings] == [("Xếp loại", "dòng 3")]
    quiet = ingest_file(staffed, write_csv(tmp_path / "can_bo_2.csv", PEOPLE_HEADERS, [
        ["CB2", "Lê Thị Bình", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024", "KHTNV"]]))
    assert quiet.warnings == []


def test_a_birth_a_century_before_the_year_rated_is_refused(any_engine, tmp_path):
    """01/01/1900, an Excel date cell that lost its format, had landed for a person rated in 2024 at 124."""
    ingest_file(any_engine, units_file(tmp_path))
    problems = refused(any_engine, write_csv(tmp_path / "cb.csv", PEOPLE_HEADERS, [
        ["CB30", "Lò Văn Ba", "Nam", "01/01/1900", "Công chức", "Chuyên viên", "STP", "2024", "HTTNV"]]))
    assert problems == ["cb.csv, dòng 2, cột «Ngày sinh»: sinh ngày 01/01/1900 thì năm 2024 đã 124 tuổi: ngày sinh có "
                        "sai? (ô ngày mất định dạng trong Excel đọc ra các ngày đầu năm 1900)"]


def test_a_staff_code_given_to_someone_else_is_said(staffed, tmp_path):
    """CB2 (Lê Thị Bình, Nữ) sent as Nguyễn Văn Cường, Nam: a code reused, whose earlier years would pass to him."""
    result = ingest_file(staffed, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB2", "Nguyễn Văn Cường", "Nam", "12/12/1999", "Viên chức", "Chuyên viên", "STP", "2024", "HTNV"],
        ["CB1", "NGUYỄN VĂN AN", "Nam", "", "Công chức", "Chuyên viên", "STP", "2024", "HTXSNV"]]))
    [warning] = result.warnings
    assert warning.message.startswith("dòng 2: mã cán bộ đã có của người khác («CB2» là Lê Thị Bình)"), warning


def test_a_cstdcs_on_a_good_rating_without_an_initiative_is_said(staffed, tmp_path):
    result = ingest_file(staffed, write_xlsx(tmp_path / "kt.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "CSTĐCS", 2024, "5/QĐ-SKHCN", "20/12/2024", "SKHCN", None],
        ["Cá nhân", "CB1", "CSTĐCS", 2024, "6/QĐ-STP", "20/12/2024", "STP", None]]))
    [warning] = result.warnings  # CB2 is rated «tốt» in 2024, CB1 «xuất sắc»
    assert warning.message.startswith("dòng 2: Chiến sĩ thi đua cơ sở cho người xếp loại Hoàn thành tốt nhiệm vụ"), warning


def test_a_new_code_for_a_stored_person_s_name_and_birth_is_said(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    person = ["Lường Thanh Hưng", "Nam", "16/08/1984", "Công chức", "Phó Giám đốc", "STP"]
    ingest_file(any_engine, write_csv(tmp_path / "a.csv", PEOPLE_HEADERS, [["CB00002"] + person + ["2023", "HTTNV"]]))
    result = ingest_file(any_engine, write_csv(tmp_path / "b.csv", PEOPLE_HEADERS, [
        ["CB-00002"] + person + ["2024", "HTTNV"], ["CB00003", "Lường Thanh Hưng", "Nam", "17/08/1984", "Công chức",
                                                     "Chuyên viên", "STP", "2024", "HTTNV"]]))
    [warning] = result.warnings
    assert warning.message.startswith("dòng 2: mã cán bộ mới của người đã có? («CB-00002» cùng tên, ngày sinh với "
                                      "«CB00002»)"), warning


def test_one_decision_of_an_issuer_has_one_day_across_files_and_two_issuers_may_share_a_number(staffed, tmp_path):
    """Every People's Committee numbers its own «…/QĐ-UBND»: the province's and a commune's «100/QĐ-UBND» are two
    decisions. One issuer's decision keeps one day, against the rows it sent before too, unless it sends them
    again."""
    ingest_file(staffed, write_xlsx(tmp_path / "kt1.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB2", "Giấy khen", 2024, "30/QĐ-SKHCN", "10/12/2024", "SKHCN", None],
        ["Tập thể", "SKHCN-VP", "Bằng khen của Chủ tịch UBND tỉnh", 2024, "100/QĐ-UBND", "01/04/2024", "TINH", None],
        ["Tập thể", "XA0001", "Giấy khen", 2024, "100/QĐ-UBND", "10/12/2024", "XA0001", None]]))
    assert refused(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Cá nhân", "CB1", "Giấy khen", 2024, "30/QĐ-SKHCN", "11/12/2024", "SKHCN", None]])) == [
        "kt2.xlsx, dòng 2, cột «Ngày quyết định»: quyết định «30/QĐ-SKHCN» của «SKHCN» đã ghi ngày 10/12/2024, ở dòng "
        "này ngày 11/12/2024: một quyết định có một ngày"]
    ingest_file(staffed, write_xlsx(tmp_path / "kt3.xlsx", AWARD_HEADERS, [  # the decision's day corrected, whole
        ["Cá nhân", "CB2", "Giấy khen", 2024, "30/QĐ-SKHCN", "11/12/2024", "SKHCN", None],
        ["Cá nhân", "CB1", "Giấy khen", 2024, "30/QĐ-SKHCN", "11/12/2024", "SKHCN", None]]))


def test_a_collective_title_sent_again_as_the_other_one_corrects_it(staffed, tmp_path):
    ingest_file(staffed, write_xlsx(tmp_path / "kt1.xlsx", AWARD_HEADERS, [
        ["Tập thể", "SKHCN-VP", "Tập thể lao động tiên tiến", 2024, "52/QĐ-SKHCN", "10/12/2024", "SKHCN", None]]))
    ingest_file(staffed, write_xlsx(tmp_path / "kt2.xlsx", AWARD_HEADERS, [
        ["Tập thể", "SKHCN-VP", "Tập thể lao động xuất sắc", 2024, "53/QĐ-UBND", "11/12/2024", "TINH", None]]))
    with Session(staffed) as s:
        assert [(r.form, r.decision_no) for r in s.scalars(select(models.AwardRecord))] == [
            ("tap_the_lao_dong_xuat_sac", "53/QĐ-UBND")]


def test_an_initiative_code_in_other_letters_case_is_refused(staffed, tmp_path):
    headers = ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận"]
    assert refused(staffed, write_xlsx(tmp_path / "sk.xlsx", headers, [["sk2", "Một cửa điện tử", "CB1", 2024,
                                                                        "Cơ sở"]])) == [
        "sk.xlsx, dòng 2, cột «Mã sáng kiến»: mã sáng kiến «sk2» trùng mã «SK2» (chỉ khác chữ hoa, chữ thường): ghi "
        "đúng «SK2», hoặc đặt một mã khác hẳn"]


def test_another_template_s_column_where_this_one_s_is_missing_is_refused(staffed, tmp_path):
    """«Mã sáng kiến» (the initiatives' own column) for «Sáng kiến làm căn cứ»: left out, the award had lost the
    initiative it rests on, which stayed free for another."""
    headers = AWARD_HEADERS[:-1] + ["Mã sáng kiến"]
    problems = refused(staffed, write_xlsx(tmp_path / "kt.xlsx", headers, [
        ["Cá nhân", "CB2", "CSTĐCS", 2024, "9/QĐ-SKHCN", "10/12/2024", "SKHCN", "SK2"]]))
    assert problems == ["kt.xlsx, dòng 1, cột «Mã sáng kiến»: cột «Mã sáng kiến» không thuộc mẫu Danh hiệu, hình thức "
                        "khen thưởng đã quyết định (có phải «Sáng kiến làm căn cứ»?)"]
