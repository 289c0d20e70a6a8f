"""The portal's commands: accounts (``cchc user …``) and ``cchc serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.shell import console, engine as _engine, settings

user_app = typer.Typer(help="Tài khoản của Cổng CCHC: thêm, liệt kê, khóa, đặt lại mật khẩu, nhập từ Excel.",
                       no_args_is_help=True)


@user_app.command("add")
def add(username: str, full_name: Annotated[str, typer.Option("--name", help="Họ và tên.")],
        role: Annotated[str, typer.Option(help="quan_tri | don_vi | tham_dinh | hoi_dong")],
        unit: Annotated[str, typer.Option(help="Mã đơn vị (cán bộ đơn vị).")] = "",
        assigned: Annotated[str, typer.Option(help="Đơn vị phân công (thẩm định viên), cách nhau dấu phẩy.")] = "") -> None:
    """Thêm tài khoản; in mật khẩu ban đầu một lần (phải đổi khi đăng nhập lần đầu)."""
    from office.accounts import SYSTEM, create_account

    password = create_account(_engine(), SYSTEM, username, full_name, role, unit or None, assigned)
    console.print(f"Đã tạo {username.lower()}; mật khẩu ban đầu: {password}")


@user_app.command("list")
def list_() -> None:
    """Liệt kê tài khoản."""
    from rich.table import Table

    from office.accounts import ROLES, SYSTEM, list_accounts

    table = Table("Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Trạng thái")
    for a in list_accounts(_engine(), SYSTEM).itertuples():
        state = "đã khóa" if a.disabled else ("chờ đổi mật khẩu" if a.must_change_password else "hoạt động")
        table.add_row(a.username, a.full_name, ROLES[a.role], a.unit or a.assigned_units or "", state)
    console.print(table)


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
                 "Mật khẩu ban đầu được in khi nhập; người dùng phải đổi khi đăng nhập lần đầu."):
        guide.append([line])
    save_workbook(wb, out)
    console.print(f"Đã ghi mẫu {out}")


def serve(host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Cổng.")] = 8000,
          workers: Annotated[int, typer.Option(help="Số tiến trình phục vụ.", min=1)] = 1,
          proxy: Annotated[str, typer.Option(help="Địa chỉ reverse proxy được tin (X-Forwarded-For/Proto).")]
          = "127.0.0.1") -> None:
    """Chạy Cổng CCHC (tự đánh giá, thẩm định, công bố)."""
    import os

    import uvicorn

    _engine()  # the schema is brought up to date once, before the workers start
    os.environ["CCHC_DATABASE_URL"] = settings.url()  # how the worker processes learn which store to open
    console.print(f"Cổng CCHC: http://{host}:{port}/ (CSDL {settings.url()}; Ctrl+C để dừng)")
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, workers=workers, proxy_headers=True,
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
