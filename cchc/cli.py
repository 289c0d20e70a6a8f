"""The ``cchc`` command line.

Exit codes scripts can rely on: 0 done; 1 the input was refused (nothing written); 2 the command was
used wrongly; 3 anything else went wrong (``--debug`` shows the traceback).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cchc.fmt import number

EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 1, 2, 3

app = typer.Typer(help="cchc: chu trình cải cách hành chính hằng năm của tỉnh, sở, ngành.",
                  no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None)
db_app = typer.Typer(help="Cơ sở dữ liệu: tạo, nâng cấp, xem tình trạng.", no_args_is_help=True)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)
state = {"debug": False}


@app.callback()
def _options(
    db: Annotated[Optional[str], typer.Option(help="Địa chỉ CSDL (mặc định: biến CCHC_DATABASE_URL, "
                                                    "hoặc sqlite:///cchc.db trong thư mục hiện tại).")] = None,
    debug: Annotated[bool, typer.Option(help="In đầy đủ traceback khi có lỗi.")] = False,
) -> None:
    if db:
        os.environ["CCHC_DATABASE_URL"] = db
    state["debug"] = debug


def _engine():
    from store.db import make_engine, upgrade

    engine = make_engine()
    upgrade(engine)
    return engine


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def _ingest(engine, path: Path, kind: str | None = None, year: int | None = None):
    from store.ingest import ingest_file

    with _progress() as bar:
        task = bar.add_task(f"Nhập {path.name}", total=None)
        result = ingest_file(engine, path, kind=kind, year=year,
                             progress=lambda n: bar.update(task, advance=n, total=None))
    if result.already:
        console.print(f"[yellow]{path.name}[/]: tệp này đã được nhập (lô #{result.batch_id}); không thêm gì.")
    else:
        what = ", ".join(f"{number(v)} {k}" for k, v in result.loaded.items())
        console.print(f"[green]{path.name}[/] ({result.kind.title}): lô #{result.batch_id}, "
                      f"{number(result.rows)} dòng — {what}.")
    return result


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Tệp CSV, XLSX hoặc Parquet.")],
    kind: Annotated[Optional[str], typer.Option(help="Loại tệp (mặc định: nhận ra từ dòng tiêu đề): "
                                                     "don_vi, can_bo, ky_luat, sang_kien, so_lieu, ho_so.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Năm báo cáo của tệp hồ sơ (mặc định: suy ra từ ngày tiếp nhận).")] = None,
) -> None:
    """Nhập tệp dữ liệu: kiểm tra toàn bộ, có lỗi thì từ chối cả tệp và không ghi gì."""
    from store.ingest import KINDS

    if kind and kind not in KINDS:
        raise typer.BadParameter(f"không có loại «{kind}»; chọn một trong: {', '.join(KINDS)}", param_hint="--kind")
    from cchc.events import announce_ingest

    engine = _engine()
    for path in files:
        announce_ingest(_ingest(engine, path, kind, year))


@app.command()
def template(
    kind: Annotated[str, typer.Argument(help="Loại mẫu: don_vi, can_bo, ky_luat, sang_kien, so_lieu, ho_so, hoặc all.")],
    out: Annotated[Path, typer.Option(help="Thư mục ghi mẫu.")] = Path("."),
) -> None:
    """Ghi mẫu nhập liệu Excel (trống, có hướng dẫn từng cột)."""
    from store.ingest import KINDS
    from store.ingest.templates import write_template

    kinds = list(KINDS) if kind == "all" else [kind]
    for code in kinds:
        if code not in KINDS:
            raise typer.BadParameter(f"không có loại «{code}»; chọn một trong: {', '.join(KINDS)}, all")
        console.print(f"Đã ghi mẫu {KINDS[code].title}: {write_template(code, out)}")


@app.command()
def calendar(year: Annotated[int, typer.Option(help="Năm báo cáo.")] = time.localtime().tm_year) -> None:
    """Lịch báo cáo CCHC của một năm: kỳ, khoảng số liệu, hạn gửi."""
    from store.calendar import REPORTED, periods_of

    table = Table(title=f"Lịch báo cáo CCHC năm {year}")
    for col in ("Mã kỳ", "Kỳ báo cáo", "Số liệu từ", "đến", "Hạn gửi", "Báo cáo Bộ Nội vụ"):
        table.add_column(col)
    for p in periods_of(year):
        table.add_row(p.code, p.label, f"{p.start:%d/%m/%Y}", f"{p.end:%d/%m/%Y}", f"{p.due:%d/%m/%Y}",
                      "có" if p.kind.code in REPORTED else "")
    console.print(table)


@app.command()
def facts(
    period: Annotated[str, typer.Option(help="Kỳ báo cáo, ví dụ 2024-NAM hoặc «Quý I/2024».")],
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị.")] = None,
) -> None:
    """Số liệu hiện hành (bản mới nhất của mỗi chỉ tiêu) của một kỳ."""
    from sqlalchemy.orm import Session

    from store import calendar as cal
    from store import indicators
    from store.queries import current_facts

    try:
        code = cal.parse_period(period).code
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--period") from None
    engine = _engine()
    with Session(engine) as s:
        frame = current_facts(s, [code])
    if unit:
        frame = frame[frame["unit"] == unit]
    if frame.empty:
        console.print(f"Không có số liệu kỳ {code}{' của ' + unit if unit else ''}.")
        return
    registry = indicators.registry()
    table = Table(title=f"Số liệu kỳ {code}")
    for col in ("Đơn vị", "Chỉ tiêu", "Tên chỉ tiêu", "Giá trị", "Lô"):
        table.add_column(col, justify="right" if col in ("Giá trị", "Lô") else "left")
    for r in frame.sort_values(["unit", "indicator"]).itertuples(index=False):
        table.add_row(r.unit, r.indicator, registry[r.indicator].label, number(r.value), f"#{r.batch_id}")
    console.print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Tạo hoặc nâng cấp lược đồ CSDL lên bản mới nhất."""
    from store.db import database_url

    _engine()
    console.print(f"CSDL đã ở bản mới nhất: {database_url()}")


@db_app.command("status")
def db_status() -> None:
    """Số bản ghi trong từng bảng."""
    from store.db import counts, database_url

    table = Table(title=f"CSDL {database_url()}")
    table.add_column("Bảng")
    table.add_column("Số bản ghi", justify="right")
    for name, n in counts(_engine()).items():
        table.add_row(name, number(n))
    console.print(table)


@app.command()
def demo(
    communes: Annotated[int, typer.Option(help="Số xã, phường của tỉnh mô phỏng.", min=1)] = 100,
    dossiers: Annotated[int, typer.Option(help="Số hồ sơ TTHC trong năm.", min=1)] = 1_000_000,
    year: Annotated[int, typer.Option(help="Năm báo cáo.")] = 2024,
    seed: Annotated[int, typer.Option(help="Hạt giống sinh dữ liệu (cùng hạt giống, cùng dữ liệu).")] = 20241215,
    data_dir: Annotated[Path, typer.Option(help="Thư mục ghi các tệp dữ liệu mô phỏng.")] = Path("out/demo-data"),
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản và trang web.")] = Path("out"),
    prefect: Annotated[bool, typer.Option(help="Chạy chu trình năm qua các flow Prefect (mặc định) hay gọi thẳng.")] = True,
) -> None:
    """Tỉnh mô phỏng: sinh dữ liệu, nhập qua đúng đường nhập liệu của người dùng, rồi chạy cả năm: kế hoạch,
    4 kỳ báo cáo, kiểm tra, chấm điểm và công bố, thi đua, kế hoạch năm sau."""
    from cchc.cycle_cli import print_ranking, run_cycle
    from cchc.demo import DemoSpec, generate
    from cchc.summary import print_summary
    from store.db import database_url

    spec = DemoSpec(year=year, communes=communes, dossiers=dossiers, seed=seed)
    started = time.perf_counter()
    engine = _engine()
    with console.status("Sinh dữ liệu mô phỏng…") as status:
        files = generate(data_dir, spec, step=lambda what: status.update(f"Sinh dữ liệu mô phỏng: {what}…"))
    console.print(f"Dữ liệu mô phỏng ở {data_dir}/ ({len(files.in_order())} tệp).")
    for path in files.in_order():
        _ingest(engine, path, year=files.year_of(path, year))
    print_summary(console, engine, year)
    console.print(f"Chu trình năm {year}…")
    written = run_cycle(database_url(), year, out, prefect)
    print_ranking(engine, year)
    console.print(f"Văn bản đã lập ({len(written)}), trong thư mục {out}/:")
    for path in written:
        console.print(f"  {path}")
    console.print(f"Xong sau {number(time.perf_counter() - started, 1)} giây.")


def main() -> None:
    from store.ingest.problems import IngestError

    try:
        code = app(standalone_mode=False)  # an Exit raised by a command comes back as its code
        if isinstance(code, int) and code:
            sys.exit(code)
    except IngestError as e:
        err.print(f"[bold red]Tệp bị từ chối[/]\n{e.render()}")
        sys.exit(EXIT_INVALID)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Đã dừng.")
        sys.exit(EXIT_FAILED)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except Exception as e:  # noqa: BLE001 - the one place that turns any failure into a message
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # typer's (vendored click) usage errors
            e.show()
            sys.exit(EXIT_USAGE)
        if state["debug"]:
            raise
        err.print(f"[bold red]Lỗi:[/] {e}\n(chạy lại với --debug để xem chi tiết)")
        sys.exit(EXIT_FAILED)


# The sub-commands' modules import only typer at load time; their work is imported when they run.
from cchc import cycle_cli as _cycle  # noqa: E402
from cchc.emulation_cli import app as _emulation_app  # noqa: E402
from cchc.report_cli import report as _report  # noqa: E402
from cchc.rules_cli import app as _rules_app  # noqa: E402

app.add_typer(db_app, name="db")
app.add_typer(_rules_app, name="rules")
app.add_typer(_emulation_app, name="emulation")
app.command("report")(_report)
app.add_typer(_cycle.cycle_app, name="cycle")
app.add_typer(_cycle.inspection_app, name="inspection")
app.add_typer(_cycle.plan_app, name="plan")
for _name, _command in (("score", _cycle.score), ("runs", _cycle.runs), ("diff", _cycle.diff_runs),
                        ("history", _cycle.history), ("publish", _cycle.publish), ("appraise", _cycle.appraise),
                        ("rescore", _cycle.rescore), ("submissions", _cycle.submissions), ("watch", _cycle.watch),
                        ("deploy", _cycle.deploy)):
    app.command(_name)(_command)

if __name__ == "__main__":
    main()
