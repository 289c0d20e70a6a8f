"""What changed between two score runs, and why, in the words of the office:
«Sở Tư pháp: 81,5 → 83,0 (+1,5), hạng 7 → 5; tiêu chí 3.3 tăng do Hồ sơ nộp trực tuyến 412 → 530»."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cycle.scoring import detail, entries
from base.vn import number
from rules.ruleset import RuleSet, RuleSetError, find
from store import models


@dataclass(frozen=True)
class Change:
    unit: str
    name: str
    before: float | None  # points in the earlier run (None: not scored there)
    after: float | None
    rank_before: int | None
    rank_after: int | None
    class_before: str
    class_after: str
    causes: tuple[str, ...]

    @property
    def delta(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)

    def sentence(self) -> str:
        if self.before is None:
            head = f"{self.name}: mới được chấm, {_pts(self.after)} điểm, hạng {self.rank_after}"
        elif self.after is None:
            head = f"{self.name}: không còn được chấm theo bộ tiêu chí này"
        else:
            sign = "+" if self.delta > 0 else ""
            head = (f"{self.name}: {_pts(self.before)} → {_pts(self.after)} ({sign}{number(self.delta, 2)})"
                    if abs(self.delta) > 1e-9 else f"{self.name}: {_pts(self.after)} điểm")
            head += (f", hạng {self.rank_before} → {self.rank_after}" if self.rank_before != self.rank_after
                     else f", giữ hạng {self.rank_after}")
            if self.class_before != self.class_after:
                head += f", xếp loại {self.class_before or '–'} → {self.class_after or '–'}"
        if self.causes:
            return f"{head}; {'; '.join(self.causes)}"
        if self.before is not None and self.after is not None and abs(self.delta) <= 1e-9:
            return f"{head} (do điểm của đơn vị khác thay đổi)"
        return head


def _pts(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}".replace(".", ",") if abs(x - round(x, 1)) < 1e-9 else number(x, 2)


def _ruleset(name: str) -> RuleSet | None:
    try:
        return find(name)
    except (KeyError, FileNotFoundError, RuleSetError, ValueError):
        return None


def causes(ruleset: RuleSet | None, old: dict | None, new: dict | None) -> tuple[str, ...]:
    """The criteria whose points changed and, for each, the inputs that moved or the appraisal behind it."""
    if old is None or new is None:
        return ()
    leaves = {leaf.id: leaf for leaf in ruleset.leaves} if ruleset else {}
    out = []
    for cid, (_, _, p_new, _) in new["leaves"].items():
        p_old = old["leaves"].get(cid, [None, None, None, None])[2]
        if (p_old or 0.0) == (p_new or 0.0) and (p_old is None) == (p_new is None):
            continue
        way = "tăng" if (p_new or 0.0) > (p_old or 0.0) else "giảm"
        leaf = leaves.get(cid)
        names = sorted(leaf.value.names) if leaf is not None else sorted(new["inputs"])
        moved = [f"{ruleset.label_of(n) if ruleset else n} {_value(old['inputs'].get(n))} → "
                 f"{_value(new['inputs'].get(n))}"
                 for n in names if n in new["inputs"] and old["inputs"].get(n) != new["inputs"].get(n)]
        why = []
        if moved:
            why.append(", ".join(moved))
        adjusted_new, adjusted_old = new.get("adjusted", {}).get(cid), old.get("adjusted", {}).get(cid)
        if adjusted_new is not None and adjusted_new != adjusted_old:
            why.append(f"thẩm định điều chỉnh: {adjusted_new[1]}")
        elif adjusted_old is not None and adjusted_new is None:
            why.append("bỏ điều chỉnh của thẩm định")
        text = f"tiêu chí {cid} {way} {number(abs((p_new or 0.0) - (p_old or 0.0)), 2)} điểm"
        out.append(f"{text} do {'; '.join(why)}" if why else text)
    return tuple(out)


def _value(v: float | None) -> str:
    return "không có số liệu" if v is None else number(v, 2)


def diff(engine: Engine, run_a: int, run_b: int, only: str | None = None) -> list[Change]:
    """Every entity whose points, rank or class differ between runs ``run_a`` and ``run_b`` (or just ``only``),
    most moved first."""
    with Session(engine) as s:
        runs = {r.id: r for r in s.scalars(select(models.ScoreRun).where(models.ScoreRun.id.in_([run_a, run_b])))}
        for rid in (run_a, run_b):
            if rid not in runs:
                raise ValueError(f"không có lượt chấm điểm #{rid} (xem «cchc runs»)")
        both = entries(s, run_a).join(entries(s, run_b), how="outer", suffixes=("_a", "_b"))
        if only is not None:
            both = both.loc[both.index.intersection([only])]
        same = ((both["diem_a"] - both["diem_b"]).abs().le(1e-9) & both["hang_a"].eq(both["hang_b"])
                & both["xep_loai_a"].eq(both["xep_loai_b"]))
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
        ruleset = _ruleset(runs[run_b].ruleset)
        changes = []
        for unit, r in both[~same.fillna(False)].iterrows():
            new_a, new_b = r.isna()["diem_a"], r.isna()["diem_b"]
            why = ()
            if not (new_a or new_b) and r["detail_run_a"] != r["detail_run_b"]:
                why = causes(ruleset, detail(s, run_a, unit), detail(s, run_b, unit))
            changes.append(Change(unit, names.get(unit, unit),
                                  None if new_a else float(r["diem_a"]), None if new_b else float(r["diem_b"]),
                                  None if new_a else int(r["hang_a"]), None if new_b else int(r["hang_b"]),
                                  "" if new_a else r["xep_loai_a"], "" if new_b else r["xep_loai_b"], why))
    return sorted(changes, key=lambda c: (-abs(c.delta), c.unit))


@dataclass(frozen=True)
class Step:
    run: models.ScoreRun
    points: float
    rank: int
    klass: str
    change: Change | None  # against the run before, where the unit's result differs


def history(engine: Engine, unit: str, ruleset: str | None = None, period: str | None = None) -> list[Step]:
    """The runs in which ``unit``'s result changed, oldest first, each with what changed and why."""
    R, E = models.ScoreRun, models.ScoreEntry
    with Session(engine, expire_on_commit=False) as s:
        query = (select(R, E.diem, E.hang, E.xep_loai).join(E, E.run_id == R.id).where(E.unit == unit)
                 .order_by(R.ruleset, R.period_code, R.version))
        if ruleset:
            query = query.where(R.ruleset == ruleset)
        if period:
            query = query.where(R.period_code == period)
        rows = s.execute(query).all()
    steps: list[Step] = []
    last: dict[tuple[str, str], Step] = {}
    for run, points, place, klass in rows:
        key = (run.ruleset, run.period_code)
        before = last.get(key)
        if before is not None and abs(before.points - points) <= 1e-9 and before.rank == place and before.klass == klass:
            continue
        change = None
        if before is not None:
            change = next(iter(diff(engine, before.run.id, run.id, only=unit)), None)
        step = Step(run, float(points), int(place), klass, change)
        steps.append(step)
        last[key] = step
    return steps
