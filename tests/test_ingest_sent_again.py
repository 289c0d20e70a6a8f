"""A file whose bytes landed before lands once: sent again, it is said to be there, with the batch it landed as and,
for dossiers, the year they were read as; a ``--year`` that would read them as another year is said to be unused."""

from __future__ import annotations

from cli_runner import cchc
from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file, write_csv
from store.db import make_engine
from store.ingest import ingest_file
from store.ingest.files import ingest_files


def test_dossiers_sent_again_with_another_year_say_the_year_they_landed_as(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(3)])
    first = ingest_file(engine, path, year=2024)
    before = snapshot(engine)
    [status] = ingest_files(engine, [path], year=2025)
    assert status.result.already and status.result.batch_id == first.batch_id and status.result.year == 2024
    assert [w.message for w in status.warnings] == [
        f"--year 2025 không dùng: tệp này đã được nhập là hồ sơ năm 2024 (lô #{first.batch_id})"]
    assert snapshot(engine) == before
    [same] = ingest_files(engine, [path], year=2024)
    assert same.result.already and same.warnings == []


def test_the_command_tells_the_batch_and_year_of_a_file_sent_again(tmp_path):
    assert cchc("db", "upgrade", cwd=tmp_path).returncode == 0
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(3)])
    assert cchc("ingest", units_file(tmp_path), path, cwd=tmp_path).returncode == 0
    again = cchc("ingest", path, "--year", "2025", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    out = " ".join(again.stdout.split())
    assert "ho_so.csv: tệp này đã được nhập (lô #2, hồ sơ năm 2024); không thêm gì." in out, out
    assert "--year 2025 không dùng: tệp này đã được nhập là hồ sơ năm 2024 (lô #2)" in out, out
    store = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    try:
        with store.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM ingest_batch").scalar() == 2
    finally:
        store.dispose()
