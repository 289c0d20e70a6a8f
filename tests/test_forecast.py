"""Forecast of the year's end from cumulative periods: intervals that hold the truth, figures carried or run on,
the office's sentence, and refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rules.forecast import forecast, naive
from rules.ruleset import find

RULES = find("qd766-2022")
FLOWS = {"hs_tiep_nhan", "hs_dung_han", "hs_truc_tuyen", "hs_so_hoa"}
WHOLES = {"hs_dung_han": "hs_tiep_nhan", "hs_truc_tuyen": "hs_tiep_nhan", "hs_so_hoa": "hs_tiep_nhan"}


def simulated_year(seed: int, units: int = 60):
    """Cumulative counts at Q1, 6 months, 9 months and the year of units with steady rates, dossiers arriving
    evenly, and procedures in force that do not change."""
    rng = np.random.default_rng(seed)
    volume = rng.integers(200, 3000, units)
    rates = {p: rng.uniform(0.3, 1.0, units) for p in ("hs_dung_han", "hs_truc_tuyen", "hs_so_hoa")}
    quarters = [rng.poisson(volume / 4) for _ in range(4)]
    frames, total = [], np.zeros(units)
    parts = {p: np.zeros(units) for p in rates}
    for q in quarters:
        total = total + q
        for p, r in rates.items():
            parts[p] = parts[p] + rng.binomial(q, r)
        frames.append(pd.DataFrame({"kind": "so_nganh", "hs_tiep_nhan": total, **{p: v.copy() for p, v in parts.items()},
                                    "tthc_tong": 100.0, "tthc_dvctt": 70.0},
                                   index=[f"U{i:02d}" for i in range(units)]))
    return frames


@pytest.mark.parametrize("known", [1, 2, 3])
def test_the_interval_holds_the_year_at_about_its_rate(known):
    covered, points_error, naive_error = [], [], []
    for seed in range(4):
        frames = simulated_year(seed)
        truth = naive(RULES, frames[3])
        made = forecast(RULES, [(q / 4, f) for q, f in zip(range(1, known + 1), frames[:known])], FLOWS, WHOLES,
                        draws=200, level=0.8, seed=seed)
        t = made.table
        assert (t["diem_thap"] <= t["diem"]).all() and (t["diem"] <= t["diem_cao"]).all()
        assert (t["hang_cao"] <= t["hang"]).all() and (t["hang"] <= t["hang_thap"]).all()
        covered.append(((truth["diem"] >= t["diem_thap"] - 1e-9) & (truth["diem"] <= t["diem_cao"] + 1e-9)).mean())
        points_error.append((t["diem"] - truth["diem"]).abs().mean())
        naive_error.append((naive(RULES, frames[known - 1])["diem"] - truth["diem"]).abs().mean())
    assert 0.65 <= np.mean(covered) <= 0.95  # nominal 80%
    assert np.mean(points_error) <= np.mean(naive_error) * 1.1


def test_figures_run_on_or_stand():
    frames = simulated_year(9, units=10)
    made = forecast(RULES, [(0.5, frames[1])], FLOWS, WHOLES, draws=100)
    assert (made.figures["tthc_tong"] == 100).all()  # not a flow: carried
    ratio = made.figures["hs_tiep_nhan"] / frames[1]["hs_tiep_nhan"]
    assert ratio.between(1.7, 2.3).all()  # half the year so far: about twice at the end
    assert (made.figures["hs_dung_han"] <= made.figures["hs_tiep_nhan"]).all()


def test_refusals():
    frames = simulated_year(1, units=5)
    with pytest.raises(ValueError, match="cần ít nhất một kỳ"):
        forecast(RULES, [], FLOWS, WHOLES)
    with pytest.raises(ValueError, match="tỷ lệ thời gian đã qua"):
        forecast(RULES, [(0.0, frames[0])], FLOWS, WHOLES)


def test_the_office_forecast_after_six_months(province):
    from office.errors import Refused
    from office.whatif import forecast_year

    made = forecast_year(province, RULES, "2024-6T", draws=100)
    code = made.table.index[made.table["name"] == "Sở Xây dựng"][0]
    text = made.sentence(code)
    assert text.startswith("Sở Xây dựng — dự báo cả năm: ") and " điểm, hạng " in text
    assert "từ số liệu lũy kế 50% thời gian của năm" in text
    with pytest.raises(Refused, match="dự báo cả năm đi từ một kỳ lũy kế"):
        forecast_year(province, RULES, "2024-NAM")
