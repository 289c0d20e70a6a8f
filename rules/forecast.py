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

With past years (``learned``), a figure does not reach its year's end as the share of time says but as the
unit's past years say: ``shares`` holds, per unit and figure, the share of the year's figure that was usually
there at this point (the unit's past years pooled, drawn towards the province's by a pseudo-year of a typical
unit), so the year is expected at ``so far / share`` — for a whole, Tết and the year-end rush; for a part, how
the unit's rate at this point usually relates to its year's rate (seasons, and the unit's trend). The interval
is then calibrated on the past years: each is forecast from the same point with the shares of the others and
the intervals widened or narrowed by the factor that made them hold that year's points (and ranks) at the
nominal rate (split conformal prediction, the spread of the draws plus a floor as the scale).

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
    years: int = 0  # past years learned from (0: none, the share of time)
    factor: tuple[float, float] = (1.0, 1.0)  # the calibration's widening of the points' and the ranks' intervals


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
             latest: float = 0.0, shares: Shares | None = None) -> Forecast:
    """The year-end forecast from ``periods``: (share of the year covered, the units' inputs and ``kind``) in
    order, the last the latest cumulative period. ``flows``: inputs that accumulate; ``wholes``: part → whole.
    ``shares`` (units × inputs, from ``seasonal_shares``): the share of each figure's year usually reached by
    now; a figure not in it runs on by the share of time (a flow) or stands (any other)."""
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
    learned = _learned(shares, units, share, flows)
    rest: dict[str, np.ndarray] = {}
    expected: dict[str, np.ndarray] = {}  # a flow's year as the shares expect it
    for name in _order({f for f in flows if f in sim}, wholes):
        now = pd.to_numeric(last[name], errors="coerce").to_numpy(dtype=float)
        whole = wholes.get(name)
        expected[name] = np.nan_to_num(now) / learned.get(name, np.full(n, share))
        if whole not in rest:  # a whole (or a flow whose whole is not a flow): Poisson for the rest of the year
            mean = expected[name] - np.nan_to_num(now)
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
            if name in learned:  # the rest of the year's rate as the unit's seasons expect it, on the same weight
                ahead = expected[whole] - np.nan_to_num(total_now)
                rate = np.clip(np.divide(expected[name] - np.nan_to_num(now), ahead, out=x / np.maximum(m, 1),
                                         where=ahead > 0), 0, 1)
                x = rate * m
            # Beta(x + ε, m − x + ε): the observed rate as its mean (a uniform prior would pull 0/16 up to 1/18)
            p = rng.beta(np.repeat((x + PRIOR)[:, None], draws, axis=1), np.repeat((m - x + PRIOR)[:, None], draws, axis=1))
            rest[name] = rng.binomial(rest[whole].astype(np.int64), p).astype(float)
        missing = np.isnan(now)
        sim[name] = np.where(missing[:, None], np.nan, now[:, None] + rest[name])
    scaled = [name for name in learned if name not in rest and name in sim]
    for name in scaled:  # any other figure: its year as the shares expect it, a part within its whole
        sim[name] = sim[name] / learned[name][:, None]
    for name in scaled:
        if wholes.get(name) in sim:
            sim[name] = np.minimum(sim[name], sim[wholes[name]])
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


def accuracy(made, truth, flat) -> dict[str, float]:
    """A forecast's table against the year as scored and the naive forecast: mean absolute errors, how often
    the intervals hold the year, their mean width in points."""
    t, flat = truth.loc[made.index], flat.loc[made.index]
    return {
        "points": float((made["diem"] - t["diem"]).abs().mean()),
        "naive_points": float((flat["diem"] - t["diem"]).abs().mean()),
        "rank": float((made["hang"] - t["hang"]).abs().mean()),
        "naive_rank": float((flat["hang"] - t["hang"]).abs().mean()),
        "points_covered": float(((t["diem"] >= made["diem_thap"] - 1e-9) & (t["diem"] <= made["diem_cao"] + 1e-9)).mean()),
        "rank_covered": float(((t["hang"] >= made["hang_cao"]) & (t["hang"] <= made["hang_thap"])).mean()),
        "width": float((made["diem_cao"] - made["diem_thap"]).mean()),
    }

# --- Learning from past years ------------------------------------------------------------------------

SHARE_BOUNDS = (0.02, 5.0)
POINT_FLOOR = 0.25  # points: the scale of a unit whose draws all score alike (calibration)
RANK_FLOOR = 1.0


@dataclass(frozen=True)
class Shares:
    """The share of each figure's year usually reached at one point of the year: per unit (its past years
    pooled, drawn towards the province's) and for the province (a unit with no past)."""

    unit: pd.DataFrame
    province: pd.Series
    years: int


@dataclass(frozen=True)
class PastYear:
    """A past year as far as the point forecast from (its cumulative periods, as ``forecast`` takes them), and
    its year's inputs."""

    periods: list[tuple[float, pd.DataFrame]]
    year: pd.DataFrame


def seasonal_shares(past: list[tuple[pd.DataFrame, pd.DataFrame]], inputs, prior: float = 1.0) -> Shares:
    """From (figures at the point, figures at the year's end) of past years: per figure, the province's share
    Σ at the point / Σ at the end, and each unit's (Σ its points + κ·province) / (Σ its ends + κ), κ ``prior``
    times a typical unit's year (the median of the units' mean year), so a small or new unit leans on the
    province and a large one with years behind it on itself."""
    units: dict[str, pd.Series] = {}
    province: dict[str, float] = {}
    for name in inputs:
        at, end = [], []
        for now, year in past:
            if name not in now or name not in year:
                continue
            a = pd.to_numeric(now[name], errors="coerce")
            b = pd.to_numeric(year[name], errors="coerce").reindex(a.index)
            ok = a.notna() & b.notna() & (b > 0) & (a >= 0)
            at.append(a[ok])
            end.append(b[ok])
        if not at or sum(len(x) for x in at) == 0:
            continue
        a, b = pd.concat(at), pd.concat(end)
        whole = float(a.sum() / b.sum())
        if not np.isfinite(whole):
            continue
        province[name] = whole
        sum_a, sum_b = a.groupby(level=0).sum(), b.groupby(level=0).sum()
        kappa = prior * float(b.groupby(level=0).mean().median())
        units[name] = (sum_a + kappa * whole) / (sum_b + kappa)
    lo, hi = SHARE_BOUNDS
    return Shares(pd.DataFrame(units).clip(lo, hi), pd.Series(province, dtype=float).clip(lo, hi), len(past))


def _learned(shares: Shares | None, units: pd.Index, share: float, flows: set[str]) -> dict[str, np.ndarray]:
    if shares is None:
        return {}
    out = {}
    for name, whole in shares.province.items():
        col = shares.unit[name] if name in shares.unit else pd.Series(dtype=float)
        out[name] = col.reindex(units).fillna(whole).to_numpy(dtype=float)
    return out


def _conformity(truth, median, low, high, floor) -> np.ndarray:
    """How far outside its interval the truth fell, in units of the interval's half on that side (≤ 1: inside
    the interval as drawn)."""
    t, m = truth.to_numpy(dtype=float), median.to_numpy(dtype=float)
    below = (m - t) / (m - low.to_numpy(dtype=float) + floor)
    above = (t - m) / (high.to_numpy(dtype=float) - m + floor)
    out = np.maximum(below, above)
    return out[np.isfinite(out)]


def _factor(scores: np.ndarray, level: float) -> float:
    """The split-conformal quantile: the smallest widening that holds ⌈(n + 1)·level⌉ of n past cases."""
    if not len(scores):
        return 1.0
    n = len(scores)
    return float(np.quantile(scores, min(1.0, np.ceil((n + 1) * level) / n), method="higher"))


def learned(ruleset: RuleSet, periods: list[tuple[float, pd.DataFrame]], past: list[PastYear], flows: set[str],
            wholes: dict[str, str], draws: int = 200, level: float = 0.8, seed: int = 0,
            prior: float = 1.0) -> Forecast:
    """``forecast`` with the seasonal shares of ``past`` (the past years at the same point of the year), its
    intervals calibrated on them: each past year is forecast with the shares of the others (of itself when it
    is the only one) and scored against its own year. No past: ``forecast`` as it is."""
    if not past:
        return forecast(ruleset, periods, flows, wholes, draws=draws, level=level, seed=seed)
    inputs = list(ruleset.inputs)
    pairs = [(p.periods[-1][1], p.year) for p in past]
    made = forecast(ruleset, periods, flows, wholes, draws=draws, level=level, seed=seed,
                    shares=seasonal_shares(pairs, inputs, prior))
    points, ranks = [], []
    for i, p in enumerate(past):
        others = [q for j, q in enumerate(pairs) if j != i] or pairs
        back = forecast(ruleset, p.periods, flows, wholes, draws=draws, level=level, seed=seed + 1 + i,
                        shares=seasonal_shares(others, inputs, prior)).table
        truth = evaluate(ruleset, p.year).summary().reindex(back.index)
        points.append(_conformity(truth["diem"], back["diem"], back["diem_thap"], back["diem_cao"], POINT_FLOOR))
        ranks.append(_conformity(truth["hang"], back["hang"], back["hang_cao"], back["hang_thap"], RANK_FLOOR))
    fp, fr = _factor(np.concatenate(points), level), _factor(np.concatenate(ranks), level)
    t = made.table.copy()
    top = ruleset.max
    t["diem_thap"] = np.clip(t["diem"] - fp * (t["diem"] - t["diem_thap"] + POINT_FLOOR), 0, top)
    t["diem_cao"] = np.clip(t["diem"] + fp * (t["diem_cao"] - t["diem"] + POINT_FLOOR), 0, top)
    ranked = int(t["hang"].notna().sum())
    t["hang_cao"] = np.clip(np.floor(t["hang"] - fr * (t["hang"] - t["hang_cao"] + RANK_FLOOR)), 1, ranked)
    t["hang_thap"] = np.clip(np.ceil(t["hang"] + fr * (t["hang_thap"] - t["hang"] + RANK_FLOOR)), 1, ranked)
    return Forecast(t, made.figures, made.share, made.draws, level, len(past), (fp, fr))
