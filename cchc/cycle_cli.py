"""``cchc cycle …``, ``cchc score``, ``runs``, ``diff``, ``history``, ``publish``, ``appraise``,
``cchc inspection …``, ``cchc submissions``, ``cchc watch`` and ``cchc deploy``: the year and its scores."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from cchc.fmt import add_best_and_worst, number
from cchc.options import day
from cchc.options import period as period_code

cycle_app = typer.Typer(help="Chu trình CCHC của năm: kế hoạch, báo cáo, kiểm tra, chấm điểm, thi đua.",
                        no_args_is_help=True)
plan_app = typer.Typer(help="Kế hoạch CCHC năm của một đơn vị: nhiệm vụ, tiến độ.", no_args_is_help=True)
inspection_app = typer.Typer(help="Kiểm tra CCHC: kế hoạch kiểm tra, kết quả, theo dõi khắc phục.", no_args_is_help=True)

RULESET = Annotated[str, typer.Option(help="Bộ tiêu chí chấm điểm.")]
PERIOD = Annotated[Optional[str], typer.Option(help="Kỳ, ví dụ «Năm 2024» hoặc 2024-Q1 (mặc định: năm hiện tại).")]


def _ruleset(name: str):
    from rules.ruleset import find

    try:
        return find(name)
    except (KeyError, FileNotFoundError) as e:
        raise typer.BadParameter(f"không có bộ tiêu chí «{name}» ({e})", param_hint="--ruleset") from None


def _refused(e: ValueError) -> typer.Exit:
    from cchc.cli import EXIT_INVALID, err

    err.print(f"[bold red]Không ghi nhận:[/] {e}")
    return typer.Exit(EXIT_INVALID)


# --- The year ----------------------------------------------------------------------------------------------

def run_cycle(engine_url: str, year: int, out: Path, prefect: bool) -> list[Path]:
    """The year's steps, through Prefect's flows (in-process on the embedded default) or directly."""
    from cchc.cli import _engine, console

    if prefect:
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from flows.cycle import yearly_cycle

        return [Path(p) for p in yearly_cycle(year, engine_url, str(out))]
    from cchc.year import run

    with console.status("…") as status:
        return run(_engine(), year, out, told=lambda step: status.update(f"{step.when:%d/%m/%Y} — {step.title}…"))


def print_ranking(engine, year: int, ruleset: str = "qd766-2022") -> None:
    """The published (or current) ranking of the year: best five and worst five."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from cchc.cli import console
    from cycle.scoring import current_run, entries
    from store import models

    with Session(engine) as s:
        run = current_run(s, ruleset, f"{year}-NAM")
        if run is None:
            return
        frame = entries(s, run.id)
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    frame = frame[frame["toi_da"] > 0].sort_values(["hang", "diem"], ascending=[True, False])
    state = f"công bố {run.published_at:%d/%m/%Y}" if run.published_at else "chưa công bố"
    table = Table(title=f"Xếp hạng {ruleset} năm {year} (phiên bản {run.version}, {state})")
    for col in ("Hạng", "Đơn vị", "Điểm", "Tỷ lệ", "Xếp loại"):
        table.add_column(col, justify="left" if col in ("Đơn vị", "Xếp loại") else "right")
    add_best_and_worst(table, frame, lambda code, r: [str(r["hang"]), names.get(code, code), number(r["diem"], 2),
                                                      f"{number(r['ty_le'], 1)}%", r["xep_loai"]])
    console.print(table)


@cycle_app.command("run")
def cycle_run(
    year: Annotated[int, typer.Option(help="Năm của chu trình.")] = date.today().year,
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
    prefect: Annotated[bool, typer.Option(help="Chạy qua các flow Prefect (mặc định) hay gọi thẳng các bước.")] = True,
) -> None:
    """Chạy cả năm theo lịch: kế hoạch, 4 kỳ báo cáo, kiểm tra, chấm điểm và công bố, thi đua, kế hoạch năm sau."""
    from cchc.cli import _engine, console
    from store.db import database_url

    engine = _engine()
    written = run_cycle(database_url(), year, out, prefect)
    print_ranking(engine, year)
    console.print(f"Văn bản đã lập ({len(written)}), trong thư mục {out}/.")


@cycle_app.command("calendar")
def cycle_calendar(year: Annotated[int, typer.Option(help="Năm của chu trình.")] = date.today().year) -> None:
    """Các bước của năm theo thứ tự thời gian."""
    from cchc.cli import console
    from cchc.year import calendar_of

    table = Table(title=f"Chu trình CCHC năm {year}")
    table.add_column("Ngày")
    table.add_column("Bước")
    table.add_column("Flow")
    for step in calendar_of(year):
        table.add_row(f"{step.when:%d/%m/%Y}", step.title, step.name)
    console.print(table)


# --- Scores, runs, history ------------------------------------------------------------------------------

def score(
    ruleset: RULESET = "qd766-2022",
    period: PERIOD = None,
    full: Annotated[bool, typer.Option(help="Chấm lại mọi đơn vị (mặc định: chỉ đơn vị có dữ liệu thay đổi).")] = False,
    publish: Annotated[bool, typer.Option(help="Công bố lượt chấm (sau đó không thay đổi được).")] = False,
) -> None:
    """Chấm điểm, xếp hạng theo dữ liệu hiện hành: lượt chấm mới chỉ khi có thay đổi, kèm những gì thay đổi."""
    from sqlalchemy.orm import Session

    from cchc.cli import _engine, console
    from cycle import scoring as sc
    from cycle.history import diff

    engine, rs, code = _engine(), _ruleset(ruleset), period_code(period)
    with Session(engine) as s:
        before = sc.current_run(s, rs.id, code)
    started = time.perf_counter()
    outcome = sc.rescore(engine, rs, code, full=full)
    took = time.perf_counter() - started
    if not outcome.written:
        console.print(f"Không có gì thay đổi: lượt chấm phiên bản {outcome.version} (#{outcome.run_id}) vẫn là hiện hành.")
    else:
        how = "chấm lại toàn bộ" if outcome.mode == sc.FULL else "chấm lại phần thay đổi"
        console.print(f"Lượt chấm #{outcome.run_id}, phiên bản {outcome.version} ({how}): {outcome.evaluated}/"
                      f"{outcome.entities} đơn vị được tính, {len(outcome.changed)} đơn vị đổi điểm, "
                      f"{number(took, 2)} giây.")
        if before is not None:
            for change in diff(engine, before.id, outcome.run_id)[:20]:
                console.print(f"  {change.sentence()}")
    if publish:
        run = sc.publish(engine, outcome.run_id)
        console.print(f"Đã công bố phiên bản {run.version} ngày {run.published_at:%d/%m/%Y}.")


def runs(ruleset: Annotated[Optional[str], typer.Option(help="Bộ tiêu chí.")] = None, period: PERIOD = None) -> None:
    """Các lượt chấm điểm đã lưu."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from cchc.cli import _engine, console
    from store import models

    R = models.ScoreRun
    query = select(R).order_by(R.ruleset, R.period_code, R.version)
    if ruleset:
        query = query.where(R.ruleset == ruleset)
    if period:
        query = query.where(R.period_code == period_code(period))
    table = Table(title="Các lượt chấm điểm")
    for col in ("#", "Bộ tiêu chí", "Kỳ", "Phiên bản", "Cách chấm", "Đơn vị tính/tổng", "Lúc", "Công bố", "Đính chính"):
        table.add_column(col)
    with Session(_engine()) as s:
        for r in s.scalars(query):
            table.add_row(str(r.id), r.ruleset, r.period_code, str(r.version),
                          "toàn bộ" if r.mode == "day_du" else "phần thay đổi", f"{r.evaluated}/{r.entities}",
                          f"{r.created_at:%d/%m/%Y %H:%M}", f"{r.published_at:%d/%m/%Y}" if r.published_at else "",
                          r.corrects)
    console.print(table)


def diff_runs(run_a: Annotated[int, typer.Argument(help="Lượt chấm trước (#).")],
              run_b: Annotated[int, typer.Argument(help="Lượt chấm sau (#).")]) -> None:
    """Những đơn vị thay đổi giữa hai lượt chấm: bao nhiêu điểm, bao nhiêu bậc, do tiêu chí và số liệu nào."""
    from cchc.cli import _engine, console
    from cycle.history import diff

    try:
        changes = diff(_engine(), run_a, run_b)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="RUN") from None
    if not changes:
        console.print("Hai lượt chấm cho kết quả như nhau.")
    for change in changes:
        console.print(change.sentence())


def history(unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
            ruleset: Annotated[Optional[str], typer.Option(help="Bộ tiêu chí.")] = None,
            period: PERIOD = None) -> None:
    """Lịch sử điểm của một đơn vị: các lượt chấm làm điểm, hạng hoặc xếp loại thay đổi, và vì sao."""
    from cchc.cli import _engine, console
    from cycle.history import history as steps_of

    steps = steps_of(_engine(), unit, ruleset, period_code(period) if period else None)
    if not steps:
        console.print(f"Chưa có lượt chấm nào cho đơn vị «{unit}».")
    for st in steps:
        head = (f"{st.run.ruleset} {st.run.period_code} phiên bản {st.run.version} (#{st.run.id}, "
                f"{st.run.created_at:%d/%m/%Y %H:%M}{', đã công bố' if st.run.published_at else ''}): "
                f"{number(st.points, 2)} điểm, hạng {st.rank}, {st.klass or '–'}")
        console.print(head + (f"\n  {st.change.sentence()}" if st.change else ""))


def publish(run: Annotated[int, typer.Argument(help="Lượt chấm (#) cần công bố.")]) -> None:
    """Công bố một lượt chấm: từ đó nó không thay đổi; thay đổi sau là phiên bản mới ghi rõ điều đính chính."""
    from cchc.cli import _engine, console
    from cycle.scoring import publish as freeze

    try:
        done = freeze(_engine(), run)
    except ValueError as e:
        raise _refused(e) from None
    console.print(f"Đã công bố lượt chấm #{done.id} (phiên bản {done.version}) ngày {done.published_at:%d/%m/%Y}.")


def appraise(
    unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
    criterion: Annotated[str, typer.Option(help="Tiêu chí (lá), ví dụ 3.3.")],
    points: Annotated[float, typer.Option(help="Điểm thẩm định.")],
    reason: Annotated[str, typer.Option(help="Lý do điều chỉnh (bắt buộc).")],
    ruleset: RULESET = "qd766-2022",
    period: PERIOD = None,
    appraiser: Annotated[str, typer.Option(help="Người, tổ thẩm định.")] = "Hội đồng thẩm định",
) -> None:
    """Thẩm định: xác nhận hoặc điều chỉnh điểm một tiêu chí của một đơn vị, có lý do; điểm được tính lại ngay."""
    from cchc.cli import _engine, console
    from cycle.scoring import record_appraisal

    engine, rs, code = _engine(), _ruleset(ruleset), period_code(period)
    try:
        record_appraisal(engine, rs, code, unit, criterion, points, reason, appraiser)
    except ValueError as e:
        raise _refused(e) from None
    console.print(f"Đã ghi điểm thẩm định tiêu chí {criterion} của {unit}: {number(points, 2)} điểm.")
    score(ruleset, period)


CHANGED = Annotated[Optional[str], typer.Option(help="Kỳ, ví dụ «Năm 2024» (mặc định: mọi kỳ có dữ liệu mới "
                                                    "hơn điểm đã chấm).")]


def rescore(period: CHANGED = None,
            out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản được lập lại.")] = Path("out")) -> None:
    """Tính lại mọi bộ tiêu chí đơn vị theo dữ liệu mới, lập lại văn bản của đơn vị thay đổi."""
    from cchc.cli import _engine, console
    from cchc.rescoring import rescore_changed

    summaries = rescore_changed(_engine(), period_code(period) if period else None, out)
    if not summaries:
        console.print("Không có dữ liệu mới hơn điểm đã chấm.")
    for summary in summaries:
        _print_rescore(console, summary)


def _print_rescore(console, summary: dict) -> None:
    for name, r in summary["rulesets"].items():
        if not r["written"]:
            console.print(f"{summary['period']} {name}: không thay đổi (phiên bản {r['version']}).")
            continue
        console.print(f"{summary['period']} {name}: phiên bản {r['version']}, {r['evaluated']} đơn vị được tính lại.")
        for line in r["changes"][:20]:
            console.print(f"  {line}")
    for path in summary["documents"]:
        console.print(f"  đã lập lại {path}")


def submissions(period: PERIOD = None) -> None:
    """Tình hình gửi báo cáo định kỳ của một kỳ: đúng hạn, trễ hạn, chưa gửi."""
    from cchc.cli import _engine, console
    from cycle.reporting import submissions as status

    code = period_code(period)
    frame = status(_engine(), code)
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

@plan_app.command("tasks")
def plan_tasks(unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
               year: Annotated[int, typer.Option(help="Năm của kế hoạch.")] = date.today().year) -> None:
    """Các nhiệm vụ của kế hoạch năm: chủ trì, thời hạn, đã hoàn thành hay chưa."""
    from cchc.cli import _engine, console
    from cycle.plan import plan_of, stored

    engine = _engine()
    plan_id = plan_of(engine, unit, year)
    if plan_id is None:
        raise _refused(ValueError(f"đơn vị «{unit}» chưa có kế hoạch năm {year} (cchc report ke-hoach --unit {unit})"))
    _, items, _, name = stored(engine, plan_id)
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
    from cchc.cli import _engine, console
    from cycle.plan import complete

    try:
        done = complete(_engine(), item, day(on, "--on"), result)
    except ValueError as e:
        raise _refused(e) from None
    console.print(f"Đã ghi nhận hoàn thành nhiệm vụ #{done.id} ngày {done.done_on:%d/%m/%Y}.")


# --- Inspections -----------------------------------------------------------------------------------------

@inspection_app.command("plan")
def inspection_plan(
    year: Annotated[int, typer.Option(help="Năm kiểm tra.")] = date.today().year,
    share: Annotated[float, typer.Option(help="Tỷ lệ đơn vị tối thiểu (%), kiểm tra trên mức này.")] = 30.0,
    ruleset: RULESET = "qd766-2022",
) -> None:
    """Lập kế hoạch kiểm tra năm: trên 30% đơn vị, rủi ro cao trước (điểm thấp, giảm điểm, lâu chưa kiểm tra)."""
    from cchc import report_context as ctx
    from cchc.cli import _engine, console
    from cycle import inspection

    engine = _engine()
    scored = ctx.score(engine, _ruleset(ruleset), year - 1)
    if not len(scored.summary):
        raise _refused(ValueError(f"chưa có kết quả chấm điểm năm {year - 1} để chọn đơn vị kiểm tra"))
    visits = inspection.plan(engine, scored, year, share)
    table = Table(title=f"Kế hoạch kiểm tra năm {year}: {len(visits)}/{len(scored.summary)} đơn vị")
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
    ruleset: RULESET = "qd766-2022",
) -> None:
    """Ghi một phát hiện kiểm tra (và, nếu có điểm, điều chỉnh điểm thẩm định của tiêu chí)."""
    from cchc.cli import _engine, console
    from cycle.inspection import record_finding

    on = day(visited, "--visited")
    try:
        found = record_finding(_engine(), on.year, unit, on, text, recommendation, day(deadline, "--deadline"),
                               criterion, points, _ruleset(ruleset) if points is not None else None)
    except ValueError as e:
        raise _refused(e) from None
    console.print(f"Đã ghi phát hiện #{found} tại {unit}.")


@inspection_app.command("resolve")
def inspection_resolve(
    finding: Annotated[int, typer.Argument(help="Số phát hiện (#).")],
    on: Annotated[str, typer.Option(help="Ngày khắc phục xong dd/mm/yyyy.")],
    note: Annotated[str, typer.Option(help="Kết quả khắc phục.")] = "",
) -> None:
    """Ghi nhận đơn vị đã khắc phục một kiến nghị."""
    from cchc.cli import _engine, console
    from cycle.inspection import resolve

    try:
        resolve(_engine(), finding, day(on, "--on"), note)
    except ValueError as e:
        raise _refused(e) from None
    console.print(f"Đã ghi nhận khắc phục phát hiện #{finding}.")


@inspection_app.command("follow-up")
def inspection_follow_up(year: Annotated[int, typer.Option(help="Năm kiểm tra.")] = date.today().year) -> None:
    """Theo dõi khắc phục: từng kiến nghị, thời hạn, tình trạng (quá hạn trước)."""
    from cchc.cli import _engine, console
    from cycle.inspection import follow_up

    frame = follow_up(_engine(), year, date.today())
    table = Table(title=f"Theo dõi kiến nghị kiểm tra năm {year}")
    for col in ("#", "Đơn vị", "Kiến nghị", "Thời hạn", "Tình trạng"):
        table.add_column(col)
    order = {"quá hạn": 0, "còn hạn": 1, "khắc phục trễ hạn": 2, "đã khắc phục": 3}
    for r in frame.sort_values("state", key=lambda s: s.map(order)).itertuples():
        table.add_row(str(r.id), r.name, r.recommendation, f"{r.deadline:%d/%m/%Y}", r.state)
    console.print(table)


# --- Watching a folder, deploying to a server -----------------------------------------------------------

def watch(
    folder: Annotated[Path, typer.Argument(help="Thư mục nhận tệp dữ liệu.")],
    period: CHANGED = None,
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản được lập lại.")] = Path("out"),
    interval: Annotated[float, typer.Option(help="Số giây giữa hai lần xem thư mục.")] = 2.0,
    once: Annotated[bool, typer.Option(help="Xử lý các tệp đang có rồi dừng.")] = False,
) -> None:
    """Theo dõi một thư mục: nhập mọi tệp được thả vào, rồi tính lại điểm một lần cho cả đợt tệp."""
    from cchc.cli import _engine, console
    from cchc.watching import watch_folder

    if not folder.is_dir():
        raise typer.BadParameter(f"không có thư mục «{folder}»", param_hint="FOLDER")
    console.print(f"Đang theo dõi {folder}/ (Ctrl+C để dừng)…" if not once else f"Xử lý các tệp trong {folder}/…")
    watch_folder(_engine(), folder, period_code(period) if period else None, out, interval, once, console,
                 lambda summaries: [_print_rescore(console, s) for s in summaries])


def deploy(
    work_pool: Annotated[str, typer.Option(help="Tên work pool (kiểu process) trên máy chủ Prefect.")] = "cchc",
    out: Annotated[str, typer.Option(help="Thư mục ghi văn bản trên máy chạy worker.")] = "out",
) -> None:
    """Đăng ký các deployment của chu trình lên máy chủ Prefect (PREFECT_API_URL), kèm lịch chạy giờ Việt Nam
    và trigger tính lại điểm khi có dữ liệu mới."""
    from cchc.cli import console
    from flows.deployments import PLANNED, TIMEZONE, deploy as register
    from store.db import database_url

    if not os.environ.get("PREFECT_API_URL"):
        raise typer.BadParameter("cần máy chủ Prefect: đặt PREFECT_API_URL (xem README, «Chạy trên máy chủ Prefect»)")
    names = register(work_pool, database_url(), out)
    table = Table(title=f"Deployment trên work pool «{work_pool}» ({TIMEZONE})")
    for col in ("Deployment", "Lịch (cron)", "Kích hoạt"):
        table.add_column(col)
    for name, p in zip(names, PLANNED):
        table.add_row(name, ", ".join(p.crons), "khi có dữ liệu mới" if p.on_ingest else "")
    console.print(table)
    console.print(f"Chạy worker: prefect worker start --pool {work_pool}")
