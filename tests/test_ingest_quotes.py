"""Quotes in a CSV of dossiers, as parsers read them: a quote inside a cell that is not quoted is a letter
(«H20"24», a typing slip in a code), and a file with one is still read a slice at a time; a quote that opens a
cell and never closes would make the parser read every later row into that cell (Arrow's reader, worse, drops
the rows of the block it is in without a word): the file is refused, its row and column named, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import DOSSIER_HEADERS, dossier, refused, units_file, write_csv
from store import dossier_data
from store.ingest import IngestError, ingest_file, streamed


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


def test_a_quote_inside_a_cell_does_not_hide_one_left_open(engine, tmp_path, monkeypatch):
    """The quotes of the file are even in number (the letter and the one left open): counting them would say every
    quoted cell closes, and Arrow would drop the rows after the open one without a word."""
    ingest_file(engine, units_file(tmp_path))
    path = _file(tmp_path, 15000, {52: 'HS"50', 12002: '"HS12000'})
    for chunk in (4 << 10, 20 << 20):
        monkeypatch.setattr(streamed, "CHUNK_BYTES", chunk)
        monkeypatch.setattr(streamed, "RECORD_BYTES", 16 * chunk)
        text = refused(engine, path)
        assert "ho_so.csv, dòng 12002, cột «Mã hồ sơ»" in text and "không đóng" in text


def test_quoted_line_breaks_at_slices_ends_among_quotes_inside_cells(engine, tmp_path, monkeypatch):
    """A letter quote earlier in a slice makes the quotes before the slice's last line break even in number when
    that break is inside a quoted cell: counting them, the slice had ended inside the cell, and with the code the
    last column each half read as a row of its own (a dossier made up, or refused for cells it does not have).
    Letter quotes on every eleventh row; on every seventh a code quoted over two lines, the second as many commas
    as a row has and a long text: slices of 1 kB end in such cells again and again. Each such code is too long,
    and refused for that alone."""
    ingest_file(engine, units_file(tmp_path))
    headers = DOSSIER_HEADERS[:1] + DOSSIER_HEADERS[2:] + DOSSIER_HEADERS[1:2]  # the code last
    rows = [(lambda r: r[:1] + r[2:] + r[1:2])(dossier(code=f"HS{i:05d}")) for i in range(1500)]
    path = write_csv(tmp_path / "ho_so.csv", headers, rows)
    lines = path.read_bytes().splitlines(True)
    for i in range(30, len(lines)):  # below the rows where the header is looked for
        code = f"HS{i - 1:05d}".encode()
        if i % 11 == 0:
            lines[i] = lines[i].replace(code, b'HS"' + code[2:])
        elif i % 7 == 3:
            lines[i] = lines[i].replace(code, b'"' + code + b"\n" + b"," * (len(headers) - 1) + b"Y" * 600 + b'"')
    path.write_bytes(b"".join(lines))
    monkeypatch.setattr(streamed, "CHUNK_BYTES", 1 << 10)
    with pytest.raises(IngestError) as refusal:
        ingest_file(engine, path, year=2024)
    said = {(p.column, "ô dài 619 ký tự" in p.message) for p in refusal.value.problems}
    assert said == {("Mã hồ sơ", True)}, refusal.value.render()[:2000]


def test_a_quote_inside_a_cell_among_the_first_rows_is_a_letter_too(engine, tmp_path):
    """The rows where the header is looked for are cut into records the same way (they had been joined at the
    letter quote, and the parser then stopped the import with exit 3)."""
    ingest_file(engine, units_file(tmp_path))
    path = _file(tmp_path, 50, {3: 'HS"1', 4: 'HS"2"'})
    assert ingest_file(engine, path, year=2024).rows == 50
    assert {'HS"1', 'HS"2"'} <= set(dossier_data.read(engine)["code"])


@pytest.mark.parametrize("chunk", [4 << 10, 20 << 20])
def test_a_quote_left_open_after_a_quoted_line_break_in_its_row_names_its_own_column(engine, tmp_path, monkeypatch,
                                                                                     chunk):
    """The row's cells are counted from the row's start, not from the line break inside its quoted code."""
    ingest_file(engine, units_file(tmp_path))
    monkeypatch.setattr(streamed, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(streamed, "RECORD_BYTES", 16 * chunk)
    path = _file(tmp_path, 3000, {1002: '"HS\n01000"'})
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines(True) if line.startswith('01000"'))
    path.write_text(text.replace(row, row.replace(",1.000001,", ',"1.000001,', 1)), encoding="utf-8")
    text = refused(engine, path)
    assert "ho_so.csv, dòng 1002, cột «Mã TTHC»" in text and "không đóng" in text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['"', '""', ",", ";", "\t", "\n", "\r\n", "a", "b c", '"x\ny"']), max_size=40))
def test_records_follow_quotes_line_by_line_as_a_scan_of_the_whole_record_does(parts):
    """Guard: store.ingest.reading._records. Each line's quotes are followed from where the last line's left off
    (scanning the whole record again at each line took minutes for a cell of 8,000 lines): the same records."""
    import io

    from store.ingest.reading import _records, quote_scan

    data = "".join(parts).encode()

    def whole(fh, limit):
        out, offset = [], fh.tell()
        while len(out) < limit:
            line = fh.readline()
            if not line:
                break
            while b'"' in line and any(quote_scan(line, sep)[1] is not None for sep in (",", ";", "\t")):
                more = fh.readline()
                if not more:
                    break
                line += more
            offset += len(line)
            out.append((line, offset))
        return out

    assert _records(io.BytesIO(data), 60) == whole(io.BytesIO(data), 60)
