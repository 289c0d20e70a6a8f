"""The closed set of scoring methods: how a leaf's value becomes points, which step of the scale applied,
and the Vietnamese words that say so.

Every method returns points in [0, max] and a step code per entity; NaN value means no data (step -1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from base.vn import number

NO_DATA = -1


@dataclass(frozen=True)
class Method:
    name: str
    params: tuple[str, ...]  # required parameters
    optional: tuple[str, ...]
    score: Callable[[np.ndarray, float, dict], tuple[np.ndarray, np.ndarray]]
    # (value as shown, value alone, step, points, max, params, unit) → the sentence after the criterion's title
    words: Callable[[str, str, int, str, str, dict, str], str]


DIRECTIONS = {">=": (np.greater_equal, "≥", "<"), ">": (np.greater, ">", "≤"),
              "<=": (np.less_equal, "≤", ">"), "<": (np.less, "<", "≥")}


def _finish(value, points, steps):
    """Mark the entities with no data (NaN points, step NO_DATA); most columns have none, so look once."""
    missing = np.isnan(value)
    steps = steps.astype(np.int8)
    if missing.any():
        points = np.where(missing, np.nan, points)
        steps[missing] = NO_DATA
    return points, steps


def _eased(mark: float, sign: int = -1) -> float:
    """A scale's mark moved by a float's error, so that a value within 1e-9 of it (relative) counts as on it:
    57/100 × 100, which a float holds as 56.99999999999999, reaches a target of 57 (as the class's percentage does).
    ``sign`` -1 for a mark to reach (≥, <), +1 for one to pass (>, ≤). The mark moves, never the column: no pass
    over a million values."""
    return mark + sign * 1e-9 * abs(mark)


def _threshold(value, top, p):
    direction = p.get("direction", ">=")
    with np.errstate(invalid="ignore"):
        ok = DIRECTIONS[direction][0](value, _eased(p["target"], -1 if direction in (">=", "<") else 1))
    return _finish(value, ok * float(top), ok)


def threshold_step(p: dict, step: int, unit: str) -> str:
    _, held, missed = DIRECTIONS[p.get("direction", ">=")]
    return f"{held if step == 1 else missed} {number(p['target'], 2)}{unit}"


def _threshold_words(v, bare, step, pts, top, p, unit):
    return f"{v} {threshold_step(p, step, unit)} → {pts}/{top} điểm"


def _proportional(value, top, p):
    target = _eased(p["target"])  # reached within a float's error: the full points, exactly (the clip's)
    with np.errstate(invalid="ignore", over="ignore"):
        full = value >= target
        factor = top / target  # a tiny target makes it inf, and 0 × inf NaN: divided then, in one more pass
        points = value * factor if math.isfinite(factor) else value / target * top
        np.clip(points, 0, top, out=points)
    return _finish(value, points, full)


def _proportional_words(v, bare, step, pts, top, p, unit):
    t = number(p["target"], 2)
    if step == 1:
        return f"{v} ≥ {t}{unit} → {pts}/{top} điểm"
    return f"{v} < {t}{unit}, tính theo tỷ lệ {bare} × {top} ÷ {t} → {pts}/{top} điểm"


def _bands(value, top, p):
    """The first band (they run from the highest minimum down) whose minimum the value reaches."""
    bands = p["steps"]
    mins = np.array([_eased(b["min"]) if "min" in b else -np.inf for b in bands], dtype=float)
    points = np.array([b["points"] for b in bands] + [0.0])  # below every band: 0
    reached = np.searchsorted(mins[::-1], value, side="right")  # how many minima the value reaches
    steps = len(bands) - reached
    return _finish(value, np.minimum(points[steps], top), steps)


def band_text(p, i, unit):
    steps = p["steps"]
    if i == len(steps):
        return f"dưới {number(steps[-1]['min'], 2)}{unit}"
    low = steps[i].get("min")
    high = steps[i - 1].get("min") if i > 0 else None
    if low is None:
        return f"dưới {number(high, 2)}{unit}" if high is not None else "mọi giá trị"
    if high is None:
        return f"từ {number(low, 2)}{unit} trở lên"
    return f"từ {number(low, 2)} đến dưới {number(high, 2)}{unit}"


def _bands_words(v, bare, step, pts, top, p, unit):
    return f"{v}, mức «{band_text(p, step, unit)}» → {pts}/{top} điểm"


def _boolean(value, top, p):
    yes = value != 0
    return _finish(value, yes * float(top), yes)


def _boolean_words(v, bare, step, pts, top, p, unit):
    return f"{'có' if step == 1 else 'không'} → {pts}/{top} điểm"


def _manual(value, top, p):
    with np.errstate(invalid="ignore"):
        step = np.where(value > top, 1, np.where(value < 0, 2, 0))
    return _finish(value, np.clip(value, 0, top), step)


def _manual_words(v, bare, step, pts, top, p, unit):
    note = {0: "", 1: f", vượt tối đa nên tính {top}", 2: ", âm nên tính 0"}[step]
    return f"điểm chấm {v}{note} → {pts}/{top} điểm"


def _deduction(value, top, p):
    floor = p.get("floor", 0.0)
    raw = top - value * p["per"]
    with np.errstate(invalid="ignore"):
        step = np.where(value <= 0, 0, np.where(raw < floor, 2, 1))
    return _finish(value, np.clip(raw, floor, top), step)


def _deduction_words(v, bare, step, pts, top, p, unit):
    if step == 0:
        return f"{v} lần, không bị trừ → {pts}/{top} điểm"
    floor = f", trừ đến mức sàn {number(p.get('floor', 0), 2)}" if step == 2 else ""
    return f"{v} lần × {number(p['per'], 2)} điểm{floor} → {pts}/{top} điểm"


METHODS: dict[str, Method] = {m.name: m for m in (
    Method("threshold", ("target",), ("direction",), _threshold, _threshold_words),
    Method("proportional", ("target",), (), _proportional,
           _proportional_words),
    Method("bands", ("steps",), (), _bands, _bands_words),
    Method("boolean", (), (), _boolean, _boolean_words),
    Method("manual", (), (), _manual, _manual_words),
    Method("deduction", ("per",), ("floor",), _deduction, _deduction_words),
)}
