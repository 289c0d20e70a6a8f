"""Vietnamese formatting of numbers, percentages and dates: ``1.234``, ``98,3%``, ``14/12/2024``."""

from __future__ import annotations

import math
from datetime import date


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.5`` → ``1.234.567,5`` (dot for thousands, comma for decimals); missing → ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals == 0 and float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{decimals or 1}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(ratio: float | None, decimals: int = 1) -> str:
    """A ratio 0–1 as a Vietnamese percentage: ``0.983`` → ``98,3%``."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "không có số liệu"
    return f"{number(ratio * 100, decimals)}%"


def day(value: date) -> str:
    return f"{value:%d/%m/%Y}"
