"""Vietnamese formatting of numbers, percentages and dates: ``1.234``, ``98,3%``, ``14/12/2024``; words folded for
matching."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date


def fold(text: str) -> str:
    """Lower case without diacritics, for matching what people type against known words."""
    text = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c)))


def number(value: float | int | None, decimals: int = 0, fixed: bool = False) -> str:
    """``1234567.5`` → ``1.234.567,5``: dot for thousands, comma for decimals, at most ``decimals`` of them
    and no trailing zeros (``118.0`` → ``118``, ``98.333`` → ``98,3`` with one decimal), or exactly ``decimals``
    when ``fixed`` (a column of a table: ``76,50`` under ``76,63``); missing → ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if "." in text and not fixed:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(ratio: float | None, decimals: int = 1) -> str:
    """A ratio 0–1 as a Vietnamese percentage: ``0.983`` → ``98,3%``."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "không có số liệu"
    return f"{number(ratio * 100, decimals)}%"


def day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def day_line(place: str, when: date) -> str:
    """Place and date as Nghị định 30/2020 writes them: days below 10 and months 1, 2 with a leading 0."""
    month = f"{when.month:02d}" if when.month in (1, 2) else str(when.month)
    return f"{place}, ngày {when.day:02d} tháng {month} năm {when.year}"


def doc_number(number: int | None, type_code: str, body_code: str) -> str:
    """``Số: 778/KH-SKHCN``; numbers below 10 with a leading 0; no number yet: a blank to fill when signing."""
    shown = "\u00a0" * 8 if number is None else f"{number:02d}"
    return f"Số: {shown}/{type_code}-{body_code}"


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three(n: int, full: bool) -> str:
    """Read 0–999; ``full`` when a higher group precedes it (then "không trăm", "linh" are said)."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones and (hundreds or full):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if ones:
        if ones == 1 and tens > 1:
            words.append("mốt")
        elif ones == 5 and tens > 0:
            words.append("lăm")
        elif ones == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[ones])
    return " ".join(words)


def in_words(amount: int) -> str:
    """A whole amount in words, as award decisions write money: 7020000 → "Bảy triệu không trăm hai mươi
    nghìn" (the caller adds "đồng")."""
    if amount == 0:
        return "Không"
    if amount < 0:
        return "Âm " + in_words(-amount).lower()
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words = []
    for i in range(len(groups) - 1, -1, -1):
        if groups[i]:
            words.append(f"{_three(groups[i], full=bool(words))} {_GROUPS[i]}".strip())
    text = " ".join(words).replace("  ", " ")
    return text[0].upper() + text[1:]
