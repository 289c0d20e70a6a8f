"""``cchc rules …``: check, test and explain rule sets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from cchc.fmt import number

app = typer.Typer(help="Bộ tiêu chí: kiểm tra, chạy ca kiểm thử, giải thích điểm.", no_args_is_help=True)


def _console():
    from cchc.cli import console
    return console


@app.command("list")
def list_sets() -> None:
    """Các bộ tiêu chí có sẵn."""
    from rules.ruleset import load, shipped

    table = Table(title="Bộ tiêu chí có sẵn")
    for col in ("Mã", "Tên", "Đối tượng", "Tiêu chí lá", "Danh hiệu"):
        table.add_column(col)
    for name, path in shipped().items():
        rs = load(path)
        table.add_row(name, rs.title, rs.entity, str(len(rs.leaves)), str(len(rs.titles)))
    _console().print(table)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Tệp YAML bộ tiêu chí.")]) -> None:
    """Kiểm tra tệp bộ tiêu chí, báo mọi lỗi kèm dòng và tiêu chí."""
    from rules.ruleset import RuleSetError, load

    bad = 0
    for path in files:
        try:
            rs = load(path)
        except RuleSetError as err:
            bad += 1
            for p in err.problems:
                _console().print(f"[red]{p}[/]")
        except OSError as err:
            bad += 1
            _console().print(f"[red]{path}: không đọc được tệp ({err.strerror})[/]")
        else:
            _console().print(f"[green]{path.name}[/]: hợp lệ — {len(rs.leaves)} tiêu chí lá, {number(rs.max, 2)} điểm, "
                             f"{len(rs.variables)} biến, {len(rs.titles)} danh hiệu.")
    if bad:
        raise typer.Exit(1)


@app.command("test")
def test(names: Annotated[Optional[list[str]], typer.Argument(help="Mã bộ tiêu chí (mặc định: tất cả).")] = None) -> None:
    """Chạy các ca kiểm thử đi kèm bộ tiêu chí."""
    from rules.cases import cases_path, run_cases
    from rules.ruleset import load, shipped

    sets = shipped()
    failed = 0
    for name in names or list(sets):
        path = sets.get(name, Path(name))
        results = run_cases(load(path), cases_path(path))
        ok = sum(r.passed for r in results)
        _console().print(f"{'[green]' if ok == len(results) else '[red]'}{path.stem}[/]: {ok}/{len(results)} ca đạt")
        for r in results:
            for f in r.failures:
                failed += 1
                _console().print(f"  [red]✗[/] {r.name}: {f}")
    if failed:
        raise typer.Exit(1)


@app.command()
def explain(
    ruleset: Annotated[str, typer.Argument(help="Mã bộ tiêu chí hoặc đường dẫn tệp.")],
    unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
    period: Annotated[str, typer.Option(help="Kỳ báo cáo.")] = "Năm 2024",
) -> None:
    """Giải thích từng điểm của một đơn vị: số liệu, giá trị, mức áp dụng, điểm, căn cứ."""
    from cchc.cli import _engine
    from rules.evaluate import evaluate
    from rules.ruleset import find
    from store import calendar
    from store.queries import unit_frame

    rs = find(ruleset)
    if rs.entity != "unit":
        raise typer.BadParameter(f"bộ «{rs.id}» chấm cá nhân, không chấm đơn vị", param_hint="RULESET")
    try:
        code = calendar.parse_period(period).code
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--period") from None
    frame = unit_frame(_engine(), code)
    if unit not in frame.index:
        raise typer.BadParameter(f"không có đơn vị «{unit}»", param_hint="--unit")
    if rs.applies_to is not None:
        frame = frame[frame["kind"].isin(rs.applies_to) | (frame.index == unit)]
    result = evaluate(rs, frame)
    summary = result.summary().loc[unit]
    console = _console()
    console.print(f"[bold]{frame.loc[unit, 'name']}[/] — {rs.title}, kỳ {code}")
    table = Table(show_lines=False)
    for col in ("Tiêu chí", "Giá trị", "Mức áp dụng", "Điểm", "Tối đa"):
        table.add_column(col, justify="right" if col in ("Giá trị", "Điểm", "Tối đa") else "left")
    for e in result.explain(unit):
        table.add_row(f"{e.criterion} {e.title}", number(e.value, 2), e.step, number(e.points, 2), number(e.max, 2))
    console.print(table)
    for e in result.explain(unit):
        console.print(f"• {e.sentence}")
    ranked = (result.summary()["hang"] > 0).sum()
    console.print(f"Tổng: {number(summary['diem'], 2)}/{number(summary['toi_da'], 2)} điểm = "
                  f"{number(summary['ty_le'], 2)}%; xếp hạng {summary['hang']}/{ranked}"
                  f"{'; xếp loại ' + summary['xep_loai'] if summary['xep_loai'] else ''}.")
