"""``cchc what-if``: what a unit must change to reach a rank, a class or a points total this period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.ruleset_option import RULESET_HELP, UNITS, opened
from cchc.shell import console, engine




def what_if(
    unit: Annotated[str, typer.Option(help="Mã đơn vị, ví dụ SXD.")],
    rank: Annotated[Optional[int], typer.Option(help="Hạng cần đạt.")] = None,
    klass: Annotated[Optional[str], typer.Option("--class", help="Xếp loại cần đạt, ví dụ «Tốt».")] = None,
    points: Annotated[Optional[float], typer.Option(help="Số điểm cần đạt.")] = None,
    ruleset: Annotated[str, typer.Option(help=RULESET_HELP)] = UNITS,
    period: Annotated[Optional[str], typer.Option(help="Kỳ, ví dụ «Năm 2024» (mặc định: năm hiện tại).")] = None,
    costs: Annotated[Optional[Path], typer.Option(help="Tệp chi phí thay đổi từng chỉ tiêu (mặc định: của văn "
                                                       "phòng, office/whatif.yaml).")] = None,
    forecast: Annotated[bool, typer.Option("--forecast", help="Dự báo điểm, hạng cả năm từ số liệu lũy kế của kỳ "
                                                             "(Quý I, 6 tháng, 9 tháng).")] = False,
    target_set: Annotated[Optional[str], typer.Option(help="Bộ mục tiêu của đơn vị (tệp YAML hoặc mã bộ trong "
                                                           "rules/sets/targets/): hỏi cho từng mục tiêu về tổng "
                                                           "điểm, thứ hạng.")] = None,
) -> None:
    """Cần thay đổi ít nhất những gì để đạt một hạng, một xếp loại hoặc một số điểm trong kỳ (các đơn vị khác
    giữ nguyên); hoặc, với --forecast, dự báo cả năm."""
    from office.whatif import what_if as ask

    if forecast:
        from office.errors import NotFound
        from office.whatif import forecast_year

        made = forecast_year(engine(), *opened(ruleset, period))
        if unit not in made.table.index:
            raise NotFound(f"không có đơn vị «{unit}» được chấm theo bộ «{ruleset}»", field="--unit")
        console.print(made.sentence(unit), markup=False)
        return
    if target_set is not None:
        if any(x is not None for x in (rank, klass, points)):
            raise typer.BadParameter("--target-set đã cho các mục tiêu: không dùng cùng --rank, --class, --points",
                                     param_hint="--target-set")
        from office.whatif import what_if_targets

        for said, answer in what_if_targets(engine(), *opened(ruleset, period), unit, target_set,
                                            costs=costs):
            console.print(f"Mục tiêu: {said}", markup=False)
            for line in answer.lines():
                console.print(f"  {line}", markup=False)
        return
    if sum(x is not None for x in (rank, klass, points)) != 1:
        raise typer.BadParameter("cần đúng một mục tiêu: --rank, --class hoặc --points", param_hint="--rank")
    answer = ask(engine(), *opened(ruleset, period), unit, rank=rank, klass=klass, points=points,
                 costs=costs)
    for line in answer.lines():
        console.print(line, markup=False)


def forecast(
    period: Annotated[Optional[str], typer.Option(help="Kỳ lũy kế dự báo từ đó: «6 tháng 2024», «2024-Q1» ... "
                                                      "(mặc định: kỳ hiện tại).")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Chỉ một đơn vị (mặc định: mọi đơn vị, theo hạng dự báo).")] = None,
    ruleset: Annotated[str, typer.Option(help=RULESET_HELP)] = UNITS,
) -> None:
    """Dự báo điểm, hạng cả năm của từng đơn vị từ số liệu lũy kế (Quý I, 6 tháng, 9 tháng), theo diễn biến các
    năm trước nếu có số liệu."""
    from office.errors import NotFound
    from office.whatif import forecast_year

    made = forecast_year(engine(), *opened(ruleset, period))
    if unit is not None and unit not in made.table.index:
        raise NotFound(f"không có đơn vị «{unit}» được chấm theo bộ «{ruleset}»", field="--unit")
    for code in [unit] if unit else made.table.sort_values(["hang", "diem"], ascending=[True, False]).index:
        console.print(made.sentence(code), markup=False)


COMMANDS = {"what-if": what_if, "forecast": forecast}
