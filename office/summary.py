"""What the record holds, as people want to see it after a load: counts, the staff picture, and the units
doing best and worst on the Decision 766 dossier rates."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from base.vn import number
from store import models
from store.ingest.people import CATEGORIES, RATINGS
from store.ingest.units import UNIT_KINDS
from store.queries import indicator_frame


def _grouped(session: Session, column, *where) -> dict:
    query = select(column, func.count()).group_by(column)
    for w in where:
        query = query.where(w)
    return dict(session.execute(query).all())


def loaded(engine: Engine, year: int) -> list[tuple[str, str]]:
    """(what, how many) of the record, in words."""
    with Session(engine) as s:
        units = _grouped(s, models.Unit.kind)
        people = _grouped(s, models.Person.category)
        ratings = _grouped(s, models.StaffRating.rating, models.StaffRating.year == year)
        years = s.execute(select(func.min(models.StaffRating.year), func.max(models.StaffRating.year))).one()
        initiatives = s.scalar(select(func.count()).select_from(models.Initiative))
        disciplines = _grouped(s, models.Discipline.status)
        dossiers = s.scalar(select(func.coalesce(func.sum(models.DossierDataset.rows), 0)))
        facts = s.scalar(select(func.count()).select_from(models.Fact))
    rows = [(f"Đơn vị — {label}", number(units.get(kind, 0))) for kind, label in UNIT_KINDS.items()]
    rows += [(f"Người — {label}", number(people.get(code, 0))) for code, label in CATEGORIES.items()]
    if years[0] is not None:
        rows.append(("Năm có xếp loại", f"{years[0]}–{years[1]}"))
    rows += [(f"Xếp loại {year} — {label}", number(ratings.get(code, 0))) for code, label in RATINGS.items()]
    rows += [("Sáng kiến được công nhận", number(initiatives)),
             ("Kỷ luật — đã quyết định / đang xem xét",
              f"{number(disciplines.get('da_quyet_dinh', 0))} / {number(disciplines.get('dang_xem_xet', 0))}"),
             ("Hồ sơ TTHC", number(dossiers)), ("Số liệu chỉ tiêu (mọi lô)", number(facts))]
    return rows


def dossier_rates(engine: Engine, year: int) -> pd.DataFrame:
    """Per unit of the year: name, dossiers received and the on-time, online, digitised and paid-online
    rates (0–1), best on-time first; empty without dossiers."""
    frame = indicator_frame(engine, f"{year}-NAM")
    if frame.empty or "hs_tiep_nhan" not in frame:
        return pd.DataFrame()
    with Session(engine) as s:
        names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    rates = pd.DataFrame({
        "received": frame["hs_tiep_nhan"],
        "on_time": frame["hs_dung_han"] / frame["hs_tiep_nhan"],
        "online": frame["hs_truc_tuyen"] / frame["hs_tiep_nhan"],
        "digitised": frame["hs_so_hoa"] / frame["hs_tiep_nhan"],
        "paid": frame["hs_thanh_toan_truc_tuyen"] / frame["hs_co_phi"],
    }).dropna(subset=["received"]).sort_values(["on_time", "online"], ascending=False)
    return rates.assign(name=rates.index.map(lambda c: names.get(c, c)))
