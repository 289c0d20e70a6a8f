"""``cchc rules preview`` and ``cchc rules anomalies``: before adopting a rule set, and before trusting
declared figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from base.rule_uses import family
from cchc.shell import console, engine, period as period_code


def preview(
    new: Annotated[str, typer.Argument(help="Bộ tiêu chí đề nghị: tệp YAML hoặc mã bộ có sẵn.")],
    against: Annotated[Optional[str], typer.Option(
        help="Bộ hiện hành (mã, họ bộ hoặc tệp; mặc định bộ tỉnh dùng xếp hạng đơn vị, hoặc bộ danh hiệu cá nhân khi "
             "bộ mới là bộ danh hiệu, có hiệu lực vào ngày cuối kỳ).")] = None,
    period: Annotated[Optional[str], typer.Option(help="Kỳ đã ghi nhận số liệu, ví dụ «Năm 2024».")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Xuất phụ lục so sánh: docx hoặc xlsx.")] = None,
    out: Annotated[Path, typer.Option(help="Thư mục ghi phụ lục.")] = Path("out"),
) -> None:
    """Xem trước bộ tiêu chí mới trên số liệu một kỳ đã ghi nhận: đơn vị nào thay đổi điểm, hạng, xếp loại và
    vì sao; số liệu bộ mới cần mà kho chưa có. Với bộ danh hiệu: ai đạt thêm, ai không còn đạt danh hiệu nào trên
    hồ sơ năm đó, vì điều kiện nào. Không ghi gì vào kho."""
    from office import outputs
    from office.preview import annex, load_new, preview as compare
    from office.scores import ruleset

    proposed = load_new(new)
    titles = proposed.entity == "person"
    code = period_code(period)
    current = ruleset(against or family("person_titles" if titles else "units"), code)
    if titles:  # a title rule set: who gains or loses a title on the year's record
        from office.preview import preview_titles

        if fmt is not None:
            raise typer.BadParameter("phụ lục so sánh chỉ có cho bộ tiêu chí chấm đơn vị", param_hint="--format")
        for line in preview_titles(engine(), current, proposed, int(code[:4])).lines():
            console.print(line, markup=False)
        return
    result = compare(engine(), current, proposed, code)
    for line in result.lines():
        console.print(line, markup=False)
    if fmt is not None:
        if fmt not in ("docx", "xlsx"):
            raise typer.BadParameter("chọn docx hoặc xlsx", param_hint="--format")
        path = outputs.write(annex(engine(), result, date.today()), out,
                             f"phu-luc-so-sanh-{proposed.id}-{result.period}", fmt)
        console.print(f"Đã ghi phụ lục: {path}", markup=False)


COMMANDS = {"preview": preview}


def anomalies(
    period: Annotated[Optional[str], typer.Option(help="Kỳ, ví dụ «Năm 2024».")] = None,
    top: Annotated[int, typer.Option(help="Số đơn vị đầu hàng đợi được in.")] = 30,
) -> None:
    """Hàng đợi thẩm định: đơn vị có số liệu kê khai mâu thuẫn với dữ liệu trong kho, rủi ro cao trước, mỗi dấu
    hiệu kèm lý do và số liệu. Không ghi gì vào kho."""
    from office.anomalies import queue

    found = queue(engine(), period_code(period))
    if not found:
        console.print("Không có dấu hiệu bất thường nào trong số liệu kê khai kỳ này.", markup=False)
    for i, unit in enumerate(found[:top], start=1):
        lines = unit.lines()
        console.print(f"{i}. {lines[0]}", markup=False)
        for line in lines[1:]:
            console.print(line, markup=False)


COMMANDS["anomalies"] = anomalies
