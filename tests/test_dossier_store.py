"""Dossiers in the columnar store: facts equal to the in-memory aggregation, files of any size checked slice by
slice with exact rows, a later batch re-aggregating only its own units, existing databases migrated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file, write_csv
from store import dossier_data, models
from store.db import make_engine, upgrade
from store.ingest import KINDS, IngestError, ingest_file, parse, read_table, streamed
from dossier_counts import aggregate
from store.ingest.problems import Collector

KEY = ["unit_id", "period_code", "indicator_code"]


def _current_facts(engine, indicators=dossier_data.INDICATORS) -> pd.DataFrame:
    """The current value of every dossier indicator (the latest batch's), as the rules engine reads them."""
    with engine.connect() as conn:
        facts = pd.read_sql(text("SELECT unit_id, period_code, indicator_code, value, batch_id FROM fact"), conn)
    facts = facts[facts["indicator_code"].isin(indicators)]
    facts = facts.sort_values("batch_id").drop_duplicates(KEY, keep="last")
    return facts.drop(columns="batch_id").sort_values(KEY, ignore_index=True)


def _in_memory(engine, path: Path, year: int) -> pd.DataFrame:
    """The file's facts as the in-memory path computes them: read whole, parsed, aggregated by pandas."""
    frame = parse(KINDS["ho_so"], read_table(path, "ho_so"), Collector(path.name))
    with Session(engine) as s:
        ids = dict(s.execute(select(models.Unit.code, models.Unit.id)).all())
    rows = pd.DataFrame({"unit_id": frame["unit"].map(ids), "code": frame["code"], "tthc_code": frame["tthc"],
                         "received": frame["received"], "due": frame["due"], "finished": frame["finished"],
                         "channel": frame["channel"], "has_fee": frame["has_fee"].astype(bool),
                         "paid_online": frame["paid_online"].astype(bool),
                         "digitised": frame["digitised"].astype(bool), "e_result": frame["e_result"].astype(bool),
                         "supplements": frame["supplements"].astype("int64"), "paper_result": frame["paper_result"]})
    return aggregate(rows, year).sort_values(KEY, ignore_index=True)


def test_the_demo_facts_are_those_of_the_in_memory_aggregation(tmp_path):
    from cchc.demo import DemoSpec, generate

    files = generate(tmp_path / "data", DemoSpec(communes=8, dossiers=40_000))
    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    upgrade(engine)
    for path in files.in_order():
        ingest_file(engine, path)
    expected = pd.concat([_in_memory(engine, files.previous_dossiers, 2023), _in_memory(engine, files.dossiers, 2024)],
                         ignore_index=True).sort_values(KEY, ignore_index=True)
    got = _current_facts(engine)
    assert len(got) == len(expected) > 1000
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with Session(engine) as s:
        sets = s.scalars(select(models.DossierDataset).order_by(models.DossierDataset.year)).all()
        assert [(d.year, d.rows) for d in sets] == [(2023, 8_000), (2024, 40_000)]
        assert s.scalar(select(models.IngestBatch.sha256).where(models.IngestBatch.id == sets[1].batch_id)) \
            == sets[1].path.split("/")[-1]
    stored = tmp_path / "du-lieu" / sets[1].path
    assert sorted(p.parent.parent.name for p in stored.glob("year=*/month=*/*.parquet"))[0] == "year=2023"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM dossier")).scalar() == 0  # no dossier row in SQL
    engine.dispose()


def _big_csv(path: Path, n: int, unit_codes=("STP", "SKHCN", "XA0001")) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    received = pd.Timestamp("2024-01-02") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    due = received + pd.to_timedelta(rng.integers(1, 20, n), unit="D")
    finished = received + pd.to_timedelta(rng.integers(0, 25, n), unit="D")
    frame = pd.DataFrame({
        "Mã đơn vị": np.array(unit_codes)[rng.integers(0, len(unit_codes), n)],
        "Mã hồ sơ": [f"HS{i:07d}" for i in range(n)], "Mã TTHC": [f"1.{i % 40:06d}" for i in range(n)],
        "Ngày tiếp nhận": received.strftime("%d/%m/%Y"), "Ngày hẹn trả": due.strftime("%d/%m/%Y"),
        "Ngày có kết quả": finished.strftime("%d/%m/%Y"),
        "Hình thức nộp": np.array(["Trực tuyến", "Trực tiếp", "Bưu chính"])[rng.integers(0, 3, n)],
        "Có phí, lệ phí": "Có", "Thanh toán trực tuyến": "Không", "Số hóa": "Có", "Kết quả điện tử": "Không",
        "Số lần yêu cầu bổ sung": "0"})
    frame.to_csv(path, index=False)
    return frame


def _stored_files(engine) -> list[Path]:
    return [p for p in (dossier_data.root(engine)).rglob("*") if p.is_file()]


def test_a_bad_row_deep_in_a_large_file_is_named_and_nothing_is_written(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    n = streamed.CHUNK_ROWS + 60_000  # the bad rows sit in the second slice
    frame = _big_csv(tmp_path / "ho_so.csv", n)
    frame.loc[n - 7, "Ngày hẹn trả"] = "31/02/2024"
    frame.loc[n - 3, "Mã hồ sơ"] = frame.loc[4, "Mã hồ sơ"]
    frame.loc[n - 3, "Mã đơn vị"] = frame.loc[4, "Mã đơn vị"]
    frame.to_csv(tmp_path / "ho_so.csv", index=False)
    assert (tmp_path / "ho_so.csv").stat().st_size * (n - 7) / n > streamed.CHUNK_BYTES * 1.05  # past the first
    before = snapshot(any_engine)
    with pytest.raises(IngestError) as err:
        ingest_file(any_engine, tmp_path / "ho_so.csv")
    found = {(p.row, p.column, p.message) for p in err.value.problems}
    assert found == {(n - 7 + 2, "Ngày hẹn trả", "«31/02/2024» không phải ngày hợp lệ (dd/mm/yyyy)"),
                     (n - 3 + 2, "Mã đơn vị", "trùng khóa (Mã đơn vị, Mã hồ sơ) với dòng 6")}
    assert snapshot(any_engine) == before
    assert _stored_files(any_engine) == []  # nothing staged is left behind either


def test_many_bad_rows_over_slices_are_counted_once(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    n = streamed.CHUNK_ROWS + 100_000
    frame = _big_csv(tmp_path / "ho_so.csv", n)
    bad = np.arange(0, n, 1000)
    frame.loc[bad, "Số lần yêu cầu bổ sung"] = "-1"
    frame.to_csv(tmp_path / "ho_so.csv", index=False)
    assert (tmp_path / "ho_so.csv").stat().st_size > streamed.CHUNK_BYTES * 1.2  # rows in two slices at least
    with pytest.raises(IngestError) as err:
        ingest_file(engine, tmp_path / "ho_so.csv")
    problems = err.value.problems
    assert [p.row for p in problems[:10]] == list(bad[:10] + 2)
    assert problems[10].message == f"… và {len(bad) - 10} dòng khác cùng lỗi (giá trị âm «-1» không hợp lệ (phải ≥ 0))"
    assert len(problems) == 11


def test_a_large_file_lands_with_the_facts_of_the_in_memory_path(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    n = streamed.CHUNK_ROWS + 10_000
    _big_csv(tmp_path / "ho_so.csv", n)
    result = ingest_file(any_engine, tmp_path / "ho_so.csv")
    assert result.rows == n and result.loaded["hồ sơ"] == n
    pd.testing.assert_frame_equal(_current_facts(any_engine), _in_memory(any_engine, tmp_path / "ho_so.csv", 2024),
                                  check_dtype=False)
    assert len(dossier_data.read(any_engine)) == n


def test_a_second_batch_re_aggregates_only_the_units_it_touched(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    first = write_csv(tmp_path / "ho_so_1.csv", DOSSIER_HEADERS, [
        dossier(unit="STP", code="A"), dossier(unit="STP", code="B", received="10/06/2024", due="20/06/2024",
                                               finished="19/06/2024"),
        dossier(unit="SKHCN", code="A", tthc="1.000002"), dossier(unit="XA0001", code="C")])
    one = ingest_file(any_engine, first)
    # STP's dossier A is corrected (finished late now) and a new one arrives; the others are not in the file.
    second = write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS, [
        dossier(unit="STP", code="A", finished="20/03/2024", channel="Trực tiếp"),
        dossier(unit="STP", code="D", tthc="1.000009", received="01/04/2024", due="05/04/2024", finished="",
                e_result="Không")])
    two = ingest_file(any_engine, second)
    with Session(any_engine) as s:
        ids = dict(s.execute(select(models.Unit.code, models.Unit.id)).all())
        written = set(s.scalars(select(models.Fact.unit_id).where(models.Fact.batch_id == two.batch_id)))
        kept = set(s.scalars(select(models.Fact.unit_id).where(models.Fact.batch_id == one.batch_id)))
    assert written == {ids["STP"]}  # the second batch's facts: its own unit only
    assert kept == {ids["STP"], ids["SKHCN"], ids["XA0001"]}
    assert two.loaded == {"hồ sơ": 2, "đơn vị có hồ sơ": 1, "số liệu tổng hợp": len(_current_facts(any_engine).query(
        f"unit_id == {ids['STP']}"))}
    # STP as it now stands: A corrected, B as it was, D new — as pandas computes it from those three rows
    rows = pd.DataFrame([(ids["STP"], "A", "1.000001", "2024-03-05", "2024-03-12", "2024-03-20", "truc_tiep"),
                         (ids["STP"], "B", "1.000001", "2024-06-10", "2024-06-20", "2024-06-19", "truc_tuyen"),
                         (ids["STP"], "D", "1.000009", "2024-04-01", "2024-04-05", None, "truc_tuyen")],
                        columns=["unit_id", "code", "tthc_code", "received", "due", "finished", "channel"])
    for c in ("received", "due", "finished"):
        rows[c] = pd.to_datetime(rows[c])
    rows = rows.assign(has_fee=True, paid_online=True, digitised=True, e_result=rows["finished"].notna(),
                       supplements=0)
    stp = _current_facts(any_engine).query(f"unit_id == {ids['STP']}").reset_index(drop=True)
    pd.testing.assert_frame_equal(stp, aggregate(rows, 2024).sort_values(KEY, ignore_index=True), check_dtype=False)
    year = stp[stp["period_code"] == "2024-NAM"].set_index("indicator_code")["value"]
    assert (year["hs_tiep_nhan"], year["hs_qua_han"], year["hs_truc_tiep"], year["tthc_phat_sinh_ho_so"]) == (3, 2, 1, 2)


def test_a_period_a_correction_leaves_without_dossiers_counts_none(any_engine, tmp_path):
    """STP's only dossier of the first quarter is sent again received in July: the quarter's counts, written by
    the first batch, are no longer current — the unit's counts are those of a single file of the final rows."""
    ingest_file(any_engine, units_file(tmp_path))
    ingest_file(any_engine, write_csv(tmp_path / "ho_so_1.csv", DOSSIER_HEADERS, [dossier(unit="STP", code="A")]))
    moved = dossier(unit="STP", code="A", received="05/07/2024", due="12/07/2024", finished="10/07/2024")
    ingest_file(any_engine, write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS, [moved]))
    facts = _current_facts(any_engine)
    counted = facts[facts["value"] != 0].reset_index(drop=True)
    assert set(counted["period_code"]) == {"2024-Q3", "2024-9T", "2024-NAM"}
    expected = _in_memory(any_engine, write_csv(tmp_path / "final.csv", DOSSIER_HEADERS, [moved]), 2024)
    pd.testing.assert_frame_equal(counted, expected[expected["value"] != 0].reset_index(drop=True),
                                  check_dtype=False)


def test_an_existing_database_s_dossier_rows_move_to_datasets(tmp_path):
    from alembic import command
    from alembic.config import Config

    from store.db import MIGRATIONS, migrating
    from store.ingest.bulk import insert_frame

    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0011")
    with engine.begin() as conn:  # the units as a database before 0012 holds them
        conn.execute(text("INSERT INTO ingest_batch (id, kind, file_name, sha256, rows, created_at, created_by) "
                          "VALUES (1, 'don_vi', 'u', 'u', 2, '2024-01-01 00:00:00', 't'), "
                          "(2, 'ho_so', 'ho_so.csv', :sha, 3, '2024-06-01 00:00:00', 't')"), {"sha": "ab" * 32})
        conn.execute(text("INSERT INTO unit (id, code, name, kind, batch_id) VALUES (1, 'TINH', 'UBND tỉnh', 'tinh', "
                          "1), (2, 'STP', 'Sở Tư pháp', 'so_nganh', 1)"))
    old = pd.DataFrame({"unit_id": [2, 2, 2], "code": ["A", "B", "C"], "tthc_code": ["1.1", "1.1", "1.2"],
                        "received": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-07-01"]),
                        "due": pd.to_datetime(["2024-01-10", "2024-03-05", "2024-07-20"]),
                        "finished": pd.to_datetime(["2024-01-09", None, "2024-07-02"]),
                        "channel": ["truc_tuyen", "truc_tiep", "buu_chinh"], "has_fee": [True, False, True],
                        "paid_online": [True, False, False], "digitised": [True, True, False],
                        "e_result": [True, False, True], "supplements": [0, 2, 1], "batch_id": 2})
    with Session(engine) as s, s.begin():
        insert_frame(s, models.Dossier, old)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM dossier")).scalar() == 0
        assert conn.execute(text("SELECT batch_id, path, year, rows, first_received, last_received "
                                 "FROM dossier_dataset")).one() == \
            (2, "ho-so/" + "ab" * 32, 2024, 3, "2024-01-05", "2024-07-01")
    moved = dossier_data.read(engine).sort_values("code", ignore_index=True)
    assert moved["unit"].tolist() == ["STP"] * 3 and moved["batch_id"].tolist() == [2, 2, 2]
    assert moved["finished"].isna().tolist() == [False, True, False]
    assert moved["supplements"].tolist() == [0, 2, 1] and moved["has_fee"].tolist() == [True, False, True]
    with migrating(engine) as conn:  # and back: the rows return to the table
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    with engine.connect() as conn:
        back = pd.read_sql(text("SELECT * FROM dossier ORDER BY code"), conn)
    assert back["code"].tolist() == ["A", "B", "C"] and back["unit_id"].tolist() == [2, 2, 2]
    assert back["supplements"].tolist() == [0, 2, 1] and back["finished"].isna().tolist() == [False, True, False]
    upgrade(engine)
    # A batch after the move sees the moved dossiers: B is corrected, A and C still count.
    later = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [
        dossier(unit="STP", code="B", received="01/03/2024", due="05/03/2024", finished="04/03/2024")])
    ingest_file(engine, later)
    year = _current_facts(engine).query("period_code == '2024-NAM'").set_index("indicator_code")["value"]
    assert (year["hs_tiep_nhan"], year["hs_qua_han"], year["tthc_phat_sinh_ho_so"]) == (3, 0, 3)
    engine.dispose()


def test_a_table_of_dossiers_built_in_memory_is_checked_and_landed_as_a_file_is(any_engine, tmp_path):
    from store.ingest import ingest_table

    ingest_file(any_engine, units_file(tmp_path))
    rows = [dossier(code=f"HS{i}", received=f"{i + 1:02d}/03/2024") for i in range(6)]
    rows[4] = dossier(code="HS4", received="05/03/2024", due="01/03/2024")  # due before its receipt
    table = pd.DataFrame(rows, columns=DOSSIER_HEADERS)
    before = snapshot(any_engine)
    with pytest.raises(IngestError) as err:
        ingest_table(any_engine, table, "bieu-mau", "ho_so", "kiem-thu", year=2024)
    assert [(p.row, p.column, p.message) for p in err.value.problems] == [
        (6, "Ngày hẹn trả", "ngày hẹn trả trước ngày tiếp nhận")]
    assert snapshot(any_engine) == before and _stored_files(any_engine) == []
    rows[4] = dossier(code="HS4", received="05/03/2024")
    write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows)
    result = ingest_table(any_engine, pd.DataFrame(rows, columns=DOSSIER_HEADERS), "bieu-mau", "ho_so", "kiem-thu")
    assert result.loaded["hồ sơ"] == 6 and not [p for p in dossier_data.scratch(any_engine).rglob("*") if p.is_file()]
    pd.testing.assert_frame_equal(_current_facts(any_engine), _in_memory(any_engine, tmp_path / "ho_so.csv", 2024),
                                  check_dtype=False)


def test_a_code_written_in_powers_of_ten_is_refused_in_a_large_file(engine, tmp_path):
    """Excel shows a long number in a narrow cell as «2,40511E+11» and writes it so to a CSV: the digits are gone."""
    ingest_file(engine, units_file(tmp_path))
    n = streamed.CHUNK_ROWS + 20_000
    frame = _big_csv(tmp_path / "ho_so.csv", n)
    frame.loc[n - 5, "Mã hồ sơ"] = "2.40511E+11"
    frame.loc[n - 4, "Mã TTHC"] = "1,00439E+12"
    frame.loc[n - 3, "Mã hồ sơ"] = "HS-E+1"  # a code that only holds those letters
    frame.to_csv(tmp_path / "ho_so.csv", index=False)
    before = snapshot(engine)
    with pytest.raises(IngestError) as err:
        ingest_file(engine, tmp_path / "ho_so.csv")
    assert [(p.row, p.column) for p in err.value.problems] == [(n - 5 + 2, "Mã hồ sơ"), (n - 4 + 2, "Mã TTHC")]
    assert "lũy thừa" in err.value.problems[0].message and snapshot(engine) == before
