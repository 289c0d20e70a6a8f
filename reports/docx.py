"""DOCX in the Vietnamese administrative format (Nghị định 30/2020/NĐ-CP, Phụ lục I; DOMAIN.md §7):
A4 portrait, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman (LibreOffice and
Word put the metric-compatible Liberation Serif in its place where it is missing); issuing body top left,
national motto top right with the line under "Độc lập - Tự do - Hạnh phúc", number, place and date,
title and summary with a short rule under it, body, "Nơi nhận" bottom left, signature bottom right; page
numbers centred at the top from page 2."""

from __future__ import annotations

import io
import struct
from copy import deepcopy
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports.model import Block, Document, Table
from reports.ooxml import FIXED_TIME, reproducible
from base.vn import number

FONT = "Times New Roman"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def cell_text(value, kind: str, places: int | None = None) -> str:
    """A cell as the page shows it; ``places``: the decimals its column shows (``Table.places``), else as few as the
    value needs."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, str):  # a word where a number was expected («chưa có số liệu»)
        return value
    if kind == "int":
        return number(value)
    if kind == "dec":
        return number(value, 2 if places is None else places, fixed=places is not None)
    if kind == "pct":
        return f"{number(value, 1 if places is None else places, fixed=places is not None)}%"
    if kind == "date":
        return f"{value:%d/%m/%Y}"
    return str(value)


def _run(paragraph, text: str, size: float = 14, bold: bool = False, italic: bool = False,
         underline: bool = False):
    run = paragraph.add_run(text)
    run.font.name, run.font.size = FONT, Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _para(container, text: str = "", size: float = 14, bold=False, italic=False, align=None, underline=False,
          before: float = 0, after: float = 0, indent: float | None = None):
    p = container.add_paragraph()
    if text:
        _run(p, text, size, bold, italic, underline)
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if align is not None:
        p.alignment = align
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


CONTENT_WIDTH_MM = 210 - 30 - 15  # A4 less the left and right margins
CONTENT_HEIGHT_MM = 297 - 20 - 20  # A4 less the top and bottom margins
PICTURE_HEIGHT_MM = CONTENT_HEIGHT_MM - 40  # room left on the page for the caption and a line of text


def _widths(table, widths_mm: list[float]) -> None:
    """Fixed column widths (Word and LibreOffice otherwise share the page out evenly)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _column_widths(table: Table, size: float, pad: float = 4.0) -> list[float]:
    """Each column as wide as its longest cell (numbers never break), and never narrower than its longest word
    (a word is not cut: «Thương», «SVHTTDL», a bold header word); when the page is too narrow the text columns
    wrap first, each giving way in proportion to what it has above its longest word; any room left goes to
    the text columns."""
    per_char = 0.21 * size  # mm per character of Times at ``size`` points, roughly (``pad``: both margins)
    sample = table.rows[:300]
    needed, least = [], []
    for i, name in enumerate(table.columns):
        shown = [cell_text(r[i], table.kind(i), table.places(i)) for r in sample]
        cells = [len(c) for c in shown] or [0]
        header_word = max((len(w) for w in str(name).split()), default=0) * 1.3  # bold
        if table.kind(i) == "text":
            # a word in capitals (a unit's code) is about a third wider than one in small letters
            word = min(max((len(w) * (1.3 if w.isupper() else 1.0) for c in shown for w in c.split()), default=0), 14)
            chars = min(max(cells), 40)
        else:
            word = chars = max(cells)  # a number is one word
        least.append(max(header_word, word, 2) * per_char + pad)
        needed.append(max(chars * per_char + pad, least[-1]))
    text = [i for i in range(len(needed)) if table.kind(i) == "text"]
    room = CONTENT_WIDTH_MM - sum(needed)
    if room > 0 and text:
        share = sum(needed[i] for i in text)
        needed = [w + room * w / share if i in text else w for i, w in enumerate(needed)]
    elif room < 0:
        spare = {i: needed[i] - least[i] for i in text}
        if sum(spare.values()) > 0:
            cut = min(1.0, -room / sum(spare.values()))
            for i, g in spare.items():
                needed[i] -= g * cut
        if sum(needed) > CONTENT_WIDTH_MM:  # still too wide: every column in proportion
            needed = [w * CONTENT_WIDTH_MM / sum(needed) for w in needed]
    return needed


def _first_paragraph(cell):
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    return p


HEADER_LEFT_MM = 72  # the right column still holds the national name (about 88 mm) and the date on one line each
_AGENCY_ROOM_MM = HEADER_LEFT_MM - 1.5  # what a line of the name may take, less the estimate's error


def _caps_width(text: str) -> float:
    """How wide ``text`` in capitals is in bold at 13 points, in mm, within 1,5 mm of what LibreOffice lays out
    (a letter 3,3, an I 2, a space or comma 1,25, a hyphen 1,65)."""
    return sum(2.0 if c == "I" else 1.65 if c == "-" else 1.25 if c in " ,." else 3.3 for c in text)


def agency_lines(name: str) -> str:
    """An agency's name as the header's left column sets it: on one line where it fits, else on two, broken
    before «VÀ» where both halves fit («SỞ TÀI NGUYÊN / VÀ MÔI TRƯỜNG»), else where the lines are the most even
    («ỦY BAN NHÂN DÂN / TỈNH LAI CHÂU»); left to wrap where no two lines hold it. Wrapping alone would leave
    a lone word on the second line («SỞ TÀI NGUYÊN VÀ MÔI / TRƯỜNG»)."""
    words = name.split()
    if _caps_width(name) <= _AGENCY_ROOM_MM or len(words) < 2:
        return name
    halves = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    fit = [(a, b) for a, b in halves if max(_caps_width(a), _caps_width(b)) <= _AGENCY_ROOM_MM]
    if not fit:
        return name
    before_and = [(a, b) for a, b in fit if b.startswith("VÀ ")]
    a, b = before_and[-1] if before_and else min(fit, key=lambda h: max(_caps_width(h[0]), _caps_width(h[1])))
    return f"{a}\n{b}"


def _side_margins(table, twips: int) -> None:
    """The cells' left and right margins of ``table``, in twentieths of a point."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(twips))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    table._tbl.tblPr.append(margins)


def _header(doc, frame) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _side_margins(table, 0)  # no cell margins: the columns' whole width for the names
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [HEADER_LEFT_MM, CONTENT_WIDTH_MM - HEADER_LEFT_MM])
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    p = _first_paragraph(left)
    p.alignment = centre
    if frame.parent_body:
        _run(p, agency_lines(frame.parent_body.upper()), 13)
        p = _para(left, align=centre)
    body = agency_lines(frame.body.upper())
    _run(p, body, 13, bold=True)
    _para(left, _rule(max(_caps_width(line) for line in body.split("\n"))), 11, align=centre)
    _para(left, frame.number_line, 13, align=centre)
    p = _first_paragraph(right)
    p.alignment = centre
    _run(p, MOTTO[0], 12, bold=True)
    _para(right, MOTTO[1], 13, bold=True, underline=True, align=centre)
    _para(right, frame.date_line, 14, italic=True, align=centre, before=6)


_RPR = qn("w:rPr")
_SPECIAL = frozenset("\t\r\n")


def _put_text(run, text: str) -> None:
    """``run.text = text`` as python-docx does it (a tab or a line break as its own element, the rest in one
    ``w:t`` that keeps its outer spaces), without python-docx's character-by-character walk: a table cell's
    text is plain, and a list of everyone in a province has a hundred thousand cells."""
    if _SPECIAL.intersection(text):
        run.text = text
        return
    for child in [c for c in run if c.tag != _RPR]:
        run.remove(child)
    if text:
        t = OxmlElement("w:t")
        t.text = text
        if len(text.strip()) < len(text):
            t.set(qn("xml:space"), "preserve")
        run.append(t)


def _table(doc, table: Table) -> None:
    if table.title:  # the title stays on the page of its table
        _para(doc, table.title, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6,
              after=3).paragraph_format.keep_with_next = True
    out = doc.add_table(rows=2, cols=len(table.columns))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = 12 if len(table.columns) <= 7 else 9  # wide tables: smaller type rather than words cut in pieces
    pad = 4.0
    if size < 12:  # and narrower cell margins (1 mm a side instead of Word's 1,9 mm)
        _side_margins(out, 57)
        pad = 2.2
    _widths(out, _column_widths(table, size, pad))
    header, model = out.rows
    header_props = header._tr.get_or_add_trPr()  # the header row repeated atop every page the table runs to
    header_props.append(OxmlElement("w:tblHeader"))
    header_props.append(OxmlElement("w:cantSplit"))
    for cell, name in zip(header.cells, table.columns):
        p = _first_paragraph(cell)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, str(name), size, bold=True)
    texts = []
    for i, cell in enumerate(model.cells):
        p = _first_paragraph(cell)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if table.kind(i) == "text" else WD_ALIGN_PARAGRAPH.RIGHT
        texts.append(_run(p, "", size)._element)
    # Every data row is a copy of one styled row with its texts put in: python-docx builds a cell in
    # about 0.4 ms, so a 3,000-person list would take seconds cell by cell.
    model._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is never cut over a page break
    tbl, template = out._tbl, model._tr
    for row in table.rows:
        for run, (i, value) in zip(texts, enumerate(row)):
            _put_text(run, cell_text(value, table.kind(i), table.places(i)))
        tbl.append(deepcopy(template))
    tbl.remove(template)
    _para(doc, after=3)


def _rule(line_mm: float, least: int = 2) -> str:
    """A solid rule 40% as long as a line of ``line_mm`` (Phụ lục I: a third to a half of it), in «─» of about
    3,4 mm each at 11 points."""
    return "─" * max(least, round(0.4 * line_mm / 3.4))


def _block(doc, block: Block) -> None:
    centre, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    if block.kind == "title":
        _para(doc, block.text.upper(), 14, bold=True, align=centre, before=12)
    elif block.kind == "subtitle":  # the summary, and under it a rule a third to a half of its line's length
        _para(doc, block.text, 14, bold=True, align=centre)
        # a line of bold text at 14 points is about 2,6 mm a character; never shorter than five, as a short one reads
        _para(doc, _rule(min(CONTENT_WIDTH_MM, 2.6 * len(block.text)), least=5), 11, align=centre, after=9)
    elif block.kind == "h1":  # a heading stays with what it heads, never alone at a page's foot
        _para(doc, block.text, 14, bold=True, align=justify, before=6, after=3,
              indent=1).paragraph_format.keep_with_next = True
    elif block.kind == "h2":
        _para(doc, block.text, 14, bold=True, italic=True, align=justify, before=3, after=3,
              indent=1).paragraph_format.keep_with_next = True
    elif block.kind == "bullet":
        _para(doc, f"- {block.text}", 14, align=justify, after=3, indent=1)
    elif block.kind == "p":
        _para(doc, block.text, 14, align=justify, after=6, indent=1)
    elif block.kind == "table":
        _table(doc, block.table)
    elif block.kind == "figure":
        png = block.figure.png
        width_px, height_px = struct.unpack(">II", png[16:24])  # the PNG's IHDR
        width = min(150.0, CONTENT_WIDTH_MM)
        if width * height_px / width_px > PICTURE_HEIGHT_MM:  # a tall picture: as tall as the page allows
            width = PICTURE_HEIGHT_MM * width_px / height_px
        doc.add_picture(io.BytesIO(png), width=Mm(width))
        doc.paragraphs[-1].alignment = centre
        _para(doc, block.figure.title, 12, italic=True, align=centre, after=6)


def _closing(doc, frame) -> None:
    """«Nơi nhận» and the signature side by side, kept whole on one page with the body's last paragraph (a
    signature block split over a page break leaves a page holding only the signer's name)."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    row = table.rows[0]._tr.get_or_add_trPr()
    row.append(OxmlElement("w:cantSplit"))
    _no_borders(table)
    _widths(table, [CONTENT_WIDTH_MM / 2, CONTENT_WIDTH_MM / 2])
    left, right = table.rows[0].cells
    if frame.cosign:  # minutes: the secretary on the left, the chair on the right
        _signature(left, frame.cosign)
    else:
        p = _first_paragraph(left)
        _run(p, "Nơi nhận:", 12, bold=True, italic=True)
        for i, who in enumerate(frame.recipients):
            end = "." if i == len(frame.recipients) - 1 else ";"  # «- Lưu: VT, VP.»: «./.» ends the text
            _para(left, f"- {who}{end}", 11)
    if frame.signature:
        _signature(right, frame.signature)


def _signature(cell, signature) -> None:
    """Authority and title in bold capitals, centred; room to sign; the name in bold."""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    p = _first_paragraph(cell)
    p.alignment = centre
    lines = [x for x in (signature.authority.upper(), signature.title.upper()) if x]
    _run(p, lines[0] if lines else "", 14, bold=True)
    for line in lines[1:]:
        _para(cell, line, 14, bold=True, align=centre)
    for _ in range(4):
        _para(cell, "", 14)
    _para(cell, signature.name, 14, bold=True, align=centre)


def _page_numbers(section) -> None:
    """Arabic page numbers centred in the top margin, none on the first page."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(p, "", 13)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def render_docx(document: Document, path: Path) -> Path:
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_numbers(section)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    props = doc.core_properties
    props.title, props.author, props.created, props.modified = document.title, document.frame.body, FIXED_TIME, FIXED_TIME
    props.last_modified_by, props.revision = "cchc", 1
    _header(doc, document.frame)
    for block in document.body:
        _block(doc, block)
    _closing(doc, document.frame)
    buffer = io.BytesIO()
    doc.save(buffer)
    Path(path).write_bytes(reproducible(buffer.getvalue()))
    return Path(path)
