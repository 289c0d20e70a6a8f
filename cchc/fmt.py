"""Formatting for the command line: the same Vietnamese conventions as the documents, and the «best and
worst five» view a long ranking is shown in."""

from __future__ import annotations

from typing import Callable

import pandas as pd

from base.vn import day, number, percent

__all__ = ["day", "number", "percent", "best_and_worst", "add_best_and_worst"]


def best_and_worst(frame: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The first and last ``n`` rows of an ordered frame (all of them when there are no more than 2n)."""
    return frame if len(frame) <= 2 * n else pd.concat([frame.head(n), frame.tail(n)])


def add_best_and_worst(table, frame: pd.DataFrame, row: Callable[[str, pd.Series], list[str]], n: int = 5) -> None:
    """The rows of a console table for ``best_and_worst(frame)``, with a «…» row where rows were left out."""
    shown = best_and_worst(frame, n)
    for i, (key, r) in enumerate(shown.iterrows()):
        if len(shown) < len(frame) and i == n:
            table.add_row("…", *[""] * (len(table.columns) - 1))
        table.add_row(*row(key, r))
