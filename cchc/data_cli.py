"""``cchc ingest``, ``template``, ``calendar``, ``facts``, ``demo`` and ``cchc db …``: the record and the demo."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.shell import console, engine, number, period, settings, year_option

db_app = typer.Typer(help="Cơ sở dữ liệu: tạo, nâng cấp, xem tình trạng.", no_args_is_help=True)


def _ingest(path: Path, kind: str | None = None, year: int | None = None):
    from rich.markup import escape

    from cchc.shell import progress
    from office.ingestion import ingest as land

    with progress() as bar:
        task = bar.add_task(f"Nhập {escape(path.name)}", total=None)
        result = land(engine(), path, kind=kind, year=year,
                      progress=lambda n: bar.update(task, advance=n, total=None))
    if result.already:
        console.print(f"[yellow]{escape(path.name)}[/]: tệp này đã được nhập ({_landed_as(result)}); không thêm gì.")
    else:
        what = ", ".join(f"{number(v)} {k}" for k, v in result.loaded.items())
        console.print(f"[green]{escape(path.name)}[/] ({result.kind.title}): lô #{result.batch_id}, "
                      f"{number(result.rows)} dòng — {what}.")
    return result


def announce(_result=None) -> None:
    """Send the outbox's waiting events (the batches just landed among them) to the Prefect server named by
    ``PREFECT_API_URL``, for its re-scoring trigger. A server that does not answer is not a failure: the data
    are in the store and their event waits in it."""
    import os

    if not os.environ.get("PREFECT_API_URL"):
        return
    from flows.events import ServerUnreachable, flush

    try:
        flush(engine())
    except ServerUnreachable as e:
        from cchc.shell import err

        err.print(f"[yellow]Lưu ý:[/] dữ liệu đã được ghi, nhưng {e}: sự kiện «có dữ liệu mới» đã được xếp hàng "
                  "trong CSDL và sẽ được gửi khi máy chủ trả lời lại («cchc events flush», lệnh nhập sau, hoặc "
                  "lượt tính lại điểm theo lịch 15 phút một lần); cũng có thể chạy «cchc rescore» ngay.")


# Every kind of file, as store.ingest.KINDS orders them (written out: the help is built before anything is imported).
KIND_CODES = ("don_vi, can_bo, ky_luat, sang_kien, ho_so, so_lieu, bao_cao, ket_qua_kiem_tra, bao_cao_noi_dung, "
              "xep_loai_tap_the, khen_thuong, vu_viec, de_tai")


def ingest(
    files: Annotated[list[Path], typer.Argument(help="Tệp CSV, XLSX hoặc Parquet.")],
    kind: Annotated[Optional[str], typer.Option(help="Loại tệp (mặc định: nhận ra từ dòng tiêu đề): "
                                                     f"{KIND_CODES}.")] = None,
    year: Annotated[Optional[int], year_option(help="Năm báo cáo của tệp hồ sơ (mặc định: suy ra từ ngày tiếp nhận).")] = None,
    again: Annotated[bool, typer.Option("--lai", help="Nhập lại tệp đã nhập trước đây (một tệp cũ gửi lại sau khi tệp "
                                                      "khác đã sửa số liệu của nó): số liệu của tệp lại là hiện hành. "
                                                      "Tệp hồ sơ TTHC chỉ nhập một lần.")] = False,
) -> None:
    """Nhập tệp dữ liệu: kiểm tra toàn bộ, có lỗi thì từ chối cả tệp và không ghi gì. Nhiều tệp: kiểm tra tất cả
    rồi ghi tất cả trong một lần, hoặc không ghi tệp nào."""
    from rich.markup import escape

    from cchc.shell import progress
    from office.ingestion import KINDS, IngestError, ingest_many

    if kind and kind not in KINDS:
        raise typer.BadParameter(f"không có loại «{kind}»; chọn một trong: {', '.join(KINDS)}", param_hint="--kind")
    refused = None
    with progress() as bar:
        tasks: dict[str, int] = {}

        def written(name: str, n: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"Ghi {escape(name)}", total=None)
            bar.update(tasks[name], advance=n, total=None)

        try:
            statuses = ingest_many(engine(), files, kind=kind, year=year, progress=written, again=again)
        except IngestError as e:
            refused, statuses = e, e.statuses
    for status in statuses:
        print_status(status)
    if refused is not None:
        raise refused
    if any(status.result is not None and not status.result.already for status in statuses):
        announce()


def _landed_as(result) -> str:
    """The batch a file landed as before, and the reporting year of its dossiers."""
    return f"lô #{result.batch_id}" + (f", hồ sơ năm {result.year}" if result.year is not None else "")


def print_status(status) -> None:
    """One file's fate: đã nhận (its batch), đã nhập trước đây, bị từ chối, or valid but held back."""
    from rich.markup import escape

    name = escape(status.name)  # «so_lieu [SNV].xlsx»: a name, not a style of the console's
    if status.refused:
        console.print(f"[red]{name}[/]: bị từ chối ({number(len(status.problems))} lỗi, xem bên dưới).")
    elif status.held:
        console.print(f"[yellow]{name}[/]: hợp lệ, nhưng không ghi vì có tệp khác bị từ chối.")
    elif status.result is not None and status.result.already:
        console.print(f"[yellow]{name}[/]: tệp này đã được nhập ({_landed_as(status.result)}); không thêm gì.")
    elif status.result is not None:
        result = status.result
        what = ", ".join(f"{number(v)} {k}" for k, v in result.loaded.items())
        console.print(f"[green]{name}[/] ({result.kind.title}): đã nhận — lô #{result.batch_id}, "
                      f"{number(result.rows)} dòng — {what}.")
    for note in status.notes:
        console.print(f"  {escape(note)}")
    for warning in status.warnings:
        console.print(f"  [yellow]Lưu ý:[/] {escape(str(warning))}")


def template(
    kind: Annotated[str, typer.Argument(help=f"Loại mẫu: {KIND_CODES}, hoặc all.")],
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


def calendar(year: Annotated[int, year_option(help="Năm báo cáo.")] = date.today().year) -> None:
    """Lịch báo cáo CCHC của một năm: kỳ, khoảng số liệu, hạn gửi."""
    from rich.table import Table

    from store.calendar import REPORTED, periods_of

    table = Table(title=f"Lịch báo cáo CCHC năm {year}")
    for col in ("Mã kỳ", "Kỳ báo cáo", "Số liệu từ", "đến", "Hạn gửi", "Báo cáo Bộ Nội vụ"):
        table.add_column(col)
    for p in periods_of(year):
        table.add_row(p.code, p.label, f"{p.start:%d/%m/%Y}", f"{p.end:%d/%m/%Y}", f"{p.due:%d/%m/%Y}",
                      "có" if p.kind.code in REPORTED else "")
    console.print(table)


def facts(
    period_text: Annotated[str, typer.Option("--period", help="Kỳ báo cáo, ví dụ 2024-NAM hoặc «Quý I/2024».")],
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị.")] = None,
) -> None:
    """Số liệu hiện hành (bản mới nhất của mỗi chỉ tiêu) của một kỳ."""
    from rich.table import Table
    from sqlalchemy.orm import Session

    from store import indicators
    from store.queries import current_facts

    code = period(period_text)
    with Session(engine()) as s:
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
    from store.db import make_engine, upgrade

    store = make_engine(settings.database_url)
    upgrade(store, force=True)
    store.dispose()
    console.print(f"CSDL đã ở bản mới nhất: {settings.url()}")


@db_app.command("status")
def db_status() -> None:
    """Số bản ghi trong từng bảng."""
    from rich.table import Table

    from store.db import counts

    table = Table(title=f"CSDL {settings.url()}")
    table.add_column("Bảng")
    table.add_column("Số bản ghi", justify="right")
    for name, n in counts(engine()).items():
        table.add_row(name, number(n))
    console.print(table)


def print_summary(year: int) -> None:
    from rich.table import Table

    from base.vn import percent
    from cchc.shell import best_and_worst_rows
    from office.summary import dossier_rates, loaded

    table = Table(title="Dữ liệu đã nạp", show_header=False)
    table.add_column()
    table.add_column(justify="right")
    for what, n in loaded(engine(), year):
        table.add_row(what, n)
    console.print(table)
    rates = dossier_rates(engine(), year)
    if rates.empty:
        return
    table = Table(title=f"Hồ sơ TTHC năm {year} (kỳ dữ liệu 15/12/{year - 1} – 14/12/{year}): "
                        "5 đơn vị tốt nhất và 5 đơn vị kém nhất theo tỷ lệ đúng hạn")
    for col in ("Đơn vị", "Hồ sơ", "Đúng hạn", "Trực tuyến", "Số hóa", "TT trực tuyến"):
        table.add_column(col, justify="left" if col == "Đơn vị" else "right")
    best_and_worst_rows(table, rates, lambda code, r: [r["name"], number(r.received), percent(r.on_time),
                                                       percent(r.online), percent(r.digitised), percent(r.paid)])
    console.print(table)


def demo(
    communes: Annotated[int, typer.Option(help="Số xã, phường của tỉnh mô phỏng.", min=1)] = 100,
    dossiers: Annotated[int, typer.Option(help="Số hồ sơ TTHC trong năm.", min=1)] = 1_000_000,
    year: Annotated[int, year_option(help="Năm báo cáo.")] = 2024,
    seed: Annotated[int, typer.Option(help="Hạt giống sinh dữ liệu (cùng hạt giống, cùng dữ liệu).")] = 20241215,
    past_years: Annotated[int, typer.Option(help="Số năm trước năm báo cáo có hồ sơ theo mùa vụ, xu hướng từng đơn "
                                                 "vị (để dự báo cả năm học theo); 0: chỉ năm trước, hồ sơ đều.",
                                            min=0)] = 0,
    data_dir: Annotated[Path, typer.Option(help="Thư mục ghi các tệp dữ liệu mô phỏng.")] = Path("out/demo-data"),
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản và trang web.")] = Path("out"),
    prefect: Annotated[bool, typer.Option(help="Chạy chu trình năm qua các flow Prefect (mặc định) hay gọi thẳng.")] = True,
    accounts: Annotated[bool, typer.Option(help="Tạo tài khoản mẫu cho cổng CCHC (mật khẩu ban đầu in một lần).")] = True,
) -> None:
    """Tỉnh mô phỏng: sinh dữ liệu, nhập qua đúng đường nhập liệu của người dùng, rồi chạy cả năm: kế hoạch,
    4 kỳ báo cáo, kiểm tra, chấm điểm và công bố, thi đua, kế hoạch năm sau."""
    from cchc.cycle_cli import print_ranking, run_cycle
    from cchc.demo import DemoSpec, generate

    spec = DemoSpec(year=year, communes=communes, dossiers=dossiers, seed=seed, past_years=past_years)
    started = time.perf_counter()
    engine()
    with console.status("Sinh dữ liệu mô phỏng…") as status:
        files = generate(data_dir, spec, step=lambda what: status.update(f"Sinh dữ liệu mô phỏng: {what}…"))
    console.print(f"Dữ liệu mô phỏng ở {data_dir}/ ({len(files.in_order())} tệp).")
    for path in files.in_order():
        _ingest(path, year=files.year_of(path, year))
    print_summary(year)
    console.print(f"Chu trình năm {year}…")
    written = run_cycle(year, out, prefect)
    print_ranking(year)
    console.print(f"Văn bản đã lập ({len(written)}), trong thư mục {out}/:")
    for path in written:
        console.print(f"  {path}")
    if accounts:
        from cchc.portal_cli import print_demo_accounts

        print_demo_accounts(engine(), year)
    console.print(f"Xong sau {number(time.perf_counter() - started, 1)} giây.")


COMMANDS = {"ingest": ingest, "template": template, "calendar": calendar, "facts": facts, "demo": demo}
