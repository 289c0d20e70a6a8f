"""From the store and a rule set to the plain contexts ``reports`` renders: this is the one place that
knows both where the numbers are and what each document needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reports import documents as docs
from reports.model import Document, Frame, Signature
from reports.vn import number, percent
from rules.evaluate import Result, evaluate
from rules.ruleset import RuleSet
from store import calendar, indicators, models
from store.queries import current_facts, unit_frame

PROVINCE_OFFICE = "SNV"  # Sở Nội vụ: ranks departments and communes every year (seed 003)


@dataclass(frozen=True)
class Scored:
    ruleset: RuleSet
    year: int
    frame: pd.DataFrame
    result: Result
    summary: pd.DataFrame  # the units the rule set applies to, ranked


def score(engine: Engine, ruleset: RuleSet, year: int) -> Scored:
    return score_period(engine, ruleset, f"{year}-NAM")


def score_period(engine: Engine, ruleset: RuleSet, period_code: str) -> Scored:
    year = int(period_code[:4])
    frame = unit_frame(engine, period_code)
    if ruleset.applies_to is not None:
        frame = frame[frame["kind"].isin(ruleset.applies_to)]
    result = evaluate(ruleset, frame)
    summary = result.summary()
    summary = summary[summary["toi_da"] > 0].sort_values(["hang", "diem"], ascending=[True, False])
    return Scored(ruleset, year, frame, result, summary)


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


def _areas(rs: RuleSet) -> tuple[tuple[str, str], ...]:
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


def scorecard_context(scored: Scored, code: str) -> docs.Scorecard:
    board = scoreboard(scored)
    units = {leaf.id: leaf.unit for leaf in scored.ruleset.leaves}
    leaves = tuple(docs.LeafLine(e.criterion, e.title, e.value, units[e.criterion], e.step, e.points, e.max,
                                 e.reference, e.sentence) for e in scored.result.explain(code))
    return docs.Scorecard(scored.year, scored.ruleset.title, _unit_score(scored, code), len(scored.summary), leaves,
                          _areas(scored.ruleset), {a: board.component_average(a) for a, _ in board.areas})


def scorecard(engine: Engine, scored: Scored, code: str, issued: date) -> Document:
    frame = frame_for(engine, PROVINCE_OFFICE, "TB", issued, (scored.frame.loc[code, "name"], "Lưu: VT, CCHC"))
    return docs.scorecard(scorecard_context(scored, code), frame)


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


def periodic(engine: Engine, period_code: str, unit: str | None) -> Document:
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
    reported = sorted(set(facts["unit"]))
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
    direction = ("Tiếp tục rà soát, đơn giản hóa TTHC; giải quyết hồ sơ đúng hạn, không để hồ sơ quá hạn.",
                 "Đẩy mạnh tiếp nhận hồ sơ trực tuyến, thanh toán trực tuyến và số hóa hồ sơ, kết quả giải quyết.",
                 "Thực hiện ký số 100% văn bản đi (trừ văn bản mật); báo cáo định kỳ đúng hạn.")
    subject = "các sở, ban, ngành và UBND các xã, phường" if unit is None else unit
    by_period = every.groupby(["period", "indicator"])["value"].sum()
    trend_pairs = REPORT_RATES[:3]
    trend = {label: tuple(_rates(by_period.get(p.code, pd.Series(dtype=float)), [(label, num, den)])[0]
                          for p in earlier) for label, num, den in trend_pairs}
    report = docs.PeriodicReport(period.label.lower() if period.kind.code != "NAM" else f"năm {period.year}",
                                 f"{period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}", period.due, subject,
                                 len(reported), len(expected), (), tuple(c for c in expected if c not in reported),
                                 tuple(figures), results, direction,
                                 tuple(p.kind.label for p in earlier) if len(earlier) > 1 else (),
                                 trend if len(earlier) > 1 else {})
    issuer = unit or PROVINCE_OFFICE
    frame = frame_for(engine, issuer, "BC", period.due, ("UBND tỉnh (b/c)", "Bộ Nội vụ (b/c)", "Lưu: VT, CCHC"))
    return docs.periodic_report(report, frame)


def _p(v: float) -> str:
    """A percentage in 0–100 as people read it (98,3%), or "không có số liệu"."""
    return percent(v / 100)


PLAN_TASKS = Path(__file__).with_name("plan_tasks.yaml")


def year_plan(engine: Engine, scored: Scored, code: str, issued: date) -> Document:
    """Next year's plan of a department from this year's index: targets per component (last value and rank,
    this year's target and rank range), the criteria that lost points first, then tasks per area."""
    tasks = yaml.safe_load(PLAN_TASKS.read_text(encoding="utf-8"))
    summary = scored.summary
    ranks = {a.id: summary[f"chi_so_{a.id}"].rank(ascending=False, method="min") for a in scored.ruleset.criteria}
    targets = []
    for area in scored.ruleset.criteria:
        last = float(summary.loc[code, f"chi_so_{area.id}"])
        rank = int(ranks[area.id][code])
        goal = "giữ 100%" if last >= 100 else f"từ {number(min(100.0, np.ceil(last + 1)))}% trở lên"
        targets.append(docs.TargetLine(f"{area.id}. {area.title}", last, rank, goal,
                                       f"{max(1, rank - 2)}–{rank}" if rank > 1 else "1", tasks.get(area.id, {})
                                       .get("lead", "Văn phòng")))
    total_rank = int(summary.loc[code, "hang"])
    targets.append(docs.TargetLine("Tổng cộng", float(summary.loc[code, "ty_le"]), total_rank,
                                   f"từ {number(min(100.0, np.ceil(summary.loc[code, 'ty_le'] + 1)))}% trở lên",
                                   f"{max(1, total_rank - 2)}–{total_rank}" if total_rank > 1 else "1", "Lãnh đạo đơn vị"))
    remedial = []
    for e in scored.result.explain(code):
        if e.step != "không áp dụng" and e.max - (0 if np.isnan(e.points) else e.points) > 1e-9:
            area = next(a for a in scored.ruleset.criteria if any(n.id == e.criterion for n in a.walk()))
            spec = tasks.get(area.id, {})
            remedial.append(docs.AreaTasks(e.criterion, e.title, (f"Khắc phục: {e.sentence}.",),
                                           spec.get("lead", "Văn phòng"), spec.get("support", ""), "Quý II"))
    areas = tuple(docs.AreaTasks(a.id, a.title, tuple(tasks.get(a.id, {}).get("tasks", ())),
                                 tasks.get(a.id, {}).get("lead", "Văn phòng"), tasks.get(a.id, {}).get("support", ""))
                  for a in scored.ruleset.criteria)
    name = scored.frame.loc[code, "name"]
    plan = docs.YearPlan(scored.year + 1, name,
                         (f"Căn cứ kết quả {scored.ruleset.title} năm {scored.year} của {name}: "
                          f"{number(summary.loc[code, 'ty_le'], 2)}%, xếp hạng {total_rank}/{len(summary)}.",),
                         tuple(targets), tuple(remedial), areas)
    frame = frame_for(engine, code, "KH", issued, ("Sở Nội vụ (b/c)", "Các phòng, đơn vị trực thuộc", "Lưu: VT"))
    return docs.year_plan(plan, frame)


INSPECTION_SHARE = 30.0  # seed 003: more than 30% of agencies inspected during the year


def inspection_plan(engine: Engine, scored: Scored, issued: date) -> Document:
    """Next year's inspections: more than 30% of the scored units, lowest results first, spread from March
    to November."""
    summary = scored.summary.sort_values("ty_le")
    total = len(summary)
    count = min(total, int(np.floor(total * INSPECTION_SHARE / 100)) + 1)
    months = list(range(3, 12))
    visits = tuple(docs.InspectionVisit(scored.frame.loc[c, "name"], months[i * len(months) // count],
                                        f"tỷ lệ điểm năm {scored.year} thấp: {number(summary.loc[c, 'ty_le'], 1)}% "
                                        f"(hạng {int(summary.loc[c, 'hang'])}/{total})")
                   for i, c in enumerate(summary.index[:count]))
    plan = docs.InspectionPlan(scored.year + 1, total, visits, INSPECTION_SHARE,
                               ("Việc ban hành và tổ chức thực hiện kế hoạch cải cách hành chính.",
                                "Việc giải quyết thủ tục hành chính: tiến độ, số hóa, tiếp nhận trực tuyến, thanh toán trực tuyến.",
                                "Việc thực hiện chế độ báo cáo và khắc phục các tiêu chí bị mất điểm."))
    frame = frame_for(engine, PROVINCE_OFFICE, "KH", issued, ("UBND tỉnh (b/c)", "Các đơn vị được kiểm tra", "Lưu: VT, CCHC"))
    return docs.inspection_plan(plan, frame)
