"""The reform office's year as one table of steps: what each does, when in the year it runs (day, months,
hour — from which both the in-process calendar and the server's cron schedules are derived), and the
parameters of each occurrence. The order of the year is stated here once: the reports on the 20th of March,
June, September and December, the inspections' follow-up on 30/11, the year's scoring and publication on
25/12, the emulation review on 27/12, and next year's plans on 28/12, once this year's scores are published.

Every step takes the engine and the output folder and returns the documents it wrote; every step can be run
again (plans are re-issued in place, score runs are only written when something changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from store import calendar

TIMEZONE = "Asia/Ho_Chi_Minh"


# --- The steps --------------------------------------------------------------------------------------------

class Nothing(list):
    """No document from a step that had nothing to work on (a year without figures, no scores to plan from),
    and why: the step's flow run says it in its log."""

    def __init__(self, why: str):
        super().__init__()
        self.why = why


def plan_issuance(engine: Engine, out: Path, year: int) -> list[Path]:
    """Every department's plan for ``year`` from its results of the year before (with its target set where one
    is shipped for it), and the province's inspection plan; issued on 28/12 of the year before."""
    from office import plans
    from office.outputs import write
    from office.workers import each

    issued = date(year - 1, 12, 28)

    def documents(chunk: list[tuple[int, str]]) -> list[Path]:
        return [write(plans.plan_document(engine, plan_id), out / "ke-hoach", f"ke-hoach-cchc-{code}-{year}", "docx")
                for plan_id, code in chunk]

    written = each(documents, _issued_plans(engine, year, issued), engine)  # issued here, written side by side
    try:
        plans.plan_inspections(engine, year)
    except plans.NotFound as e:  # no ranking of the year before: nothing to choose the inspections from
        return written or Nothing(f"{e}; không có kế hoạch nào được ban hành")
    written.append(write(plans.inspection_plan(engine, year, issued), out, f"ke-hoach-kiem-tra-{year}", "docx"))
    return written


def _issued_plans(engine: Engine, year: int, issued: date) -> list[tuple[int, str]]:
    from cycle.plan import stored
    from office import plans

    return [(plan_id, stored(engine, plan_id)[2]) for plan_id in plans.issue_plans(engine, year, issued)]


def report_reminders(engine: Engine, out: Path, period: str, today: date) -> list[Path]:
    """Five days before a due date: the units that have not reported yet, as a list to send reminders from, and
    a notice to each of them in the portal (once per period)."""
    from cycle.reporting import reminders
    from office.outputs import write_table
    from office.reminders import remind_report

    remind_report(engine, period, today)
    waiting = reminders(engine, period, today)
    if waiting.empty:
        return []
    table = waiting.rename(columns={"unit": "Mã đơn vị", "name": "Đơn vị", "days_left": "Số ngày đến hạn"})
    return [write_table(table, out / "nhac-bao-cao" / f"nhac-bao-cao-{period}.xlsx",
                        f"Danh sách đơn vị chưa gửi báo cáo CCHC kỳ {period}", f"Tính đến ngày {today:%d/%m/%Y}")]


def periodic_report(engine: Engine, out: Path, period: str, today: date | None = None) -> list[Path]:
    """The province's report of one period: who reported and when, the figures, provisional scores (the
    period is scored first: this step writes its run)."""
    from cycle.scoring import NoFigures, rescore
    from office.outputs import write
    from office.periodic import PROVISIONAL_RULES, periodic
    from office.rulesets import for_period

    try:
        rescore(engine, for_period(PROVISIONAL_RULES, period), period)
    except NoFigures:
        pass  # nobody has reported figures yet: the report says who has not reported, without scores
    else:
        _keep_forecast(engine, period)
    return [write(periodic(engine, period, None, today), out, f"bao-cao-{period}", "docx")]


def _keep_forecast(engine: Engine, period: str) -> None:
    """After Q1, 6 months and 9 months: each unit's year-end forecast, kept for its report to quote."""
    from office.errors import NotFound
    from office.forecasts import keep
    from office.periodic import PROVISIONAL_RULES
    from office.rulesets import for_period
    from office.whatif import CUMULATIVE

    if period[5:] in CUMULATIVE:
        try:
            keep(engine, for_period(PROVISIONAL_RULES, period), period)
        except NotFound:
            pass  # no figures of the period to forecast from


def inspection(engine: Engine, out: Path, year: int, today: date | None = None) -> list[Path]:
    """The follow-up of the year's inspections (every finding and where it stands) and each inspected unit's
    conclusion."""
    from office import plans
    from office.outputs import write, write_table

    found = plans.follow_up(engine, year, today or date.today())
    if found.empty:
        return []
    table = found.rename(columns={"unit": "Mã đơn vị", "name": "Đơn vị", "visited_on": "Ngày kiểm tra",
                                  "criterion": "Tiêu chí", "text": "Tồn tại, hạn chế", "recommendation": "Kiến nghị",
                                  "deadline": "Thời hạn", "resolved_on": "Ngày khắc phục", "resolution": "Kết quả",
                                  "state": "Tình trạng"}).drop(columns="id")
    written = [write_table(table, out / f"theo-doi-kien-nghi-kiem-tra-{year}.xlsx",
                           f"Theo dõi thực hiện kiến nghị sau kiểm tra CCHC năm {year}")]
    for unit in dict.fromkeys(found["unit"]):
        written.append(write(plans.inspection_conclusion(engine, year, unit), out / "kiem-tra",
                             f"ket-luan-kiem-tra-{unit}-{year}", "docx"))
    return written


def scoring(engine: Engine, out: Path, year: int, publish: bool = True) -> list[Path]:
    """The year's scores: the province's ranking and the departments' index with the appraisals and
    inspection adjustments in, published (frozen); the publication, a scorecard, an improvement plan, the
    site and the gaps to the departments' targets."""
    from office import score_documents as sd
    from office.outputs import write, write_table
    from office.plans import DEPARTMENT_INDEX, PROVINCE_RULES
    from office.scores import publish as freeze, score, stored_or_none
    from office.whatif_kept import keep as keep_answers
    from office.rulesets import for_period
    from office.workers import each

    period = f"{year}-NAM"
    from office.errors import NotFound

    for rules in (PROVINCE_RULES, DEPARTMENT_INDEX):
        try:
            done = score(engine, for_period(rules, period), period)
        except NotFound as e:
            return Nothing(str(e))  # a year without figures: nothing to score, publish or write
        if publish and done.outcome.entities:
            freeze(engine, done.outcome.run_id)
    province = stored_or_none(engine, for_period(PROVINCE_RULES, period), period)
    if province is None or not len(province.summary):
        return Nothing(f"kỳ {period} không có đơn vị nào được chấm điểm theo bộ «{for_period(PROVINCE_RULES, period).id}»")
    department = stored_or_none(engine, for_period(DEPARTMENT_INDEX, period), period)
    # what each unit must change to reach its targets on each index, quoted by its plan: a department's PAR INDEX
    # target by the departments' index, never by Decision 766's
    for run in (province, department):
        if run is not None and len(run.summary):
            keep_answers(engine, run)
    issued, deadline = sd.published_on(year), sd.remedied_by(year)
    unit = "SKHCN" if "SKHCN" in province.summary.index else province.summary.index[0]
    # the unit's improvement plan on its own index (a department's: the departments' one, where its targets are)
    own = department if department is not None and unit in department.summary.index else province
    documents = [lambda fmt=fmt: write(sd.publication(engine, province, issued), out,
                                       f"cong-bo-diem-{province.ruleset.id}-{year}", fmt)
                 for fmt in ("docx", "xlsx", "html")]
    documents.append(lambda: write(sd.scorecard(engine, province, unit, issued), out, f"phieu-diem-{unit}-{year}", "docx"))
    documents.append(lambda: write(sd.improvement(engine, own, unit, issued, deadline), out,
                                   f"ke-hoach-khac-phuc-{unit}-{year}", "docx"))
    # side by side, each drawing its own (the workers are given the documents' places in the list)
    written = each(lambda chunk: [documents[i]() for i in chunk], range(len(documents)), engine)
    written.append(sd.write_site(engine, province, out / f"trang-web-{year}", issued, deadline))
    index = stored_or_none(engine, for_period(DEPARTMENT_INDEX, period), period)
    gaps = sd.target_gaps(index, year) if index is not None else None
    if gaps is not None and not gaps.empty:
        written.append(write_table(gaps, out / f"khoang-cach-muc-tieu-{year}.xlsx",
                                   f"Kết quả so với mục tiêu Chỉ số CCHC năm {year}"))
    return written


def emulation(engine: Engine, out: Path, year: int) -> list[Path]:
    """The year-end emulation review: every campaign of the year, and eligibility for everyone."""
    from office.emulation import year_end

    return year_end(engine, year, out)


# --- The table ----------------------------------------------------------------------------------------------

def _year(on: date) -> dict:
    return {"year": on.year}


@dataclass(frozen=True)
class StepSpec:
    name: str  # the step's function and its flow's name
    deployment: str  # its deployment's name on a Prefect server
    title: str  # in words, for the calendar and the logs: formatted with the occurrence's parameters
    day: int
    months: tuple[int, ...]
    hour: int
    run: Callable[..., list[Path]]
    params: Callable[[date], dict] = _year  # the parameters of the occurrence on a given day

    @property
    def cron(self) -> str:
        return f"0 {self.hour} {self.day} {','.join(map(str, self.months))} *"

    def days(self, year: int) -> list[date]:
        return [date(year, m, self.day) for m in self.months]


QUARTER_ENDS = (3, 6, 9, 12)
STEPS: tuple[StepSpec, ...] = (
    StepSpec("report_reminders", "nhac-bao-cao", "Nhắc các đơn vị chưa gửi báo cáo kỳ {period}", 15, QUARTER_ENDS, 8,
             report_reminders, lambda on: {"period": calendar.next_due(on).code, "today": on}),
    StepSpec("periodic_report", "bao-cao-dinh-ky", "Báo cáo CCHC kỳ {period}", 20, QUARTER_ENDS, 17,
             periodic_report, lambda on: {"period": calendar.due_on_or_before(on).code}),
    StepSpec("inspection", "theo-doi-kiem-tra", "Theo dõi kết quả kiểm tra CCHC năm {year}", 30, (11,), 8,
             inspection),
    StepSpec("scoring", "cham-diem-nam", "Chấm điểm, xếp hạng, công bố kết quả năm {year}", 25, (12,), 8, scoring),
    StepSpec("emulation", "thi-dua-nam", "Bình xét thi đua, khen thưởng năm {year}", 27, (12,), 8, emulation),
    StepSpec("plan_issuance", "ke-hoach-nam", "Ban hành kế hoạch CCHC và kế hoạch kiểm tra năm {year}", 28, (12,), 8,
             plan_issuance, lambda on: {"year": on.year + 1}),
)
BY_NAME = {s.name: s for s in STEPS}


@dataclass(frozen=True)
class Occurrence:
    when: date
    step: StepSpec
    params: dict

    @property
    def name(self) -> str:
        return self.step.name

    @property
    def title(self) -> str:
        return self.step.title.format(**self.params)


def calendar_of(year: int) -> list[Occurrence]:
    """The steps of ``year`` in the order the office runs them: the year's plans (issued at the end of the
    year before), the year's own steps, and next year's plans last."""
    plans = BY_NAME["plan_issuance"]
    first = [Occurrence(d, plans, plans.params(d)) for d in plans.days(year - 1)]
    own = [Occurrence(d, s, s.params(d)) for s in STEPS for d in s.days(year)]
    order = {s.name: i for i, s in enumerate(STEPS)}
    return sorted(first + own, key=lambda o: (o.when, order[o.name]))


def run(engine: Engine, year: int, out: Path, told: Callable[[Occurrence], None] = lambda o: None,
        idle: Callable[[Occurrence, str], None] = lambda o, why: None) -> list[Path]:
    """The whole year without Prefect (the flows run the same steps, in the same order). The facts of the year
    and the year before are read from the store once for all the steps that ask for them. ``idle`` hears a step
    that had nothing to work on, and why (``Nothing``), as a flow's log says it."""
    from store.queries import facts_read_once

    written = []
    with facts_read_once(engine, (year - 1, year)):
        for occurrence in calendar_of(year):
            told(occurrence)
            done = occurrence.step.run(engine, out, **occurrence.params)
            if why := getattr(done, "why", None):
                idle(occurrence, why)
            written += done
    return written
