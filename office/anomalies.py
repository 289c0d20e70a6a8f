"""Before trusting declared figures: which declarations the store's own data contradict, so that appraisers
look there first.

Per unit and period, for the figures the unit declares (``source: nhap`` in ``store/indicators.yaml``): a
declared count above the dossiers recorded (its whole computed from dossiers), a part above its whole, a
declared rate far above what the unit's dossiers say, a rate that jumps against the unit's own earlier
periods or against peers of the same kind beyond a robust bound (median and median absolute deviation), a
figure without its evidence. Each flag says why, with its figures; a risk score per unit (per kind of flag, its weight times
the strongest flag of that kind) orders the appraisal queue. Bounds and weights are the office's data
(``anomalies.yaml`` beside this module, [NC]).
Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.vn import number
from office.errors import Refused
from store import calendar, models
from store.indicators import registry
from store.queries import current_evidence, current_facts

SETTINGS = Path(__file__).with_name("anomalies.yaml")
MAD_SCALE = 1.4826  # a normal spread's standard deviation from its MAD


@lru_cache(maxsize=4)
def settings(path: str | Path = SETTINGS) -> dict:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise Refused(f"không đọc được tệp ngưỡng «{path}»: {e}", field="--settings") from None


@dataclass(frozen=True)
class Flag:
    kind: str
    indicator: str
    reason: str  # in words, with the figures behind it
    severity: float  # 1 at the bound, more beyond it (capped)
    measure: str = ""  # how far beyond the bound, for the appraisers («lệch 7,3 lần độ lệch chuẩn hóa, ngưỡng 3,5»)

    @property
    def said(self) -> str:
        """The reason with its measure, as the appraisers' queue shows it (a signed document says the reason)."""
        return f"{self.reason} ({self.measure})" if self.measure else self.reason


@dataclass(frozen=True)
class UnitRisk:
    unit: str
    name: str
    kind: str
    risk: float
    flags: tuple[Flag, ...]

    def lines(self) -> list[str]:
        return [f"{self.name} ({self.unit}): rủi ro {number(self.risk, 2)}"] + [f"  - {f.said}" for f in self.flags]


def _pct(x: float) -> str:
    return f"{number(x, 1)}%"


def _robust(values: np.ndarray, floor: float) -> tuple[float, float]:
    median = float(np.median(values))
    return median, max(MAD_SCALE * float(np.median(np.abs(values - median))), floor)


def _without_each(values: np.ndarray, centre: np.ndarray | None = None) -> np.ndarray:
    """For each i, the median of ``values`` without the i-th, as ``np.median`` gives it; with ``centre``, the
    median of |values - centre[i]| without the i-th. Without one value, the median is one of at most three, by
    where that value sorts: a sort per distinct centre instead of one per value (a thousand communes compared
    with their peers took a million comparisons per figure)."""
    n = len(values)
    out = np.empty(n)
    if centre is None:
        groups = [(None, np.arange(n))]
    else:
        found, inverse = np.unique(centre, return_inverse=True)
        groups = [(c, np.flatnonzero(inverse == k)) for k, c in enumerate(found)]
    for c, members in groups:
        data = values if c is None else np.abs(values - c)
        order = np.argsort(data, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        ranked = data[order]
        m = n - 1  # values left
        lo, hi = (m - 1) // 2, m // 2  # the middle positions among what is left
        for i in members:
            # position p among what is left maps to p in the full order below the removed rank, p + 1 from it
            a = ranked[lo if lo < rank[i] else lo + 1]
            b = ranked[hi if hi < rank[i] else hi + 1]
            out[i] = a if lo == hi else np.mean([a, b])
    return out


def _low(label: str) -> str:
    """«Hồ sơ nộp trực tuyến» → «hồ sơ nộp trực tuyến»; «TTHC …» stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _order(code: str) -> tuple:
    p = calendar.parse_period(code)
    return (p.end, -p.start.toordinal())


def queue(engine: Engine, period: str, path: str | Path = SETTINGS) -> list[UnitRisk]:
    """Every unit with at least one flag in ``period``, highest risk first."""
    cfg = settings(str(path))
    known = registry()
    declared = {c for c, i in known.items() if i.source == "nhap"}
    k, floor, cap = float(cfg["nguong_lech"]), float(cfg["do_lech_toi_thieu"]), float(cfg["muc_do_toi_da"])
    weights = cfg["trong_so"]
    year = int(period[:4])
    with Session(engine) as s:
        units = pd.DataFrame(s.execute(select(models.Unit.id, models.Unit.code, models.Unit.name, models.Unit.kind))
                             .all(), columns=["id", "code", "name", "kind"]).set_index("code")
        codes = sorted(set(s.scalars(select(models.Period.code).where(models.Period.code.like(f"{year - 1}-%")
                                                                       | models.Period.code.like(f"{year}-%")))))
        earlier = [c for c in codes if _order(c) < _order(period)]
        facts = current_facts(s, [period, *earlier])
        evidence = current_evidence(s, period, units["id"].tolist())
    if facts.empty:
        raise Refused(f"kho chưa có số liệu kỳ {period}", field="--period")
    wide = facts.pivot_table(index=["unit", "period"], columns="indicator", values="value", aggfunc="last")
    now = wide.xs(period, level="period") if period in wide.index.get_level_values("period") else pd.DataFrame()
    flags: dict[str, list[Flag]] = {}

    def add(unit, kind, indicator, reason, severity=1.0, measure=""):
        flags.setdefault(unit, []).append(Flag(kind, indicator, reason, float(min(max(severity, 1.0), cap)), measure))

    parts = [c for c in sorted(declared) if known[c].whole and c in now]
    for part in parts:
        whole = known[part].whole
        if whole not in now:
            continue
        over = now[part] > now[whole]
        kind = "vuot_ho_so" if known[whole].source == "ho_so" else "vuot_tong"
        said = "số hồ sơ ghi nhận" if kind == "vuot_ho_so" else "tổng"
        for unit in now.index[over.fillna(False)]:
            a, b = now.at[unit, part], now.at[unit, whole]
            add(unit, kind, part, f"{known[part].label} kê khai {number(a)} lớn hơn {said} «{known[whole].label}» "
                                  f"{number(b)}", 1 + (a - b) / max(b, 1))
    for check in cfg.get("doi_chieu") or []:
        (dn, dd), (hn, hd) = check["khai"], check["ho_so"]
        if not {dn, dd, hn, hd} <= set(now):
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            said = now[dn] / now[dd] * 100
            seen = now[hn] / now[hd] * 100
        gap = said - seen
        limit = float(check["chenh_lech_toi_da"])
        for unit in now.index[(gap > limit).fillna(False)]:
            add(unit, "doi_chieu", dn,
                f"{check['ten_khai']} {_pct(said[unit])} ({number(now.at[unit, dn])}/{number(now.at[unit, dd])}) "
                f"trong khi {check['ten_ho_so']} chỉ {_pct(seen[unit])} ({number(now.at[unit, hn])}/"
                f"{number(now.at[unit, hd])}): chênh {number(gap[unit], 1)} điểm phần trăm, vượt mức "
                f"{number(limit)}", gap[unit] / limit)
    kinds = units["kind"]
    cumulative = set(cfg.get("luy_ke") or ())
    for part in parts:
        whole = known[part].whole
        if whole not in wide:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = (wide[part] / wide[whole] * 100).where(wide[whole] > 0).dropna()
        if rates.empty:
            continue
        current = rates.xs(period, level="period") if period in rates.index.get_level_values("period") else None
        if current is None:
            continue
        label = f"tỷ lệ {_low(known[part].label)} trên {_low(known[whole].label)}"
        history = rates.drop(index=period, level="period")
        if part not in cumulative and not history.empty:
            # every unit's own earlier periods at once: median and robust spread per unit
            by_unit = history.groupby(level="unit")
            median = by_unit.median()
            spread = (MAD_SCALE * (history - median.reindex(history.index.get_level_values("unit")).to_numpy())
                      .abs().groupby(level="unit").median()).clip(lower=floor)
            enough = by_unit.size() >= int(cfg["lich_su_toi_thieu"])
            z = ((current - median.reindex(current.index)).abs() / spread.reindex(current.index)).where(
                enough.reindex(current.index, fill_value=False))
            for unit in z.index[(z > k).fillna(False)]:
                add(unit, "lich_su", part, f"{label} {_pct(current[unit])}, các kỳ trước của đơn vị quanh "
                                           f"{_pct(median[unit])}", z[unit] / k,
                    f"lệch {number(z[unit], 1)} lần độ lệch chuẩn hóa, ngưỡng {number(k, 1)}")
        for kind, group in current.groupby(kinds.reindex(current.index)):
            if len(group) < int(cfg["dong_nhom_toi_thieu"]):
                continue
            values = group.to_numpy(dtype=float)
            medians = _without_each(values)  # each unit against the others of its kind (robust: median, MAD)
            spreads = np.maximum(MAD_SCALE * _without_each(values, medians), floor)
            for (unit, rate), median, spread in zip(group.items(), medians, spreads):
                median, spread = float(median), float(spread)
                z = abs(rate - median) / spread
                if z > k:
                    add(unit, "dong_nhom", part, f"{label} {_pct(rate)}, các đơn vị cùng loại quanh {_pct(median)}",
                        z / k, f"lệch {number(z, 1)} lần độ lệch chuẩn hóa, ngưỡng {number(k, 1)}")
    need = [c for c in cfg.get("can_kiem_chung") or [] if c in now]
    backed = evidence[(evidence["reference"].fillna("") != "") | (evidence["explanation"].fillna("") != "")]
    by_id = units.reset_index().set_index("id")["code"]
    has = set(zip(backed["unit_id"].map(by_id), backed["indicator"]))
    for ind in need:
        for unit in now.index[now[ind].notna()]:
            if (unit, ind) not in has:
                add(unit, "thieu_kiem_chung", ind, f"{known[ind].label} kê khai {number(now.at[unit, ind])} chưa có "
                                                   f"tài liệu kiểm chứng hoặc giải trình")
    out = []
    for unit, found in flags.items():
        # One signal per kind of flag: many mild jumps of one kind weigh as the strongest of them.
        strongest: dict[str, float] = {}
        for f in found:
            strongest[f.kind] = max(strongest.get(f.kind, 0.0), f.severity)
        risk = sum(float(weights.get(kind, 1)) * sev for kind, sev in strongest.items())
        ordered = tuple(sorted(found, key=lambda f: -float(weights.get(f.kind, 1)) * f.severity))
        out.append(UnitRisk(unit, units.at[unit, "name"], units.at[unit, "kind"], risk, ordered))
    return sorted(out, key=lambda r: (-r.risk, r.unit))


def inspection_risk(engine: Engine, period: str, path: str | Path = SETTINGS) -> dict[str, tuple[float, str]]:
    """Per flagged unit of ``period``: its risk times the inspection plan's weight, and the reason in words (the
    strongest flag); nothing for a period without figures."""
    weight = float(settings(str(path)).get("trong_so_kiem_tra", 0))
    try:
        risks = queue(engine, period, path)
    except Refused:
        return {}
    # a signed plan says what was seen, not the statistic behind it (the appraisers' queue shows both)
    return {r.unit: (weight * r.risk, f"kê khai có dấu hiệu không khớp dữ liệu: {r.flags[0].reason}")
            for r in risks if weight > 0}


def by_risk(engine: Engine, period: str, units: list[dict]) -> list[dict]:
    """The appraisal queue: ``units`` (dicts with a ``code``), riskiest first, each with ``risk`` and ``flags``
    (reasons in words); units without a flag keep their order after them."""
    try:
        risks = {r.unit: r for r in queue(engine, period)}
    except Refused:
        risks = {}
    for u in units:
        r = risks.get(u["code"])
        u["risk"], u["flags"] = (r.risk, [f.said for f in r.flags]) if r else (0.0, [])
    return sorted(units, key=lambda u: -u["risk"])
