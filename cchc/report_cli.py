"""``cchc report KIND``: any document of the year on its own, from what the store holds (it writes nothing to
the store: the scores, plans and inspections it shows are stored by their own commands first)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.ruleset_option import UNITS
from cchc.shell import console, day, engine, period as period_code, year_option

KINDS_HELP = ("cong-bo-diem, phieu-diem, ke-hoach-khac-phuc, bao-cao, trang-web, ke-hoach, ke-hoach-kiem-tra, "
              "ket-luan-kiem-tra")



def report(
    kind: Annotated[str, typer.Argument(help="Loại văn bản: " + KINDS_HELP)],
    year: Annotated[Optional[int], year_option(help="Năm đánh giá (mặc định: năm gần nhất có số liệu).")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị.")] = None,
    ruleset: Annotated[str, typer.Option(help="Bộ tiêu chí chấm điểm: mã, họ bộ (chọn theo năm) hoặc tệp.")] = UNITS,
    period: Annotated[Optional[str], typer.Option(help="Kỳ báo cáo (với bao-cao), ví dụ «Quý III/2024».")] = None,
    fmt: Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")] = "docx",
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
    issued: Annotated[Optional[str], typer.Option(help="Ngày ban hành dd/mm/yyyy (mặc định: theo loại văn bản).")] = None,
) -> None:
    """Xuất văn bản hoặc trang web từ dữ liệu đã lưu: cong-bo-diem, phieu-diem, ke-hoach-khac-phuc, bao-cao,
    trang-web, ke-hoach, ke-hoach-kiem-tra, ket-luan-kiem-tra."""
    from cchc.shell import counted
    from office.documents import KINDS, Request, build
    from office.scores import stale

    if kind not in KINDS:
        raise typer.BadParameter(f"không có loại «{kind}»; chọn: {', '.join(KINDS)}", param_hint="KIND")
    if KINDS[kind].needs_unit and not unit:
        raise typer.BadParameter(f"«{kind}» cần mã đơn vị", param_hint="--unit")
    from cchc.years import year_or_latest
    from office.scores import latest_year

    year = year_or_latest(year, latest_year, "số liệu")
    request = Request(year, unit, ruleset, period_code(period) if period else None,
                      day(issued, "--issued") if issued else None, fmt, out)
    bar, told = counted(f"Lập {kind}")
    with bar:
        path = build(engine(), kind, request, told)
    console.print(f"Đã ghi {path}")
    if stale(engine(), request.period or f"{year}-NAM"):
        console.print("[yellow]Lưu ý:[/] có số liệu hoặc điểm thẩm định mới hơn lượt chấm điểm văn bản này thể hiện; "
                      "chạy «cchc rescore» để cập nhật.")
