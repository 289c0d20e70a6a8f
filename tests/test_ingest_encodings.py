"""TCVN3 (ABC) and VNI-Windows: the tables checked letter by letter against the encodings' charts, files in them
converted to Unicode and landing as their UTF-8 twins, files that can only be in them refused by name — and no
file of the existing corpus (UTF-8, UTF-8 with BOM, UTF-16, Windows-1258) read any differently."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from sqlalchemy import text

from helpers import DOSSIER_HEADERS, FACT_HEADERS, PEOPLE_HEADERS, UNIT_HEADERS, UNITS, dossier
from store.ingest import KINDS, IngestError, ingest_file
from store.ingest.encodings import TCVN3, VNI, decode, encode
from store.ingest.reading import read_sheet

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
# Every letter of the Vietnamese alphabet with its tones, built from Unicode's combining marks (not from the
# tables under test): 12 vowels × 6 tones and đ, lower case.
LOWER = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | {"đ"})
UPPER = [c.upper() for c in LOWER]
PANGRAM = "Quý khách hỏi: Ở đâu gửi hồ sơ? Trả lời: tại Bộ phận Một cửa, thứ Hai đến thứ Sáu, ký nhận ngay."


def test_the_alphabet_is_all_there():
    assert len(LOWER) == 73 and all(len(c) == 1 for c in LOWER)  # precomposed in NFC, every one


# The charts' own bytes for a few words, written out by hand: the tables are checked against them, not only
# against their own inverse.
CHART = [
    ("tcvn3", b"Vi\xd6t Nam", "Việt Nam"),
    ("tcvn3", b"Ninh B\xd7nh", "Ninh Bình"),
    ("tcvn3", b"\xa7\xb6ng \xae\xbb \xa7\xe3ng", "Đảng đằ Đóng"),
    ("tcvn3", b"M\xad\xeang Kh\xad\xacng", "Mường Khương"),
    ("tcvn3", b"\xa1 \xa2 \xa3 \xa4 \xa5 \xa6 \xa7", "Ă Â Ê Ô Ơ Ư Đ"),
    ("tcvn3", b"th\xf8 t\xfd h\xfe", "thứ tý hỵ"),
    ("vni", b"Vie\xe4t Nam", "Việt Nam"),
    ("vni", b"\xd1a\xf8 Na\xfcng", "Đà Nẵng"),
    ("vni", b"\xd1A\xc9K LA\xc9K", "ĐẮK LẮK"),
    ("vni", b"Th\xf6\xf8a Thie\xe2n Hue\xe1", "Thừa Thiên Huế"),
    ("vni", b"th\xf2 tr\xe6 k\xf3 l\xee", "thị trỉ kĩ lỵ"),
    ("vni", b"\xd4\xd9 \xd6\xd8 O\xc0 O\xc2", "Ớ Ừ Ồ Ô"),
]


@pytest.mark.parametrize("encoding,data,expected", CHART)
def test_words_from_the_charts(encoding, data, expected):
    assert decode(data, encoding) == expected


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_every_letter_goes_there_and_back(encoding):
    letters = LOWER + (UPPER if encoding == "vni" else ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
    coded = [encode(c, encoding) for c in letters]
    assert len(set(coded)) == len(letters)  # no two letters share a code
    assert [decode(b, encoding) for b in coded] == letters
    words = " ".join(letters)
    assert decode(encode(words, encoding), encoding) == words
    assert decode(encode(PANGRAM, encoding), encoding) == (PANGRAM if encoding == "vni"
                                                           else PANGRAM.replace("Ở", "ở"))


def test_tcvn3_capitals_with_a_tone_read_as_lower_case():
    """.VnTimeH drew them from the lower-case codes: a file cannot tell them apart."""
    assert [decode(encode(c, "tcvn3"), "tcvn3") for c in "ẮỆỚỰỴĐ"] == ["ắ", "ệ", "ớ", "ự", "ỵ", "Đ"]


def test_the_tables_hold_every_letter_once():
    marked = [c for c in LOWER + UPPER if not c.isascii()]  # a, e, i, o, u, y are ASCII in both
    assert sorted(TCVN3.values()) == sorted([c for c in marked if c.islower()] + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
    assert sorted(set(VNI.values())) == sorted(marked)
    assert len(set(VNI.values())) == len(VNI)


# --- Files ----------------------------------------------------------------------------------------------------------


def _csv(headers, rows, sep=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def _cp1258(content: str) -> bytes:
    """As Excel writes «CSV» on a Vietnamese Windows: base letters precomposed, tones combining."""
    out = []
    for ch in content:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES[1:])
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES[1:])) + tones)
    return "".join(out).encode("cp1258")


def _write(path, content: str, encoding: str):
    if encoding in ("tcvn3", "vni"):
        path.write_bytes(encode(content, encoding))
    elif encoding == "cp1258":
        path.write_bytes(_cp1258(content))
    else:
        path.write_bytes(content.encode(encoding))
    return path


# Every kind's headers written in Vietnamese: the existing corpus of small files.
CORPUS = {
    "don_vi": (UNIT_HEADERS, UNITS),
    "so_lieu": (FACT_HEADERS, [["STP", "Năm 2024", "van_ban_di", "120", "Báo cáo số 12/BC-STP"]]),
    "ho_so": (DOSSIER_HEADERS, [dossier(code=f"HS{i}") for i in range(3)]),
    "can_bo": (PEOPLE_HEADERS, [["CB1", "Lò Thị Dua", "Nữ", "", "Công chức", "Chuyên viên", "SKHCN-VP", "2024",
                                 "Hoàn thành tốt nhiệm vụ"]]),
}
READ_AS = {"utf-8": [], "utf-8-sig": [], "utf-16": ["tệp ở mã UTF-16"],
           "cp1258": ["tệp ở mã Windows-1258, đã đổi sang UTF-8"],
           "tcvn3": ["tệp ở mã TCVN3 (ABC), đã đổi sang UTF-8"], "vni": ["tệp ở mã VNI-Windows, đã đổi sang UTF-8"]}


@pytest.mark.parametrize("encoding", list(READ_AS))
@pytest.mark.parametrize("key", list(CORPUS))
def test_each_encoding_is_told_apart_and_reads_as_the_utf8_file(encoding, key, tmp_path):
    headers, rows = CORPUS[key]
    sep = "\t" if encoding == "utf-16" else ";" if encoding == "cp1258" else ","
    content = _csv(headers, [[str(v) for v in r] for r in rows], sep)
    twin = read_sheet(_write(tmp_path / "utf8.csv", _csv(headers, [[str(v) for v in r] for r in rows]), "utf-8"),
                      KINDS.values())
    sheet = read_sheet(_write(tmp_path / f"{key}.csv", content, encoding), KINDS.values())
    assert sheet.notes == READ_AS[encoding]
    assert list(sheet.frame.columns) == headers
    assert sheet.frame.astype(str).values.tolist() == twin.frame.astype(str).values.tolist()


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_a_units_file_in_a_legacy_encoding_lands_in_unicode(engine, encoding, tmp_path):
    units = UNITS + [["XA0002", "UBND xã Đắk Rơ Wa" if encoding == "vni" else "UBND xã Đắk Rơ Wa", "UBND xã, phường",
                      "TINH"]]
    path = _write(tmp_path / "don_vi.csv", _csv(UNIT_HEADERS, units), encoding)
    assert ingest_file(engine, path).rows == len(units)
    with engine.connect() as conn:
        names = dict(conn.execute(text("SELECT code, name FROM unit")).all())
    assert names == {code: name for code, name, *_ in units}
    assert all(unicodedata.is_normalized("NFC", n) for n in names.values())


def _typed_in_old_fonts(path, headers, rows):
    from openpyxl import Workbook

    wb = Workbook()
    for row in [headers, *rows]:
        wb.active.append(row)
    wb.save(path)
    return path


def test_names_typed_in_the_old_fonts_into_a_workbook_are_refused_naming_what_they_read_as(engine, tmp_path):
    """Guard: store.ingest.encodings.old_font_readings. Text typed with the .VnTime or VNI-Times fonts into a
    workbook is stored as the Windows-1252 letters the font drew as Vietnamese: «Sở Nội vụ» had landed as «Së Néi
    vô». Refused, naming the cell and its reading in each font that fits; Windows-1252 signs and letters of
    Vietnamese («Café», «Một cửa») are no old font."""
    old = lambda text, encoding: encode(text, encoding).decode("cp1252")  # noqa: E731
    units = [list(row) for row in UNITS] + [["XA0002", "Trung tâm «Một cửa» Café", "UBND xã, phường", "TINH"]]
    _typed_in_old_fonts(tmp_path / "don_vi.xlsx", UNIT_HEADERS, units)
    assert ingest_file(engine, tmp_path / "don_vi.xlsx").rows == len(units)
    units[1][1], units[2][1] = old("Sở Nội vụ", "tcvn3"), old("Sở Tư pháp", "vni")
    assert (units[1][1], units[2][1]) == ("Së Néi vô", "Sôû Tö phaùp")
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, _typed_in_old_fonts(tmp_path / "cu.xlsx", UNIT_HEADERS, units))
    first, second = caught.value.problems
    assert (first.row, first.column, second.row, second.column) == (3, "Tên đơn vị", 4, "Tên đơn vị")
    assert "«Së Néi vô» là chữ gõ bằng phông cũ, đọc theo TCVN3 (ABC) là «Sở Nội vụ»" in first.message
    assert "theo VNI-Windows là «Sở Tư pháp»" in second.message
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM unit WHERE code = 'SKHCN'")).scalar() == UNITS[1][1]


def test_a_header_typed_in_an_old_font_is_refused_saying_so(engine, tmp_path):
    """Guard: store.ingest._not_in_an_old_font. «M· ®¬n vÞ» is «Mã đơn vị» typed with .VnTime: the file had been
    refused as of no known kind."""
    headers = [encode(h, "tcvn3").decode("cp1252") for h in UNIT_HEADERS]
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, _typed_in_old_fonts(tmp_path / "don_vi.xlsx", headers, UNITS))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "M· ®¬n vÞ")
    assert problem.message.startswith("dòng tiêu đề gõ bằng phông cũ TCVN3 (ABC) («M· ®¬n vÞ» là «Mã đơn vị»)")


@pytest.mark.parametrize("encoding,name", [("tcvn3", "TCVN3 (ABC)"), ("vni", "VNI-Windows")])
def test_a_file_that_can_only_be_in_a_legacy_encoding_is_refused_naming_it(engine, encoding, name, tmp_path):
    """Headers typed without diacritics leave nothing to check the encoding by: the bytes fit only one of the
    fonts' encodings, which the message names, with how to convert."""
    headers = ["Ma don vi", "Ten don vi", "Loai don vi", "Ma don vi cap tren"]
    path = _write(tmp_path / "don_vi.csv", _csv(headers, UNITS), encoding)
    with pytest.raises(IngestError) as caught:
        ingest_file(engine, path)
    [problem] = caught.value.problems
    assert problem.message.startswith(f"tệp CSV không ở mã UTF-8; có vẻ ở mã {name}: chuyển sang Unicode")
    assert f"nguồn {name}, đích Unicode" in problem.message and "«CSV UTF-8»" in problem.message


@pytest.mark.parametrize("row", [3, 20000])  # in the first block read, and a megabyte on
def test_a_byte_that_is_not_utf8_past_the_start_is_named_by_its_row_and_column(engine, row, tmp_path):
    from helpers import refused, units_file, write_csv

    ingest_file(engine, units_file(tmp_path))
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, [dossier(code=f"HS{i:05d}") for i in range(30000)])
    lines = path.read_bytes().splitlines(True)
    lines[row - 1] = lines[row - 1].replace(f"HS{row - 2:05d}".encode(), b"HS\xff" + str(row).encode())
    path.write_bytes(b"".join(lines))
    text = refused(engine, path)
    assert f"ho_so.csv, dòng {row}, cột «B»: ô có byte không thuộc mã UTF-8" in text


@pytest.mark.parametrize("damage", ["half a pair", "cut short"])
def test_a_utf16_file_with_bytes_that_are_no_character_is_refused_naming_the_cell(engine, damage, tmp_path):
    """Excel's «Unicode Text» with half a surrogate pair in a cell, or cut short by one byte (a copy not
    finished): refused naming the row and column, as a UTF-8 file's bad byte is, never an error of the reader."""
    from helpers import refused, units_file

    ingest_file(engine, units_file(tmp_path))
    lines = ["\t".join(DOSSIER_HEADERS)] + ["\t".join(map(str, dossier(code=f"HS{i}"))) for i in range(3)]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-16")
    at = data.index("HS1".encode("utf-16-le"))
    data = data[:at] + b"\x00\xd8" + data[at:] if damage == "half a pair" else data[:-1]
    path = tmp_path / "ho_so.csv"
    path.write_bytes(data)
    text = refused(engine, path)
    where = "dòng 3, cột «B»" if damage == "half a pair" else "dòng 4, cột «L»"  # the last line end, cut
    assert f"ho_so.csv, {where}: ô có ký tự không đọc được ở mã UTF-16" in text


def test_a_byte_that_is_not_utf8_after_quoted_line_breaks_and_separators_is_named_by_its_record(engine, tmp_path):
    """Rows are records, as everywhere else: a quoted cell's line breaks and commas do not move the row or the
    column named."""
    from helpers import refused, units_file, write_csv

    ingest_file(engine, units_file(tmp_path))
    rows = [dossier(code=f"HS{i:05d}") for i in range(50)]
    rows[3][1] = "HS\n00003,a"  # the writer quotes it: row 5 of the sheet spans two lines
    rows[9][1] = "HS\n00009"
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows)
    data = path.read_bytes().replace(b"HS00020,1.000001", b"HS00020,1.0\xff00001")
    path.write_bytes(data)
    text = refused(engine, path)
    assert "ho_so.csv, dòng 22, cột «C»: ô có byte không thuộc mã UTF-8" in text


def test_a_byte_that_is_not_utf8_under_a_title_row_is_named_by_the_header_s_separator(engine, tmp_path):
    """The title row above the header has no comma: the separator is the header's, found as the file's reading
    finds it."""
    from helpers import refused, units_file, write_csv

    ingest_file(engine, units_file(tmp_path))
    rows = [dossier(code=f"HS{i:05d}") for i in range(20)]
    rows[1][1] = "HS\n00001"
    path = write_csv(tmp_path / "ho_so.csv", DOSSIER_HEADERS, rows)
    data = b"B\xc3\xa1o c\xc3\xa1o h\xe1\xbb\x93 s\xc6\xa1\n" + path.read_bytes().replace(b"HS00002,1.000001,05/03",
                                                                                    b"HS00002,1.000001,05\xff03")
    path.write_bytes(data)
    text = refused(engine, path)
    assert "ho_so.csv, dòng 5, cột «D»: ô có byte không thuộc mã UTF-8" in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
@pytest.mark.parametrize("key", list(CORPUS))
def test_lines_ended_by_a_carriage_return_alone_read_as_the_file_with_line_feeds(encoding, key, tmp_path):
    """Excel for Mac's «CSV (Macintosh)» ends its lines with CR alone: the same rows as the file ended with CRLF
    (read as one line, its cells had been taken for headers)."""
    headers, rows = CORPUS[key]
    content = _csv(headers, [[str(v) for v in r] for r in rows])
    twin = read_sheet(_write(tmp_path / "crlf.csv", content, encoding), KINDS.values())
    sheet = read_sheet(_write(tmp_path / f"{key}.csv", content.replace("\r\n", "\r"), encoding), KINDS.values())
    assert list(sheet.frame.columns) == headers
    assert sheet.frame.astype(str).values.tolist() == twin.frame.astype(str).values.tolist()
    assert sheet.numbers.tolist() == twin.numbers.tolist()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_lines_ended_by_a_carriage_return_alone_with_a_line_break_inside_a_cell(encoding, tmp_path):
    """Excel for Mac ends the lines of a «CSV (Macintosh)» with CR alone but keeps a cell's own line break
    (Alt+Enter) a line feed: that line feed inside quotes ends no line, and the file's lines are still its CRs."""
    rows = [["STP", "Năm 2024", "van_ban_di", "120", "Báo cáo số 12\nngày 05/3"],
            ["SNV", "Năm 2024", "van_ban_di", "80", "Báo cáo số 7"]]
    content = _csv(FACT_HEADERS, rows)
    twin = read_sheet(_write(tmp_path / "crlf.csv", content, encoding), KINDS.values())
    sheet = read_sheet(_write(tmp_path / "mac.csv", content.replace("\r\n", "\r"), encoding), KINDS.values())
    assert list(sheet.frame.columns) == FACT_HEADERS
    assert sheet.frame.astype(str).values.tolist() == twin.frame.astype(str).values.tolist()
    assert sheet.frame.iloc[0, 4] == "Báo cáo số 12\nngày 05/3"


def test_a_bad_cell_of_a_file_of_carriage_returns_is_named_by_its_row(engine, tmp_path):
    from helpers import refused, units_file

    ingest_file(engine, units_file(tmp_path))
    rows = [["STP", "Năm 2024", "van_ban_di", "120", ""], ["STP", "Năm 2024", "van_ban_den", "12x", ""]]
    content = "UBND TỈNH LAI CHÂU\r\r" + _csv(FACT_HEADERS, rows).replace("\r\n", "\r")
    text = refused(engine, _write(tmp_path / "so_lieu.csv", content, "utf-8"))
    assert "so_lieu.csv, dòng 5, cột «Giá trị»: «12x» không phải là số" in text
