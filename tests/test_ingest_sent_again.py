"""A file whose bytes landed before lands once: sent again, it is said to be there, with the batch it landed as and,
for dossiers, the year they were read as; a ``--year`` that would read them as another year is said to be unused."""

from __future__ import annotations

from cli_runner import cchc
from helpers import DOSSIER_HEADERS, dossier, refused, snapshot, units_file, write_csv
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


def test_a_later_file_without_an_optional_column_keeps_what_was_stored(engine, tmp_path):
    """Guard: store.ingest.kind.assign. A collective's title, a person's birth date, an initiative's decision and a
    matter's end, sent first with their column and then in a file that leaves the column out (a rating corrected,
    next year's list), had been blanked: the unit lost the «Tập thể lao động xuất sắc» its Bằng khen counts on.
    A column present with its cell blank still says blank."""
    from sqlalchemy import text

    ingest_file(engine, units_file(tmp_path))
    staff = ["Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Đối tượng", "Chức vụ", "Mã đơn vị", "Năm đánh giá",
             "Xếp loại"]
    person = ["CB1", "Lò Văn A", "Nam", "14/05/1977", "Công chức", "Chuyên viên", "SKHCN-VP", "2024",
              "Hoàn thành tốt nhiệm vụ"]
    ingest_file(engine, write_csv(tmp_path / "can_bo.csv", staff, [person]))
    without = [h for h in staff if h != "Ngày sinh"]
    next_year = [v for h, v in zip(staff, person) if h != "Ngày sinh"][:-2] + ["2025", "Hoàn thành nhiệm vụ"]
    ingest_file(engine, write_csv(tmp_path / "can_bo_2025.csv", without, [next_year]))
    rating = ["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể", "Danh hiệu tập thể"]
    ingest_file(engine, write_csv(tmp_path / "xep_loai.csv", rating, [
        ["SKHCN", "2024", "Hoàn thành xuất sắc nhiệm vụ", "Tập thể lao động xuất sắc"],
        ["STP", "2024", "Hoàn thành xuất sắc nhiệm vụ", "Tập thể lao động xuất sắc"]]))
    ingest_file(engine, write_csv(tmp_path / "xep_loai_sua.csv", rating[:3], [
        ["SKHCN", "2024", "HTXSNV"], ["STP", "2024", "Hoàn thành xuất sắc nhiệm vụ"]]))
    # a rating the title kept no longer fits is refused, naming the title stored
    problems = refused(engine, write_csv(tmp_path / "xep_loai_sai.csv", rating[:3], [["STP", "2024", "HTTNV"]]))
    assert ("xep_loai_sai.csv, dòng 2, cột «Mức xếp loại tập thể»: Tập thể lao động xuất sắc (danh hiệu đã ghi; tệp "
            "không có cột «Danh hiệu tập thể») cần tập thể xếp loại Hoàn thành xuất sắc nhiệm vụ") in problems
    idea = ["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận", "Cấp công nhận", "Số quyết định công nhận"]
    ingest_file(engine, write_csv(tmp_path / "sang_kien.csv", idea, [
        ["SK1", "Số hóa hồ sơ", "CB1", "2024", "Cơ sở", "243/QĐ-SKHCN"]]))
    ingest_file(engine, write_csv(tmp_path / "sang_kien_sua.csv", idea[:5], [["SK1", "Số hóa hồ sơ một cửa", "CB1",
                                                                              "2024", "Cơ sở"]]))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT birth_date FROM person WHERE code = 'CB1'")).scalar() == "1977-05-14"
        assert conn.execute(text("SELECT title FROM collective_rating ORDER BY unit_id")).scalars().all() == [
            "tap_the_lao_dong_xuat_sac", "tap_the_lao_dong_xuat_sac"]
        assert conn.execute(text("SELECT title, decision_no FROM initiative")).one() == ("Số hóa hồ sơ một cửa",
                                                                                        "243/QĐ-SKHCN")
    ingest_file(engine, write_csv(tmp_path / "xep_loai_bo.csv", rating, [["STP", "2024", "Hoàn thành tốt nhiệm vụ", ""]]))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM collective_rating ORDER BY unit_id")).scalars().all() == [
            "tap_the_lao_dong_xuat_sac", ""]
    matters = ["Mã cán bộ", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"]
    ingest_file(engine, write_csv(tmp_path / "vu_viec.csv", matters, [["CB1", "Điều tra", "15/09/2024", "20/11/2024",
                                                                       "Không vi phạm"]]))
    ingest_file(engine, write_csv(tmp_path / "vu_viec_mo.csv", matters[:3], [["CB1", "Điều tra", "15/09/2024"]]))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT closed_on, outcome FROM proceeding")).one() == ("2024-11-20", "Không vi phạm")
