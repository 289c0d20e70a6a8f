"""``cchc cycle …``, ``cchc plan …``, ``cchc inspection …``, ``cchc submissions`` and ``cchc deploy``: the year."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.ruleset_option import UNITS
from cchc.shell import console, day, engine, number, period as period_code, settings, year_option

cycle_app = typer.Typer(help="Chu trình CCHC của năm: kế hoạch, báo cáo, kiểm tra, chấm điểm, thi đua.",
                        no_args_is_help=True)
plan_app = typer.Typer(help="Kế hoạch CCHC năm của một đơn vị: ban hành, nhiệm vụ, tiến độ.", no_args_is_help=True)
inspection_app = typer.Typer(help="Kiểm tra CCHC: kế hoạch kiểm tra, kết quả, theo dõi khắc phục.", no_args_is_help=True)

RULESET = Annotated[str, typer.Option(help="Bộ tiêu chí chấm điểm: mã hoặc họ bộ (chọn theo năm).")]
PERIOD = Annotated[Optional[str], typer.Option(
    metavar="KỲ", help="Kỳ, ví dụ «Năm 2024» hoặc 2024-Q1 (mặc định: kỳ gần nhất có số liệu).")]


# --- The year ----------------------------------------------------------------------------------------------

def run_cycle(year: int, out: Path, prefect: bool) -> list[Path]:
    """The year's steps, through Prefect's flows (in-process on the embedded default) or directly."""
    if prefect:
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # offline machines: no telemetry
        # Prefect's temporary server takes 10–20 s to start on a new home on a busy 2-core machine.
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
        tinh = settings.province.key if settings.province else None
        if server := os.environ.get("PREFECT_API_URL"):
            return _on_server(server, year, out, tinh)
        from flows.year import yearly_cycle

        with console.status("Khởi động Prefect…"):
            return [Path(p) for p in yearly_cycle(year, settings.url(), str(out), tinh=tinh)]
    from office.year import run

    with console.status("…") as status:
        return run(engine(), year, out, told=lambda o: status.update(f"{o.when:%d/%m/%Y} — {o.title}…"),
                   idle=lambda o, why: console.print(f"{o.when:%d/%m/%Y} — {o.title}: không lập văn bản nào: {why}"))


def _on_server(server: str, year: int, out: Path, tinh: str | None) -> list[Path]:
    """The year's flows in this process, recorded on the Prefect server ``server``. A server that goes away is
    said within seconds, by name: Prefect's client would otherwise retry every call for minutes."""
    from flows.events import ServerUnreachable, reachable

    os.environ.setdefault("PREFECT_CLIENT_MAX_RETRIES", "1")
    os.environ.setdefault("PREFECT_API_REQUEST_TIMEOUT", "10")
    reachable(server)
    from flows.year import yearly_cycle

    stop = threading.Event()
    threading.Thread(target=_watch_server, args=(server, stop), daemon=True).start()
    try:
        with console.status(f"Chạy trên máy chủ Prefect {server}…"):
            return [Path(p) for p in yearly_cycle(year, settings.url(), str(out), tinh=tinh)]
    except Exception as failure:
        try:
            reachable(server)
        except ServerUnreachable as lost:
            raise ServerUnreachable(lost.url, lost.why, "chu trình dừng giữa chừng, các bước đã xong vẫn được giữ "
                                    "trong CSDL. Chạy lại «cchc cycle run» khi máy chủ trả lời (bước đã xong không "
                                    "tạo thêm gì), hoặc thêm --no-prefect để chạy không qua máy chủ") from failure
        raise
    finally:
        stop.set()


WATCH_SECONDS = 3  # how often a run on a server checks that the server still answers


def _watch_server(server: str, stop: threading.Event) -> None:
    """Say at once when the server stops answering (a step may run for minutes before Prefect's next call
    fails); the run then ends after the step in progress, whose work is kept."""
    from cchc.shell import err
    from flows.events import ServerUnreachable, reachable

    while not stop.wait(WATCH_SECONDS):
        try:
            reachable(server)
        except ServerUnreachable as lost:
            err.print(f"[bold red]Mất kết nối:[/] {lost}; chu trình sẽ dừng sau bước đang chạy (kết quả của bước "
                      "đó vẫn được ghi).")
            return


def print_ranking(year: int, ruleset: str = UNITS) -> None:
    """The published (or current) ranking of the year: best five and worst five."""
    from rich.table import Table

    from cchc.shell import best_and_worst_rows
    from office.rulesets import for_period
    from office.scores import ranking

    ruleset = for_period(ruleset, f"{year}-NAM").id  # a family: the set in force that year
    found = ranking(engine(), ruleset, f"{year}-NAM")
    if found is None:
        return
    run, frame = found
    state = f"công bố {run.published_at:%d/%m/%Y}" if run.published_at else "chưa công bố"
    table = Table(title=f"Xếp hạng {ruleset} năm {year} (phiên bản {run.version}, {state})")
    for col in ("Hạng", "Đơn vị", "Điểm", "Tỷ lệ", "Xếp loại"):
        table.add_column(col, justify="left" if col in ("Đơn vị", "Xếp loại") else "right")
    best_and_worst_rows(table, frame, lambda code, r: [str(r["hang"]), r["name"], number(r["diem"], 2),
                                                       f"{number(r['ty_le'], 1)}%", r["xep_loai"]])
    console.print(table)


@cycle_app.command("run")
def cycle_run(
    year: Annotated[int, year_option(help="Năm của chu trình.")] = date.today().year,
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
    prefect: Annotated[bool, typer.Option(help="Chạy qua các flow Prefect (mặc định) hay gọi thẳng các bước.")] = True,
) -> None:
    """Chạy cả năm theo lịch: kế hoạch, 4 kỳ báo cáo, kiểm tra, chấm điểm và công bố, thi đua, kế hoạch năm sau."""
    engine()
    written = run_cycle(year, out, prefect)
    print_ranking(year)
    console.print(f"Văn bản đã lập ({len(written)}), trong thư mục {out}/.")


@cycle_app.command("calendar")
def cycle_calendar(year: Annotated[int, year_option(help="Năm của chu trình.")] = date.today().year) -> None:
    """Các bước của năm theo thứ tự thời gian, giờ chạy và lịch cron trên máy chủ."""
    from rich.table import Table

    from office.year import calendar_of

    table = Table(title=f"Chu trình CCHC năm {year}")
    for col in ("Ngày", "Giờ", "Bước", "Flow", "Lịch (cron)"):
        table.add_column(col)
    for o in calendar_of(year):
        table.add_row(f"{o.when:%d/%m/%Y}", f"{o.step.hour:02d}:00", o.title, o.name, o.step.cron)
    console.print(table)


def submissions(period: PERIOD = None) -> None:
    """Tình hình gửi báo cáo định kỳ của một kỳ: đúng hạn, trễ hạn, chưa gửi."""
    from rich.table import Table

    from cycle.reporting import submissions as status

    code = period_code(period)
    frame = status(engine(), code)
    table = Table(title=f"Báo cáo kỳ {code}")
    for col in ("Đơn vị", "Ngày gửi", "Số hiệu", "Trễ (ngày)", "Tình trạng"):
        table.add_column(col)
    for r in frame.itertuples():
        table.add_row(r.name, "" if r.submitted_on is None or r.submitted_on != r.submitted_on
                      else f"{r.submitted_on:%d/%m/%Y}", r.document_no,
                      "" if r.days_late != r.days_late or not r.days_late else f"{r.days_late:.0f}", r.state)
    console.print(table)
    counts = frame["state"].value_counts()
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


# --- Plans ------------------------------------------------------------------------------------------------

@plan_app.command("issue")
def plan_issue(unit: Annotated[str, typer.Option(help="Mã sở, ngành.")],
               year: Annotated[int, year_option(help="Năm của kế hoạch.")] = date.today().year + 1,
               issued: Annotated[Optional[str], typer.Option(help="Ngày ban hành dd/mm/yyyy.")] = None) -> None:
    """Ban hành (lại) kế hoạch CCHC năm của một sở từ kết quả năm trước; nhiệm vụ đã báo hoàn thành được giữ."""
    from office.plans import issue_plan

    plan_id = issue_plan(engine(), unit, year, day(issued, "--issued", date(year - 1, 12, 28)))
    console.print(f"Đã ban hành kế hoạch #{plan_id} năm {year} của {unit} (xem: cchc plan tasks --unit {unit} "
                  f"--year {year}; văn bản: cchc report ke-hoach --unit {unit} --year {year - 1}).")


@plan_app.command("tasks")
def plan_tasks(unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
               year: Annotated[int, year_option(help="Năm của kế hoạch.")] = date.today().year) -> None:
    """Các nhiệm vụ của kế hoạch năm: chủ trì, thời hạn, đã hoàn thành hay chưa."""
    from rich.table import Table

    from cycle.plan import stored
    from office.plans import plan_id

    _, items, _, name = stored(engine(), plan_id(engine(), unit, year))
    table = Table(title=f"Kế hoạch CCHC năm {year} của {name}")
    for col in ("#", "Tiêu chí, lĩnh vực", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hoàn thành"):
        table.add_column(col)
    for i in items:
        if i.section != "muc_tieu":
            table.add_row(str(i.id), i.area, i.title, i.lead, f"{i.deadline:%d/%m/%Y}",
                          f"{i.done_on:%d/%m/%Y}" if i.done_on else "")
    console.print(table)


@plan_app.command("done")
def plan_done(item: Annotated[int, typer.Argument(help="Số nhiệm vụ (#, xem «cchc plan tasks»).")],
              on: Annotated[str, typer.Option(help="Ngày hoàn thành dd/mm/yyyy.")],
              result: Annotated[str, typer.Option(help="Sản phẩm, kết quả.")] = "") -> None:
    """Ghi nhận một nhiệm vụ của kế hoạch đã hoàn thành (báo cáo định kỳ tính tiến độ từ đây)."""
    from office.plans import complete_task

    done = complete_task(engine(), item, day(on, "--on"), result)
    console.print(f"Đã ghi nhận hoàn thành nhiệm vụ #{done.id} ngày {done.done_on:%d/%m/%Y}.")


# --- Inspections -----------------------------------------------------------------------------------------

@inspection_app.command("plan")
def inspection_plan(
    year: Annotated[int, year_option(help="Năm kiểm tra.")] = date.today().year,
    share: Annotated[float, typer.Option(help="Tỷ lệ đơn vị tối thiểu (%), kiểm tra trên mức này.")] = 30.0,
) -> None:
    """Lập kế hoạch kiểm tra năm: trên 30% đơn vị, rủi ro cao trước (điểm thấp, giảm điểm, lâu chưa kiểm tra)."""
    from rich.table import Table

    from office.plans import plan_inspections

    visits = plan_inspections(engine(), year, share)
    table = Table(title=f"Kế hoạch kiểm tra năm {year}: {len(visits)} đơn vị")
    for col in ("Tháng", "Đơn vị", "Điểm rủi ro", "Lý do"):
        table.add_column(col)
    for v in visits:
        table.add_row(str(v.month), v.name, number(v.risk, 1), v.reason)
    console.print(table)


@inspection_app.command("finding")
def inspection_finding(
    unit: Annotated[str, typer.Option(help="Mã đơn vị được kiểm tra.")],
    visited: Annotated[str, typer.Option(help="Ngày kiểm tra dd/mm/yyyy.")],
    text: Annotated[str, typer.Option(help="Tồn tại, hạn chế.")],
    recommendation: Annotated[str, typer.Option(help="Kiến nghị.")],
    deadline: Annotated[str, typer.Option(help="Thời hạn khắc phục dd/mm/yyyy.")],
    criterion: Annotated[str, typer.Option(help="Tiêu chí liên quan.")] = "",
    points: Annotated[Optional[float], typer.Option(help="Điểm thẩm định tiêu chí sau kiểm tra.")] = None,
    ruleset: RULESET = UNITS,
) -> None:
    """Ghi một phát hiện kiểm tra (và, nếu có điểm, điều chỉnh điểm thẩm định của tiêu chí)."""
    from office.plans import record_finding

    found, scoring = record_finding(engine(), unit, day(visited, "--visited"), text, recommendation,
                                    day(deadline, "--deadline"), criterion, points, ruleset)
    console.print(f"Đã ghi phát hiện #{found} tại {unit}.")
    if scoring is not None:  # the year was already scored: brought up to date, as after an appraisal
        from cchc.score_cli import _print_scoring

        _print_scoring(scoring)


@inspection_app.command("resolve")
def inspection_resolve(
    finding: Annotated[int, typer.Argument(help="Số phát hiện (#).")],
    on: Annotated[str, typer.Option(help="Ngày khắc phục xong dd/mm/yyyy.")],
    note: Annotated[str, typer.Option(help="Kết quả khắc phục.")] = "",
) -> None:
    """Ghi nhận đơn vị đã khắc phục một kiến nghị."""
    from office.plans import resolve_finding

    resolve_finding(engine(), finding, day(on, "--on"), note)
    console.print(f"Đã ghi nhận khắc phục phát hiện #{finding}.")


@inspection_app.command("follow-up")
def inspection_follow_up(year: Annotated[int, year_option(help="Năm kiểm tra.")] = date.today().year) -> None:
    """Theo dõi khắc phục: từng kiến nghị, thời hạn, tình trạng (quá hạn trước)."""
    from rich.table import Table

    from office.plans import follow_up

    table = Table(title=f"Theo dõi kiến nghị kiểm tra năm {year}")
    for col in ("#", "Đơn vị", "Kiến nghị", "Thời hạn", "Tình trạng"):
        table.add_column(col)
    for r in follow_up(engine(), year, date.today()).itertuples():
        table.add_row(str(r.id), r.name, r.recommendation, f"{r.deadline:%d/%m/%Y}", r.state)
    console.print(table)


# --- Deploying to a server -----------------------------------------------------------------------------------

def deploy(
    work_pool: Annotated[str, typer.Option(help="Tên work pool (kiểu process) trên máy chủ Prefect.")] = "cchc",
    out: Annotated[str, typer.Option(help="Thư mục ghi văn bản trên máy chạy worker.")] = "out",
) -> None:
    """Đăng ký các deployment của chu trình lên máy chủ Prefect (PREFECT_API_URL), kèm lịch chạy giờ Việt Nam
    và trigger tính lại điểm khi có dữ liệu mới."""
    from rich.table import Table

    if not os.environ.get("PREFECT_API_URL"):
        raise typer.BadParameter("cần máy chủ Prefect: đặt PREFECT_API_URL (xem README, «Chạy trên máy chủ Prefect»)")
    from flows.deployments import PLANNED, deploy as register
    from office.year import TIMEZONE

    names = register(work_pool, settings.url(), out, tinh=settings.province.key if settings.province else None)
    table = Table(title=f"Deployment trên work pool «{work_pool}» ({TIMEZONE})")
    for col in ("Deployment", "Lịch (cron)", "Kích hoạt"):
        table.add_column(col)
    for name, p in zip(names, PLANNED):
        table.add_row(name, ", ".join(p.crons), "khi có dữ liệu mới" if p.on_ingest else "")
    console.print(table)
    console.print(f"Chạy worker: prefect worker start --pool {work_pool}")


COMMANDS = {"submissions": submissions, "deploy": deploy}
