"""``cchc --tinh KEY …`` (one province of the installation for any command), ``cchc tinh list|add`` (the
registry) and ``cchc bo-tong-hop`` (the ministry's ranking of the registered provinces)."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.shell import console, settings, year_option

app = typer.Typer(help="Các tỉnh của hệ thống (tinh.yaml hoặc tệp CCHC_PROVINCES): xem, thêm.", no_args_is_help=True)
OUT_DEFAULT = "out"  # a command's output folder by default; a province's run writes to the province's own


def select(ctx: typer.Context, key: str, db: str | None) -> None:
    """This run serves the province ``key``: its store, data directory and, for every command whose output folder
    was left at «out», the province's output folder; ``cchc demo`` draws the province's own data (a seed of
    its key)."""
    if db:
        raise typer.BadParameter("chọn một trong hai: --db hoặc --tinh", param_hint="--tinh")
    from office.provinces import find

    province = find(key)
    settings.serve(province)
    ctx.default_map = defaults(ctx.command, province)


def demo_seed(key: str) -> int:
    """The demo's seed for a province: its data differ from every other province's, the same on every run."""
    return zlib.crc32(key.encode("utf-8"))


def defaults(command, province) -> dict:
    """click's default map of ``command``'s sub-commands for ``province``."""
    found = {}
    for name, cmd in getattr(command, "commands", {}).items():
        if hasattr(cmd, "commands"):  # a group (typer's own click, not the click package)
            mine = defaults(cmd, province)
        else:
            mine = {p.name: str(province.out) for p in cmd.params if p.name == "out" and str(p.default) == OUT_DEFAULT}
            if name == "demo":
                mine |= {"data_dir": str(province.out / "demo-data"), "seed": demo_seed(province.key)}
        if mine:
            found[name] = mine
    return found


@app.command("list")
def list_() -> None:
    """Các tỉnh đã đăng ký: mã, tên, CSDL, thư mục dữ liệu và văn bản."""
    from rich.table import Table

    from office.provinces import load, registry_path

    provinces = load()
    if not provinces:
        console.print(f"Chưa có tỉnh nào trong {registry_path()} (thêm bằng «cchc tinh add KEY --ten …»).")
        return
    table = Table(title=f"Các tỉnh ({registry_path()})")
    for col in ("Mã", "Tên", "CSDL", "Dữ liệu", "Văn bản"):
        table.add_column(col, overflow="fold")
    for p in provinces.values():
        table.add_row(p.key, p.name, p.database_url, str(p.data_dir), str(p.out))
    console.print(table)


@app.command("add")
def add(
    key: Annotated[str, typer.Argument(metavar="KEY", help="Mã tỉnh: chữ thường không dấu, số, gạch nối (ninh-thuan).")],
    name: Annotated[str, typer.Option("--ten", help="Tên tỉnh, ví dụ «Ninh Thuận».")],
    database_url: Annotated[Optional[str], typer.Option(
        help="CSDL riêng của tỉnh (mặc định: sqlite:///tinh/KEY/cchc.db cạnh tệp đăng ký).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(help="Thư mục dữ liệu hồ sơ, minh chứng (mặc định: tinh/KEY/du-lieu).")]
    = None,
    out: Annotated[Optional[Path], typer.Option(help="Thư mục văn bản (mặc định: tinh/KEY/out).")] = None,
) -> None:
    """Đăng ký một tỉnh và tạo CSDL của tỉnh (cập nhật đến lược đồ mới nhất)."""
    from office.provinces import add as register, registry_path

    province = register(key, name, database_url, data_dir, out)
    console.print(f"Đã thêm tỉnh «{province.key}» ({province.name}) vào {registry_path()}: CSDL {province.database_url}.")
    console.print(f"Dùng: cchc --tinh {province.key} <lệnh> (hoặc đặt CCHC_TINH={province.key}).")


def roll_up(
    year: Annotated[int, year_option("--nam", help="Năm đánh giá.")] = 2024,
    only: Annotated[Optional[list[str]], typer.Option("--chi-tinh", metavar="KEY",
                                                      help="Chỉ các tỉnh này (nhắc lại tùy chọn cho mỗi tỉnh).")] = None,
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
    issued: Annotated[Optional[str], typer.Option(help="Ngày ban hành dd/mm/yyyy (mặc định: hôm nay).")] = None,
) -> None:
    """Bảng xếp hạng các tỉnh (DOCX, XLSX): chỉ số theo QĐ 766 và Chỉ số CCHC của từng tỉnh, đọc từ kết quả các
    tỉnh đã công bố (không chấm lại)."""
    from cchc.shell import day
    from office.ministry import write_rollup
    from office.provinces import find, load

    provinces = [find(k) for k in only] if only else list(load().values())
    if not provinces:
        from office.errors import Refused
        from office.provinces import registry_path

        raise Refused(f"chưa có tỉnh nào trong {registry_path()} (thêm bằng «cchc tinh add KEY --ten …»)", field="--tinh")
    with console.status(f"Đọc kết quả đã công bố năm {year} của {len(provinces)} tỉnh…"):
        written = write_rollup(provinces, year, out, day(issued, "--issued") if issued else None)
    for path in written:
        console.print(f"Đã ghi {path}")


COMMANDS = {"bo-tong-hop": roll_up}
