"""``cchc events …``: the outbox of events for the Prefect server (``store.outbox``, ``flows.events``)."""

from __future__ import annotations

import os

import typer

from cchc.shell import EXIT_FAILED, console, engine, err, number

events_app = typer.Typer(help="Sự kiện gửi máy chủ Prefect (hàng đợi trong CSDL).", no_args_is_help=True)


@events_app.command("status")
def events_status() -> None:
    """Số sự kiện đã gửi và đang chờ gửi, lỗi gần nhất."""
    from store.outbox import tally

    t = tally(engine())
    server = os.environ.get("PREFECT_API_URL") or "chưa đặt PREFECT_API_URL: không có máy chủ Prefect để gửi"
    console.print(f"Máy chủ Prefect: {server}")
    console.print(f"Đã gửi: {number(t.sent)}; đang chờ gửi: {number(t.waiting)}.")
    if t.waiting and t.last_error:
        console.print(f"Lần gửi gần nhất không được: {t.last_error}")


@events_app.command("flush")
def events_flush() -> None:
    """Gửi các sự kiện đang chờ tới máy chủ Prefect (PREFECT_API_URL) để máy chủ tính lại điểm."""
    from flows.events import ServerUnreachable, flush

    try:
        done = flush(engine())
    except ServerUnreachable as e:
        err.print(f"[bold red]Chưa gửi được:[/] {e}; các sự kiện vẫn chờ trong CSDL.")
        raise typer.Exit(EXIT_FAILED)
    if done is None:
        err.print("[bold red]Chưa đặt PREFECT_API_URL[/]: không có máy chủ Prefect để gửi; các sự kiện vẫn chờ "
                  "trong CSDL.")
        raise typer.Exit(EXIT_FAILED)
    if not done.events:
        console.print(f"Không có sự kiện nào chờ gửi (máy chủ Prefect {done.url}).")
        return
    console.print(f"Đã gửi tới máy chủ Prefect {done.url}: {number(done.events)} sự kiện (lô "
                  f"{', '.join(f'#{b}' for b in done.batches)}), gộp thành một lần tính lại điểm.")
