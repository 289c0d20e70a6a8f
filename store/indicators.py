"""The registry of indicators a fact may name (``indicators.yaml`` beside this file)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import yaml

from base.vn import number

KINDS = {
    "so_dem": "số đếm (số nguyên ≥ 0)",
    "ty_le": "tỷ lệ % (0–100)",
    "diem": "điểm (≥ 0)",
    "so_ngay": "số ngày (≥ 0)",
    "so_thuc": "số (≥ 0)",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    kind: str
    source: str
    reference: str
    whole: str | None = None
    # the figure's own bounds, where its definition sets them (a yes/no as 1 or 0, a rank from 1, an index out of
    # 100, a plan's criterion out of its points): a value past them is a slip, refused
    max: float | None = None
    min: float | None = None
    # counted over the period's window from the year's start (documents sent, feedback received), not a state at its
    # end (procedures in force, staff): a longer period's figure holds a shorter one's
    cumulative: bool = False

    @property
    def max_value(self) -> float | None:
        return 100.0 if self.kind == "ty_le" else self.max

    def beyond(self, value: float) -> str | None:
        """Why ``value`` cannot be this figure, or None."""
        if self.max_value is not None and value > self.max_value:
            top = {"%": f"{number(self.max_value, 6)}%", "điểm": f"điểm tối đa {number(self.max_value, 6)}"}.get(
                self.unit, f"{number(self.max_value, 6)} {self.unit}")
            return f"«{number(value, 6)}» vượt quá {top}"
        if self.min is not None and value < self.min:
            return f"«{number(value, 6)}» nhỏ hơn {number(self.min, 6)}"
        return None

    def impossible(self, value: float) -> str | None:
        """Why no file could bring ``value`` as this figure (ingestion refuses it), or None."""
        if value < 0:
            return f"«{number(value, 6)}» âm"
        if self.integral and value != int(value):
            return f"«{number(value, 6)}» không phải số nguyên"
        return self.beyond(value)

    @property
    def integral(self) -> bool:
        return self.kind == "so_dem"


@cache
def registry() -> dict[str, Indicator]:
    raw = yaml.safe_load((Path(__file__).with_name("indicators.yaml")).read_text(encoding="utf-8"))
    found = {code: Indicator(code=code, **spec) for code, spec in raw.items()}
    for ind in found.values():
        if ind.kind not in KINDS:
            raise ValueError(f"indicators.yaml: chỉ tiêu {ind.code}: kiểu «{ind.kind}» không có")
        if ind.whole and ind.whole not in found:
            raise ValueError(f"indicators.yaml: chỉ tiêu {ind.code}: chỉ tiêu tổng «{ind.whole}» không có")
    return found


def figures_impossible() -> dict[str, Callable[[float], str | None]]:
    """For every indicator, why a value could not be its figure: what a rule set's test cases are checked by."""
    return {code: ind.impossible for code, ind in registry().items()}
