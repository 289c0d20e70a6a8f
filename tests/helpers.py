"""Writing small input files the way users' spreadsheets look."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine

from store.db import counts

UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"]
UNITS = [
    ["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""],
    ["SKHCN", "Sở Khoa học và Công nghệ", "Sở, ban, ngành", "TINH"],
    ["STP", "Sở Tư pháp", "Sở, ban, ngành", "TINH"],
    ["SKHCN-VP", "Văn phòng Sở", "Phòng, đơn vị trực thuộc", "SKHCN"],
    ["XA0001", "UBND xã Bản Hon", "UBND xã, phường", "TINH"],
]
FACT_HEADERS = ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tài liệu kiểm chứng"]
DOSSIER_HEADERS = ["Mã đơn vị", "Mã hồ sơ", "Mã TTHC", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả",
                   "Hình thức nộp", "Có phí, lệ phí", "Thanh toán trực tuyến", "Số hóa", "Kết quả điện tử",
                   "Số lần yêu cầu bổ sung"]
PEOPLE_HEADERS = ["Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Đối tượng", "Chức vụ", "Mã đơn vị",
                  "Năm đánh giá", "Xếp loại"]


def write_csv(path: Path, headers: list[str], rows: list[list], bom: bool = False, sep: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def office_zip(entries: dict[str, bytes], types: bytes) -> bytes:
    """An Office package as an upload: its «[Content_Types].xml», then ``entries`` (part name → bytes)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def units_file(folder: Path) -> Path:
    return write_xlsx(folder / "don_vi.xlsx", UNIT_HEADERS, UNITS)


def dossier(unit="STP", code="HS1", tthc="1.000001", received="05/03/2024", due="12/03/2024",
            finished="10/03/2024", channel="Trực tuyến", fee="Có", paid="Có", digitised="Có", e_result="Có",
            supplements=0) -> list:
    return [unit, code, tthc, received, due, finished, channel, fee, paid, digitised, e_result, supplements]


def snapshot(engine: Engine) -> dict[str, int]:
    """Row counts of every table: equal before and after means nothing was written."""
    return counts(engine)


def demo_engine(folder: Path, communes: int, dossiers: int):
    """A small demo province generated into ``folder`` and ingested into a SQLite database there."""
    from cchc.demo import DemoSpec, generate
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    files = generate(folder / "data", DemoSpec(communes=communes, dossiers=dossiers))
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    upgrade(engine)
    for path in files.in_order():
        ingest_file(engine, path)
    return engine


def read_docx_text(document, path: Path) -> str:
    """A document rendered to DOCX and read back: its paragraphs and table cells, one per line."""
    from docx import Document as Docx

    from reports.docx import render_docx

    doc = Docx(render_docx(document, path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def refused(engine: Engine, path: Path) -> str:
    """Ingest a file that must be refused: the problems' text, after checking that nothing was written."""
    import pytest

    from store.ingest import IngestError, ingest_file

    before = snapshot(engine)
    with pytest.raises(IngestError) as e:
        ingest_file(engine, path)
    assert snapshot(engine) == before
    return e.value.render()


def below_its_targets(engine, folder) -> None:
    """SKHCN under its PAR INDEX target of 85 points (the demo's stands at 95): a weak survey and 10 of its 53
    procedures published in full, so that reaching the target takes changes."""
    from store.ingest import ingest_file

    ingest_file(engine, write_csv(folder / "duoi-muc-tieu.csv", FACT_HEADERS, [
        ["SKHCN", "Năm 2024", "sipas", 40, "KS-02"], ["SKHCN", "Năm 2024", "tthc_cong_khai", 10, "KL-02"]]))


def scored(engine: Engine, rules, when):
    """Score a rule set for a year (or a period code) — an explicit write, as the cycle's steps do — then read
    the stored run the documents show."""
    from office.scores import score, stored
    from rules.ruleset import find

    rs = find(rules) if isinstance(rules, str) else rules
    period = f"{when}-NAM" if isinstance(when, int) else when
    score(engine, rs, period)
    return stored(engine, rs, period)
