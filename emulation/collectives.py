"""What the collective titles (``danh-hieu-tap-the-2022``) read of a collective's own record: its yearly rating,
the year before's rating and title, for Bằng khen on two consecutive years (Luật TĐKT 2022 Đ.74), and its own
matters still open at the year's end (NĐ 152/2025 Đ.4). Each collective is read by its own code: one unit's
decisions say nothing of another's."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.award_forms import form_code
from emulation.eligibility import RATING_LEVEL, open_at
from store import models

EXCELLENT = "tap_the_lao_dong_xuat_sac"


def collective_record(engine: Engine, units: list[str], year: int, on: date | None = None) -> pd.DataFrame:
    """Per unit: ``xep_loai_tap_the`` (its own rating of ``year``, NaN where none is recorded),
    ``htxs_nam_truoc`` and ``ttldxs_nam_truoc`` (1/0 where the year before is recorded, NaN where not),
    ``vu_viec_dang_mo`` (its own matters open on ``on``, the day its titles are decided: 31/12 of ``year``
    unless said)."""
    U, C, P = models.Unit, models.CollectiveRating, models.UnitProceeding
    A, AR = models.Award, models.AwardRecord
    with Session(engine) as s:
        ratings = pd.DataFrame(s.execute(select(U.code, C.year, C.rating, C.title).join(U, U.id == C.unit_id)
                                         .where(U.code.in_(units), C.year.between(year - 1, year))).all(),
                               columns=["unit", "year", "rating", "title"])
        decided = {code for code, form in s.execute(
            select(AR.participant, AR.form).where(AR.participant_kind == "tap_the", AR.year == year - 1,
                                                  AR.participant.in_(units)))
            if form_code(form, "tap_the") == EXCELLENT}
        decided |= {code for code, form in s.execute(
            select(A.participant, A.form).where(A.participant_kind == "tap_the", A.year == year - 1,
                                                A.participant.in_(units)))
                    if form_code(form, "tap_the") == EXCELLENT}
        matters = pd.DataFrame(s.execute(select(U.code, P.opened_on, P.closed_on).join(U, U.id == P.unit_id)
                                         .where(U.code.in_(units))).all(), columns=["unit", "opened_on", "closed_on"])
    index = pd.Index(units)
    now = ratings[ratings["year"] == year].set_index("unit")
    before = ratings[ratings["year"] == year - 1].set_index("unit").reindex(index)
    frame = pd.DataFrame(index=index)
    frame["xep_loai_tap_the"] = now["rating"].map(RATING_LEVEL).reindex(index).astype(float)
    known = before["rating"].notna()
    frame["htxs_nam_truoc"] = np.where(known, (before["rating"] == "HTXSNV").astype(float), np.nan)
    titled = (before["title"] == "tap_the_lao_dong_xuat_sac") | index.isin(list(decided))
    frame["ttldxs_nam_truoc"] = np.where(titled, 1.0, np.where(known, 0.0, np.nan))
    frame["vu_viec_dang_mo"] = open_at(matters, on or date(year, 12, 31)).groupby("unit").size().reindex(index).fillna(0.0)
    return frame
