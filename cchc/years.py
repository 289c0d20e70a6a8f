"""A year typed on the command line, or the latest one the store has data for — said on the console, so that a
command never works on an empty year without telling (this year's, when the store holds nothing yet)."""

from __future__ import annotations

from datetime import date
from typing import Callable

from sqlalchemy import Engine

from cchc.shell import console, engine


def year_or_latest(given: int | None, latest: Callable[[Engine], int | None], what: str, hint: str = "--year") -> int:
    if given is not None:
        return given
    found = latest(engine())
    if found is None:
        found = date.today().year
        console.print(f"[dim]Năm: {found} (chưa có {what} nào trong kho; chọn năm khác bằng {hint})[/]")
    else:
        console.print(f"[dim]Năm: {found} (năm gần nhất có {what}; chọn năm khác bằng {hint})[/]")
    return found
