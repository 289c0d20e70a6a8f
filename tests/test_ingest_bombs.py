"""Files of a few kilobytes that stand for billions of cells are refused before they are read: a workbook whose used
range reaches far (one cell at XFD1048576: every empty cell of the range was made, 128 GB), a Parquet file of a
kind read whole whose compressed columns hold a hundred million rows. Nothing is written. An honest workbook a few
columns wider than its table, or a Parquet file of figures, still lands."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl.utils import get_column_letter

from helpers import FACT_HEADERS, refused, units_file, write_xlsx
from store.ingest import ingest_file
from store.ingest.reading import MAX_WHOLE_ROWS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_reaching(path: Path, last: str, rows: list[list[str]], dimension: str | None = None) -> Path:
    """A workbook of ``rows`` (a header and figures) and one more cell at ``last`` (e.g. «XFD1048576»), its used
    range declared as Excel declares it: a few kilobytes."""
    body = "".join(f'<row r="{r}">' + "".join(_cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(row, 1))
                   + "</row>" for r, row in enumerate(rows, 1))
    row = int("".join(ch for ch in last if ch.isdigit()))
    body += f'<row r="{row}">{_cell(last, "x")}</row>'
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{REL}"><Relationship Id="rId1" '
        f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet '
        'name="Số liệu" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{REL}"><Relationship Id="rId1" '
        f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension '
        f'ref="{dimension or "A1:" + last}"/><sheetData>{body}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


FIGURES = [FACT_HEADERS, ["STP", "Năm 2024", "so_vu_ky_luat", "1", ""]]


def test_a_workbook_whose_used_range_reaches_the_last_cell_is_refused_before_it_is_read(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = sheet_reaching(tmp_path / "so_lieu.xlsx", "XFD1048576", FIGURES)
    assert path.stat().st_size < 3000
    assert refused(engine, path) == (
        "so_lieu.xlsx: trang «Số liệu» có vùng đã dùng đến ô XFD1048576 (1.048.576 dòng × 16.384 cột): quá lớn so "
        "với một bảng nhập liệu; xóa các dòng, cột thừa ngoài bảng (kể cả ô chỉ có định dạng) rồi lưu lại\n"
        "Không có dữ liệu nào được ghi.")


def test_a_used_range_a_whole_sheet_deep_and_forty_columns_wide_is_refused_too(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = sheet_reaching(tmp_path / "so_lieu.xlsx", "AN1048576", FIGURES)
    assert "vùng đã dùng đến ô AN1048576 (1.048.576 dòng × 40 cột)" in refused(engine, path)


def test_a_stray_cell_a_little_beyond_the_table_is_read_as_before(engine, tmp_path):
    """A note typed beside the table, columns to the right and rows below: within the bounds, read as a row wider
    than the header is read (named by its row), not refused as a bomb."""
    ingest_file(engine, units_file(tmp_path))
    path = sheet_reaching(tmp_path / "so_lieu.xlsx", "Z500", FIGURES)
    message = refused(engine, path)
    assert "quá lớn" not in message and "dòng 500" in message, message


def test_a_parquet_file_of_a_kind_read_whole_holds_no_more_rows_than_a_sheet(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    n = MAX_WHOLE_ROWS + 1
    table = pa.table({h: pa.array([v]).dictionary_encode().take(pa.array([0] * n))
                      for h, v in zip(FACT_HEADERS, FIGURES[1])})
    path = tmp_path / "so_lieu.parquet"
    pq.write_table(table, path, compression="zstd")
    assert path.stat().st_size < 100_000
    assert refused(engine, path) == (
        "so_lieu.parquet: tệp có 1.048.577 dòng, quá nhiều cho loại tệp này (tối đa 1.048.576 dòng, như một trang "
        "Excel): chia thành nhiều tệp\nKhông có dữ liệu nào được ghi.")
    small = tmp_path / "so_lieu_nho.parquet"
    pq.write_table(table.slice(0, 1), small)
    assert ingest_file(engine, small).rows == 1


def test_an_honest_workbook_a_few_columns_wider_than_its_table_lands(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    path = write_xlsx(tmp_path / "so_lieu.xlsx", FACT_HEADERS, [FIGURES[1]])
    assert ingest_file(engine, path).rows == 1


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_workbook_part_that_unpacks_to_gigabytes_is_refused_before_it_is_read(engine, tmp_path, part):
    """Shared texts are read whole before a row: 70 MB of one letter packed into some 70 KB had all been read into
    memory (3 GB of them into 3 GB), and the file then landed; a header cell of 600 MB had been read for more than
    ten minutes. A sheet of honest shared texts still lands."""
    ingest_file(engine, units_file(tmp_path))
    honest = write_xlsx(tmp_path / "so_lieu.xlsx", FACT_HEADERS, [FIGURES[1]])
    path = tmp_path / "so_lieu_bom.xlsx"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                                 b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                                                 b"</Types>")
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdS" Type="{DOC}/sharedStrings" Target='
                                                         '"sharedStrings.xml"/></Relationships>'.encode())
            if item.filename != "xl/worksheets/sheet1.xml" or part != item.filename:
                out.writestr(item, data)
                continue
            head, tail = data.split(b"</t>", 1)  # the first header cell, grown
            with out.open(item.filename, "w") as fh:
                fh.write(head + b"a" * (70 << 20) + b"</t>" + tail)
        if part == "xl/sharedStrings.xml":
            with out.open(part, "w") as fh:
                fh.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for _ in range(70):
                    fh.write(b"<si><t>" + b"a" * (1 << 20) + b"</t></si>")
                fh.write(b"</sst>")
    assert path.stat().st_size < 300_000
    message = refused(engine, path)
    assert message.startswith(f"so_lieu_bom.xlsx: tệp nén bất thường: phần «{part}» giải nén ra 70 MB từ "
                              ) and message.endswith("Không có dữ liệu nào được ghi."), message
    assert ingest_file(engine, honest).rows == 1
