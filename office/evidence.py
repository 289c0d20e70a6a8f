"""Evidence files (tài liệu kiểm chứng): type checked from the content, not the name; stored on disk,
content-addressed (``<data>/tai-lieu/ab/cdef…``), outside the database; readable by the unit, the appraisers
and the office only."""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from xml.etree import ElementTree
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
ZIP_MAX_TOTAL = 100 * 1024 * 1024  # what a DOCX/XLSX may unpack to
ZIP_MAX_RATIO = 100  # uncompressed ÷ compressed: beyond this it is a zip bomb, not an office document
ZIP_MAX_ENTRIES = 5_000
TYPES = {"pdf": ("application/pdf", ".pdf"), "png": ("image/png", ".png"), "jpeg": ("image/jpeg", ".jpg"),
         "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
         "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")}
ALLOWED = "PDF, DOCX, XLSX, PNG, JPEG"
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError, ValueError)


class BadFile(ValueError):
    """The upload is not an acceptable evidence file; the message says why (in Vietnamese)."""


def data_dir() -> Path:
    return Path(os.environ.get("CCHC_DATA_DIR") or "du-lieu")


def detect(data: bytes) -> str:
    """pdf, png, jpeg, docx or xlsx from the bytes themselves; anything else is refused."""
    if data.startswith(b"%PDF-"):
        _pdf_inert(data)
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    raise BadFile(f"nội dung tệp không phải loại được nhận ({ALLOWED})")


def _office(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise BadFile("tệp nén hỏng: không phải DOCX hay XLSX hợp lệ") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > ZIP_MAX_ENTRIES or total > ZIP_MAX_TOTAL or total / packed > ZIP_MAX_RATIO:
        raise BadFile("tệp nén bất thường (giải nén quá lớn so với kích thước tệp): không nhận")
    try:
        with archive.open("[Content_Types].xml") as fh:
            types = fh.read(1 << 20)
        _inert(archive, infos)
    except KeyError:
        raise BadFile(f"tệp nén không phải DOCX hay XLSX ({ALLOWED})") from None
    except BadFile:
        raise
    except UNREADABLE:  # a part whose bytes fail their checksum, are cut short, encrypted or packed unknown ways
        raise BadFile("tệp nén hỏng: không phải DOCX hay XLSX hợp lệ") from None
    if b"wordprocessingml.document.main" in types:
        return "docx"
    if b"spreadsheetml.sheet.main" in types:
        return "xlsx"
    raise BadFile(f"tệp Office không phải DOCX hay XLSX ({ALLOWED})")


# Parts that run or fetch something when the appraiser or the office opens the file: macros, ActiveX controls,
# a workbook's links to other files or DDE servers.
ACTIVE_PART = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)(activeX|externalLinks)/", re.IGNORECASE)
# The same by what the package declares them to be, which is how Word and Excel find them whatever the part is
# called (macros in «word/x.bin», a DDE link in «xl/lien-ket.xml»): a relationship's type, a content type.
ACTIVE_TYPE = re.compile(r"vbaProject|vbaData|macroEnabled|activeX|/control$|externalLink", re.IGNORECASE)
# A template on the reader's own disk, as Word records the one a document was made from («file:///C:\...\Mẫu.dotx»):
# nothing is fetched from another address, and every document made from an office's template carries it.
LOCAL_TEMPLATE = re.compile(r"^(file:///)?[a-z]:[\\/]", re.IGNORECASE)
# A Word field that runs a program when the document opens (DDEAUTO, or DDE updated on opening): no relationship
# names it, only the field's instruction in the text's XML, split over runs as Word writes it.
FIELD_INSTRUCTION = re.compile(rb'<(?:\w+:)?instrText\b[^>]*>([^<]*)<|\s(?:\w+:)?instr="([^"]*)"')
DDE_FIELD = re.compile(r"\bDDE(?:AUTO)?\b", re.IGNORECASE)
RELS_BYTES = 1 << 20
ACTIVE = ("tệp có macro, điều khiển ActiveX hoặc liên kết dữ liệu ra ngoài: không nhận (lưu lại thành tệp DOCX/XLSX "
          "thường hoặc PDF rồi gửi)")


def _inert(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """An Office file a unit sends is opened by others: no macros or controls, and nothing taken from another
    address when it opens (a template, an OLE object or a frame fetched from a server leaks the reader's
    Windows credentials and may bring macros along); links a reader clicks (hyperlinks) stay."""
    for info in infos:
        if ACTIVE_PART.search(info.filename):
            raise BadFile(ACTIVE)
        if info.filename.startswith("word/") and info.filename.endswith(".xml"):
            with archive.open(info) as fh:
                fields = "".join(html.unescape((a or b).decode("utf-8", "replace"))
                                 for a, b in FIELD_INSTRUCTION.findall(fh.read()))
            if DDE_FIELD.search(fields):
                raise BadFile(ACTIVE)
            continue
        if not info.filename.lower().endswith(".rels") and info.filename != "[Content_Types].xml":
            continue
        with archive.open(info) as fh:
            data = fh.read(RELS_BYTES + 1)
        try:
            if len(data) > RELS_BYTES:
                raise ElementTree.ParseError("too large")
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            raise BadFile("tệp Office hỏng (phần quan hệ không đọc được): không nhận") from None
        for rel in root.iter():
            if ACTIVE_TYPE.search(rel.get("Type", "").strip()) or ACTIVE_TYPE.search(rel.get("ContentType", "")):
                raise BadFile(ACTIVE)
            if (rel.get("TargetMode", "").strip().lower() == "external"
                    and not rel.get("Type", "").endswith("/hyperlink")
                    and not (rel.get("Type", "").endswith("/attachedTemplate")
                             and LOCAL_TEMPLATE.match(rel.get("Target", "").strip()))):
                raise BadFile("tệp lấy nội dung từ địa chỉ bên ngoài khi mở (mẫu, đối tượng hoặc khung liên kết): "
                              "không nhận (lưu lại thành tệp thường hoặc PDF rồi gửi)")


# --- PDF: what runs, launches or is carried inside when the file is opened ----------------------------------

# A PDF's white space (NUL too) and the characters of a name, which ends at white space or a delimiter.
SPACE, NAME_CHAR = rb"[\x00\t\n\x0c\r ]", rb"[^\x00\t\n\x0c\r /<>\[\]()%{}]"
NAME_END = rb"(?!" + NAME_CHAR + rb")"
# Between a key and its value, white space and comments («/JS%…\n(…)»), as a reader passes over them.
GAP = rb"(?:" + SPACE + rb"|%[^\r\n]*+)*+"
GAP1 = rb"(?:" + SPACE + rb"|%[^\r\n]*+)++"
# A name with a character written «#xx» («/J#61vaScript»), which a reader reads as the character.
PDF_HASHED = re.compile(rb"/" + NAME_CHAR + rb"*#" + NAME_CHAR + rb"*")
# What is refused, by the name a reader acts on: a script, its code (a string or a stream), a program launched,
# a file carried inside, Flash or 3D content, an XFA form (which carries its own scripts). «/JS» is short enough to
# occur by chance in compressed bytes: only as a key followed by its value.
PDF_ACTIVE = {"/JavaScript": re.compile(rb"/JavaScript" + NAME_END),
              "/JS": re.compile(rb"/JS" + GAP + rb"(?:[(<]|\d+" + GAP1 + rb"\d+" + GAP1 + rb"R" + NAME_END + rb")"),
              "/Launch": re.compile(rb"/Launch" + NAME_END),
              "/EmbeddedFile": re.compile(rb"/EmbeddedFiles?" + NAME_END),
              "/RichMedia": re.compile(rb"/RichMedia" + NAME_CHAR + rb"*"),
              "/XFA": re.compile(rb"/XFA" + NAME_END)}
PDF_RUNS = re.compile(rb"/S" + SPACE + rb"*/(?:JavaScript|Launch)" + NAME_END)
PDF_OPEN = re.compile(rb"/OpenAction" + SPACE + rb"*(?:(\d+)" + SPACE + rb"+(\d+)" + SPACE + rb"+R|<<)")
# An object stream (PDF 1.5) packs objects and compresses them together: their dictionaries are out of sight of a
# scan of the bytes as they are, so its objects are unpacked and scanned too.
# A stream's bytes start on the line after its keyword: a reader passes over what else that line holds («stream \n»,
# «stream\r»); a line too long to be looked along is taken as part of the stream, which then does not unpack.
PDF_STREAM = re.compile(rb"(?<!end)stream(?:[^\r\n]{0,32}+(?:\r\n|\r|\n))?")
# A stream's dictionary starts at its object's «n g obj»; «obj» in a string, a comment or a name before the stream
# («/Note (obj)») is no start, so strings (innermost first, to the depth written here) and comments are left out.
PDF_HEADER = re.compile(rb"(?<!\d)\d+" + SPACE + rb"+\d+" + SPACE + rb"+obj" + NAME_END)
PDF_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.S)
PDF_COMMENT = re.compile(rb"%[^\r\n]*")
PDF_STRING_DEPTH = 16
PDF_OBJECT_STREAM = re.compile(rb"/Type" + SPACE + rb"*/ObjStm" + NAME_END)
# A reader takes a stream with «/First» for an object stream whether or not its «/Type» says so.
PDF_FIRST = re.compile(rb"/First" + NAME_END)
PDF_FILTER_KEY = re.compile(rb"/Filter" + NAME_END)
PDF_PARMS = re.compile(rb"/DecodeParms" + NAME_END)
PDF_FILTER = re.compile(rb"/Filter" + SPACE + rb"*(\[[^\]]*\]|/" + NAME_CHAR + rb"*)")
PDF_FLATE = re.compile(rb"\[?" + SPACE + rb"*/FlateDecode" + SPACE + rb"*\]?")
PDF_MAX_UNPACKED = ZIP_MAX_TOTAL
# Streams whose dictionary is read to tell an object stream (each a few kilobytes before it): far above an ordinary
# file's, so that a file of nothing but «stream» words is not read for minutes.
PDF_MAX_LOOKED = 20_000
PDF_ACTIVE_WORDS = ("tệp PDF có nội dung tự chạy, mở chương trình khác hoặc mang tệp khác bên trong ({}): không nhận "
                    "(in hoặc lưu lại thành PDF thường rồi gửi)")
PDF_UNREAD = ("tệp PDF có luồng đối tượng hỏng, mã hóa hoặc nén theo cách không đọc được nên không kiểm tra được: "
              "không nhận (in hoặc lưu lại thành PDF thường rồi gửi)")


def _pdf_names(data: bytes) -> bytes:
    """The bytes with every name written with «#xx» written plainly, as a reader reads it."""
    return PDF_HASHED.sub(lambda m: re.sub(rb"#([0-9A-Fa-f]{2})", lambda h: bytes([int(h.group(1), 16)]),
                                           m.group()), data)


def _pdf_head(before: bytes) -> bytes:
    """The dictionary of the stream ``before`` ends on, from its object's header (its names read plainly), with
    its strings and comments left out."""
    for _ in range(PDF_STRING_DEPTH):
        stripped = PDF_LITERAL.sub(b"()", before)
        if stripped == before:
            break
        before = stripped
    before = PDF_COMMENT.sub(b"", before)
    headers = list(PDF_HEADER.finditer(before))
    return _pdf_names(before[headers[-1].start() if headers else 0:])


def _pdf_object_streams(data: bytes) -> tuple[dict[int, bytes], list[bytes]]:
    """The objects packed in the file's object streams, by number, and each stream unpacked whole (their names
    read plainly); refused when one does not unpack, is packed in a way not read here, or unpacks to too much."""
    packed: dict[int, bytes] = {}
    bodies: list[bytes] = []
    unpacked = 0
    looked, spelled = 0, dict.fromkeys((b"ObjStm", b"First", b"#"), -1)  # where each is next written
    for found in PDF_STREAM.finditer(data):
        start = max(0, found.start() - 4096)
        for word, at in spelled.items():
            if at < start:
                at = data.find(word, start)
                spelled[word] = at if at >= 0 else len(data)
        if all(at + len(word) > found.start() for word, at in spelled.items()):
            continue  # neither name written before the stream, plainly or with «#xx»: no object stream
        looked += 1
        if looked > PDF_MAX_LOOKED:
            raise BadFile("tệp PDF bất thường (quá nhiều luồng dữ liệu để kiểm tra): không nhận")
        head = _pdf_head(data[start:found.start()])
        if not PDF_OBJECT_STREAM.search(head) and not PDF_FIRST.search(head):
            continue
        end = data.find(b"endstream", found.end())
        body = data[found.end():end if end >= 0 else len(data)]
        filters = PDF_FILTER.findall(head)
        if len(filters) != len(PDF_FILTER_KEY.findall(head)) or PDF_PARMS.search(head):
            raise BadFile(PDF_UNREAD)  # a filter or its parameters in another object: not read here
        if filters:
            if not all(PDF_FLATE.fullmatch(f) for f in filters) or b"/Predictor" in head:
                raise BadFile(PDF_UNREAD)
            unpacker = zlib.decompressobj()
            try:
                body = unpacker.decompress(body, PDF_MAX_UNPACKED - unpacked + 1)
            except zlib.error:
                raise BadFile(PDF_UNREAD) from None
            if not unpacker.eof and len(body) <= PDF_MAX_UNPACKED - unpacked:
                raise BadFile(PDF_UNREAD)  # «endstream» within its compressed bytes: the rest was out of sight
        unpacked += len(body)
        if unpacked > PDF_MAX_UNPACKED:
            raise BadFile("tệp PDF bất thường (giải nén quá lớn so với kích thước tệp): không nhận")
        bodies.append(_pdf_names(body))  # whole: an object is read past where the next one is said to start
        first = re.search(rb"/First" + SPACE + rb"+(\d+)", head)
        first = int(first.group(1)) if first else 0
        numbers = [int(n) for n in re.findall(rb"\d+", body[:first])]
        places = list(zip(numbers[::2], numbers[1::2]))
        for i, (number, offset) in enumerate(places):
            stop = places[i + 1][1] if i + 1 < len(places) else len(body) - first
            packed[number] = _pdf_names(body[first + offset:first + stop])
    return packed, bodies


def _pdf_action(where: bytes, plain: bytes, packed: dict[int, bytes], opening: re.Match) -> bytes:
    """The action a document's /OpenAction (found in ``where``) names: written in place, or the object it refers
    to, packed or in the file's bytes (``plain``)."""
    if opening.group(1) is None:
        return where[opening.end():opening.end() + 4096].split(b"endobj", 1)[0]
    number = int(opening.group(1))
    if number in packed:
        return packed[number]
    held = re.search(rb"(?<!\d)%d" % number + SPACE + rb"+" + opening.group(2) + SPACE + rb"+obj" + NAME_END, plain)
    return plain[held.end():held.end() + 4096].split(b"endobj", 1)[0] if held else b""


def _pdf_inert(data: bytes) -> None:
    """A PDF a unit sends is opened by others: no script, no program launched, no file, Flash or XFA form
    inside — in the file's bytes or in the objects packed in its object streams, a name written with «#xx» read
    as a reader reads it. An action on opening is named when it is a script or a launch."""
    packed, bodies = _pdf_object_streams(data)
    plain = _pdf_names(data)
    texts = [plain, *bodies]
    found = [name for name, pattern in PDF_ACTIVE.items() if any(pattern.search(t) for t in texts)]
    if any(PDF_RUNS.search(_pdf_action(t, plain, packed, o)) for t in texts for o in PDF_OPEN.finditer(t)):
        found.insert(0, "/OpenAction")
    if found:
        raise BadFile(PDF_ACTIVE_WORDS.format(", ".join(found)))


def clean_name(name: str, kind: str) -> str:
    """The name as shown and offered at download: no path, no control characters, the detected extension."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise BadFile("tệp không có tên")
    # without a separator, «..» inside a name («Báo cáo quý I...pdf») climbs nowhere; a name of dots alone starts
    # with one
    if "/" in name or "\\" in name or "\0" in name or name.startswith("."):
        raise BadFile("tên tệp không được chứa đường dẫn (/, \\, ..)")
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)[:120].strip() or "tai-lieu"
    return stem + TYPES[kind][1]


@dataclass(frozen=True)
class Stored:
    sha256: str
    kind: str
    size: int
    name: str


def check(name: str, data: bytes, limit: int = MAX_BYTES) -> Stored:
    """Everything about an upload that can be refused, before anything is written."""
    if len(data) == 0:
        raise BadFile("tệp rỗng")
    if len(data) > limit:
        raise BadFile(f"tệp lớn hơn giới hạn {limit // (1024 * 1024)} MB")
    kind = detect(data)
    return Stored(hashlib.sha256(data).hexdigest(), kind, len(data), clean_name(name, kind))


def path_of(sha256: str, root: Path | None = None) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise BadFile("mã tệp không hợp lệ")
    return (root or data_dir()) / "tai-lieu" / sha256[:2] / sha256[2:]


def put(data: bytes, stored: Stored, root: Path | None = None) -> Path:
    """Write the bytes under their hash (once: the same bytes are stored once), atomically."""
    path = path_of(stored.sha256, root)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # a name of this write's own: the same bytes uploaded at once by two threads never share a temporary file
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path
