"""The reform office's year as Prefect flows: each a thin wrapper over one step of ``cchc.year`` (plan
issuance, a period's report, the inspections' follow-up, the year's scoring, the emulation review), and
``yearly_cycle`` running them in calendar order. Parameters are plain values (a database address, a folder,
a year or period) so that deployments on a server can schedule them; the results live in cchc's store.

A step that fails leaves nothing half-written (each writes in transactions of its own); it is retried when
the database was briefly unreachable or locked, and re-running it is harmless."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, task
from sqlalchemy.exc import DBAPIError, OperationalError

DEFAULT_OUT = "out"


def transient(_task, _run, state) -> bool:
    """Retry only what may pass: a lost connection, a locked SQLite file, a serialisation failure."""
    error = state.data if isinstance(state.data, BaseException) else None
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


@task(retries=3, retry_delay_seconds=[2, 5, 10], retry_condition_fn=transient)
def run_step(name: str, database_url: str | None, out: str, params: dict) -> list[str]:
    from cchc.year import STEPS
    from store.db import opened

    with opened(database_url) as engine:
        return [str(p) for p in STEPS[name](engine, Path(out), **params)]


def _step(name: str, title: str, database_url: str | None, out: str, **params) -> list[str]:
    written = run_step.with_options(name=title)(name, database_url, out, params)
    print(f"{title}: {len(written)} văn bản")
    return written


def _this_year() -> int:
    return date.today().year


@flow(name="plan-issuance", log_prints=True)
def plan_issuance(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT) -> list[str]:
    """Plans and the inspection plan for ``year`` (scheduled in December: next year's)."""
    year = year or _this_year() + 1
    return _step("plan_issuance", f"Ban hành kế hoạch năm {year}", database_url, out, year=year)


@flow(name="periodic-report", log_prints=True)
def periodic_report(period: str | None = None, database_url: str | None = None, out: str = DEFAULT_OUT) -> list[str]:
    """A period's report (scheduled on the 20th: the period due that day)."""
    from store.calendar import due_on_or_before

    code = period or due_on_or_before(date.today()).code
    return _step("periodic_report", f"Báo cáo kỳ {code}", database_url, out, period=code)


@flow(name="report-reminders", log_prints=True)
def report_reminders(period: str | None = None, database_url: str | None = None) -> list[str]:
    """Before a due date: the units that have not reported yet (a notification can follow this flow's
    result on the server)."""
    from cycle.reporting import reminders
    from store.calendar import next_due
    from store.db import opened

    code = period or next_due(date.today()).code
    with opened(database_url) as engine:
        waiting = reminders(engine, code, date.today())
    for row in waiting.itertuples():
        print(f"Nhắc {row.name}: chưa gửi báo cáo kỳ {code}, còn {row.days_left} ngày đến hạn")
    return list(waiting["unit"])


@flow(name="inspection", log_prints=True)
def inspection(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT) -> list[str]:
    year = year or _this_year()
    return _step("inspection", f"Theo dõi kiểm tra năm {year}", database_url, out, year=year)


@flow(name="scoring", log_prints=True)
def scoring(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
            publish: bool = True) -> list[str]:
    year = year or _this_year()
    return _step("scoring", f"Chấm điểm năm {year}", database_url, out, year=year, publish=publish)


@flow(name="emulation", log_prints=True)
def emulation(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT) -> list[str]:
    year = year or _this_year()
    return _step("emulation", f"Thi đua, khen thưởng năm {year}", database_url, out, year=year)


FLOWS = {"plan_issuance": plan_issuance, "periodic_report": periodic_report, "inspection": inspection,
         "scoring": scoring, "emulation": emulation}


@flow(name="yearly-cycle", log_prints=True)
def yearly_cycle(year: int, database_url: str | None = None, out: str = DEFAULT_OUT) -> list[str]:
    """The whole year, step after step in calendar order, each as a sub-flow."""
    from cchc.year import calendar_of

    written = []
    for step in calendar_of(year):
        print(f"{step.when:%d/%m/%Y} — {step.title}")
        written += FLOWS[step.name](database_url=database_url, out=out, **step.params)
    return written


@flow(name="rescore", log_prints=True)
def rescore(period: str | None = None, database_url: str | None = None, out: str = DEFAULT_OUT) -> list[dict]:
    """Re-score what changed — every unit rule set over the period, or over every period whose data are newer
    than its scores — and rewrite the documents of the units that moved; run by the ingestion event's
    trigger on a server."""
    summaries = rescore_task(period, database_url, out)
    for summary in summaries:
        for name, r in summary["rulesets"].items():
            print(f"{summary['period']} {name}: " + (f"phiên bản {r['version']}, {r['evaluated']} đơn vị tính lại"
                                                     if r["written"] else "không thay đổi"))
    return summaries


@task(retries=3, retry_delay_seconds=[1, 3, 5], retry_condition_fn=transient)
def rescore_task(period: str | None, database_url: str | None, out: str) -> list[dict]:
    from cchc.rescoring import rescore_changed
    from store.db import opened

    with opened(database_url) as engine:
        return rescore_changed(engine, period, Path(out))
