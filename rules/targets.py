"""Target sets: the yearly targets of plans and resolutions (seeds 000, 002, 003) — index, threshold, rank
range, responsible unit — and how a result compares with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from base.vn import number
from rules.ruleset import SETS

TARGETS = SETS / "targets"


@dataclass(frozen=True)
class Target:
    index: str
    label: str
    responsible: str = ""
    min: float | None = None  # at least (từ … trở lên)
    above: float | None = None  # strictly more than (trên …)
    rank: tuple[int, int] | None = None  # rank range to reach, best first
    keep_rank: bool = False
    rank_gain: tuple[int, int] | None = None  # places to rise
    last: float | None = None
    last_rank: int | None = None
    unit: str = "%"

    def threshold_text(self) -> str:
        unit = self.unit if self.unit == "%" else f" {self.unit}"  # 85%, but 85 điểm
        if self.min is not None:
            return f"từ {number(self.min, 2)}{unit} trở lên"
        if self.above is not None:
            return f"trên {number(self.above, 2)}{unit}"
        return ""

    def rank_text(self) -> str:
        if self.rank:
            return f"{self.rank[0]}–{self.rank[1]}" if self.rank[0] != self.rank[1] else str(self.rank[0])
        if self.keep_rank:
            return "giữ thứ hạng năm trước"
        if self.rank_gain:
            return f"tăng {self.rank_gain[0]}–{self.rank_gain[1]} bậc"
        return ""


@dataclass(frozen=True)
class TargetSet:
    id: str
    title: str
    reference: str
    year: int
    targets: tuple[Target, ...]
    rank_of: int | None = None
    unit: str | None = None  # the unit whose plan carries these targets (None: a province's)
    issued: date | None = None  # the day the text setting them was issued (a plan cites it only after)
    province: str | None = None  # the province whose text sets them


def load_targets(name_or_path: str | Path) -> TargetSet:
    path = Path(name_or_path)
    if not path.exists():
        path = TARGETS / f"{name_or_path}.yaml"
    stat = path.stat()
    return _load_targets(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_targets(path: str, mtime: int, size: int) -> TargetSet:
    """A target set as read once per version of its file (a year's plans read the same sets for every unit)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    targets = []
    for t in raw["targets"]:
        t = dict(t)
        for key in ("rank", "rank_gain"):
            if key in t:
                t[key] = tuple(t[key])
        targets.append(Target(**t))
    return TargetSet(raw["id"], raw["title"], raw["reference"], raw["year"], tuple(targets), raw.get("rank_of"),
                     raw.get("unit"), raw.get("issued"), raw.get("province"))


def shipped_targets() -> list[str]:
    return sorted(p.stem for p in TARGETS.glob("*.yaml"))


def targets_for(unit: str, year: int) -> TargetSet | None:
    """The shipped target set of ``unit``'s plan for ``year``, if there is one."""
    found = (load_targets(name) for name in shipped_targets())
    return next((t for t in found if t.unit == unit and t.year == year), None)


@dataclass(frozen=True)
class Gap:
    target: Target
    value: float | None
    rank: int | None
    met_value: bool | None  # None: no threshold, or no value
    met_rank: bool | None
    gap: float | None  # points still missing to the threshold (0 when met)


def compare(targets: TargetSet, actual: dict[str, tuple[float | None, int | None]]) -> list[Gap]:
    """Each target against the actual ``{index: (value, rank)}``; a missing index has no verdict."""
    out = []
    for t in targets.targets:
        value, rank = actual.get(t.index, (None, None))
        threshold = t.min if t.min is not None else t.above
        met_value = gap = None
        if threshold is not None and value is not None:
            met_value = value >= t.min if t.min is not None else value > t.above
            gap = 0.0 if met_value else threshold - value
        met_rank = None
        if rank is not None:
            if t.rank:
                met_rank = rank <= t.rank[1]
            elif t.keep_rank and t.last_rank is not None:
                met_rank = rank <= t.last_rank
            elif t.rank_gain and t.last_rank is not None:
                met_rank = rank <= t.last_rank - t.rank_gain[0]
        out.append(Gap(t, value, rank, met_value, met_rank, gap))
    return out
