"""A file that changes while it is read (still being copied, or saved again by its sender) is refused: its digest
and its rows might be of two versions, and a batch would record bytes it does not hold. Nothing is written, no
dataset is left behind; the same file sent again once it is whole lands."""

from __future__ import annotations

import pytest

import store.ingest.files as files
from helpers import DOSSIER_HEADERS, FACT_HEADERS, dossier, refused, units_file, write_csv, write_xlsx
from store import dossier_data
from store.ingest import ingest_file, streamed

CHANGED = "tệp đã thay đổi trong khi đang đọc"


@pytest.fixture
def store(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return engine


def _dataset_files(engine) -> list:
    return [p for p in dossier_data.root(engine).rglob("*") if p.is_file()]


def test_a_dossier_file_written_on_while_it_is_staged_is_refused(store, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS,
                     [dossier(code=f"HS{i}") for i in range(1, 40)])
    stage = streamed.stage

    def copied_on(engine, file, *args, **kwargs):
        staged = stage(engine, file, *args, **kwargs)
        with open(file, "a", encoding="utf-8") as fh:  # the rest of the copy arrives
            fh.write(",".join(map(str, dossier(code="HS40"))) + "\n")
        return staged

    monkeypatch.setattr(streamed, "stage", copied_on)
    message = refused(store, path)
    assert f"ho_so.csv: {CHANGED}" in message, message
    assert _dataset_files(store) == []

    monkeypatch.setattr(streamed, "stage", stage)
    assert ingest_file(store, path).rows == 40


def test_a_workbook_saved_again_while_it_is_read_is_refused(store, tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "so_lieu.xlsx", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    read = files.read_parts

    def saved_again(file, kinds):
        parts = list(read(file, kinds))
        write_xlsx(file, FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "130", ""]])
        return iter(parts)

    monkeypatch.setattr(files, "read_parts", saved_again)
    assert CHANGED in refused(store, path)


def test_a_file_only_touched_while_read_is_refused_too(store, tmp_path, monkeypatch):
    """Its time of change moved with the same size: the bytes cannot be told the same without reading them
    again, so it is sent again rather than recorded on a guess."""
    import os

    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    read = files.read_parts

    def touched(file, kinds):
        parts = list(read(file, kinds))
        st = os.stat(file)
        os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        return iter(parts)

    monkeypatch.setattr(files, "read_parts", touched)
    assert CHANGED in refused(store, path)
