"""The demo province's dossiers over several years, with the seasons and trends a real province shows.

Per unit, drawn once for every year: a volume, a yearly growth of it, a base rate of each habit (online,
on time, digitised, electronic result, online payment; low at the poor units) and a direction — an improving
unit gains, a declining one loses, a fraction of a logit a year on every habit. Over the year, for every
unit alike:

* **volume** by month of receipt: few dossiers in the week of Tết and the fortnight after it, a slow January,
  a busy end of the year (``MONTH_WEIGHT``, ``TET``); weekends nearly empty;
* **habits** drift: the online share, digitisation, electronic results and online payment rise through the
  year (campaigns, the one-stop shop's new equipment), on-time results dip at Tết and in the year-end rush
  (``SEASON``).

So a unit's Q1 is not a quarter of its year, and its rates at Q1 are not its year's rates: a forecast has to
learn from the past years how a year usually unfolds. Everything comes from one generator seeded from the
demo's seed, so the same spec gives the same files.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from store import calendar

# Month of receipt → relative number of dossiers (January slow, February has Tết, the year-end busy).
MONTH_WEIGHT = {1: 0.8, 2: 0.75, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.05, 7: 1.0, 8: 0.95, 9: 1.0, 10: 1.05, 11: 1.15,
                12: 1.3}
# The first day of the lunar new year; offices close for about a week around it.
TET = {2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12),
       2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
       2026: date(2026, 2, 17), 2027: date(2027, 2, 6)}
# Habit → (logit change from the start to the end of the year's window, logit change at Tết and in the last
# five weeks of the window).
SEASON = {"online": (0.9, 0.0), "on_time": (0.0, -0.7), "digitised": (0.7, 0.0), "e_result": (0.5, 0.0),
          "pay_online": (0.7, 0.0)}
TREND_SD = 0.3  # logits a year: how fast units improve or decline
GROWTH = (0.04, 0.08)  # mean and spread of a unit's yearly change in volume (log)


def _logit(p):
    return np.log(p / (1 - p))


def _expit(x):
    return 1 / (1 + np.exp(-x))


def profiles(handling: np.ndarray, poor: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Each unit's habits in the middle of the demo's year, its volume weight, growth and direction."""
    n = len(handling)
    return {
        "online": np.where(poor, rng.uniform(0.1, 0.35, n), rng.uniform(0.45, 0.9, n)),
        "on_time": np.where(poor, rng.uniform(0.75, 0.9, n), rng.uniform(0.93, 0.99, n)),
        "digitised": np.where(poor, rng.uniform(0.2, 0.5, n), rng.uniform(0.6, 0.95, n)),
        "e_result": np.where(poor, rng.uniform(0.3, 0.6, n), rng.uniform(0.7, 0.97, n)),
        "pay_online": np.where(poor, rng.uniform(0.05, 0.3, n), rng.uniform(0.4, 0.85, n)),
        "weight": rng.lognormal(0, 0.8, n),
        "growth": rng.normal(*GROWTH, n),
        "direction": rng.normal(0, TREND_SD, n),
    }


def day_weights(year: int) -> tuple[np.ndarray, np.ndarray]:
    """The days of ``year``'s data window and the relative number of dossiers received on each."""
    window = calendar.year_window(year)
    days = pd.date_range(window.start, window.end, freq="D")
    w = days.month.map(MONTH_WEIGHT).to_numpy(dtype=float)
    w = np.where(days.day_of_week >= 5, 0.03, w)
    tet = pd.Timestamp(TET.get(year, date(year, 2, 5)))
    offset = (days - tet).days.to_numpy()
    w = np.where((offset >= -4) & (offset <= 6), w * 0.08, np.where((offset > 6) & (offset <= 20), w * 0.7, w))
    return days.to_numpy(dtype="datetime64[D]"), w / w.sum()


def season(habit: str, phase: np.ndarray, near_tet: np.ndarray) -> np.ndarray:
    """The logit shift of ``habit`` for dossiers received at ``phase`` (0 → 1 through the window)."""
    rise, dip = SEASON[habit]
    return rise * (phase - 0.5) + dip * (near_tet | (phase > 1 - 35 / 365))


def year_of_dossiers(year: int, reference: int, n: int, handling: np.ndarray, prof: dict[str, np.ndarray],
                     rng: np.random.Generator) -> pd.DataFrame:
    """``year``'s dossiers (about ``n`` at the reference year, grown by each unit's growth since)."""
    ago = year - reference
    weight = prof["weight"] * np.exp(prof["growth"] * ago)
    total = max(1, int(round(n * weight.sum() / prof["weight"].sum())))
    unit_idx = np.sort(rng.choice(len(handling), size=total, p=weight / weight.sum()))
    days, p_day = day_weights(year)
    received = days[rng.choice(len(days), size=total, p=p_day)]
    window = calendar.year_window(year)
    start = np.datetime64(window.start, "D")
    phase = (received - start).astype(int) / len(days)
    tet = np.datetime64(TET.get(year, date(year, 2, 5)), "D")
    near_tet = np.abs((received - tet).astype(int)) <= 10
    # A unit's habits at the time of receipt: its level, its direction over the years, the season.
    when = ago + phase - 0.5
    p = {h: _expit(_logit(prof[h][unit_idx]) + prof["direction"][unit_idx] * when + season(h, phase, near_tet))
         for h in SEASON}
    tthc_pool = 60
    tthc_local = rng.integers(0, tthc_pool, total)
    tthc_code = (np.array([f"{1 + (u % 2)}.00{4000 + 37 * u:04d}" for u in range(tthc_pool * 3)])
                 [(tthc_local + unit_idx * 7) % (tthc_pool * 3)])
    legal_days = (tthc_local % 15) + 1
    allowed = legal_days * 7 // 5 + 1
    due = received + allowed.astype("timedelta64[D]")
    on_time = rng.random(total) < p["on_time"]
    spent = np.where(on_time, rng.integers(0, 1000, total) % (allowed + 1), allowed + 1 + rng.integers(1, 20, total))
    finished = received + spent.astype("timedelta64[D]")
    unfinished = finished > np.datetime64(window.end, "D") + np.timedelta64(10, "D")
    channel = np.where(rng.random(total) < p["online"], "Trực tuyến",
                       np.where(rng.random(total) < 0.08, "Bưu chính", "Trực tiếp"))
    has_fee = (tthc_local % 5) < 2
    paid_online = has_fee & (channel == "Trực tuyến") & (rng.random(total) < p["pay_online"] / 0.8)
    digitised = rng.random(total) < p["digitised"]
    e_result = ~unfinished & (rng.random(total) < p["e_result"])
    supplements = np.where(rng.random(total) < 0.06, rng.integers(1, 3, total), 0)
    order = np.lexsort((received, unit_idx))
    return dossier_table(handling[unit_idx], tthc_code, received, due, finished, unfinished, channel, has_fee,
                         paid_online, digitised, e_result, supplements, paper_results(tthc_local)
                         ).iloc[order].reset_index(drop=True)


def paper_results(tthc_local: np.ndarray) -> np.ndarray:
    """Whether each dossier's procedure returns a paper result (a licence, a certificate): 3 of every 7 of a
    unit's procedures, a property of the procedure, so no random draw (the other columns stay as they were)."""
    return tthc_local % 7 < 3


def dossier_table(units, tthc_code, received, due, finished, unfinished, channel, has_fee, paid_online, digitised,
                  e_result, supplements, paper_result) -> pd.DataFrame:
    """Dossiers as a one-stop shop's system exports them (the demo's file of a year, past years' alike)."""
    yes_no = np.array(["Không", "Có"])
    iso = lambda a: a.astype("datetime64[D]").astype(str)  # noqa: E731 - ISO dates, as systems export them
    seq = np.arange(1, len(units) + 1)
    return pd.DataFrame({
        "Mã đơn vị": units,
        "Mã hồ sơ": np.char.add(np.char.add("H", np.char.replace(iso(received), "-", "")),
                                np.char.add("-", np.char.zfill(seq.astype(str), 8))),
        "Mã TTHC": tthc_code,
        "Ngày tiếp nhận": iso(received),
        "Ngày hẹn trả": iso(due),
        "Ngày có kết quả": np.where(unfinished, "", iso(finished)),
        "Hình thức nộp": channel,
        "Có phí, lệ phí": yes_no[has_fee.astype(int)],
        "Thanh toán trực tuyến": yes_no[paid_online.astype(int)],
        "Số hóa": yes_no[digitised.astype(int)],
        "Kết quả điện tử": yes_no[e_result.astype(int)],
        "Số lần yêu cầu bổ sung": supplements,
        "TTHC trả kết quả bản giấy": yes_no[paper_result.astype(int)],
    })


def dossiers_by_year(year: int, past_years: int, n: int, units: pd.DataFrame, poor_departments: tuple[str, ...],
                     poor_share: float, seed: int) -> dict[int, pd.DataFrame]:
    """``past_years`` years before ``year`` and ``year`` itself, the same units with the same habits throughout."""
    rng = np.random.default_rng([seed, past_years, 7])
    handling = units[units["Loại đơn vị"].isin(["Sở, ban, ngành", "UBND xã, phường"])]["Mã đơn vị"].to_numpy()
    poor = np.isin(handling, poor_departments) | (rng.random(len(handling)) < poor_share)
    prof = profiles(handling, poor, rng)
    return {y: year_of_dossiers(y, year, n, handling, prof, rng) for y in range(year - past_years, year + 1)}
