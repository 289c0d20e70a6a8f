"""Reading the values people type on the command line: dates as dd/mm/yyyy, periods as «Quý I/2024»."""

from __future__ import annotations

from datetime import date, datetime

import typer


def day(text: str | None, hint: str, default: date | None = None) -> date:
    """``dd/mm/yyyy`` → a date (``default`` when nothing was typed); a usage error naming the option."""
    if not text:
        if default is None:
            raise typer.BadParameter("cần một ngày dd/mm/yyyy", param_hint=hint)
        return default
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise typer.BadParameter(f"«{text}» không phải ngày dd/mm/yyyy", param_hint=hint) from None


def period(text: str | None, hint: str = "--period") -> str:
    """A period as people write it → its code (this year when nothing was typed)."""
    from store.calendar import parse_period

    try:
        return parse_period(text or f"Năm {date.today().year}").code
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=hint) from None
