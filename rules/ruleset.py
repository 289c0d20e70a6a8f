"""Rule sets: YAML files of criteria, validated on load, every problem named by file, criterion and line.

A rule set says what it scores (units or people, of which kinds), which inputs it reads, the derived
variables it computes first (in dependency order), and a tree of criteria (area → criterion →
sub-criterion) whose leaves turn an expression's value into points by one of the methods of
``rules.methods``. Values a province sets itself (thresholds not fixed by national law) are parameters.
"""

from __future__ import annotations

import difflib
import hashlib
import keyword
import math
import re
import unicodedata
from collections.abc import Hashable
from string import Formatter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import yaml

from base import rule_uses as uses
from base.unit_kinds import UNIT_KINDS
from rules.expr import FUNCTIONS, Compiled, ExpressionError, compile_expression
from rules.methods import DIRECTIONS, METHODS

SETS = Path(__file__).with_name("sets")
ENTITIES = {"unit": "đơn vị", "person": "cá nhân"}
MISSING = {
    "tinh_0": "chỉ tiêu không có số liệu được 0 điểm (vẫn tính vào điểm tối đa)",
    "loai_khoi_diem_toi_da": "chỉ tiêu không có số liệu không tính vào điểm tối đa",
}


# --- YAML, bounded, with line numbers -----------------------------------------------------------------

# A rule file is a few kilobytes; these bounds keep a broken or hostile one from taking the machine: aliases
# are counted as the nodes they stand for (a "billion laughs" file is refused while it is read, before anything
# is expanded), an alias may not point into itself, and nesting stays far below Python's recursion limit.
MAX_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_NESTING = 64


class YamlRefused(yaml.YAMLError):
    def __init__(self, mark, message: str):
        self.line = mark.line + 1 if mark else None
        self.message = message
        super().__init__(message)


try:  # libyaml scans and parses four times as fast as PyYAML's own reader; its composer is not used (below)
    from yaml._yaml import CParser as _Events
except ImportError:  # PyYAML built without libyaml
    class _Events(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Bounded(yaml.composer.Composer, _Events, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """Safe YAML (no tags that build objects) whose size after expanding aliases is counted while composing.

    The events come from libyaml where it is installed, but the nodes are composed here, in Python: libyaml's
    composer recurses in C without a limit (a hundred thousand «[» crash the process), where this one refuses the
    65th level before going down."""

    def __init__(self, stream):
        _Events.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._nodes = self._aliases = 0
        self._sizes: dict[int, int] = {}  # id(node) → nodes it stands for, aliases expanded
        self._heights: dict[int, int] = {}  # id(node) → levels it spans, aliases expanded
        self.mark = None  # where the last event began: the line of an error raised without one
        self._open: set[str] = set()  # anchors of the collections being composed
        self._depth = 0

    def _grow(self, n: int, mark) -> None:
        self._nodes += n
        if self._nodes > MAX_NODES:
            how = " khi mở rộng các bí danh (alias «*»)" if self._aliases else ""
            raise YamlRefused(mark, f"tệp YAML quá lớn{how}: hơn {MAX_NODES:,} nút".replace(",", "."))

    def compose_node(self, parent, index):
        event = self.peek_event()
        self.mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise YamlRefused(event.start_mark, f"bí danh «*{event.anchor}» trỏ vào chính nút chứa nó")
            node = super().compose_node(parent, index)
            self._aliases += 1
            self._grow(self._sizes.get(id(node), 1), event.start_mark)
            if self._depth + self._heights.get(id(node), 1) > MAX_NESTING:  # a list stacked in itself through aliases
                raise YamlRefused(event.start_mark, f"tệp YAML lồng quá sâu khi mở rộng bí danh «*{event.anchor}» "
                                                    f"(quá {MAX_NESTING} mức)")
            return node
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise YamlRefused(event.start_mark, f"tệp YAML lồng quá sâu (quá {MAX_NESTING} mức)")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        before = self._nodes
        self._grow(1, event.start_mark)
        node = super().compose_node(parent, index)
        self._sizes[id(node)] = self._nodes - before
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else ()
        self._heights[id(node)] = 1 + max((self._heights.get(id(c), 1) for c in children), default=0)
        self._open.discard(anchor)
        self._depth -= 1
        return node


def _timestamp_with_line(loader: _Bounded, node: yaml.ScalarNode):
    """A day or a time as YAML reads it, or the reason it cannot be one with its line (2024-02-30 had been refused
    with no line)."""
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as err:
        raise YamlRefused(node.start_mark, f"«{_short(node.value, 40)}» không phải ngày hợp lệ: {err}") from None
    if isinstance(value, datetime):  # a time of day compared with the days of a period failed when scoring
        raise YamlRefused(node.start_mark, f"«{_short(node.value, 40)}» có kèm giờ: ngày chỉ ghi năm-tháng-ngày "
                                           f"({value:%Y-%m-%d})")
    return value


_Bounded.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_with_line)


class _Loader(_Bounded):
    names = False

    def __init__(self, stream):
        super().__init__(stream)
        self.not_names: dict[tuple[int, int], tuple[int, str, Any]] = {}  # key's place → (line, as written, as read)
        self.repeated: dict[tuple[int, int], tuple[int, Any, int]] = {}  # key's place → (line, key, line of the first)
        self.reserved: dict[tuple[int, int], tuple[int, str]] = {}  # key's place → (line, key) of a key «__…»
        self.own: dict[int, list[yaml.Node]] = {}  # id(mapping node) → its keys as written, merged pairs left out
        self.given: dict[int, dict[Any, Any]] = {}  # id(mapping node) → key → where given, merged keys too
        self.merged_twice: dict[tuple[int, int], tuple[int, Any, int]] = {}  # key's place → (line, key, other line)


class _Names(_Loader):
    """A rule file: every key of a mapping is a name (of the schema, an input, a parameter, a variable). A key YAML
    reads as something else (``1:``, ``yes:``, ``~:``, a date) is noted with its line: the checks that follow, and
    the office's, take names for text."""
    names = True


MERGE = "tag:yaml.org,2002:merge"


def _mapping_with_line(loader: _Loader, node: yaml.MappingNode) -> dict:
    written = _written(loader, node)  # before merged pairs are flattened in
    _given(loader, node)
    mapping = loader.construct_mapping(node, deep=True)
    for own in written:
        _note_repeated(loader, own)
        for key_node in own:  # «__line__» is where the line is kept: a key of the file so named would be dropped
            key, mark = loader.construct_object(key_node, deep=True), key_node.start_mark
            if isinstance(key, str) and key.startswith("__"):
                loader.reserved[(mark.line, mark.column)] = (mark.line + 1, key)
    if loader.names:
        for key_node, _ in node.value:  # merged pairs included: construct_mapping has flattened them in
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                mark = key_node.start_mark
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else type(key).__name__
                loader.not_names[(mark.line, mark.column)] = (mark.line + 1, written, key)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def _written(loader: _Loader, node: yaml.MappingNode) -> list[list[yaml.Node]]:
    """The keys as written of ``node`` and of every mapping merged into it («<<: {…}», «<<: [*a, *b]», and what
    those merge in turn), one list per mapping. A merged mapping is never constructed on its own: its pairs are
    flattened into the mapping that merges it, so its keys are looked at here. Remembered per node: flattening
    rewrites a node's pairs, and an alias may merge the same node again."""
    if id(node) not in loader.own:
        loader.own[id(node)] = [k for k, _ in node.value if k.tag != MERGE]
    out = [loader.own[id(node)]]
    for key_node, value in node.value:
        if key_node.tag == MERGE:
            for merged in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                if isinstance(merged, yaml.MappingNode):
                    out += _written(loader, merged)
    return out


def _given(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    """Each key ``node`` ends with and where the key that gives it is written: its own, else in the first mapping
    merged in that has it. A key two merged mappings give («<<: [*a, *b]», both with «max») and the mapping does not
    set itself is noted: YAML keeps the first one's without a word, where a reader may expect the last, as for a key
    written twice. Remembered per node, as its keys as written: flattening rewrites a node's pairs."""
    if id(node) in loader.given:
        return loader.given[id(node)]
    own = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True) if key_node.tag != MERGE else None
        if key_node.tag != MERGE and isinstance(key, Hashable):  # a list as a key: refused by YAML's constructor
            own[key] = key_node.start_mark
    merged: dict[Any, Any] = {}
    for key_node, value in node.value:
        if key_node.tag != MERGE:
            continue
        for part in value.value if isinstance(value, yaml.SequenceNode) else [value]:
            if not isinstance(part, yaml.MappingNode):
                continue  # refused by YAML's constructor
            for key, mark in _given(loader, part).items():
                if key in merged and key not in own:
                    loader.merged_twice[(mark.line, mark.column)] = (mark.line + 1, key, merged[key].line + 1)
                merged.setdefault(key, mark)
    loader.given[id(node)] = merged | own
    return loader.given[id(node)]


def _note_repeated(loader: _Loader, keys: list[yaml.Node]) -> None:
    """A key written twice in one mapping (a criterion's «max», an input, the set's «id»), a mapping merged with
    «<<» included: YAML keeps the last one without a word, so a file would score by a value its reader may not
    have seen. A merged key may still be overridden by the mapping's own keys: each mapping's own keys are
    compared among themselves."""
    first: dict[Any, int] = {}
    for key_node in keys:
        key, mark = loader.construct_object(key_node, deep=True), key_node.start_mark
        if key in first:
            loader.repeated[(mark.line, mark.column)] = (mark.line + 1, key, first[key])
        first.setdefault(key, mark.line + 1)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _not_a_name(written: str, key: Any) -> str:
    kind = ("đúng/sai" if isinstance(key, bool) else "một số" if isinstance(key, (int, float))
            else "rỗng (null)" if key is None else "một ngày" if isinstance(key, date) else "một giá trị khác")
    return f"khóa «{_short(written, 80) or '~'}» phải là một tên (chuỗi chữ), YAML đọc nó là {kind}"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    where: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file] + ([f"dòng {self.line}"] if self.line else []) + ([self.where] if self.where else [])
        return f"{', '.join(parts)}: {self.message}"


class RuleSetError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


# Signs no one can see or type on purpose: controls, bidirectional overrides, the non-characters U+FFFE and U+FFFF;
# a byte-order mark is one more anywhere but the file's first sign (YAML drops it there, and mid-file it changed a key)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|(?<!^)\ufeff")
# What YAML counts as the end of a line, and so the line numbers it gives
_LINE_END = re.compile("\r\n|[\n\r\u2028\u2029]")


def _escaped_control(data: Any, line: int | None = None) -> tuple[int | None, str] | None:
    """The line (as near as the mappings tell) and the control character of the first text holding one."""
    if isinstance(data, str):
        found = _CONTROL.search(data)
        return (line, found[0]) if found else None
    if isinstance(data, dict):
        line = data.get("__line__", line)
        items = [x for kv in data.items() if kv[0] != "__line__" for x in kv]
    elif isinstance(data, list):
        items = data
    else:
        return None
    for item in items:
        if (found := _escaped_control(item, line)) is not None:
            return found
    return None


def read_yaml(text: str, file: str, lines: bool = False, names: bool = False) -> Any:
    """``text`` read as bounded safe YAML (mappings carry ``__line__`` when ``lines``; every key must be a name,
    a string, when ``names``); RuleSetError naming the file and line on anything it cannot or may not read."""
    if len(text) > MAX_BYTES:
        raise RuleSetError([Problem(file, None, None, f"tệp quá lớn (tối đa {MAX_BYTES // 1024} KB)")])
    if control := _CONTROL.search(text):
        # a NUL had stopped YAML's reader with no file named (exit 3); an escape in a title reached the terminal and
        # the documents as it is
        line = len(_LINE_END.findall(text, 0, control.start())) + 1
        raise RuleSetError([Problem(file, line, None, f"ký tự điều khiển U+{ord(control[0]):04X} (không nhìn thấy): "
                                                      "hãy xóa nó")])
    loader = (_Names if names else _Loader if lines else _Bounded)(text)  # all three are safe loaders
    try:
        data = loader.get_single_data()
    except YamlRefused as err:
        raise RuleSetError([Problem(file, err.line, None, err.message)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise RuleSetError([Problem(file, mark.line + 1 if mark else None, None, f"YAML sai cú pháp: {err}")]) from None
    except UnicodeDecodeError as err:  # a tag's «%ED%A0%80», decoded where the parser has no line to give
        line = loader.mark.line + 1 if loader.mark else None
        raise RuleSetError([Problem(file, line, None, f"thẻ (tag) có byte không phải UTF-8: {err.reason}")]) from None
    except (ValueError, OverflowError) as err:  # a date such as 2024-13-45
        line = loader.mark.line + 1 if loader.mark else None
        raise RuleSetError([Problem(file, line, None, f"giá trị không đọc được: {err}")]) from None
    finally:
        loader.dispose()
    if (escaped := _escaped_control(data)) is not None:  # «"\e[31m"» or «"\0"» written as YAML's escapes
        line, char = escaped
        raise RuleSetError([Problem(file, line, None, f"ký tự điều khiển U+{ord(char):04X} (không nhìn thấy): "
                                                      "hãy xóa nó")])
    if getattr(loader, "repeated", None):
        raise RuleSetError([Problem(file, line, None, f"khóa «{_short(str(key), 80)}» đã có ở dòng {first}: mỗi khóa "
                                                      "chỉ được khai báo một lần trong một bảng")
                            for _, (line, key, first) in sorted(loader.repeated.items())])
    if getattr(loader, "merged_twice", None):
        raise RuleSetError([Problem(file, line, None, f"khóa «{_short(str(key), 80)}» có ở hai bảng gộp vào cùng một "
                                                      f"bảng bằng «<<» (dòng {other} và dòng {line}): YAML lấy giá trị "
                                                      "của bảng gộp trước mà không báo; hãy ghi khóa này ngay trong "
                                                      "bảng, hoặc bỏ ở một trong hai bảng gộp")
                            for _, (line, key, other) in sorted(loader.merged_twice.items())])
    if getattr(loader, "reserved", None):
        raise RuleSetError([Problem(file, line, None, f"khóa «{_short(key, 80)}» bắt đầu bằng «__»: các tên này dành "
                                                      "riêng cho chương trình, hãy đặt tên khác")
                            for _, (line, key) in sorted(loader.reserved.items())])
    if getattr(loader, "not_names", None):
        raise RuleSetError([Problem(file, line, None, _not_a_name(written, key))
                            for _, (line, written, key) in sorted(loader.not_names.items())])
    return data


def read_file(path: Path) -> str:
    """A rule file's text: a regular file, at most MAX_BYTES, UTF-8; RuleSetError naming it otherwise."""
    if not path.is_file():
        raise RuleSetError([Problem(str(path), None, None, "không phải một tệp" if path.exists() else "không có tệp")])
    with path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RuleSetError([Problem(path.name, None, None, f"tệp quá lớn (tối đa {MAX_BYTES // 1024} KB)")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RuleSetError([Problem(path.name, None, None, f"tệp không phải văn bản UTF-8 (byte {err.start})")]) from None


# --- The model ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Condition:
    when: Compiled
    reason: str  # said when the condition does not hold; may name values: {ten_bien}


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    formula: Compiled | None = None
    conditions: tuple[Condition, ...] = ()  # all must hold (a title and its requirements)
    reference: str = ""
    unit: str = ""

    @property
    def names(self) -> frozenset[str]:
        if self.formula is not None:
            return self.formula.names
        return frozenset().union(*(c.when.names for c in self.conditions))


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    max: float
    reference: str = ""
    children: tuple["Criterion", ...] = ()
    value: Compiled | None = None
    method: str | None = None
    params: dict = field(default_factory=dict)
    unit: str = ""
    applies_to: frozenset[str] | None = None
    line: int | None = None
    bound: tuple[tuple[str, int | None, str], ...] = ()  # (scoring key, step or None, parameter) read from parameters

    @property
    def is_leaf(self) -> bool:
        return self.value is not None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True)
class Band:
    label: str
    min: float


@dataclass(frozen=True)
class Deviation:
    """Where the set computes something otherwise than the text it scores by says (data it lacks, a rate it
    approximates, a figure it sets itself): shown beside every result, never left for a reader to find."""
    text: str  # may name an entity's values: {hs_chua_ro_ban_giay}
    reference: str  # the provision departed from
    criterion: str | None = None  # None: the whole set
    when: Compiled | None = None  # only for the entities where this holds (None: always)


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    reference: str
    entity: str
    effective_from: date | None
    effective_to: date | None
    applies_to: frozenset[str] | None
    missing: str
    inputs: dict[str, str]
    parameters: dict[str, dict]
    variables: tuple[Variable, ...]  # in dependency order
    criteria: tuple[Criterion, ...]
    classification: tuple[Band, ...]
    titles: tuple[str, ...]  # variables that are titles or award forms (eligibility with reasons)
    source: str
    digest: str  # sha256 of the file: a score run records which rules it used
    family: str = ""  # sets that succeed one another (qd766-2022, qd766-2025 …): chosen by date within it
    deviations: tuple[Deviation, ...] = ()  # where the set departs from the text it scores by
    dated: date | None = None  # the day the parameters' values are those in force on (None: each one's latest)
    measures: tuple[str, ...] = ()  # the target sets' indexes its total is («par_index»); none: answers no target
    _on: dict = field(default_factory=dict, compare=False, repr=False)  # day → this set on that day
    text: str = field(default="", compare=False, repr=False)  # the file as read: kept with the runs scored by it

    @property
    def leaves(self) -> list[Criterion]:
        return [c for top in self.criteria for c in top.walk() if c.is_leaf]

    @property
    def nodes(self) -> list[Criterion]:
        return [c for top in self.criteria for c in top.walk()]

    @property
    def max(self) -> float:
        return sum(c.max for c in self.criteria)

    def in_force(self, day: date) -> bool:
        """Whether ``day`` lies within the set's ``effective`` dates (an open end holds every day that way)."""
        return (self.effective_from is None or self.effective_from <= day) and \
            (self.effective_to is None or day <= self.effective_to)

    @property
    def span(self) -> str:
        """The effective dates in words: «01/08/2022 – nay»."""
        show = lambda d: d.strftime("%d/%m/%Y") if d else ""  # noqa: E731
        return f"{show(self.effective_from) or '…'} – {show(self.effective_to) or 'nay'}"

    def on(self, day: date) -> "RuleSet":
        """This set with every parameter at the value in force on ``day`` (for a period: its last day), and the
        criteria that read a parameter with that value. Pure and remembered per day; the set itself when no
        parameter has more than one value."""
        if day not in self._on:
            self._on[day] = _dated(self, day)
        return self._on[day]

    def label_of(self, name: str) -> str:
        if name in self.inputs:
            return self.inputs[name]
        for v in self.variables:
            if v.name == name:
                return v.label
        return self.parameters.get(name, {}).get("label", name)


# --- Loading and validation ---------------------------------------------------------------------------

TOP_KEYS = {"id", "title", "reference", "entity", "effective", "applies_to", "missing", "inputs", "parameters",
            "variables", "criteria", "classification", "titles", "note", "version", "family", "deviations",
            "measures"}
DEVIATION_KEYS = {"criterion", "text", "reference", "when", "note"}
NODE_KEYS = {"id", "title", "max", "reference", "children", "value", "scoring", "unit", "applies_to", "note"}
VARIABLE_KEYS = {"label", "formula", "all", "reference", "unit", "note"}


class _Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line, where, message) -> None:
        # What a message quotes comes from the file: a key or an id may be any length, the message may not.
        self.problems.append(Problem(self.file, line, _short(where, 120), _short(message, 500)))

    def unknown_keys(self, raw: dict, allowed: set[str], where: str) -> None:
        for key in raw:
            if key != "__line__" and key not in allowed:
                self.add(raw.get("__line__"), where, f"khóa «{key}» không có trong lược đồ (được dùng: "
                                                     f"{', '.join(sorted(allowed))})")

    def texts(self, raw: dict, keys: tuple[str, ...], where: str) -> None:
        """Words a rule file gives for people to read (a title, a label, a reference, a unit) are text: a list or a
        mapping there would be printed as Python writes it, and refused by the spreadsheets it goes into."""
        for key in keys:
            if key in raw and not isinstance(raw[key], str):
                self.add(raw.get("__line__"), where, f"«{key}» phải là một chuỗi chữ")
            elif key in ("label", "title") and key in raw and _blank(raw[key]):
                self.add(raw.get("__line__"), where, f"«{key}» đang để trống")

    def compile(self, text, known, line, where) -> Compiled | None:
        try:
            return compile_expression(text, known)
        except ExpressionError as err:
            self.add(line, where, str(err))
            return None


_UNSEEN = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # zero-width signs, a soft hyphen


def _blank(text: str) -> bool:
    """Words that show nothing: spaces, or signs of no width («\u200b», «\ufeff»)."""
    return not text.translate(_UNSEEN).strip()


def _short(text: str | None, size: int) -> str | None:
    return text if text is None or len(text) <= size else text[:size] + "…"


def _finite(value: Any) -> bool:
    """A number a rule file may give: an int or float, not a truth value, and finite. YAML reads «.nan», «.inf» and
    a literal past a float's range as numbers; scored, NaN is "no data" and ±inf infinite points, never what the
    file meant."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _infinite(value: Any) -> str:
    """What to add to a refusal when ``value`` is a number that is not finite: the file's own word for it."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or _finite(value):
        return ""
    if isinstance(value, int):
        word = "một số nguyên quá lớn"
    else:
        word = ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    return f" (đã cho {word}: mọi số trong bộ tiêu chí phải hữu hạn)"


def _clean(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {k: _clean(v) for k, v in raw.items() if k != "__line__"}
    if isinstance(raw, list):
        return [_clean(v) for v in raw]
    return raw


def load(path: str | Path) -> RuleSet:
    """Load and validate a rule set; raises RuleSetError listing every problem found. A file read before
    and unchanged since (same size and time) is not parsed again: rule sets are immutable values."""
    path = Path(path)
    stat = path.stat()
    return _load(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load(path: str, _mtime: int, _size: int) -> RuleSet:
    return parse(read_file(Path(path)), Path(path).name)


def _mapping(value: Any, line, where: str, check: _Checker) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.add(line, where, "phải là một bảng khóa: giá trị")
        return {}
    return value


def _list(value: Any, line, where: str, check: _Checker) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        check.add(line, where, "phải là một danh sách (các dòng bắt đầu bằng «-»)")
        return []
    return value


def _kinds(value: Any, line, where: str, check: _Checker) -> frozenset[str] | None:
    """``applies_to``: a list of kinds of units (or one kind)."""
    if not value:
        return None
    kinds = [value] if isinstance(value, str) else value
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        check.add(line, where, "«applies_to» là một danh sách loại đơn vị")
        return None
    for kind in kinds:  # a slip («so_ngang») had scored no unit at all, the run saved empty
        if kind not in UNIT_KINDS:
            near = difflib.get_close_matches(kind, list(UNIT_KINDS), n=1)
            check.add(line, where, f"loại đơn vị «{_short(kind, 40)}» không có"
                                   + (f" (có phải «{near[0]}»?)" if near else "") + f"; các loại: {', '.join(UNIT_KINDS)}")
    return frozenset(kinds)


def parse(text: str, file: str = "<rule set>") -> RuleSet:
    raw = read_yaml(text, file, lines=True, names=True)
    if not isinstance(raw, dict):
        raise RuleSetError([Problem(file, None, None, "tệp phải là một bảng khóa: giá trị (id, title, criteria …)")])
    check = _Checker(file)
    try:
        return _parse(raw, text, file, check)
    except RuleSetError:
        raise
    except (TypeError, AttributeError, KeyError, ValueError, OverflowError) as err:
        # The checks above name every shape they expect; a shape none of them foresaw is still refused, never
        # a traceback.
        check.add(raw.get("__line__"), None, f"cấu trúc tệp không đúng lược đồ ({type(err).__name__}: {err})")
        raise RuleSetError(check.problems) from None


def _formatted(text: str, known: set[str]) -> str | None:
    """Why a sentence that names values («{so_nam} năm») names them otherwise than as «{tên}» of an input, a parameter
    or a variable of the set: a format's width («{a:>2000000}») made every explanation megabytes long, in memory and
    in the store; a name the set has not («{so_nom}») left the sentence shown as written, braces and all."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return "dấu ngoặc nhọn không khớp (giá trị ghi là {tên}; ngoặc nhọn thường ghi {{ và }})"
    for _, name, spec, conversion in parts:
        if name is not None and (spec or conversion or not name.isidentifier()):
            written = f"{{{_short(name, 30)}{'!' + conversion if conversion else ''}{':' + _short(spec, 20) if spec else ''}}}"
            return f"giá trị chỉ được ghi là {{tên}}, không kèm định dạng hay chỉ số (đã ghi «{written}»)"
        if name is not None and name not in known:
            return (f"«{{{_short(name, 30)}}}» không phải tên một chỉ tiêu, tham số hay biến của bộ tiêu chí (giá trị "
                    "ghi là {tên}; ngoặc nhọn thường ghi {{ và }})")
    return None


def _parse(raw: dict, text: str, file: str, check: _Checker) -> RuleSet:
    top = raw["__line__"]
    check.unknown_keys(raw, TOP_KEYS, "bộ tiêu chí")
    for key in ("id", "title", "reference", "entity"):
        if key not in raw:
            check.add(top, "bộ tiêu chí", f"thiếu khóa bắt buộc «{key}»")
        elif key != "id" and not isinstance(raw[key], str):
            check.add(top, key, "phải là một chuỗi chữ")
        elif key in ("title", "reference") and _blank(raw[key]):  # every point is explained with its basis
            check.add(top, key, "đang để trống")
    entity = raw.get("entity", "unit")
    if not isinstance(entity, str) or entity not in ENTITIES:
        check.add(top, "entity", f"«{entity}» không hợp lệ (unit hoặc person)")
    missing = raw.get("missing", "tinh_0")
    if not isinstance(missing, str) or missing not in MISSING:
        check.add(top, "missing", f"«{missing}» không hợp lệ ({', '.join(MISSING)})")

    inputs = {}
    block = _mapping(raw.get("inputs"), top, "inputs", check)
    for name, spec in _clean(block).items():
        if said := _bad_name(name):
            check.add(spec.get("__line__") if isinstance(spec, dict) else block.get("__line__", top), f"chỉ tiêu {name}",
                      said)
        if isinstance(spec, dict) and isinstance(spec.get("label", name), str):
            inputs[name] = spec.get("label", name) if not _blank(spec.get("label", name)) else name
        elif isinstance(spec, str) or spec is None:
            inputs[name] = spec if spec and not _blank(spec) else name  # no label: its name says it
        else:
            check.add(top, f"chỉ tiêu {name}", "cần một nhãn (chuỗi) hoặc bảng có «label»")
    effective = _mapping(raw.get("effective"), top, "effective", check)
    check.unknown_keys(effective, {"from", "to"}, "effective")  # «form:» had left the set in force from always
    for key in ("from", "to"):
        if effective.get(key) is not None and not isinstance(effective[key], date):
            check.add(effective.get("__line__", top), "effective", f"«{key}» phải là một ngày yyyy-mm-dd")
    starts = effective.get("from") if isinstance(effective.get("from"), date) else None
    ends = effective.get("to") if isinstance(effective.get("to"), date) else None
    if starts and ends and starts > ends:  # a set in force on no day: never chosen, and its values never apply
        check.add(effective.get("__line__", top), "effective", f"«from» ({starts:%d/%m/%Y}) sau «to» ({ends:%d/%m/%Y}): "
                                                              "bộ tiêu chí không có hiệu lực ngày nào")
    parameters = {}
    block = _mapping(raw.get("parameters"), top, "parameters", check)
    for name, spec in block.items():
        if name != "__line__":  # a bare number has no line of its own: the block's is the nearest
            if said := _bad_name(name):
                check.add(spec.get("__line__") if isinstance(spec, dict) else block.get("__line__", top),
                          f"tham số {name}", said)
            if name in inputs:  # scored, the parameter's value would replace the input's figures for everyone
                check.add(spec.get("__line__") if isinstance(spec, dict) else block.get("__line__", top),
                          f"tham số {name}", "trùng tên với một chỉ tiêu đầu vào")
            parameter = _parameter(name, spec, starts, ends, block.get("__line__", top), check)
            if parameter is not None:
                parameters[name] = parameter

    declared = _mapping(raw.get("variables"), top, "variables", check)
    variables = _variables(declared, inputs, parameters, check)
    # A variable refused above is still declared: its own error is said once, not again as an unknown name in
    # every criterion that reads it.
    known = set(inputs) | set(parameters) | {v.name for v in variables} | (set(declared) - {"__line__"})
    seen: dict[str, int | None] = {}  # criterion id → its line
    criteria = tuple(c for c in (_node(n, known, parameters, check, seen, "")
                                 for n in _list(raw.get("criteria"), top, "criteria", check)) if c)
    if not math.isfinite(sum(c.max for c in criteria)):  # finite maxima whose sum is not: inf points
        check.add(top, "criteria", "tổng điểm tối đa của bộ tiêu chí vượt quá giới hạn của số")
    bands = []
    lines = []
    for band in _list(raw.get("classification"), top, "classification", check):
        if not isinstance(band, dict) or not isinstance(band.get("label"), str) or not _finite(band.get("min")):
            check.add(band.get("__line__", top) if isinstance(band, dict) else top, "classification",
                      "mỗi mức xếp loại cần «label» và «min» (% điểm tối đa)"
                      + (_infinite(band.get("min")) if isinstance(band, dict) else ""))
            continue
        if not 0 <= band["min"] <= 100:
            why = "không đơn vị nào đạt quá 100%" if band["min"] > 100 else "tỷ lệ điểm không bao giờ âm"
            check.add(band.get("__line__", top), "classification",
                      f"«min» của mức «{_short(band['label'], 80)}» là % điểm tối đa, phải trong [0, 100] "
                      f"(đã cho {band['min']:g}: {why})")
        bands.append(Band(band["label"], float(band["min"])))
        lines.append(band.get("__line__", top))
    _check_classes(bands, lines, check)

    titles = tuple(_list(raw.get("titles"), top, "titles", check))
    for name in titles:
        if not any(v.name == name and v.conditions for v in variables):
            check.add(top, "titles", f"danh hiệu «{name}» phải là một biến có điều kiện «all»")
    if not criteria and not titles:
        check.add(top, "bộ tiêu chí", "cần ít nhất một tiêu chí («criteria») hoặc danh hiệu («titles»)")
    family = raw.get("family", default_family(str(raw.get("id", ""))))
    if not isinstance(family, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", family):
        check.add(top, "family", "«family» là một mã chữ thường, số và gạch nối (ví dụ qd766)")
    applies = _kinds(raw.get("applies_to"), top, "applies_to", check)
    _check_reach(criteria, applies, check)
    measures = tuple(_list(raw.get("measures"), top, "measures", check))
    if not all(isinstance(m, str) and re.fullmatch(r"[a-z0-9_]+", m) for m in measures):
        check.add(top, "measures", "«measures» là danh sách mã chỉ số của bộ mục tiêu (chữ thường, số, gạch dưới; "
                                   "ví dụ par_index) mà tổng điểm của bộ tiêu chí đo")
    told = raw.get("deviations")
    deviations = _deviations(_list(told, told.get("__line__", top) if isinstance(told, dict) else top, "deviations",
                                   check), known, seen, top, check)
    if check.problems:
        raise RuleSetError(check.problems)
    return RuleSet(
        id=str(raw["id"]), title=raw["title"], reference=raw["reference"], entity=entity,
        effective_from=effective.get("from"), effective_to=effective.get("to"),
        applies_to=applies, missing=missing, inputs=inputs,
        parameters=parameters, variables=variables, criteria=criteria, classification=tuple(bands),
        titles=titles, source=file, digest=hashlib.sha256(text.encode("utf-8")).hexdigest(), family=family,
        deviations=deviations, text=text, measures=measures,
    )


# A scale has a handful of steps and a parameter a few dated values; each day a value changes, every step is
# checked again (a thousand of each took minutes to refuse).
MAX_STEPS = 50
MAX_DATED_VALUES = 50
PARAMETER_KEYS = {"label", "note", "unit", "value", "reference", "values"}


def _parameter(name: str, spec: Any, starts: date | None, ends: date | None, top: int, check: _Checker) -> dict | None:
    """A parameter: its label, note and dated values, each ``(from, value, reference)`` in date order, one in
    force until the next begins. ``{value: N}`` (or a bare number) is one value in force whenever the set is.
    Returned with ``value`` and ``reference`` those of the latest value (a set on a day has that day's)."""
    where = f"tham số {name}"
    spec = spec if isinstance(spec, dict) else {"value": spec}
    line = spec.get("__line__", top)
    check.unknown_keys(spec, PARAMETER_KEYS, where)
    check.texts(spec, ("label", "unit", "reference"), where)
    if ("value" in spec) == ("values" in spec):
        check.add(line, where, "tham số cần đúng một trong «value» (một số) hoặc «values» (các giá trị theo ngày)")
        return None
    if "value" in spec:
        if not _finite(spec["value"]):
            check.add(line, where, "tham số phải có «value» là một số" + _infinite(spec["value"]))
            return None
        values = [(None, float(spec["value"]), str(spec.get("reference", "")))]
    else:
        values = []
        if isinstance(spec["values"], list) and len(spec["values"]) > MAX_DATED_VALUES:
            check.add(line, where, f"tham số có {len(spec['values'])} giá trị theo ngày, tối đa {MAX_DATED_VALUES}")
            spec = {**spec, "values": spec["values"][:MAX_DATED_VALUES]}  # read on as a name the criteria may use
        for item in _list(spec["values"], line, where, check):
            at = item.get("__line__", line) if isinstance(item, dict) else line
            if not isinstance(item, dict) or not _finite(item.get("value")) or not isinstance(item.get("from"), date):
                check.add(at, where, "mỗi giá trị cần «from» (ngày yyyy-mm-dd), «value» (một số) và «reference» (căn cứ)"
                          + (_infinite(item.get("value")) if isinstance(item, dict) else ""))
                continue
            check.unknown_keys(item, {"from", "value", "reference", "note"}, where)
            if not isinstance(item.get("reference"), str) or not item["reference"].strip():
                check.add(at, where, f"giá trị từ {item['from']:%d/%m/%Y} cần «reference» (căn cứ)")
            if values and item["from"] <= values[-1][0]:
                check.add(at, where, f"giá trị từ {item['from']:%d/%m/%Y} chồng lên giá trị từ {values[-1][0]:%d/%m/%Y}: "
                                     "các giá trị xếp theo ngày «from» tăng dần, mỗi ngày một giá trị")
            if ends is not None and item["from"] > ends:
                check.add(at, where, f"giá trị từ {item['from']:%d/%m/%Y} bắt đầu sau ngày hết hiệu lực của bộ "
                                     f"({ends:%d/%m/%Y})")
            values.append((item["from"], float(item["value"]), str(item.get("reference") or "")))
        if not values:
            check.add(line, where, "«values» cần ít nhất một giá trị")
            return None
        if starts is not None and values[0][0] > starts:
            check.add(line, where, f"giá trị đầu tiên có hiệu lực từ {values[0][0]:%d/%m/%Y}, sau ngày bộ có "
                                f"hiệu lực ({starts:%d/%m/%Y}): những ngày giữa không có giá trị")
    out = {k: v for k, v in _clean(spec).items() if k not in ("value", "values", "reference")}
    return out | {"values": tuple(values), "value": values[-1][1], "reference": values[-1][2], "from": values[-1][0]}


def _value_on(name: str, spec: dict, day: date, file: str) -> tuple:
    """The (from, value, reference) of a parameter in force on ``day``."""
    values = spec["values"]
    if values[0][0] is not None and day < values[0][0]:
        raise RuleSetError([Problem(file, None, f"tham số {name}", f"không có giá trị vào ngày {day:%d/%m/%Y} "
                                                                   f"(giá trị đầu tiên từ {values[0][0]:%d/%m/%Y})")])
    return next(v for v in reversed(values) if v[0] is None or v[0] <= day)


def _dated(rs: RuleSet, day: date) -> RuleSet:
    if all(len(spec["values"]) == 1 and spec["values"][0][0] is None for spec in rs.parameters.values()):
        return rs
    parameters = {}
    for name, spec in rs.parameters.items():
        since, value, reference = _value_on(name, spec, day, rs.source)
        parameters[name] = spec | {"value": value, "reference": reference, "from": since}

    def node(c: Criterion) -> Criterion:
        if c.children:
            return replace(c, children=tuple(node(x) for x in c.children))
        if not c.bound:
            return c
        params = dict(c.params)
        if "steps" in params:
            params["steps"] = [dict(s) for s in params["steps"]]
        for key, step, name in c.bound:
            if step is None:
                params[key] = parameters[name]["value"]
            else:
                params["steps"][step][key] = parameters[name]["value"]
        return replace(c, params=params)

    return replace(rs, parameters=parameters, criteria=tuple(node(c) for c in rs.criteria), dated=day, _on={})


def default_family(ruleset_id: str) -> str:
    """A set's family when it declares none: its id without a trailing year (qd766-2022 → qd766)."""
    return re.sub(r"-(19|20)\d\d$", "", ruleset_id)


def _deviations(raw: list, known: set[str], criteria: set[str], top, check: _Checker) -> tuple[Deviation, ...]:
    """``deviations``: each {criterion (optional), text, reference, when (optional)}."""
    out = []
    for i, item in enumerate(raw, start=1):
        where = f"deviations, mục {i}"
        if not isinstance(item, dict):
            check.add(top, where, "mỗi mục cần «text» (điều khác văn bản) và «reference» (quy định bị khác đi)")
            continue
        line = item.get("__line__", top)
        check.unknown_keys(item, DEVIATION_KEYS, where)
        text, reference = item.get("text"), item.get("reference")
        if not isinstance(text, str) or not text.strip():
            check.add(line, where, "cần «text»: một câu nói cách tính khác văn bản thế nào")
        elif said := _formatted(text, known):
            check.add(line, where, f"«text»: {said}")
        if not isinstance(reference, str) or not reference.strip():
            check.add(line, where, "cần «reference»: quy định của văn bản mà cách tính khác đi")
        criterion = item.get("criterion")
        if criterion is not None:
            criterion = str(criterion)
            if criterion not in criteria:
                check.add(line, where, f"tiêu chí «{criterion}» không có trong bộ tiêu chí")
        when = None
        if "when" in item:
            if not isinstance(item["when"], str):
                check.add(line, where, "«when» là một biểu thức (chuỗi)")
            else:
                when = check.compile(item["when"], known, line, where)
        if isinstance(text, str) and text.strip() and isinstance(reference, str) and reference.strip():
            out.append(Deviation(text.strip(), reference.strip(), criterion, when))
    return tuple(out)


def _variables(raw: dict, inputs: dict, parameters: dict, check: _Checker) -> tuple[Variable, ...]:
    known = set(inputs) | set(parameters) | set(raw) - {"__line__"}
    made: dict[str, Variable] = {}
    for name, spec in raw.items():
        if name == "__line__":
            continue
        where, line = f"biến {name}", spec.get("__line__") if isinstance(spec, dict) else None
        if not isinstance(spec, dict) or "label" not in spec or (("formula" in spec) == ("all" in spec)):
            check.add(line or raw.get("__line__"), where, "biến cần «label» và đúng một trong «formula» hoặc «all»")
            continue
        check.unknown_keys(spec, VARIABLE_KEYS, where)
        check.texts(spec, ("label", "reference", "unit"), where)
        if said := _bad_name(name):
            check.add(line, where, said)
        if name in inputs or name in parameters:
            check.add(line, where, "trùng tên với một chỉ tiêu đầu vào hoặc tham số")
        if "formula" in spec:
            formula = check.compile(spec["formula"], known, line, where)
            if formula:
                made[name] = Variable(name, spec["label"], formula=formula, reference=spec.get("reference", ""),
                                      unit=spec.get("unit", ""))
            continue
        conditions = []
        for cond in _list(spec["all"], line, where, check):
            if not isinstance(cond, dict) or "when" not in cond or not isinstance(cond.get("reason"), str):
                check.add(line, where, "mỗi điều kiện cần «when» (biểu thức) và «reason» (lý do khi không đạt)")
                continue
            if said := _formatted(cond["reason"], known) or ("đang để trống" if _blank(cond["reason"]) else None):
                check.add(cond.get("__line__", line), where, f"«reason»: {said}")
                continue
            compiled = check.compile(cond["when"], known, cond.get("__line__", line), where)
            if compiled:
                conditions.append(Condition(compiled, cond["reason"]))
        made[name] = Variable(name, spec["label"], conditions=tuple(conditions), reference=spec.get("reference", ""))
    graph = {name: {n for n in v.names if n in made} for name, v in made.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        cycle = " → ".join(err.args[1])
        check.add(raw.get("__line__"), "variables", f"các biến phụ thuộc vòng tròn: {cycle}")
        return tuple(made.values())
    return tuple(made[n] for n in order)


def _number(raw: dict, key: str, parameters: dict, check: _Checker, where: str, bound: list | None = None,
            step: int | None = None) -> float | None:
    """A number in a scoring rule, or the name of a parameter that holds it (noted in ``bound``: a set on a
    day reads that day's value)."""
    value = raw.get(key)
    if isinstance(value, str) and value in parameters:
        if bound is not None:
            bound.append((key, step, value))
        return float(parameters[value]["value"])
    if _finite(value):
        return float(value)
    check.add(raw.get("__line__"), where, f"«{key}» phải là một số hoặc tên một tham số" + _infinite(value))
    return None


# A criterion's id is how appraisals, findings, cases and explanations name it: text as written, without spaces or
# characters that cannot be seen (two ids that look alike would be two criteria).
_CRITERION_ID = re.compile(r"[\w.-]+")


def _check_reach(criteria, kinds: frozenset[str] | None, check: _Checker) -> None:
    """A criterion for kinds of unit its set (or its parent) does not score («applies_to: [xa_phuong]» in a set of
    sở): no unit is ever scored on it, yet its points counted in the set's total."""
    for c in criteria:
        if c.applies_to is not None and kinds is not None and not c.applies_to & kinds:
            check.add(c.line, f"tiêu chí {c.id}", f"áp dụng cho {', '.join(sorted(c.applies_to))} mà bộ tiêu chí (hoặc tiêu "
                                                 f"chí cha) chỉ chấm {', '.join(sorted(kinds))}: không đơn vị nào được chấm")
            continue
        _check_reach(c.children, kinds if c.applies_to is None else c.applies_to & kinds if kinds else c.applies_to,
                     check)


def _lookalike_id(cid: str, what: str = "mã tiêu chí") -> str | None:
    """Why an id's letter is not the one it looks like: Cyrillic «а» beside Latin «a», full-width «２», an Arabic
    «١» made criteria that read as one (Vietnamese letters, «1.đ», are ids' own)."""
    for at, c in enumerate(cid):
        if c.isascii():
            continue
        name = unicodedata.name(c, "")
        if (name.startswith(("CYRILLIC", "GREEK", "FULLWIDTH")) or (c.isdigit() and not "0" <= c <= "9")
                or "DOTLESS" in name or unicodedata.normalize("NFKC", c) != c):  # «Ⅰ», «ı», «²» …
            return (f"{what} có «{c}» (U+{ord(c):04X}, ký tự thứ {at + 1}) trông như chữ hoặc số Latinh nhưng là "
                    "ký tự khác: gõ lại bằng chữ, số Latinh")
    return None


def _bad_name(name: str) -> str | None:
    """Why a name an expression reads (an input, a parameter, a variable) cannot be one: a name with a space or a
    keyword («if», «and») is read by no expression; one named as a function («min») reads as the function where it is
    called; a Cyrillic «е» made two names that look one («ty_le», «ty_lе»), each scored by its own formula."""
    if not isinstance(name, str):
        return None  # refused as a key YAML reads as no name
    if not name.isidentifier() or keyword.iskeyword(name):
        return ("không dùng được trong biểu thức: tên chỉ gồm chữ, số và gạch dưới, không bắt đầu bằng số và không "
                "phải từ khóa (and, or, not, if …)")
    if name in FUNCTIONS:
        return f"trùng tên hàm của biểu thức ({', '.join(FUNCTIONS)})"
    if unicodedata.normalize("NFC", name) != name:
        return "viết ở dạng Unicode tổ hợp (dấu tách khỏi chữ, NFD): lưu tệp ở dạng dựng sẵn (NFC) hoặc gõ lại tên"
    return _lookalike_id(name, "tên")


def _bad_id(value: Any) -> str:
    if isinstance(value, str) and unicodedata.normalize("NFC", value) != value:
        return ("mã tiêu chí viết ở dạng Unicode tổ hợp (dấu tách khỏi chữ, NFD): lưu tệp ở dạng dựng sẵn (NFC) hoặc gõ "
                "lại mã")
    if isinstance(value, str):
        return "mã tiêu chí chỉ gồm chữ, số, dấu chấm và gạch nối (không có khoảng trắng hay ký tự ẩn)"
    return (f"mã tiêu chí phải là một chuỗi chữ: YAML đọc «{_short(str(value), 40)}» là "
            f"{'một số' if isinstance(value, (int, float)) else 'một giá trị khác'}, hãy viết trong ngoặc kép "
            "(id: \"1.10\")")


def _node(raw: dict, known: set[str], parameters: dict, check: _Checker, seen: dict[str, int | None],
          parent: str):
    if not isinstance(raw, dict):
        check.add(None, parent or "criteria", "mỗi tiêu chí phải là một bảng khóa: giá trị")
        return None
    line = raw.get("__line__")
    cid = str(raw.get("id", "?"))
    where = f"tiêu chí {cid}"
    check.unknown_keys(raw, NODE_KEYS, where)
    check.texts(raw, ("title", "reference", "unit"), where)
    if "id" not in raw or "title" not in raw:
        check.add(line, where, "tiêu chí cần «id» và «title»")
    elif not isinstance(raw["id"], str) or not _CRITERION_ID.fullmatch(raw["id"]):
        check.add(line, where, _bad_id(raw["id"]))
    elif said := _lookalike_id(raw["id"]):
        check.add(line, where, said)
    if cid in seen:
        check.add(line, where, f"mã tiêu chí bị trùng với tiêu chí ở dòng {seen[cid]}" if seen[cid] else
                  "mã tiêu chí bị trùng")
    seen.setdefault(cid, line)
    top = raw.get("max")
    if not _finite(top) or top <= 0:
        check.add(line, where, "«max» (điểm tối đa) phải là số dương" + _infinite(top))
        top = 0.0
    applies = _kinds(raw.get("applies_to"), line, where, check)
    children_raw = _list(raw.get("children"), line, where, check)
    if children_raw:
        if "value" in raw or "scoring" in raw:
            check.add(line, where, "tiêu chí có tiêu chí con thì không có «value» và «scoring»")
        children = tuple(c for c in (_node(c, known, parameters, check, seen, cid) for c in children_raw) if c)
        total = sum(c.max for c in children)
        if children and abs(total - top) > 1e-9:
            check.add(line, where, f"tổng điểm tối đa của các tiêu chí con ({total:g}) khác điểm tối đa ({top:g})")
        return Criterion(cid, raw.get("title", ""), float(top), raw.get("reference", ""), children,
                         applies_to=applies, line=line)
    if "value" not in raw or "scoring" not in raw:
        check.add(line, where, "tiêu chí lá cần «value» (biểu thức) và «scoring» (cách tính điểm)")
        return None
    if not raw.get("reference") or isinstance(raw["reference"], str) and _blank(raw["reference"]):
        check.add(line, where, "tiêu chí lá cần «reference» (căn cứ)")
    value = check.compile(raw["value"], known, line, where)
    scoring = raw["scoring"] if isinstance(raw["scoring"], dict) else {"method": raw["scoring"]}
    method = METHODS.get(scoring.get("method")) if isinstance(scoring.get("method"), str) else None
    if method is None:
        check.add(scoring.get("__line__", line), where,
                  f"cách tính điểm «{scoring.get('method')}» không có (chọn: {', '.join(METHODS)})")
        return None
    check.unknown_keys(scoring, {"method", *method.params, *method.optional}, where)
    params, bound = {}, []
    for key in method.params:
        if key not in scoring:
            check.add(scoring.get("__line__", line), where, f"cách tính «{method.name}» cần «{key}»")
    for key in ("target", "per", "floor"):
        if key in scoring:
            params[key] = _number(scoring, key, parameters, check, where, bound)
    if "direction" in scoring:
        if not isinstance(scoring["direction"], str) or scoring["direction"] not in DIRECTIONS:
            check.add(scoring.get("__line__", line), where, f"«direction» là một trong {', '.join(DIRECTIONS)}")
        params["direction"] = scoring["direction"]
    # A deduction takes points away, down to a floor within the points: a negative «per» would add them, and a floor
    # below 0 (or above «max») would give points outside [0, max]. A parameter is checked at each of its dated
    # values: a period is scored with the one in force on its last day, whichever that is.
    ok = {("proportional", "target"): (lambda v: v > 0, "«target» của cách tính theo tỷ lệ phải dương"),
          ("deduction", "per"): (lambda v: v > 0, "«per» (số điểm trừ mỗi lần) phải dương"),
          ("deduction", "floor"): (lambda v: 0 <= v <= top, f"«floor» (mức sàn) phải trong [0, {top:g}]")}
    for key in ("target", "per", "floor"):
        if (method.name, key) in ok and params.get(key) is not None:
            holds, message = ok[(method.name, key)]
            for since, number, name in _each_value(scoring, key, parameters):
                if not holds(number):
                    check.add(scoring.get("__line__", line), where, message + _which(name, since, number))
    if isinstance(scoring.get("steps"), list) and len(scoring["steps"]) > MAX_STEPS:
        check.add(scoring.get("__line__", line), where, f"bảng mức có {len(scoring['steps'])} mức, tối đa {MAX_STEPS}")
    elif "steps" in scoring:
        steps = []
        for step in _list(scoring["steps"], scoring.get("__line__", line), where, check):
            if not isinstance(step, dict):
                check.add(scoring.get("__line__", line), where, "mỗi mức cần «points» và «min»")
                continue
            pts = step.get("points")
            if not _finite(pts) or pts < 0 or pts > top:
                check.add(step.get("__line__", line), where, f"điểm của mức phải trong [0, {top:g}]" + _infinite(pts))
            entry = {"points": float(pts) if _finite(pts) else 0.0}
            if "min" in step:
                entry["min"] = _number(step, "min", parameters, check, where, bound, len(steps))
            steps.append(entry)
        _check_steps(steps, scoring.get("__line__", line), where, check)
        days = list(_steps_on_each_day(steps, bound, parameters))
        for since, dated in days:
            _check_order(dated, scoring.get("__line__", line), where, check,
                         f" (theo giá trị các tham số có hiệu lực từ {since:%d/%m/%Y})")
        if not days:
            _check_order(steps, scoring.get("__line__", line), where, check)
        params["steps"] = steps
    return Criterion(cid, raw.get("title", ""), float(top), raw.get("reference", ""), (), value, method.name,
                     params, raw.get("unit", ""), applies, line, tuple(bound))


def _check_steps(steps: list[dict], line, where: str, check: _Checker) -> None:
    """A band table is scored as the first step whose «min» the value reaches: with no step there is nothing to
    score or explain, and a step without «min» before the last takes every value below it (the steps after it are
    never reached)."""
    if not steps:
        check.add(line, where, "cách tính «bands» cần ít nhất một mức")
    if any("min" not in s for s in steps[:-1]):
        check.add(line, where, "chỉ mức cuối cùng được không có «min» (mức cho mọi giá trị còn lại)")


def _check_order(steps: list[dict], line, where: str, check: _Checker, when: str = "") -> None:
    """Of two steps with one «min», or a step below one with a lower «min», the second is never reached."""
    mins = [s["min"] for s in steps if s.get("min") is not None]
    if any(high <= low for high, low in zip(mins, mins[1:])):
        check.add(line, where, "các mức phải xếp theo «min» từ cao xuống thấp, mỗi mức một «min» khác nhau" + when)


def _each_value(scoring: dict, key: str, parameters: dict) -> list[tuple[date | None, float, str | None]]:
    """Every value a scoring rule's ``key`` takes while the set is in force: (from, value, parameter) for each
    dated value of the parameter it names, else the number written (from and parameter None)."""
    name = scoring.get(key)
    if isinstance(name, str) and name in parameters:
        return [(since, value, name) for since, value, _ in parameters[name]["values"]]
    return [(None, float(scoring[key]), None)]


def _which(name: str | None, since: date | None, value: float) -> str:
    """The parameter value a refusal is about, with the day it holds from when it is one of several."""
    if name is None:
        return ""
    return f" (tham số {name} = {value:g}" + (f" từ {since:%d/%m/%Y})" if since is not None else ")")


def _steps_on_each_day(steps: list[dict], bound: list, parameters: dict):
    """A band table's steps with the parameters' values in force from each day one of them changes: (day, steps)
    for every such day; nothing when no step reads a dated value (the steps as read are the only ones)."""
    names = {name for key, step, name in bound if step is not None}
    days = sorted({since for name in names for since, _, _ in parameters[name]["values"] if since is not None})
    for day in days:
        dated = [dict(s) for s in steps]
        for key, step, name in bound:
            if step is None:
                continue
            held = [value for since, value, _ in parameters[name]["values"] if since is None or since <= day]
            if not held:
                break  # the parameter has no value yet on that day: a set in force then is refused when scored
            dated[step][key] = held[-1]
        else:
            yield day, dated


def _check_classes(bands: list[Band], lines: list, check: _Checker) -> None:
    """An entity takes the first class (highest first) whose «min» its percentage reaches, as a band table's step:
    a class below one with a lower «min», or with the same, is never taken; two classes of one label could not be
    told apart in a ranking."""
    labels: dict[str, int] = {}
    for band, line in zip(bands, lines):
        if band.label.strip().casefold() in labels:
            check.add(line, "classification", f"mức «{_short(band.label, 80)}» đã có ở dòng "
                                              f"{labels[band.label.strip().casefold()]}: mỗi mức xếp loại một tên")
        labels.setdefault(band.label.strip().casefold(), line)
    for before, (band, line) in zip(bands, list(zip(bands, lines))[1:]):
        if band.min >= before.min:
            same = "có cùng «min» với" if band.min == before.min else "có «min» cao hơn"
            check.add(line, "classification", f"mức «{_short(band.label, 80)}» {same} mức «{_short(before.label, 80)}» "
                                              f"trước nó ({band.min:g} ≥ {before.min:g}) nên không bao giờ đạt được: các "
                                              "mức xếp loại xếp theo «min» từ cao xuống thấp, mỗi mức một «min» khác nhau")


def shipped() -> dict[str, Path]:
    """The rule sets shipped with cchc, by id."""
    out = {}
    for path in sorted(SETS.glob("*.yaml")):
        if not path.name.endswith(".tests.yaml"):
            out[path.stem] = path
    return out


class UnknownRuleSet(KeyError):
    """A rule-set id that is not among the shipped ones."""

    def __str__(self) -> str:
        return f"không có bộ tiêu chí «{self.args[0]}» (có: {', '.join(shipped())})"


def find(name: str) -> RuleSet:
    """A shipped rule set by its id, never a path: what data names (a stored run, a row of a file, a plan)
    is resolved here, so a value in a file can never make cchc read a file of its choosing."""
    sets = shipped()
    if not isinstance(name, str) or name not in sets:
        raise UnknownRuleSet(name)
    return load(sets[name])


def find_or_load(name: str | Path, day: date | None = None) -> RuleSet:
    """A shipped rule set by id or by family (``choose``, on ``day``), or else the rule-set file at this path:
    for options typed on the command line (``--ruleset``), where reading a file the person names is the point."""
    if isinstance(name, str) and (name in shipped() or "@" in name or family(name)):
        return choose(name, day)
    return load(name)


class NoRuleSetInForce(LookupError):
    """A family with no set, or more than one, in force on the day asked."""

    def __str__(self) -> str:
        return self.args[0]


def family(name: str) -> list[RuleSet]:
    """The shipped sets of a family, oldest first."""
    sets = [load(path) for path in shipped().values()]
    return sorted((rs for rs in sets if rs.family == name), key=lambda rs: (rs.effective_from or date.min, rs.id))


def in_force(name: str, day: date) -> RuleSet:
    """The shipped set of family ``name`` in force on ``day`` (its ``effective`` from/to holds the day);
    NoRuleSetInForce listing the family's sets and their dates when none is or several are."""
    members = family(name)
    if not members:
        families = sorted({rs.family for rs in map(load, shipped().values())})
        raise NoRuleSetInForce(f"không có họ bộ tiêu chí «{name}» (có: {', '.join(families)})")
    chosen = [rs for rs in members if rs.in_force(day)]
    if len(chosen) == 1:
        return chosen[0]
    listed = "; ".join(f"{rs.id} ({rs.span})" for rs in members)
    why = "không bộ nào" if not chosen else f"{len(chosen)} bộ cùng"
    raise NoRuleSetInForce(f"họ bộ tiêu chí «{name}»: {why} có hiệu lực ngày {day:%d/%m/%Y} (các bộ: {listed})")


def choose(name: str, day: date | None = None) -> RuleSet:
    """A shipped set by id; or by family: ``qd766@2025-03-01``, or ``qd766`` with ``day`` (a period's last day).
    Never a path: what data names is resolved here as by ``find``."""
    if not isinstance(name, str):
        raise UnknownRuleSet(name)
    if name in shipped():
        return find(name)
    if "@" in name:
        name, _, when = name.partition("@")
        try:
            day = date.fromisoformat(when)
        except ValueError:
            raise NoRuleSetInForce(f"«{when}» không phải một ngày yyyy-mm-dd (ví dụ {name}@2025-03-01)") from None
    if not family(name):
        raise UnknownRuleSet(name)
    if day is None:
        raise NoRuleSetInForce(f"«{name}» là một họ bộ tiêu chí: cần một ngày hoặc kỳ để chọn bộ có hiệu lực "
                               f"(ví dụ {name}@2025-03-01)")
    return in_force(name, day)


def for_use(use: str, day: date | None = None) -> RuleSet:
    """The set the province uses for ``use`` (``base/rule_uses.yaml``) in force on ``day``; without a day, the
    family's latest (titles of a year are decided with earlier years' evaluated by the same set)."""
    if day is None:
        members = family(uses.family(use))
        if not members:
            raise UnknownRuleSet(uses.family(use))
        return members[-1]
    return choose(uses.family(use), day)
