"""Forecast of the year's end from the cumulative periods so far (Q1, 6 months, 9 months): each unit's
year-end figures, points and rank, with an interval — by simulating the rest of the year and scoring every
simulated year with the rules engine itself, so that thresholds, bands and ranks are forecast as they score.

The model, per unit
-------------------
* A **flow** (a count that accumulates over the year: dossiers received, on time, online …) reaches the year's
  end as ``so far + the rest``. The rest of a whole is Poisson with mean ``so far × (1/f − 1)``, ``f`` the share
  of the year's window the periods so far cover (3/12 at Q1, 6/12, 9/12). The rest of a part is binomial over the
  rest of its whole, at a rate drawn from a Beta whose mean is the part's observed rate: the cumulative rate,
  or, with ``latest`` > 0, a blend weighted towards the latest window (the difference of the last two
  cumulative periods), which follows a trend and is free of the first window's edge (a dossier received in the
  last days of Q1 is not finished on time at Q1) but rests on fewer dossiers. The demo's backtest
  (bench/README.md) finds the cumulative rate (``latest`` = 0) the better default there.
* Any other figure (procedures in force, staff, appraisal points, surveys) is carried as it stands.

Every draw is scored by ``rules.evaluate.evaluate`` (units × draws rows in one call) and ranked among the
units of the same draw; the forecast is the median, the interval the central ``level`` of the draws.
The naive forecast — the last cumulative period scored as if it were the year — is what it is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rules.evaluate import classify, evaluate, rank
from rules.ruleset import RuleSet


PRIOR = 0.01


@dataclass(frozen=True)
class Forecast:
    """Per unit (index): diem, diem_thap, diem_cao, hang, hang_cao (best), hang_thap (worst), xep_loai, and the
    year-end figures forecast (median of the draws)."""

    table: pd.DataFrame
    figures: pd.DataFrame
    share: float  # of the year's window covered so far
    draws: int
    level: float


def _order(flows: set[str], wholes: dict[str, str]) -> list[str]:
    """Flows, each whole before its parts."""
    out: list[str] = []

    def visit(name: str, seen: tuple = ()) -> None:
        if name in out or name in seen:
            return
        whole = wholes.get(name)
        if whole in flows:
            visit(whole, seen + (name,))
        out.append(name)

    for name in sorted(flows):
        visit(name)
    return out


def forecast(ruleset: RuleSet, periods: list[tuple[float, pd.DataFrame]], flows: set[str],
             wholes: dict[str, str], draws: int = 200, level: float = 0.8, seed: int = 0,
             latest: float = 0.0) -> Forecast:
    """The year-end forecast from ``periods``: (share of the year covered, the units' inputs and ``kind``) in
    order, the last the latest cumulative period. ``flows``: inputs that accumulate; ``wholes``: part → whole."""
    if not periods:
        raise ValueError("cần ít nhất một kỳ lũy kế để dự báo")
    share, last = periods[-1]
    if not 0 < share <= 1:
        raise ValueError(f"tỷ lệ thời gian đã qua phải trong (0, 1], đã cho {share}")
    previous = periods[-2][1].reindex(last.index) if len(periods) > 1 else None
    rng = np.random.default_rng(seed)
    units = last.index
    n = len(units)
    inputs = [c for c in ruleset.inputs if c in last.columns]
    sim = {c: np.repeat(pd.to_numeric(last[c], errors="coerce").to_numpy(dtype=float)[:, None], draws, axis=1)
           for c in inputs}
    rest: dict[str, np.ndarray] = {}
    for name in _order({f for f in flows if f in sim}, wholes):
        now = pd.to_numeric(last[name], errors="coerce").to_numpy(dtype=float)
        whole = wholes.get(name)
        if whole not in rest:  # a whole (or a flow whose whole is not a flow): Poisson for the rest of the year
            mean = np.nan_to_num(now) * (1 / share - 1)
            rest[name] = rng.poisson(np.repeat(mean[:, None], draws, axis=1)).astype(float)
        else:
            total_now = pd.to_numeric(last[whole], errors="coerce").to_numpy(dtype=float)
            x, m = np.nan_to_num(now), np.nan_to_num(total_now)
            if previous is not None and name in previous and whole in previous:
                dx = x - np.nan_to_num(pd.to_numeric(previous[name], errors="coerce").to_numpy(dtype=float))
                dm = m - np.nan_to_num(pd.to_numeric(previous[whole], errors="coerce").to_numpy(dtype=float))
                usable = (dm > 0) & (dx >= 0) & (dx <= dm)
                # the latest window's counts, and the earlier ones weighted by 1 − ``latest``
                x = np.where(usable, dx + (1 - latest) * (x - dx), x)
                m = np.where(usable, dm + (1 - latest) * (m - dm), m)
            x = np.clip(x, 0, m)
            # Beta(x + ε, m − x + ε): the observed rate as its mean (a uniform prior would pull 0/16 up to 1/18)
            p = rng.beta(np.repeat((x + PRIOR)[:, None], draws, axis=1), np.repeat((m - x + PRIOR)[:, None], draws, axis=1))
            rest[name] = rng.binomial(rest[whole].astype(np.int64), p).astype(float)
        missing = np.isnan(now)
        sim[name] = np.where(missing[:, None], np.nan, now[:, None] + rest[name])
    rows = pd.DataFrame({c: v.reshape(-1) for c, v in sim.items()},
                        index=pd.RangeIndex(n * draws))
    if "kind" in last:
        rows["kind"] = np.repeat(last["kind"].to_numpy(dtype=object), draws)
    result = evaluate(ruleset, rows)
    points = result.total.reshape(n, draws)
    pct = np.asarray(result.percent).reshape(n, draws)
    ranks = np.stack([rank(pct[:, d]) for d in range(draws)], axis=1).astype(float)
    ranks[ranks == 0] = np.nan
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    median_pct = np.nanmedian(pct, axis=1) if draws else pct[:, 0]
    table = pd.DataFrame({
        "diem": np.median(points, axis=1),
        "diem_thap": np.quantile(points, lo_q, axis=1),
        "diem_cao": np.quantile(points, hi_q, axis=1),
        "ty_le": median_pct,
        "hang": np.round(np.nanmedian(ranks, axis=1)),
        "hang_cao": np.floor(np.nanquantile(ranks, lo_q, axis=1)),
        "hang_thap": np.ceil(np.nanquantile(ranks, hi_q, axis=1)),
        "xep_loai": classify(median_pct, ruleset),
    }, index=units)
    figures = pd.DataFrame({c: np.median(v, axis=1) for c, v in sim.items()}, index=units)
    return Forecast(table, figures, share, draws, level)


def naive(ruleset: RuleSet, last: pd.DataFrame) -> pd.DataFrame:
    """The naive forecast: the latest cumulative period scored as if it were the whole year."""
    summary = evaluate(ruleset, last).summary()
    return summary[["diem", "ty_le", "hang", "xep_loai"]]
