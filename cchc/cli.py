"""The ``cchc`` command line: a door into the office's use cases (``office``), nothing more.

Exit codes scripts can rely on: 0 done; 1 the input was refused (nothing written); 2 the command was
used wrongly; 3 anything else went wrong (``--debug`` shows the traceback).
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cchc import i18n
from cchc.shell import EXIT_FAILED, EXIT_INVALID, EXIT_USAGE, err, settings

app = typer.Typer(help="cchc: chu trình cải cách hành chính hằng năm của tỉnh, sở, ngành.", add_completion=False,
                  no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None)


@app.callback()
def _options(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option(metavar="URL", help="Địa chỉ CSDL (mặc định: biến CCHC_DATABASE_URL, "
                                                    "hoặc sqlite:///cchc.db trong thư mục hiện tại).")] = None,
    tinh: Annotated[Optional[str], typer.Option(metavar="KEY", envvar="CCHC_TINH", help=(
        "Tỉnh phục vụ (mã trong tinh.yaml hoặc tệp CCHC_PROVINCES): CSDL, dữ liệu và thư mục văn bản của tỉnh."))] = None,
    debug: Annotated[bool, typer.Option(help="In đầy đủ traceback khi có lỗi.")] = False,
) -> None:
    settings.reset()
    settings.database_url, settings.debug = db, debug
    if tinh:
        from cchc.tinh_cli import select

        select(ctx, tinh, db)


def _register() -> None:
    """Every sub-command, from modules that import only typer and ``cchc.shell`` when loaded."""
    from cchc import (cycle_cli, data_cli, emulation_cli, events_cli, portal_cli, preview_cli, report_cli, rules_cli,
                      score_cli, tinh_cli, whatif_cli)

    for module in (data_cli, score_cli, cycle_cli, whatif_cli, tinh_cli):
        for name, command in module.COMMANDS.items():
            app.command(name)(command)
    app.add_typer(data_cli.db_app, name="db")
    app.add_typer(events_cli.events_app, name="events")
    app.add_typer(score_cli.runs_app, name="runs")
    for name, command in preview_cli.COMMANDS.items():  # cchc rules preview, cchc rules anomalies
        rules_cli.app.command(name)(command)
    app.add_typer(rules_cli.app, name="rules")
    app.add_typer(emulation_cli.app, name="emulation")
    app.command("report")(report_cli.report)
    app.add_typer(cycle_cli.cycle_app, name="cycle")
    app.add_typer(cycle_cli.inspection_app, name="inspection")
    app.add_typer(cycle_cli.plan_app, name="plan")
    app.add_typer(portal_cli.user_app, name="user")
    app.add_typer(portal_cli.portal_app, name="portal")
    app.command("serve")(portal_cli.serve)
    app.add_typer(tinh_cli.app, name="tinh")


_register()


def main(argv: list[str] | None = None) -> None:
    """Run ``cchc``; every failure becomes a message in Vietnamese and an exit code, never a traceback
    (unless ``--debug``)."""
    i18n.install()
    try:
        code = app(args=argv, prog_name="cchc", standalone_mode=False)  # an Exit raised by a command comes back as its code
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Đã dừng.")
        sys.exit(EXIT_FAILED)
    except Exception as e:  # noqa: BLE001 - the one place that turns any failure into a message
        if hasattr(e, "format_message") and getattr(e, "exit_code", None) == EXIT_USAGE:  # click's usage errors
            err.print(i18n.usage_error(e), markup=False)
            sys.exit(EXIT_USAGE)
        if settings.debug:
            raise
        code, message = explain(e)
        err.print(message)
        sys.exit(code)


def explain(e: Exception) -> tuple[int, str]:
    """(exit code, message) for a failure: refusals name what was wrong; the rest say what failed. What the
    message quotes (a cell, a criterion, a path) is escaped: a «[/]» in a file is text, not console markup."""
    from rich.markup import escape

    from office.errors import Forbidden, Refused
    from store.ingest.problems import IngestError

    if isinstance(e, IngestError):
        return EXIT_INVALID, f"[bold red]Tệp bị từ chối[/]\n{escape(e.render())}"
    if isinstance(e, Refused):
        where = f" ({escape(e.field)})" if e.field else ""
        return EXIT_INVALID, f"[bold red]Không ghi nhận{where}:[/] {escape(e.message)}"
    from rules.evaluate import AdjustedUnknown

    if isinstance(e, AdjustedUnknown):  # a rule file's slip, refused as the file's other problems are
        return EXIT_INVALID, f"[bold red]Không ghi nhận (--ruleset):[/] {escape(str(e))}"
    if isinstance(e, Forbidden):
        return EXIT_INVALID, f"[bold red]Không được phép:[/] {escape(e.message)}"
    from sqlalchemy.exc import DBAPIError

    if isinstance(e, DBAPIError):
        first = str(e.orig).strip().splitlines()[0] if e.orig is not None else type(e).__name__
        return EXIT_FAILED, (f"[bold red]Lỗi CSDL[/] ({escape(settings.url())}): {escape(first)}\n"
                             "(kiểm tra địa chỉ --db hoặc CCHC_DATABASE_URL; chạy lại với --debug để xem chi tiết)")
    return EXIT_FAILED, f"[bold red]Lỗi:[/] {escape(str(e))}\n(chạy lại với --debug để xem chi tiết)"


if __name__ == "__main__":
    main()
