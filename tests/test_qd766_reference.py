"""Decision 766 worked by hand on a small year of two units: every dossier's state at each period's end written
out below, the counts per unit and period summed from those states by DOMAIN.md §3.4's definitions (not by the
store's code), and the points of the dossier criteria of qd766-2022 from its own formulas and thresholds. What the
store counts from the files and what the rule set scores must be the same.

The year 2024's data runs 15/12/2023 → 14/12/2024; a period's end is 14/3 (Q1), 14/6 (Q2, 6 months), 14/9 (Q3,
9 months) or 14/12 (Q4, the year). At a period's end a dossier is
    D  finished by its due date (on time)        X  finished after it (late)
    O  still open, not yet due (on time)          L  still open past its due date (late)
    .  not received yet
and more than one request for supplements makes it late whatever its dates (indicator 2.1).
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from cycle.scoring import evaluate_units, rescore
from cycle.scoring import stored as kept_run
from helpers import DOSSIER_HEADERS, units_file, write_csv
from rules.ruleset import find
from store.ingest import ingest_file

PAPER = "TTHC trả kết quả bản giấy"
YEAR = 2024
ENDS = ("Q1", "Q2", "Q3", "Q4")  # the four ends of periods, in the order of the states below
PERIODS = {  # a period: the quarters whose dossiers it counts, and the end it is judged at
    "Q1": (("Q1",), "Q1"), "Q2": (("Q2",), "Q2"), "6T": (("Q1", "Q2"), "Q2"), "Q3": (("Q3",), "Q3"),
    "9T": (("Q1", "Q2", "Q3"), "Q3"), "Q4": (("Q4",), "Q4"), "NAM": (("Q1", "Q2", "Q3", "Q4"), "Q4"),
}

# (row of the file, quarter it was received in, states at the four ends); a row: unit, code, procedure, received,
# due, finished, channel, fee, paid online, digitised, electronic result, supplements, paper result
FIRST = [
    # received on the year's first day, finished on its due date; a paper-result procedure with an e-result
    (["STP", "S1", "T1", "15/12/2023", "20/12/2023", "20/12/2023", "Trực tuyến", "Có", "Có", "Có", "Có", 0, "Có"],
     "Q1", "DDDD"),
    # finished two days late (corrected below); fee not paid online
    (["STP", "S2", "T2", "10/01/2024", "20/01/2024", "22/01/2024", "Trực tiếp", "Có", "Không", "Có", "Không", 0,
      "Không"], "Q1", "XXXX"),
    # open and past due at Q1's end, finished late in Q2; one request for supplements
    (["STP", "S3", "T1", "01/03/2024", "10/03/2024", "20/03/2024", "Trực tuyến", "Không", "Không", "Có", "Có", 1,
      "Có"], "Q1", "LXXX"),
    # received in Q1, not yet due at its end, finished on time in Q2
    (["STP", "S4", "T2", "10/03/2024", "25/03/2024", "20/03/2024", "Trực tuyến", "Có", "Có", "Không", "Có", 0,
      "Không"], "Q1", "ODDD"),
    # by post, on time by its dates but two requests for supplements: late; paper result without e-result
    (["STP", "S5", "T3", "20/04/2024", "30/04/2024", "28/04/2024", "Bưu chính", "Có", "Không", "Có", "Không", 2,
      "Có"], "Q2", ".XXX"),
    # never finished, past due at Q2's end
    (["STP", "S6", "T3", "01/06/2024", "10/06/2024", "", "Trực tuyến", "Không", "Không", "Không", "Không", 0, "Có"],
     "Q2", ".LLL"),
    # never finished, not yet due at Q2's end, past due from Q3's
    (["STP", "S7", "T1", "10/06/2024", "20/06/2024", "", "Trực tuyến", "Không", "Không", "Có", "Không", 0, "Có"],
     "Q2", ".OLL"),
    # finished on its due date after one request for supplements
    (["STP", "S8", "T2", "01/08/2024", "15/08/2024", "15/08/2024", "Trực tiếp", "Không", "Không", "Có", "Có", 1,
      "Không"], "Q3", "..DD"),
    (["STP", "S9", "T4", "20/09/2024", "01/10/2024", "30/09/2024", "Trực tuyến", "Có", "Có", "Có", "Có", 0, "Có"],
     "Q4", "...D"),
    # received on the year's last day, not yet due
    (["STP", "S10", "T4", "14/12/2024", "20/12/2024", "", "Trực tuyến", "Có", "Không", "Có", "Không", 0, "Có"],
     "Q4", "...O"),
    (["XA0001", "X1", "T5", "05/01/2024", "08/01/2024", "07/01/2024", "Trực tiếp", "Không", "Không", "Không", "Không",
      0, "Không"], "Q1", "DDDD"),
    (["XA0001", "X2", "T5", "20/02/2024", "27/02/2024", "01/03/2024", "Trực tiếp", "Không", "Không", "Có", "Không", 0,
      "Không"], "Q1", "XXXX"),
    (["XA0001", "X3", "T6", "10/05/2024", "20/05/2024", "18/05/2024", "Trực tuyến", "Có", "Có", "Có", "Có", 0, "Có"],
     "Q2", ".DDD"),
    # open past due at Q3's end (received two days before it), finished late in Q4
    (["XA0001", "X4", "T6", "10/09/2024", "12/09/2024", "20/09/2024", "Trực tuyến", "Có", "Không", "Có", "Có", 0,
      "Có"], "Q3", "..LX"),
    (["XA0001", "X5", "T6", "01/11/2024", "15/11/2024", "14/11/2024", "Bưu chính", "Không", "Không", "Có", "Không", 0,
      "Có"], "Q4", "...D"),
]
# A later file sends S2 again, corrected: finished on time, with an electronic result; X1 again, received in Q2
# (it leaves Q1); and one new dossier.
SECOND = [
    (["XA0001", "X1", "T5", "05/04/2024", "08/04/2024", "07/04/2024", "Trực tiếp", "Không", "Không", "Không", "Không",
      0, "Không"], "Q2", ".DDD"),
    (["STP", "S2", "T2", "10/01/2024", "20/01/2024", "18/01/2024", "Trực tiếp", "Có", "Không", "Có", "Có", 0,
      "Không"], "Q1", "DDDD"),
    (["XA0001", "X6", "T5", "02/12/2024", "10/12/2024", "09/12/2024", "Trực tuyến", "Có", "Có", "Có", "Có", 0,
      "Không"], "Q4", "...D"),
]

# A third file sends S8 again: a second request for supplements had not been recorded (late from now on).
THIRD = [
    (["STP", "S8", "T2", "01/08/2024", "15/08/2024", "15/08/2024", "Trực tiếp", "Không", "Không", "Có", "Có", 2,
      "Không"], "Q3", "..DD"),
]
FILES = (FIRST, SECOND, THIRD)


def _as_they_stand() -> list[tuple[list, str, str]]:
    """The dossiers after the three files: a dossier sent again is its latest version."""
    kept = {}
    for sent in FILES:
        kept.update({(row[0], row[1]): (row, quarter, states) for row, quarter, states in sent})
    return list(kept.values())


def by_hand() -> dict[tuple[str, str], dict[str, float]]:
    """Per (unit, period code): the counts of §3.4, from the states written above."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    for (row, quarter, states) in _as_they_stand():
        unit, _, tthc, received, _, finished, channel, fee, paid, digitised, e_result, supplements, paper = row
        for period, (quarters, end) in PERIODS.items():
            if quarter not in quarters:
                continue
            state = states[ENDS.index(end)]
            done = state in "DX"
            late = state in "XL" or supplements > 1
            online = channel == "Trực tuyến"
            e_done = done and e_result == "Có"
            served = paper == "Không" or e_done  # a paper-result procedure needs its e-result (3.3, 4.2)
            days = 0
            if done:
                days = (pd.Timestamp(pd.to_datetime(finished, dayfirst=True))
                        - pd.Timestamp(pd.to_datetime(received, dayfirst=True))).days
            c = out.setdefault((unit, f"{YEAR}-{period}"), {"tthc": set()})
            for name, holds in (
                    ("hs_tiep_nhan", True), ("hs_truc_tuyen", online), ("hs_truc_tiep", channel == "Trực tiếp"),
                    ("hs_buu_chinh", channel == "Bưu chính"), ("hs_da_giai_quyet", done), ("hs_dung_han", not late),
                    ("hs_qua_han", late), ("hs_bo_sung", supplements >= 1), ("hs_co_phi", fee == "Có"),
                    ("hs_thanh_toan_truc_tuyen", fee == "Có" and paid == "Có"), ("hs_so_hoa", digitised == "Có"),
                    ("hs_ket_qua_dien_tu", e_done), ("hs_chua_ro_ban_giay", False),
                    ("hs_giay_da_giai_quyet", done and paper == "Có"),
                    ("hs_giay_ket_qua_dien_tu", e_done and paper == "Có"),
                    ("hs_truc_tuyen_dat", online and served), ("hs_so_hoa_dat", digitised == "Có" and served)):
                c[name] = c.get(name, 0) + int(holds)
            c["hs_tong_ngay_giai_quyet"] = c.get("hs_tong_ngay_giai_quyet", 0) + days
            c["tthc"].add(tthc)
    for c in out.values():
        c["tthc_phat_sinh_ho_so"] = len(c.pop("tthc"))
    return {k: {n: float(v) for n, v in c.items()} for k, c in out.items()}


def _rate_points(value: float, target: float, top: float) -> float:
    """«Full points from the threshold, proportional below it» (DOMAIN.md §3.4)."""
    return top if value >= target else value / target * top


def points_by_hand(c: dict[str, float]) -> dict[str, float]:
    """The dossier criteria of qd766-2022, with its thresholds (2.1: 100 %; 3.3: 50 %; 3.6, 4.1, 4.2: 80 %; 5.4:
    90 %) and points, from the counts."""
    n = c["hs_tiep_nhan"]
    out = {
        "2.1": _rate_points(c["hs_dung_han"] / n * 100, 100, 20),
        "3.3": _rate_points(c["hs_truc_tuyen_dat"] / n * 100, 50, 8),
        "4.2": _rate_points(c["hs_so_hoa_dat"] / n * 100, 80, 8),
        "5.4": _rate_points(100 - c["hs_qua_han"] / n * 100, 90, 6),
    }
    if c["hs_co_phi"]:
        out["3.6"] = _rate_points(c["hs_thanh_toan_truc_tuyen"] / c["hs_co_phi"] * 100, 80, 6)
    if c["hs_giay_da_giai_quyet"]:
        out["4.1"] = _rate_points(c["hs_giay_ket_qua_dien_tu"] / c["hs_giay_da_giai_quyet"] * 100, 80, 8)
    return out


@pytest.fixture
def stored(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    headers = DOSSIER_HEADERS + [PAPER]
    for i, sent in enumerate(FILES, 1):
        ingest_file(engine, write_csv(tmp_path / f"ho_so_{i}.csv", headers, [r for r, _, _ in sent]), year=YEAR)
    return engine


def _facts(engine) -> dict[tuple[str, str], dict[str, float]]:
    with engine.connect() as conn:
        facts = pd.read_sql(text("SELECT u.code AS unit, f.period_code, f.indicator_code, f.value, f.batch_id "
                                 "FROM fact f JOIN unit u ON u.id = f.unit_id WHERE u.code IN ('STP', 'XA0001')"), conn)
    facts = facts.sort_values("batch_id").drop_duplicates(["unit", "period_code", "indicator_code"], keep="last")
    out: dict[tuple[str, str], dict[str, float]] = {}
    for row in facts.itertuples():
        out.setdefault((row.unit, row.period_code), {})[row.indicator_code] = float(row.value)
    return out


def test_the_hand_states_are_the_year_s_worked_example():
    """A few of the sums, read off the table above: the reference itself is checked before the store is."""
    want = by_hand()
    stp_q1, stp_year = want[("STP", "2024-Q1")], want[("STP", "2024-NAM")]
    # Q1: S1 D, S2 D (corrected), S3 L, S4 O → 3 on time of 4
    assert (stp_q1["hs_tiep_nhan"], stp_q1["hs_dung_han"], stp_q1["hs_da_giai_quyet"]) == (4, 3, 2)
    # the year: S3 X, S5 and S8 two supplements, S6 L, S7 L → 5 on time of 10
    assert (stp_year["hs_tiep_nhan"], stp_year["hs_dung_han"], stp_year["hs_qua_han"]) == (10, 5, 5)
    assert (stp_year["hs_giay_da_giai_quyet"], stp_year["hs_giay_ket_qua_dien_tu"]) == (4, 3)  # S1 S3 S5 S9
    assert stp_year["hs_truc_tuyen_dat"] == 4  # online S1 S3 S4 S9; not S6 S7 S10 (paper, no e-result yet)
    assert points_by_hand(stp_year) == pytest.approx({"2.1": 10, "3.3": 8 * 40 / 50, "3.6": 6 * 50 / 80, "4.1": 8 * 75 / 80,
                                                      "4.2": 8 * 50 / 80, "5.4": 6 * 50 / 90})
    assert ("XA0001", "2024-Q3") in want and want[("XA0001", "2024-Q3")]["hs_qua_han"] == 1  # X4 at 14/9


def test_the_store_counts_what_the_hand_does(stored):
    got, want = _facts(stored), by_hand()
    assert sorted(got) == sorted(want)
    for key in want:
        assert {n: got[key].get(n) for n in want[key]} == want[key], key


@pytest.mark.parametrize("period", [f"{YEAR}-{p}" for p in PERIODS])
def test_the_rule_set_scores_what_the_hand_does(stored, period):
    """Evaluated now, and as a score run stores it (what «cchc score» writes and «cchc rules explain» reads)."""
    rules, want = find("qd766-2022"), by_hand()
    with Session(stored) as s:
        _, _, _, now = evaluate_units(stored, s, rules, period)
    rescore(stored, rules, period)
    for result in (now, kept_run(stored, rules, period).result):
        for unit in ("STP", "XA0001"):
            i = result.position(unit)
            expected = points_by_hand(want[(unit, period)])
            got = {leaf: float(result.points[leaf][i]) for leaf in ("2.1", "3.3", "3.6", "4.1", "4.2", "5.4")}
            assert {k: v for k, v in got.items() if v == v} == pytest.approx(expected), (unit, period)


def test_a_quarter_counts_only_its_own_dossiers_and_the_rule_set_says_so(stored):
    """S3 (received in Q1, finished late in Q2) and S4 (received in Q1, finished in Q2) are processed in Q2, which
    2.1 of the Decision counts; the store counts a period's receipts only, so the rule set lists it as a deviation."""
    q2 = _facts(stored)[("STP", "2024-Q2")]
    assert (q2["hs_tiep_nhan"], q2["hs_dung_han"], q2["hs_qua_han"]) == (3, 1, 2)  # S5 X (supplements), S6 L, S7 O
    with Session(stored) as s:
        _, _, _, result = evaluate_units(stored, s, find("qd766-2022"), "2024-Q2")
    said = [n.text for n in result.notes("STP") if n.criterion == "2.1"]
    assert len(said) == 1 and "hồ sơ tiếp nhận trong kỳ" in said[0] and "kỳ trước" in said[0]
