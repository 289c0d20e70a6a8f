"""Quotes in a CSV of dossiers, as parsers read them: a quote inside a cell that is not quoted is a letter
(«H20"24», a typing slip in a code), and a file with one is still read a slice at a time; a quote that opens a
cell and never closes would make the parser read every later row into that cell (Arrow's reader, worse, drops
the rows of the block it is in without a word): the file is refused, its row and column named, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import DOSSIER_HEADERS, dossier, refused, units_file, write_csv
from store import dossier_data
from store.ingest import ingest_file, streamed


def _file(folder: Path, n: int, edit: dict[int, str]) -> Path:
    """``n`` dossiers, the code of row ``r`` (sheet numbering) written as ``edit[r]``, with no quoting added."""
    path = write_csv(folder / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i:05d}") for i in range(n)])
    lines = path.read_text(encoding="utf-8").splitlines(True)
    for row, code in edit.items():
        lines[row - 1] = lines[row - 1].replace(f"HS{row - 2:05d}", code, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_quote_inside_a_cell_is_a_letter_and_the_file_still_read_in_slices(engine, tmp_path, monkeypatch):
    ingest_file(engine, units_file(tmp_path))
    path = _file(tmp_path, 2000, {52: 'HS20"24', 1500: 'X"Y"Z'})
    monkeypatch.setattr(streamed, "CHUNK_BYTES", 4 << 10)
    with open(path, "rb") as fh:
        fh.readline()
        blocks = list(streamed._blocks(fh, streamed.CHUNK_BYTES))
    assert len(blocks) > 20  # not the rest of the file as one block once a quote is odd (it was: and quadratic)
    assert sum(b.count(b"\n") for b in blocks) == 2000
    assert ingest_file(engine, path, year=2024).rows == 2000
    codes = set(dossier_data.read(engine)["code"])
    assert {'HS20"24', 'X"Y"Z', "HS00049", "HS00051"} <= codes and len(codes) == 2000


@pytest.mark.parametrize("chunk", [4 << 10, 20 << 20])  # read in slices, and in one
def test_a_quote_that_never_closes_is_refused_naming_its_row_and_column(engine, tmp_path, monkeypatch, chunk):
    ingest_file(engine, units_file(tmp_path))
    monkeypatch.setattr(streamed, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(streamed, "RECORD_BYTES", 16 * chunk)
    path = _file(tmp_path, 15000, {1002: '"HS01000'})  # 1.3 MB: more than one of Arrow's own blocks
    text = refused(engine, path)
    assert "ho_so.csv, dòng 1002, cột «Mã hồ sơ»" in text and "không đóng" in text
    assert not [p for p in dossier_data.scratch(engine).iterdir()]


def test_quoted_cells_with_quotes_and_line_breaks_across_slices_read_as_written(engine, tmp_path, monkeypatch):
    ingest_file(engine, units_file(tmp_path))
    rows = [dossier(code=f"HS{i:05d}") for i in range(2000)]
    rows[700][1], rows[701][1] = 'HS "7"', "HS,701"
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows)  # the writer quotes both, the quote doubled
    monkeypatch.setattr(streamed, "CHUNK_BYTES", 4 << 10)
    assert ingest_file(engine, path, year=2024).rows == 2000
    assert {'HS "7"', "HS,701"} <= set(dossier_data.read(engine)["code"])
