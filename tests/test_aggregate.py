"""Dossier counts per unit and period (Decision 766, DOMAIN.md §3.4), computed by hand for small cases."""

import pandas as pd
import pytest

from dossier_counts import aggregate


def frame(rows):
    cols = ["unit_id", "code", "tthc_code", "received", "due", "finished", "channel", "has_fee", "paid_online",
            "digitised", "e_result", "supplements"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("received", "due", "finished"):
        df[c] = pd.to_datetime(df[c])
    return df


def value(facts, unit, period, indicator):
    hit = facts[(facts.unit_id == unit) & (facts.period_code == period) & (facts.indicator_code == indicator)]
    assert len(hit) == 1, (unit, period, indicator)
    return hit["value"].iloc[0]


@pytest.fixture
def facts():
    return aggregate(frame([
        # on time: finished on its due date
        (1, "a", "T1", "2024-01-10", "2024-01-20", "2024-01-20", "truc_tuyen", True, True, True, True, 0),
        # late: finished after due
        (1, "b", "T1", "2024-02-01", "2024-02-05", "2024-02-09", "truc_tiep", True, False, False, False, 0),
        # unfinished and already past due at the end of Q1 (14/3): late in Q1
        (1, "c", "T2", "2024-03-01", "2024-03-10", None, "buu_chinh", False, False, True, False, 1),
        # two requests for supplements: late whatever the dates
        (1, "d", "T2", "2024-03-02", "2024-03-30", "2024-03-05", "truc_tuyen", False, False, False, True, 2),
        # received on 15/12/2023: inside the 2024 year window, and in Q1
        (2, "e", "T3", "2023-12-15", "2024-01-30", "2024-01-02", "truc_tuyen", True, True, True, True, 0),
        # received in Q2, finished after the end of Q2 but before due: on time, not yet finished at 14/6
        (2, "f", "T3", "2024-06-10", "2024-06-30", "2024-06-20", "truc_tiep", False, False, False, False, 0),
    ]), 2024)


def test_q1_counts_for_unit_1(facts):
    assert value(facts, 1, "2024-Q1", "hs_tiep_nhan") == 4
    assert value(facts, 1, "2024-Q1", "hs_truc_tuyen") == 2
    assert value(facts, 1, "2024-Q1", "hs_truc_tiep") == 1
    assert value(facts, 1, "2024-Q1", "hs_buu_chinh") == 1
    assert value(facts, 1, "2024-Q1", "hs_da_giai_quyet") == 3
    assert value(facts, 1, "2024-Q1", "hs_dung_han") == 1
    assert value(facts, 1, "2024-Q1", "hs_qua_han") == 3
    assert value(facts, 1, "2024-Q1", "hs_bo_sung") == 2
    assert value(facts, 1, "2024-Q1", "hs_co_phi") == 2
    assert value(facts, 1, "2024-Q1", "hs_thanh_toan_truc_tuyen") == 1
    assert value(facts, 1, "2024-Q1", "hs_so_hoa") == 2
    assert value(facts, 1, "2024-Q1", "hs_ket_qua_dien_tu") == 2
    assert value(facts, 1, "2024-Q1", "hs_tong_ngay_giai_quyet") == 10 + 8 + 3
    assert value(facts, 1, "2024-Q1", "tthc_phat_sinh_ho_so") == 2


def test_the_first_day_of_the_window_belongs_to_q1(facts):
    assert value(facts, 2, "2024-Q1", "hs_tiep_nhan") == 1
    assert value(facts, 2, "2024-Q1", "hs_dung_han") == 1


def test_an_unfinished_dossier_not_yet_due_is_on_time_at_the_end_of_the_window(facts):
    assert value(facts, 2, "2024-Q2", "hs_tiep_nhan") == 1
    assert value(facts, 2, "2024-Q2", "hs_da_giai_quyet") == 0
    assert value(facts, 2, "2024-Q2", "hs_dung_han") == 1


def test_cumulative_periods_hold_every_dossier_of_their_window(facts):
    assert value(facts, 1, "2024-NAM", "hs_tiep_nhan") == 4
    assert value(facts, 2, "2024-6T", "hs_tiep_nhan") == 2
    assert value(facts, 2, "2024-NAM", "hs_da_giai_quyet") == 2
    assert facts[(facts.unit_id == 1) & (facts.period_code == "2024-Q2")].empty


def test_parts_never_exceed_their_wholes(facts):
    from store.indicators import registry

    wide = facts.pivot_table(index=["unit_id", "period_code"], columns="indicator_code", values="value")
    for code, ind in registry().items():
        if ind.source == "ho_so" and ind.whole:
            assert (wide[code] <= wide[ind.whole]).all(), code
