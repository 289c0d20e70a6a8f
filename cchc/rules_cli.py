"""``cchc rules …``: check, test and explain rule sets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from cchc.shell import console, engine, number, period as period_code

app = typer.Typer(help="Bộ tiêu chí: kiểm tra, chạy ca kiểm thử, giải thích điểm.", no_args_is_help=True)


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
    console.print(table)


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
                console.print(f"[red]{p}[/]")
        except OSError as err:
            bad += 1
            console.print(f"[red]{path}: không đọc được tệp ({err.strerror})[/]")
        else:
            console.print(f"[green]{path.name}[/]: hợp lệ — {len(rs.leaves)} tiêu chí lá, {number(rs.max, 2)} điểm, "
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
        console.print(f"{'[green]' if ok == len(results) else '[red]'}{path.stem}[/]: {ok}/{len(results)} ca đạt")
        for r in results:
            for f in r.failures:
                failed += 1
                console.print(f"  [red]✗[/] {r.name}: {f}")
    if failed:
        raise typer.Exit(1)


@app.command()
def explain(
    ruleset: Annotated[str, typer.Argument(help="Mã bộ tiêu chí hoặc đường dẫn tệp.")],
    unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
    period: Annotated[str, typer.Option(help="Kỳ báo cáo.")] = "Năm 2024",
) -> None:
    """Giải thích từng điểm của một đơn vị: số liệu, giá trị, mức áp dụng, điểm, căn cứ (tính trên số liệu hiện
    hành, không ghi gì; bộ tiêu chí có thể là một tệp chưa dùng)."""
    from office.scores import explain as explained, ruleset as find_ruleset

    e = explained(engine(), find_ruleset(ruleset), unit, period_code(period))
    console.print(f"[bold]{e.name}[/] — {e.ruleset.title}, kỳ {e.period}")
    table = Table(show_lines=False)
    for col in ("Tiêu chí", "Giá trị", "Mức áp dụng", "Điểm", "Tối đa"):
        table.add_column(col, justify="right" if col in ("Giá trị", "Điểm", "Tối đa") else "left")
    for x in e.leaves:
        table.add_row(f"{x.criterion} {x.title}", number(x.value, 2), x.step, number(x.points, 2), number(x.max, 2))
    console.print(table)
    for x in e.leaves:
        console.print(f"• {x.sentence}")
    s = e.summary
    console.print(f"Tổng: {number(s['diem'], 2)}/{number(s['toi_da'], 2)} điểm = "
                  f"{number(s['ty_le'], 2)}%; xếp hạng {s['hang']}/{e.ranked}"
                  f"{'; xếp loại ' + s['xep_loai'] if s['xep_loai'] else ''}.")
