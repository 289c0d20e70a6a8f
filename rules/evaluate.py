"""Evaluation of a rule set over a whole population at once, and the explanation of every point.

Input: a frame indexed by entity (unit code or person code) with one column per input; an optional
``kind`` column (the unit's kind) for criteria that apply to some kinds only. Output: a ``Result`` that
holds, per leaf, the value, the step of the scale and the points of every entity (numpy columns), the
totals per node, the percentage of the maximum, the rank and the class.

Ranking: by percentage of the applicable maximum, highest first; equal percentages (to 1e-9) share a
rank and the next rank skips (1, 2, 2, 4 — "standard competition ranking").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from string import Formatter

import numpy as np
import pandas as pd

from base.vn import number
from rules.methods import METHODS, NO_DATA, band_text, threshold_step
from rules.ruleset import Criterion, RuleSet, Variable

NOT_APPLICABLE = -2
ADJUSTED = -3  # an appraiser replaced the self-assessed points


@dataclass(frozen=True)
class Adjustment:
    """The appraised points of one leaf for some entities: where, the points they had, and why."""

    positions: np.ndarray
    assessed: np.ndarray  # the self-assessed points they replaced
    reasons: tuple[str, ...]


@dataclass
class Result:
    ruleset: RuleSet
    index: pd.Index
    env: dict[str, np.ndarray]  # inputs, parameters and variables, as used
    values: dict[str, np.ndarray]  # leaf id → value
    steps: dict[str, np.ndarray]  # leaf id → step code (NO_DATA, NOT_APPLICABLE, or the method's step)
    points: dict[str, np.ndarray]  # node id → points (NaN for a leaf with no data or not applicable)
    maxima: dict[str, np.ndarray]  # node id → the maximum that applies to each entity
    held: dict[str, list[np.ndarray]] = field(default_factory=dict)  # title → per condition: 1, 0, NaN (no data)
    adjusted: dict[str, Adjustment] = field(default_factory=dict)  # leaf id → the appraiser's changes
    kept_notes: tuple = ()  # per entity, the notes a stored run kept (None: kept none, derive them)

    @cached_property
    def total(self) -> np.ndarray:
        return add_points([self.points[c.id] for c in self.ruleset.criteria], len(self.index))

    @cached_property
    def maximum(self) -> np.ndarray:
        return add_maxima([self.maxima[c.id] for c in self.ruleset.criteria], len(self.index))

    @cached_property
    def percent(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.maximum > 0, self.total / self.maximum * 100, np.nan)

    def summary(self) -> pd.DataFrame:
        """One row per entity: total, maximum, percent, rank, class, and each area's index (%)."""
        pct = self.percent
        frame = pd.DataFrame({"diem": self.total, "toi_da": self.maximum, "ty_le": pct}, index=self.index)
        frame["hang"] = rank(pct)
        frame["xep_loai"] = classify(pct, self.ruleset)
        return frame.join(self.indices())

    def indices(self) -> pd.DataFrame:
        """Each area's index per entity: its points as a percentage of its maximum (``chi_so_<area>``)."""
        out = {}
        for area in self.ruleset.criteria:
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"chi_so_{area.id}"] = np.where(self.maxima[area.id] > 0,
                                                    np.nan_to_num(self.points[area.id]) / self.maxima[area.id] * 100,
                                                    np.nan)
        return pd.DataFrame(out, index=self.index)

    def leaf_frame(self) -> pd.DataFrame:
        """Long frame of the explanation data: entity, criterion, value, step, points, max, reference."""
        parts = []
        for leaf in self.ruleset.leaves:
            parts.append(pd.DataFrame({
                "entity": self.index, "criterion": leaf.id, "value": self.values[leaf.id],
                "step": self.steps[leaf.id], "points": self.points[leaf.id], "max": self.maxima[leaf.id],
                "reference": leaf.reference,
            }))
        return pd.concat(parts, ignore_index=True)

    def position(self, entity: str) -> int:
        return int(self.index.get_loc(entity))

    def explain(self, entity: str) -> list["Explanation"]:
        """Every leaf of one entity: inputs, value, step, points, reference, and the sentence."""
        i = self.position(entity)
        return [_explain_leaf(self, leaf, i) for leaf in self.ruleset.leaves]

    def notes(self, entity: str) -> list["Note"]:
        """The rule set's deviations from its text that hold for ``entity`` (a stored run's own, as it kept them)."""
        i = self.position(entity)
        if self.kept_notes and self.kept_notes[i] is not None:
            return list(self.kept_notes[i])
        return self.all_notes(only=i)[0]

    def all_notes(self, only: int | None = None) -> list[list["Note"]]:
        """Per entity (or for the one at ``only``), the deviations that hold for it: those said of the whole set or
        of a criterion always, those with a condition where it holds on the entity's figures; values filled in."""
        rows = range(len(self.index)) if only is None else [only]
        env = self.env if only is None else {k: v[only:only + 1] for k, v in self.env.items()}
        holds = [np.ones(len(rows), bool) if d.when is None else d.when(env, len(rows)) == 1
                 for d in self.ruleset.deviations]
        return [[Note(d.criterion, _fill(d.text, self, i) if "{" in d.text else d.text, d.reference)
                 for d, mask in zip(self.ruleset.deviations, holds) if mask[k]] for k, i in enumerate(rows)]

    def reasons(self, entity: str, variable: str) -> list[str]:
        """Why ``variable`` (a title with conditions) does not hold for ``entity``; empty when it does."""
        i = self.position(entity)
        spec = next(v for v in self.ruleset.variables if v.name == variable)
        return [_unknown(self, c, i) + _fill(c.reason, self, i) if np.isnan(ok[i]) else _fill(c.reason, self, i)
                for c, ok in zip(spec.conditions, self.held[variable]) if ok[i] != 1]


@dataclass(frozen=True)
class Note:
    """A deviation of the rule set from its text as it holds for one entity («Ghi chú về cách tính»)."""
    criterion: str | None  # None: the whole set
    text: str
    reference: str


@dataclass(frozen=True)
class Explanation:
    criterion: str
    title: str
    inputs: dict[str, float]
    value: float
    step: str
    points: float
    max: float
    reference: str
    sentence: str
    code: int = 0  # the step's code: NO_DATA, NOT_APPLICABLE, ADJUSTED, or the method's own step

    @property
    def applies(self) -> bool:
        return self.code != NOT_APPLICABLE

    @property
    def lost(self) -> float:
        """Points short of the maximum (all of it with no data); 0 where the criterion does not apply."""
        if not self.applies:
            return 0.0
        return max(0.0, self.max - (0.0 if np.isnan(self.points) else self.points))


def evaluate(ruleset: RuleSet, frame: pd.DataFrame, adjustments: pd.DataFrame | None = None) -> Result:
    """Score every entity of ``frame`` against ``ruleset`` (inputs missing from the frame are no data).

    ``adjustments`` (columns entity, criterion, points, reason) are an appraiser's points for some leaves of
    some entities: they replace the computed points (clipped to the leaf's maximum) before anything is added
    up, and the explanation shows both."""
    wanted = _adjustments(ruleset, frame.index, adjustments)
    rows = len(frame)
    env: dict[str, np.ndarray] = {}
    for name in ruleset.inputs:
        if name not in frame:
            env[name] = np.full(rows, np.nan)
        elif frame[name].dtype == np.float64:
            env[name] = frame[name].to_numpy()  # no copy: expressions never write into their inputs
        else:
            env[name] = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    for name, spec in ruleset.parameters.items():
        env[name] = np.full(rows, float(spec["value"]))
    held = {}
    for var in ruleset.variables:
        env[var.name], held[var.name] = _variable(var, env, rows)

    kinds = frame["kind"].to_numpy() if "kind" in frame else None
    applies = np.ones(rows, dtype=bool)
    if ruleset.applies_to is not None and kinds is not None:
        applies = _of_kinds(kinds, ruleset.applies_to)
    values, steps, points, maxima = {}, {}, {}, {}
    adjusted: dict[str, Adjustment] = {}
    for top in ruleset.criteria:
        _score(top, env, rows, kinds, ruleset, applies, values, steps, points, maxima, wanted, adjusted)
    return Result(ruleset, frame.index, env, values, steps, points, maxima, held, adjusted)


def _of_kinds(kinds: np.ndarray, allowed) -> np.ndarray:
    """The entities of one of the ``allowed`` kinds; one of no kind given (a rule test's case that names none,
    beside cases that do) is not filtered, as a frame without kinds is not."""
    inside = np.isin(kinds, list(allowed))
    if not inside.all():  # only the others are looked at again: a million kinds each asked costs a pass
        outside = ~inside
        inside[outside] = pd.isna(kinds[outside])
    return inside


def restore(ruleset: RuleSet, index: pd.Index, details: list[dict]) -> Result:
    """The ``Result`` a score run stored, rebuilt from its details (``cycle.scoring.details``): per entity its
    inputs, per leaf [value, step, points, max], the appraiser's [self-assessed points, reason] and the notes on
    how the rule set computes (its deviations from the text, as the run's rules said them). Nothing
    is scored again: values, steps and points are the stored ones; the areas add up as ``evaluate`` adds them,
    and the derived variables are derived again only so that explanations can quote them."""
    rows = len(index)
    column = lambda get: np.array([np.nan if (v := get(d)) is None else v for d in details], dtype=float)  # noqa: E731
    env: dict[str, np.ndarray] = {n: column(lambda d, n=n: d["inputs"].get(n)) for n in ruleset.inputs}
    for name, spec in ruleset.parameters.items():
        env[name] = np.full(rows, float(spec["value"]))
    for var in ruleset.variables:
        env[var.name], _ = _variable(var, env, rows)
    values, steps, points, maxima, adjusted = {}, {}, {}, {}, {}
    for leaf in ruleset.leaves:
        stored = [d["leaves"].get(leaf.id, [None, NO_DATA, None, 0.0]) for d in details]
        values[leaf.id] = np.array([np.nan if s[0] is None else s[0] for s in stored], dtype=float)
        steps[leaf.id] = np.array([s[1] for s in stored], dtype=np.int8)
        points[leaf.id] = np.array([np.nan if s[2] is None else s[2] for s in stored], dtype=float)
        maxima[leaf.id] = np.array([s[3] for s in stored], dtype=float)
        changed = [(i, d["adjusted"][leaf.id]) for i, d in enumerate(details) if leaf.id in d.get("adjusted", {})]
        if changed:
            adjusted[leaf.id] = Adjustment(np.array([i for i, _ in changed]),
                                           np.array([np.nan if a is None else a for _, (a, _) in changed], dtype=float),
                                           tuple(r for _, (_, r) in changed))
    for top in ruleset.criteria:
        _add_up(top, points, maxima, rows)
    kept = tuple(None if "notes" not in d else tuple(Note(*n) for n in d["notes"]) for d in details)
    return Result(ruleset, index, env, values, steps, points, maxima, {}, adjusted, kept)


def _add_up(node: Criterion, points: dict, maxima: dict, rows: int) -> None:
    if not node.is_leaf:
        for child in node.children:
            _add_up(child, points, maxima, rows)
        _total(node, points, maxima, rows)


def _total(node: Criterion, points: dict, maxima: dict, rows: int) -> None:
    """A node's points and maximum: its children's, added up (the one place areas are totalled)."""
    points[node.id] = add_points([points[c.id] for c in node.children], rows)
    maxima[node.id] = add_maxima([maxima[c.id] for c in node.children], rows)


class AdjustedUnknown(ValueError):
    """Appraisals stored for a criterion the set has not: a file edited under the id of a set already appraised."""


def _adjustments(ruleset: RuleSet, index: pd.Index, table: pd.DataFrame | None) -> dict:
    """Leaf id → (positions, points, reasons) of the adjustments that concern entities of ``index``."""
    if table is None or table.empty:
        return {}
    leaves = {leaf.id for leaf in ruleset.leaves}
    unknown = sorted(set(table["criterion"]) - leaves)
    if unknown:
        raise AdjustedUnknown(f"{ruleset.source}: bộ tiêu chí «{ruleset.id}» không có tiêu chí (lá) {', '.join(unknown)} mà "
                              "kho đã có điểm thẩm định theo mã bộ này: giữ các tiêu chí ấy, hoặc đặt cho tệp một «id» khác")
    positions = index.get_indexer(table["entity"])
    here = table[positions >= 0].assign(position=positions[positions >= 0])
    return {leaf: (g["position"].to_numpy(), g["points"].to_numpy(dtype=float), tuple(g["reason"]))
            for leaf, g in here.groupby("criterion", sort=False)}


def _variable(var: Variable, env: dict, rows: int) -> tuple[np.ndarray, list[np.ndarray]]:
    if var.formula is not None:
        return var.formula(env, rows), []
    held = np.ones(rows)
    each = []
    for cond in var.conditions:
        ok = cond.when(env, rows)
        each.append(ok)
        held = np.where(ok == 1, held, 0.0)  # no data on a requirement does not satisfy it
    return held, each


def _score(node: Criterion, env, rows, kinds, ruleset, applies, values, steps, points, maxima, wanted,
           adjusted) -> None:
    if node.applies_to is not None and kinds is not None:
        applies = applies & _of_kinds(kinds, node.applies_to)
    if not node.is_leaf:
        for child in node.children:
            _score(child, env, rows, kinds, ruleset, applies, values, steps, points, maxima, wanted, adjusted)
        _total(node, points, maxima, rows)
        return
    value = node.value(env, rows)
    pts, step = METHODS[node.method].score(value, node.max, node.params)
    counted = applies if ruleset.missing == "tinh_0" else applies & ~np.isnan(value)
    if not applies.all():
        step = np.where(applies, step, NOT_APPLICABLE).astype(np.int8)
        pts = np.where(applies, pts, np.nan)
    if node.id in wanted:
        where, given, reasons = wanted[node.id]
        adjusted[node.id] = Adjustment(where, pts[where].copy(), reasons)
        pts, step = pts.copy(), step.copy()
        pts[where] = np.clip(given, 0.0, node.max)
        step[where] = ADJUSTED
        counted = counted.copy()
        counted[where] = True
    values[node.id], steps[node.id], points[node.id] = value, step, pts
    # Where the maximum is the same for everyone, a read-only view of one number is enough.
    maxima[node.id] = np.broadcast_to(node.max, (rows,)) if counted.all() else np.where(counted, node.max, 0.0)


def add_points(columns: list[np.ndarray], rows: int) -> np.ndarray:
    """The sum of points columns, a leaf with no data or not applicable adding nothing."""
    total = np.zeros(rows)
    for column in columns:
        missing = np.isnan(column)
        np.add(total, column, out=total, where=~missing if missing.any() else True)
    return total


def add_maxima(columns: list[np.ndarray], rows: int) -> np.ndarray:
    """The sum of maxima; columns that hold one number for everyone (read-only views) add as numbers."""
    same = float(sum(float(c[0]) for c in columns if c.strides == (0,) and len(c)))
    varying = [c for c in columns if c.strides != (0,)]
    if not varying:
        return np.broadcast_to(same, (rows,))
    total = np.full(rows, same)
    for column in varying:
        total += column
    return total


def rank(percent: np.ndarray) -> np.ndarray:
    """Standard competition ranking, highest first; entities with no percentage are not ranked (0)."""
    key = np.round(percent, 9)
    known = np.flatnonzero(~np.isnan(key))
    out = np.zeros(len(key), dtype=np.int64)
    if len(known):
        order = known[np.argsort(-key[known], kind="stable")]  # best first
        ordered = key[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]]  # where a new value begins
        position = np.arange(1, len(order) + 1)
        out[order] = np.maximum.accumulate(np.where(starts, position, 0))  # equal values: the first's rank
    return out


def classify(percent: np.ndarray, ruleset: RuleSet) -> np.ndarray:
    """The first class (highest first) whose minimum the percentage reaches; '' when none or no data."""
    labels = np.array([b.label for b in ruleset.classification] + [""], dtype=object)
    if not ruleset.classification:
        return labels[np.zeros(len(percent), dtype=int)]
    with np.errstate(invalid="ignore"):
        reached = np.stack([percent >= b.min - 1e-9 for b in ruleset.classification])
    first = np.where(reached.any(axis=0), reached.argmax(axis=0), len(ruleset.classification))
    return labels[first]


# --- Sentences ----------------------------------------------------------------------------------------

def _show(value: float, unit: str) -> str:
    if np.isnan(value):
        return "không có số liệu"
    return f"{number(value, 1 if unit == '%' else 2)}{unit}"


def _explain_leaf(result: Result, leaf: Criterion, i: int) -> Explanation:
    env1 = {k: v[i:i + 1] for k, v in result.env.items()}
    inputs = {n: float(result.env[n][i]) for n in sorted(leaf.value.names) if n not in result.ruleset.parameters}
    value = float(result.values[leaf.id][i])
    step = int(result.steps[leaf.id][i])
    pts = float(result.points[leaf.id][i])
    method = METHODS[leaf.method]
    label = leaf.title
    top = number(leaf.max, 2)
    if step == ADJUSTED:
        adj = result.adjusted[leaf.id]
        k = int(np.flatnonzero(adj.positions == i)[0])
        before = adj.assessed[k]
        own = "không có số liệu" if np.isnan(before) else f"{number(before, 2)}/{top} điểm"
        shown = "" if np.isnan(value) else f" ({_show(value, leaf.unit)})"
        step_text = "thẩm định điều chỉnh"
        tail = f"{shown}: tự đánh giá {own}; thẩm định {number(pts, 2)}/{top} điểm — {adj.reasons[k]}"
        ref = f" ({leaf.reference})" if leaf.reference else ""
        return Explanation(leaf.id, leaf.title, inputs, value, step_text, pts, leaf.max, leaf.reference,
                           f"{label}{tail}{ref}", step)
    if step == NOT_APPLICABLE:
        step_text, tail = "không áp dụng", "không áp dụng với loại đơn vị này"
    elif step == NO_DATA:
        why = _no_data(result, leaf, env1, inputs)
        rule = "0" if result.ruleset.missing == "tinh_0" else "không tính"
        step_text, tail = "không có số liệu", f"không có số liệu{why} → {rule}/{top} điểm"
    else:
        shown = _show(value, leaf.unit)
        if leaf.value.ratio:
            num, den = (float(part(env1, 1)[0]) for part in leaf.value.ratio)
            shown = f"{number(num, 2)}/{number(den, 2)} = {shown}"
        bare = number(value, 1 if leaf.unit == "%" else 2)
        tail = method.words(shown, bare, step, number(pts, 2), top, leaf.params, leaf.unit) + _parameters(result, leaf)
        step_text = _step_text(leaf, step)
    ref = f" ({leaf.reference})" if leaf.reference else ""
    return Explanation(leaf.id, leaf.title, inputs, value, step_text, pts, leaf.max, leaf.reference,
                       f"{label} {tail}{ref}", step)


def _no_data(result: Result, leaf: Criterion, env1: dict, inputs: dict[str, float]) -> str:
    """Why a leaf has no value for an entity, in brackets: the inputs it lacks, or else the division by zero (a
    ratio's denominator named) or the overflow; a value that is missing without saying why could not be told from a
    figure never sent."""
    lacking = [n for n, v in inputs.items() if np.isnan(v)]
    over, div = _why_variables(result, env1) if any(_computed(result, n) for n in lacking) else ({}, {})
    past = [n for n in lacking if over.get(n)]
    divided = {n: why for n in lacking if n not in past and (why := div.get(n))}
    missing = [result.ruleset.label_of(n) for n in lacking if n not in past and n not in divided]
    said = [f"{result.ruleset.label_of(n)}: {why}" for n, why in divided.items()]
    if past:  # a variable computed past a float's range is no data, yet no figure is missing
        said.append(f"phép tính vượt quá giới hạn của số thực: {', '.join(map(result.ruleset.label_of, past))}")
    if missing or said:
        return f" ({'; '.join(([', '.join(missing)] if missing else []) + said)})"
    if leaf.value.overflows(env1):
        return " (phép tính vượt quá giới hạn của số thực)"
    return f" ({_division(result, leaf.value, env1)})"


def _division(result: Result, formula, env1: dict) -> str:
    """A division by zero in ``formula`` (its inputs all known), its denominator named when it is a ratio's."""
    if formula.ratio and float(formula.ratio[1](env1, 1)[0]) == 0:
        den = formula.ratio[1]
        named = result.ruleset.label_of(den.source) if den.names == {den.source} else den.source
        return f"chia cho 0: {named} bằng 0"
    return "phép tính chia cho 0"


WHY_LENGTH = 400  # a reason quoting the reasons of the variables it reads, each of theirs: cut, never doubled on


def _why_variables(result: Result, env1: dict) -> tuple[dict[str, bool], dict[str, str | None]]:
    """For each computed variable that is no data for an entity (``env1``: its values) though every figure it reads
    is there: whether some step of its formula, or of a variable it reads, went past a float's range; and the
    division by zero in its formula or in that of a variable it reads (None when a figure is missing: that is the
    reason). One pass in the order the variables are computed, each reading what the ones before it found: a chain
    of hundreds of variables had exhausted the stack, a diamond of forty taken minutes."""
    over: dict[str, bool] = {}
    div: dict[str, str | None] = {}
    for var in result.ruleset.variables:
        if var.formula is None:
            continue
        lacking = [n for n in sorted(var.formula.names) if n in env1 and np.isnan(env1[n][0])]
        over[var.name] = var.formula.overflows(env1) or any(over.get(n, False) for n in lacking)
        if not lacking:
            div[var.name] = _division(result, var.formula, env1)
        elif all(div.get(n) for n in lacking):
            why = "; ".join(f"{result.ruleset.label_of(n)}: {div[n]}" for n in lacking)
            div[var.name] = why if len(why) <= WHY_LENGTH else why[:WHY_LENGTH] + "…"
        else:
            div[var.name] = None
    return over, div


def _computed(result: Result, name: str):
    """The variable ``name`` when a formula computes it (None for an input, a parameter or a title's conditions)."""
    return next((v for v in result.ruleset.variables if v.name == name and v.formula is not None), None)


def _parameters(result: Result, leaf: Criterion) -> str:
    """The parameters a leaf's scale read, each with the value applied and where that value comes from:
    «; Ngưỡng đủ điểm (%) = 90 từ 01/07/2025 theo QĐ 12/2025»."""
    words = []
    for name in dict.fromkeys(name for _, _, name in leaf.bound):
        spec = result.ruleset.parameters[name]
        if not spec.get("reference"):
            continue  # a bare value: the step already shows it
        since = f" từ {spec['from']:%d/%m/%Y}" if spec.get("from") and len(spec["values"]) > 1 else ""
        words.append(f"{spec.get('label', name)} = {number(spec['value'], 2)}{since} theo {spec['reference']}")
    return "".join(f"; {w}" for w in words)


def _step_text(leaf: Criterion, step: int) -> str:
    p, unit = leaf.params, leaf.unit
    if leaf.method == "bands":
        return band_text(p, step, unit)
    if leaf.method == "threshold":
        return threshold_step(p, step, unit)
    if leaf.method == "proportional":
        t = f"{number(p['target'], 2)}{unit}"
        return f"≥ {t}" if step == 1 else f"< {t} (tính theo tỷ lệ)"
    return {("boolean", 1): "có", ("boolean", 0): "không", ("manual", 0): "trong khung điểm",
            ("manual", 1): "vượt tối đa", ("manual", 2): "âm", ("deduction", 0): "không trừ",
            ("deduction", 1): "bị trừ", ("deduction", 2): "trừ đến mức sàn"}[(leaf.method, step)]


def _unknown(result: Result, cond, i: int) -> str:
    """A requirement left unmet for want of data says so: its reason alone («chưa đạt Hoàn thành tốt nhiệm vụ»)
    would state as a fact what no figure showed."""
    lacking = [result.ruleset.label_of(n) for n in sorted(cond.when.names)
               if n in result.env and np.isnan(result.env[n][i])]
    return f"không có số liệu ({', '.join(lacking)}) để xét điều kiện: " if lacking else "không có số liệu để xét điều kiện: "


def _fill(reason: str, result: Result, i: int) -> str:
    """Put the entity's values into a reason: «{so_nam} năm» → «1 năm». Only the values the reason names are
    formatted (a person's reasons are asked tens of thousands of times, the environment holds dozens of values)."""
    env = result.env
    try:
        values = {k: number(float(env[k][i]), 2) for k in _fields(reason) if k in env}
        return reason.format(**values)
    except (KeyError, IndexError, ValueError):
        return reason


@lru_cache(maxsize=4096)
def _fields(text: str) -> tuple[str, ...]:
    """The names a format string reads, in its format specs too: «{so_nam} năm, {a[0]:{w}}» → («so_nam», «a», «w»)."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        return ()  # not a format string: ``format`` says so
    names = []
    for _, name, spec, _ in parsed:
        if name is not None:
            names.append(re.match(r"[^.\[]*", name)[0])
        if spec and "{" in spec:
            names += _fields(spec)
    return tuple(dict.fromkeys(names))
