"""What-if: the cheapest change to one unit's inputs that reaches a target — a rank, a class, a points total —
the other units held as they are. Solved exactly as a mixed-integer linear programme (HiGHS, through
``scipy.optimize.milp``) over the rule set's own piecewise-linear points.

The model
---------
Every input the unit may change (it has a cost and is not fixed) becomes ``x = x0 + up - down`` with ``up``,
``down`` ≥ 0 (whole numbers for counts) and costs ``cost × (up + down)``; the objective is the total cost.

Each leaf's value expression is read as an affine function of those inputs. Ratios are linearised **with
the whole fixed**: any input that appears in a denominator (``hs_dung_han / hs_tiep_nhan``, also through a
derived variable) is held at its value, so ``v = v0 + Σ b·(up - down)`` is exact. This is the office's own
lever — a unit converts dossiers it received (late to on time, direct to online), it does not choose how
many citizens come — and it keeps the model exact and small: a variable whole would make each ratio
bilinear (part × 1/whole), which a big-M or McCormick formulation only approximates or makes weak, and which
no target in practice needs (a larger whole only lowers every rate it divides). A leaf whose expression is
not affine in the inputs that may change (a product of two of them, ``min``/``max`` over them, a ``where``
whose condition reads them, a division by one of them that is not fixed) is refused, naming the leaf; a
``where`` whose condition reads only held figures is the branch it picks for the unit.

A leaf's points are a piecewise function of its value (``threshold``, ``bands`` and ``boolean`` jump;
``proportional``, ``manual`` and ``deduction`` are clipped lines). Over the value's range (interval
arithmetic on the bounds) it is a disjunction of intervals ``[l_k, u_k]`` with a line ``α_k + β_k·v`` on
each; the model picks one with binaries ``z_k`` (Σ z = 1) and splits the value into ``w_k`` with
``l_k z_k ≤ w_k ≤ u_k z_k`` (the convex-hull formulation: exact, and no big-M). Open ends of a jump (``< 80``)
end a tiny gap below the breakpoint. A leaf with no data, not applicable, appraised (its points replaced by
an appraiser) or reading no changeable input is a constant. The maximum that applies to the unit does not
change (wholes are fixed), so the percentage is linear in the points and a rank, a class and a points total
are each one linear constraint: points ≥ what is needed.

Ranks follow ``rules.evaluate.rank``: to be ranked R, the unit's percentage must reach the R-th highest of
the others' (ties share the rank). Every answer is checked by scoring the changed row with
``rules.evaluate.evaluate``; a check lost to floating point at a breakpoint is solved again with a margin.
"""

from __future__ import annotations

import ast
import math
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from rules.evaluate import ADJUSTED, NOT_APPLICABLE, classify, evaluate
from rules.expr import compile_expression, parse_expression, segment
from rules.ruleset import Criterion, RuleSet

GAP = 1e-9  # relative width of the gap below an open breakpoint
# When the engine's check disagrees with the model, the breakpoints the answer sits on (and the points needed,
# when the total sits on them) are moved up by these relative margins in turn, only there: an exact hit
# elsewhere (3 of 5 = 60%) stays allowed.
MARGINS = (1e-9, 1e-7, 1e-5)
# Proven optimal (no relative gap); HiGHS's feasibility-jump heuristic costs more than it saves on these
# small models (≈ 35 ms of a solve's 45).
OPTIONS = {"mip_rel_gap": 0.0, "mip_heuristic_run_feasibility_jump": False}


class WhatIfError(ValueError):
    """A question that cannot be asked (unknown class, rank beyond the units ranked) or a leaf the model
    cannot express; the message says which, in Vietnamese."""


@dataclass(frozen=True)
class Target:
    """What to reach: ``rank`` (1 = first), ``klass`` (a label of the rule set's classification) or ``points``."""

    rank: int | None = None
    klass: str | None = None
    points: float | None = None

    def __post_init__(self):
        given = [x for x in (self.rank, self.klass, self.points) if x is not None]
        if len(given) != 1:
            raise WhatIfError("cần đúng một mục tiêu: hạng, xếp loại hoặc số điểm")


@dataclass(frozen=True)
class LeafGain:
    criterion: str
    before: float
    after: float

    @property
    def gain(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Change:
    input: str
    label: str
    before: float
    after: float
    cost: float
    leaves: tuple[LeafGain, ...]  # the leaves that read this input and whose points moved

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Standing:
    points: float
    maximum: float
    percent: float
    rank: int
    klass: str


@dataclass(frozen=True)
class Plan:
    """The answer: the cheapest changes when ``reached``; otherwise the best that can be reached, and how."""

    target: Target
    reached: bool
    needed_points: float  # the points total the target asks for (the unit's own maximum considered)
    before: Standing
    after: Standing  # with ``changes`` applied
    changes: tuple[Change, ...]
    cost: float
    fixed_wholes: tuple[str, ...] = ()  # inputs held because they are denominators
    already: bool = False  # the target was reached with no change at all
    new_row: dict = field(default_factory=dict)


# --- Affine expressions -------------------------------------------------------------------------------

@dataclass
class _Affine:
    const: float
    coef: dict[str, float]

    def scaled(self, k: float) -> "_Affine":
        return _Affine(self.const * k, {n: c * k for n, c in self.coef.items()})

    def plus(self, other: "_Affine", sign: float = 1.0) -> "_Affine":
        coef = dict(self.coef)
        for n, c in other.coef.items():
            coef[n] = coef.get(n, 0.0) + sign * c
        return _Affine(self.const + sign * other.const, coef)


class _NotAffine(Exception):
    pass


class _TooDeep(Exception):
    """A variable's formula (named) nested deeper than the stack allows."""


class _Model:
    """The rule set read once: expression trees of leaves and derived variables, and what every denominator
    reads (those inputs are held)."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.compiled: dict[str, object] = {}
        self.formulas = {v.name: (parse_expression(v.formula.source), v.formula.source)
                         for v in ruleset.variables if v.formula is not None}
        self.leaves = {leaf.id: (parse_expression(leaf.value.source), leaf.value.source)
                       for leaf in ruleset.leaves}
        self.known = set(ruleset.inputs) | set(ruleset.parameters) | {v.name for v in ruleset.variables}
        # each variable's inputs, in the order the set computes them: a chain of variables is followed once, where
        # asking again through each one's formula went as deep as the chain (RecursionError past a thousand) and as
        # many times as a diamond of variables has paths (40 variables, each reading the two before: hours)
        self.var_reads: dict[str, set[str]] = {}
        for v in ruleset.variables:
            self.var_reads[v.name] = (self._names(self.formulas[v.name][0]) if v.name in self.formulas else
                                      {n for c in v.conditions for n in c.when.names if n in ruleset.inputs})
        self.reads: dict[str, set[str]] = {lid: self._names(node) for lid, (node, _) in self.leaves.items()}
        # the variables with a formula that each one's formula reads, and where the set computes each: a variable's
        # affine form is made once per question, after those it reads (see ``_variable``)
        self.position = {v.name: i for i, v in enumerate(ruleset.variables)}
        self.uses: dict[str, set[str]] = {
            name: {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name) and sub.id in self.formulas}
            for name, (node, _) in self.formulas.items()}
        self.denominators: set[str] = set()
        for node, _ in list(self.leaves.values()) + list(self.formulas.values()):
            for sub in ast.walk(node):
                if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Div):
                    self.denominators |= self._names(sub.right)

    def _names(self, node: ast.AST) -> set[str]:
        """The inputs a subtree reads, through derived variables."""
        out: set[str] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                if sub.id in self.var_reads:
                    out |= self.var_reads[sub.id]
                elif sub.id in self.ruleset.inputs:
                    out.add(sub.id)
        return out

    def affine(self, node: ast.AST, text: str, env: dict, free: set[str],
               forms: dict[str, _Affine | _NotAffine] | None = None) -> _Affine:
        """``node`` (a part of ``text``) as an affine form in the ``free`` inputs, the rest at their values in
        ``env``. ``forms`` keeps the forms of the variables made so far for this ``env`` and ``free``: pass the
        same dict for every leaf of one question, so that each variable is made once."""
        if forms is None:
            forms = {}
        if not (self._names(node) & free):
            part = segment(text, node)
            if part not in self.compiled:
                self.compiled[part] = compile_expression(part, self.known)
            return _Affine(float(self.compiled[part](env, 1)[0]), {})
        if isinstance(node, ast.Name):
            if node.id in self.formulas:
                return self._variable(node.id, env, free, forms)
            if node.id in free:
                return _Affine(0.0, {node.id: 1.0})
            raise _NotAffine(node.id)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "where"
                and len(node.args) == 3 and not (self._names(node.args[0]) & free)):
            # A condition on held figures only (which columns a unit's dossier files had) picks one branch for
            # the unit: the value is that branch, exactly.
            cond = self.affine(node.args[0], text, env, free, forms).const
            if math.isnan(cond):
                raise _NotAffine(segment(text, node))
            return self.affine(node.args[1] if cond != 0 else node.args[2], text, env, free, forms)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.affine(node.operand, text, env, free, forms)
            return inner.scaled(-1.0) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _CHAINED:
            # A chain of operators is a loop, not a recursion per term; its longest prefix that reads no free
            # input is one constant, exactly as it would be if it stood alone.
            spine = []
            while isinstance(node, ast.BinOp) and type(node.op) in _CHAINED:
                spine.append(node)
                node = node.left
            steps, reads, fixed = spine[::-1], self._names(node), 0
            while fixed < len(steps) and not ((reads | self._names(steps[fixed].right)) & free):
                reads |= self._names(steps[fixed].right)
                fixed += 1
            total = self.affine(steps[fixed - 1] if fixed else node, text, env, free, forms)
            for step in steps[fixed:]:
                total = self._combine(step, total, self.affine(step.right, text, env, free, forms), text)
            return total
        raise _NotAffine(segment(text, node))

    def _variable(self, name: str, env: dict, free: set[str], forms: dict[str, _Affine | _NotAffine]) -> _Affine:
        """The affine form of variable ``name``, made once. The variables it reads whose forms are not yet made
        are found by a walk over the set's graph, not by recursion, and made in the order the set computes them,
        each reading only forms already made: the stack does not grow with a chain of variables, and a
        variable read twice (``v2 = v1 + v1``) is not made twice (a chain of those had doubled the work at every
        link). A form that is not affine is kept as such and refused only when a leaf reads it, as before."""
        if name not in forms:
            wanted, todo = set(), [name]
            while todo:
                n = todo.pop()
                if n in wanted or n in forms:
                    continue
                wanted.add(n)
                todo.extend(m for m in self.uses[n] if m not in forms and self.var_reads[m] & free)
            for n in sorted(wanted, key=self.position.__getitem__):
                inner, src = self.formulas[n]
                try:
                    forms[n] = self.affine(inner, src, env, free, forms)
                except _NotAffine as e:
                    forms[n] = e
                except RecursionError:
                    raise _TooDeep(n) from None
        form = forms[name]
        if isinstance(form, _NotAffine):
            raise _NotAffine(*form.args)
        return form

    @staticmethod
    def _combine(node: ast.BinOp, left: _Affine, right: _Affine, text: str) -> _Affine:
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return left.plus(right, 1.0 if isinstance(node.op, ast.Add) else -1.0)
        if isinstance(node.op, ast.Mult) and not left.coef:
            return right.scaled(left.const)
        if isinstance(node.op, ast.Mult) and not right.coef:
            return left.scaled(right.const)
        if isinstance(node.op, ast.Div) and not right.coef and right.const != 0 and math.isfinite(right.const):
            return left.scaled(1.0 / right.const)
        raise _NotAffine(segment(text, node))


_CHAINED = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_MODELS: dict[tuple[str, str], _Model] = {}


def _model(ruleset: RuleSet) -> _Model:
    key = (ruleset.id, ruleset.digest)
    if key not in _MODELS:
        _MODELS[key] = _Model(ruleset)
    return _MODELS[key]


# --- Points of one leaf as a disjunction of intervals -----------------------------------------------------

def _clip_line(a: float, b: float, lo: float, hi: float) -> list[tuple[float, float, float, float]]:
    """clip(a + b·v, lo, hi) over the whole line as (l, u, α, β) pieces."""
    if b == 0:
        return [(-math.inf, math.inf, min(max(a, lo), hi), 0.0)]
    v_lo, v_hi = (lo - a) / b, (hi - a) / b
    first, second = sorted((v_lo, v_hi))
    left = lo if b > 0 else hi
    right = hi if b > 0 else lo
    return [(-math.inf, first, left, 0.0), (first, second, a, b), (second, math.inf, right, 0.0)]


def _gap(x: float) -> float:
    return GAP * max(1.0, abs(x))


def pieces(leaf: Criterion, margin: float = 0.0) -> list[tuple[float, float, float, float]]:
    """The points of ``leaf`` as a function of its value: (low, high, α, β) with points = α + β·value on
    [low, high]; the ends of a jump that the value must reach are moved up by ``margin`` (relative)."""
    p, top = leaf.params, leaf.max
    up = lambda x: x + margin * max(1.0, abs(x))  # noqa: E731 - a breakpoint that must be reached
    if leaf.method == "threshold":
        t, d = p["target"], p.get("direction", ">=")
        if d == ">=":
            return [(-math.inf, t - _gap(t), 0.0, 0.0), (up(t), math.inf, top, 0.0)]
        if d == ">":
            return [(-math.inf, t, 0.0, 0.0), (up(t + _gap(t)), math.inf, top, 0.0)]
        if d == "<=":
            return [(-math.inf, t, top, 0.0), (t + _gap(t), math.inf, 0.0, 0.0)]
        return [(-math.inf, t - _gap(t), top, 0.0), (t, math.inf, 0.0, 0.0)]
    if leaf.method == "proportional":
        return _clip_line(0.0, top / p["target"], 0.0, top)
    if leaf.method == "manual":
        return _clip_line(0.0, 1.0, 0.0, top)
    if leaf.method == "deduction":
        return _clip_line(top, -p["per"], p.get("floor", 0.0), top)
    if leaf.method == "boolean":  # nonzero: at least a thousandth away from 0, far beyond the solver's tolerances
        near = 1e-3 + margin
        return [(-math.inf, -near, top, 0.0), (0.0, 0.0, 0.0, 0.0), (near, math.inf, top, 0.0)]
    if leaf.method == "bands":
        out, upper = [], math.inf
        for step in p["steps"]:  # from the highest minimum down
            low = step.get("min", -math.inf)
            if low < upper:
                out.append((up(low) if math.isfinite(low) else low,
                            upper - _gap(upper) if math.isfinite(upper) else upper, min(step["points"], top), 0.0))
            upper = min(upper, low)
            if not math.isfinite(low):
                break
        if math.isfinite(upper):
            out.append((-math.inf, upper - _gap(upper), 0.0, 0.0))
        return out[::-1]
    raise WhatIfError(f"tiêu chí {leaf.id}: cách tính điểm «{leaf.method}» không mô hình hóa được")


# --- The question -------------------------------------------------------------------------------------

def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if unicodedata.category(c) != "Mn").casefold().strip()


def class_band(ruleset: RuleSet, name: str):
    """The band of the rule set's classification called ``name`` (accents and case may be left out)."""
    for band in ruleset.classification:
        if _fold(band.label) == _fold(name):
            return band
    have = ", ".join(b.label for b in ruleset.classification) or "không có xếp loại nào"
    raise WhatIfError(f"bộ tiêu chí «{ruleset.id}» không có xếp loại «{name}» (có: {have})")


def rank_among(percent: float, others: np.ndarray) -> int:
    """The rank ``percent`` would have among ``others`` (as ``rules.evaluate.rank`` ranks: ties share)."""
    if not math.isfinite(percent):
        return 0
    known = others[~np.isnan(others)]
    return 1 + int(np.sum(np.round(known, 9) > round(percent, 9)))


def needed_percent(ruleset: RuleSet, target: Target, others: np.ndarray) -> float:
    """The percentage the target asks for (−inf: any); refuses a question that cannot be asked."""
    known = np.sort(others[~np.isnan(others)])[::-1]
    if target.rank is not None:
        if target.rank < 1 or target.rank > len(known) + 1:
            raise WhatIfError(f"không có hạng {target.rank}: kỳ này xếp hạng {len(known) + 1} đơn vị "
                              f"(chọn hạng từ 1 đến {len(known) + 1})")
        return -math.inf if target.rank > len(known) else float(known[target.rank - 1])
    if target.klass is not None:
        return class_band(ruleset, target.klass).min - 1e-9
    raise AssertionError


def _frame(values: dict, kind) -> pd.DataFrame:
    columns = {n: np.array([v], dtype=float) for n, v in values.items()}
    if kind is not None:
        columns["kind"] = np.array([kind], dtype=object)
    return pd.DataFrame(columns, index=pd.Index(["_"]))


def _standing(ruleset: RuleSet, frame: pd.DataFrame, adjustments, others: np.ndarray):
    result = evaluate(ruleset, frame, adjustments)
    pct = float(result.percent[0])
    return result, Standing(float(result.total[0]), float(result.maximum[0]), pct, rank_among(pct, others),
                            str(classify(np.array([pct]), ruleset)[0]))


def cheapest(ruleset: RuleSet, row: Mapping[str, float], others: Iterable[float], target: Target,
             costs: Mapping[str, float], bounds: Mapping[str, tuple[float, float]] | None = None,
             fixed: Iterable[str] = (), integer: Iterable[str] | None = None,
             wholes: Mapping[str, str] | None = None, adjusted: Mapping[str, float] | None = None,
             labels: Mapping[str, str] | None = None) -> Plan:
    """The cheapest change of ``row`` (one unit's inputs, and ``kind``) that reaches ``target``.

    ``others``: the other units' percentages (held). ``costs``: input → cost of changing it by one (an input
    without a cost, or in ``fixed``, does not change). ``bounds``: input → (lowest, highest) value (default:
    0 up to its present value). ``integer``: inputs that are counts (default: every input with a cost).
    ``wholes``: part → whole: a part never exceeds its whole. ``adjusted``: leaf → the appraiser's points,
    which no input changes. When the target cannot be reached, the plan says so and gives the best reachable
    standing and the cheapest change that reaches it."""
    others = np.asarray(list(others), dtype=float)
    bounds, wholes, adjusted = dict(bounds or {}), dict(wholes or {}), dict(adjusted or {})
    if target.points is not None and (not math.isfinite(target.points) or target.points < 0):
        raise WhatIfError(f"số điểm mục tiêu phải là số không âm (đã cho {target.points})")
    for name, c in costs.items():
        if not (c >= 0):
            raise WhatIfError(f"chi phí của «{name}» phải không âm (đã cho {c})")
    model = _model(ruleset)
    base = {n: float(row[n]) if n in row and row[n] is not None else math.nan for n in ruleset.inputs}
    kind = row.get("kind") if hasattr(row, "get") else None
    frame = _frame(base, kind)
    adj = (pd.DataFrame({"entity": "_", "criterion": list(adjusted), "points": list(adjusted.values()),
                         "reason": ""}) if adjusted else None)
    result, before = _standing(ruleset, frame, adj, others)
    fixed = set(fixed)
    free = {n for n in ruleset.inputs
            if n in costs and n not in fixed and n not in model.denominators and math.isfinite(base[n])}
    held_wholes = tuple(sorted(n for n in ruleset.inputs if n in costs and n in model.denominators))

    needed = (target.points if target.points is not None
              else needed_percent(ruleset, target, others) * before.maximum / 100.0)
    if before.maximum <= 0:
        raise WhatIfError("đơn vị không được chấm theo bộ tiêu chí này (không có tiêu chí nào áp dụng)")

    env = {k: v[:1] for k, v in result.env.items()}
    forms: dict = {}  # each variable's affine form, made once for this unit and these free inputs
    leaves, constant = [], 0.0
    for leaf in ruleset.leaves:
        pts = float(result.points[leaf.id][0])
        step = int(result.steps[leaf.id][0])
        value = float(result.values[leaf.id][0])
        if (step in (NOT_APPLICABLE, ADJUSTED) or leaf.id in adjusted or not math.isfinite(value)
                or not (model.reads[leaf.id] & free)):
            constant += 0.0 if math.isnan(pts) else pts
            continue
        node, text = model.leaves[leaf.id]
        try:
            form = model.affine(node, text, env, free, forms)
        except _NotAffine as e:
            raise WhatIfError(f"tiêu chí {leaf.id} («{leaf.title}»): biểu thức «{text}» không mô hình hóa được "
                              f"theo các chỉ tiêu có thể thay đổi (phần «{e.args[0]}»); hãy giữ cố định "
                              f"{', '.join(sorted(model.reads[leaf.id] & free))}") from None
        except (_TooDeep, RecursionError) as e:
            # the stack, not the set, ran out: the file and where in it, never a traceback
            where = f"công thức của biến «{e.args[0]}»" if isinstance(e, _TooDeep) else "biểu thức của tiêu chí"
            raise WhatIfError(f"{ruleset.source}: tiêu chí {leaf.id} («{leaf.title}»): {where} lồng quá sâu, không "
                              "mô hình hóa được; hãy tách nó thành các biến ngắn hơn") from None
        form = _Affine(form.const, {n: c for n, c in form.coef.items() if c != 0})
        if not form.coef:
            constant += 0.0 if math.isnan(pts) else pts
            continue
        leaves.append((leaf, form))
    used = {n for _, f in leaves for n in f.coef}
    while more := {wholes[n] for n in used if wholes.get(n) in free} - used:
        used |= more  # a part rises past its whole only with it: a whole the unit may change joins the model
    used = sorted(used)
    lo, hi = {}, {}
    for n in used:
        whole = wholes.get(n)
        held = whole is not None and whole not in used and math.isfinite(base.get(whole, math.nan))
        joint = whole is not None and whole in used  # bounded by its whole in the model, the whole by its own
        low, high = bounds.get(n, (0.0, base[whole] if held else math.inf if joint else base[n]))
        if held:
            high = min(high, base[whole])  # a part never exceeds its whole
        low, high = min(low, base[n]), max(high, base[n])
        lo[n], hi[n] = low, high
    integral = set(costs if integer is None else integer)
    names = labels or {}

    def solve(goal: float | None, margins: dict, goal_margin: float = 0.0, cheapest_at: float | None = None):
        return _solve(ruleset, leaves, used, base, lo, hi, costs, integral, wholes, constant, goal, margins,
                      goal_margin, cheapest_at)

    def check(x: dict) -> tuple[dict, Standing, pd.DataFrame]:
        new = dict(base, **x)
        res, st = _standing(ruleset, _frame(new, kind), adj, others)
        return new, st, res

    def reaches(st: Standing) -> bool:
        if target.points is not None:
            return st.points >= target.points - 1e-9
        if target.rank is not None:
            return st.rank <= target.rank
        return st.percent >= class_band(ruleset, target.klass).min - 1e-9

    def plan(x: dict, reached: bool, checked=None) -> Plan:
        new, st, res = checked or check(x)
        changes = []
        for n in used:
            if abs(new[n] - base[n]) > 1e-12:
                moved = tuple(LeafGain(leaf.id, float(np.nan_to_num(result.points[leaf.id][0])),
                                       float(np.nan_to_num(res.points[leaf.id][0])))
                              for leaf, f in leaves if n in f.coef
                              and abs(np.nan_to_num(res.points[leaf.id][0]) - np.nan_to_num(result.points[leaf.id][0])) > 1e-12)
                changes.append(Change(n, names.get(n, ruleset.label_of(n)), base[n], new[n],
                                      costs[n] * abs(new[n] - base[n]), moved))
        return Plan(target, reached, needed, before, st, tuple(changes), sum(c.cost for c in changes),
                    held_wholes, reached and not changes, new)

    if reaches(before):
        return plan({}, True, (dict(base), before, result))
    margins: dict[str, float] = {}
    goal_margin = 0.0
    checked = (dict(base), before, result)
    for step in (0.0, *MARGINS):
        if step:
            _, st, res = checked
            for leaf, _ in leaves:
                v = float(res.values[leaf.id][0])
                if any(math.isfinite(b) and abs(v - b) <= 1e-6 * max(1.0, abs(b))
                       for lo_, hi_, _, _ in pieces(leaf) for b in (lo_, hi_)):
                    margins[leaf.id] = step
            if abs(st.points - needed) <= 1e-6 * max(1.0, abs(needed)):
                goal_margin = step
        x = solve(needed, margins, goal_margin)
        if x is None:
            break
        checked = check(x)
        if reaches(checked[1]):
            return plan(x, True, checked)
    # Not reachable: the most points the unit can have, at the least cost.
    top = solve(None, {})
    best = solve(None, {}, cheapest_at=top) if top is not None else None
    return plan(best or {}, False)


def _joined(parts: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Without the pieces of no width that a neighbour already covers with the same points."""
    def covered(i: int, x: float, y: float) -> bool:
        return any(j != i and lo <= x <= hi and abs(a + b * x - y) <= 1e-12 and hi > lo
                   for j, (lo, hi, a, b) in enumerate(parts))
    kept = [p for i, p in enumerate(parts) if p[1] > p[0] or not covered(i, p[0], p[2] + p[3] * p[0])]
    return kept or parts[:1]


def _concave(parts: list[tuple[float, float, float, float]]) -> bool:
    """Pieces that join up with slopes that never rise: the points are the least of their lines."""
    for (_, u1, a1, b1), (l2, _, a2, b2) in zip(parts, parts[1:]):
        if abs(u1 - l2) > 1e-12 or abs((a1 + b1 * u1) - (a2 + b2 * l2)) > 1e-9 or b2 > b1:
            return False
    return True


def _solve(ruleset, leaves, used, base, lo, hi, costs, integral, wholes, constant, goal, margins, goal_margin,
           cheapest_at):
    """One MILP. ``goal``: points the total must reach, minimising cost. ``goal`` None: the most points
    (returned as a float), or, with ``cheapest_at``, the cheapest change that reaches that many."""
    col = {name: i for i, name in enumerate(used)}
    # variables: up_j, down_j (j < n); then per leaf and piece: z, w
    lower, upper, integrality, cost = [], [], [], []
    for name in used:
        for room in (hi[name] - base[name], base[name] - lo[name]):
            lower.append(0.0)
            upper.append(max(room, 0.0))
            integrality.append(1 if name in integral else 0)
            cost.append(costs[name])
    rows, row_lo, row_hi = [], [], []
    points_row: dict[int, float] = {}

    def add(coefs: dict[int, float], low: float, high: float):
        rows.append(coefs)
        row_lo.append(low)
        row_hi.append(high)

    for leaf, form in leaves:
        v0 = form.const + sum(c * base[k] for k, c in form.coef.items())
        v_lo = v0 + sum(c * ((lo[k] if c > 0 else hi[k]) - base[k]) for k, c in form.coef.items())
        v_hi = v0 + sum(c * ((hi[k] if c > 0 else lo[k]) - base[k]) for k, c in form.coef.items())
        parts = []
        for low, high, a, b in pieces(leaf, margins.get(leaf.id, 0.0)):
            low, high = max(low, v_lo), min(high, v_hi)
            if low <= high + 1e-12:
                parts.append((low, max(low, high), a, b))
        parts = _joined(parts)
        if _concave(parts):  # p ≤ every line: exact when points are only ever asked to be high enough
            p = len(lower)
            lower.append(-math.inf)
            upper.append(math.inf)
            integrality.append(0)
            cost.append(0.0)
            points_row[p] = 1.0
            for _, _, a, b in parts:
                line = {p: 1.0}
                for k, c in form.coef.items():
                    line[2 * col[k]] = line.get(2 * col[k], 0.0) - b * c
                    line[2 * col[k] + 1] = line.get(2 * col[k] + 1, 0.0) + b * c
                add(line, -math.inf, a + b * v0)
            continue
        link = {}
        choose = {}
        for low, high, a, b in parts:
            z, w = len(lower), len(lower) + 1
            lower += [0.0, min(low, 0.0)]
            upper += [1.0, max(high, 0.0)]
            integrality += [1, 0]
            cost += [0.0, 0.0]
            choose[z] = 1.0
            link[w] = 1.0
            add({w: 1.0, z: -low}, 0.0, math.inf)
            add({w: 1.0, z: -high}, -math.inf, 0.0)
            points_row[z] = points_row.get(z, 0.0) + a
            if b:
                points_row[w] = points_row.get(w, 0.0) + b
        add(choose, 1.0, 1.0)
        for k, c in form.coef.items():  # Σ w = v0 + Σ c (up − down)
            link[2 * col[k]] = -c
            link[2 * col[k] + 1] = c
        add(link, v0, v0)
    for part, whole in wholes.items():  # a part never exceeds its whole, both changing
        if part in col and whole in col:
            add({2 * col[part]: 1.0, 2 * col[part] + 1: -1.0, 2 * col[whole]: -1.0, 2 * col[whole] + 1: 1.0},
                -math.inf, base[whole] - base[part])
    c = np.array(cost, dtype=float)
    if goal is not None or cheapest_at is not None:
        floor = goal if goal is not None else cheapest_at - 1e-9 * max(1.0, abs(cheapest_at))
        if goal is not None and math.isfinite(goal):
            floor = goal + goal_margin * max(1.0, abs(goal))
        add(points_row, floor - constant, math.inf)
    else:
        c = np.zeros(len(cost))
        for k, a in points_row.items():
            c[k] = -a
    if not lower:  # nothing can change
        if goal is None and cheapest_at is None:
            return constant
        return {} if goal is None or constant >= goal - 1e-9 else None
    matrix = np.zeros((len(rows), len(lower)))
    for i, coefs in enumerate(rows):
        for k, v in coefs.items():
            matrix[i, k] += v
    with warnings.catch_warnings():  # an option of HiGHS itself, passed on as it is: not a mistake
        warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
        found = milp(c, integrality=np.array(integrality), bounds=Bounds(np.array(lower), np.array(upper)),
                     constraints=[LinearConstraint(matrix, np.array(row_lo), np.array(row_hi))] if rows else None,
                     options=OPTIONS)
    if found.status != 0 or found.x is None:
        return None
    if goal is None and cheapest_at is None:
        return constant + sum(a * found.x[k] for k, a in points_row.items())
    x = {}
    for name, j in col.items():
        delta = found.x[2 * j] - found.x[2 * j + 1]
        if name in integral:
            delta = float(np.round(delta))
        x[name] = base[name] + delta
    return x
