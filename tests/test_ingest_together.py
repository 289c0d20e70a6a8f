"""Several dossier files in one command: each staged on disk as it is checked, whatever its format, and the
datasets made at the end in one transaction — a file refused after another was written leaves no dataset, no
batch and nothing staged."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import DOSSIER_HEADERS, dossier, snapshot, units_file, write_csv, write_xlsx
from store import dossier_data
from store.ingest import IngestError, ingest_file, streamed
from store.ingest.files import FileStatus, _prepare, ingest_files


@pytest.fixture
def store(any_engine, tmp_path):
    ingest_file(any_engine, units_file(tmp_path))
    return any_engine


def _on_disk(engine) -> list[Path]:
    return [p for p in dossier_data.root(engine).rglob("*") if p.is_file()]


def test_a_dossier_workbook_waits_for_its_transaction_on_disk(store, tmp_path):
    path = write_xlsx(tmp_path / "ho_so.xlsx", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(5)])
    item = _prepare(store, FileStatus(path), None, None)
    try:
        assert isinstance(item.frame, streamed.Staged) and item.frame.path.is_dir() and len(item.frame) == 5
    finally:
        item.frame.discard()
    assert _on_disk(store) == []


@pytest.mark.parametrize("second", ["csv", "xlsx"])
def test_a_refused_second_file_leaves_no_dataset_and_no_batch(store, second, tmp_path):
    """The first file is good and is written inside the transaction (its dataset made); the second names a
    unit the store does not know, which only the transaction's check finds: everything goes back."""
    good = write_csv(tmp_path / "a.csv", DOSSIER_HEADERS, [dossier(code=f"A{i}") for i in range(50)])
    rows = [dossier(code=f"B{i}") for i in range(50)] + [dossier(unit="SO-LA", code="B50")]
    bad = (write_csv if second == "csv" else write_xlsx)(tmp_path / f"b.{second}", DOSSIER_HEADERS, rows)
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [good, bad])
    assert [str(p) for p in caught.value.problems] == [
        f"b.{second}, dòng 52, cột «Mã đơn vị»: đơn vị «SO-LA» chưa có trong danh mục đơn vị (nhập tệp đơn vị trước)"]
    first, refused = caught.value.statuses
    assert first.held and first.result is None and refused.refused
    assert snapshot(store) == before  # no batch, no facts
    assert _on_disk(store) == []  # no dataset, no counts, nothing staged
    assert len(ingest_files(store, [good])) == 1 and len(_on_disk(store)) > 0  # the good file alone lands


def test_files_of_one_name_in_two_folders_are_told_apart_by_their_paths(store, tmp_path):
    from helpers import UNIT_HEADERS

    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    good = write_csv(tmp_path / "d1" / "don_vi.csv", UNIT_HEADERS, [["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""]])
    bad = write_csv(tmp_path / "d2" / "don_vi.csv", UNIT_HEADERS, [["TINH", "UBND tỉnh Lai Châu", "Bộ", ""]])
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [good, bad])
    first, second = caught.value.statuses
    assert (first.name, second.name) == (str(good), str(bad)) and first.held and second.refused
    assert [p.file for p in caught.value.problems] == [str(bad)]
    alone = write_csv(tmp_path / "d1" / "ho_so.csv", DOSSIER_HEADERS, [dossier(unit="SO-LA")])
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [alone])
    assert caught.value.statuses[0].name == "ho_so.csv"  # a name of its own: the name alone, as always


def test_a_folder_named_as_a_file_is_refused_as_a_folder(engine, tmp_path):
    (tmp_path / "ho_so.csv").mkdir()
    before = snapshot(engine)
    with pytest.raises(IngestError) as err:
        ingest_files(engine, [units_file(tmp_path), tmp_path / "ho_so.csv"])
    [problem] = err.value.problems
    assert problem.message.startswith("là một thư mục, không phải tệp") and problem.file == str(tmp_path / "ho_so.csv")
    assert snapshot(engine) == before


def test_a_file_that_may_not_be_read_is_refused_naming_it(store, tmp_path, monkeypatch):
    """A file saved for its sender alone: its group is refused, naming it, with nothing written — not a failure
    of the command (exit 3)."""
    import store.ingest.files as files
    from helpers import FACT_HEADERS

    good = write_csv(tmp_path / "a.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", ""]])
    locked = write_xlsx(tmp_path / "b.xlsx", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_ky_so", "20", ""]])
    read = files.read_parts

    def denied(path, kinds):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return read(path, kinds)

    monkeypatch.setattr(files, "read_parts", denied)
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [good, locked])
    assert [str(p) for p in caught.value.problems] == [
        f"{locked}: không có quyền đọc tệp: cấp quyền đọc cho tài khoản chạy cchc rồi nhập lại"]
    assert caught.value.statuses[0].held and snapshot(store) == before


@pytest.mark.parametrize("dossiers_first", [True, False])
def test_a_declared_part_of_the_dossiers_is_checked_against_the_dossiers_of_the_same_command(store, tmp_path,
                                                                                              dossiers_first):
    """50 dossiers synchronised with the national portal declared for STP's year, and a file of its 10 dossiers:
    in one command, whichever order they are named in, the figure is refused as it is once the dossiers are in
    (figures were written first, checked before the dossiers' counts were there)."""
    from helpers import FACT_HEADERS

    figures = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "hs_dong_bo_dvcqg", "50", "x"]])
    dossiers = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(10)])
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [dossiers, figures] if dossiers_first else [figures, dossiers])
    assert [str(p) for p in caught.value.problems] == [
        "so_lieu.csv, dòng 2, cột «Giá trị»: Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia (50) lớn hơn Tổng số hồ sơ "
        "tiếp nhận trong kỳ (10, từ tệp ho_so.csv trong cùng lệnh) của đơn vị STP, kỳ 2024-NAM"]
    assert snapshot(store) == before and _on_disk(store) == []


@pytest.mark.parametrize("whole_first", [True, False])
def test_a_part_above_its_whole_in_another_file_of_the_command_names_that_file(store, tmp_path, whole_first):
    """121 signed documents in one file, 120 outgoing in another of the same command: the refusal names the other
    file as where the other figure comes from. It had said the figure was in the store, where nothing of the
    refused command is."""
    from helpers import FACT_HEADERS

    whole = write_csv(tmp_path / "di.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", "x"]])
    part = write_csv(tmp_path / "ky_so.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_ky_so", "121", "x"]])
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [whole, part] if whole_first else [part, whole])
    said = ("Văn bản đi được ký số (121) lớn hơn Tổng số văn bản đi (120, từ tệp di.csv trong cùng lệnh)" if whole_first
            else "Văn bản đi được ký số (121, từ tệp ky_so.csv trong cùng lệnh) lớn hơn Tổng số văn bản đi (120)")
    assert [str(p) for p in caught.value.problems] == [
        f"{'ky_so' if whole_first else 'di'}.csv, dòng 2, cột «Giá trị»: {said} của đơn vị STP, kỳ 2024-NAM"]
    assert snapshot(store) == before


def test_dossiers_that_would_leave_a_declared_part_above_its_whole_are_refused(store, tmp_path):
    """50 dossiers synchronised with the national portal declared for STP's year, then a file of its 10 dossiers:
    refused as the figure would be were it sent after them, nothing written; 60 dossiers land."""
    from helpers import FACT_HEADERS

    ingest_file(store, write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS,
                                 [["STP", "Năm 2024", "hs_dong_bo_dvcqg", "50", "x"]]))
    ten = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(10)])
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [ten])
    assert [str(p) for p in caught.value.problems] == [
        "ho_so.csv: Tổng số hồ sơ tiếp nhận trong kỳ của đơn vị STP, kỳ 2024-NAM tính từ tệp này là 10, nhỏ hơn Hồ sơ "
        "đồng bộ lên Cổng Dịch vụ công quốc gia đã khai báo (50): sửa số liệu đã khai báo (nhập lại tệp số liệu) hoặc "
        "tệp hồ sơ"]
    assert snapshot(store) == before and _on_disk(store) == []
    sixty = write_csv(tmp_path / "ho_so_du.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(60)])
    assert ingest_file(store, sixty).loaded["hồ sơ"] == 60


def test_a_year_given_for_a_file_that_is_not_of_dossiers_is_said_unused(store, tmp_path):
    from helpers import FACT_HEADERS

    figures = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "50", "x"]])
    [status] = ingest_files(store, [figures], year=2023)
    assert status.result.rows == 1
    assert [str(w) for w in status.result.warnings] == [
        "so_lieu.csv: --year 2023 chỉ dùng cho tệp hồ sơ TTHC, không dùng cho tệp số liệu chỉ tiêu"]


def test_dossiers_sent_with_the_figures_that_correct_their_declared_part_land_together(store, tmp_path):
    """50 dossiers synchronised with the national portal declared for STP's year; then, in one command, its 10
    dossiers and the figure corrected to 8: the declared part is the file's 8, not the 50 it replaces, and both
    land (the dossiers, written first, had been refused against the 50)."""
    from helpers import FACT_HEADERS
    from sqlalchemy import select

    from store import models

    ingest_file(store, write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS,
                                 [["STP", "Năm 2024", "hs_dong_bo_dvcqg", "50", "x"]]))
    ten = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(10)])
    eight = write_csv(tmp_path / "so_lieu_sua.csv", FACT_HEADERS, [["STP", "Năm 2024", "hs_dong_bo_dvcqg", "8", "x"]])
    statuses = ingest_files(store, [eight, ten])
    assert [s.result.loaded["hồ sơ"] for s in statuses if s.path == ten] == [10]
    with store.connect() as c:
        assert c.execute(select(models.Fact.value).where(models.Fact.indicator_code == "hs_dong_bo_dvcqg")
                         .order_by(models.Fact.batch_id.desc())).scalars().first() == 8
    fifty = write_csv(tmp_path / "so_lieu_lai.csv", FACT_HEADERS, [["STP", "Năm 2024", "hs_dong_bo_dvcqg", "50", "y"]])
    with pytest.raises(IngestError):  # the figure is still checked, against the dossiers written before it
        ingest_files(store, [ten, fifty])


@pytest.mark.parametrize("made", ["pipe", "link to /dev/zero"])
def test_a_pipe_or_a_device_named_as_a_file_is_refused_as_no_file(engine, tmp_path, made):
    """It had been refused as «không tìm thấy tệp»: the file is there, but it is no spreadsheet."""
    import os

    path = tmp_path / "so_lieu.csv"
    if made == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    before = snapshot(engine)
    with pytest.raises(IngestError) as err:
        ingest_files(engine, [path])
    [problem] = err.value.problems
    assert problem.message.startswith("không phải tệp thường") and problem.file == str(path)
    assert snapshot(engine) == before


def test_one_record_given_by_two_files_of_one_command_is_refused_naming_both(engine, tmp_path):
    """A figure 120 in one file and 50 in the other, named in one command: the last named had won without a word.
    The same file named twice lands once; the same record in two commands is a correction, as always."""
    from helpers import FACT_HEADERS, write_csv

    ingest_files(engine, [units_file(tmp_path)])
    first = write_csv(tmp_path / "so_lieu_a.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "120", ""],
                                                                 ["STP", "Năm 2024", "van_ban_di", "80", ""]])
    second = write_csv(tmp_path / "so_lieu_b.csv", FACT_HEADERS, [["XA0001", "Năm 2024", "van_ban_di", "9", ""],
                                                                  ["SKHCN", "2024-NAM", "van_ban_di", "50", ""]])
    before = snapshot(engine)
    with pytest.raises(IngestError) as err:
        ingest_files(engine, [first, second])
    assert [str(p) for p in err.value.problems] == [
        "so_lieu_b.csv, dòng 3, cột «Mã đơn vị»: trùng khóa (Mã đơn vị, Kỳ báo cáo, Mã chỉ tiêu) với dòng 2 của tệp "
        "so_lieu_a.csv trong cùng lệnh: không rõ giá trị nào đúng; bỏ một trong hai dòng, hoặc nhập từng tệp một"]
    assert snapshot(engine) == before
    assert [st.result.rows for st in ingest_files(engine, [first, first])] == [2, 2]
    ingest_files(engine, [second])  # a later command corrects
    one = write_csv(tmp_path / "so_lieu_c.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "77", ""],
                                                               ["XA0001", "Năm 2024", "van_ban_mat", "1", ""]])
    other = write_csv(tmp_path / "so_lieu_d.csv", FACT_HEADERS, [["SKHCN", "Năm 2024", "van_ban_di", "77", ""],
                                                                 ["STP", "Năm 2024", "van_ban_mat", "3", ""]])
    assert [st.result.rows for st in ingest_files(engine, [one, other])] == [2, 2]  # the same value in both
