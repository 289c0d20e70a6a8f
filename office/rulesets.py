"""Rule sets as the office opens them for use: by id, by family (the set in force on the period's last day) or
from a file typed on the command line; read as they stand on that day; and every input a unit rule set reads
known to the indicator catalogue (``store/indicators.yaml``), so that a misspelled input is refused when the
set is opened, never scored as "no data".

The inputs a set's titles (``titles:``) read are not checked against the catalogue: they are not indicators a
unit reports but what the emulation derives per person or collective from the personnel record (ratings,
discipline, initiatives, earlier titles); the cases shipped beside each such set exercise them. The inputs its
criteria's points read are checked all the same."""

from __future__ import annotations

import re
from datetime import date
from difflib import get_close_matches

from base.rule_uses import family
from rules.ruleset import Problem, RuleSet, RuleSetError, choose, default_family, find_or_load, load, shipped
from store import calendar
from store.indicators import registry

CATALOGUE = "store/indicators.yaml"


def _scored_inputs(rs: RuleSet) -> set[str]:
    """The inputs a set's points read, through the variables they read: a set that decides titles as well scores
    its criteria on indicators all the same (a title listed had switched the catalogue's check off for them)."""
    variables = {v.name: v for v in rs.variables}
    seen: set[str] = set()
    todo = [n for leaf in rs.leaves for n in leaf.value.names]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(variables[name].names if name in variables else ())
    return seen & set(rs.inputs)


def input_problems(rs: RuleSet) -> list[Problem]:
    """Every input of a unit rule set the catalogue does not know, with the closest code it does know; of a set
    that decides titles, those its criteria's points read."""
    if rs.entity != "unit":
        return []
    known = registry()
    out = []
    scored = _scored_inputs(rs) if rs.titles else set(rs.inputs)
    for name in (n for n in rs.inputs if n in scored):
        if name not in known:
            near = get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; gần nhất: «{near[0]}»" if near else ""
            out.append(Problem(rs.source, None, f"chỉ tiêu đầu vào {name}",
                               f"«{name}» không có trong danh mục chỉ tiêu ({CATALOGUE}){hint}"))
    return out


_FRACTION = re.compile(r"[\s(]*(\w+)\s*/\s*(\w+)[\s)]*")  # «a / b», «(a / b)»


def scale_problems(rs: RuleSet) -> list[Problem]:
    """A leaf whose value is a part over its whole in the catalogue («van_ban_ky_so / van_ban_di»: from 0 to 1) on
    a scale past 1 («target: 100»): never reached, or reached by every unit, a percentage written without its
    «* 100»."""
    if rs.entity != "unit":
        return []
    known, out = registry(), []
    for leaf in rs.leaves:
        parts = _FRACTION.fullmatch(leaf.value.source)
        if not parts or parts[1] not in known or known[parts[1]].whole != parts[2]:
            continue
        marks = [("target", leaf.params["target"])] if "target" in leaf.params else []
        marks += [("min", step["min"]) for step in leaf.params.get("steps", ()) if "min" in step]
        if past := [(key, value) for key, value in marks if isinstance(value, (int, float)) and value > 1]:
            key, value = past[0]
            out.append(Problem(rs.source, leaf.line, f"tiêu chí {leaf.id}",
                               f"«{leaf.value.source.strip()}» là một phần trên tổng (từ 0 đến 1) mà «{key}» là "
                               f"{value:g}: tỷ lệ phần trăm thì viết {parts[1]} / {parts[2]} * 100"))
    return out


def checked(rs: RuleSet) -> RuleSet:
    """``rs`` when every input it reads is in the catalogue and its scales fit its values; RuleSetError naming
    file, input or criterion, otherwise."""
    problems = input_problems(rs) + scale_problems(rs)
    if problems:
        raise RuleSetError(problems)
    return rs


def period_end(period: str | None) -> date | None:
    return calendar.parse_period(period).end if period else None


def open_ruleset(name: str, period: str | None = None, catalogue: bool = True) -> RuleSet:
    """The set ``name`` names (id, ``family``, ``family@yyyy-mm-dd`` or a file) for ``period``, checked against the
    catalogue (unless it is only being tried: a preview names what the store lacks) and with its parameters at
    the values in force on the period's last day."""
    day = period_end(period)
    rs = find_or_load(name, day)
    rs = checked(rs) if catalogue else rs
    return rs.on(day) if day else rs


def family_of(ruleset_id: str) -> str:
    """The family of a rule set a stored run names: the one it declares when shipped, else its id without a
    trailing year (a run scored with a file)."""
    sets = shipped()
    return load(sets[ruleset_id]).family if ruleset_id in sets else default_family(ruleset_id)


def named(name: str, ids) -> list[str]:
    """Of rule-set ids (stored runs'), those ``name`` names: itself, or every member of the family ``name``."""
    return [i for i in ids if i == name or family_of(i) == name]


def for_period(name: str, period: str) -> RuleSet:
    """A shipped set by id or family (never a file: what the office's own steps and data name), as it stands for
    ``period``."""
    day = period_end(period)
    return checked(choose(name, day)).on(day)


def used_for(use: str, period: str) -> RuleSet:
    """The set the province uses for ``use`` (``base/rule_uses.yaml``: units, department_index …) for ``period``."""
    return for_period(family(use), period)
