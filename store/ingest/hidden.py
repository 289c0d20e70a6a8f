"""Characters no cell should hold, because they are not seen yet change what is stored: controls (a bell, an
escape that clears a terminal, NUL), a zero-width space that makes a second unit look like «SNV», a
right-to-left override that turns a name around. A text may hold tabs, line breaks and the joiners of emoji; a
code holds none of them, nor any other character that is not seen (a soft hyphen, a variation selector, a
combining mark left alone after NFC, a tag, a filler that looks like a space): «S­TP» would be a second «STP».

The same sets are asked by Python's ``re`` (the typed columns) and by RE2 (Arrow's, the fast path).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

TEXT_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0x61C, 0x61C), (0x200B, 0x200B),
               (0x200E, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x2069), (0xFEFF, 0xFEFF))
_UNSEEN = ("Cc", "Cf", "Co", "Cs", "Mn", "Me", "Zl", "Zp")  # controls, formats, private, marks, line separators
_FILLERS = (0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0)  # letters drawn as blanks


def _re2_class(ranges) -> str:
    """RE2's class of these ranges (Arrow's ``match_substring_regex``)."""
    return "[" + "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in ranges) + "]"


IN_TEXT = re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in TEXT_RANGES) + "]")
_QUICK_IN_CODE = re.compile(IN_TEXT.pattern[:-1] + "\\t\\n\\r]")  # and what Unicode's categories add to it
IN_TEXT_RE2 = _re2_class(TEXT_RANGES)
# Letters drawn as Latin ones but of another script, or full-width («ＳＮＶ», «СNV» with a Cyrillic С): a code
# holding one looked like «SNV» and became a second unit
# and the eth of Icelandic, and the African D, drawn as the Vietnamese «Đ»
_DRAWN_AS_D = {"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"}
_LOOKALIKE_RE2 = "\\p{Cyrillic}\\p{Greek}\\x{ff01}-\\x{ff5e}" + "".join(f"\\x{{{ord(c):x}}}" for c in _DRAWN_AS_D)
IN_CODE_RE2 = ("[" + "".join(f"\\p{{{c}}}" for c in _UNSEEN) + "".join(f"\\x{{{c:x}}}" for c in _FILLERS)
               + _LOOKALIKE_RE2 + "]")


def unseen_in_code(text: str) -> int | None:
    """Where the first character a code may not hold stands in ``text`` (None: nowhere); the same set as
    IN_CODE_RE2, by Unicode's categories."""
    for at, c in enumerate(text):
        if (c < " " or "\x7f" <= c) and (unicodedata.category(c) in _UNSEEN or ord(c) in _FILLERS or lookalike(c)):
            return at
    return None


def lookalike(c: str) -> bool:
    """A letter drawn as a Latin one but another character: full-width, Cyrillic, Greek, or «Ð» for «Đ»."""
    return "\uff01" <= c <= "\uff5e" or c in _DRAWN_AS_D or unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK"))


def _first(text: str, code: bool) -> int | None:
    if code:
        return unseen_in_code(text)
    found = IN_TEXT.search(text)
    return found.start() if found else None


def cells_holding(text, code: bool):
    """Which cells of a column of text (pandas) hold such a character."""
    if not code:
        return text.str.contains(IN_TEXT)
    from store.ingest.columns import map_distinct

    held = text.str.contains(_QUICK_IN_CODE)  # every control, all an ASCII code could hold
    other = ~text.str.isascii() & ~held
    if other.any():
        held[other] = map_distinct(text[other], lambda v: unseen_in_code(v) is not None).astype(bool)
    return held


def message(text: str, code: bool = False) -> str:
    """The refusal of a cell holding such a character: which one, and where."""
    at = _first(text, code) or 0
    if code and text and text[at] in _DRAWN_AS_D:
        return (f"mã có chữ «{text[at]}» (U+{ord(text[at]):04X}, ký tự thứ {at + 1}) trông như chữ «{_DRAWN_AS_D[text[at]]}» "
                f"nhưng là ký tự khác, nên là một mã khác: gõ lại bằng chữ «{_DRAWN_AS_D[text[at]]}» tiếng Việt")
    if code and text and lookalike(text[at]):
        return (f"mã có chữ «{text[at]}» (U+{ord(text[at]):04X}, ký tự thứ {at + 1}) trông như chữ Latinh nhưng là ký tự "
                f"khác (chữ toàn độ rộng, chữ Kirin hoặc Hy Lạp), nên là một mã khác: gõ lại bằng chữ Latinh")
    what = "dấu xuống dòng hoặc tab" if text[at:at + 1] in ("\t", "\n", "\r") else "ký tự điều khiển hoặc ký tự ẩn"
    return (f"ô có {what} (U+{ord(text[at]) if text else 0:04X}, ký tự thứ {at + 1}) — không nhìn thấy nhưng làm "
            f"giá trị khác đi: xóa ký tự này")


# Bytes that begin every character of TEXT_RANGES in UTF-8 (controls, U+0080–U+009F, U+0600–U+06FF,
# U+2000–U+2FFF, U+F000–U+FFFF): a buffer of text holding none of them holds no such character.
_LEADS = np.zeros(256, dtype=bool)
_LEADS[[*range(0x20), 0x7F, 0xC2, 0xD8, 0xE2, 0xEF]] = True


def may_hide(data: np.ndarray, code: bool) -> bool:
    """Whether the UTF-8 bytes ``data`` (the text of many cells) may hold such a character: when not, no cell need
    be searched. ASCII, as codes are, is told by two reductions (a control is below the space, or DEL)."""
    if not data.size:
        return False
    if data.max() < 0x80:
        return bool(data.min() < 0x20 or (data == 0x7F).any())
    return True if code else bool(_LEADS[data].any())
