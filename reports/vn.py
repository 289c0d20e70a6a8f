"""Vietnamese formatting of numbers, percentages and dates: ``1.234``, ``98,3%``, ``14/12/2024``."""

from __future__ import annotations

import math
from datetime import date


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.5`` → ``1.234.567,5``: dot for thousands, comma for decimals, at most ``decimals`` of them
    and no trailing zeros (``118.0`` → ``118``, ``98.333`` → ``98,3`` with one decimal); missing → ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if "." in text:
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
