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


def pdf_file(catalog: bytes = b"", objects: dict[int, bytes] | None = None, packed: dict[int, bytes] | None = None,
             version: bytes = b"1.7") -> bytes:
    """A one-page PDF as an upload: the catalog (object 1) with ``catalog`` added to its dictionary, ``objects``
    (number → body) after the page's, and ``packed`` (number → dictionary) in a compressed object stream."""
    import zlib

    content = zlib.compress(b"BT /F1 14 Tf 72 760 Td (Bao cao) Tj ET")
    bodies = {1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
              2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R >> >> >>",
              4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
              5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", **(objects or {})}
    if packed:
        numbers = sorted(packed)
        offsets, text = [], b""
        for n in numbers:
            offsets.append(len(text))
            text += packed[n] + b"\n"
        header = b" ".join(b"%d %d" % (n, o) for n, o in zip(numbers, offsets)) + b"\n"
        stream = zlib.compress(header + text)
        bodies[max(bodies) + 1] = (b"<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
                                   % (len(numbers), len(header), len(stream)) + stream + b"\nendstream")
    out, offsets = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n"), {}
    for n, body in sorted(bodies.items()):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    size = max(bodies) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets.get(n, 0) for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


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
