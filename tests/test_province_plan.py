"""The province's plan (seed 003): `cchc report ke-hoach --unit TINH` writes it from the province's target set —
last year's value and rank among the 63 provinces, this year's target and rank range, who answers for each —
with each body's duties, under the province's header and signer; it only reads the store."""

from __future__ import annotations

from docx import Document as Docx

from cli_runner import cchc
from helpers import snapshot
from office.documents import Request, build

SEED_003 = [  # (component, 2022, rank, 2023 target, rank range, responsible)
    ["1", "Công tác chỉ đạo điều hành về cải cách hành chính", "89,47%", "43", "từ 90% trở lên", "40–43",
     "Các Sở: Nội vụ, Khoa học và Công nghệ, các thành viên Ban Chỉ đạo CCHC tỉnh"],
    ["6", "Cải cách tài chính công", "77,25%", "48", "từ 80% trở lên", "45–48", "Sở Tài chính"],
    ["9", "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "79,34%", "35", "trên 80%", "30–35",
     "Các sở, ban, ngành, địa phương (Sở Nội vụ theo dõi)"],
    ["10", "Tổng cộng (PAR INDEX)", "86,29%", "24", "trên 86%", "20–24", "UBND tỉnh"],
]


def _read(path) -> tuple[str, list[list[str]]]:
    doc = Docx(path)
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    return text, [[c.text for c in row.cells] for row in table.rows]


def test_the_provinces_plan_carries_seed_003s_target_table_and_each_bodys_duties(province, tmp_path):
    before = snapshot(province)
    path = build(province, "ke-hoach", Request(2024, "TINH", out=tmp_path))
    assert snapshot(province) == before  # a document only reads
    assert path.name == "ke-hoach-cchc-TINH-2023.docx"  # the latest year the province has targets for
    text, rows = _read(path)
    assert rows[0][2:4] == ["Chỉ số năm 2022", "Thứ hạng năm 2022 (trên 63 tỉnh, thành phố)"]
    assert len(rows) == 11
    for row in SEED_003:
        assert row in rows, row
    header = " ".join(text.split())  # the committee's name is set on two lines
    assert "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" in header and "/KH-UBND" in text and "KT. CHỦ TỊCH" in text
    assert "ngày 30 tháng 6 năm 2023" in text
    assert "xếp thứ 24/63 tỉnh, thành phố" in text and "SIPAS) đạt 79,34%" in text
    for body in ("Sở Nội vụ", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp", "Sở Thông tin và Truyền thông",
                 "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"):
        assert f". {body}\n" in text, body
    assert "trên 30% cơ quan, đơn vị, địa phương trong tỉnh được kiểm tra trong năm 2023" in text
    assert "Căn cứ Kế hoạch số 4761/KH-UBND ngày 22/12/2022" in text
    assert "[NC]" not in text and "…" not in text and "Ninh Thuận" not in text and "778/KH-SKHCN" not in text


def test_the_command_writes_it_and_a_province_without_targets_is_told_so(province, tmp_path):
    db = str(province.url)
    done = cchc("report", "ke-hoach", "--unit", "TINH", "--out", tmp_path / "r", cwd=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "ke-hoach-cchc-TINH-2023.docx").exists()
    early = cchc("report", "ke-hoach", "--unit", "TINH", "--year", "2020", "--out", tmp_path / "r", cwd=tmp_path,
                 db=db)
    assert early.returncode == 1 and "chưa có bộ mục tiêu PAR INDEX, SIPAS của tỉnh Lai Châu đến năm 2021" in \
        " ".join(early.stderr.split())
