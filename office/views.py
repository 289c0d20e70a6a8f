"""Shapes in which long lists are shown, the same on the console, in documents and on the portal."""

from __future__ import annotations

import pandas as pd


def best_and_worst(frame: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The first and last ``n`` rows of an ordered frame (all of them when there are no more than 2n)."""
    return frame if len(frame) <= 2 * n else pd.concat([frame.head(n), frame.tail(n)])
