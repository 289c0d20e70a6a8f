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
import math
import io
import keyword
import tokenize
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

Array = np.ndarray
Env = Mapping[str, Array]


class ExpressionError(ValueError):
    """An expression that may not be compiled; ``text`` is the offending part."""

    def __init__(self, message: str, text: str):
        self.text = text if len(text) <= 80 else text[:80] + "…"  # quoted in part: a name may be any length
        super().__init__(f"{message}: «{self.text}»")


def _nan_where(mask: Array, values: Array) -> Array:
    out = np.asarray(values, dtype=float)
    return np.where(mask, np.nan, out) if np.any(mask) else out


def _truth(x: Array) -> Array:
    return np.where(np.isnan(x), np.nan, (x != 0).astype(float))


# A comparison holds within a float's error, as a scale's steps do (rules.methods): «ty_le >= 57» holds for 57/100 ×
# 100, which a float holds as 56.99999999999999. The right side moves by 1e-9 of itself, never the column.
_EASED = {np.greater_equal: -1, np.less: -1, np.greater: 1, np.less_equal: 1}


def _compare(op) -> Callable[[Array, Array], Array]:
    sign = _EASED.get(op)

    def run(a: Array, b: Array) -> Array:
        with np.errstate(invalid="ignore", over="ignore"):
            if sign is not None:
                held = op(a, b + sign * 1e-9 * np.abs(b))
            else:  # == and !=: equal within 1e-9 of the larger side
                near = np.abs(a - b) <= 1e-9 * np.maximum(np.abs(a), np.abs(b))
                held = near if op is np.equal else ~near
            return _nan_where(np.isnan(a) | np.isnan(b), np.asarray(held).astype(float))
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


# round's digits: a whole number written in the expression, checked when it is compiled (a column or 400 digits
# would make 10 ** digits no number a float holds); 15 is all the decimal digits a float carries.
MAX_DIGITS = 15


def _round(x: Array, digits: int = 0) -> Array:
    # Half away from zero, as people round by hand (numpy rounds half to even).
    scale = np.float64(10.0) ** min(max(digits, 0), MAX_DIGITS)  # bounded again: never an OverflowError
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.abs(x) * scale
        rounded = np.sign(x) * np.floor(scaled + 0.5) / scale
    # From 2 ** 52 on, a float is whole: x has no digits left to round (and x * scale may be past a float's range).
    return np.where(scaled >= 2.0 ** 52, x, rounded)


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
        """The expression's column for ``rows`` entities (a constant is spread over all of them). A value past a
        float's range (finite inputs multiplied beyond 1e308) is no data, as 0/0 is: scored, ±inf would be a figure
        above or below every threshold, full points or none, and inf − inf no data without a reason."""
        with np.errstate(all="ignore"):  # overflow, 0/0 and the like end as no data, never a warning
            out = np.asarray(self.run(env), dtype=float)
        if np.isinf(out).any():
            out = np.where(np.isinf(out), np.nan, out)  # a new column: ``out`` may be an input's
        return out if out.shape == (rows,) else np.full(rows, out, dtype=float)

    def overflows(self, env: Env) -> bool:
        """Whether some step of the expression goes past a float's range on ``env`` (one entity's values): what
        explains a value that is no data though no input is missing and nothing is divided by zero."""
        with np.errstate(over="raise", divide="ignore", invalid="ignore"):
            try:
                return bool(np.isinf(np.asarray(self.run(env), dtype=float)).any())
            except FloatingPointError:
                return True


# Bounds on what a rule file may ask of the compiler: a real expression is a line or two, yet a sum of
# eight thousand terms still fits; nesting (brackets, signs, «not», calls) is what costs stack, so it is capped
# well below Python's recursion limit.
MAX_LENGTH = 65_536
MAX_DEPTH = 100

# Levels of precedence, loosest first (as in Python): or, and, not, comparisons, + -, * /, then signs and atoms.
_OR, _AND, _NOT, _CMP, _SUM, _TERM, _SIGN = range(7)
_SIGNS = {"+": ast.UAdd, "-": ast.USub}
_SUMS = {"+": ast.Add, "-": ast.Sub}
_TERMS = {"*": ast.Mult, "/": ast.Div}
_COMPARES = {"<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE, "==": ast.Eq, "!=": ast.NotEq}
_PUNCTUATION = {"(", ")", ",", "="} | set(_SUMS) | set(_TERMS) | set(_COMPARES)
_SKIPPED = {tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
_NOT_ALLOWED = "cấu trúc không được phép trong biểu thức"


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 65.536, as Vietnamese writes it


def _excerpt(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size] + "…"


class _Parser:
    """Python's syntax for the whitelisted subset, read token by token in one pass: a chain of operators of
    one level is a loop, not a recursion, so cost is linear in the length and the stack grows only with
    nesting, which is bounded by MAX_DEPTH. Builds ``ast`` nodes with character columns."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)
        self.tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        self.ahead: list[tokenize.TokenInfo] = []
        self.depth = 0
        self.atom_start = self.atom_end = (1, 0)

    # --- tokens ---
    def _read(self) -> tokenize.TokenInfo:
        while True:
            try:
                tok = next(self.tokens)
            except (tokenize.TokenError, SyntaxError) as err:
                why = ("thiếu dấu đóng ngoặc hoặc dừng giữa chừng" if isinstance(err, tokenize.TokenError)
                       else err.args[0] if err.args else str(err))
                raise ExpressionError(f"biểu thức sai cú pháp ({why})", _excerpt(self.text)) from None
            if tok.type in _SKIPPED or tok.type == tokenize.ERRORTOKEN and not tok.string.strip():
                continue
            word = tok.string
            if tok.type == tokenize.NAME and word in ("True", "False", "None"):
                raise ExpressionError("chỉ được dùng số", word)
            if tok.type == tokenize.NAME and keyword.iskeyword(word) and word not in ("and", "or", "not"):
                raise ExpressionError(_NOT_ALLOWED, self.rest(tok))
            if tok.type == tokenize.ERRORTOKEN and word.strip() not in ("'", '"'):
                raise ExpressionError(f"biểu thức sai cú pháp (ký tự «{word.strip()}» không hợp lệ)", self.rest(tok))
            if tok.type not in (tokenize.NAME, tokenize.NUMBER, tokenize.OP, tokenize.ENDMARKER):
                raise ExpressionError("chỉ được dùng số", self.rest(tok))  # strings, f-strings
            if tok.type == tokenize.OP and word not in _PUNCTUATION:
                if word in (".", "[") and self.atom_end == tok.start:  # name it with what it follows: «a.real»
                    part = self.text[self.offset(self.atom_start):]
                    raise ExpressionError(_NOT_ALLOWED, _excerpt(part.split(None, 1)[0], 40))
                raise ExpressionError(_NOT_ALLOWED, self.rest(tok))
            return tok

    def peek(self, n: int = 0) -> tokenize.TokenInfo:
        while len(self.ahead) <= n:
            self.ahead.append(self.ahead[-1] if self.ahead and self.ahead[-1].type == tokenize.ENDMARKER
                              else self._read())
        return self.ahead[n]

    def take(self) -> tokenize.TokenInfo:
        tok = self.peek()
        self.ahead.pop(0)
        return tok

    def is_op(self, tok: tokenize.TokenInfo, ops) -> bool:
        return tok.type == tokenize.OP and tok.string in ops

    def is_word(self, tok: tokenize.TokenInfo, word: str) -> bool:
        return tok.type == tokenize.NAME and tok.string == word

    def offset(self, where: tuple[int, int]) -> int:
        return self.starts[where[0] - 1] + where[1] if where[0] - 1 < len(self.starts) else len(self.text)

    def rest(self, tok: tokenize.TokenInfo) -> str:
        return _excerpt(self.text[self.offset(tok.start):], 40)

    def unexpected(self, tok: tokenize.TokenInfo) -> ExpressionError:
        if tok.type == tokenize.ENDMARKER:
            return ExpressionError("biểu thức sai cú pháp (biểu thức dừng giữa chừng)", _excerpt(self.text))
        return ExpressionError(f"biểu thức sai cú pháp (không mong đợi «{tok.string}»)", self.rest(tok))

    # --- nodes ---
    @staticmethod
    def at(node: ast.AST, start: tuple[int, int], end: tuple[int, int]) -> ast.AST:
        node.lineno, node.col_offset = start
        node.end_lineno, node.end_col_offset = end
        return node

    @staticmethod
    def span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
        return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)

    @classmethod
    def outer(cls, node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
        """A node's span with the brackets written around it, as the node around it spans."""
        return getattr(node, "brackets", None) or cls.span(node)

    def parse(self) -> ast.expr:
        node = self.expression(_OR)
        if self.peek().type != tokenize.ENDMARKER:
            raise self.unexpected(self.peek())
        return node

    def expression(self, level: int) -> ast.expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"biểu thức lồng quá sâu (quá {MAX_DEPTH} mức ngoặc, dấu, «not» hoặc hàm lồng "
                                  "nhau)", self.rest(self.peek()))
        tok = self.take()
        if self.is_word(tok, "not") and level <= _NOT:
            operand = self.expression(_NOT)
            left = self.at(ast.UnaryOp(ast.Not(), operand), tok.start, self.outer(operand)[1])
        elif self.is_op(tok, _SIGNS):
            operand = self.expression(_SIGN)
            left = self.at(ast.UnaryOp(_SIGNS[tok.string](), operand), tok.start, self.outer(operand)[1])
        else:
            left = self.atom(tok)
        while True:
            tok = self.peek()
            if self.is_word(tok, "or") and level <= _OR or self.is_word(tok, "and") and level <= _AND:
                word, below = (tok.string, _AND if tok.string == "or" else _NOT)
                values = [left]
                while self.is_word(self.peek(), word):
                    self.take()
                    values.append(self.expression(below))
                op = ast.Or() if word == "or" else ast.And()
                left = self.at(ast.BoolOp(op, values), self.outer(left)[0], self.outer(values[-1])[1])
            elif self.is_op(tok, _COMPARES) and level <= _CMP:
                ops, comparators = [], []
                while self.is_op(self.peek(), _COMPARES):
                    ops.append(_COMPARES[self.take().string]())
                    comparators.append(self.expression(_SUM))
                left = self.at(ast.Compare(left, ops, comparators), self.outer(left)[0], self.outer(comparators[-1])[1])
            elif self.is_op(tok, _SUMS) and level <= _SUM or self.is_op(tok, _TERMS) and level <= _TERM:
                self.take()
                op = (_SUMS.get(tok.string) or _TERMS[tok.string])()
                right = self.expression(_TERM if tok.string in _SUMS else _SIGN)
                left = self.at(ast.BinOp(left, op, right), self.outer(left)[0], self.outer(right)[1])
            else:
                break
        self.depth -= 1
        return left

    def atom(self, tok: tokenize.TokenInfo) -> ast.expr:
        self.atom_start, self.atom_end = tok.start, tok.end
        if tok.type == tokenize.NUMBER:
            return self.at(ast.Constant(self.number(tok)), tok.start, tok.end)
        if tok.type == tokenize.NAME and tok.string not in ("and", "or", "not"):
            if not self.is_op(self.peek(), "("):
                return self.at(ast.Name(tok.string, ast.Load()), tok.start, tok.end)
            if tok.string not in FUNCTIONS:
                raise ExpressionError(f"chỉ được gọi các hàm {', '.join(FUNCTIONS)}", self.rest(tok))
            self.take()
            args = []
            while not self.is_op(self.peek(), ")"):
                if self.is_op(self.peek(), "*") or self.peek().type == tokenize.NAME and self.is_op(self.peek(1), "="):
                    raise ExpressionError("hàm chỉ nhận đối số theo vị trí", self.rest(tok))
                args.append(self.expression(_OR))
                if not self.is_op(self.peek(), (",", ")")):
                    raise self.unexpected(self.peek())
                if self.is_op(self.peek(), ","):
                    self.take()
            end = self.take().end
            return self.at(ast.Call(self.at(ast.Name(tok.string, ast.Load()), tok.start, tok.end), args, []),
                           tok.start, end)
        if self.is_op(tok, "("):
            inner = self.expression(_OR)
            if not self.is_op(self.peek(), ")"):
                raise self.unexpected(self.peek())
            inner.brackets = (tok.start, self.take().end)  # what a node around it spans: «a/(1-1)», not «a/(1-1»
            return inner
        raise self.unexpected(tok)

    def number(self, tok: tokenize.TokenInfo) -> float:
        text = tok.string
        try:
            if text[-1] in "jJ":
                raise ValueError
            if any(c in text for c in ".eE") and text[:2].lower() not in ("0x", "0o", "0b"):
                value = float(text)
            else:
                value = float(int(text, 0))
        except ValueError:
            raise ExpressionError("chỉ được dùng số thực", text[:40]) from None
        except OverflowError:  # a whole number past a float's range
            value = math.inf
        if not math.isfinite(value):  # 1e400 reads as inf: points without end, or NaN for 0 × it
            raise ExpressionError("số vượt quá giới hạn của số thực", text[:40])
        return value

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[self.offset(start):self.offset(end)]


def parse_expression(source: str) -> ast.expr:
    """The syntax tree of an expression (``ast`` nodes, columns counted in characters), or ExpressionError."""
    return _parse(source)[1].parse()


def _parse(source: str) -> tuple[str, _Parser]:
    text = str(source).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ExpressionError("biểu thức trống", text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"biểu thức quá dài ({_count(len(text))} ký tự, tối đa {_count(MAX_LENGTH)})",
                              _excerpt(text))
    return text, _Parser(text)


def segment(text: str, node: ast.AST) -> str:
    """The source of a node built by ``parse_expression`` (its columns are characters, not UTF-8 bytes)."""
    lines = text.split("\n") if node.lineno != 1 or node.end_lineno != 1 else [text]
    if node.lineno == node.end_lineno:
        return lines[node.lineno - 1][node.col_offset:node.end_col_offset]
    return "\n".join([lines[node.lineno - 1][node.col_offset:], *lines[node.lineno:node.end_lineno - 1],
                      lines[node.end_lineno - 1][:node.end_col_offset]])


def compile_expression(source: str, known: set[str] | frozenset[str]) -> Compiled:
    """Compile ``source``; every name must be in ``known``. Raises ExpressionError on anything else.
    Linear in the length of ``source``; nesting deeper than MAX_DEPTH is refused."""
    text, parser = _parse(source)
    tree = parser.parse()
    names: set[str] = set()
    run = _compile(tree, parser, known, names)
    ratio = None
    if parts := _ratio(tree):
        made = []
        for part in parts:
            part_names: set[str] = set()
            run_part = _compile(part, parser, known, part_names)
            made.append(Compiled(parser.segment(part), frozenset(part_names), run_part))
        ratio = tuple(made)
    return Compiled(text, frozenset(names), run, ratio)


def _in_place(op, a: Array, b: Array) -> Array:
    return op(a, b, out=a) if a.ndim else op(a, b)


def _compile(node: ast.AST, src: _Parser, known, names: set[str]) -> Callable[[Env], Array]:
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        # A chain a + b - c * … is a left spine: compiled and run as a loop, never a recursion per term.
        spine = []
        while isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            spine.append(node)
            node = node.left
        own: set[str] = set()
        first = _compile(node, src, known, own)
        fresh = not isinstance(node, (ast.Name, ast.Constant))
        steps = []
        for n in reversed(spine):
            right: set[str] = set()
            steps.append((_BINARY[type(n.op)], _compile(n.right, src, known, right)))
            if isinstance(n.op, ast.Div) and not right and float(steps[-1][1]({})) == 0:
                raise ExpressionError("chia cho 0", _excerpt(src.segment(n)))  # no data for every unit
            own |= right
        names |= own

        def chain(env: Env) -> Array:
            out = np.asarray(first(env), dtype=float)
            for i, (op, right) in enumerate(steps):
                b = np.asarray(right(env), dtype=float)
                # The first step's left side may be an input column: never written into. After it, the result
                # is a fresh intermediate column: written in place (a million-row column allocated and touched
                # costs more than the arithmetic on it).
                out = _in_place(op, out, b) if (i or fresh) else op(out, b)
            return out
        if not own:
            _constant(chain, spine[0], src)
        return chain
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError("chỉ được dùng số", src.segment(node))
        value = float(node.value)
        return lambda env: value
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise ExpressionError("tên không có trong các chỉ tiêu và biến đã khai báo", node.id)
        names.add(node.id)
        key = node.id
        return lambda env: env[key]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        inner = _compile(node.operand, src, known, names)
        if isinstance(node.op, ast.USub):
            return lambda env: -np.asarray(inner(env), dtype=float)
        if isinstance(node.op, ast.UAdd):  # a copy: callers may write into what an operation returns
            return lambda env: np.array(inner(env), dtype=float)
        return lambda env: 1.0 - _truth(np.asarray(inner(env), dtype=float))
    if isinstance(node, ast.BoolOp):
        op = _and if isinstance(node.op, ast.And) else _or
        parts = [_compile(v, src, known, names) for v in node.values]

        def boolean(env: Env) -> Array:
            out = np.asarray(parts[0](env), dtype=float)
            for p in parts[1:]:
                out = op(out, np.asarray(p(env), dtype=float))
            return out
        return boolean
    if isinstance(node, ast.Compare) and all(type(o) in _COMPARE for o in node.ops):
        terms = [_compile(n, src, known, names) for n in [node.left, *node.comparators]]
        ops = [_compare(_COMPARE[type(o)]) for o in node.ops]

        def chained(env: Env) -> Array:  # a < b <= c means a < b and b <= c
            values = [np.asarray(t(env), dtype=float) for t in terms]
            out = ops[0](values[0], values[1])
            for i, op in enumerate(ops[1:], start=1):
                out = _and(out, op(values[i], values[i + 1]))
            return out
        return chained
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        func, fewest, most = FUNCTIONS[node.func.id]
        if not fewest <= len(node.args) <= most:
            raise ExpressionError(f"hàm {node.func.id} nhận từ {fewest} đến {most} đối số",
                                  _excerpt(src.segment(node)))
        if node.func.id == "round" and len(node.args) == 2:
            digits = node.args[1]
            if not (isinstance(digits, ast.Constant) and isinstance(digits.value, (int, float))
                    and not isinstance(digits.value, bool) and float(digits.value).is_integer()
                    and 0 <= digits.value <= MAX_DIGITS):
                raise ExpressionError(f"hàm round nhận số chữ số thập phân là một số nguyên viết sẵn từ 0 đến "
                                      f"{MAX_DIGITS}", _excerpt(src.segment(node)))
            x, n = _compile(node.args[0], src, known, names), int(digits.value)
            return lambda env: _round(np.asarray(x(env), dtype=float), n)
        args = [_compile(a, src, known, names) for a in node.args]
        return lambda env: func(*(np.asarray(a(env), dtype=float) for a in args))
    raise ExpressionError(_NOT_ALLOWED, _excerpt(src.segment(node)))


def _constant(run: Callable[[Env], Array], node: ast.AST, src: _Parser) -> None:
    """Arithmetic on numbers alone has one value whatever the data: past a float's range (1e308 * 10) it would be no
    data for every unit, a slip of the rule file's, so it is refused where it is written."""
    try:
        with np.errstate(over="raise", invalid="ignore"):
            value = float(run({}))
    except FloatingPointError:
        value = math.inf
    if not math.isfinite(value):  # a division by zero is refused before, where it is written
        raise ExpressionError("phép tính trên các hằng số vượt quá giới hạn của số thực", _excerpt(src.segment(node)))


def _ratio(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """``a / b`` or ``a / b * 100``: explained as "a/b = …%" (a / b * 10 is no such ratio: 57/100 is not 5,7)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.right, ast.Constant):
        if node.right.value != 100:
            return None
        node = node.left
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return node.left, node.right
    return None
