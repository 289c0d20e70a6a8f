"""The periodic CCHC report (seed 001) of the province or of one unit, from what the store holds: who had to
report and who did, the period's figures and their trend, the provisional scores of the period's stored run,
a unit's progress against its plan, and the next period's direction."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.vn import number, percent
from cycle.plan import plan_of, stored as stored_plan, tasks_due
from cycle.reporting import LATE, ON_TIME, submissions
from cycle.scoring import NoScores, stored
from office.frames import PROVINCE_OFFICE, frame_for
from office.views import best_and_worst
from reports import documents as docs
from reports.model import Document
from rules.ruleset import find
from store import calendar, indicators, models
from store.queries import current_facts

# Figures of a periodic report: (label, numerator, denominator) as percentages, or a count.
REPORT_RATES = (
    ("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "hs_dung_han", "hs_tiep_nhan"),
    ("Tỷ lệ hồ sơ nộp trực tuyến", "hs_truc_tuyen", "hs_tiep_nhan"),
    ("Tỷ lệ hồ sơ được số hóa", "hs_so_hoa", "hs_tiep_nhan"),
    ("Tỷ lệ hồ sơ có kết quả điện tử", "hs_ket_qua_dien_tu", "hs_da_giai_quyet"),
    ("Tỷ lệ hồ sơ thanh toán trực tuyến", "hs_thanh_toan_truc_tuyen", "hs_co_phi"),
    ("Tỷ lệ văn bản ký số (trừ văn bản mật)", "van_ban_ky_so", "van_ban_di"),
    ("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", "tthc_dvctt", "tthc_tong"),
)
REPORT_COUNTS = ("hs_tiep_nhan", "hs_da_giai_quyet", "hs_qua_han", "tthc_ra_soat", "tthc_don_gian_hoa",
                 "van_ban_di")
EXCLUDED = {"van_ban_di": "van_ban_mat"}  # a whole that leaves out a part: secret documents are not signed

PROVISIONAL_RULES = "qd766-2022"  # the province ranks its units by Decision 766's criteria
PROVISIONAL_SHOWN = 5  # best and worst shown in the province's report


def rate(totals: pd.Series, num: str, den: str) -> float:
    """A rate in % from summed figures (the one place a report's rate is made); NaN without a whole."""
    whole = totals.get(den, np.nan) - (totals.get(EXCLUDED[den], 0) if den in EXCLUDED else 0)
    return float(totals.get(num, np.nan) / whole * 100) if whole and not np.isnan(whole) else np.nan


def _provisional(engine: Engine, period, unit: str | None) -> tuple[tuple, str, str]:
    """(rows, the rule set's title, the weakest area) of the period's stored scores (nothing before they are
    scored)."""
    try:
        scored = stored(engine, find(PROVISIONAL_RULES), period.code)
    except NoScores:
        return (), "", ""
    summary = scored.summary
    if unit is not None:
        summary = summary.loc[summary.index.intersection([unit])]
    else:
        summary = best_and_worst(summary, PROVISIONAL_SHOWN)
    rows = tuple((scored.frame.loc[c, "name"], float(r["diem"]), float(r["ty_le"]), int(r["hang"]))
                 for c, r in summary.iterrows())
    areas = {a.id: a.title for a in scored.ruleset.criteria}
    basis = scored.summary if unit is None else summary
    means = {a: basis[f"chi_so_{a}"].mean() for a in areas}
    means = {a: m for a, m in means.items() if not np.isnan(m)}
    weakest = min(means, key=lambda a: means[a]) if means else ""
    hint = f"{areas[weakest]} (chỉ số thành phần tạm tính {number(means[weakest], 1)}%)" if weakest else ""
    return rows, scored.ruleset.title, hint


def _progress(engine: Engine, period, unit: str) -> tuple[tuple, object]:
    """The unit's plan for the year: its targets against the period's stored index, and its tasks due by the
    period's end (``((), None)`` without a plan)."""
    plan_id = plan_of(engine, unit, period.year)
    if plan_id is None:
        return (), None
    plan, items, _, _ = stored_plan(engine, plan_id)
    tasks = tasks_due(items, period.end)
    try:
        scored = stored(engine, find(plan.ruleset), period.code)
    except NoScores:
        scored = None
    row = scored.summary.loc[unit] if scored is not None and unit in scored.summary.index else None

    def now(area: str) -> float | None:
        if row is None:
            return None
        key = f"chi_so_{area}" if area else "ty_le"
        return float(row[key]) if key in row else None

    return tuple((i.title, i.target, i.last_value, now(i.area)) for i in items if i.section == "muc_tieu"), tasks


def _p(v: float) -> str:
    """A percentage in 0–100 as people read it (98,3%), or "không có số liệu"."""
    return percent(v / 100)


def periodic(engine: Engine, period_code: str, unit: str | None, today: date | None = None) -> Document:
    period = calendar.parse_period(period_code)
    # The cumulative periods of the year up to this one, for the trend picture.
    earlier = [p for p in calendar.periods_of(period.year)
               if p.kind.code in ("Q1", "6T", "9T", "NAM") and p.end <= period.end]
    with Session(engine) as s:
        every = current_facts(s, sorted({period.code, *(p.code for p in earlier)}))
        kinds = dict(s.execute(select(models.Unit.code, models.Unit.kind)).all())
    expected = sorted(c for c, k in kinds.items() if k in ("so_nganh", "xa_phuong")) if unit is None else [unit]
    every = every[every["unit"].isin(expected)]
    facts = every[every["period"] == period.code]
    register = submissions(engine, period.code, today or date.today())
    register = register[register["unit"].isin(expected)]
    if register["submitted_on"].notna().any():  # the register of reports received says who reported and when
        late = tuple(f"{r.name} ({r.days_late:.0f} ngày)" for r in register[register["state"] == LATE].itertuples())
        missing = tuple(register.loc[register["submitted_on"].isna(), "name"])
        reported, on_time = int(register["submitted_on"].notna().sum()), int((register["state"] == ON_TIME).sum())
    else:  # no register kept: the units whose figures arrived reported
        names = dict(zip(register["unit"], register["name"]))
        late, missing = (), tuple(names.get(c, c) for c in expected if c not in set(facts["unit"]))
        reported, on_time = len(set(facts["unit"])), 0
    totals = facts.groupby("indicator")["value"].sum()
    registry = indicators.registry()
    figures = [docs.Figure766(registry[c].label, float(totals.get(c, np.nan)), registry[c].unit) for c in REPORT_COUNTS]
    figures += [docs.Figure766(label, rate(totals, num, den), "%") for label, num, den in REPORT_RATES]
    shown = {f.label: f.value for f in figures}
    results = (
        ("Cải cách thủ tục hành chính",
         f"Trong kỳ tiếp nhận {number(shown[registry['hs_tiep_nhan'].label])} hồ sơ TTHC, đã giải quyết "
         f"{number(shown[registry['hs_da_giai_quyet'].label])} hồ sơ; tỷ lệ giải quyết trước hạn, đúng hạn đạt "
         f"{_p(shown[REPORT_RATES[0][0]])}. Đã rà soát {number(shown[registry['tthc_ra_soat'].label])} TTHC, đơn giản hóa "
         f"{number(shown[registry['tthc_don_gian_hoa'].label])} TTHC."),
        ("Xây dựng và phát triển chính quyền điện tử, chính quyền số",
         f"Tỷ lệ hồ sơ nộp trực tuyến đạt {_p(shown[REPORT_RATES[1][0]])}, số hóa {_p(shown[REPORT_RATES[2][0]])}, "
         f"thanh toán trực tuyến {_p(shown[REPORT_RATES[4][0]])}; tỷ lệ văn bản ký số đạt {_p(shown[REPORT_RATES[5][0]])}."),
    )
    provisional, provisional_of, weakest = _provisional(engine, period, unit)
    targets, tasks = _progress(engine, period, unit) if unit else ((), None)
    if tasks is not None and tasks.due:
        late_tasks = f" Chưa hoàn thành: {'; '.join(t.rstrip('.') for t in tasks.overdue)}." if tasks.overdue else ""
        results += (("Thực hiện nhiệm vụ của kế hoạch CCHC năm",
                     f"Đến hết kỳ, {tasks.done}/{tasks.due} nhiệm vụ đến hạn đã hoàn thành.{late_tasks}"),)
    direction = ("Tiếp tục rà soát, đơn giản hóa TTHC; giải quyết hồ sơ đúng hạn, không để hồ sơ quá hạn.",
                 "Đẩy mạnh tiếp nhận hồ sơ trực tuyến, thanh toán trực tuyến và số hóa hồ sơ, kết quả giải quyết.",
                 "Thực hiện ký số 100% văn bản đi (trừ văn bản mật); báo cáo định kỳ đúng hạn.")
    if weakest:
        direction += (f"Tập trung cải thiện lĩnh vực có kết quả tạm tính thấp nhất: {weakest}.",)
    if tasks is not None and tasks.overdue:
        direction += (f"Hoàn thành ngay {len(tasks.overdue)} nhiệm vụ đã quá hạn của kế hoạch năm.",)
    if late or missing:
        direction += (f"Đôn đốc {len(late) + len(missing)} đơn vị gửi báo cáo trễ hạn hoặc chưa gửi thực hiện "
                      "đúng chế độ báo cáo.",)
    subject = ("các sở, ban, ngành và UBND các xã, phường" if unit is None
               else dict(zip(register["unit"], register["name"])).get(unit, unit))
    by_period = every.groupby(["period", "indicator"])["value"].sum()
    trend = {label: tuple(rate(by_period.get(p.code, pd.Series(dtype=float)), num, den) for p in earlier)
             for label, num, den in REPORT_RATES[:3]}
    report = docs.PeriodicReport(period.in_sentence,
                                 f"{period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}", period.due, subject,
                                 reported, len(expected), late, missing,
                                 tuple(figures), results, direction,
                                 tuple(p.kind.label for p in earlier) if len(earlier) > 1 else (),
                                 trend if len(earlier) > 1 else {}, on_time,
                                 targets, provisional, provisional_of,
                                 "Sở Nội vụ" if unit else "Bộ Nội vụ")
    if unit:  # a unit reports to the provincial Department of Home Affairs, which consolidates
        frame = frame_for(engine, unit, "BC", period.due, ("Như trên", "Lưu: VT"))
    else:  # the consolidated report goes to the Ministry of Home Affairs
        frame = frame_for(engine, PROVINCE_OFFICE, "BC", period.due, ("Như trên", "UBND tỉnh (b/c)", "Lưu: VT, CCHC"))
    return docs.periodic_report(report, frame)
