"""What the record holds, as people want to see it after a load: counts, the staff picture, and the units
doing best and worst on the Decision 766 dossier rates."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cchc.fmt import add_best_and_worst, number, percent
from store import models
from store.ingest.people import CATEGORIES, RATINGS
from store.ingest.units import UNIT_KINDS
from store.queries import indicator_frame


def _grouped(session: Session, column, *where) -> dict:
    query = select(column, func.count()).group_by(column)
    for w in where:
        query = query.where(w)
    return dict(session.execute(query).all())


def print_summary(console: Console, engine: Engine, year: int) -> None:
    with Session(engine) as s:
        units = _grouped(s, models.Unit.kind)
        people = _grouped(s, models.Person.category)
        ratings = _grouped(s, models.StaffRating.rating, models.StaffRating.year == year)
        years = s.execute(select(func.min(models.StaffRating.year), func.max(models.StaffRating.year))).one()
        initiatives = s.scalar(select(func.count()).select_from(models.Initiative))
        disciplines = _grouped(s, models.Discipline.status)
        dossiers = s.scalar(select(func.count()).select_from(models.Dossier))
        facts = s.scalar(select(func.count()).select_from(models.Fact))

    loaded = Table(title="Dữ liệu đã nạp", show_header=False)
    loaded.add_column()
    loaded.add_column(justify="right")
    for kind, label in UNIT_KINDS.items():
        loaded.add_row(f"Đơn vị — {label}", number(units.get(kind, 0)))
    for code, label in CATEGORIES.items():
        loaded.add_row(f"Người — {label}", number(people.get(code, 0)))
    if years[0] is not None:
        loaded.add_row("Năm có xếp loại", f"{years[0]}–{years[1]}")
    for code, label in RATINGS.items():
        loaded.add_row(f"Xếp loại {year} — {label}", number(ratings.get(code, 0)))
    loaded.add_row("Sáng kiến được công nhận", number(initiatives))
    loaded.add_row("Kỷ luật — đã quyết định / đang xem xét",
                   f"{number(disciplines.get('da_quyet_dinh', 0))} / {number(disciplines.get('dang_xem_xet', 0))}")
    loaded.add_row("Hồ sơ TTHC", number(dossiers))
    loaded.add_row("Số liệu chỉ tiêu (mọi lô)", number(facts))
    console.print(loaded)

    frame = indicator_frame(engine, f"{year}-NAM")
    if frame.empty or "hs_tiep_nhan" not in frame:
        return
    with Session(engine) as s:
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    rates = pd.DataFrame({
        "received": frame["hs_tiep_nhan"],
        "on_time": frame["hs_dung_han"] / frame["hs_tiep_nhan"],
        "online": frame["hs_truc_tuyen"] / frame["hs_tiep_nhan"],
        "digitised": frame["hs_so_hoa"] / frame["hs_tiep_nhan"],
        "paid": frame["hs_thanh_toan_truc_tuyen"] / frame["hs_co_phi"],
    }).dropna(subset=["received"]).sort_values(["on_time", "online"], ascending=False)
    table = Table(title=f"Hồ sơ TTHC năm {year} (kỳ dữ liệu 15/12/{year - 1} – 14/12/{year}): "
                        "5 đơn vị tốt nhất và 5 đơn vị kém nhất theo tỷ lệ đúng hạn")
    for col in ("Đơn vị", "Hồ sơ", "Đúng hạn", "Trực tuyến", "Số hóa", "TT trực tuyến"):
        table.add_column(col, justify="left" if col == "Đơn vị" else "right")
    add_best_and_worst(table, rates, lambda code, r: [names.get(code, code), number(r.received), percent(r.on_time),
                                                      percent(r.online), percent(r.digitised), percent(r.paid)])
    console.print(table)
