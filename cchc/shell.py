"""What every command shares, and only that: the console, the settings of this run, the store it opens, the
exit codes, and reading dates and periods typed on the command line. The sub-commands import this module,
never the main app; anything heavy is imported by the command that needs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable

import typer
from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy import Engine

    from office.provinces import Province

EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 1, 2, 3

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@dataclass
class Settings:
    """The options of this run of ``cchc`` (``--db``, ``--tinh``, ``--debug``)."""

    database_url: str | None = None  # None: CCHC_DATABASE_URL, else sqlite:///cchc.db
    debug: bool = False
    province: Province | None = None  # ``--tinh``: the registered province this run serves
    _engine: Engine | None = None
    _saved_env: dict | None = None

    def engine(self) -> Engine:
        """The store, its schema brought up to date once per run."""
        if self._engine is None:
            from store.db import make_engine, upgrade

            self._engine = make_engine(self.database_url)
            upgrade(self._engine)
        return self._engine

    def url(self) -> str:
        from store.db import database_url

        return database_url(self.database_url)

    def serve(self, province: Province) -> None:
        """This run serves ``province``: its store, and the settings the layers below read (data directory,
        the key the ingestion event carries), restored by ``reset``."""
        import os

        self.province, self.database_url = province, province.database_url
        self._saved_env = {k: os.environ.get(k) for k in province.environment()}
        os.environ.update(province.environment())

    def reset(self) -> None:
        import os

        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        for k, v in (self._saved_env or {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        self._saved_env, self.province = None, None


settings = Settings()


def engine() -> Engine:
    return settings.engine()


def progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def counted(what: str) -> tuple[Progress, Callable[[int, int], None]]:
    """A progress bar for ``what`` and the callback that moves it (done, total)."""
    bar = progress()
    task = bar.add_task(what, total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


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
    """A period as people write it → its code; when nothing was typed, the latest period the store has figures
    for (said on the console), or this year's when it has none."""
    from store.calendar import parse_period

    if not text:
        from office.scores import latest_period

        code = latest_period(engine())
        if code is not None:
            console.print(f"[dim]Kỳ: {parse_period(code).label} (kỳ gần nhất có số liệu; chọn kỳ khác bằng {hint})[/]")
            return code
        text = f"Năm {date.today().year}"
    try:
        return parse_period(text).code
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=hint) from None


def number(value, decimals: int = 0) -> str:
    from base.vn import number as vn_number

    return vn_number(value, decimals)


def best_and_worst_rows(table, frame, row: Callable, n: int = 5) -> None:
    """The rows of a console table for the first and last ``n`` rows of ``frame``, «…» where rows were left out."""
    from office.views import best_and_worst

    shown = best_and_worst(frame, n)
    for i, (key, r) in enumerate(shown.iterrows()):
        if len(shown) < len(frame) and i == n:
            table.add_row("…", *[""] * (len(table.columns) - 1))
        table.add_row(*row(key, r))


def year_option(*names: str, help: str):
    """A ``--year`` option bounded as every year of the store is (``store.calendar``): 2101 is refused by the
    option, not by a period that cannot be read back."""
    from store.calendar import FIRST_YEAR, LAST_YEAR

    return typer.Option(*names, min=FIRST_YEAR, max=LAST_YEAR, help=help)
