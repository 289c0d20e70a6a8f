"""A column of row numbers («STT»), which nearly every office's sheet begins with: read by no kind, and a row that
holds a number there and nothing else is an empty row, in every reading path."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, FACT_HEADERS, dossier, snapshot, units_file, write_csv, write_xlsx
from store import dossier_data, models
from store.ingest import KINDS, IngestError, ingest_file, streamed

FIGURES = [["SKHCN", "Năm 2024", "van_ban_di", "120", ""], ["STP", "Năm 2024", "van_ban_di", "80", ""],
           ["XA0001", "Năm 2024", "van_ban_di", "95", ""]]


def _numbered(rows: list[list], up_to: int) -> list[list]:
    """``rows`` numbered in a first column, then rows numbered to ``up_to`` and empty besides, as a template is."""
    width = len(rows[0])
    return [[i + 1, *r] for i, r in enumerate(rows)] + [[i + 1] + [""] * width for i in range(len(rows), up_to)]


def _values(engine) -> list[float]:
    with Session(engine) as s:
        return sorted(s.scalars(select(models.Fact.value).where(models.Fact.indicator_code == "van_ban_di")))


@pytest.fixture
def store(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return engine


@pytest.mark.parametrize("header", ["STT", "TT", "Số TT", "số thứ tự"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_figures_numbered_down_a_template_land_as_the_file_without_the_column(store, tmp_path, header, suffix):
    write = write_xlsx if suffix == ".xlsx" else write_csv
    path = write(tmp_path / f"so_lieu{suffix}", [header, *FACT_HEADERS], _numbered(FIGURES, 20))
    assert ingest_file(store, path).rows == 3
    assert _values(store) == [80, 95, 120]


def test_a_bad_cell_of_a_numbered_sheet_is_named_by_its_row_and_header(store, tmp_path):
    rows = _numbered(FIGURES, 10)
    rows[1][4] = "-5"
    path = write_xlsx(tmp_path / "so_lieu.xlsx", ["STT", *FACT_HEADERS], rows)
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_file(store, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "Giá trị")]
    assert snapshot(store) == before


def test_a_large_numbered_dossier_file_is_read_slice_by_slice_as_the_file_without_the_column(store, tmp_path):
    n = streamed.CHUNK_ROWS + 5_000
    rows = [dossier(unit=("STP", "SKHCN")[i % 2], code=f"HS{i}") for i in range(n)]
    path = write_csv(tmp_path / "ho_so.csv", ["STT", *DOSSIER_HEADERS], _numbered(rows, n + 300))
    assert streamed.headers_of(path, [KINDS["ho_so"]]) is not None  # read slice by slice
    assert ingest_file(store, path).rows == n
    assert len(dossier_data.read(store)) == n


def test_a_numbered_parquet_file_lands_as_the_file_without_the_column(store, tmp_path):
    for name, rows, headers in (("ho_so", [dossier(code=f"HS{i}") for i in range(5)], DOSSIER_HEADERS),
                                ("so_lieu", FIGURES, FACT_HEADERS)):
        frame = pd.DataFrame(_numbered(rows, 9), columns=["STT", *headers])  # its cells as text, null past the data
        frame[headers] = frame[headers].astype("string").replace("", None)
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    assert ingest_file(store, tmp_path / "ho_so.parquet").rows == 5
    assert ingest_file(store, tmp_path / "so_lieu.parquet").rows == 3
    with Session(store) as s:
        assert s.scalar(select(func.count()).select_from(models.DossierDataset)) == 1


def test_row_numbers_left_as_formulas_no_one_worked_out_are_no_matter(store, tmp_path):
    """A workbook written by a program, never opened in Excel, numbering its rows with =ROW()-1: the column is
    read by no kind, so its formulas without a value refuse nothing."""
    rows = [["=ROW()-1", *r] for r in FIGURES]
    assert ingest_file(store, write_xlsx(tmp_path / "so_lieu.xlsx", ["STT", *FACT_HEADERS], rows)).rows == 3
    assert _values(store) == [80, 95, 120]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_excel_s_line_naming_the_separator_is_no_row(store, tmp_path, encoding):
    """Guard: store.ingest.reading._without_sep_line. Excel reads a CSV's first line «sep=;» as the separator to use
    and shows the table under it from row 1: read as a title row, it had made every row named one below the row
    Excel shows, a dossier's and a bad byte's too."""
    from helpers import refused as refused_text

    def written(name: str, headers: list[str], rows: list[list], sep: str, encoding: str = encoding):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows([headers, *rows])
        body = buffer.getvalue()
        path = tmp_path / name
        path.write_bytes(f"sep={sep}\r\n{body}".encode(encoding))
        return path

    assert ingest_file(store, written("so_lieu.csv", FACT_HEADERS, FIGURES, ";")).rows == 3
    bad = [FIGURES[0], ["STP", "Năm 2024", "van_ban_di", "tám mươi", ""]]
    assert "so_lieu_sai.csv, dòng 3, cột «Giá trị»" in refused_text(store, written("so_lieu_sai.csv", FACT_HEADERS, bad,
                                                                                      ";"))
    dossiers = [dossier(code="HS1"), dossier(code="HS2", received="31/02/2024")]
    assert "ho_so.csv, dòng 3, cột «Ngày tiếp nhận»" in refused_text(store, written("ho_so.csv", DOSSIER_HEADERS,
                                                                                    dossiers, ","))
    if encoding == "utf-8":
        path = written("byte.csv", FACT_HEADERS, [FIGURES[0], ["STP", "Năm 2024", "van_ban_di", "80", "XBADX"]], ",")
        path.write_bytes(path.read_bytes().replace(b"XBADX", b"Nh\xe0"))
        assert "byte.csv, dòng 3, cột «E»: ô có byte không thuộc mã UTF-8" in refused_text(store, path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_the_end_of_file_mark_of_dos_programs_is_no_row(store, tmp_path, encoding):
    """Guard: store.ingest.reading._without_end_mark. Programs of DOS's time end a text file with Ctrl-Z (0x1A): it
    had been read as a last row and refused as a cell holding a control character. Inside a cell it still is one."""
    from helpers import refused as refused_text

    rows = [DOSSIER_HEADERS, dossier(code="HS1"), dossier(code="HS2")]
    body = "".join(",".join(f'"{c}"' for c in r) + "\r\n" for r in rows)
    path = tmp_path / "ho_so.csv"
    path.write_bytes(body.encode(encoding) + ("\x1a\x00" if encoding == "utf-16" else "\x1a").encode("latin-1"))
    assert ingest_file(store, path, year=2024).rows == 2
    path = tmp_path / "ho_so_giua.csv"
    path.write_bytes(body.replace("HS2", "HS\x1a2").encode(encoding))
    assert "ho_so_giua.csv, dòng 3, cột «Mã hồ sơ»: ô có ký tự điều khiển" in refused_text(store, path)
