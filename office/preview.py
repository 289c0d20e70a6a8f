"""Before adopting a rule set: what it would change if it applied to a period already recorded.

Both rule sets are evaluated on the same stored inputs of the period (``cycle.scoring.scoring_frame`` for
each set's inputs) with the current appraisals (those recorded under the current set, for the criteria the
set still has); nothing is stored. The answer lists the units whose points, rank or class change, most moved
first, each with the criteria that caused it in the office's words («tiêu chí 3.3 giảm 2,5 điểm do ngưỡng đủ
điểm 50% → 60% (đơn vị đạt 46,2%)»), what changed in the rules themselves, and the inputs the new set reads
that the store does not hold for the period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.vn import number
from cycle.history import Change
from cycle.scoring import adjustments, dated, scoring_frame
from office.errors import Refused
from office.frames import PROVINCE_OFFICE, frame_for
from office.scores import ruleset as find_ruleset
from rules.evaluate import Result, evaluate
from rules.ruleset import Criterion, RuleSet
from store import models
from store.indicators import registry
from store.queries import unit_frame

METHOD_WORDS = {"threshold": "đạt ngưỡng mới có điểm", "proportional": "theo tỷ lệ so với ngưỡng",
                "bands": "theo các mức", "boolean": "có/không", "manual": "chấm theo thẩm định",
                "deduction": "trừ điểm"}


@dataclass(frozen=True)
class Lacking:
    """An input the new set reads that the store does not hold (for some or all of the units)."""

    name: str
    label: str
    known: bool  # the store's list of indicators has it
    units: int  # units without a figure for it
    of: int

    def sentence(self) -> str:
        if not self.known:
            return (f"{self.label} ({self.name}): chỉ tiêu chưa có trong danh mục chỉ tiêu của hệ thống, "
                    f"chưa thể nhập số liệu")
        if self.units >= self.of:
            return f"{self.label} ({self.name}): kho chưa có số liệu kỳ này của đơn vị nào"
        return f"{self.label} ({self.name}): thiếu số liệu ở {self.units}/{self.of} đơn vị"


@dataclass(frozen=True)
class Moved:
    """One unit's result under both sets, with the words of the change (``cycle.history.Change``)."""

    change: Change
    kind: str
    percent_before: float | None
    percent_after: float | None

    @property
    def unit(self) -> str:
        return self.change.unit

    def sentence(self) -> str:
        return self.change.sentence()


@dataclass(frozen=True)
class Preview:
    current: RuleSet
    new: RuleSet
    period: str
    units: int  # units scored by either set
    rules: tuple[str, ...]  # what changed in the rules themselves
    moved: tuple[Moved, ...]  # most moved first
    lacking: tuple[Lacking, ...]

    def lines(self) -> list[str]:
        out = [f"Xem trước bộ tiêu chí «{self.new.title}» so với «{self.current.title}», kỳ {self.period} "
               f"(không ghi gì vào kho):"]
        out += [f"- {r}" for r in self.rules] or ["- hai bộ tiêu chí không khác nhau về quy tắc chấm"]
        if self.lacking:
            out.append("Số liệu bộ mới cần mà kho chưa có:")
            out += [f"- {x.sentence()}" for x in self.lacking]
        if not self.moved:
            out.append(f"Không đơn vị nào thay đổi điểm, hạng hay xếp loại ({self.units} đơn vị).")
        else:
            out.append(f"{len(self.moved)}/{self.units} đơn vị thay đổi điểm, hạng hoặc xếp loại:")
            out += [f"- {m.sentence()}" for m in self.moved]
        return out


def load_new(name: str) -> RuleSet:
    """The rule set to try, refused with every problem (file, line, criterion) when it does not load."""
    try:
        return find_ruleset(name, catalogue=False)  # what the store lacks is named, not refused
    except Refused as e:
        raise Refused(f"bộ tiêu chí mới «{name}» không dùng được:\n{e.message}", field="NEW") from None


def _fmt(x: float, unit: str = "") -> str:
    return f"{number(x, 2)}{unit}"


def _leaf_change(old: Criterion, new: Criterion, params_old: dict, params_new: dict) -> list[str]:
    """The words of what differs between two versions of one leaf."""
    out = []
    if old.method != new.method:
        out.append(f"cách tính điểm «{METHOD_WORDS.get(old.method, old.method)}» → "
                   f"«{METHOD_WORDS.get(new.method, new.method)}»")
    if not math.isclose(old.max, new.max):
        out.append(f"điểm tối đa {_fmt(old.max)} → {_fmt(new.max)}")
    if old.value.source != new.value.source:
        out.append(f"cách tính giá trị «{old.value.source}» → «{new.value.source}»")
    if old.method == new.method:
        a, b = old.params, new.params
        if a.get("target") != b.get("target") and b.get("target") is not None:
            out.append(f"ngưỡng đủ điểm {_fmt(a.get('target') or 0, old.unit)} → {_fmt(b['target'], new.unit)}")
        if a.get("steps") != b.get("steps"):
            out.append("các mức điểm thay đổi: " + "; ".join(
                f"từ {_fmt(s.get('min') or 0, new.unit)}: {_fmt(s['points'])} điểm" for s in b.get("steps") or []))
        for key, word in (("per", "mức trừ"), ("floor", "mức sàn")):
            if a.get(key) != b.get(key):
                out.append(f"{word} {_fmt(a.get(key) or 0)} → {_fmt(b.get(key) or 0)}")
        if a.get("direction") != b.get("direction"):
            out.append("chiều đánh giá thay đổi")
    if old.applies_to != new.applies_to:
        out.append("phạm vi áp dụng thay đổi")
    used = sorted(n for n in new.value.names if n in params_new and params_old.get(n, {}).get("value")
                  != params_new[n].get("value"))
    for n in used:
        if not any(n in s for s in out):
            out.append(f"tham số «{params_new[n].get('label', n)}» {_fmt(params_old.get(n, {}).get('value', 0))} → "
                       f"{_fmt(params_new[n]['value'])}")
    return out


def rule_changes(old: RuleSet, new: RuleSet) -> tuple[list[str], dict[str, str]]:
    """(the changes of the rules in words, leaf id → why its points may differ)."""
    lines, why = [], {}
    for name, spec in new.parameters.items():
        before = old.parameters.get(name, {}).get("value")
        if before != spec.get("value"):
            label = spec.get("label", name)
            lines.append(f"tham số «{label}»: {'–' if before is None else _fmt(before)} → {_fmt(spec['value'])}")
    a, b = {c.id: c for c in old.leaves}, {c.id: c for c in new.leaves}
    for cid, leaf in b.items():
        if cid not in a:
            lines.append(f"thêm tiêu chí {cid} «{leaf.title}» (tối đa {_fmt(leaf.max)} điểm, "
                         f"{METHOD_WORDS.get(leaf.method, leaf.method)})")
            why[cid] = "tiêu chí mới"
            continue
        words = _leaf_change(a[cid], leaf, old.parameters, new.parameters)
        if words:
            lines.append(f"tiêu chí {cid} «{leaf.title}»: {', '.join(words)}")
            why[cid] = ", ".join(words)
    for cid, leaf in a.items():
        if cid not in b:
            lines.append(f"bỏ tiêu chí {cid} «{leaf.title}» (tối đa {_fmt(leaf.max)} điểm)")
            why[cid] = "bỏ tiêu chí này"
    bands_a = {x.label: x.min for x in old.classification}
    for band in new.classification:
        if bands_a.get(band.label) != band.min:
            before = bands_a.get(band.label)
            lines.append(f"ngưỡng xếp loại «{band.label}»: {'–' if before is None else _fmt(before, '%')} → "
                         f"{_fmt(band.min, '%')}")
    if old.missing != new.missing:
        lines.append("cách xử lý chỉ tiêu không có số liệu thay đổi")
    if old.applies_to != new.applies_to:
        lines.append(f"loại đơn vị được chấm: {', '.join(sorted(old.applies_to or ['tất cả']))} → "
                     f"{', '.join(sorted(new.applies_to or ['tất cả']))}")
    return lines, why


def _lacking(new: RuleSet, frame: pd.DataFrame) -> list[Lacking]:
    known = registry()
    out = []
    for name in sorted(new.inputs):
        missing = int(frame[name].isna().sum()) if name in frame else len(frame)
        if name not in known or missing:
            out.append(Lacking(name, new.inputs[name], name in known, missing, len(frame)))
    return [x for x in out if not x.known or x.units]


def _appraised(engine: Engine, current: RuleSet, rs: RuleSet, period: str, units: list[str]) -> pd.DataFrame:
    """The appraisals recorded under the current set, for the leaves ``rs`` has, of these units."""
    with Session(engine) as s:
        table = adjustments(s, current.id, period)
    leaves = {leaf.id for leaf in rs.leaves}
    return table[table["criterion"].isin(leaves) & table["entity"].isin(units)]


def _value_words(result: Result, leaf: Criterion, i: int) -> str:
    value = float(result.values[leaf.id][i])
    if np.isnan(value):
        return "không có số liệu"
    return f"đơn vị đạt {number(value, 1 if leaf.unit == '%' else 2)}{leaf.unit}"


def _causes(old: Result, new: Result, i: int | None, j: int | None, why: dict[str, str],
            leaves: tuple[list, list]) -> tuple[str, ...]:
    """Per leaf whose points differ for this unit: by how much, and the rule that made it. ``leaves``: the new
    set's leaves with their points in both results, and the old set's leaves the new one dropped."""
    if i is None or j is None:
        return ()
    kept, dropped = leaves
    out = []
    for leaf, points_new, points_old in kept:
        p_new = float(points_new[j])
        p_old = float(points_old[i]) if points_old is not None else math.nan
        if (p_new == p_old) or (math.isnan(p_new) and math.isnan(p_old)):
            continue
        delta = (0.0 if math.isnan(p_new) else p_new) - (0.0 if math.isnan(p_old) else p_old)
        if delta == 0 and math.isnan(p_new) == math.isnan(p_old):
            continue
        way = "tăng" if delta > 0 else "giảm"
        reason = why.get(leaf.id, "")
        text = f"tiêu chí {leaf.id} {way} {number(abs(delta), 2)} điểm"
        detail = f"{reason} ({_value_words(new, leaf, j)})" if reason else _value_words(new, leaf, j)
        out.append(f"{text} do {detail}")
    for leaf, points_old in dropped:
        p_old = float(points_old[i])
        if not math.isnan(p_old) and p_old:
            out.append(f"tiêu chí {leaf.id} giảm {number(p_old, 2)} điểm do bỏ tiêu chí này")
    return tuple(out)


def _leaf_points(old: Result, new: Result) -> tuple[list, list]:
    """Each leaf of the new set with its points in both results; the old set's leaves the new one dropped."""
    before = {leaf.id for leaf in old.ruleset.leaves}
    after = {leaf.id for leaf in new.ruleset.leaves}
    return ([(leaf, new.points[leaf.id], old.points[leaf.id] if leaf.id in before else None)
             for leaf in new.ruleset.leaves],
            [(leaf, old.points[leaf.id]) for leaf in old.ruleset.leaves if leaf.id not in after])


def _band_causes(old: RuleSet, new: RuleSet, before: str, after: str, percent: float) -> tuple[str, ...]:
    """The class cut-offs that moved and concern this unit's classes."""
    a = {x.label: x.min for x in old.classification}
    out = []
    for band in new.classification:
        if band.label in (before, after) and a.get(band.label) is not None and a[band.label] != band.min:
            out.append(f"ngưỡng xếp loại «{band.label}» {_fmt(a[band.label], '%')} → {_fmt(band.min, '%')} "
                       f"(đơn vị đạt {number(percent, 2)}% điểm tối đa)")
    return tuple(out)


def preview(engine: Engine, current: RuleSet, new: RuleSet, period: str) -> Preview:
    """Both rule sets over the period's stored inputs and current appraisals; nothing is written."""
    if current.entity != "unit" or new.entity != "unit":
        raise Refused("xem trước chỉ áp dụng cho bộ tiêu chí chấm đơn vị", field="NEW")
    current, new = dated(current, period), dated(new, period)
    units = unit_frame(engine, period)  # one reading of the store for both sets
    frame_old = scoring_frame(engine, current, period, frame=units)
    frame_new = scoring_frame(engine, new, period, frame=units)
    if frame_old.empty and frame_new.empty:
        raise Refused(f"kho chưa có đơn vị nào để chấm kỳ {period}", field="--period")
    old = evaluate(current, frame_old, _appraised(engine, current, current, period, list(frame_old.index)))
    fresh = evaluate(new, frame_new, _appraised(engine, current, new, period, list(frame_new.index)))
    a, b = old.summary(), fresh.summary()
    a, b = a[a["toi_da"] > 0], b[b["toi_da"] > 0]
    rules, why = rule_changes(current, new)
    with Session(engine) as s:
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    kinds = pd.concat([frame_old["kind"], frame_new["kind"]])
    kinds = kinds[~kinds.index.duplicated()]
    moved, leaves = [], _leaf_points(old, fresh)
    for unit in sorted(set(a.index) | set(b.index)):
        ra = a.loc[unit] if unit in a.index else None
        rb = b.loc[unit] if unit in b.index else None
        if ra is not None and rb is not None and abs(ra["diem"] - rb["diem"]) <= 1e-9 \
                and ra["hang"] == rb["hang"] and ra["xep_loai"] == rb["xep_loai"] \
                and abs(ra["ty_le"] - rb["ty_le"]) <= 1e-9:
            continue
        i = old.position(unit) if ra is not None else None
        j = fresh.position(unit) if rb is not None else None
        causes = _causes(old, fresh, i, j, why, leaves)
        if ra is not None and rb is not None and not causes and abs(ra["ty_le"] - rb["ty_le"]) > 1e-9:
            causes = (f"tỷ lệ điểm {number(ra['ty_le'], 2)}% → {number(rb['ty_le'], 2)}% do điểm tối đa "
                      f"{_fmt(ra['toi_da'])} → {_fmt(rb['toi_da'])}",)
        if ra is not None and rb is not None and ra["xep_loai"] != rb["xep_loai"]:
            causes += _band_causes(current, new, ra["xep_loai"], rb["xep_loai"], float(rb["ty_le"]))
        change = Change(unit, names.get(unit, unit),
                        None if ra is None else float(ra["diem"]), None if rb is None else float(rb["diem"]),
                        None if ra is None else int(ra["hang"]), None if rb is None else int(rb["hang"]),
                        "" if ra is None else ra["xep_loai"], "" if rb is None else rb["xep_loai"], causes)
        moved.append(Moved(change, str(kinds.get(unit, "")), None if ra is None else float(ra["ty_le"]),
                           None if rb is None else float(rb["ty_le"])))
    moved.sort(key=lambda m: (-abs(m.change.delta), -abs((m.percent_after or 0) - (m.percent_before or 0)),
                              -abs((m.change.rank_after or 0) - (m.change.rank_before or 0)), m.unit))
    return Preview(current, new, period, len(set(a.index) | set(b.index)), tuple(rules), tuple(moved),
                   tuple(_lacking(new, frame_new)))


def annex(engine: Engine, p: Preview, issued: date, by: str = PROVINCE_OFFICE):
    """The annex to the proposal that submits the new set: the document, ready for ``office.outputs.write``."""
    from reports.preview import Comparison, MovedRow, comparison_annex

    rows = tuple(MovedRow(m.change.name, m.change.before, m.change.after, m.percent_before, m.percent_after,
                          m.change.rank_before, m.change.rank_after, m.change.class_before, m.change.class_after,
                          "; ".join(m.change.causes)) for m in p.moved)
    context = Comparison(period_words(p.period), p.current.title, p.new.title, p.new.reference, p.units, p.rules,
                         rows, tuple(x.sentence() for x in p.lacking))
    frame = frame_for(engine, by, "PL", issued, ("UBND tỉnh", "Lưu: VT"))
    return comparison_annex(context, frame)


def period_words(code: str) -> str:
    """«2024-NAM» → «năm 2024»."""
    from reports.documents import PERIOD_WORDS

    year, part = code.split("-", 1)
    return PERIOD_WORDS.get(part, "{y}").format(y=year)


# --- Title rule sets: who would gain or lose a title on a year's record -------------------------------------

@dataclass(frozen=True)
class TitleChange:
    person: str
    name: str
    unit: str
    title: str  # the title's label
    before: bool
    after: bool
    why: tuple[str, ...]  # the conditions that now fail (a title lost) or no longer stand in the way (gained)

    def sentence(self) -> str:
        if self.after:
            return (f"{self.name} ({self.person}, {self.unit}): đạt «{self.title}» theo bộ mới"
                    + (f" — bộ hiện hành không cho vì: {'; '.join(self.why)}" if self.why else ""))
        return (f"{self.name} ({self.person}, {self.unit}): không còn đạt «{self.title}» theo bộ mới"
                + (f" vì: {'; '.join(self.why)}" if self.why else ""))


@dataclass(frozen=True)
class TitlePreview:
    current: RuleSet
    new: RuleSet
    year: int
    people: int
    rules: tuple[str, ...]
    changes: tuple[TitleChange, ...]

    def lines(self) -> list[str]:
        out = [f"Xem trước «{self.new.title}» ({self.new.id}) so với bộ hiện hành {self.current.id} trên hồ sơ năm "
               f"{self.year}: {self.people:,} người".replace(",", ".")]
        out += [f"- {r}" for r in self.rules] or ["- (không thấy thay đổi tham số hoặc điều kiện)"]
        gained = sum(c.after for c in self.changes)
        out.append(f"{len(self.changes)} thay đổi danh hiệu: {gained} đạt thêm, {len(self.changes) - gained} không "
                   f"còn đạt. Không ghi gì vào kho.")
        out += [f"- {c.sentence()}" for c in self.changes]
        return out


def title_rule_changes(old: RuleSet, new: RuleSet) -> list[str]:
    """Changed parameters, and each title's conditions added, removed or rewritten, in words."""
    lines = rule_changes(old, new)[0] if old.parameters or new.parameters else []
    before = {v.name: v for v in old.variables}
    for v in new.variables:
        if v.name not in new.titles:
            continue
        was = before.get(v.name)
        if was is None:
            lines.append(f"thêm danh hiệu «{v.label}»")
            continue
        old_when = {c.when.source for c in was.conditions}
        new_when = {c.when.source for c in v.conditions}
        for c in v.conditions:
            if c.when.source not in old_when:
                lines.append(f"«{v.label}»: điều kiện mới «{c.when.source}»")
        for c in was.conditions:
            if c.when.source not in new_when:
                lines.append(f"«{v.label}»: bỏ điều kiện «{c.when.source}»")
    return lines


def preview_titles(engine: Engine, current: RuleSet, new: RuleSet, year: int) -> TitlePreview:
    """Both title rule sets over the same record of ``year`` (and the years it depends on); nothing is written.
    Every person whose title changes, with the conditions that decided it."""
    from emulation.eligibility import HISTORY, eligibility_of, read_record

    if current.entity != "person" or new.entity != "person":
        raise Refused("xem trước danh hiệu cần hai bộ danh hiệu cá nhân", field="NEW")
    record = read_record(engine, year - HISTORY, year)
    if not (record.ratings["year"] == year).any():
        raise Refused(f"kho chưa có xếp loại cán bộ năm {year}", field="--period")
    a, b = eligibility_of(record, year, current), eligibility_of(record, year, new)
    labels = {v.name: v.label for v in new.variables}
    shared = [t for t in new.titles if t in current.titles]
    people = record.people
    changes = []
    for person in b.frame.index:
        i, j = a.result.position(person), b.result.position(person)
        for t in shared:
            held, holds = bool(a.result.env[t][i] == 1), bool(b.result.env[t][j] == 1)
            if held == holds:
                continue
            why = a.result.reasons(person, t) if holds else b.result.reasons(person, t)
            row = people.loc[person] if person in people.index else None
            changes.append(TitleChange(person, "" if row is None else str(row["name"]),
                                       "" if row is None else str(row["unit"]), labels.get(t, t), held, holds,
                                       tuple(why)))
    order = {t: k for k, t in enumerate(shared)}
    changes.sort(key=lambda c: (c.after, order.get(next((t for t in shared if labels.get(t, t) == c.title), ""), 0),
                                c.unit, c.person))
    return TitlePreview(current, new, year, len(b.frame), tuple(title_rule_changes(current, new)), tuple(changes))
