"""A small, safe expression language, compiled once into numpy operations over whole columns.

Expressions are parsed with Python's ``ast`` and only a whitelist is accepted: numbers, names, ``+ - * /``,
comparisons, ``and or not``, and the functions ``min max clip where coalesce abs round``. Anything else —
attribute access, subscripts, lambdas, comprehensions, imports, strings, unknown functions or names — is
refused when the rule set is loaded. Nothing is ever passed to ``eval``.

Values are float arrays in which NaN means "no data" (không có số liệu). No data propagates: an
arithmetic or comparison with a missing input is missing, a division by zero is missing, and only
``coalesce`` turns missing into a value. Truth values are 1.0 and 0.0.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

Array = np.ndarray
Env = Mapping[str, Array]


class ExpressionError(ValueError):
    """An expression that may not be compiled; ``text`` is the offending part."""

    def __init__(self, message: str, text: str):
        self.text = text
        super().__init__(f"{message}: «{text}»")


def _nan_where(mask: Array, values: Array) -> Array:
    out = np.asarray(values, dtype=float)
    return np.where(mask, np.nan, out) if np.any(mask) else out


def _truth(x: Array) -> Array:
    return np.where(np.isnan(x), np.nan, (x != 0).astype(float))


def _compare(op) -> Callable[[Array, Array], Array]:
    def run(a: Array, b: Array) -> Array:
        with np.errstate(invalid="ignore"):
            return _nan_where(np.isnan(a) | np.isnan(b), op(a, b).astype(float))
    return run


def _divide(a: Array, b: Array, out: Array | None = None) -> Array:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result = np.divide(a, b, out=out)
    zero = b == 0
    if np.any(zero):
        if np.ndim(result) == 0:  # two constants
            return np.nan
        result[np.broadcast_to(zero, result.shape)] = np.nan
    return result


def _and(a: Array, b: Array) -> Array:
    return _nan_where(np.isnan(a) | np.isnan(b), ((a != 0) & (b != 0)).astype(float))


def _or(a: Array, b: Array) -> Array:
    return _nan_where(np.isnan(a) | np.isnan(b), ((a != 0) | (b != 0)).astype(float))


def _where(cond: Array, a: Array, b: Array) -> Array:
    return _nan_where(np.isnan(cond), np.where(cond != 0, a, b))


def _coalesce(*args: Array) -> Array:
    out = args[0]
    for nxt in args[1:]:
        out = np.where(np.isnan(out), nxt, out)
    return out


def _round(x: Array, digits: Array | None = None) -> Array:
    n = 0 if digits is None else int(np.nanmax(digits)) if np.ndim(digits) else int(digits)
    # Half away from zero, as people round by hand (numpy rounds half to even).
    scale = 10.0 ** n
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


def _reduce(op) -> Callable[..., Array]:
    def run(*args: Array) -> Array:
        out = args[0]
        for nxt in args[1:]:
            out = op(out, nxt)  # np.minimum / np.maximum propagate NaN: no data stays visible
        return out
    return run


FUNCTIONS: dict[str, tuple[Callable[..., Array], int, int]] = {
    # name: (implementation, fewest arguments, most arguments)
    "min": (_reduce(np.minimum), 2, 16),
    "max": (_reduce(np.maximum), 2, 16),
    "clip": (lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi), 3, 3),
    "where": (_where, 3, 3),
    "coalesce": (_coalesce, 2, 16),
    "abs": (np.abs, 1, 1),
    "round": (_round, 1, 2),
}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: _divide}
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
            ast.Eq: np.equal, ast.NotEq: np.not_equal}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
           ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass(frozen=True)
class Compiled:
    """A compiled expression: call it with a mapping of name → column to get a column."""

    source: str
    names: frozenset[str]
    run: Callable[[Env], Array]
    # For explanations: numerator and denominator when the expression is a ratio (a / b, a / b * 100).
    ratio: tuple["Compiled", "Compiled"] | None = None

    def __call__(self, env: Env, rows: int) -> Array:
        """The expression's column for ``rows`` entities (a constant is spread over all of them)."""
        with np.errstate(all="ignore"):  # overflow, 0/0 and the like end as inf or no data, never a warning
            out = np.asarray(self.run(env), dtype=float)
        return out if out.shape == (rows,) else np.full(rows, out, dtype=float)


def compile_expression(source: str, known: set[str] | frozenset[str]) -> Compiled:
    """Compile ``source``; every name must be in ``known``. Raises ExpressionError on anything else."""
    text = str(source).strip()
    if not text:
        raise ExpressionError("biểu thức trống", text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(f"biểu thức sai cú pháp ({err.msg})", text) from None
    names: set[str] = set()
    run = _compile(tree.body, text, known, names)
    ratio = None
    if parts := _ratio(tree.body):
        ratio = tuple(compile_expression(ast.get_source_segment(text, p), known) for p in parts)
    return Compiled(text, frozenset(names), run, ratio)


def _compile(node: ast.AST, text: str, known, names: set[str]) -> Callable[[Env], Array]:
    part = ast.get_source_segment(text, node) or type(node).__name__
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError("chỉ được dùng số", part)
        value = float(node.value)
        return lambda env: value
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise ExpressionError("tên không có trong các chỉ tiêu và biến đã khai báo", node.id)
        names.add(node.id)
        key = node.id
        return lambda env: env[key]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op = _BINARY[type(node.op)]
        left, right = _compile(node.left, text, known, names), _compile(node.right, text, known, names)
        if not isinstance(node.left, (ast.Name, ast.Constant)):
            # The left side is a fresh intermediate column: write the result into it (a million-row
            # column allocated and touched costs more than the arithmetic on it).
            def in_place(env: Env) -> Array:
                a = np.asarray(left(env), dtype=float)
                return op(a, np.asarray(right(env), dtype=float), out=a) if a.ndim else op(a, right(env))
            return in_place
        return lambda env: op(np.asarray(left(env), dtype=float), np.asarray(right(env), dtype=float))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        inner = _compile(node.operand, text, known, names)
        if isinstance(node.op, ast.USub):
            return lambda env: -np.asarray(inner(env), dtype=float)
        if isinstance(node.op, ast.UAdd):  # a copy: callers may write into what an operation returns
            return lambda env: np.array(inner(env), dtype=float)
        return lambda env: 1.0 - _truth(np.asarray(inner(env), dtype=float))
    if isinstance(node, ast.BoolOp):
        op = _and if isinstance(node.op, ast.And) else _or
        parts = [_compile(v, text, known, names) for v in node.values]

        def boolean(env: Env) -> Array:
            out = np.asarray(parts[0](env), dtype=float)
            for p in parts[1:]:
                out = op(out, np.asarray(p(env), dtype=float))
            return out
        return boolean
    if isinstance(node, ast.Compare) and all(type(o) in _COMPARE for o in node.ops):
        terms = [_compile(n, text, known, names) for n in [node.left, *node.comparators]]
        ops = [_compare(_COMPARE[type(o)]) for o in node.ops]

        def chained(env: Env) -> Array:  # a < b <= c means a < b and b <= c
            values = [np.asarray(t(env), dtype=float) for t in terms]
            out = ops[0](values[0], values[1])
            for i, op in enumerate(ops[1:], start=1):
                out = _and(out, op(values[i], values[i + 1]))
            return out
        return chained
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(f"chỉ được gọi các hàm {', '.join(FUNCTIONS)}", part)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError("hàm chỉ nhận đối số theo vị trí", part)
        func, fewest, most = FUNCTIONS[node.func.id]
        if not fewest <= len(node.args) <= most:
            raise ExpressionError(f"hàm {node.func.id} nhận từ {fewest} đến {most} đối số", part)
        args = [_compile(a, text, known, names) for a in node.args]
        return lambda env: func(*(np.asarray(a(env), dtype=float) for a in args))
    raise ExpressionError("cấu trúc không được phép trong biểu thức", part)


def _ratio(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """``a / b`` or ``a / b * 100``: explained as "a/b = …%"."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.right, ast.Constant):
        node = node.left
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return node.left, node.right
    return None
