"""The reform office's year as Prefect flows, each a thin wrapper over one step of the office's step table
(``office.year.STEPS``): the same steps, order and parameters as the in-process calendar. Parameters are
plain values (a database address, a folder, a year or period) so that deployments can schedule them; a flow
run on its schedule takes the parameters of the day it runs. The results live in cchc's store.

A step that fails leaves nothing half-written (each writes in transactions of its own); it is retried when
the database was briefly unreachable or locked, and re-running it is harmless."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def serving(tinh: str | None, database_url: str | None, out: str) -> Iterator[tuple[str | None, str]]:
    """(store, output folder) of a step: those given, or, when ``tinh`` names a province of the registry
    (``CCHC_PROVINCES`` on a worker), the province's — its data directory and key set while the step runs."""
    if not tinh:
        yield database_url, out
        return
    from office.provinces import applied, find

    with applied(find(tinh)) as province:
        yield province.database_url, str(province.out) if out == DEFAULT_OUT else out


@task(retries=3, retry_delay_seconds=[2, 5, 10], retry_condition_fn=transient)
def run_step(name: str, database_url: str | None, out: str, params: dict, tinh: str | None = None) -> list[str]:
    from office.year import BY_NAME
    from store.db import opened

    with serving(tinh, database_url, out) as (url, folder), opened(url) as engine:
        written = BY_NAME[name].run(engine, Path(folder), **params)
    if why := getattr(written, "why", None):  # nothing to work on: said in the run's log, not a bare «0 văn bản»
        print(f"Không lập văn bản nào: {why}")
    return [str(p) for p in written]


def _step(name: str, database_url: str | None, out: str, tinh: str | None = None, **given) -> list[str]:
    """One occurrence of a step: the parameters given, or those of today's occurrence."""
    from office.year import BY_NAME

    spec = BY_NAME[name]
    params = spec.params(date.today()) | {k: v for k, v in given.items() if v is not None}
    title = spec.title.format(**params) + (f" — {tinh}" if tinh else "")
    written = run_step.with_options(name=title)(name, database_url, out, params, tinh)
    print(f"{title}: {len(written)} văn bản")
    return written


@flow(name="plan-issuance", log_prints=True)
def plan_issuance(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
                  tinh: str | None = None) -> list[str]:
    """Plans and the inspection plan for ``year`` (scheduled on 28/12: next year's)."""
    return _step("plan_issuance", database_url, out, tinh, year=year)


@flow(name="report-reminders", log_prints=True)
def report_reminders(period: str | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
                     today: date | None = None, tinh: str | None = None) -> list[str]:
    """Before a due date: the list of units that have not reported yet (as of ``today``)."""
    return _step("report_reminders", database_url, out, tinh, period=period, today=today)


@flow(name="periodic-report", log_prints=True)
def periodic_report(period: str | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
                    tinh: str | None = None) -> list[str]:
    """A period's report (scheduled on the 20th: the period due that day)."""
    return _step("periodic_report", database_url, out, tinh, period=period)


@flow(name="inspection", log_prints=True)
def inspection(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
               tinh: str | None = None) -> list[str]:
    return _step("inspection", database_url, out, tinh, year=year)


@flow(name="scoring", log_prints=True)
def scoring(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
            publish: bool = True, tinh: str | None = None) -> list[str]:
    return _step("scoring", database_url, out, tinh, year=year, publish=publish)


@flow(name="emulation", log_prints=True)
def emulation(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
              tinh: str | None = None) -> list[str]:
    return _step("emulation", database_url, out, tinh, year=year)


FLOWS = {"plan_issuance": plan_issuance, "report_reminders": report_reminders, "periodic_report": periodic_report,
         "inspection": inspection, "scoring": scoring, "emulation": emulation}


@flow(name="yearly-cycle", log_prints=True)
def yearly_cycle(year: int | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
                 tinh: str | None = None) -> list[str]:
    """The whole year, step after step in calendar order, each as a sub-flow; ``tinh``: a registered
    province's year (its store, data and output folder).

    Each sub-flow sends heartbeats of its own, so that the one under way when the process dies is marked
    Crashed with this run instead of staying Running for ever (a flow's heartbeat thread is waited for at its
    end: ≈ 0.5 s idle per sub-flow, ≈ 7 s a year)."""
    from office.year import calendar_of
    from store.db import opened
    from store.queries import facts_read_once

    year = year or date.today().year
    written = []
    # the steps' facts of the year and the year before cut from one reading, as in the year run in one process
    with serving(tinh, database_url, out) as (url, _), opened(url) as engine, facts_read_once(engine, (year - 1, year)):
        for occurrence in calendar_of(year):
            print(f"{occurrence.when:%d/%m/%Y} — {occurrence.title}")
            written += FLOWS[occurrence.name](database_url=database_url, out=out, tinh=tinh, **occurrence.params)
    return written


@flow(name="rescore", log_prints=True)
def rescore(period: str | None = None, database_url: str | None = None, out: str = DEFAULT_OUT,
            tinh: str | None = None) -> list[dict]:
    """Re-score what changed — every unit rule set over the period, or over every period whose data are newer
    than its scores — and rewrite the documents of the units that moved; run by the ingestion event's
    trigger on a server (``tinh``: the province the event came from), and every 15 minutes: then it also sends
    the events that could not be sent when their data landed (the server was down)."""
    with serving(tinh, database_url, out) as (url, folder):
        send_waiting_events(url)
        summaries = rescore_task(period, url, folder)
    for summary in summaries:
        for name, r in summary["rulesets"].items():
            print(f"{summary['period']} {name}: " + (f"phiên bản {r['version']}, {r['evaluated']} đơn vị tính lại"
                                                     if r["written"] else "không thay đổi"))
    return summaries


@task(retries=3, retry_delay_seconds=[1, 3, 5], retry_condition_fn=transient)
def rescore_task(period: str | None, database_url: str | None, out: str) -> list[dict]:
    from office.rescoring import rescore_changed
    from store.db import opened

    with opened(database_url) as engine:
        return rescore_changed(engine, period, Path(out))


@task
def send_waiting_events(database_url: str | None) -> int:
    """The outbox's waiting events, to the server this flow runs against (none on the embedded default)."""
    from flows.events import ServerUnreachable, flush
    from store.db import opened

    with opened(database_url) as engine:
        try:
            done = flush(engine)
        except ServerUnreachable as e:
            print(f"chưa gửi được các sự kiện đang chờ: {e}")
            return 0
    if done is not None and done.events:
        print(f"đã gửi {done.events} sự kiện đang chờ tới máy chủ Prefect {done.url}")
    return done.events if done is not None else 0
