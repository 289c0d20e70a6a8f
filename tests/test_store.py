"""The system of record, on SQLite and on PostgreSQL: batches land whole, once, and the latest is current."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, FACT_HEADERS, PEOPLE_HEADERS, dossier, snapshot, units_file, write_csv, write_xlsx
from store import dossier_data, models
from store.db import head_revision
from store.ingest import IngestError, ingest_file
from store.queries import indicator_frame


@pytest.fixture
def db(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    return any_engine


def test_the_unit_tree_is_stored_with_parents(db):
    with Session(db) as s:
        units = {u.code: u for u in s.scalars(select(models.Unit))}
    assert units["SKHCN-VP"].parent_id == units["SKHCN"].id
    assert units["SKHCN"].parent_id == units["TINH"].id
    assert units["XA0001"].kind == "xa_phuong"
    assert units["SKHCN"].name == "Sở Khoa học và Công nghệ"


def test_the_same_file_lands_once(db, tmp_path):
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "120", "Sổ VB đi"]])
    first = ingest_file(db, path)
    before = snapshot(db)
    again = ingest_file(db, path)
    assert again.already and again.batch_id == first.batch_id
    assert snapshot(db) == before


def test_a_correction_is_a_new_batch_and_becomes_current(db, tmp_path):
    ingest_file(db, write_csv(tmp_path / "a.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["SKHCN", "Năm 2024", "van_ban_ky_so", "118", ""]]))
    ingest_file(db, write_csv(tmp_path / "b.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_ky_so", "120", ""]]))
    frame = indicator_frame(db, "2024-NAM")
    assert frame.loc["SKHCN", "van_ban_ky_so"] == 120
    assert frame.loc["SKHCN", "van_ban_di"] == 120
    with Session(db) as s:
        history = s.scalars(select(models.Fact.value).where(models.Fact.indicator_code == "van_ban_ky_so")
                            .order_by(models.Fact.batch_id)).all()
    assert history == [118, 120]  # nothing overwritten


def test_an_earlier_file_sent_back_after_its_correction_is_told_so_and_lands_again_when_asked(db, tmp_path):
    """Sent back, the earlier file had been «already landed, nothing added» without a word while the correction
    stayed current: the office believed its values were. It is now told so, and lands again when sent with
    «again» (``cchc ingest --lai``); named twice so, it lands once. Dossiers are versions by their keys: their
    bytes land once."""
    first = write_csv(tmp_path / "a.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "sipas", "91", ""]])
    ingest_file(db, first)
    ingest_file(db, write_csv(tmp_path / "b.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "sipas", "81", ""]]))
    before = snapshot(db)
    back = ingest_file(db, first)
    assert back.already and snapshot(db) == before
    assert [str(w) for w in back.warnings] == [
        f"a.csv: sau lô này còn có lô #{back.batch_id + 1} (b.csv) cùng loại: số liệu nào lô sau ghi lại thì số liệu "
        "của lô sau là hiện hành; để số liệu của tệp này là hiện hành, nhập lại với --lai"]
    again = ingest_file(db, first, again=True)
    assert not again.already and indicator_frame(db, "2024-NAM").loc["SKHCN", "sipas"] == 91
    assert again.notes == [f"tệp này đã được nhập ở lô #{back.batch_id}; nhập lại (--lai): số liệu của tệp này là số "
                           "liệu hiện hành"]
    assert ingest_file(db, first).already and ingest_file(db, first).warnings == []
    from store.ingest.files import ingest_files

    twice = ingest_files(db, [first, first], again=True)
    assert [st.result.already for st in twice] == [False, True]
    hs = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1")])
    ingest_file(db, hs, year=2024)
    ingest_file(db, write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS, [dossier(code="HS2")]), year=2024)
    assert ingest_file(db, hs, year=2024, again=True).already


def test_evidence_is_kept_beside_the_figure(db, tmp_path):
    ingest_file(db, write_csv(tmp_path / "a.csv", FACT_HEADERS, [
        ["SKHCN", "Quý I/2024", "van_ban_di", "30", "Sổ đăng ký văn bản đi quý I"]]))
    with Session(db) as s:
        ev = s.scalars(select(models.Evidence)).one()
        period = s.get(models.Period, "2024-Q1")
    assert (ev.period_code, ev.indicator_code, ev.reference) == ("2024-Q1", "van_ban_di", "Sổ đăng ký văn bản đi quý I")
    assert (period.start.isoformat(), period.end.isoformat(), period.due.isoformat()) == (
        "2023-12-15", "2024-03-14", "2024-03-20")


def test_people_ratings_discipline_and_initiatives(db, tmp_path):
    ingest_file(db, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Thị Hoa", "Nữ", "12/05/1985", "Công chức", "Chuyên viên", "SKHCN-VP", "2023", "HTTNV"],
        ["CB1", "Nguyễn Thị Hoa", "Nữ", "12/05/1985", "Công chức", "Chánh Văn phòng", "SKHCN-VP", "2024",
         "Hoàn thành xuất sắc nhiệm vụ"],
        ["CB2", "Lò Văn Páo", "Nam", "", "Cán bộ", "Chủ tịch UBND", "XA0001", "2024", "Hoàn thành nhiệm vụ"],
    ], bom=True))
    ingest_file(db, write_xlsx(tmp_path / "ky_luat.xlsx",
                               ["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định", "Ngày quyết định"],
                               [["CB2", 2024, "Khiển trách", "Đang xem xét", None, None]]))
    ingest_file(db, write_xlsx(tmp_path / "sang_kien.xlsx",
                               ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận"],
                               [["SK-1", "Số hóa sổ theo dõi văn bản", "CB1", 2024, "Cấp cơ sở"]]))
    with Session(db) as s:
        hoa = s.scalars(select(models.Person).where(models.Person.code == "CB1")).one()
        ratings = dict(s.execute(select(models.StaffRating.year, models.StaffRating.rating)
                                 .where(models.StaffRating.person_id == hoa.id)).all())
        pending = s.scalars(select(models.Discipline)).one()
        initiative = s.scalars(select(models.Initiative)).one()
    assert (hoa.position, hoa.gender, hoa.category, str(hoa.birth_date)) == (
        "Chánh Văn phòng", "nu", "cong_chuc", "1985-05-12")
    assert ratings == {2023: "HTTNV", 2024: "HTXSNV"}
    assert (pending.status, pending.form) == ("dang_xem_xet", "khien_trach")
    assert (initiative.person_id, initiative.level) == (hoa.id, "co_so")


def test_a_corrected_earlier_year_leaves_a_person_where_their_latest_year_has_them(db, tmp_path):
    """CB1 is Chánh Văn phòng of SKHCN's office in 2024; a file correcting her 2023 rating, when she was a
    Chuyên viên at STP, corrects that year's rating and unit, and leaves her where and as what she works now."""
    ingest_file(db, write_csv(tmp_path / "can_bo.csv", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Thị Hoa", "Nữ", "12/05/1985", "Công chức", "Chuyên viên", "STP", "2023", "HTNV"],
        ["CB1", "Nguyễn Thị Hoa", "Nữ", "12/05/1985", "Công chức", "Chánh Văn phòng", "SKHCN-VP", "2024", "HTXSNV"]]))
    ingest_file(db, write_csv(tmp_path / "can_bo_2023.csv", PEOPLE_HEADERS, [
        ["CB1", "Nguyễn Thị Hoa", "Nữ", "12/05/1985", "Viên chức", "Chuyên viên", "STP", "2023", "HTTNV"]]))
    with Session(db) as s:
        hoa = s.scalars(select(models.Person).where(models.Person.code == "CB1")).one()
        unit = s.get(models.Unit, hoa.unit_id).code
        ratings = dict(s.execute(select(models.StaffRating.year, models.StaffRating.rating)
                                 .where(models.StaffRating.person_id == hoa.id)).all())
    assert (hoa.position, unit, hoa.category) == ("Chánh Văn phòng", "SKHCN-VP", "cong_chuc")
    assert ratings == {2023: "HTTNV", 2024: "HTXSNV"}


def test_dossiers_become_indicators_per_period(db, tmp_path):
    ingest_file(db, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(code="1"),
        dossier(code="2", received="2024-07-01", due="2024-07-05", finished="2024-07-09", channel="Trực tiếp",
                fee="Không", paid="Không", e_result="Không"),
        dossier(unit="XA0001", code="1", received="20/12/2023", due="28/12/2023", finished="22/12/2023"),
    ]))
    year = indicator_frame(db, "2024-NAM")
    assert year.loc["STP", "hs_tiep_nhan"] == 2
    assert year.loc["STP", "hs_dung_han"] == 1
    assert year.loc["STP", "hs_truc_tuyen"] == 1
    assert year.loc["XA0001", "hs_tiep_nhan"] == 1
    q1 = indicator_frame(db, "2024-Q1")
    assert q1.loc["STP", "hs_tiep_nhan"] == 1 and q1.loc["XA0001", "hs_tiep_nhan"] == 1
    assert indicator_frame(db, "2024-Q3").loc["STP", "hs_qua_han"] == 1


def test_more_dossiers_later_recount_the_unit_from_all_of_them(db, tmp_path):
    first = [dossier(code=f"A{i}", channel="Trực tuyến" if i < 412 else "Trực tiếp") for i in range(500)]
    ingest_file(db, write_csv(tmp_path / "hs1.csv", DOSSIER_HEADERS, first + [dossier(unit="SKHCN", code="K")]))
    assert indicator_frame(db, "2024-NAM").loc["STP", "hs_truc_tuyen"] == 412
    more = [dossier(code=f"B{i}") for i in range(118)]
    ingest_file(db, write_csv(tmp_path / "hs2.csv", DOSSIER_HEADERS, more))
    frame = indicator_frame(db, "2024-NAM")
    assert frame.loc["STP", "hs_truc_tuyen"] == 530
    assert frame.loc["STP", "hs_tiep_nhan"] == 618
    assert frame.loc["SKHCN", "hs_tiep_nhan"] == 1  # other units keep their counts
    # a corrected dossier replaces its earlier version
    ingest_file(db, write_csv(tmp_path / "hs3.csv", DOSSIER_HEADERS, [dossier(code="A0", channel="Trực tiếp")]))
    assert indicator_frame(db, "2024-NAM").loc["STP", "hs_truc_tuyen"] == 529


def test_an_interrupted_import_leaves_the_database_unchanged(db, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=str(i)) for i in range(50)])
    before = snapshot(db)

    def crash(*args, **kwargs):  # the dossiers' dataset is written by now; the crash comes half way
        raise RuntimeError("mất kết nối giữa chừng")

    monkeypatch.setattr(dossier_data, "totals", crash)
    with pytest.raises(RuntimeError):
        ingest_file(db, path)
    assert snapshot(db) == before
    assert not [p for p in dossier_data.root(db).rglob("*") if p.is_file()]  # nor a dataset on disk
    monkeypatch.undo()
    assert ingest_file(db, path).rows == 50  # the same file, once the fault is gone, lands whole


def test_an_invalid_import_leaves_the_database_unchanged(db, tmp_path):
    before = snapshot(db)
    with pytest.raises(IngestError):
        ingest_file(db, write_csv(tmp_path / "x.csv", FACT_HEADERS, [
            ["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["SKHCN", "Năm 2024", "van_ban_ky_so", "121", ""]]))
    assert snapshot(db) == before


def test_semicolon_csv_and_typed_excel_cells_read_alike(db, tmp_path):
    ingest_file(db, write_csv(tmp_path / "a.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "ty_le_hai_long", "98,3", ""]],
                              sep=";"))
    ingest_file(db, write_xlsx(tmp_path / "b.xlsx", FACT_HEADERS, [["STP", "Năm 2024", "ty_le_hai_long", 97.5, None]]))
    frame = indicator_frame(db, "2024-NAM")
    assert frame.loc["SKHCN", "ty_le_hai_long"] == pytest.approx(98.3)
    assert frame.loc["STP", "ty_le_hai_long"] == pytest.approx(97.5)


def test_parquet_dossiers(db, tmp_path):
    frame = pd.DataFrame([dossier(code=str(i)) for i in range(10)], columns=DOSSIER_HEADERS)
    frame["Ngày tiếp nhận"] = pd.to_datetime(frame["Ngày tiếp nhận"], format="%d/%m/%Y")
    frame.to_parquet(tmp_path / "ho_so.parquet")
    assert ingest_file(db, tmp_path / "ho_so.parquet").rows == 10
    assert indicator_frame(db, "2024-Q1").loc["STP", "hs_tiep_nhan"] == 10


def test_schema_is_at_the_newest_migration(db):
    with db.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()


def test_db_status_counts_every_table_of_the_record():
    from store.db import TABLES

    assert set(TABLES) == set(models.Base.metadata.tables) - {"indicator"}


def test_two_files_valid_alone_but_contradictory_together_never_both_land(any_engine, tmp_path):
    """The part-above-whole check reads the store under the write lock: of a lowered whole (80 documents sent)
    and a part that fits the old whole (90 of 100 signed) arriving at once, one lands and the other is refused."""
    import threading

    ingest_file(any_engine, units_file(tmp_path))
    for trial in range(4):
        period = f"Quý {'I' * (trial % 3 + 1)}/2024" if trial < 3 else "Năm 2024"
        ingest_file(any_engine, write_csv(tmp_path / f"goc{trial}.csv", FACT_HEADERS,
                                          [["STP", period, "van_ban_di", 100, ""]]))
        part = write_csv(tmp_path / f"ky_so{trial}.csv", FACT_HEADERS, [["STP", period, "van_ban_ky_so", 90, ""]])
        whole = write_csv(tmp_path / f"di{trial}.csv", FACT_HEADERS, [["STP", period, "van_ban_di", 80, ""]])
        start, outcomes = threading.Barrier(2), []

        def land(path):
            start.wait()
            try:
                ingest_file(any_engine, path)
                outcomes.append("landed")
            except IngestError as e:
                outcomes.append(e.render())

        threads = [threading.Thread(target=land, args=(p,)) for p in (part, whole)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(o == "landed" for o in outcomes) == [False, True], outcomes
        [refusal] = [o for o in outcomes if o != "landed"]
        assert "Văn bản đi được ký số (90) lớn hơn Tổng số văn bản đi (80" in refusal


def test_facts_read_once_for_a_run_are_what_the_store_gives_and_see_a_fact_added_since(db, tmp_path):
    from store.queries import _current_facts, current_facts, facts_read_once

    ingest_file(db, write_csv(tmp_path / "a.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["SKHCN", "Năm 2024", "van_ban_ky_so", "118", ""],
        ["STP", "Quý I/2024", "van_ban_di", "30", ""], ["SKHCN", "Năm 2023", "van_ban_di", "100", ""]]))
    ingest_file(db, write_csv(tmp_path / "b.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_ky_so", "120", ""]]))
    with Session(db) as s:
        ids = dict(s.execute(select(models.Unit.code, models.Unit.id)).all())
    asked = [(["2024-NAM"], None), (["2024-NAM", "2024-Q1"], None), (["2024-Q1", "2023-NAM"], [ids["STP"]]),
             (["2024-Q2"], None), (["2022-NAM"], None)]
    with facts_read_once(db, (2023, 2024)):
        with Session(db) as s:
            for periods, units in asked:
                pd.testing.assert_frame_equal(current_facts(s, periods, units), _current_facts(s, periods, units))
            assert current_facts(s, ["2024-NAM"]).set_index("indicator").loc["van_ban_ky_so", "value"] == 120
        ingest_file(db, write_csv(tmp_path / "c.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_ky_so", "119", ""]]))
        with Session(db) as s:
            got = current_facts(s, ["2024-NAM"])
            pd.testing.assert_frame_equal(got, _current_facts(s, ["2024-NAM"]))
            assert got.set_index("indicator").loc["van_ban_ky_so", "value"] == 119
    with Session(db) as s:  # outside, the store is asked as ever
        pd.testing.assert_frame_equal(current_facts(s, ["2024-NAM"]), got)


def test_postgresql_s_usual_address_reaches_it_with_the_driver_installed():
    """«postgresql://…» had failed with «No module named 'psycopg2'» (exit 3): it is psycopg 3's."""
    from conftest import POSTGRES_URL
    from store.db import make_engine

    usual = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    engine = make_engine(usual)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
    assert make_engine("postgres://u@h/db").url.drivername == "postgresql+psycopg"
