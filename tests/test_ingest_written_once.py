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

from store import dossier_data
from store.db import make_engine
from store.ingest import streamed


@pytest.fixture
def engine(tmp_path, monkeypatch):
    monkeypatch.setenv(dossier_data.DATA_ENV, str(tmp_path / "du-lieu"))
    return make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")


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


def test_what_writing_raises_is_raised_by_the_caller_and_leaves_nothing(engine):
    writer = dossier_data.DatasetWriter(engine, background=True)
    writer.write(_rows([date(2024, 1, 1)]))
    writer.write(pa.table({"received": pa.array([1.5])}))  # not a dossier slice: the writing thread fails on it
    with pytest.raises(Exception):
        for _ in range(50):  # the next write, or close, says so
            writer.write(_rows([date(2024, 1, 2)]))
            time.sleep(0.01)
        writer.close()
    writer.discard()
    assert not writer.folder.exists()
    assert not [t for t in threading.enumerate() if t.name == "dataset-writer" and t.is_alive()]
