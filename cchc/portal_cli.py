"""The portal's commands: accounts (``cchc user …``) and ``cchc serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.shell import console, engine as _engine, settings

user_app = typer.Typer(help="Tài khoản của Cổng CCHC: thêm, liệt kê, khóa, đặt lại mật khẩu, nhập từ Excel.",
                       no_args_is_help=True)


@user_app.command("add")
def add(username: str, full_name: Annotated[str, typer.Option("--name", help="Họ và tên.")],
        role: Annotated[str, typer.Option(help="quan_tri | don_vi | tham_dinh | hoi_dong")],
        unit: Annotated[str, typer.Option(help="Mã đơn vị (cán bộ đơn vị).")] = "",
        assigned: Annotated[str, typer.Option(help="Đơn vị phân công (thẩm định viên), cách nhau dấu phẩy.")] = "",
        email: Annotated[str, typer.Option(help="E-mail nhận thông báo (khi có máy chủ SMTP).")] = "") -> None:
    """Thêm tài khoản; in mật khẩu ban đầu một lần (phải đổi khi đăng nhập lần đầu)."""
    from office.accounts import SYSTEM, create_account

    password = create_account(_engine(), SYSTEM, username, full_name, role, unit or None, assigned, email=email)
    console.print(f"Đã tạo {username.lower()}; mật khẩu ban đầu: {password}")


@user_app.command("list")
def list_() -> None:
    """Liệt kê tài khoản."""
    from rich.table import Table

    from office.accounts import ROLES, SYSTEM, list_accounts

    table = Table("Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "E-mail", "Trạng thái")
    for a in list_accounts(_engine(), SYSTEM).itertuples():
        state = "đã khóa" if a.disabled else ("chờ đổi mật khẩu" if a.must_change_password else "hoạt động")
        table.add_row(a.username, a.full_name, ROLES[a.role], a.unit or a.assigned_units or "", a.email or "", state)
    console.print(table)


@user_app.command("email")
def set_email(username: str, address: Annotated[str, typer.Argument(help="Địa chỉ e-mail; bỏ trống để xóa.")] = "") -> None:
    """Đặt (hoặc xóa) e-mail nhận thông báo của một tài khoản."""
    from office.accounts import SYSTEM
    from office.notifications import set_email as set_

    done = set_(_engine(), SYSTEM, username, address)
    console.print(f"E-mail của {username.lower()}: {done}" if done else f"Đã xóa e-mail của {username.lower()}.")


@user_app.command("disable")
def disable(username: str, enable: Annotated[bool, typer.Option("--enable", help="Mở khóa lại.")] = False) -> None:
    """Khóa (hoặc mở khóa) tài khoản; phiên đang mở bị đóng."""
    from office.accounts import SYSTEM, set_disabled

    set_disabled(_engine(), SYSTEM, username, not enable)
    console.print(f"Đã {'mở khóa' if enable else 'khóa'} {username}.")


@user_app.command("reset-password")
def reset_password(username: str) -> None:
    """Đặt lại mật khẩu ban đầu mới (in một lần); người dùng phải đổi khi đăng nhập."""
    from office.accounts import SYSTEM, reset_password as reset

    console.print(f"Mật khẩu ban đầu mới của {username}: {reset(_engine(), SYSTEM, username)}")


@user_app.command("import")
def import_(file: Path) -> None:
    """Nhập danh sách tài khoản từ Excel (mẫu: cchc user template); kiểm tra hết rồi mới ghi."""
    import pandas as pd
    from rich.table import Table

    from office.accounts import SYSTEM, import_accounts
    from office.errors import Refused

    try:
        frame = pd.read_excel(file, dtype=object)
    except (OSError, ValueError) as err:
        raise Refused(f"không đọc được {file.name}: {err}", field="FILE") from None
    made = import_accounts(_engine(), SYSTEM, frame)
    table = Table("Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu ban đầu")
    for row in made:
        table.add_row(*row)
    console.print(table)


@user_app.command("template")
def template(out: Path = Path("danh_sach_tai_khoan.xlsx")) -> None:
    """Mẫu Excel danh sách tài khoản."""
    import pandas as pd

    from office.accounts import IMPORT_EXAMPLE, IMPORT_HEADERS
    from reports.xlsx import frame_to_workbook, save_workbook

    wb = frame_to_workbook(pd.DataFrame(IMPORT_EXAMPLE, columns=IMPORT_HEADERS), "Tài khoản")
    guide = wb.create_sheet("Hướng dẫn")
    for line in ("Mỗi dòng một tài khoản. Vai trò: quan_tri, don_vi, tham_dinh, hoi_dong.",
                 "Cán bộ đơn vị (don_vi) phải có Mã đơn vị. Thẩm định viên: Đơn vị phân công (trống = tất cả).",
                 "E-mail (không bắt buộc): nơi nhận thông báo của Cổng CCHC khi có máy chủ thư (SMTP).",
                 "Mật khẩu ban đầu được in khi nhập; người dùng phải đổi khi đăng nhập lần đầu."):
        guide.append([line])
    save_workbook(wb, out)
    console.print(f"Đã ghi mẫu {out}")


portal_app = typer.Typer(help="Việc định kỳ của Cổng CCHC: nhắc việc, gửi thư thông báo.", no_args_is_help=True)


def _told_outbox(outbox) -> None:
    if outbox is None:
        return
    if outbox.problem:
        console.print(f"Thư: không gửi ({outbox.problem}).")
        return
    console.print(f"Thư: đã gửi {outbox.sent}, lỗi {outbox.failed}, còn chờ {outbox.waiting}.")
    for line in outbox.errors or []:
        console.print(f"  {line}")


@portal_app.command("nhac-viec")
def remind(days: Annotated[Optional[int], typer.Option("--days", help="Nhắc trước bao nhiêu ngày (mặc định: biến "
                                                       "CCHC_REMIND_DAYS, hoặc 3).")] = None,
           on: Annotated[str, typer.Option("--on", help="Tính như vào ngày dd/mm/yyyy (mặc định: hôm nay).")] = "",
           no_mail: Annotated[bool, typer.Option("--no-mail", help="Chỉ tạo thông báo, không gửi thư.")] = False) -> None:
    """Nhắc các đơn vị việc sắp đến hạn (đợt tự đánh giá, yêu cầu bổ sung, báo cáo định kỳ), rồi gửi thư đang chờ.
    Chạy hằng ngày; chạy lại trong ngày không nhắc trùng."""
    from datetime import date

    from cchc.shell import day
    from office.reminders import remind as run

    today = day(on, "--on", date.today())
    done = run(_engine(), today, days, send=not no_mail)
    console.print(f"Nhắc việc ngày {today:%d/%m/%Y}: {done.rounds} thông báo hạn nộp tự đánh giá, {done.feedback} "
                  f"hạn trả lời yêu cầu bổ sung, {done.reports} hạn báo cáo định kỳ, {done.council} nhắc bỏ phiếu "
                  "Hội đồng.")
    _told_outbox(done.outbox)


@portal_app.command("gui-thu")
def send_mail() -> None:
    """Gửi thư thông báo đang chờ (và thử lại thư lỗi đến lượt) qua máy chủ SMTP cấu hình bằng biến CCHC_SMTP_*."""
    from office.mail import settings_from_env
    from office.notifications import send_waiting

    settings = settings_from_env()  # a wrong setting is refused here, naming the variable
    outbox = send_waiting(_engine(), settings)
    _told_outbox(outbox)
    if outbox.failed and not outbox.sent:
        raise typer.Exit(3)


def serve(host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Cổng.")] = 8000,
          workers: Annotated[int, typer.Option(help="Số tiến trình phục vụ.", min=1)] = 1,
          proxy: Annotated[str, typer.Option(help="Địa chỉ reverse proxy được tin (X-Forwarded-For/Proto).")]
          = "127.0.0.1") -> None:
    """Chạy Cổng CCHC (tự đánh giá, thẩm định, công bố). Có tệp đăng ký tỉnh (tinh.yaml, CCHC_PROVINCES) mà không
    chọn --tinh hay --db: một cổng cho mọi tỉnh, mỗi tỉnh ở /<mã tỉnh>/, trang đầu liệt kê các tỉnh."""
    import os

    import uvicorn

    if settings.province is None and settings.database_url is None:
        from office.provinces import load

        if provinces := load():
            _serve_provinces(provinces, host, port, workers, proxy)
            return
    _engine()  # the schema is brought up to date once, before the workers start
    os.environ["CCHC_DATABASE_URL"] = settings.url()  # how the worker processes learn which store to open
    console.print(f"Cổng CCHC: http://{host}:{port}/ (CSDL {settings.url()}; Ctrl+C để dừng)")
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, workers=workers, proxy_headers=True,
                forwarded_allow_ips=proxy, log_level="info")


def _serve_provinces(provinces: dict, host: str, port: int, workers: int, proxy: str) -> None:
    """Every registered province in one portal, each under its key; each store brought up to date first."""
    import os

    import uvicorn
    from rich.markup import escape
    from sqlalchemy.engine import make_url

    from office.provinces import REGISTRY_ENV, registry_path
    from store.db import make_engine, upgrade

    for province in provinces.values():
        engine = make_engine(province.database_url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
    os.environ[REGISTRY_ENV] = str(registry_path())  # how the worker processes find the same registry
    console.print(f"Cổng CCHC của {len(provinces)} tỉnh: http://{host}:{port}/ ({registry_path()}; Ctrl+C để dừng)")
    for p in provinces.values():
        shown = make_url(p.database_url).render_as_string(hide_password=True)
        console.print(f"  {escape(p.name)}: http://{host}:{port}/{p.key}/ (CSDL {escape(shown)})")
    uvicorn.run("web.portal:create_portal", factory=True, host=host, port=port, workers=workers, proxy_headers=True,
                forwarded_allow_ips=proxy, log_level="info")


def print_demo_accounts(engine, year: int) -> None:
    """The demo's round of self-assessment and its accounts, each initial password shown this once."""
    from rich.table import Table

    from office.accounts import ROLES, demo_accounts
    from office.assessment import open_demo_round

    open_demo_round(engine, year)
    table = Table(title="Tài khoản mẫu của Cổng CCHC (cchc serve; mật khẩu ban đầu chỉ in lần này, "
                        "phải đổi khi đăng nhập lần đầu)")
    for col in ("Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu ban đầu"):
        table.add_column(col)
    made = demo_accounts(engine)
    for username, role, unit, password in made:
        table.add_row(username, ROLES.get(role, role), unit or "", password)
    if made:
        console.print(table)
