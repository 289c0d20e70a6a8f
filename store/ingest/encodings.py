"""Vietnamese 8-bit encodings of old office data: TCVN3 (ABC, TCVN 5712:1993 VN3, the «.VnTime» fonts) and
VNI-Windows (the «VNI-Times» fonts). Both were fonts rather than code pages: a file saved from them holds
Windows-1252 bytes that only their font drew as Vietnamese. Read through the tables below, built from the two
encodings' published charts, their text becomes Unicode NFC.

TCVN3 has one code per lower-case letter; its capitals with a tone were drawn by the capital fonts
(.VnTimeH) from the same codes, so a file does not say which they were: they read as lower case, as every
converter reads them. Only Ă Â Ê Ô Ơ Ư Đ have codes of their own.
VNI writes a letter with its marks as the base letter followed by one byte for the marks (a + ù is á);
ơ, ư, đ and the i's with a tone have single bytes.
"""

from __future__ import annotations

import re
import unicodedata

# --- TCVN3 (ABC) ---------------------------------------------------------------------------------------------------

# The chart's order for every vowel: no tone (where the vowel has a code of its own), grave, hook, tilde, acute,
# dot below.
_TCVN3_VOWELS = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # none, grave, hook, tilde, acute, dot below
_TCVN3_OTHERS = {0xAE: "đ", 0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ"}


def _with_tone(letter: str, tone: str) -> str:
    return unicodedata.normalize("NFC", letter + tone)


def _tcvn3() -> dict[int, str]:
    table = dict(_TCVN3_OTHERS)
    for vowel, codes in _TCVN3_VOWELS.items():
        for code, tone in zip(codes, _TONES):
            if code is not None:
                table[code] = _with_tone(vowel, tone)
    return table


TCVN3 = _tcvn3()  # byte → letter, for the bytes from 0x80 the encoding defines; below 0x80 it is ASCII

# --- VNI-Windows ---------------------------------------------------------------------------------------------------

# The byte that follows a base letter, as Windows-1252 shows it (lower case; the capitals' bytes are 0x20 lower):
# the tone alone, a circumflex with a tone, a breve with a tone.
_VNI_TONE = {"ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ù": "\u0301", "ï": "\u0323"}
_VNI_CIRCUMFLEX = {"â": "", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "á": "\u0301", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "é": "\u0301", "ë": "\u0323"}
# Single bytes: letters with no base of their own in the font.
_VNI_SINGLE = {"ñ": "đ", "ô": "ơ", "ö": "ư", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni() -> dict[str, str]:
    """VNI text (decoded as Windows-1252) → Unicode, for every letter with marks, in both cases."""
    table = {}
    for case, byte in ((str.lower, str), (str.upper, lambda c: chr(ord(c) - 0x20))):
        for char, letter in _VNI_SINGLE.items():
            table[byte(char)] = case(letter)
        for base, letter in {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}.items():
            for mark, tone in _VNI_TONE.items():
                if not (base == "y" and tone == "\u0323"):  # ỵ has a byte of its own
                    table[byte(base) + byte(mark)] = case(_with_tone(letter, tone))
        for base in "aeo":
            for mark, tone in _VNI_CIRCUMFLEX.items():
                table[byte(base) + byte(mark)] = case(_with_tone(base + "\u0302", tone))
        for mark, tone in _VNI_BREVE.items():
            table[byte("a") + byte(mark)] = case(_with_tone("a\u0306", tone))
    return table


VNI = _vni()  # sequence (one or two characters, as Windows-1252 shows the bytes) → letter
_VNI_MARKS = frozenset(k[-1] for k in VNI if len(k) == 2)

# --- Reading -------------------------------------------------------------------------------------------------------

NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows"}


class NotThisEncoding(ValueError):
    """The bytes hold a code the encoding does not define."""


def decode(data: bytes, encoding: str) -> str:
    """``data`` in ``encoding`` («tcvn3» or «vni») as Unicode NFC; ``NotThisEncoding`` when the bytes cannot be
    in it."""
    if encoding == "tcvn3":
        out = []
        for i, byte in enumerate(data):
            if byte < 0x80:
                out.append(chr(byte))
            elif byte in TCVN3:
                out.append(TCVN3[byte])
            else:
                raise NotThisEncoding(f"byte 0x{byte:02X} at {i}")
        return unicodedata.normalize("NFC", "".join(out))
    if encoding == "vni":
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as err:
            raise NotThisEncoding(str(err)) from None
        out, i = [], 0
        while i < len(text):
            pair = text[i:i + 2]
            if len(pair) == 2 and pair[1] in _VNI_MARKS and pair in VNI:
                out.append(VNI[pair])
                i += 2
                continue
            char = text[i]
            if char in VNI:
                out.append(VNI[char])
            elif char < "\xc0":  # ASCII, and the signs VNI's fonts draw as Windows-1252 does («, °, –)
                out.append(char)
            else:  # a mark with no letter before it
                raise NotThisEncoding(f"«{char}» at {i}")
            i += 1
        return unicodedata.normalize("NFC", "".join(out))
    raise ValueError(encoding)


def encode(text: str, encoding: str) -> bytes:
    """Unicode text in ``encoding``: what an old office machine wrote (for tests, and for the inverse check)."""
    if encoding == "tcvn3":
        back = {v: k for k, v in TCVN3.items()}
        for letter, code in list(back.items()):
            if letter.upper() not in back:
                back[letter.upper()] = code  # a capital with a tone: the capital fonts' use of the same code
        return bytes(back[c] if c in back else ord(c) for c in unicodedata.normalize("NFC", text))
    if encoding == "vni":
        back = {v: k for k, v in VNI.items()}
        return "".join(back.get(c, c) for c in unicodedata.normalize("NFC", text)).encode("cp1252")
    raise ValueError(encoding)


_LETTERS = frozenset(VNI.values())  # every letter with marks, both cases
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"[^\s\x00-\x40\x5b-\x60\x7b-\x7f]+")  # runs of anything but ASCII digits, signs and spaces


def misread_words(text: str) -> int:
    """How many words of ``text`` no Vietnamese writes: a letter outside the alphabet, a sign inside a word or two
    tones in one syllable — what reading these encodings as one another gives (VNI's «Sôû» read as TCVN3 is
    «Sụỷ», as Windows-1258 «Sôû»)."""
    bad = 0
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        if word.isascii():
            continue
        tones = sum(c in _TONE_MARKS for c in unicodedata.normalize("NFD", word))
        if tones > 1 or not all(c.isascii() or c in _LETTERS for c in word):
            bad += 1
    return bad


# --- Text typed in the old fonts into a Unicode sheet -----------------------------------------------------------

# Signs of Windows-1252 Vietnamese text may hold; every other character beyond ASCII that is no Vietnamese letter
# («ë», «Ö», «µ», «û») is how the old fonts' letters show in Unicode: a cell typed with .VnTime reads «Së Néi vô».
_SIGNS = frozenset("«»“”‘’–—…•·°±×÷§©®€\u00a0")
OLD_FONT_SIGNS = re.compile("[" + "".join(sorted({bytes([b]).decode("cp1252", "replace") for b in range(0x80, 0x100)}
                                               - _LETTERS - _SIGNS - {"\ufffd"})) + "]")


def old_font_readings(text: str) -> list[tuple[str, str]]:
    """The encodings of the old fonts ``text`` may have been typed in, each with what it reads as: where every
    character is one Windows-1252 shows, some words are none a Vietnamese writes, and every word of the reading
    is Vietnamese (VNI's «Vaên» reads so as TCVN3's «Vaờn» too: both are given)."""
    try:
        data = text.encode("cp1252")
    except UnicodeEncodeError:  # a letter of Unicode Vietnamese the fonts never gave
        return []
    if not OLD_FONT_SIGNS.search(text) or not misread_words(text):
        return []
    readings = []
    for encoding in ("tcvn3", "vni"):
        try:
            reading = decode(data, encoding)
        except NotThisEncoding:
            continue
        if not misread_words(reading):
            readings.append((NAMES[encoding], reading))
    return readings
