"""On SQLite one write goes at a time: a write that finds another under way waits for it (an import of millions of
dossiers holds the lock for seconds while the portal's users save), rather than failing after SQLite's five
seconds with «database is locked»."""

from __future__ import annotations

import sqlite3
import threading
import time

from helpers import FACT_HEADERS, units_file, write_csv
from store.ingest import ingest_file


def test_a_write_waits_for_the_one_under_way(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "so_vu_ky_luat", "1", ""]])
    other = sqlite3.connect(engine.url.database, timeout=30, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock for longer than SQLite's default wait
    released = threading.Timer(7, other.execute, args=("COMMIT",))
    released.start()
    started = time.monotonic()
    try:
        assert ingest_file(engine, path).rows == 1
        assert time.monotonic() - started >= 6
    finally:
        released.join()
        other.close()
