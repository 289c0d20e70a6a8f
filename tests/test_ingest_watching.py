"""The watched folder: files that arrive together land together or not at all, each told; a file still being
written is never read half-way. Real files in a temporary folder, a real store."""

from __future__ import annotations

import csv
import io
import threading
import time

import pytest
from sqlalchemy import text

from helpers import DOSSIER_HEADERS, FACT_HEADERS, dossier, snapshot, units_file, write_csv, write_xlsx
from office.watching import DONE, REFUSED, _group, _look, take, watch_folder
from store.ingest import ingest_file


@pytest.fixture
def store(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    return engine


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def _batches(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(text("SELECT file_name FROM ingest_batch")).scalars())


def test_a_group_with_a_refused_file_writes_nothing_and_tells_every_file(store, inbox):
    write_csv(inbox / "stp.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    write_csv(inbox / "skhcn.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "80", ""]])
    write_csv(inbox / "hong.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "-1", ""]])
    before, said = snapshot(store), []
    landed = take(store, sorted(inbox.glob("*.csv")), inbox, said.append)
    assert landed == 0 and snapshot(store) == before
    assert sorted(p.name for p in (inbox / REFUSED).iterdir()) == [
        "hong.csv", "hong.csv.loi.txt", "skhcn.csv", "skhcn.csv.loi.txt", "stp.csv", "stp.csv.loi.txt"]
    assert not (inbox / DONE).exists() and not list(inbox.glob("*.csv"))
    why = (inbox / REFUSED / "hong.csv.loi.txt").read_text(encoding="utf-8")
    assert "hong.csv, dòng 2, cột «Giá trị»" in why and "giá trị âm «-1»" in why
    held = (inbox / REFUSED / "stp.csv.loi.txt").read_text(encoding="utf-8")
    assert "tệp hợp lệ nhưng không được ghi, vì cùng đợt với tệp bị từ chối (hong.csv)" in held
    told = "\n".join(said)
    assert "Đợt 3 tệp đến cùng lúc" in told and "hong.csv[/]: bị từ chối" in told
    assert "stp.csv[/]: hợp lệ nhưng chưa ghi, vì hong.csv cùng đợt bị từ chối" in told
    assert "skhcn.csv[/]: hợp lệ nhưng chưa ghi" in told


def test_a_good_group_lands_in_one_go_and_a_file_seen_before_is_told(store, inbox, tmp_path):
    earlier = write_csv(tmp_path / "truoc.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_ky_so", "10", ""]])
    ingest_file(store, earlier)
    (inbox / "truoc.csv").write_bytes(earlier.read_bytes())
    write_csv(inbox / "stp.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    write_csv(inbox / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(3)])
    said, heard = [], []
    assert take(store, sorted(inbox.glob("*.csv")), inbox, said.append, heard.append) == 2
    assert sorted(p.name for p in (inbox / DONE).iterdir()) == ["ho_so.csv", "stp.csv", "truoc.csv"]
    assert _batches(store) == ["don_vi.xlsx", "ho_so.csv", "stp.csv", "truoc.csv"]
    assert sorted(r.rows for r in heard) == [1, 3]
    assert "truoc.csv: đã được nhập trước đây, bỏ qua." in said


def test_files_arriving_within_the_settle_time_wait_for_each_other(inbox):
    seen = {}
    write_csv(inbox / "a.csv", FACT_HEADERS, [])
    _look(inbox, seen, now=0.0)
    assert _group(seen, 1.0, settle=2.0) == []  # a.csv not settled yet
    write_csv(inbox / "b.csv", FACT_HEADERS, [])
    _look(inbox, seen, now=1.5)
    assert _group(seen, 2.5, settle=2.0) == []  # a.csv settled, but b.csv came within its settle time
    _look(inbox, seen, now=3.6)
    assert [p.name for p in _group(seen, 3.6, settle=2.0)] == ["a.csv", "b.csv"]
    with open(inbox / "b.csv", "a", encoding="utf-8") as fh:  # still being written: its settle time starts again
        fh.write("STP,Năm 2024,van_ban_di,1,\n")
    _look(inbox, seen, now=4.0)
    assert _group(seen, 5.0, settle=2.0) == []
    (inbox / "a.csv").unlink()
    _look(inbox, seen, now=6.5)
    assert [p.name for p in _group(seen, 6.5, settle=2.0)] == ["b.csv"]


def test_a_file_still_being_copied_is_read_whole(store, inbox):
    """A writer appends a dossier file in pieces, pausing less than the settle time: the watcher, started
    meanwhile, takes it only once it is whole — every row lands, in one batch."""
    rows = [dossier(code=f"HS{i:04d}") for i in range(400)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(DOSSIER_HEADERS)
    writer.writerows(rows)
    content = buffer.getvalue().encode("utf-8")
    target = inbox / "ho_so.csv"
    with open(target, "wb") as fh:
        fh.write(content[:100])  # the header cut half-way: read now, the file would be refused
    pieces = [content[i:i + 2000] for i in range(100, len(content), 2000)]

    def copy():
        for piece in pieces:
            time.sleep(0.15)
            with open(target, "ab") as fh:
                fh.write(piece)

    copier = threading.Thread(target=copy)
    copier.start()
    said, told = [], []
    try:
        watch_folder(store, inbox, None, inbox.parent / "out", 0.05, True, said.append, told.append, settle=0.6)
    finally:
        copier.join()
    assert [p.name for p in (inbox / DONE).iterdir()] == ["ho_so.csv"], said
    assert (inbox / DONE / "ho_so.csv").read_bytes() == content
    with store.connect() as conn:
        assert conn.execute(text("SELECT rows FROM ingest_batch WHERE file_name = 'ho_so.csv'")).scalar() == 400


def test_a_file_taken_away_while_read_refuses_its_group_and_the_watcher_goes_on(store, inbox, monkeypatch):
    """The sender moves a workbook back out of the folder while it is being read: its group is refused, naming it,
    nothing is written, the other file waits in bi-tu-choi/ — an error reaching the watcher would stop it."""
    import store.ingest.files as files

    good = write_csv(inbox / "a.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    gone = write_xlsx(inbox / "b.xlsx", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "80", ""]])
    read = files.read_parts

    def taken_away(path, kinds):
        if path == gone:
            gone.unlink()
        return read(path, kinds)

    monkeypatch.setattr(files, "read_parts", taken_away)
    before, said = snapshot(store), []
    assert take(store, [good, gone], inbox, said.append) == 0
    assert snapshot(store) == before
    assert sorted(p.name for p in (inbox / REFUSED).iterdir()) == ["a.csv", "a.csv.loi.txt"]
    assert "b.xlsx[/]: bị từ chối, không ghi gì (tệp đã bị xóa hoặc chuyển đi trong khi đang đọc)" in "\n".join(said)


def test_a_file_refused_again_within_the_second_keeps_every_version(store, inbox, monkeypatch):
    """A figures file refused three times in a row under one name, within one second: each version stays in
    bi-tu-choi/ with its own .loi.txt, none written over by the next."""
    monkeypatch.setattr(time, "strftime", lambda *_: "20241215080000")
    for value in ("-1", "-2", "-3"):
        write_csv(inbox / "b.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", value, ""]])
        take(store, [inbox / "b.csv"], inbox, lambda _: None)
    kept = sorted((inbox / REFUSED).glob("*.loi.txt"))
    assert len(kept) == 3
    said = sorted(f"«{v}»" for v in ("-1", "-2", "-3"))
    assert sorted(next(w for w in said if w in p.read_text(encoding="utf-8")) for p in kept) == said


def test_what_the_watcher_says_names_files_with_brackets_as_they_are(store, inbox):
    """«[snv] so_lieu.csv» refused with «so_lieu [ban sua].csv»: as the console prints them, the names keep their
    brackets (read as styles, they named other files)."""
    from rich.console import Console

    write_csv(inbox / "[snv] so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    write_csv(inbox / "so_lieu [ban sua].csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_ky_so", "-1", ""]])
    console = Console(file=io.StringIO(), width=300)
    take(store, sorted(inbox.glob("*.csv")), inbox, console.print)
    printed = console.file.getvalue()
    assert "so_lieu [ban sua].csv: bị từ chối, không ghi gì (xem bi-tu-choi/so_lieu [ban sua].csv.loi.txt)" in printed
    assert "[snv] so_lieu.csv: hợp lệ nhưng chưa ghi, vì so_lieu [ban sua].csv cùng đợt bị từ chối" in printed
