"""Dossier files in Parquet as systems write them: dates as moments with their time zone, the pandas metadata of
an earlier version of the table, empty rows at the end, each land as the plain file does; a damaged file is
refused naming the file, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, dossier, refused, units_file
from store import models
from store.ingest import IngestError, ingest_file

DATES = ["Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]


def _rows(n: int = 400) -> list[list]:
    """Dossiers of three units through the year, some not yet finished."""
    rows = []
    for i in range(n):
        month, day = i % 11 + 1, i % 27 + 1
        finished = f"{day + 1:02d}/{month:02d}/2024" if i % 5 else ""
        rows.append(dossier(unit=("STP", "SKHCN", "XA0001")[i % 3], code=f"HS{i:04d}", tthc=f"1.00000{i % 4}",
                            received=f"{day:02d}/{month:02d}/2024", due=f"{day + 1:02d}/{month:02d}/2024",
                            finished=finished, channel=("Trực tuyến", "Trực tiếp")[i % 2],
                            e_result="Có" if finished else "Không", supplements=i % 3))
    return rows


def _frame(rows: list[list]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=DOSSIER_HEADERS)
    for col in DATES:
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%d/%m/%Y")
    return frame


def _facts(engine, batch: int) -> list[tuple]:
    F = models.Fact
    with engine.connect() as c:
        return c.execute(select(F.unit_id, F.period_code, F.indicator_code, F.value).where(F.batch_id == batch)
                         .order_by(F.unit_id, F.period_code, F.indicator_code)).all()


def _lands_as_plain(engine, tmp_path: Path, variant: Path) -> None:
    """``variant`` re-sends the plain file's dossiers: its facts are the plain file's, value for value."""
    ingest_file(engine, units_file(tmp_path))
    plain = tmp_path / "plain.parquet"
    _frame(_rows()).to_parquet(plain, index=False)
    first = ingest_file(engine, plain, year=2024)
    again = ingest_file(engine, variant, year=2024)
    assert not again.already and again.rows == first.rows
    assert _facts(engine, again.batch_id) == _facts(engine, first.batch_id) != []


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC", "Vietnam's midnight as UTC"])
def test_dates_as_moments_with_their_zone_land_as_their_days_in_vietnam(engine, tmp_path, zone):
    """A moment is the day it is in Vietnam: a system keeping Vietnam's midnight as UTC holds 17:00 the day
    before (it had landed a day early)."""
    frame = _frame(_rows())
    for col in DATES:
        if zone.startswith("Vietnam"):
            frame[col] = frame[col].dt.tz_localize("Asia/Ho_Chi_Minh").dt.tz_convert("UTC")
        else:
            frame[col] = frame[col].dt.tz_localize(zone)
    frame.to_parquet(tmp_path / "zone.parquet", index=False)
    _lands_as_plain(engine, tmp_path, tmp_path / "zone.parquet")


def test_empty_rows_at_the_end_are_left_out_as_a_sheet_s_are(engine, tmp_path):
    table = pa.Table.from_pandas(_frame(_rows()), preserve_index=False)
    empty = pa.table({f.name: pa.nulls(3, f.type) for f in table.schema}, schema=table.schema)
    pq.write_table(pa.concat_tables([table, empty]), tmp_path / "tail.parquet")
    _lands_as_plain(engine, tmp_path, tmp_path / "tail.parquet")


def _stale_metadata(rows: list[list], path: Path) -> Path:
    """A table made from text by pandas (its metadata: every column text), the dates then typed by Arrow."""
    table = pa.Table.from_pandas(pd.DataFrame(rows, columns=DOSSIER_HEADERS).astype(str), preserve_index=False)
    for col in DATES:
        cells = table[col]
        typed = pc.strptime(pc.if_else(pc.equal(cells, ""), pa.scalar(None, cells.type), cells), format="%d/%m/%Y",
                            unit="us")
        table = table.set_column(table.column_names.index(col), col, typed)
    pq.write_table(table, path)
    return path


def test_pandas_metadata_of_another_version_of_the_table_is_not_believed(engine, tmp_path):
    _lands_as_plain(engine, tmp_path, _stale_metadata(_rows(), tmp_path / "stale.parquet"))


def test_with_stale_metadata_only_the_wrong_cell_is_named(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    rows = _rows()
    rows[99][-1] = "-1"
    text = refused(engine, _stale_metadata(rows, tmp_path / "stale.parquet"))
    assert "dòng 101, cột «Số lần yêu cầu bổ sung»" in text
    assert "không phải ngày" not in text and text.count("dòng ") == 1


def test_a_damaged_file_is_refused_naming_it(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = tmp_path / "hong.parquet"
    pq.write_table(pa.Table.from_pandas(_frame(_rows(4000)), preserve_index=False), path, row_group_size=200,
                   compression="snappy")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 2000] = bytes(2000)  # the footer kept: the file opens, its pages do not read
    path.write_bytes(bytes(data))
    text = refused(engine, path)
    assert text.startswith("hong.parquet") and "hỏng" in text
    with pytest.raises(IngestError):
        ingest_file(engine, path, year=2024)


def test_a_code_column_held_as_numbers_is_said_once_with_the_file_landing(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    frame = _frame(_rows())
    frame["Mã TTHC"] = frame["Mã TTHC"].str.replace(".", "", regex=False).astype("int64")  # 1.000001 → 1000001
    frame.to_parquet(tmp_path / "so.parquet", index=False)
    result = ingest_file(engine, tmp_path / "so.parquet", year=2024)
    assert result.rows == 400
    said = [w for w in result.warnings if w.column == "Mã TTHC"]
    assert len(said) == 1 and "cột số" in said[0].message


def test_a_file_of_another_kind_leaves_empty_rows_out_and_says_its_numeric_codes(engine, tmp_path):
    """What a dossier file gets, a file read whole gets too: rows of nulls are empty rows, and a code column held
    as numbers is said once."""
    from helpers import PEOPLE_HEADERS

    ingest_file(engine, units_file(tmp_path))
    rows = [[1001, "Lò Thị Dua", "Nữ", None, "Công chức", "Chuyên viên", "SKHCN", 2024, "Hoàn thành tốt nhiệm vụ"],
            [None] * 9,
            [1002, "Vì Văn Hải", "Nam", None, "Công chức", "Chuyên viên", "STP", 2024, "Hoàn thành tốt nhiệm vụ"],
            [None, "", None, None, " ", None, "", None, None]]
    frame = pd.DataFrame(rows, columns=PEOPLE_HEADERS).astype({"Mã cán bộ": "Int64", "Năm đánh giá": "Int64",
                                                               "Đối tượng": "category"})  # read back as a dictionary
    path = tmp_path / "can_bo.parquet"
    frame.to_parquet(path, index=False)
    result = ingest_file(engine, path)
    assert result.rows == 2
    assert [w.column for w in result.warnings] == ["Mã cán bộ"] and "số 0 ở đầu" in result.warnings[0].message
    with Session(engine) as s:
        assert sorted(s.scalars(select(models.Person.code))) == ["1001", "1002"]


def test_counts_as_decimals_with_a_scale_land_as_the_plain_file(engine, tmp_path):
    """A database's NUMERIC(5, 2) exported: «1.00» is one request, not a dot misused."""
    from decimal import Decimal

    table = pa.Table.from_pandas(_frame(_rows()), preserve_index=False)
    at = table.column_names.index("Số lần yêu cầu bổ sung")
    counts = [Decimal(v).quantize(Decimal("0.01")) for v in table.column(at).to_pylist()]
    table = table.set_column(at, "Số lần yêu cầu bổ sung", pa.array(counts, pa.decimal128(5, 2)))
    pq.write_table(table, tmp_path / "decimal.parquet")
    _lands_as_plain(engine, tmp_path, tmp_path / "decimal.parquet")


def test_figures_as_decimals_land_as_their_values(engine, tmp_path):
    from decimal import Decimal

    from helpers import FACT_HEADERS

    ingest_file(engine, units_file(tmp_path))
    frame = pd.DataFrame([["STP", "Năm 2024", "van_ban_di", Decimal("120.00"), ""],
                          ["STP", "Năm 2024", "ty_le_hai_long", Decimal("98.30"), ""]], columns=FACT_HEADERS)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "so_lieu.parquet")
    ingest_file(engine, tmp_path / "so_lieu.parquet")
    with engine.connect() as conn:
        values = conn.execute(select(models.Fact.indicator_code, models.Fact.value).order_by(models.Fact.value)).all()
    assert values == [("ty_le_hai_long", 98.3), ("van_ban_di", 120.0)]


@pytest.mark.parametrize("kind", ["so_lieu", "ho_so"])  # read whole, and in slices
def test_a_column_named_twice_is_refused_as_a_sheet_s_header(engine, tmp_path, kind):
    from helpers import FACT_HEADERS

    ingest_file(engine, units_file(tmp_path))
    headers, row = ((FACT_HEADERS, ["STP", "Năm 2024", "van_ban_di", "120", ""]) if kind == "so_lieu"
                    else (DOSSIER_HEADERS, [str(v) for v in dossier()]))
    columns = [pa.array([v]) for v in row]
    path = tmp_path / f"{kind}.parquet"
    pq.write_table(pa.Table.from_arrays(columns + [columns[3]], names=headers + [headers[3]]), path)
    assert refused(engine, path).splitlines()[0] == (
        f"{kind}.parquet, dòng 1, cột «{headers[3]}»: cột «{headers[3]}» xuất hiện hai lần")


@pytest.mark.parametrize("made", ["bytes", "list", "record"])
def test_a_column_of_bytes_lists_or_records_is_refused_naming_it(engine, tmp_path, made):
    """Guard: store.ingest.reading.parquet_types. «Mã hồ sơ» as bytes had landed as «b'H0'», as a list as «[0]»,
    and as a record failed with a bare KeyError (exit 3). A file of figures is read whole: the same refusal."""
    from helpers import FACT_HEADERS

    ingest_file(engine, units_file(tmp_path))
    table = pa.Table.from_pandas(_frame(_rows()), preserve_index=False)
    codes = table.column("Mã hồ sơ").to_pylist()
    odd = {"bytes": pa.array([c.encode() for c in codes], pa.binary()), "list": pa.array([[i] for i in range(len(codes))]),
           "record": pa.array([{"ma": c} for c in codes])}[made]
    table = table.set_column(table.schema.get_field_index("Mã hồ sơ"), "Mã hồ sơ", odd)
    pq.write_table(table, tmp_path / "ho_so.parquet")
    assert "ho_so.parquet, dòng 1, cột «Mã hồ sơ»: cột «Mã hồ sơ» của tệp Parquet có kiểu" in refused(
        engine, tmp_path / "ho_so.parquet")
    figures = pa.table({h: pa.array([["SKHCN"]]) if h == "Mã đơn vị" else pa.array(["x"]) for h in FACT_HEADERS})
    pq.write_table(figures, tmp_path / "so_lieu.parquet")
    assert "cột «Mã đơn vị» của tệp Parquet có kiểu list<" in refused(engine, tmp_path / "so_lieu.parquet")
