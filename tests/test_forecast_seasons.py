"""The demo's past years (seasons, trends) and the forecast that learns from them: better than naive, intervals
calibrated on the past years, the shares it learns explainable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc.demo import POOR_COMMUNE_SHARE, POOR_DEPARTMENTS, DemoSpec, units_frame
from cchc.demo_years import dossiers_by_year
from rules.forecast import PastYear, accuracy, learned, naive, seasonal_shares
from rules.ruleset import find

RULES = find("qd766-2022")
SPEC = DemoSpec(communes=8, dossiers=8_000, past_years=3)


@pytest.fixture(scope="module")
def years():
    return dossiers_by_year(2024, 3, 60_000, units_frame(DemoSpec(communes=30)), POOR_DEPARTMENTS,
                            POOR_COMMUNE_SHARE, SPEC.seed)


def test_past_years_are_deterministic_and_cover_their_windows(years):
    again = dossiers_by_year(2024, 3, 60_000, units_frame(DemoSpec(communes=30)), POOR_DEPARTMENTS,
                             POOR_COMMUNE_SHARE, SPEC.seed)
    assert sorted(years) == [2021, 2022, 2023, 2024]
    for year, frame in years.items():
        pd.testing.assert_frame_equal(frame, again[year])
        received = pd.to_datetime(frame["Ngày tiếp nhận"])
        assert received.min() >= pd.Timestamp(year - 1, 12, 15) and received.max() <= pd.Timestamp(year, 12, 14)


def test_fewer_dossiers_around_tet_and_more_at_the_year_end(years):
    for year, frame in years.items():
        month = pd.to_datetime(frame["Ngày tiếp nhận"]).dt.month
        per_month = month.value_counts()
        middle = per_month[[4, 5, 7, 8, 9]].mean()
        tet_month = {2021: 2, 2022: 2, 2023: 1, 2024: 2}[year]
        assert per_month[tet_month] < 0.8 * middle, (year, per_month.to_dict())
        assert per_month[11] > 1.08 * middle  # (December holds the next window's first half-month)


def test_online_share_rises_and_on_time_dips_at_the_year_end(years):
    for frame in years.values():
        received = pd.to_datetime(frame["Ngày tiếp nhận"])
        online = frame["Hình thức nộp"].eq("Trực tuyến")
        finished = pd.to_datetime(frame["Ngày có kết quả"])
        late = finished.isna() | (finished > pd.to_datetime(frame["Ngày hẹn trả"]))  # unfinished: late by then
        spring = received.dt.month.isin([3, 4, 5])
        autumn = received.dt.month.isin([9, 10]) | ((received.dt.month == 11) & (received.dt.day < 5))
        rush = (received.dt.month == 11) & (received.dt.day > 15) | ((received.dt.month == 12) & (received.dt.day < 10))
        assert online[autumn].mean() > online[spring].mean() + 0.04
        assert late[rush].mean() > late[spring | autumn].mean() * 1.3


def test_units_improve_or_decline_across_years(years):
    """Each unit's online share from the first past year to this one, less the province's change: some units
    gain more than sampling noise allows, some lose."""
    share = {y: f.groupby("Mã đơn vị")["Hình thức nộp"].apply(lambda s: (s == "Trực tuyến").mean())
             for y, f in years.items()}
    counts = years[2021]["Mã đơn vị"].value_counts()
    big = counts[counts >= 400].index
    change = (share[2024] - share[2021]).loc[big]
    change = change - change.median()
    assert change.max() > 0.06 and change.min() < -0.06, change.describe()


# --- The forecast on a province with past years ---------------------------------------------------------


@pytest.fixture(scope="module")
def seasonal_province(tmp_path_factory):
    from cchc.demo import generate
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    folder = tmp_path_factory.mktemp("past-years")
    files = generate(folder / "data", SPEC)
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    upgrade(engine)
    for path in files.in_order():
        ingest_file(engine, path)
    yield engine
    engine.dispose()


def _errors(engine, code: str):
    from cycle.scoring import scoring_frame
    from office.whatif import forecast_year
    from rules.evaluate import evaluate

    truth = evaluate(RULES, scoring_frame(engine, RULES, "2024-NAM")).summary()
    made = forecast_year(engine, RULES, f"2024-{code}", draws=100)
    flat = naive(RULES, scoring_frame(engine, RULES, f"2024-{code}")).loc[made.table.index]
    t = truth.loc[made.table.index]
    return made, (made.table["diem"] - t["diem"]).abs().mean(), (flat["diem"] - t["diem"]).abs().mean(), t


def test_the_forecast_after_six_months_beats_naive_on_the_past_years(seasonal_province):
    made, error, naive_error, truth = _errors(seasonal_province, "6T")
    assert made.years == 3
    assert error < 0.8 * naive_error, (error, naive_error)
    t = made.table
    inside = ((truth["diem"] >= t["diem_thap"]) & (truth["diem"] <= t["diem_cao"])).mean()
    assert inside >= 0.6  # nominal 80%, on a province of a few dozen units
    code = t.index[t["name"] == "Sở Xây dựng"][0]
    assert made.sentence(code).endswith(", theo diễn biến 3 năm trước)")


def test_the_forecast_at_q1_beats_naive(seasonal_province):
    _, error, naive_error, _ = _errors(seasonal_province, "Q1")
    assert error < 0.8 * naive_error, (error, naive_error)


# --- What is learned, on figures made by hand -----------------------------------------------------------


def test_shares_pool_a_units_years_and_lean_on_the_province_by_size():
    units = ["A", "B", "C"]
    at = pd.DataFrame({"hs_tiep_nhan": [20.0, 30.0, 1.0]}, index=units)
    end = pd.DataFrame({"hs_tiep_nhan": [100.0, 100.0, 10.0]}, index=units)
    shares = seasonal_shares([(at, end), (at, end)], ["hs_tiep_nhan", "tthc_tong"])
    assert shares.province["hs_tiep_nhan"] == pytest.approx(51 / 210)
    kappa = 100.0  # the median unit's mean year
    assert shares.unit.loc["A", "hs_tiep_nhan"] == pytest.approx((40 + kappa * 51 / 210) / (200 + kappa))
    # C's 10% on a small volume is mostly the province's share
    province = shares.province["hs_tiep_nhan"]
    assert abs(shares.unit.loc["C", "hs_tiep_nhan"] - province) < 0.2 * abs(0.1 - province)
    assert "tthc_tong" not in shares.province  # no figures: not learned, carried


def test_a_seasonal_year_is_forecast_from_its_shares_with_calibrated_intervals():
    """Units whose first half holds 40% of their dossiers and whose on-time rates rise in the second half: the learned
    forecast expects the rise, naive does not; the intervals hold the year at about their rate."""
    rng = np.random.default_rng(3)
    n = 80
    index = [f"U{i:02d}" for i in range(n)]
    volume = rng.integers(300, 3000, n)
    rate = rng.uniform(0.5, 0.9, n)

    def year(seed):
        r = np.random.default_rng(seed)
        first = r.poisson(volume * 0.4)
        second = r.poisson(volume * 0.6)
        a1, a2 = r.binomial(first, rate * 0.85), r.binomial(second, np.minimum(1, rate * 1.1))
        frame = lambda w, x: pd.DataFrame({"kind": "so_nganh", "hs_tiep_nhan": w.astype(float),  # noqa: E731
                                           "hs_dung_han": x.astype(float), "tthc_tong": 100.0,
                                           "tthc_dvctt": 70.0}, index=index)
        return frame(first, a1), frame(first + second, a1 + a2)

    flows = {"hs_tiep_nhan", "hs_dung_han"}
    wholes = {"hs_dung_han": "hs_tiep_nhan"}
    past = [PastYear([(0.5, h)], y) for h, y in (year(s) for s in (10, 11, 12))]
    half, truth_frame = year(99)
    made = learned(RULES, [(0.5, half)], past, flows, wholes, draws=200, seed=1)
    truth = naive(RULES, truth_frame)
    error = (made.table["diem"] - truth["diem"]).abs().mean()
    naive_error = (naive(RULES, half)["diem"] - truth["diem"]).abs().mean()
    assert made.years == 3 and error < 0.5 * naive_error
    assert made.figures["hs_tiep_nhan"].div(half["hs_tiep_nhan"]).between(2.2, 2.8).all()  # 1 / 0.4
    t = made.table
    inside = ((truth["diem"] >= t["diem_thap"]) & (truth["diem"] <= t["diem_cao"])).mean()
    assert 0.65 <= inside <= 0.97


def test_the_backtest_measures_errors_against_naive_and_the_intervals_coverage():
    index = ["A", "B", "C", "D"]
    made = pd.DataFrame({"diem": [70.0, 80, 60, 50], "diem_thap": [68.0, 79, 55, 49], "diem_cao": [72.0, 81, 65, 51],
                         "hang": [2.0, 1, 3, 4], "hang_cao": [1.0, 1, 3, 4], "hang_thap": [3.0, 2, 3, 4]}, index=index)
    truth = pd.DataFrame({"diem": [71.0, 83, 60, 50], "hang": [2, 1, 4, 3]}, index=index)
    flat = pd.DataFrame({"diem": [65.0, 80, 62, 50], "hang": [2, 1, 3, 4]}, index=index)
    row = accuracy(made, truth, flat)
    assert row["points"] == pytest.approx(1.0) and row["naive_points"] == pytest.approx(11 / 4)
    assert row["rank"] == pytest.approx(0.5) and row["naive_rank"] == pytest.approx(0.5)
    assert row["points_covered"] == pytest.approx(3 / 4)  # B's 83 is above 81
    assert row["rank_covered"] == pytest.approx(2 / 4)  # C ranked 4th, D 3rd: outside [3, 3] and [4, 4]
    assert row["width"] == pytest.approx((4 + 2 + 10 + 2) / 4)


def test_the_demos_files_name_each_dossier_files_year(tmp_path):
    from cchc.demo import generate

    files = generate(tmp_path, DemoSpec(communes=2, dossiers=2_000, past_years=3))
    dossiers = [p for p in files.in_order() if p.name.startswith("ho_so_")]
    assert [p.name for p in dossiers] == ["ho_so_2021.csv", "ho_so_2022.csv", "ho_so_2023.csv", "ho_so_2024.csv"]
    for path in dossiers:
        received = pd.to_datetime(pd.read_csv(path)["Ngày tiếp nhận"])
        assert files.year_of(path, 2024) == int(path.stem[-4:]) == received.median().year
    facts = [p.name for p in files.in_order() if p.name.startswith("so_lieu_")]
    assert facts == ["so_lieu_2021.xlsx", "so_lieu_2022.xlsx", "so_lieu_2023.xlsx", "so_lieu_2024.xlsx"]
