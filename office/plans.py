"""Plans and inspections: issuing each department's yearly plan and the province's inspection plan from the
stored results of the year before (explicit writes), and their documents, which show what is stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.rule_uses import family
from base.vn import number
from cycle import inspection, plan
from cycle.reporting import REPORTING_KINDS
from cycle.scoring import NoScores, Scored, rescore, stored
from office import anomalies
from office.errors import NotFound, Refused
from office.frames import PROVINCE_OFFICE, bases, frame_for, issuer, legal_texts
from office.rulesets import for_period
from reports import documents as docs
from reports.model import Document
from rules.ruleset import NoRuleSetInForce, RuleSetError, UnknownRuleSet, find
from rules.targets import TargetSet, load_targets, shipped_targets, targets_for
from store import models

PROVINCE_RULES = family("units")  # the province ranks departments and communes by Decision 766's criteria
DEPARTMENT_INDEX = family("department_index")  # each department plans against its CCHC index


def last_year(engine: Engine, rules: str, year: int) -> Scored:
    """The results of ``year - 1`` under ``rules``, which a plan for ``year`` rests on: brought up to date
    (a new score run only if the figures changed since the last one — issuing a plan is a writing step), then
    read as stored."""
    period = f"{year - 1}-NAM"
    with Session(engine) as s:
        figures = s.scalar(select(models.Fact.id).where(models.Fact.period_code == period).limit(1))
    try:
        if figures is None:
            raise NoScores(period)  # a year without figures is not scored into a run of blanks
        rs = for_period(rules, period)
        rescore(engine, rs, period)
        return stored(engine, rs, period)
    except NoScores:
        raise NotFound(f"chưa có kết quả chấm điểm năm {year - 1} theo bộ «{rules}» để lập kế hoạch năm {year} "
                       f"(cchc score --ruleset {rules} --period «Năm {year - 1}»)") from None


def issue_plan(engine: Engine, unit: str, year: int, issued: date | None = None, scored: Scored | None = None) -> int:
    """Issue (again) ``unit``'s plan for ``year`` from its department index of the year before."""
    scored = scored or last_year(engine, DEPARTMENT_INDEX, year)
    targets = targets_for(unit, year)
    if targets is not None and targets.province and targets.province != issuer(engine, unit).province:
        targets = None  # another province's unit of the same code: its targets are not this unit's
    try:
        return plan.issue(engine, scored, unit, targets, issued=issued or date(year - 1, 12, 20))
    except ValueError as e:
        raise Refused(str(e), field="--unit") from None


def issue_plans(engine: Engine, year: int, issued: date) -> list[int]:
    """Every scored department's plan for ``year``, from one reading of last year's index."""
    try:
        index = last_year(engine, DEPARTMENT_INDEX, year)
    except NotFound:
        return []
    return [issue_plan(engine, code, year, issued, index) for code in index.summary.index]


def plan_inspections(engine: Engine, year: int, share: float = inspection.MINIMUM_SHARE) -> list[inspection.Visit]:
    """Choose and store the year's inspections from last year's province ranking."""
    scored = last_year(engine, PROVINCE_RULES, year)
    if not len(scored.summary):
        raise NotFound(f"chưa có kết quả chấm điểm năm {year - 1} để chọn đơn vị kiểm tra")
    declared = anomalies.inspection_risk(engine, scored.period)
    return inspection.plan(engine, scored, year, share, declared)


def plan_id(engine: Engine, unit: str, year: int) -> int:
    found = plan.plan_of(engine, unit, year)
    if found is None:
        raise NotFound(f"đơn vị «{unit}» chưa có kế hoạch năm {year} (cchc plan issue --unit {unit} --year {year})",
                       field="--unit")
    return found


def plan_document(engine: Engine, plan_id: int) -> Document:
    """A stored yearly plan as its document: targets, the remedial tasks first, then the areas' tasks."""
    try:
        p, items, code, name = plan.stored(engine, plan_id)
    except ValueError as e:
        raise NotFound(str(e)) from None
    targets = tuple(docs.TargetLine(i.title, i.last_value, i.last_rank, i.target, i.rank_range, i.lead)
                    for i in items if i.section == "muc_tieu")
    titles = {n.id: n.title for n in find(p.ruleset).nodes}
    remedial = tuple(docs.AreaTasks(i.area, titles.get(i.area, i.area), (i.title,), i.lead, i.support,
                                    f"{i.deadline:%d/%m/%Y}", i.output) for i in items if i.section == "khac_phuc")
    areas = []
    for area in dict.fromkeys(i.area for i in items if i.section == "nhiem_vu"):
        tasks = [i for i in items if i.section == "nhiem_vu" and i.area == area]
        areas.append(docs.AreaTasks(area, titles.get(area, area), tuple(t.title for t in tasks), tasks[0].lead,
                                    tasks[0].support, f"{tasks[0].deadline:%d/%m/%Y}", tasks[0].output))
    cited = bases(issuer(engine, code), "ke_hoach_cchc", p.issued_on, p.year)
    doc = docs.YearPlan(p.year, name, cited + _stored_bases(p.basis, cited), targets, remedial, tuple(areas))
    frame = frame_for(engine, code, "KH", p.issued_on, ("Sở Nội vụ (b/c)", "Các phòng, đơn vị trực thuộc", "Lưu: VT"))
    return docs.year_plan(doc, frame)


PROVINCE_RECIPIENTS = ("Bộ Nội vụ (b/c)", "Thường trực Tỉnh ủy (b/c)", "Thường trực HĐND tỉnh (b/c)",
                       "Chủ tịch, các Phó Chủ tịch UBND tỉnh", "Các sở, ban, ngành tỉnh",
                       "UBND các huyện, thành phố", "Lưu: VT, NC")


def province_targets(province: str, year: int) -> TargetSet | None:
    """The province's target set for ``year``, or else its latest before it (a province's plan is issued only
    once last year's PAR INDEX is published)."""
    found = [t for t in (load_targets(n) for n in shipped_targets())
             if t.unit is None and t.province == province and t.year <= year]
    return max(found, key=lambda t: t.year, default=None)


def province_plan(engine: Engine, unit: str, year: int) -> tuple[int, Document]:
    """The province's plan for ``year`` (seed 003): its target set's table — last year's value and rank among the
    provinces, this year's target and rank range, who answers for it — and each body's duties. Without a target
    set for ``year``, the latest one before it, for its own year. Only reads."""
    import yaml

    who = issuer(engine, unit)
    targets = province_targets(who.province, year)
    if targets is None:
        raise NotFound(f"chưa có bộ mục tiêu PAR INDEX, SIPAS của tỉnh {who.province} đến năm {year} "
                       f"(tệp rules/sets/targets/*.yaml, như lai-chau-2023.yaml)", field="--unit")
    year = targets.year
    issued = targets.issued or date(year, 6, 30)  # last year's index is published in spring
    lines = tuple(docs.TargetLine(t.label, t.last, t.last_rank, t.threshold_text(), t.rank_text(), t.responsible)
                  for t in targets.targets)
    total = next((t for t in targets.targets if t.index == "par_index"), None)
    sipas = next((t for t in targets.targets if t.index == "sipas"), None)
    of = f"/{targets.rank_of}" if targets.rank_of else ""
    said = []
    if total is not None and total.last is not None:
        said.append(f"Chỉ số cải cách hành chính (PAR INDEX) năm {year - 1} của tỉnh đạt {number(total.last, 2)}%"
                    + (f", xếp thứ {total.last_rank}{of} tỉnh, thành phố" if total.last_rank else ""))
    if sipas is not None and sipas.last is not None:
        said.append(f"Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) đạt {number(sipas.last, 2)}%"
                    + (f", xếp thứ {sipas.last_rank}{of}" if sipas.last_rank else ""))
    results = ("; ".join(said) + ".") if said else ""
    duties = yaml.safe_load(plan.PLAN_TASKS.read_text(encoding="utf-8")).get("tinh", [])
    duties = tuple((d["who"], tuple(t.format(year=year) for t in d["tasks"])) for d in duties)
    document = docs.ProvincePlan(year, who.province, bases(who, "ke_hoach_cchc", issued, year), results, lines,
                                 targets.rank_of, duties)
    return year, docs.province_plan(document, frame_for(engine, unit, "KH", issued, PROVINCE_RECIPIENTS))


def _stored_bases(text: str, cited: tuple[str, ...]) -> tuple[str, ...]:
    """The plan's stored bases (last year's result); a text of the dated bases is cited from them alone."""
    known = [t.number for t in legal_texts()]
    return tuple(line for line in text.splitlines()
                 if line.strip() and not any(n in line for n in known) and line.strip() not in cited)


def complete_task(engine: Engine, item_id: int, on: date, result: str):
    try:
        return plan.complete(engine, item_id, on, result)
    except ValueError as e:
        raise Refused(str(e), field="ITEM") from None


INSPECTION_CONTENTS = (
    "Việc ban hành và tổ chức thực hiện kế hoạch cải cách hành chính.",
    "Việc giải quyết thủ tục hành chính: tiến độ, số hóa, tiếp nhận trực tuyến, thanh toán trực tuyến.",
    "Việc thực hiện chế độ báo cáo và khắc phục các tiêu chí bị mất điểm.",
)


def inspection_plan(engine: Engine, year: int, issued: date) -> Document:
    """The year's stored inspection plan as its document."""
    visits = inspection.planned(engine, year)
    if visits.empty:
        raise NotFound(f"chưa lập kế hoạch kiểm tra năm {year} (cchc inspection plan --year {year})")
    with Session(engine) as s:
        total = len(s.scalars(select(models.Unit.id).where(models.Unit.kind.in_(REPORTING_KINDS))).all())
    doc = docs.InspectionPlan(year, total, tuple(docs.InspectionVisit(v.name, int(v.month), v.reason)
                                                 for v in visits.itertuples()), inspection.MINIMUM_SHARE,
                              INSPECTION_CONTENTS)
    frame = frame_for(engine, PROVINCE_OFFICE, "KH", issued, ("UBND tỉnh (b/c)", "Các đơn vị được kiểm tra",
                                                             "Lưu: VT, CCHC"))
    return docs.inspection_plan(doc, frame)


def record_finding(engine: Engine, unit: str, visited: date, text: str, recommendation: str, deadline: date,
                   criterion: str = "", points: float | None = None, rules: str = PROVINCE_RULES):
    """A finding of an inspection; with ``points`` it adjusts the criterion's appraisal in the year's score and,
    like any appraisal, brings an already scored year up to date. Returns (finding id, the scoring or None)."""
    from office.scores import score

    rs = _finding_rules(rules, visited.year) if points is not None else None
    try:
        found = inspection.record_finding(engine, visited.year, unit, visited, text, recommendation, deadline,
                                          criterion, points, rs)
    except ValueError as e:
        raise Refused(str(e)) from None
    period = f"{visited.year}-NAM"
    with Session(engine) as s:
        scored = rs is not None and s.scalar(select(models.ScoreRun.id).where(
            models.ScoreRun.ruleset == rs.id, models.ScoreRun.period_code == period).limit(1)) is not None
    return found, score(engine, rs, period) if scored else None


def _finding_rules(rules: str, year: int):
    """The set a finding's points adjust, by id or family as in force that year: a slip in the name typed is refused
    as the option's, where it had ended in «Lỗi» (exit 3) as if cchc had failed."""
    try:
        return for_period(rules, f"{year}-NAM")
    except (UnknownRuleSet, NoRuleSetInForce, RuleSetError) as err:
        raise Refused(str(err), field="--ruleset") from None


def resolve_finding(engine: Engine, finding: int, on: date, note: str) -> None:
    try:
        inspection.resolve(engine, finding, on, note)
    except ValueError as e:
        raise NotFound(str(e), field="FINDING") from None


FOLLOW_UP_ORDER = {"quá hạn": 0, "còn hạn": 1, "khắc phục trễ hạn": 2, "đã khắc phục": 3}


def follow_up(engine: Engine, year: int, today: date):
    """Every finding of the year and where it stands, overdue first."""
    found = inspection.follow_up(engine, year, today)
    return found.sort_values("state", key=lambda s: s.map(FOLLOW_UP_ORDER), kind="stable")


def inspection_conclusion(engine: Engine, year: int, unit: str, issued: date | None = None) -> Document:
    """The conclusion of the inspection of ``unit`` in ``year``: the criteria it kept at full points last
    year as its strengths, the recorded findings and the recommendations with their deadlines."""
    found = inspection.follow_up(engine, year, issued or date.today())
    found = found[found["unit"] == unit]
    if found.empty:
        raise NotFound(f"chưa ghi nhận kết quả kiểm tra năm {year} tại đơn vị «{unit}»", field="--unit")
    visited = found["visited_on"].iloc[0]
    strengths = ()
    try:
        last = stored(engine, for_period(PROVINCE_RULES, f"{year - 1}-NAM"), f"{year - 1}-NAM")
    except NoScores:
        last = None
    if last is not None and unit in last.summary.index:
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
