"""Problems found in an input file, and the error that carries them to the user."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# How many rows with the same problem in the same column are listed before the rest are counted.
SHOWN_PER_PROBLEM = 10


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
    """The file was refused; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.render())

    def render(self, limit: int = 60) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… và {len(self.problems) - limit} lỗi khác")
        lines.append("Không có dữ liệu nào được ghi.")
        return "\n".join(lines)


class Collector:
    """Gathers problems for one file; rows are reported with the spreadsheet's numbering."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, row, column))

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
            self.add(text(pos), row=int(pos) + 2, column=column)
        if len(positions) > SHOWN_PER_PROBLEM:
            rest = len(positions) - SHOWN_PER_PROBLEM
            first = text(positions[0])
            count = f"{rest:,}".replace(",", ".")  # Vietnamese thousands
            self.add(f"… và {count} dòng khác cùng lỗi ({first})", column=column)

    def raise_if_any(self) -> None:
        if self.problems:
            raise IngestError(self.problems)
