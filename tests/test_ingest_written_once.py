"""A dossier file's dataset is written once, while the file is read: the next slice read by a thread, the one
before written by another. What either thread raises reaches the caller, a caller that stops leaves no thread
behind, and the month files hold every row once, in the file's order."""

from __future__ import annotations

import threading
import time
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import DOSSIER_HEADERS, dossier, refused, units_file, write_csv
from store import dossier_data
from store.ingest import IngestError, ingest_file, streamed
from store.ingest.files import ingest_files


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dossier-reader"]


def test_what_the_reader_raises_reaches_the_caller_in_its_turn():
    def slices():
        yield 1
        yield 2
        raise ValueError("khối hỏng")

    got = []
    with pytest.raises(ValueError, match="khối hỏng"):
        for item in streamed._ahead(slices()):
            got.append(item)
    assert got == [1, 2] and not _readers()


@pytest.mark.parametrize("reader_fails", [False, True])
def test_a_caller_that_stops_leaves_no_reader_waiting(reader_fails):
    """The caller stops after the first slice (a refusal it raises) while the reader has the next one ready, or
    fails itself: the reader ends either way, and the caller's error is the one raised."""
    def slices():
        yield 1
        yield 2
        if reader_fails:
            raise ValueError("đọc lỗi")
        while True:
            yield 3

    started = time.monotonic()
    with pytest.raises(KeyError):
        for _ in streamed._ahead(slices()):
            time.sleep(0.2)  # the reader has filled its hand-over by now
            raise KeyError("dòng sai")
    assert not _readers() and time.monotonic() - started < 5


def _rows(days: list[date | None], first: int = 2) -> pa.Table:
    n = len(days)
    table = pa.table({f.name: pa.nulls(n, f.type) for f in dossier_data.SCHEMA}, schema=dossier_data.SCHEMA)
    table = table.set_column(0, "unit", pa.array(["XA01"] * n)).set_column(
        1, "code", pa.array([f"HS{i}" for i in range(first, first + n)]))
    table = table.set_column(3, "received", pa.array(days, pa.date32()))
    return table.append_column("_row", pa.array(range(first, first + n), pa.int64()))


def test_every_row_lands_once_in_its_month_in_the_files_order(engine, monkeypatch):
    monkeypatch.setattr(dossier_data, "FLUSH_ROWS", 3)  # row groups written as the months fill, and at the end
    writer = dossier_data.DatasetWriter(engine, background=True)
    days = [date(2024, 1 + i % 3, 1 + i) for i in range(10)]
    writer.write(_rows(days[:6]))
    writer.write(_rows(days[6:], first=8))
    folder = writer.close()
    months = {p.parent.name: pq.read_table(p) for p in folder.rglob("*.parquet")}
    assert sorted(months) == ["month=1", "month=2", "month=3"]
    assert all(p.parent.parent.name == "year=2024" for p in folder.rglob("*.parquet"))
    assert months["month=1"]["_row"].to_pylist() == [2, 5, 8, 11]  # the file's order
    assert sum(t.num_rows for t in months.values()) == 10
    assert dossier_data.publish(engine, folder, "abc") == (f"{dossier_data.FOLDER}/abc", True)
    assert not folder.exists() and (dossier_data.root(engine) / "abc" / "year=2024").is_dir()


def test_rows_without_a_month_of_the_year_are_never_published(engine, monkeypatch):
    monkeypatch.setattr(dossier_data, "OPEN_MONTHS", 3)  # rows without a date, January and February
    writer = dossier_data.DatasetWriter(engine)
    writer.write(_rows([date(2024, 1, 1), None, date(2024, 2, 1), date(2031, 5, 5)]))
    folder = writer.close()
    assert pq.read_table(next((folder / "year=0").rglob("*.parquet")))["_row"].to_pylist() == [3, 5]
    with pytest.raises(ValueError, match="date of receipt"):
        dossier_data.publish(engine, folder, "abc")
    writer.discard()
    assert not folder.exists()


def test_what_writing_raises_is_raised_by_the_caller_and_leaves_nothing(engine, monkeypatch):
    monkeypatch.setattr(dossier_data, "FLUSH_ROWS", 1)  # each slice written as it comes
    flushed, flush = [], dossier_data.DatasetWriter._flush

    def full_after_one(self, month):  # the disk full from the second write on: the writing thread fails
        flushed.append(month)
        if len(flushed) > 1:
            raise OSError(28, "No space left on device")
        return flush(self, month)

    monkeypatch.setattr(dossier_data.DatasetWriter, "_flush", full_after_one)
    writer = dossier_data.DatasetWriter(engine, background=True)
    writer.write(_rows([date(2024, 1, 1)]))
    writer.write(_rows([date(2024, 1, 2)]))
    with pytest.raises(OSError, match="No space left"):
        for _ in range(50):  # the next write, or close, says so
            writer.write(_rows([date(2024, 1, 2)]))
            time.sleep(0.01)
        writer.close()
    writer.discard()
    assert not writer.folder.exists()
    assert not [t for t in threading.enumerate() if t.name == "dataset-writer" and t.is_alive()]


def test_a_month_held_and_written_counts_once_among_the_open_months(engine, monkeypatch):
    """A file sorted by date: each month written once (its first rows) and its last rows still held when the next
    month comes. Counted twice, the months of a year had filled the open months and sent its last month among the
    rows that are never published."""
    monkeypatch.setattr(dossier_data, "FLUSH_ROWS", 2)
    monkeypatch.setattr(dossier_data, "OPEN_MONTHS", 3)  # as 24 is to the 13 months of a year
    writer = dossier_data.DatasetWriter(engine)
    jan, feb, mar = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)
    for first, days in ((2, [jan, jan]), (4, [jan, feb, feb]), (7, [feb, mar])):  # slices of a sorted file
        writer.write(_rows(days, first=first))
    folder = writer.close()
    assert not (folder / "year=0").exists()
    assert sorted(p.parent.name for p in folder.rglob("*.parquet")) == ["month=1", "month=2", "month=3"]
    writer.discard()


def test_a_last_line_of_spaces_is_an_empty_row_left_out(engine, tmp_path):
    """Empty lines that end a CSV are a habit and are left out; a line of spaces is a row with no value, left out
    as a workbook's row of spaces is."""
    ingest_file(engine, units_file(tmp_path))
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="HS1"), dossier(code="HS2")])
    with open(path, "ab") as fh:
        fh.write(b"   \n")
    assert ingest_file(engine, path).rows == 2
    blank = write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS, [dossier(code="HS1"), dossier(code="HS2")])
    with open(blank, "ab") as fh:
        fh.write(b"\r\n\n\n")
    assert ingest_file(engine, blank).rows == 2


def test_an_error_of_another_kind_leaves_nothing_staged(engine, tmp_path, monkeypatch):
    """Several files: the first staged, the second stopped by an error that is no refusal (a full disk, an
    interruption). The first's staged dataset goes too."""
    ingest_file(engine, units_file(tmp_path))
    first = write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, [dossier(code="A1")])
    second = write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, [dossier(code="B1")])
    real = streamed.stage

    def full_disk(engine, path, *args, **kwargs):
        if path.name == "b.csv":
            raise OSError(28, "No space left on device")
        return real(engine, path, *args, **kwargs)

    monkeypatch.setattr(streamed, "stage", full_disk)
    with pytest.raises(OSError):
        ingest_files(engine, [first, second])
    assert not [p for p in dossier_data.scratch(engine).iterdir()]
    monkeypatch.setattr(streamed, "stage", real)
    with pytest.raises(IngestError):  # a refusal, as before: nothing staged either
        ingest_files(engine, [first, write_csv(tmp_path / "c.csv", DOSSIER_HEADERS, [dossier(unit="KHONG-CO")])])
    assert not [p for p in dossier_data.scratch(engine).iterdir()]


def test_a_file_found_landed_while_it_is_read_stops_being_read(engine, tmp_path, monkeypatch):
    """The file's digest is worked out beside the reading: once it names a batch already landed, the reading
    stops (a re-sent national year is not read again), the answer is the earlier batch, and nothing is staged."""
    ingest_file(engine, units_file(tmp_path))
    rows = [dossier(code=f"HS{i}") for i in range(3000)]
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows)
    first = ingest_file(engine, path, year=2024)
    monkeypatch.setattr(streamed, "CHUNK_BYTES", 1 << 10)  # a slice of a dozen rows: 250 slices
    real, read = streamed._typed, []

    def counted(*args):
        read.append(1)
        return real(*args)

    monkeypatch.setattr(streamed, "_typed", counted)
    again = ingest_file(engine, path, year=2024)
    assert again.already and again.batch_id == first.batch_id
    assert len(read) < 125  # stopped on the way (the digest of 200 kB is known within a few slices)
    assert not [p for p in dossier_data.scratch(engine).iterdir()]
    read.clear()
    monkeypatch.setattr(streamed, "CHUNK_BYTES", 1 << 20)
    other = write_csv(tmp_path / "khac.csv", DOSSIER_HEADERS, rows[:10])
    assert not ingest_file(engine, other, year=2024).already and read  # new bytes: read whole


def test_a_file_read_whole_is_not_read_again_once_landed(engine, tmp_path, monkeypatch):
    """A workbook (read whole, not slice by slice) waits for its digest instead: landed already, never read."""
    from reports.xlsx import frame_to_workbook, save_workbook
    from store.ingest import files

    ingest_file(engine, units_file(tmp_path))
    import pandas as pd

    frame = pd.DataFrame([dossier(code=f"HS{i}") for i in range(5)], columns=DOSSIER_HEADERS)
    path = tmp_path / "ho_so.xlsx"
    save_workbook(frame_to_workbook(frame), path)
    first = ingest_file(engine, path, year=2024)
    real, read = files.read_parts, []
    monkeypatch.setattr(files, "read_parts", lambda *a, **k: read.append(1) or real(*a, **k))
    again = ingest_file(engine, path, year=2024)
    assert again.already and again.batch_id == first.batch_id and not read


def test_a_refused_first_import_leaves_no_folder_behind(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    top = dossier_data.data_dir(engine)
    assert not top.exists()
    bad = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="A1"), dossier(code="A1")])
    refused(engine, bad)
    assert not top.exists()  # not even the empty scratch area
    ingest_file(engine, write_csv(tmp_path / "tot.csv", DOSSIER_HEADERS, [dossier(code="A1")]), year=2024)
    assert [p.name for p in dossier_data.root(engine).iterdir() if not p.name.startswith(".")]
    assert not (dossier_data.root(engine) / ".tam").exists()


def test_a_data_folder_made_beforehand_stays_with_its_permissions(engine, tmp_path):
    """An administrator's data folder (its group and mode set for the service) is theirs: an import that finds it
    empty leaves it so, and only what the import made is tidied away."""
    import os
    import stat

    ingest_file(engine, units_file(tmp_path))
    top = dossier_data.data_dir(engine)
    top.mkdir()
    os.chmod(top, 0o2770)
    refused(engine, write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code="A1"), dossier(code="A1")]))
    assert top.is_dir() and stat.S_IMODE(top.stat().st_mode) == 0o2770 and not list(top.iterdir())
