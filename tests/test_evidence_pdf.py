"""PDFs as evidence: one that runs a script, launches a program or carries a file, Flash or an XFA form when it is
opened is refused, naming what it carries, wherever the names are written — in the file's bytes, with «#xx» in
them, or packed in a compressed object stream; an ordinary PDF is taken."""

from __future__ import annotations

import struct
import zlib

import pytest

from helpers import pdf_file
from office import evidence

SCRIPT = b"<< /S /JavaScript /JS (app.alert('x')) >>"


def by_hand(header: bytes, text: bytes, keys: bytes = b"/Type /ObjStm /N 2") -> bytes:
    """A PDF opening on object 6, packed with ``text`` in an object stream whose table is ``header``."""
    stream = zlib.compress(header + text)
    return pdf_file(b"/OpenAction 6 0 R", {9: b"<< %s /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
                                              % (keys, len(header), len(stream)) + stream + b"\nendstream"})


def keyword_line(line: bytes) -> bytes:
    """A PDF opening on a script packed in an object stream whose keyword's line is ``line``."""
    good = pdf_file(b"/OpenAction 6 0 R", packed={6: SCRIPT})
    at = good.index(b"/ObjStm")
    return good[:at] + good[at:].replace(b">>\nstream\n", b">>\n" + line, 1)


def endstream_inside() -> bytes:
    """A script packed in an object stream whose compressed bytes hold «endstream» (a stored block before the
    compressed one): where the stream seems to end, the script is not yet unpacked."""
    header, first, rest = b"7 0 6 26\n", b"<< /Title (endstream) >>\n", SCRIPT + b"\n"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    stored = b"\x00" + struct.pack("<HH", len(header + first), 0xFFFF ^ len(header + first)) + header + first
    stream = (b"\x78\x01" + stored + packer.compress(rest) + packer.flush()
              + struct.pack(">I", zlib.adler32(header + first + rest)))
    assert zlib.decompress(stream) == header + first + rest and b"JavaScript" not in stream
    return pdf_file(b"/OpenAction 6 0 R", {9: b"<< /Type /ObjStm /N 2 /First %d /Length %d /Filter /FlateDecode >>\n"
                                              b"stream\n" % (len(header), len(stream)) + stream + b"\nendstream"})


REFUSED = {
    "a script on opening": (pdf_file(b"/OpenAction 6 0 R", {6: SCRIPT}), ["/OpenAction", "/JavaScript", "/JS"]),
    "a launch on opening": (pdf_file(b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (calc.exe) >> >>"),
                            ["/OpenAction", "/Launch"]),
    "document scripts": (pdf_file(b"/Names << /JavaScript 6 0 R >>", {6: b"<< /Names [(a) 7 0 R] >>", 7: SCRIPT}),
                         ["/JavaScript", "/JS"]),
    "a page's action": (pdf_file(objects={3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 6 0 R "
                                             b">> >>", 6: SCRIPT}), ["/JavaScript", "/JS"]),
    "a name written in #xx": (pdf_file(b"/OpenAction << /S /J#61va#53cript /J#53 (x) >>"),
                              ["/OpenAction", "/JavaScript", "/JS"]),
    "a file inside": (pdf_file(b"/Names << /EmbeddedFiles 6 0 R >>", {
        6: b"<< /Names [(x.exe) 7 0 R] >>", 7: b"<< /Type /Filespec /F (x.exe) /EF << /F 8 0 R >> >>",
        8: b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"}), ["/EmbeddedFile"]),
    "flash": (pdf_file(objects={6: b"<< /Type /Annot /Subtype /RichMedia /RichMediaContent 7 0 R >>"}),
              ["/RichMedia"]),
    "an XFA form": (pdf_file(b"/AcroForm << /Fields [] /XFA 6 0 R >>", {6: b"<< /Length 0 >>\nstream\n\nendstream"}),
                    ["/XFA"]),
    "packed in an object stream": (pdf_file(b"/OpenAction 6 0 R", packed={6: SCRIPT}),
                                   ["/OpenAction", "/JavaScript", "/JS"]),
    "«obj» before the object stream's own keys": (
        pdf_file(b"/OpenAction 6 0 R", packed={6: SCRIPT}).replace(
            b"/ObjStm /N", b"/ObjStm /Note (obj (obj)) /objet 1 %obj\n/N", 1), ["/OpenAction", "/JavaScript", "/JS"]),
    "an object stream whose type is not said": (by_hand(b"6 0\n", SCRIPT, b"/N 1"),
                                                ["/OpenAction", "/JavaScript", "/JS"]),
    "a name across the place the next object is said to start": (
        by_hand(b"6 0 7 10\n", b"<< /S /Launch /F (cmd.exe) >>\n<< >>\n"), ["/Launch"]),
    "a space after «stream»": (keyword_line(b"stream \t\r\n"), ["/OpenAction", "/JavaScript", "/JS"]),
    "a lone CR after «stream»": (keyword_line(b"stream\r"), ["/OpenAction", "/JavaScript", "/JS"]),
    "a comment between a rendition's script key and its code": (
        pdf_file(b"/OpenAction 6 0 R", packed={6: b"<< /S /Rendition /OP 4 /JS%x\n(app.alert(1)) >>"}), ["/JS"]),
    "NUL for a space": (pdf_file(b"/OpenAction 6 0 R", packed={6: b"<</S/Launch\x00/F(cmd.exe)>>"}),
                        ["/OpenAction", "/Launch"]),
}


@pytest.mark.parametrize("what", REFUSED)
def test_a_pdf_that_runs_or_carries_something_is_refused_naming_it(what):
    """Guard: office.evidence._pdf_inert, called by ``detect``. A PDF was taken on its first bytes alone: a script
    run when the appraiser opened it, a program launched, a file carried inside were all stored as evidence."""
    data, names = REFUSED[what]
    with pytest.raises(evidence.BadFile) as err:
        evidence.check("bao-cao.pdf", data)
    assert err.value.args[0].startswith("tệp PDF có nội dung tự chạy"), err.value.args[0]
    assert f"({', '.join(names)})" in err.value.args[0], (what, err.value.args[0])


def test_the_names_packed_in_an_object_stream_are_not_in_the_files_bytes():
    data, _ = REFUSED["packed in an object stream"]
    assert b"JavaScript" not in data and b"Launch" not in REFUSED["NUL for a space"][0]


def test_an_object_stream_that_cannot_be_read_is_refused_as_such():
    """Guard: ``_pdf_object_streams``: packed in a way not read here (a filter other than Flate, broken or encrypted
    bytes, a predictor, a filter or its parameters given in another object, compressed bytes that do not end where
    the stream seems to), its objects cannot be checked."""
    good = pdf_file(packed={6: b"<< /Type /Metadata >>"})
    body = good.index(b"stream\n", good.index(b"/ObjStm")) + len(b"stream\n")
    broken = good[:body] + bytes([good[body] ^ 0xFF]) + good[body + 1:]
    other = good.replace(b"/ObjStm /N 1", b"/ObjStm /Filter /LZWDecode /N 1", 1)
    predicted = good.replace(b"/ObjStm /N 1", b"/ObjStm /DecodeParms << /Predictor 12 /Columns 5 >> /N 1", 1)
    at = good.index(b"/ObjStm")
    elsewhere = [good[:at] + good[at:].replace(b"/Filter /FlateDecode", b"/Filter 8 0 R", 1),
                 good.replace(b"/ObjStm /N 1", b"/ObjStm /DecodeParms 8 0 R /N 1", 1)]
    evidence.check("bao-cao.pdf", good)
    long_line = keyword_line(b"stream" + b" " * 40 + b"\n")
    for data in (broken, other, predicted, *elsewhere, long_line, endstream_inside()):
        with pytest.raises(evidence.BadFile, match="không kiểm tra được"):
            evidence.check("bao-cao.pdf", data)


def test_an_ordinary_pdf_is_taken():
    """An opening view is not a script; a font called JS is not one either; objects packed in a stream are fine."""
    for data in (pdf_file(), pdf_file(version=b"1.4"), pdf_file(b"/OpenAction [3 0 R /Fit]"),
                 pdf_file(b"/OpenAction 6 0 R", {6: b"<< /S /GoTo /D [3 0 R /Fit] >>"}),
                 pdf_file(packed={6: b"<< /Type /Metadata /Subtype /XML >>", 7: b"<< /Title (Bao cao quy I) >>"}),
                 pdf_file(objects={4: b"<< /Length 24 >>\nstream\nBT /JS 12 Tf (JS) Tj ET\nendstream",
                                   5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Name /JS >>"}),
                 b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n"):
        assert evidence.check("bao-cao.pdf", data).kind == "pdf"


def test_a_pdf_of_stream_words_is_not_read_for_minutes(monkeypatch):
    """Guard: ``_pdf_object_streams`` reads the dictionary before a stream only where an object stream's names are
    written there, and reads at most PDF_MAX_LOOKED of them. Every «stream» word had its few kilobytes before it
    read again: a 10 MB file of them took minutes of the portal's time."""
    read = []
    head = evidence._pdf_head
    monkeypatch.setattr(evidence, "_pdf_head", lambda before: read.append(1) or head(before))
    assert evidence.check("bao-cao.pdf", b"%PDF-1.7\n" + b"stream\n" * 50_000).kind == "pdf"
    assert not read
    monkeypatch.setattr(evidence, "PDF_MAX_LOOKED", 100)
    with pytest.raises(evidence.BadFile, match="quá nhiều luồng dữ liệu"):
        evidence.check("bao-cao.pdf", b"%PDF-1.7\n" + b"#stream\n" * 101)
    evidence.check("bao-cao.pdf", pdf_file(packed={6: b"<< /Type /Metadata >>"}))
    assert read
