"""The reform office's year, as plain functions from the store to documents: plan issuance, the periodic
reports, the inspections, the year's scoring and the emulation review. ``calendar_of`` puts them in the
order the year runs them; ``flows/cycle.py`` wraps each one for Prefect, and ``run`` runs them without it.

Every step takes the engine and the output folder and returns the documents it wrote; every step can be
run again (plans are re-issued in place, score runs are only written when something changed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from store import calendar

PROVINCE_RULES = "qd766-2022"  # the province ranks departments and communes by Decision 766's criteria
DEPARTMENT_INDEX = "chi-so-cchc-so-nganh"  # each department plans against its CCHC index


def plan_issuance(engine: Engine, out: Path, year: int) -> list[Path]:
    """December of the year before: every department's plan for ``year`` from its results of the year before
    (with its target set where one is shipped for it), and the province's inspection plan."""
    from cchc import report_context as ctx
    from cchc.report_cli import write
    from cycle import inspection, plan
    from rules.ruleset import find
    from rules.targets import targets_for

    written = []
    index = ctx.score(engine, find(DEPARTMENT_INDEX), year - 1)
    for code in index.summary.index:
        plan_id = plan.issue(engine, index.ruleset, code, year, targets_for(code, year), issued=date(year - 1, 12, 20),
                             scored=index)
        written.append(write(ctx.plan_document(engine, plan_id), out / "ke-hoach", f"ke-hoach-cchc-{code}-{year}",
                             "docx"))
    province = ctx.score(engine, find(PROVINCE_RULES), year - 1)
    if len(province.summary):
        inspection.plan(engine, province, year)
        written.append(write(ctx.inspection_plan(engine, year, date(year - 1, 12, 20)), out,
                             f"ke-hoach-kiem-tra-{year}", "docx"))
    return written


def periodic_report(engine: Engine, out: Path, period: str, today: date | None = None) -> list[Path]:
    """The province's report of one period: who reported and when, the figures, provisional scores."""
    from cchc import report_context as ctx
    from cchc.report_cli import write

    code = calendar.parse_period(period).code
    return [write(ctx.periodic(engine, code, None, today), out, f"bao-cao-{code}", "docx")]


def inspection(engine: Engine, out: Path, year: int, today: date | None = None) -> list[Path]:
    """The follow-up of the year's inspections (every finding and where it stands) and each inspected unit's
    conclusion."""
    from cchc import report_context as ctx
    from cchc.report_cli import write
    from cycle.inspection import follow_up
    from reports.xlsx import frame_to_workbook, save_workbook

    found = follow_up(engine, year, today or date.today())
    if found.empty:
        return []
    out.mkdir(parents=True, exist_ok=True)
    table = found.rename(columns={"unit": "Mã đơn vị", "name": "Đơn vị", "visited_on": "Ngày kiểm tra",
                                  "criterion": "Tiêu chí", "text": "Tồn tại, hạn chế", "recommendation": "Kiến nghị",
                                  "deadline": "Thời hạn", "resolved_on": "Ngày khắc phục", "resolution": "Kết quả",
                                  "state": "Tình trạng"}).drop(columns="id")
    path = out / f"theo-doi-kien-nghi-kiem-tra-{year}.xlsx"
    save_workbook(frame_to_workbook(table), path)
    written = [path]
    for unit in dict.fromkeys(found["unit"]):
        written.append(write(ctx.inspection_conclusion(engine, year, unit), out / "kiem-tra",
                             f"ket-luan-kiem-tra-{unit}-{year}", "docx"))
    return written


def scoring(engine: Engine, out: Path, year: int, publish: bool = True) -> list[Path]:
    """The year's scores: the province's ranking (published: frozen) and the departments' index, with the
    appraisals and inspection adjustments in; the publication, scorecards, improvement plans and the site."""
    from cchc import report_context as ctx
    from cchc.report_cli import write, write_site
    from cycle import scoring as sc
    from rules.ruleset import find

    province = ctx.score(engine, find(PROVINCE_RULES), year)
    index = ctx.score(engine, find(DEPARTMENT_INDEX), year)
    if publish:
        for scored in (province, index):
            if scored.run is not None and len(scored.summary):
                sc.publish(engine, scored.run.run_id)
    if not len(province.summary):
        return []
    issued, deadline = date(year + 1, 1, 15), date(year + 1, 6, 30)
    publication = ctx.publication(engine, province, issued)
    written = [write(publication, out, f"cong-bo-diem-{PROVINCE_RULES}-{year}", fmt) for fmt in ("docx", "xlsx", "html")]
    unit = "SKHCN" if "SKHCN" in province.summary.index else province.summary.index[0]
    written.append(write(ctx.scorecard(engine, province, unit, issued), out, f"phieu-diem-{unit}-{year}", "docx"))
    written.append(write(ctx.improvement(engine, province, unit, issued, deadline), out,
                         f"ke-hoach-khac-phuc-{unit}-{year}", "docx"))
    written.append(write_site(engine, province, out / f"trang-web-{year}", issued, deadline))
    gaps = target_gaps(index, year)
    if not gaps.empty:
        from reports.xlsx import frame_to_workbook, save_workbook

        path = out / f"khoang-cach-muc-tieu-{year}.xlsx"
        save_workbook(frame_to_workbook(gaps), path)
        written.append(path)
    return written


VERDICT = {True: "đạt", False: "chưa đạt", None: ""}  # None: no target of that kind, or no result


def target_gaps(index, year: int):
    """Every department with a target set for ``year``: each target against its result — the department
    index as its PAR INDEX (points out of 100), its SIPAS figure, and their ranks among the departments."""
    import pandas as pd

    from rules.targets import compare, targets_for

    summary, frame = index.summary, index.frame
    sipas = frame["sipas"] if "sipas" in frame else pd.Series(dtype=float)
    sipas_rank = sipas.rank(ascending=False, method="min")
    rows = []
    for code in summary.index:
        targets = targets_for(code, year)
        if targets is None:
            continue
        actual = {"par_index": (float(summary.loc[code, "ty_le"]), int(summary.loc[code, "hang"]))}
        if code in sipas.index and pd.notna(sipas[code]):
            actual["sipas"] = (float(sipas[code]), int(sipas_rank[code]))
        for g in compare(targets, actual):
            rows.append({"Mã đơn vị": code, "Đơn vị": frame.loc[code, "name"], "Chỉ số": g.target.label,
                         "Mục tiêu": g.target.threshold_text(), "Thứ hạng mục tiêu": g.target.rank_text(),
                         "Kết quả": g.value, "Thứ hạng": g.rank,
                         "Đạt mục tiêu": VERDICT[g.met_value], "Còn thiếu (điểm)": g.gap,
                         "Đạt thứ hạng": VERDICT[g.met_rank],
                         "Căn cứ": targets.reference})
    return pd.DataFrame(rows)


def emulation(engine: Engine, out: Path, year: int) -> list[Path]:
    """The year-end emulation review: eligibility for everyone, then every campaign of the year."""
    from cchc.report_cli import emulation_documents

    return emulation_documents(engine, year, out)


@dataclass(frozen=True)
class Step:
    when: date
    name: str  # the step function's (and its flow's) name
    title: str
    params: dict = field(default_factory=dict)


STEPS: dict[str, Callable[..., list[Path]]] = {
    "plan_issuance": plan_issuance, "periodic_report": periodic_report, "inspection": inspection,
    "scoring": scoring, "emulation": emulation,
}


def calendar_of(year: int) -> list[Step]:
    """The steps of ``year`` in the order the office runs them."""
    steps = [Step(date(year - 1, 12, 20), "plan_issuance", f"Ban hành kế hoạch CCHC và kế hoạch kiểm tra năm {year}",
                  {"year": year})]
    for p in calendar.periods_of(year):
        if p.kind.code in calendar.REPORTED:
            steps.append(Step(p.due, "periodic_report", f"Báo cáo CCHC {p.label}", {"period": p.code}))
    steps += [
        Step(date(year, 11, 30), "inspection", f"Theo dõi kết quả kiểm tra CCHC năm {year}", {"year": year}),
        Step(date(year, 12, 25), "scoring", f"Chấm điểm, xếp hạng, công bố kết quả năm {year}", {"year": year}),
        Step(date(year, 12, 27), "emulation", f"Bình xét thi đua, khen thưởng năm {year}", {"year": year}),
        Step(date(year, 12, 28), "plan_issuance", f"Ban hành kế hoạch CCHC và kế hoạch kiểm tra năm {year + 1}",
             {"year": year + 1}),
    ]
    return sorted(steps, key=lambda s: s.when)


def run(engine: Engine, year: int, out: Path, told: Callable[[Step], None] = lambda step: None) -> list[Path]:
    """The whole year without Prefect (the flows run the same steps)."""
    written = []
    for step in calendar_of(year):
        told(step)
        written += STEPS[step.name](engine, out, **step.params)
    return written
