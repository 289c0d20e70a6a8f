"""Problems found in an input file, and the error that carries them to the user."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# How many rows with the same problem in the same column are listed before the rest are counted.
SHOWN_PER_PROBLEM = 10
# A message quotes the cell it is about; a cell of megabytes is quoted by its beginning.
LONGEST_MESSAGE = 400


def thousands(n: float) -> str:
    """A whole number as Vietnamese writes it: 1.048.576."""
    return f"{n:,.0f}".replace(",", ".")


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None  # the spreadsheet's own row number: the header is row 1
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột «{self.column}»")
        return f"{', '.join(where)}: {self.message}"


class IngestError(Exception):
    """The file (or one file of several ingested together) was refused; nothing was written. ``statuses``: what
    became of each file when several were ingested together."""

    def __init__(self, problems: list[Problem], statuses: list | None = None):
        self.problems = problems
        self.statuses = statuses or []
        super().__init__(self.render())

    def render(self, limit: int = 60) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… và {len(self.problems) - limit} lỗi khác")
        lines.append("Không có dữ liệu nào được ghi.")
        return "\n".join(lines)


def shown(value, width: int = 60) -> str:
    """A cell's value as a message quotes it: its beginning when it is long; a number of a typed column (a
    workbook's column of numbers, Parquet) as a sheet shows it, -2024 and not -2024.0, nor 4.6e+18 for a whole
    number."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        value = int(value) if float(value).is_integer() else f"{value:.15g}"
    text = str(value)
    return text if len(text) <= width else text[:width] + "…"


class Collector:
    """Gathers problems (and warnings) for one file; rows are reported with the spreadsheet's numbering:
    ``numbers`` holds the sheet's row number of each data row (title rows, the header and blank rows skipped
    are counted), by default the header on row 1 and the data from row 2 on."""

    def __init__(self, file: str, numbers: np.ndarray | None = None, header_row: int = 1, epoch=None):
        self.file = file
        self.numbers = numbers
        self.header_row = header_row
        self.epoch = epoch  # the day a workbook's day numbers count from, when it is not Excel's usual (``Sheet``)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def row_of(self, pos: int) -> int:
        """The spreadsheet's row number of the data row at position ``pos``."""
        if self.numbers is None:
            return int(pos) + self.header_row + 1
        return int(self.numbers[pos])

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(message) > LONGEST_MESSAGE:
            message = message[:LONGEST_MESSAGE] + "…"
        self.problems.append(Problem(self.file, message, row, column))

    def warn(self, message: str, column: str | None = None, rows: list[int] | None = None) -> None:
        """Something that does not refuse the file but that its sender should look at, naming the rows."""
        if rows:
            listed = ", ".join(map(str, rows[:SHOWN_PER_PROBLEM]))
            more = f" và {len(rows) - SHOWN_PER_PROBLEM} dòng khác" if len(rows) > SHOWN_PER_PROBLEM else ""
            message = f"dòng {listed}{more}: {message}"
        said = Problem(self.file, message, None, column)
        if said not in self.warnings:  # a whole column's warning, said by each slice that reads it
            self.warnings.append(said)

    def rows(self, mask: pd.Series | np.ndarray, column: str | None, message, values=None) -> None:
        """Report every row where ``mask`` holds: ``message`` is a text or a function of the row's value."""
        mask = np.asarray(mask, dtype=bool)
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        def text(pos):
            if not callable(message):
                return message
            return message(values.iloc[pos] if isinstance(values, pd.Series) else values[pos])

        for pos in positions[:SHOWN_PER_PROBLEM]:
            self.add(text(pos), row=self.row_of(pos), column=column)
        if len(positions) > SHOWN_PER_PROBLEM:
            rest = len(positions) - SHOWN_PER_PROBLEM
            first = text(positions[0])
            self.add(f"… và {thousands(rest)} dòng khác cùng lỗi ({first})", column=column)

    def raise_if_any(self) -> None:
        if self.problems:
            raise IngestError(self.problems)
