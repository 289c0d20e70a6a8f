"""``cchc rules …``: check, test and explain rule sets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from cchc.shell import EXIT_INVALID, console, engine, number, period as period_code

app = typer.Typer(help="Bộ tiêu chí: kiểm tra, chạy ca kiểm thử, giải thích điểm.", no_args_is_help=True)


def _refuse(lines: list[str]) -> None:
    """Print why a rule set was refused: every problem on its own line, naming file, line and criterion.
    Printed as plain text: a criterion's own words are never read as console markup."""
    for line in lines:
        console.print(line, style="red", markup=False, highlight=False, soft_wrap=True)


def _problems(name: str | Path, err: Exception) -> list[str]:
    from rules.ruleset import RuleSetError

    if isinstance(err, RuleSetError):
        return [str(p) for p in err.problems]
    if isinstance(err, OSError):
        return [f"{name}: không đọc được tệp ({err.strerror or err})"]
    return [str(err)]


def _open(name: str | Path, catalogue: bool = False, day=None):
    """A rule set named on the command line (a shipped id, a family — the set in force on ``day`` —,
    ``family@yyyy-mm-dd`` or a file), or exit 1 with every problem, the same for every command that takes one;
    with ``catalogue``, its inputs checked against the indicator catalogue as when the office scores with it (the
    cases of ``rules test`` need no store)."""
    from office.rulesets import checked
    from rules.ruleset import NoRuleSetInForce, RuleSetError, UnknownRuleSet, find_or_load

    try:
        rs = find_or_load(name, day)
        return checked(rs) if catalogue else rs
    except (RuleSetError, OSError, NoRuleSetInForce, UnknownRuleSet) as err:
        _refuse(_problems(name, err))
        raise typer.Exit(EXIT_INVALID) from None


@app.command("list")
def list_sets() -> None:
    """Các bộ tiêu chí có sẵn."""
    from rules.ruleset import shipped

    table = Table(title="Bộ tiêu chí có sẵn")
    for col in ("Mã", "Họ", "Hiệu lực", "Tên", "Đối tượng", "Tiêu chí lá", "Danh hiệu"):
        table.add_column(col)
    for name in shipped():
        rs = _open(name)
        table.add_row(name, rs.family, rs.span, rs.title, rs.entity, str(len(rs.leaves)), str(len(rs.titles)))
    console.print(table)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Tệp YAML bộ tiêu chí.")]) -> None:
    """Kiểm tra tệp bộ tiêu chí, báo mọi lỗi kèm dòng và tiêu chí."""
    from office.rulesets import checked
    from rules.ruleset import RuleSetError, load

    bad = 0
    for path in files:
        try:
            rs = checked(load(path))
        except (RuleSetError, OSError) as err:
            bad += 1
            _refuse(_problems(path, err))
        else:
            console.print(f"[green]{escape(path.name)}[/]: hợp lệ — {len(rs.leaves)} tiêu chí lá, "
                          f"{number(rs.max, 2)} điểm, {len(rs.variables)} biến, {len(rs.titles)} danh hiệu.")
    if bad:
        raise typer.Exit(EXIT_INVALID)


@app.command("test")
def test(names: Annotated[Optional[list[str]],
                          typer.Argument(help="Mã bộ tiêu chí hoặc tệp (mặc định: tất cả).")] = None) -> None:
    """Chạy các ca kiểm thử đi kèm bộ tiêu chí."""
    from rules.cases import cases_path, run_cases
    from rules.ruleset import RuleSetError, shipped
    from store.indicators import figures_impossible

    sets = shipped()
    failed = refused = 0
    for name in names or list(sets):
        path = sets.get(name, Path(name))
        try:
            rs = _open(name)
        except typer.Exit:
            refused += 1
            continue
        try:
            results = run_cases(rs, cases_path(path), figures_impossible())
        except (RuleSetError, OSError) as err:
            refused += 1
            _refuse(_problems(cases_path(path), err))
            continue
        ok = sum(r.passed for r in results)
        console.print(f"{'[green]' if ok == len(results) else '[red]'}{escape(path.stem)}[/]: {ok}/{len(results)} ca đạt")
        for r in results:
            for f in r.failures:
                failed += 1
                console.print(f"  [red]✗[/] {escape(r.name)}: {escape(f)}")
    if refused or failed:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def explain(
    ruleset: Annotated[str, typer.Argument(help="Mã bộ tiêu chí hoặc đường dẫn tệp.")],
    unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
    period: Annotated[Optional[str], typer.Option(
        help="Kỳ báo cáo (mặc định: kỳ gần nhất có số liệu).")] = None,
) -> None:
    """Giải thích từng điểm của một đơn vị: số liệu, giá trị, mức áp dụng, điểm, căn cứ (tính trên số liệu hiện
    hành cùng các điểm thẩm định, không ghi gì; bộ tiêu chí có thể là một tệp chưa dùng), rồi điểm đã lưu của lượt
    chấm hiện hành để đối chiếu."""
    from office.rulesets import period_end
    from office.scores import explain as explained
    from rules.ruleset import family

    code = period_code(period) if period or family(ruleset) else None  # a family's set is the one of the period
    rs = _open(ruleset, catalogue=True, day=period_end(code))  # a file refused before the store is opened
    e = explained(engine(), rs, unit, code or period_code(period))
    console.print(f"[bold]{escape(e.name)}[/] — {escape(e.ruleset.title)}, kỳ {e.period}")
    table = Table(show_lines=False)
    for col in ("Tiêu chí", "Giá trị", "Mức áp dụng", "Điểm", "Tối đa"):
        table.add_column(col, justify="right" if col in ("Giá trị", "Điểm", "Tối đa") else "left")
    for x in e.leaves:
        table.add_row(escape(f"{x.criterion} {x.title}"), number(x.value, 2), escape(x.step), number(x.points, 2),
                      number(x.max, 2))
    console.print(table)
    for x in e.leaves:
        console.print(f"• {x.sentence}", markup=False)
    if e.notes:
        console.print("Ghi chú về cách tính (chỗ bộ tiêu chí tính khác văn bản):", markup=False)
    for n in e.notes:
        console.print(f"• {n.criterion + '. ' if n.criterion else ''}{n.text} ({n.reference})", markup=False)
    s = e.summary
    console.print(f"Tổng: {number(s['diem'], 2)}/{number(s['toi_da'], 2)} điểm = "
                  f"{number(s['ty_le'], 2)}%; xếp hạng {s['hang']}/{e.ranked}"
                  f"{'; xếp loại ' + s['xep_loai'] if s['xep_loai'] else ''}.", markup=False)
    _stored_lines(e)


def _stored_lines(e) -> None:
    """The stored, appraised score beside the one just computed: what documents and the public show."""
    for criterion, points, reason in e.appraisals:
        console.print(f"Thẩm định tiêu chí {criterion}: {number(points, 2)} điểm — {reason}", markup=False)
    if not e.appraisals:
        console.print("Chưa có điểm thẩm định nào cho đơn vị này trong kỳ.", markup=False)
    st = e.stored
    if e.out_of_force:  # a `cchc score` suggested here would be refused
        console.print(f"Lưu ý: {e.out_of_force}.", markup=False)
    if st is None:
        if not e.out_of_force:
            console.print(f"Chưa có lượt chấm nào được lưu cho đơn vị này theo bộ «{e.ruleset.id}» kỳ {e.period}: "
                          "điểm trên chỉ tính để xem (cchc score để chấm và lưu).", markup=False)
        return
    state = "đã công bố" if st.published else "chưa công bố"
    console.print(f"Điểm đã lưu: lượt chấm #{st.run} (phiên bản {st.version}, {state}): {number(st.diem, 2)}/"
                  f"{number(st.toi_da, 2)} điểm, hạng {st.hang}"
                  f"{'; xếp loại ' + st.xep_loai if st.xep_loai else ''}.", markup=False)
    if not st.same_rules:
        console.print("Lượt chấm đã lưu dùng một phiên bản khác của bộ tiêu chí này.", markup=False)
    if e.differs:
        console.print(f"Điểm tính lại trên số liệu hiện hành ({number(e.summary['diem'], 2)}) khác điểm đã lưu: "
                      "số liệu, thẩm định hoặc bộ tiêu chí đã đổi sau lượt chấm (cchc score để chấm lại).",
                      markup=False)
