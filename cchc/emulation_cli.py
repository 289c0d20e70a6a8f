"""``cchc emulation …``: who is eligible for which title, and why not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

app = typer.Typer(help="Thi đua, khen thưởng: xét điều kiện danh hiệu theo Luật Thi đua, khen thưởng 2022.",
                  no_args_is_help=True)
RATING_LABEL = {4: "HTXSNV", 3: "HTTNV", 2: "HTNV", 1: "KHTNV"}


def eligibility_document(engine, result, unit: str | None, issued: date):
    """The eligibility list as a document of the unit (or the Department of Home Affairs for all)."""
    from cchc.report_context import PROVINCE_OFFICE, frame_for
    from reports import documents as docs

    table = result.table()
    if unit:
        table = table[(table["unit"] == unit) | table["unit"].str.startswith(f"{unit}-")]
    titles = result.ruleset.titles
    rows = []
    for person, r in table.sort_values(["unit", "name"]).iterrows():
        reached = [result.label(t) for t in titles if r[t]]
        missing = [t for t in titles if not r[t]]
        nxt = missing[0] if missing else None
        why = "; ".join(result.reasons(person)[nxt]) if nxt else ""
        rows.append(docs.EligibleRow(r["name"], r["unit_name"], RATING_LABEL.get(int(r["xep_loai"]), "–")
                                     if r["xep_loai"] == r["xep_loai"] else "–",
                                     ", ".join(reached) or "–", result.label(nxt) if nxt else "–", why))
    counts = tuple((result.label(t), int(table[t].sum())) for t in titles)
    context = docs.EligibilityList(result.year, unit or "toàn tỉnh", counts, tuple(rows), result.ruleset.reference)
    frame = frame_for(engine, unit or PROVINCE_OFFICE, "DS", issued, ("Hội đồng Thi đua - Khen thưởng", "Lưu: VT"))
    return docs.eligibility_list(context, frame)


@app.command()
def eligibility(
    year: Annotated[int, typer.Option(help="Năm xét.")] = 2024,
    person: Annotated[Optional[str], typer.Option(help="Mã cán bộ: in đủ lý do từng danh hiệu.")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị (cả các phòng trực thuộc).")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Ghi danh sách: docx, html, xlsx.")] = None,
    out: Annotated[Path, typer.Option(help="Thư mục ghi danh sách.")] = Path("out"),
) -> None:
    """Xét điều kiện danh hiệu thi đua, hình thức khen thưởng cho mọi người (hoặc một người), kèm lý do."""
    from cchc.cli import _engine, console
    from cchc.report_cli import write
    from emulation.eligibility import eligibility as evaluate_eligibility

    engine = _engine()
    result = evaluate_eligibility(engine, year)
    if person:
        if person not in result.frame.index:
            raise typer.BadParameter(f"không có xếp loại năm {year} của «{person}»", param_hint="--person")
        row = result.table().loc[person]
        console.print(f"[bold]{row['name']}[/] — {row['position']}, {row['unit_name']}; xếp loại {year}: "
                      f"{RATING_LABEL.get(int(row['xep_loai']), '–')}")
        for title, why in result.reasons(person).items():
            mark = "[green]đủ điều kiện[/]" if not why else "[red]chưa đủ điều kiện[/]: " + "; ".join(why)
            console.print(f"• {result.label(title)}: {mark}")
        return
    table = Table(title=f"Số người đủ điều kiện năm {year}{' — ' + unit if unit else ''}")
    table.add_column("Danh hiệu, hình thức")
    table.add_column("Số người", justify="right")
    document = eligibility_document(engine, result, unit, date(year, 12, 10))
    for name, n in document.tables["tong_hop"].rows:
        table.add_row(name, str(n))
    console.print(table)
    if fmt:
        name = f"danh-sach-xet-danh-hieu-{unit or 'tinh'}-{year}"
        console.print(f"Đã ghi {write(document, out, name, fmt)}")


@app.command("campaign-plan")
def campaign_plan(
    campaign: Annotated[str, typer.Argument(help="Mã phong trào (emulation/campaigns/*.yaml) hoặc đường dẫn tệp.")]
    = "skhcn-ninh-thuan-2024",
    fmt: Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")] = "docx",
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
) -> None:
    """Kế hoạch phát động phong trào thi đua (như kế hoạch của Sở KH&CN Ninh Thuận năm 2024)."""
    from cchc.cli import _engine, console
    from cchc.report_cli import write

    console.print(f"Đã ghi {write(campaign_document(_engine(), campaign), out, f'ke-hoach-thi-dua-{campaign}', fmt)}")


def campaign_document(engine, name: str):
    from cchc.report_context import frame_for
    from emulation.campaigns import load_campaign
    from reports import documents as docs
    from store import models
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    c = load_campaign(name)
    with Session(engine) as s:
        unit_name = s.scalar(select(models.Unit.name).where(models.Unit.code == c.unit))
    if unit_name is None:
        raise typer.BadParameter(f"đơn vị phát động «{c.unit}» chưa có trong danh mục", param_hint="CAMPAIGN")
    frame = frame_for(engine, c.unit, "KH", c.start, c.recipients)
    return docs.campaign_plan(c.plan(unit_name), frame)
