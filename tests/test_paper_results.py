"""The optional «TTHC trả kết quả bản giấy» column of dossier files: Decision 766's 3.3, 4.1 and 4.2 exactly when
it is there (hand-counted on a small file), the dossiers of a file without it counted apart, a bad cell refused
by row and column with nothing written."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file, write_csv, write_xlsx
from store import models
from store.ingest import IngestError, ingest_file

PAPER = "TTHC trả kết quả bản giấy"
NEW = ("hs_chua_ro_ban_giay", "hs_giay_da_giai_quyet", "hs_giay_ket_qua_dien_tu", "hs_truc_tuyen_dat",
       "hs_so_hoa_dat", "hs_da_giai_quyet", "hs_ket_qua_dien_tu", "hs_truc_tuyen", "hs_so_hoa", "hs_tiep_nhan")

# STP's six dossiers of March 2024 (Q1), by hand:
#   A paper, online, finished, e-result, digitised   → 4.1 yes; 3.3 yes; 4.2 yes
#   B paper, online, finished, no e-result, digitised → 4.1 no;  3.3 no;  4.2 no
#   C paper, direct, not finished, digitised          → not finished (not in 4.1); 4.2 no
#   D not paper, online, finished, no e-result        → 3.3 yes; 4.2 yes (digitised)
#   E not paper, direct, finished, e-result, not digitised
#   F blank (Không), online, finished, e-result, digitised → 3.3 yes; 4.2 yes
ROWS = [
    dossier(code="A") + ["Có"],
    dossier(code="B", e_result="Không") + ["có"],
    dossier(code="C", channel="Trực tiếp", finished="", e_result="Không") + ["x"],
    dossier(code="D", e_result="Không") + ["Không"],
    dossier(code="E", channel="Trực tiếp", digitised="Không") + ["K"],
    dossier(code="F") + [""],
]


def _year(engine, unit="STP") -> pd.Series:
    with engine.connect() as conn:
        facts = pd.read_sql(text("SELECT f.indicator_code, f.value, f.batch_id FROM fact f JOIN unit u ON u.id = f.unit_id "
                                 "WHERE u.code = :u AND f.period_code = '2024-NAM'"), conn, params={"u": unit})
    facts = facts.sort_values("batch_id").drop_duplicates("indicator_code", keep="last")
    return facts.set_index("indicator_code")["value"].reindex(list(NEW))


@pytest.mark.parametrize("form", ["csv", "xlsx"])  # a CSV is read slice by slice, a workbook whole
def test_with_the_column_the_counts_are_the_decision_s(engine, tmp_path, form):
    ingest_file(engine, units_file(tmp_path))
    write = write_csv if form == "csv" else write_xlsx
    ingest_file(engine, write(tmp_path / f"ho_so.{form}", DOSSIER_HEADERS + [PAPER], ROWS))
    got = _year(engine)
    assert got.to_dict() == {"hs_chua_ro_ban_giay": 0, "hs_giay_da_giai_quyet": 2, "hs_giay_ket_qua_dien_tu": 1,
                             "hs_truc_tuyen_dat": 3, "hs_so_hoa_dat": 3, "hs_da_giai_quyet": 5,
                             "hs_ket_qua_dien_tu": 3, "hs_truc_tuyen": 4, "hs_so_hoa": 5, "hs_tiep_nhan": 6}


def test_without_the_column_every_dossier_is_counted_as_unknown(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    ingest_file(engine, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [r[:-1] for r in ROWS]))
    got = _year(engine)
    assert got.to_dict() == {"hs_chua_ro_ban_giay": 6, "hs_giay_da_giai_quyet": 0, "hs_giay_ket_qua_dien_tu": 0,
                             "hs_truc_tuyen_dat": 0, "hs_so_hoa_dat": 0, "hs_da_giai_quyet": 5,
                             "hs_ket_qua_dien_tu": 3, "hs_truc_tuyen": 4, "hs_so_hoa": 5, "hs_tiep_nhan": 6}
    # a later file with the column, re-sending the same dossiers, makes them known
    ingest_file(engine, write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS + [PAPER], ROWS))
    assert _year(engine)[["hs_chua_ro_ban_giay", "hs_giay_da_giai_quyet", "hs_giay_ket_qua_dien_tu"]].tolist() == [0, 2, 1]


def test_a_dataset_stored_before_the_column_reads_as_unknown(engine, tmp_path):
    import pyarrow.parquet as pq

    from store import dossier_data

    ingest_file(engine, units_file(tmp_path))
    ingest_file(engine, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS + [PAPER], ROWS[:3]))
    with Session(engine) as s:
        batch, stored = s.execute(select(models.DossierDataset.batch_id, models.DossierDataset.path)).one()
    for part in (dossier_data.data_dir(engine) / stored).rglob("*.parquet"):  # as datasets were written before
        pq.write_table(pq.read_table(part).drop_columns(["paper_result"]), part)
    dossier_data.changes_path(engine, batch, stored).unlink()  # its counts, made again from the dataset
    ingest_file(engine, write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS + [PAPER], ROWS[3:]))
    got = _year(engine)
    assert (got["hs_chua_ro_ban_giay"], got["hs_tiep_nhan"], got["hs_truc_tuyen_dat"]) == (3, 6, 2)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_bad_value_is_refused_by_row_and_column_and_nothing_is_written(engine, tmp_path, form):
    ingest_file(engine, units_file(tmp_path))
    rows = [list(r) for r in ROWS]
    rows[3][-1] = "giấy"
    before = snapshot(engine)
    write = write_csv if form == "csv" else write_xlsx
    with pytest.raises(IngestError) as err:
        ingest_file(engine, write(tmp_path / f"ho_so.{form}", DOSSIER_HEADERS + [PAPER], rows))
    assert [(p.row, p.column) for p in err.value.problems] == [(5, PAPER)]
    assert "«giấy» không thuộc các giá trị cho phép" in err.value.problems[0].message
    assert snapshot(engine) == before
