"""A later dossier batch adds its own changes to the counts: what it writes equals a from-scratch aggregation of
every batch as the dossiers now stand (a re-sent dossier replacing its earlier version), without reading the
year's dossiers again."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file, write_csv
from store import dossier_data, models
from store.ingest import ingest_file
from store.ingest.problems import IngestError

KEY = ["unit", "period_code", "indicator_code"]
UNITS = ("STP", "SKHCN", "XA0001")


def _rows(rng, codes: range, unit_of=None, tthc_count: int = 12) -> list[list]:
    rows = []
    for i in codes:
        received = pd.Timestamp("2024-01-02") + pd.Timedelta(days=int(rng.integers(0, 320)))
        due = received + pd.Timedelta(days=int(rng.integers(1, 20)))
        finished = received + pd.Timedelta(days=int(rng.integers(0, 30)))
        rows.append(dossier(unit=unit_of(i) if unit_of else UNITS[i % 3], code=f"HS{i:05d}",
                            tthc=f"1.{int(rng.integers(0, tthc_count)):06d}", received=f"{received:%d/%m/%Y}",
                            due=f"{due:%d/%m/%Y}", finished="" if rng.random() < 0.15 else f"{finished:%d/%m/%Y}",
                            channel=["Trực tuyến", "Trực tiếp", "Bưu chính"][int(rng.integers(0, 3))],
                            e_result="Không", supplements=int(rng.integers(0, 3))))
    return rows


def _written(engine, batch_id: int) -> pd.DataFrame:
    """The dossier facts a batch wrote, by unit code."""
    with Session(engine) as s:
        rows = s.execute(select(models.Unit.code, models.Fact.period_code, models.Fact.indicator_code, models.Fact.value)
                         .join(models.Unit, models.Unit.id == models.Fact.unit_id)
                         .where(models.Fact.batch_id == batch_id)).all()
    return pd.DataFrame(rows, columns=KEY + ["value"]).sort_values(KEY, ignore_index=True)


def _from_scratch(engine, units_of: str) -> pd.DataFrame:
    with Session(engine) as s:
        datasets = dossier_data.datasets_of(s, 2024)
    return dossier_data.aggregate(engine, datasets, 2024, units_of=units_of).sort_values(KEY, ignore_index=True)


def test_each_batch_writes_the_counts_of_every_batch_as_they_now_stand(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    rng = np.random.default_rng(11)
    first = _rows(rng, range(0, 600))
    # the second batch re-sends 150 of the first batch's dossiers (some now of another procedure, received in
    # another quarter, finished or not) and adds 200 new ones, for two units only
    second = _rows(rng, range(300, 650), unit_of=lambda i: UNITS[i % 3] if i < 600 else UNITS[i % 2])
    second = [r for r in second if int(r[1][2:]) >= 600 or r[0] != "XA0001"]
    # the third re-sends dossiers of both (some a third time) and brings a new one
    third = _rows(rng, range(590, 610)) + [dossier(unit="XA0001", code="HS00003", tthc="1.000099")]
    batches = []
    for n, rows in enumerate((first, second, third), start=1):
        done = ingest_file(any_engine, write_csv(tmp_path / f"ho_so_{n}.csv", DOSSIER_HEADERS, rows))
        with Session(any_engine) as s:
            path = s.scalar(select(models.DossierDataset.path).where(models.DossierDataset.batch_id == done.batch_id))
        batches.append(done.batch_id)
        expected = _from_scratch(any_engine, path)
        got = _written(any_engine, done.batch_id)
        assert set(got["unit"]) == {r[0] for r in rows}
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with Session(any_engine) as s:
        assert all(p.exists() for b, d in dossier_data.datasets_of(s, 2024) for p in _kept(any_engine, b, d))
    # the distinct procedures of a unit went down where a re-sent dossier changed its procedure
    year = _written(any_engine, batches[1]).set_index(KEY)["value"]
    assert year[("STP", "2024-NAM", "tthc_phat_sinh_ho_so")] <= 12


@pytest.mark.parametrize("missing", ["*.parquet", "*.tthc.parquet"])
def test_changes_missing_for_earlier_batches_are_made_from_their_datasets(any_engine, tmp_path, missing):
    """Batches stored before their changes were kept (a database of an earlier version), or kept as one file of
    counts per procedure and period (before the dossiers per procedure and quarter), get them on the next."""
    ingest_file(any_engine, units_file(tmp_path))
    rng = np.random.default_rng(5)
    ingest_file(any_engine, write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, _rows(rng, range(0, 300))))
    ingest_file(any_engine, write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, _rows(rng, range(200, 400))))
    folder = dossier_data.changes_folder(any_engine)
    assert len(list(folder.glob("*.parquet"))) == 4  # two a batch
    for path in folder.glob(missing):
        path.unlink()
    done = ingest_file(any_engine, write_csv(tmp_path / "c.csv", DOSSIER_HEADERS, _rows(rng, range(350, 500))))
    with Session(any_engine) as s:
        path = s.scalar(select(models.DossierDataset.path).where(models.DossierDataset.batch_id == done.batch_id))
    pd.testing.assert_frame_equal(_written(any_engine, done.batch_id), _from_scratch(any_engine, path),
                                  check_dtype=False)
    assert len(list(folder.glob("*.parquet"))) == 6


def test_stores_sharing_a_data_directory_keep_their_changes_apart(schema_template, tmp_path, monkeypatch):
    """Two provinces' stores with one CCHC_DATA_DIR: the same bytes land in both as batch 3 after different
    batches 2, so their changes differ; each store's next batch adds to its own (a batch id is only unique
    within a store: one changes file for both had given one of them the other's counts)."""
    import shutil

    from store.db import make_engine

    monkeypatch.setenv(dossier_data.DATA_ENV, str(tmp_path / "chung"))
    rng = np.random.default_rng(17)
    first, other, shared, later = (_rows(rng, range(a, b)) for a, b in ((0, 300), (100, 400), (250, 450), (420, 480)))
    files = {name: write_csv(tmp_path / f"{name}.csv", DOSSIER_HEADERS, rows)
             for name, rows in (("a", first), ("c", other), ("b", shared), ("d", later))}
    engines = {}
    for key, own in (("tinh-a", "a"), ("tinh-b", "c")):
        (tmp_path / key).mkdir()
        shutil.copy(schema_template, tmp_path / key / "cchc.db")
        engines[key] = make_engine(f"sqlite:///{tmp_path / key / 'cchc.db'}")
        ingest_file(engines[key], units_file(tmp_path / key))
        ingest_file(engines[key], files[own])
        assert ingest_file(engines[key], files["b"]).batch_id == 3  # the same id for the same bytes in both
    for engine in engines.values():  # the first store's next batch comes after the second store's batch 3
        done = ingest_file(engine, files["d"])
        with Session(engine) as s:
            path = s.scalar(select(models.DossierDataset.path).where(models.DossierDataset.batch_id == done.batch_id))
        pd.testing.assert_frame_equal(_written(engine, done.batch_id), _from_scratch(engine, path), check_dtype=False)
        engine.dispose()
    folders = list((tmp_path / "chung" / dossier_data.FOLDER / dossier_data.CHANGES).iterdir())
    assert len(folders) == 2 and all(len(list(f.glob("*.parquet"))) == 6 for f in folders)


def test_a_dataset_missing_from_the_data_directory_refuses_the_next_batch_naming_it(engine, tmp_path, monkeypatch):
    """A database restored without its data directory, or run with another CCHC_DATA_DIR: the next batch of the
    year needs the earlier datasets and is refused, naming the folder looked in, instead of DuckDB's error."""
    ingest_file(engine, units_file(tmp_path))
    rng = np.random.default_rng(19)
    ingest_file(engine, write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, _rows(rng, range(0, 50))))
    elsewhere = tmp_path / "thu-muc-khac"
    monkeypatch.setenv(dossier_data.DATA_ENV, str(elsewhere))
    before = snapshot(engine)
    with pytest.raises(IngestError) as refused:
        ingest_file(engine, write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, _rows(rng, range(50, 80))))
    assert "b.csv: không thấy tập hồ sơ ho-so/" in str(refused.value)
    assert f"trong thư mục dữ liệu {elsewhere}: hãy đặt CCHC_DATA_DIR" in str(refused.value)
    assert snapshot(engine) == before
    assert not list(elsewhere.rglob("*.parquet"))


def test_an_import_interrupted_after_its_changes_leaves_neither_them_nor_its_dataset(engine, tmp_path, monkeypatch):
    ingest_file(engine, units_file(tmp_path))
    rng = np.random.default_rng(3)
    ingest_file(engine, write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, _rows(rng, range(0, 100))))
    on_disk = sorted(p for p in dossier_data.root(engine).rglob("*") if p.is_file())
    before = snapshot(engine)

    def crash(*args, **kwargs):  # the batch's changes are written by now
        raise RuntimeError("mất kết nối giữa chừng")

    monkeypatch.setattr(dossier_data, "_long", crash)
    with pytest.raises(RuntimeError):
        ingest_file(engine, write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, _rows(rng, range(50, 150))))
    assert snapshot(engine) == before
    assert sorted(p for p in dossier_data.root(engine).rglob("*") if p.is_file()) == on_disk


def _changes_of(paths) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A batch's changes, per unit and period and per unit and procedure, in one order."""
    sums, received = (pd.read_parquet(p) for p in paths)
    return (sums.sort_values(["unit", "period_code"], ignore_index=True),
            received.sort_values(["unit", "tthc_code"], ignore_index=True))


def _kept(engine, batch: int, relative: str) -> tuple:
    return dossier_data.changes_path(engine, batch, relative), dossier_data.procedures_path(engine, batch, relative)


def _equal(got, expected) -> None:
    for a, b in zip(got, expected):
        pd.testing.assert_frame_equal(a, b)


def _two_batches(engine, tmp_path, rng, first: range, second: range) -> list[tuple[int, str]]:
    """The units, then two overlapping batches of generated dossiers: the year's datasets."""
    ingest_file(engine, units_file(tmp_path))
    ingest_file(engine, write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, _rows(rng, first)))
    ingest_file(engine, write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, _rows(rng, second)))
    with Session(engine) as s:
        return dossier_data.datasets_of(s, 2024)


def test_counts_made_in_slices_of_units_are_those_made_whole(engine, tmp_path, monkeypatch):
    """A batch's changes counted a slice of its units at a time (as a memory bound) hold the same rows as counted
    whole, and the batches after them write the same facts."""
    rng = np.random.default_rng(7)
    datasets = _two_batches(engine, tmp_path, rng, range(0, 400), range(250, 500))
    whole = [_changes_of(_kept(engine, b, p)) for b, p in datasets]
    assert all(len(w[0]) and len(w[1]) for w in whole)
    for size in (10_000, 100):  # one slice, from the dataset rather than the staged rows; then 3 to 4 slices
        monkeypatch.setattr(dossier_data, "SLICE_ROWS", size)
        for i, expected in enumerate(whole):
            _equal(_changes_of(dossier_data.changes(engine, datasets[:i + 1], 2024)), expected)
    assert not list(dossier_data.scratch(engine).glob("*.parquet"))  # the slices' files are gone
    done = ingest_file(engine, write_csv(tmp_path / "c.csv", DOSSIER_HEADERS, _rows(rng, range(450, 600))))
    with Session(engine) as s:
        path = s.scalar(select(models.DossierDataset.path).where(models.DossierDataset.batch_id == done.batch_id))
    pd.testing.assert_frame_equal(_written(engine, done.batch_id), _from_scratch(engine, path), check_dtype=False)


class _Recorded:
    def __init__(self, con, queries: list[str]):
        self._con, self._queries = con, queries

    def execute(self, sql: str, *args):
        self._queries.append(sql)
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.mark.parametrize("slice_rows, slices", [(40, 3), (100, 1)])
def test_a_later_batch_finds_the_dossiers_it_re_sends_a_slice_at_a_time(engine, tmp_path, monkeypatch, slice_rows,
                                                                        slices):
    """A later batch re-sending some dossiers of a larger year and adding others: it is counted a slice of its units
    at a time when it is larger than a slice (as a memory bound), each slice matching its keys against the earlier
    rows of its units, and in one piece when it is smaller, however large the year (the earlier rows read once);
    what it keeps and writes is what counting it whole keeps and writes, both a from-scratch aggregation."""
    ingest_file(engine, units_file(tmp_path))
    rng = np.random.default_rng(13)
    ingest_file(engine, write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, _rows(rng, range(0, 600))))
    # 60 dossiers sent again (other procedures, dates, channels) and 30 new: 90, fewer than a slice
    later = _rows(rng, range(540, 630))
    queries = []
    real = dossier_data.duck

    @contextmanager
    def recorded(engine):  # DuckDB's connection, its queries kept
        with real(engine) as con:
            yield _Recorded(con, queries)

    monkeypatch.setattr(dossier_data, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(dossier_data, "duck", recorded)
    done = ingest_file(engine, write_csv(tmp_path / "b.csv", DOSSIER_HEADERS, later))
    ingesting = list(queries)
    with Session(engine) as s:
        datasets = dossier_data.datasets_of(s, 2024)
        path = s.scalar(select(models.DossierDataset.path).where(models.DossierDataset.batch_id == done.batch_id))
    written = _written(engine, done.batch_id)
    expected = _from_scratch(engine, path)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    # 90 dossiers: in slices of 40, 3 slices, each matching its units' keys against their earlier rows only; in
    # slices of 100, one piece, the year's 600 earlier dossiers read once
    earlier = dossier_data.files_of(engine, datasets[0][1])
    matched = [q for q in ingesting if earlier in q]  # the earlier versions found, once a slice
    assert len(matched) == slices and all(q.count(earlier) == 1 for q in matched)
    if slices > 1:  # this batch's keys and the earlier rows, both of the slice's units
        assert all(q.count(f"hash(unit) % {slices} = ") == 2 for q in matched)
    else:
        assert "hash(unit)" not in matched[0]
    kept = _changes_of(_kept(engine, *datasets[-1]))
    assert (kept[1][["q1", "q2", "q3", "q4"]] < 0).any(axis=None)  # earlier versions were found and taken away
    # counted whole: the same changes, the same facts
    monkeypatch.setattr(dossier_data, "SLICE_ROWS", 10_000)
    whole = dossier_data.totals(engine, datasets, 2024)
    _equal(_changes_of(_kept(engine, *datasets[-1])), kept)
    pd.testing.assert_frame_equal(whole.sort_values(KEY, ignore_index=True), expected, check_dtype=False)


def test_a_batch_is_sliced_by_its_own_size_and_by_the_memory_its_keys_need():
    """Slices bound a batch's own dossiers (SLICE_ROWS) and, when earlier batches are matched, its keys within
    DuckDB's memory (80 MB ran out with 750,000 keys); never the earlier batches' size."""
    assert dossier_data._bytes("300MB") == 300_000_000 and dossier_data._bytes("1GiB") == 2**30
    assert dossier_data._bytes("nhiều") == 300_000_000
    with pytest.MonkeyPatch.context() as m:
        m.setattr(dossier_data, "SLICE_ROWS", 10_000_000)
        m.setattr(dossier_data, "MEMORY_LIMIT", "300MB")
        assert dossier_data._slices(1_000, matched=True) == 1  # a correction into any year
        assert dossier_data._slices(10_000_000, matched=False) == 1  # a first batch: nothing to match
        assert dossier_data._slices(100_000_000, matched=False) == 10
        assert dossier_data._slices(10_000_000, matched=True) == 9  # 1.17 M keys a slice
        m.setattr(dossier_data, "MEMORY_LIMIT", "80MB")
        assert dossier_data._slices(1_500_000, matched=True) == 5


def test_a_batch_that_outgrows_duckdb_memory_is_counted_again_in_finer_slices(engine, tmp_path, monkeypatch):
    """The memory a key needs is an estimate: when DuckDB runs out all the same, the batch is counted again in
    four times as many slices, and keeps what counting it whole keeps."""
    import duckdb

    datasets = _two_batches(engine, tmp_path, np.random.default_rng(17), range(0, 300), range(250, 400))
    whole = _changes_of(_kept(engine, *datasets[-1]))
    tried = []
    real = dossier_data._write_changes

    def short_of_memory(engine, con, write, targets, slices):
        tried.append(slices)
        if slices == 1:
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 64.0 KiB")
        return real(engine, con, write, targets, slices)

    monkeypatch.setattr(dossier_data, "_write_changes", short_of_memory)
    _equal(_changes_of(dossier_data.changes(engine, datasets, 2024)), whole)
    assert tried == [1, 4]


def test_a_dossier_re_sent_in_other_letters_case_replaces_the_one_stored(any_engine, tmp_path):
    """Guard: dossier_data.SAME_DOSSIER. «hs1» sent after «HS1» (one unit) had been a second dossier: the unit's
    dossiers received counted twice. A file may not hold both (store.ingest.streamed); a later batch re-sends it."""
    ingest_file(any_engine, units_file(tmp_path))
    first = [dossier(code="HS1", finished="", e_result="Không"), dossier(code="HS2")]
    ingest_file(any_engine, write_csv(tmp_path / "ho_so_1.csv", DOSSIER_HEADERS, first))
    again = ingest_file(any_engine, write_csv(tmp_path / "ho_so_2.csv", DOSSIER_HEADERS, [dossier(code="hs1")]))
    year = _written(any_engine, again.batch_id).set_index(KEY)["value"]
    assert year[("STP", "2024-NAM", "hs_tiep_nhan")] == 2
    assert year[("STP", "2024-NAM", "hs_da_giai_quyet")] == 2  # the later version, finished, stands
    with Session(any_engine) as s:
        path = s.scalar(select(models.DossierDataset.path).where(models.DossierDataset.batch_id == again.batch_id))
    pd.testing.assert_frame_equal(_written(any_engine, again.batch_id), _from_scratch(any_engine, path),
                                  check_dtype=False)


def test_a_dossier_moved_across_the_years_boundary_is_said_to_count_in_both(any_engine, tmp_path):
    """Guard: streamed._in_other_years. «HS1» stored in 2024 (received 10/12/2024) and sent again in a 2025 file
    received 16/12/2024 (the 2025 data year starts on 15/12) was counted in both years without a word. It still is
    (the later version replaces the earlier within its year only), and the file says so, naming the rows and the
    batch; a dossier of its own is no question."""
    from store.ingest.files import ingest_files

    ingest_file(any_engine, units_file(tmp_path))
    ingest_file(any_engine, write_csv(tmp_path / "ho_so_2024.csv", DOSSIER_HEADERS, [
        dossier(code="HS1", received="09/12/2024", due="12/12/2024", finished="11/12/2024"),
        dossier(code="HS2", received="11/12/2024", due="13/12/2024", finished="12/12/2024")]))
    # corrected within 2024 by a later batch: one dossier there, its latest version named
    first = ingest_file(any_engine, write_csv(tmp_path / "ho_so_2024_sua.csv", DOSSIER_HEADERS, [
        dossier(code="HS1", received="10/12/2024", due="12/12/2024", finished="11/12/2024")]))
    [status] = ingest_files(any_engine, [write_csv(tmp_path / "ho_so_2025.csv", DOSSIER_HEADERS, [
        dossier(code="HS3", received="16/12/2024", due="20/12/2024", finished="18/12/2024"),
        dossier(code="hs1", received="16/12/2024", due="20/12/2024", finished="18/12/2024")])])
    assert [w.message for w in status.warnings] == [
        f"dòng 3: 1 hồ sơ đã có trong dữ liệu năm 2024 (lô #{first.batch_id}) với ngày tiếp nhận khác (như «hs1», đã "
        "ghi ngày 10/12/2024): mỗi năm tính hồ sơ của mình nên hồ sơ này được tính ở cả hai năm; xem lại ngày tiếp "
        "nhận"]
