"""From the store and a rule set to the plain contexts ``reports`` renders: this is the one place that
knows both where the numbers are and what each document needs."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reports import documents as docs
from reports.model import Document, Frame, Signature
from base.vn import number, percent
from cchc.fmt import best_and_worst
from cycle.scoring import Scored, score, score_period  # noqa: F401 - the documents' view of scores
from rules.ruleset import find
from store import calendar, indicators, models
from store.queries import current_evidence, current_facts

PROVINCE_OFFICE = "SNV"  # Sở Nội vụ: ranks departments and communes every year (seed 003)


def _people(engine: Engine, unit_code: str) -> dict[str, str]:
    """Position → the name of someone holding it in the unit (for the signature block)."""
    with Session(engine) as s:
        rows = s.execute(select(models.Person.position, models.Person.full_name)
                         .join(models.Unit, models.Unit.id == models.Person.unit_id)
                         .where(models.Unit.code == unit_code).order_by(models.Person.code)).all()
    found: dict[str, str] = {}
    for position, name in rows:
        found.setdefault(position, name)
    return found


def frame_for(engine: Engine, unit_code: str, type_code: str, issued: date, recipients: tuple[str, ...]) -> Frame:
    """The administrative frame of a document issued by ``unit_code``, signed by its deputy head."""
    with Session(engine) as s:
        unit = s.scalars(select(models.Unit).where(models.Unit.code == unit_code)).one()
        parent = s.get(models.Unit, unit.parent_id) if unit.parent_id else None
    province = parent.name if parent is not None else unit.name
    place = province.split("tỉnh ")[-1] if "tỉnh " in province else province
    people = _people(engine, unit_code)
    if "Phó Giám đốc" in people:
        signature = Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", people["Phó Giám đốc"])
    elif "Giám đốc" in people:
        signature = Signature("GIÁM ĐỐC", "", people["Giám đốc"])
    elif "Chủ tịch UBND" in people:
        signature = Signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", people["Chủ tịch UBND"])
    else:
        signature = Signature("THỦ TRƯỞNG ĐƠN VỊ", "", "")
    return Frame(parent_body=(parent.name if parent else ""), body=unit.name, body_code=unit_code,
                 type_code=type_code, place=place, issued=issued, recipients=recipients, signature=signature)


def _unit_score(scored: Scored, code: str) -> docs.UnitScore:
    row = scored.summary.loc[code]
    return docs.UnitScore(code, scored.frame.loc[code, "name"], float(row["diem"]), float(row["toi_da"]),
                          float(row["ty_le"]), int(row["hang"]), row["xep_loai"],
                          {a.id: float(row[f"chi_so_{a.id}"]) for a in scored.ruleset.criteria})


def _areas(rs) -> tuple[tuple[str, str], ...]:
    return tuple((a.id, a.title) for a in rs.criteria)


def scoreboard(scored: Scored) -> docs.Scoreboard:
    rs = scored.ruleset
    return docs.Scoreboard(scored.year, rs.title, rs.reference, _areas(rs),
                           tuple(_unit_score(scored, c) for c in scored.summary.index),
                           tuple(b.label for b in rs.classification))


def publication(engine: Engine, scored: Scored, issued: date) -> Document:
    frame = frame_for(engine, PROVINCE_OFFICE, "TB", issued,
                      ("UBND tỉnh (b/c)", "Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Lưu: VT, CCHC"))
    return docs.score_publication(scoreboard(scored), frame)


def unbacked(engine: Engine, scored: Scored, code: str) -> tuple[tuple[str, str, str], ...]:
    """The self-assessment's declared figures (typed by the unit, not computed from dossiers) that a criterion
    reads and no evidence backs: (criterion, figure with its value, the unit's explanation or "")."""
    registry = indicators.registry()
    with Session(engine) as s:
        unit_id = s.scalar(select(models.Unit.id).where(models.Unit.code == code))
        evidence = current_evidence(s, scored.period, [unit_id])
    backed = dict(zip(evidence["indicator"], zip(evidence["reference"], evidence["explanation"])))
    out = []
    for leaf in scored.ruleset.leaves:
        for name in sorted(leaf.value.names):
            ind = registry.get(name)
            value = scored.frame.loc[code, name] if name in scored.frame else np.nan
            if ind is None or ind.source != "nhap" or pd.isna(value) or backed.get(name, ("", ""))[0]:
                continue
            out.append((leaf.id, f"{ind.label} ({number(value, 2)})", backed.get(name, ("", ""))[1]))
    return tuple(out)


def scorecard_context(scored: Scored, code: str, engine: Engine | None = None) -> docs.Scorecard:
    board = scoreboard(scored)
    units = {leaf.id: leaf.unit for leaf in scored.ruleset.leaves}
    leaves = tuple(docs.LeafLine(e.criterion, e.title, e.value, units[e.criterion], e.step, e.points, e.max,
                                 e.reference, e.sentence) for e in scored.result.explain(code))
    return docs.Scorecard(scored.year, scored.ruleset.title, _unit_score(scored, code), len(scored.summary), leaves,
                          _areas(scored.ruleset), {a: board.component_average(a) for a, _ in board.areas},
                          unbacked=unbacked(engine, scored, code) if engine is not None else ())


def scorecard(engine: Engine, scored: Scored, code: str, issued: date) -> Document:
    frame = frame_for(engine, PROVINCE_OFFICE, "TB", issued, (scored.frame.loc[code, "name"], "Lưu: VT, CCHC"))
    return docs.scorecard(scorecard_context(scored, code, engine), frame)


def improvement(engine: Engine, scored: Scored, code: str, issued: date, deadline: date) -> Document:
    items = []
    for e in scored.result.explain(code):
        lost = e.max - (0 if np.isnan(e.points) else e.points)
        if e.step != "không áp dụng" and lost > 1e-9:
            area = next(a for a in scored.ruleset.criteria if any(n.id == e.criterion for n in a.walk()))
            items.append(docs.LostPoint(e.criterion, e.title, lost, e.sentence,
                                        f"Phòng, đơn vị phụ trách lĩnh vực «{area.title}»", deadline))
    plan = docs.ImprovementPlan(scored.year, scored.frame.loc[code, "name"], scored.ruleset.title, tuple(items))
    frame = frame_for(engine, code, "KH", issued, ("Sở Nội vụ (b/c)", "Các phòng, đơn vị", "Lưu: VT"))
    return docs.improvement_plan(plan, frame)


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


def _rates(totals: pd.Series, pairs) -> list[float]:
    return [float(totals.get(num, np.nan) / totals.get(den, np.nan) * 100) if totals.get(den) else np.nan
            for _, num, den in pairs]


PROVISIONAL_RULES = "qd766-2022"  # the province ranks its units by Decision 766's criteria
PROVISIONAL_SHOWN = 5  # best and worst shown in the province's report


def _provisional(engine: Engine, period, unit: str | None) -> tuple[tuple, str, str]:
    """(rows, the rule set's title, the weakest area) of the provisional scores of the period."""
    scored = score_period(engine, find(PROVISIONAL_RULES), period.code)
    summary = scored.summary
    if unit is not None:
        summary = summary.loc[summary.index.intersection([unit])]
    else:
        summary = best_and_worst(summary, PROVISIONAL_SHOWN)
    rows = tuple((scored.frame.loc[c, "name"], float(r["diem"]), float(r["ty_le"]), int(r["hang"]))
                 for c, r in summary.iterrows())
    areas = {a.id: a.title for a in scored.ruleset.criteria}
    means = {a: scored.summary[f"chi_so_{a}"].mean() if unit is None else summary[f"chi_so_{a}"].mean() for a in areas}
    weakest = min(means, key=lambda a: means[a]) if means else ""
    hint = f"{areas[weakest]} (chỉ số thành phần tạm tính {number(means[weakest], 1)}%)" if weakest else ""
    return rows, scored.ruleset.title, hint


def _progress(engine: Engine, period, unit: str) -> tuple[tuple, object]:
    """The unit's plan for the year: its targets against the provisional index of the period, and its tasks
    due by the period's end (``((), None)`` without a plan)."""
    from cycle.plan import plan_of, stored, tasks_due

    plan_id = plan_of(engine, unit, period.year)
    if plan_id is None:
        return (), None
    plan, items, _, _ = stored(engine, plan_id)
    tasks = tasks_due(items, period.end)
    scored = score_period(engine, find(plan.ruleset), period.code)
    if unit not in scored.summary.index:
        return (), tasks
    row = scored.summary.loc[unit]
    now = lambda area: float(row[f"chi_so_{area}"]) if area else float(row["ty_le"])  # noqa: E731
    return tuple((i.title, i.target, i.last_value, now(i.area) if (not i.area or f"chi_so_{i.area}" in row) else None)
                 for i in items if i.section == "muc_tieu"), tasks


def periodic(engine: Engine, period_code: str, unit: str | None, today: date | None = None) -> Document:
    from cycle.reporting import LATE, ON_TIME, submissions

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
    for label, num, den in REPORT_RATES:
        if den == "van_ban_di":
            whole = totals.get("van_ban_di", np.nan) - totals.get("van_ban_mat", 0)
        else:
            whole = totals.get(den, np.nan)
        figures.append(docs.Figure766(label, float(totals.get(num, np.nan) / whole * 100) if whole else np.nan, "%"))
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
    trend_pairs = REPORT_RATES[:3]
    trend = {label: tuple(_rates(by_period.get(p.code, pd.Series(dtype=float)), [(label, num, den)])[0]
                          for p in earlier) for label, num, den in trend_pairs}
    report = docs.PeriodicReport(period.in_sentence,
                                 f"{period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}", period.due, subject,
                                 reported, len(expected), late, missing,
                                 tuple(figures), results, direction,
                                 tuple(p.kind.label for p in earlier) if len(earlier) > 1 else (),
                                 trend if len(earlier) > 1 else {}, on_time,
                                 targets, provisional, provisional_of)
    issuer = unit or PROVINCE_OFFICE
    frame = frame_for(engine, issuer, "BC", period.due, ("UBND tỉnh (b/c)", "Bộ Nội vụ (b/c)", "Lưu: VT, CCHC"))
    return docs.periodic_report(report, frame)


def _p(v: float) -> str:
    """A percentage in 0–100 as people read it (98,3%), or "không có số liệu"."""
    return percent(v / 100)


def plan_document(engine: Engine, plan_id: int) -> Document:
    """A stored yearly plan as its document: targets, the remedial tasks first, then the areas' tasks."""
    from cycle.plan import stored

    plan, items, code, name = stored(engine, plan_id)
    targets = tuple(docs.TargetLine(i.title, i.last_value, i.last_rank, i.target, i.rank_range, i.lead)
                    for i in items if i.section == "muc_tieu")
    titles = {n.id: n.title for n in find(plan.ruleset).nodes}
    remedial = tuple(docs.AreaTasks(i.area, titles.get(i.area, i.area), (i.title,), i.lead, i.support,
                                    f"{i.deadline:%d/%m/%Y}", i.output) for i in items if i.section == "khac_phuc")
    areas = []
    for area in dict.fromkeys(i.area for i in items if i.section == "nhiem_vu"):
        tasks = [i for i in items if i.section == "nhiem_vu" and i.area == area]
        areas.append(docs.AreaTasks(area, titles.get(area, area), tuple(t.title for t in tasks), tasks[0].lead,
                                    tasks[0].support, f"{tasks[0].deadline:%d/%m/%Y}", tasks[0].output))
    doc = docs.YearPlan(plan.year, name, tuple(plan.basis.splitlines()), targets, remedial, tuple(areas))
    frame = frame_for(engine, code, "KH", plan.issued_on, ("Sở Nội vụ (b/c)", "Các phòng, đơn vị trực thuộc", "Lưu: VT"))
    return docs.year_plan(doc, frame)


INSPECTION_CONTENTS = (
    "Việc ban hành và tổ chức thực hiện kế hoạch cải cách hành chính.",
    "Việc giải quyết thủ tục hành chính: tiến độ, số hóa, tiếp nhận trực tuyến, thanh toán trực tuyến.",
    "Việc thực hiện chế độ báo cáo và khắc phục các tiêu chí bị mất điểm.",
)


def inspection_plan(engine: Engine, year: int, issued: date) -> Document:
    """The year's stored inspection plan (cycle.inspection.plan) as its document."""
    from cycle.inspection import MINIMUM_SHARE, planned
    from cycle.reporting import REPORTING_KINDS

    visits = planned(engine, year)
    if visits.empty:
        raise ValueError(f"chưa lập kế hoạch kiểm tra năm {year} (cchc inspection plan --year {year})")
    with Session(engine) as s:
        total = len(s.scalars(select(models.Unit.id).where(models.Unit.kind.in_(REPORTING_KINDS))).all())
    plan = docs.InspectionPlan(year, total, tuple(docs.InspectionVisit(v.name, int(v.month), v.reason)
                                                  for v in visits.itertuples()), MINIMUM_SHARE, INSPECTION_CONTENTS)
    frame = frame_for(engine, PROVINCE_OFFICE, "KH", issued, ("UBND tỉnh (b/c)", "Các đơn vị được kiểm tra", "Lưu: VT, CCHC"))
    return docs.inspection_plan(plan, frame)


def inspection_conclusion(engine: Engine, year: int, unit: str, issued: date | None = None) -> Document:
    """The conclusion of the inspection of ``unit`` in ``year``: the criteria it kept at full points last
    year as its strengths, the recorded findings and the recommendations with their deadlines."""
    from cycle.inspection import follow_up

    found = follow_up(engine, year, issued or date.today())
    found = found[found["unit"] == unit]
    if found.empty:
        raise ValueError(f"chưa ghi nhận kết quả kiểm tra năm {year} tại đơn vị «{unit}»")
    visited = found["visited_on"].iloc[0]
    strengths = ()
    last = score(engine, find(PROVISIONAL_RULES), year - 1)
    if unit in last.summary.index:
        strengths = tuple(f"{e.title}: đạt {number(e.points, 2)}/{number(e.max, 2)} điểm năm {year - 1}."
                          for e in last.result.explain(unit) if e.max > 0 and e.points >= e.max - 1e-9)[:5]
    recommendations = tuple(docs.Recommendation(r.recommendation, r.name, r.deadline) for r in found.itertuples())
    conclusion = docs.InspectionConclusion(found["name"].iloc[0], visited, "Đoàn kiểm tra cải cách hành chính của tỉnh",
                                           strengths or ("Đơn vị ban hành và triển khai kế hoạch CCHC năm.",),
                                           tuple(f"{r.text}" + (f" (tiêu chí {r.criterion})" if r.criterion else "")
                                                 for r in found.itertuples()), recommendations)
    frame = frame_for(engine, PROVINCE_OFFICE, "KL", issued or visited, (found["name"].iloc[0], "UBND tỉnh (b/c)",
                                                                         "Lưu: VT, CCHC"))
    return docs.inspection_conclusion(conclusion, frame)
