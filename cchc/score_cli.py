"""``cchc score``, ``runs``, ``diff``, ``history``, ``publish``, ``appraise``, ``rescore`` and ``watch``: the
scores, their versions and why they moved."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.ruleset_option import RULESET, UNITS, opened
from cchc.shell import console, engine, number, period as period_code


PERIOD = Annotated[Optional[str], typer.Option(
    metavar="KỲ", help="Kỳ, ví dụ «Năm 2024» hoặc 2024-Q1 (mặc định: kỳ gần nhất có số liệu).")]
CHANGED = Annotated[Optional[str], typer.Option(help="Kỳ, ví dụ «Năm 2024» (mặc định: mọi kỳ có dữ liệu mới "
                                                    "hơn điểm đã chấm).")]


def _print_scoring(done, took: float | None = None) -> None:
    from cycle.scoring import FULL

    o = done.outcome
    if not o.written:
        console.print(f"Không có gì thay đổi: lượt chấm phiên bản {o.version} (#{o.run_id}) vẫn là hiện hành.")
    else:
        how = "chấm lại toàn bộ" if o.mode == FULL else "chấm lại phần thay đổi"
        timing = f", {number(took, 2)} giây" if took is not None else ""
        console.print(f"Đã ghi lượt chấm #{o.run_id}, phiên bản {o.version} ({how}): {o.evaluated}/{o.entities} đơn vị "
                      f"được tính, {len(o.changed)} đơn vị đổi điểm{timing}.")
        for change in done.changes[:20]:
            console.print(f"  {change.sentence()}")
    if done.published is not None:
        console.print(f"Đã công bố phiên bản {done.published.version} ngày {done.published.published_at:%d/%m/%Y}.")


def score(
    ruleset: RULESET = UNITS,
    period: PERIOD = None,
    full: Annotated[bool, typer.Option(help="Chấm lại mọi đơn vị (mặc định: chỉ đơn vị có dữ liệu thay đổi).")] = False,
    publish: Annotated[bool, typer.Option(help="Công bố lượt chấm (sau đó không thay đổi được).")] = False,
) -> None:
    """Chấm điểm, xếp hạng theo dữ liệu hiện hành: lượt chấm mới chỉ khi có thay đổi, kèm những gì thay đổi."""
    from office import scores

    rs, code = opened(ruleset, period)
    started = time.perf_counter()
    done = scores.score(engine(), rs, code, full=full, publish=publish)
    _print_scoring(done, time.perf_counter() - started)


runs_app = typer.Typer(help="Các lượt chấm điểm đã lưu: xem, rút lượt chưa công bố.", no_args_is_help=False,
                       invoke_without_command=True)


@runs_app.callback()
def runs(ctx: typer.Context, ruleset: Annotated[Optional[str], typer.Option(help="Bộ tiêu chí (mã hoặc họ bộ).")] = None,
         period: PERIOD = None) -> None:
    """Các lượt chấm điểm đã lưu (cchc runs withdraw N --reason …: rút một lượt chưa công bố)."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from office.scores import runs as stored_runs

    table = Table(title="Các lượt chấm điểm")
    for col in ("#", "Bộ tiêu chí", "Kỳ", "Phiên bản", "Cách chấm", "Đơn vị tính/tổng", "Lúc", "Công bố", "Đính chính"):
        table.add_column(col)
    for r in stored_runs(engine(), ruleset, period_code(period, "--period") if period else None):
        table.add_row(str(r.id), r.ruleset, r.period_code, str(r.version),
                      "toàn bộ" if r.mode == "day_du" else "phần thay đổi", f"{r.evaluated}/{r.entities}",
                      f"{r.created_at:%d/%m/%Y %H:%M}", f"{r.published_at:%d/%m/%Y}" if r.published_at else "",
                      r.corrects)
    console.print(table)


@runs_app.command("withdraw")
def withdraw(run: Annotated[int, typer.Argument(help="Lượt chấm (#) cần rút.")],
             reason: Annotated[str, typer.Option(help="Lý do rút (bắt buộc, ghi vào nhật ký).")]) -> None:
    """Rút một lượt chấm chưa công bố (lượt mới nhất của bộ tiêu chí và kỳ): lượt trước lại là hiện hành."""
    from office.scores import withdraw as take_back

    done = take_back(engine(), run, reason)
    console.print(f"Đã rút lượt chấm #{run} ({done.ruleset} kỳ {done.period_code}, phiên bản {done.version}); "
                  "lý do đã ghi vào nhật ký.")


def diff_runs(run_a: Annotated[int, typer.Argument(help="Lượt chấm trước (#).")],
              run_b: Annotated[int, typer.Argument(help="Lượt chấm sau (#).")]) -> None:
    """Những đơn vị thay đổi giữa hai lượt chấm: bao nhiêu điểm, bao nhiêu bậc, do tiêu chí và số liệu nào."""
    from office.scores import changes

    found = changes(engine(), run_a, run_b)
    if not found:
        console.print("Hai lượt chấm cho kết quả như nhau.")
    for change in found:
        console.print(change.sentence())


def history(unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
            ruleset: Annotated[Optional[str], typer.Option(help="Bộ tiêu chí (mã hoặc họ bộ).")] = None,
            period: PERIOD = None) -> None:
    """Lịch sử điểm của một đơn vị: các lượt chấm làm điểm, hạng hoặc xếp loại thay đổi, và vì sao."""
    from office.scores import history as steps_of

    steps = steps_of(engine(), unit, ruleset, period_code(period) if period else None)
    if not steps:
        console.print(f"Chưa có lượt chấm nào cho đơn vị «{unit}».")
    for st in steps:
        head = (f"{st.run.ruleset} {st.run.period_code} phiên bản {st.run.version} (#{st.run.id}, "
                f"{st.run.created_at:%d/%m/%Y %H:%M}{', đã công bố' if st.run.published_at else ''}): "
                f"{number(st.points, 2)} điểm, hạng {st.rank}, {st.klass or '–'}")
        console.print(head + (f"\n  {st.change.sentence()}" if st.change else ""))


def publish(run: Annotated[int, typer.Argument(help="Lượt chấm (#) cần công bố.")]) -> None:
    """Công bố một lượt chấm: từ đó nó không thay đổi; thay đổi sau là phiên bản mới ghi rõ điều đính chính."""
    from office.scores import publish as freeze

    done = freeze(engine(), run)
    console.print(f"Đã công bố lượt chấm #{done.id} (phiên bản {done.version}) ngày {done.published_at:%d/%m/%Y}.")


def appraise(
    unit: Annotated[str, typer.Option(help="Mã đơn vị.")],
    criterion: Annotated[str, typer.Option(help="Tiêu chí (lá), ví dụ 3.3.")],
    points: Annotated[float, typer.Option(help="Điểm thẩm định.")],
    reason: Annotated[str, typer.Option(help="Lý do điều chỉnh (bắt buộc).")],
    ruleset: RULESET = UNITS,
    period: PERIOD = None,
    appraiser: Annotated[str, typer.Option(help="Người, tổ thẩm định.")] = "Hội đồng thẩm định",
) -> None:
    """Thẩm định: xác nhận hoặc điều chỉnh điểm một tiêu chí của một đơn vị, có lý do; điểm được tính lại ngay."""
    from office import scores

    done = scores.appraise(engine(), *opened(ruleset, period), unit, criterion, points, reason,
                           appraiser)
    console.print(f"Đã ghi điểm thẩm định tiêu chí {criterion} của {unit}: {number(points, 2)} điểm.")
    _print_scoring(done)


def print_rescore(summary: dict) -> None:
    for name, r in summary["rulesets"].items():
        if not r["written"]:
            console.print(f"{summary['period']} {name}: không thay đổi (phiên bản {r['version']}).")
            continue
        console.print(f"{summary['period']} {name}: phiên bản {r['version']}, {r['evaluated']} đơn vị được tính lại.")
        for line in r["changes"][:20]:
            console.print(f"  {line}")
    for path in summary["documents"]:
        console.print(f"  đã lập lại {path}")


def rescore(period: CHANGED = None,
            out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản được lập lại.")] = Path("out")) -> None:
    """Tính lại mọi bộ tiêu chí đơn vị theo dữ liệu mới, lập lại văn bản của đơn vị thay đổi."""
    from office.rescoring import rescore_changed

    with console.status("Tính lại điểm…"):
        summaries = rescore_changed(engine(), period_code(period) if period else None, out)
    if not summaries:
        console.print("Không có dữ liệu mới hơn điểm đã chấm.")
    for summary in summaries:
        print_rescore(summary)


def watch(
    folder: Annotated[Path, typer.Argument(help="Thư mục nhận tệp dữ liệu.")],
    period: CHANGED = None,
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản được lập lại.")] = Path("out"),
    interval: Annotated[float, typer.Option(help="Số giây giữa hai lần xem thư mục.")] = 2.0,
    once: Annotated[bool, typer.Option(help="Xử lý các tệp đang có rồi dừng.")] = False,
    settle: Annotated[float, typer.Option(help="Số giây mọi tệp phải đứng yên (đã chép xong) trước khi cả đợt được "
                                               "nhập; các tệp đến trong khoảng này là một đợt.")] = 2.0,
) -> None:
    """Theo dõi một thư mục: các tệp đến cùng lúc được nhập cùng nhau (tất cả hoặc không tệp nào), rồi tính lại
    điểm một lần cho cả đợt tệp."""
    from cchc.data_cli import announce
    from office.watching import watch_folder

    if not folder.is_dir():
        raise typer.BadParameter(f"không có thư mục «{folder}»", param_hint="FOLDER")
    console.print(f"Đang theo dõi {folder}/ (Ctrl+C để dừng)…" if not once else f"Xử lý các tệp trong {folder}/…")
    watch_folder(engine(), folder, period_code(period) if period else None, out, interval, once, console.print,
                 lambda summaries: [print_rescore(s) for s in summaries], announce, settle=settle)


COMMANDS = {"score": score, "diff": diff_runs, "history": history, "publish": publish,
            "appraise": appraise, "rescore": rescore, "watch": watch}
