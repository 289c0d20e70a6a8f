"""What a unit must change to reach a rank, a class or a points total this period, in the office's words.

The other units stand as the period's stored run ranks them (``cycle.scoring.stored``); the unit's own
figures are the current ones (``cycle.scoring.scoring_frame``), its appraised criteria as appraised. What
each change costs and how it is said come from ``whatif.yaml`` beside this module ([NC]: the office's choice,
not law). Nothing is written: an answer, not a decision.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Engine

from base.vn import number
from cycle.scoring import scoring_frame
from office.errors import NotFound, Refused
from office.forecasts import CUMULATIVE  # the periods that accumulate from the year's start
from office.scores import stored
from rules.evaluate import ADJUSTED
from rules.ruleset import RuleSet
from rules.whatif import Change, Plan, Target, WhatIfError, cheapest
from store.indicators import registry

COSTS = Path(__file__).with_name("whatif.yaml")


@dataclass(frozen=True)
class Lever:
    cost: float
    up: str  # the words of an increase, {n} the number
    down: str


@lru_cache(maxsize=8)
def levers(path: str | Path = COSTS) -> dict[str, Lever]:
    """The figures a unit may change, their costs and their words (an unlisted figure is held)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise Refused(f"không đọc được tệp chi phí «{path}»: {e}", field="--costs") from None
    out = {}
    known = registry()
    for name, spec in (raw.get("costs") or {}).items():
        if name not in known:
            raise Refused(f"tệp chi phí «{path}»: chỉ tiêu «{name}» không có trong danh mục chỉ tiêu", field="--costs")
        cost = spec.get("cost") if isinstance(spec, dict) else None
        if not isinstance(cost, (int, float)) or cost < 0:
            raise Refused(f"tệp chi phí «{path}»: chỉ tiêu «{name}» cần «cost» là số không âm", field="--costs")
        label = known[name].label.lower()
        out[name] = Lever(float(cost), spec.get("tang", f"tăng {label} thêm {{n}}"),
                          spec.get("giam", f"giảm {label} {{n}}"))
    return out


@dataclass(frozen=True)
class Answer:
    unit: str
    name: str
    ruleset: RuleSet
    period: str
    plan: Plan
    goal: str  # «hạng 10 trở lên», «xếp loại Tốt», «72 điểm»
    levers: dict[str, Lever]

    def lines(self) -> list[str]:
        return answer_lines(self)


def _goal(target: Target) -> str:
    if target.rank is not None:  # a rank is reached by any better one: «đã đạt hạng 56» at rank 24 misreads
        return f"hạng {target.rank}" + (" trở lên" if target.rank > 1 else "")
    if target.klass is not None:
        return f"xếp loại {target.klass}"
    return f"{number(target.points, 2)} điểm"


def _up(x: float) -> float:
    """Points needed, shown to two decimals and never below what is needed."""
    return math.ceil(x * 100 - 1e-6) / 100


def change_phrases(a: Answer) -> list[tuple[Change, str]]:
    """Each change of the answer with its words («thêm 1.215 hồ sơ giải quyết đúng hạn»), the one that gains
    most first (a figure the costs file does not word is said from its label)."""
    lever = {**a.levers, **{c.input: Lever(c.cost, f"tăng {c.label.lower()} thêm {{n}}", f"giảm {c.label.lower()} {{n}}")
                            for c in a.plan.changes if c.input not in a.levers}}
    out = []
    for ch in sorted(a.plan.changes, key=lambda c: -sum(g.gain for g in c.leaves)):
        n = abs(ch.delta)
        how = lever[ch.input].up if ch.delta > 0 else lever[ch.input].down
        out.append((ch, how.format(n=number(n, 0 if n == int(n) else 2))))
    return out


def _change_words(a: Answer) -> list[str]:
    out = []
    for i, (ch, words) in enumerate(change_phrases(a)):
        gains = "; ".join(f"{'tiêu chí ' if i == 0 and j == 0 else ''}{g.criterion}: "
                          f"{'+' if g.gain >= 0 else ''}{number(g.gain, 2)} điểm" for j, g in enumerate(ch.leaves))
        out.append(words + (f" ({gains})" if gains else ""))
    return out


def _standing(points: float, rank: int, klass: str) -> str:
    return f"{number(points, 2)} điểm, hạng {rank}" + (f", xếp loại {klass}" if klass else "")


def answer_lines(a: Answer) -> list[str]:
    """The answer as the office says it: what to do, with the points each change brings, then where it ends."""
    plan = a.plan
    now = _standing(plan.before.points, plan.before.rank, plan.before.klass)
    if plan.already:
        return [f"{a.name} đã đạt {a.goal}: hiện {now}; không cần thay đổi gì."]
    need = (f" (từ {number(_up(plan.needed_points), 2)} điểm)"
            if math.isfinite(plan.needed_points) and plan.target.points is None else "")
    if plan.reached:
        then = _standing(plan.after.points, plan.after.rank, plan.after.klass)
        return [f"Để đạt {a.goal}{need}, {a.name} cần: {', '.join(_change_words(a))}.",
                f"Khi đó: {then} (hiện {now})."]
    head = f"{a.name} không thể đạt {a.goal}{need} trong kỳ này"
    if not plan.changes:
        return [f"{head}: không còn số liệu nào thay đổi được để tăng điểm; giữ {now}."]
    best = f"{number(plan.after.points, 2)} điểm" + (f", xếp loại {plan.after.klass}" if plan.after.klass else "")
    return [f"{head}: cao nhất là hạng {plan.after.rank} ({best}) nếu: {', '.join(_change_words(a))}.",
            f"Hiện tại: {now}."]


def what_if(engine: Engine, rs: RuleSet, period: str, unit: str, rank: int | None = None, klass: str | None = None,
            points: float | None = None, costs: str | Path | None = None) -> Answer:
    """The cheapest change of ``unit``'s figures that reaches the target this period, the others as the period's
    stored run ranks them; refused with the reason when the question cannot be asked."""
    return plans(engine, rs, period, rank=rank, klass=klass, points=points, costs=costs, units=[unit])[0]


def plans(engine: Engine, rs: RuleSet, period: str, rank: int | None = None, klass: str | None = None,
          points: float | None = None, costs: str | Path | None = None, units: list[str] | None = None,
          timings: list[float] | None = None) -> list[Answer]:
    """``what_if`` for each of ``units`` (every unit ranked when None), the stored run and the figures read
    once. ``timings``, when given, receives the seconds each unit's answer took."""
    field = "--rank" if rank is not None else "--class" if klass is not None else "--points"
    try:
        target = Target(rank=rank, klass=klass, points=points)
    except WhatIfError as e:
        raise Refused(str(e), field="--rank") from None
    scored = stored(engine, rs, period)
    rs = scored.ruleset  # as it stands for the period: its parameters' values then
    for unit in units or ():
        if unit not in scored.frame.index:
            raise NotFound(f"không có đơn vị «{unit}» trong kết quả chấm theo bộ «{rs.id}» kỳ {period}",
                           field="--unit")
        if unit not in scored.summary.index:
            raise Refused(f"đơn vị «{unit}» không được xếp hạng theo bộ «{rs.id}» kỳ {period}", field="--unit")
    asked = list(scored.summary.index) if units is None else units
    frame = scoring_frame(engine, rs, period, units)
    for unit in asked:
        if unit not in frame.index:
            raise Refused(f"bộ «{rs.id}» không chấm đơn vị «{unit}» (loại đơn vị khác)", field="--unit")
    lever = levers(str(costs or COSTS))
    known = registry()
    wholes = {n: known[n].whole for n in rs.inputs if n in known and known[n].whole}
    bounds = {n: (0.0, known[n].max_value) for n in rs.inputs if n in known and known[n].max_value is not None}
    integer = {n for n in rs.inputs if n in known and known[n].integral}
    cost = {n: lv.cost for n, lv in lever.items()}
    percent = scored.summary["ty_le"]
    out = []
    for unit in asked:
        started = time.perf_counter()
        at = scored.result.position(unit)
        adjusted = {leaf.id: float(np.nan_to_num(scored.result.points[leaf.id][at])) for leaf in rs.leaves
                    if int(scored.result.steps[leaf.id][at]) == ADJUSTED}
        try:
            plan = cheapest(rs, frame.loc[unit], percent.drop(unit).to_numpy(dtype=float), target, cost,
                            bounds=bounds, integer=integer, wholes=wholes, adjusted=adjusted)
        except WhatIfError as e:
            raise Refused(str(e), field="--ruleset" if "mô hình hóa" in str(e) else field) from None
        out.append(Answer(unit, str(scored.frame.loc[unit, "name"]), rs, period, plan, _goal(target), lever))
        if timings is not None:
            timings.append(time.perf_counter() - started)
    return out


# --- Where the year will end --------------------------------------------------------------------------

# Past years needed to learn from: the intervals are calibrated on each past year forecast with the others'
# shares; one year alone would be calibrated on itself (the demo's backtest: 50% held for a nominal 80%).
MIN_PAST_YEARS = 2


@dataclass(frozen=True)
class YearForecast:
    ruleset: RuleSet
    period: str  # the latest cumulative period it starts from
    table: object  # rules.forecast.Forecast.table, with the unit's name
    share: float
    level: float
    years: int = 0  # past years the forecast learned from

    def sentence(self, unit: str) -> str:
        """«Sở Xây dựng — dự báo cả năm: 71–75 điểm, hạng 12–18 (trung vị 73,2 điểm, hạng 15, xếp loại Khá)»."""
        r = self.table.loc[unit]
        span = lambda a, b, d: number(a, d) if number(a, d) == number(b, d) else f"{number(a, d)}–{number(b, d)}"  # noqa: E731
        return (f"{r['name']} — dự báo cả năm: {span(r['diem_thap'], r['diem_cao'], 1)} điểm, hạng "
                f"{span(r['hang_cao'], r['hang_thap'], 0)} (trung vị {number(r['diem'], 2)} điểm, hạng "
                f"{number(r['hang'], 0)}{', xếp loại ' + r['xep_loai'] if r['xep_loai'] else ''}; khoảng "
                f"{number(self.level * 100, 0)}%, từ số liệu lũy kế {number(self.share * 100, 0)}% thời gian của năm"
                + (f", theo diễn biến {self.years} năm trước)" if self.years else ")"))


def _cumulative(engine: Engine, rs: RuleSet, year: int, kind: str) -> list:
    """(share of the year's window, scoring frame) of ``year``'s cumulative periods up to ``kind``."""
    from store.calendar import KINDS_BY_CODE, Period, year_window

    window = year_window(year)
    periods = []
    for code in CUMULATIVE[:CUMULATIVE.index(kind) + 1]:
        p = Period(year, KINDS_BY_CODE[code])
        share = ((p.end - p.start).days + 1) / ((window.end - window.start).days + 1)
        periods.append((share, scoring_frame(engine, rs, p.code)))
    return periods


def past_years(engine: Engine, rs: RuleSet, year: int, kind: str, back: int = 5) -> list:
    """The years before ``year`` (up to ``back``) with dossiers through the year, as ``rules.forecast.PastYear``
    at the same point of the year."""
    from rules.forecast import PastYear

    out = []
    for y in range(year - 1, year - back - 1, -1):
        end = scoring_frame(engine, rs, f"{y}-NAM")
        if "hs_tiep_nhan" not in end or not pd.to_numeric(end["hs_tiep_nhan"], errors="coerce").gt(0).any():
            continue
        out.append(PastYear(_cumulative(engine, rs, y, kind), end))
    return out


def forecast_year(engine: Engine, rs: RuleSet, period: str, draws: int = 200, level: float = 0.8,
                  latest: float = 0.0, back: int = 5, prior: float = 1.0) -> YearForecast:
    """Each unit's year-end points and rank, with an interval, from the cumulative periods of the year up to
    ``period`` (Q1, 6 tháng or 9 tháng), every simulated year scored by the rule set. With dossiers of past
    years (up to ``back``), each figure reaches its year's end as the unit's past years went from the same
    point (seasons, trends) and the intervals are calibrated on those years (``MIN_PAST_YEARS`` at least);
    without, dossier counts run on at
    the unit's rates so far (``latest`` weighs the latest window) and other figures stand as they are.
    ``prior``: how many typical years of the province's shares a unit's own past is pooled with."""
    from rules.forecast import forecast, learned

    year, kind = int(period[:4]), period[5:]
    if kind not in CUMULATIVE:
        raise Refused(f"dự báo cả năm đi từ một kỳ lũy kế (Quý I, 6 tháng, 9 tháng), không từ «{period}»",
                      field="--period")
    periods = _cumulative(engine, rs, year, kind)
    last = periods[-1][1]
    if last.drop(columns="kind").isna().all().all():
        raise NotFound(f"chưa có số liệu kỳ {period} để dự báo", field="--period")
    known = registry()
    flows = {n for n in rs.inputs if n in known and known[n].source == "ho_so" and known[n].kind == "so_dem"
             and n != "tthc_phat_sinh_ho_so"}
    wholes = {n: known[n].whole for n in rs.inputs if n in known and known[n].whole}
    past = past_years(engine, rs, year, kind, back) if back else []
    made = (learned(rs, periods, past, flows, wholes, draws=draws, level=level, prior=prior)
            if len(past) >= MIN_PAST_YEARS
            else forecast(rs, periods, flows, wholes, draws=draws, level=level, latest=latest))
    names = unit_names(engine)
    table = made.table.assign(name=[names.get(u, u) for u in made.table.index])
    return YearForecast(rs, period, table, made.share, level, made.years)


def unit_names(engine: Engine) -> dict[str, str]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from store import models

    with Session(engine) as s:
        return dict(s.execute(select(models.Unit.code, models.Unit.name)).all())


# --- The unit's targets from a target set ------------------------------------------------------------



def goals_of(path: str | Path, unit: str, rs: RuleSet, last_rank: int | None = None) -> list[tuple[str, dict]]:
    """(the target as its text says it, the what-if question) for each target in the target set at ``path`` (a file
    or a shipped set's id) on an index whose measure ``rs``'s total is (its «measures»: a PAR INDEX target is no
    target of the Decision 766 index): a threshold in points or in percent of the maximum, a rank range
    (its worst rank), or the rank to keep or to rise from (the set's last rank, else ``last_rank``). Refused when
    the set is another unit's or the province's."""
    from rules.targets import load_targets

    try:
        targets = load_targets(path)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        raise Refused(f"không đọc được bộ mục tiêu «{path}»: {e}", field="--target-set") from None
    if targets.unit is None:
        raise Refused(f"bộ mục tiêu «{targets.id}» là mục tiêu của tỉnh, không của một đơn vị", field="--target-set")
    if targets.unit != unit:
        raise Refused(f"bộ mục tiêu «{targets.id}» là của đơn vị «{targets.unit}», không của «{unit}»",
                      field="--target-set")
    out = []
    for t in targets.targets:
        if t.index not in rs.measures:
            continue
        threshold = t.min if t.min is not None else t.above + 0.01 if t.above is not None else None
        if threshold is not None:
            points = threshold if t.unit != "%" else threshold * rs.max / 100
            out.append((f"{t.label} {t.threshold_text()}", {"points": points}))
        last = t.last_rank if t.last_rank is not None else last_rank
        rank = t.rank[1] if t.rank else last if t.keep_rank else (
            last - t.rank_gain[0] if t.rank_gain and last is not None else None)
        if rank is not None and rank >= 1:
            out.append((f"{t.label}: thứ hạng {t.rank_text()}", {"rank": int(rank)}))
    if not out:
        measured = ", ".join(rs.measures) or "bộ tiêu chí không khai báo «measures»"
        raise Refused(f"bộ mục tiêu «{targets.id}» không có mục tiêu về chỉ số mà tổng điểm của bộ tiêu chí «{rs.id}» đo "
                      f"({measured})", field="--target-set")
    return out


def what_if_targets(engine: Engine, rs: RuleSet, period: str, unit: str, path: str | Path,
                    costs: str | Path | None = None) -> list[tuple[str, Answer]]:
    """``what_if`` for each of the unit's targets in the target set at ``path`` (a rank to keep: the unit's rank
    of last year's stored run, when the set does not say it)."""
    from office.scores import stored_or_none

    before = stored_or_none(engine, rs, f"{int(period[:4]) - 1}-NAM")
    summary = before.summary if before is not None else None
    last = (int(summary.loc[unit, "hang"]) if summary is not None and unit in summary.index
            and pd.notna(summary.loc[unit, "hang"]) else None)
    return [(said, what_if(engine, rs, period, unit, costs=costs, **goal))
            for said, goal in goals_of(path, unit, rs, last)]
