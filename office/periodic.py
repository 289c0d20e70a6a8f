"""The periodic CCHC report (seed 001) of the province or of one unit, in the Ministry's structure, from what the
store holds: who had to report and who did; each section of the form from the period's figures where the store
has them and from the units' own words (``bao_cao_noi_dung``) where it does not — the province's report says
which unit said what; the figures and their trend, the provisional scores of the period's stored run, a unit's
progress against its plan, and the next period's direction. Where there is nothing: «chưa có số liệu»."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.rule_uses import family
from base.vn import number, percent
from cycle.inspection import follow_up
from cycle.plan import plan_of, stored as stored_plan, tasks_due
from cycle.reporting import LATE, ON_TIME, submissions, withdrawn_batches
from cycle.scoring import NoScores, stored
from office.forecasts import quoted
from office.frames import PROVINCE_OFFICE, frame_for
from office.rulesets import for_period
from office.views import best_and_worst
from reports import documents as docs
from reports.model import Document
from rules.methods import NO_DATA
from rules.ruleset import find
from store import calendar, indicators, models
from store.ingest.narratives import SECTIONS
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

PROVISIONAL_RULES = family("units")  # the province ranks its units by Decision 766's criteria
PROVISIONAL_SHOWN = 5  # best and worst shown in the province's report


def rate(totals: pd.Series, num: str, den: str) -> float:
    """A rate in % from summed figures (the one place a report's rate is made); NaN without a whole."""
    whole = totals.get(den, np.nan) - (totals.get(EXCLUDED[den], 0) if den in EXCLUDED else 0)
    return float(totals.get(num, np.nan) / whole * 100) if whole and not np.isnan(whole) else np.nan


def _provisional(engine: Engine, period, unit: str | None) -> tuple[tuple, str, str, int]:
    """(rows, the rule set's title, the weakest area, how many units they rank) of the period's stored scores
    (nothing before they are scored)."""
    try:
        scored = stored(engine, for_period(PROVISIONAL_RULES, period.code), period.code)
    except NoScores:
        return (), "", "", 0
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
    return rows, scored.ruleset.title, hint, len(scored.summary)


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
    explained = scored.result.explain(unit) if row is not None else []

    def now(area: str) -> float | None:
        """The area's provisional index; None where none of its criteria had a figure (never a 0 for no data)."""
        if row is None:
            return None
        key = f"chi_so_{area}" if area else "ty_le"
        leaves = [e for e in explained if not area or e.criterion == area or e.criterion.startswith(f"{area}.")]
        if leaves and all(e.code == NO_DATA for e in leaves):
            return None
        return float(row[key]) if key in row and pd.notna(row[key]) else None

    return tuple((i.title, i.target, i.last_value, now(i.area)) for i in items if i.section == "muc_tieu"), tasks


def _p(v: float) -> str:
    """A percentage in 0–100 as people read it (98,3%), or «chưa có số liệu»."""
    return docs.NO_DATA if v is None or np.isnan(v) else percent(v / 100)


def _has(v) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v))


def narratives(engine: Engine, period_code: str) -> dict[tuple[str, str], str]:
    """(unit, section) → what the unit said in the period, its latest batch's text (a report withdrawn in the
    portal to be corrected says nothing until it is submitted again)."""
    N, U = models.ReportNarrative, models.Unit
    with Session(engine) as s:
        rows = s.execute(select(U.code, N.section, N.text).join(U, U.id == N.unit_id)
                         .where(N.period_code == period_code, N.batch_id.not_in(withdrawn_batches()))
                         .order_by(N.batch_id, N.id)).all()
    return {(unit, section): " ".join(text.split()) for unit, section, text in rows}


# Which part of the form each section belongs to.
GROUP_OF = {"chi_dao": "chi_dao", "tuyen_truyen": "chi_dao", "kho_khan": "danh_gia", "de_xuat": "danh_gia",
            "phuong_huong": "phuong_huong"}


def _figures_said(totals: pd.Series, registry) -> dict[str, tuple[str, ...]]:
    """Per section, the sentences the period's figures make (a sentence whose figures are missing is left out)."""
    def t(code: str) -> float:
        return float(totals.get(code, np.nan))

    def share(num: str, den: str) -> str:
        return _p(rate(totals, num, den))

    said: dict[str, list[str]] = {code: [] for code in SECTIONS}
    if _has(t("bao_cao_phai_gui")) and _has(t("bao_cao_dung_han")):
        # the units' own reports of the year as they declare them, not this report's register (section I)
        said["chi_dao"].append(f"Theo số liệu các đơn vị kê khai, đã gửi đúng hạn {number(t('bao_cao_dung_han'))}/"
                               f"{number(t('bao_cao_phai_gui'))} báo cáo CCHC phải gửi từ đầu năm.")
    if _has(t("vbqppl_phai_ra_soat")) and _has(t("vbqppl_da_ra_soat")):
        said["the_che"].append(f"Đã rà soát, hệ thống hóa {number(t('vbqppl_da_ra_soat'))}/"
                               f"{number(t('vbqppl_phai_ra_soat'))} văn bản quy phạm pháp luật phải rà soát "
                               f"({share('vbqppl_da_ra_soat', 'vbqppl_phai_ra_soat')}).")
    if _has(t("hs_tiep_nhan")):
        solved = (f", đã giải quyết {number(t('hs_da_giai_quyet'))} hồ sơ" if _has(t("hs_da_giai_quyet")) else "")
        on_time = (f"; tỷ lệ giải quyết trước hạn, đúng hạn đạt {share('hs_dung_han', 'hs_tiep_nhan')}"
                   if _has(t("hs_dung_han")) else "")
        late = f"; {number(t('hs_qua_han'))} hồ sơ quá hạn" if _has(t("hs_qua_han")) else ""
        said["tthc"].append(f"Trong kỳ tiếp nhận {number(t('hs_tiep_nhan'))} hồ sơ TTHC{solved}{on_time}{late}.")
    if _has(t("tthc_ra_soat")):
        simpler = f", đơn giản hóa {number(t('tthc_don_gian_hoa'))} TTHC" if _has(t("tthc_don_gian_hoa")) else ""
        said["tthc"].append(f"Đã rà soát {number(t('tthc_ra_soat'))} TTHC{simpler}.")
    if _has(t("tthc_cong_khai")) and _has(t("tthc_tong")):
        said["tthc"].append(f"Công khai {number(t('tthc_cong_khai'))}/{number(t('tthc_tong'))} TTHC trên cổng thông "
                            "tin và tại nơi tiếp nhận.")
    if _has(t("pakn_tong")) and _has(t("pakn_dung_han")):
        said["tthc"].append(f"Tiếp nhận {number(t('pakn_tong'))} phản ánh, kiến nghị, xử lý đúng hạn "
                            f"{number(t('pakn_dung_han'))}.")
    if _has(t("so_ccvc")) and _has(t("ccvc_ky_cam_ket")):
        said["cong_vu"].append(f"{number(t('ccvc_ky_cam_ket'))}/{number(t('so_ccvc'))} công chức, viên chức, người "
                               "lao động ký cam kết thực hiện kỷ luật, kỷ cương hành chính.")
    if _has(t("so_vu_ky_luat")):
        said["cong_vu"].append(f"Số công chức, viên chức bị kỷ luật: {number(t('so_vu_ky_luat'))}.")
    digital = [(label, share(num, den)) for label, num, den in REPORT_RATES[1:]
               if _has(rate(totals, num, den))]
    if digital:
        said["chinh_quyen_so"].append("; ".join(f"{label if i == 0 else label[0].lower() + label[1:]} đạt {value}"
                                                for i, (label, value) in enumerate(digital)) + ".")
    if _has(t("hs_qua_han")) and t("hs_qua_han") > 0:
        said["kho_khan"].append(f"Còn {number(t('hs_qua_han'))} hồ sơ TTHC giải quyết quá hạn trong kỳ.")
    return {k: tuple(v) for k, v in said.items()}


def _inspections_said(engine: Engine, period, unit: str | None, today: date) -> tuple[str, ...]:
    """What the year's inspections recorded up to the period's end: the units inspected, the recommendations and
    where they stand (for a unit, its own)."""
    found = follow_up(engine, period.year, min(today, period.end))
    found = found[pd.to_datetime(found["visited_on"]) <= pd.Timestamp(period.end)]
    if unit is not None:
        found = found[found["unit"] == unit]
    if found.empty:
        return ()
    done = int(found["state"].isin(("đã khắc phục", "khắc phục trễ hạn")).sum())
    overdue = int((found["state"] == "quá hạn").sum())
    who = (f"Đã kiểm tra công tác CCHC tại {found['unit'].nunique()} đơn vị" if unit is None
           else f"Đơn vị được kiểm tra công tác CCHC ngày {pd.Timestamp(found['visited_on'].iloc[0]):%d/%m/%Y}")
    return (f"{who}; {len(found)} kiến nghị, đã khắc phục {done}, quá hạn chưa khắc phục {overdue}.",)


def _sections(engine: Engine, period, unit: str | None, expected: list[str], names: dict[str, str],
              totals: pd.Series, registry, today: date, tasks) -> tuple[docs.ReportSection, ...]:
    """Every section of the form: its figures, then what the units said (in a unit's own report, its own words;
    in the province's, each unit by name)."""
    data = _figures_said(totals, registry) if len(totals) else {code: () for code in SECTIONS}
    data = {k: list(v) for k, v in data.items()}
    data["kiem_tra"] += _inspections_said(engine, period, unit, today)
    if tasks is not None and tasks.due:
        late_tasks = f" Chưa hoàn thành: {'; '.join(t.rstrip('.') for t in tasks.overdue)}." if tasks.overdue else ""
        data["chi_dao"].append(f"Đến hết kỳ, {tasks.done}/{tasks.due} nhiệm vụ đến hạn đã hoàn thành.{late_tasks}")
    words = narratives(engine, period.code)
    speakers = [unit] if unit else expected + sorted({u for u, _ in words} - set(expected))
    sections = []
    for code, title in SECTIONS.items():
        said = tuple(("" if unit else names.get(u, u), words[(u, code)]) for u in speakers if (u, code) in words)
        sections.append(docs.ReportSection(code, title, GROUP_OF.get(code, "ket_qua"), tuple(data[code]), said))
    return tuple(sections)


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
    provisional, provisional_of, weakest, ranked = _provisional(engine, period, unit)
    targets, tasks = _progress(engine, period, unit) if unit else ((), None)
    with Session(engine) as s:
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    sections = _sections(engine, period, unit, expected, names, totals if not facts.empty else pd.Series(dtype=float),
                         registry, today or date.today(), tasks)
    direction = ("Tiếp tục rà soát, đơn giản hóa TTHC; giải quyết hồ sơ đúng hạn, không để hồ sơ quá hạn.",
                 "Đẩy mạnh tiếp nhận hồ sơ trực tuyến, thanh toán trực tuyến và số hóa hồ sơ, kết quả giải quyết.",
                 "Thực hiện ký số 100% văn bản đi (trừ văn bản mật); báo cáo định kỳ đúng hạn.")
    if weakest:
        direction += (f"Tập trung cải thiện lĩnh vực có kết quả tạm tính thấp nhất: {weakest}.",)
    if tasks is not None and tasks.overdue:
        direction += (f"Hoàn thành ngay {len(tasks.overdue)} nhiệm vụ đã quá hạn của kế hoạch năm.",)
    if unit is None and (late or missing):  # the province's task; a unit's own report does not chase itself
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
                                 tuple(figures), (), direction,
                                 tuple(p.kind.label for p in earlier) if len(earlier) > 1 else (),
                                 trend if len(earlier) > 1 else {}, on_time,
                                 targets, provisional, provisional_of,
                                 "Sở Nội vụ" if unit else "Bộ Nội vụ", sections,
                                 quoted(engine, for_period(PROVISIONAL_RULES, period.code).id, period, unit),
                                 ranked)
    if unit:  # a unit reports to the provincial Department of Home Affairs, which consolidates
        frame = frame_for(engine, unit, "BC", period.due, ("Như trên", "Lưu: VT"))
    else:  # the consolidated report goes to the Ministry of Home Affairs
        frame = frame_for(engine, PROVINCE_OFFICE, "BC", period.due, ("Như trên", "UBND tỉnh (b/c)", "Lưu: VT, CCHC"))
    return docs.periodic_report(report, frame)
