"""Rule-set test cases: YAML beside each rule set (``<id>.tests.yaml``), inputs → expected points, totals,
classes or titles. Run by the test suite and by ``cchc rules test``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from base.unit_kinds import UNIT_KINDS
from rules.evaluate import evaluate
from rules.ruleset import Problem, RuleSet, RuleSetError, _clean, _finite, read_file, read_yaml


@dataclass(frozen=True)
class CaseResult:
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def cases_path(ruleset_path: Path) -> Path:
    return ruleset_path.with_name(ruleset_path.stem + ".tests.yaml")


CASE_KEYS = {"name", "kind", "inputs", "expect", "note"}
EXPECT_KEYS = {"points", "total", "percent", "classification", "titles", "reasons", "variables"}


def read_cases(path: Path) -> list[dict]:
    """The cases of a rule set, read as bounded safe YAML and checked for shape; RuleSetError naming the file,
    the line and the case otherwise."""
    marked = read_yaml(read_file(path), path.name, lines=True)
    raw, lines = _clean(marked), _lines(marked)
    problems: list[Problem] = []

    def bad(i: int, where: str, message: str) -> None:
        problems.append(Problem(path.name, lines[i] if i < len(lines) else None, where, message))

    if raw is None or raw == []:  # a set whose cases are all gone would pass, checking nothing
        raise RuleSetError([Problem(path.name, None, None, "tệp ca kiểm thử không có ca nào («- name: …»)")])
    if not isinstance(raw, list):
        raise RuleSetError([Problem(path.name, None, None, "tệp ca kiểm thử phải là một danh sách các ca («- name: …»)")])
    names: set[str] = set()
    for i, case in enumerate(raw):
        if not isinstance(case, dict) or not isinstance(case.get("name"), (str, int)):
            bad(i, f"ca thứ {i + 1}", "mỗi ca cần «name», «inputs» và «expect»")
            continue
        where = f"ca {case['name']}"
        if str(case["name"]) in names:
            bad(i, where, "tên ca bị trùng")
        names.add(str(case["name"]))
        if unknown := set(case) - CASE_KEYS:
            bad(i, where, f"khóa không có trong lược đồ: {', '.join(map(str, sorted(unknown, key=str)))}")
        inputs = case.get("inputs") or {}
        if not isinstance(inputs, dict) or not all(_number(v) or v is None for v in inputs.values()):
            bad(i, where, "«inputs» là bảng chỉ tiêu: số (hoặc để trống khi không có số liệu)")
        else:  # no file can bring such a figure (it is refused at ingestion): a case on it tests nothing real
            for name, v in inputs.items():
                if _number(v) and not _finite(v):
                    hint = " (không có số liệu thì để trống: null)" if _as_written(v) == ".nan" else ""
                    bad(i, where, f"«inputs.{name}» là {_as_written(v)}: số liệu phải hữu hạn{hint}")
        if "kind" in case and not isinstance(case["kind"], str):
            bad(i, where, "«kind» là một loại đơn vị")
        expect = case.get("expect") or {}
        if not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
            bad(i, where, f"«expect» gồm các khóa {', '.join(sorted(EXPECT_KEYS))}")
            continue
        for key, check in (("points", lambda v: _number(v) or v is None), ("variables", lambda v: _number(v) or v is None),
                           ("titles", lambda v: isinstance(v, bool)),
                           ("reasons", lambda v: isinstance(v, str) or isinstance(v, list)
                            and all(isinstance(x, str) for x in v))):
            if key in expect and (not isinstance(expect[key], dict) or not all(map(check, expect[key].values()))):
                bad(i, where, f"«expect.{key}» không đúng dạng")
        for cid in expect.get("points") or {} if isinstance(expect.get("points"), dict) else ():
            if not isinstance(cid, str):  # «1.10» unquoted is the number 1.1: the case checked another criterion
                bad(i, where, f"mã tiêu chí trong «expect.points» phải là một chuỗi chữ: YAML đọc «{cid}» là một số "
                              "(«1.10» viết không có dấu nháy là 1.1): ghi mã trong dấu nháy, ví dụ \"1.10\"")
        for key in ("total", "percent"):
            if key in expect and not _number(expect[key]):
                bad(i, where, f"«expect.{key}» phải là một số")
        for what, want, nullable in _expected_numbers(expect):
            if isinstance(want, float) and math.isnan(want) and nullable:
                bad(i, where, f"«{what}» là .nan, không phải một số mong đợi: mong đợi không có số liệu thì để trống "
                              "(null)")
            elif not _finite(want):
                bad(i, where, f"«{what}» là {_as_written(want)}: số mong đợi phải hữu hạn")
        if "classification" in expect and not isinstance(expect["classification"], (str, type(None))):
            bad(i, where, "«expect.classification» là tên một mức xếp loại")
    if problems:
        raise RuleSetError(problems)
    return raw


def _as_written(v) -> str:
    """A number that is not finite as YAML writes it (or a whole number past a float's range)."""
    return {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}.get(str(v), "số nguyên quá lớn")


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _expected_numbers(expect: dict):
    """(where in «expect», number, whether null may be expected there) for every number a case expects. A NaN
    compares equal to nothing, so it could never pass: no data is written null (a point, a variable), and as in the
    rule file every number is finite."""
    for key in ("total", "percent"):
        if _number(expect.get(key)):
            yield f"expect.{key}", expect[key], False
    for key in ("points", "variables"):
        if isinstance(expect.get(key), dict):
            for name, v in expect[key].items():
                if _number(v):
                    yield f"expect.{key}.{name}", v, True


def _checks(expect: dict) -> int:
    """How many things a case compares: each expected point, title, reason and variable, the total, the percentage
    and the class."""
    groups = ("points", "titles", "reasons", "variables")
    return sum(len(expect.get(k) or {}) for k in groups) + sum(k in expect for k in ("total", "percent", "classification"))


def _lines(raw) -> list[int | None]:
    return [c.get("__line__") if isinstance(c, dict) else None for c in raw] if isinstance(raw, list) else []


def run_cases(ruleset: RuleSet, path: Path,
              impossible: Mapping[str, Callable[[float], str | None]] | None = None) -> list[CaseResult]:
    """Each case's result. ``impossible``: for the inputs that are units' figures, why a value could not be that
    figure (a rate of 150 %, a negative count): a case on it tests what no data can bring."""
    cases = read_cases(path)
    if not cases:
        return []
    frame = pd.DataFrame([(c.get("inputs") or {}) | ({"kind": c["kind"]} if "kind" in c else {}) for c in cases],
                         index=[str(c["name"]) for c in cases])
    result = evaluate(ruleset, frame)
    summary = result.summary()
    lines = _lines(read_yaml(read_file(path), path.name, lines=True))
    out = []
    for i, case in enumerate(cases):
        name, expect, failures = str(case["name"]), case.get("expect") or {}, []
        at = f"{path.name}, dòng {lines[i]}: " if i < len(lines) and lines[i] else f"{path.name}: "

        def check(what: str, got, want) -> None:
            same = (got == want) if isinstance(want, (str, bool)) else (
                (want is None and (got is None or (isinstance(got, float) and math.isnan(got))))
                or (want is not None and got is not None and not math.isnan(got) and abs(got - want) < 1e-6))
            if not same:
                failures.append(f"{what}: mong đợi {want!r}, được {got!r}")

        titles = {v.name for v in ruleset.variables if v.conditions}
        for key in case.get("inputs") or {}:  # a misspelled input is no data: the case could pass on it unseen
            if key not in ruleset.inputs:
                failures.append(f"{at}bộ tiêu chí không có chỉ tiêu đầu vào «{key}»")
            elif ruleset.entity == "unit" and _number(value := case["inputs"][key]) and key in (impossible or {}) and (
                    why := impossible[key](float(value))):
                failures.append(f"{at}«inputs.{key}»: {why}: không số liệu nào có giá trị này")
        if "kind" in case and ruleset.entity == "unit" and case["kind"] not in UNIT_KINDS:
            failures.append(f"{at}loại đơn vị «{case['kind']}» không có; các loại: {', '.join(UNIT_KINDS)}")
        for cid in expect.get("points") or {}:
            if str(cid) not in result.points:
                failures.append(f"{at}bộ tiêu chí không có tiêu chí «{cid}»")
        for group, known in (("titles", titles), ("reasons", titles), ("variables", set(result.env))):
            for key in expect.get(group) or {}:
                if key not in known:
                    failures.append(f"{at}bộ tiêu chí không có {'danh hiệu' if group != 'variables' else 'biến'} «{key}»")
        if not _checks(expect):  # such a case would pass whatever the set scored
            failures.append("ca không kiểm tra gì: «expect» không có điểm, tổng điểm, tỷ lệ, xếp loại, danh hiệu, lý do "
                            "hay biến nào để so")
        if failures:
            out.append(CaseResult(name, tuple(failures)))
            continue
        for cid, want in (expect.get("points") or {}).items():
            got = float(result.points[str(cid)][i])
            check(f"điểm tiêu chí {cid}", None if math.isnan(got) else got, want)
        if "total" in expect:
            check("tổng điểm", float(summary["diem"].iloc[i]), expect["total"])
        if "percent" in expect:
            check("tỷ lệ %", round(float(summary["ty_le"].iloc[i]), 2), expect["percent"])
        if "classification" in expect:  # no class: '' as the summary holds it, or null as a case may write it
            check("xếp loại", summary["xep_loai"].iloc[i] or None, expect["classification"] or None)
        for title, want in (expect.get("titles") or {}).items():
            check(f"danh hiệu {title}", bool(result.env[title][i] == 1), want)
        for title, want in (expect.get("reasons") or {}).items():
            got = result.reasons(name, title)
            for fragment in [want] if isinstance(want, str) else want:
                if not any(fragment in r for r in got):
                    failures.append(f"lý do {title}: không có «{fragment}» trong {got}")
        for var, want in (expect.get("variables") or {}).items():
            got = float(result.env[var][i])
            check(f"biến {var}", None if np.isnan(got) else got, want)
        out.append(CaseResult(name, tuple(failures)))
    return out
