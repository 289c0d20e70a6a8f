"""Who is eligible for which title or award form, and why not, for every person of the record.

The individual titles rule set (``danh-hieu-ca-nhan-2022``) reads, per person and year, the staff rating,
discipline (decided in the year, or still pending), recognised initiatives not yet used for an award (one
initiative backs one award only), and whether the person held Chiến sĩ thi đua cơ sở in each of the two
previous years: as decided where that year's decisions are recorded, otherwise as the eligibility computed
for that year — so the years are evaluated oldest first and each feeds the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from rules.evaluate import Result, evaluate
from rules.ruleset import RuleSet, find
from store import models

RATING_LEVEL = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}
TITLES = "danh-hieu-ca-nhan-2022"
HISTORY = 2  # years of titles a year's titles depend on (2 consecutive … 3 consecutive)


@dataclass(frozen=True)
class Record:
    """Everything of the record the individual titles read, for a span of years."""

    people: pd.DataFrame  # code → name, gender, unit, unit_name, position
    ratings: pd.DataFrame  # person, year, rating
    disciplines: pd.DataFrame  # person, year, status
    initiatives: pd.DataFrame  # person, year, level, code
    awards: pd.DataFrame = None  # person, year, form, initiatives (codes used): decided history

    def __post_init__(self):
        if self.awards is None:
            object.__setattr__(self, "awards", pd.DataFrame(columns=["person", "year", "form", "initiatives"]))


def read_record(engine: Engine, first: int, last: int) -> Record:
    P, U, R, D, I = models.Person, models.Unit, models.StaffRating, models.Discipline, models.Initiative
    with Session(engine) as s:
        people = pd.DataFrame(s.execute(
            select(P.id, P.code, P.full_name, P.gender, U.code, U.name, P.position).join(U, U.id == P.unit_id)).all(),
            columns=["id", "person", "name", "gender", "unit", "unit_name", "position"])
        ratings = pd.DataFrame(s.execute(select(R.person_id, R.year, R.rating)
                                         .where(R.year.between(first, last))).all(), columns=["id", "year", "rating"])
        disciplines = pd.DataFrame(s.execute(select(D.person_id, D.year, D.status)
                                             .where(D.year <= last)).all(), columns=["id", "year", "status"])
        initiatives = pd.DataFrame(s.execute(select(I.person_id, I.year, I.level, I.code)
                                             .where(I.year.between(first - HISTORY, last))).all(),
                                   columns=["id", "year", "level", "code"])
        A = models.Award
        awards = pd.DataFrame(s.execute(select(A.participant, A.year, A.form, A.initiatives)
                                        .where(A.participant_kind == "ca_nhan", A.year <= last)).all(),
                              columns=["person", "year", "form", "initiatives"])
    codes = people.set_index("id")["person"]
    for frame in (ratings, disciplines, initiatives):
        frame.insert(0, "person", frame.pop("id").map(codes))
    return Record(people.drop(columns="id").set_index("person"), ratings, disciplines, initiatives, awards)


def used_initiatives(record: Record, before: int) -> set[str]:
    """Initiatives that already back an award decided for an earlier year: they count for nothing else."""
    earlier = record.awards[record.awards["year"] < before]["initiatives"]
    return {code for codes in earlier for code in str(codes).split(",") if code}


def unused_initiatives(record: Record, person: str, year: int) -> list[str]:
    """The person's initiatives of ``year`` and the year before that no award of an earlier year rests on."""
    used = used_initiatives(record, year)
    i = record.initiatives
    mine = i[(i["person"] == person) & i["year"].between(year - 1, year)]
    return sorted(c for c in mine["code"] if c not in used)


CSTDCS_FORMS = {"chien_si_thi_dua_co_so", "Chiến sĩ thi đua cơ sở"}
TITLE_FORMS = CSTDCS_FORMS | {"lao_dong_tien_tien", "Lao động tiên tiến"}


def decided(record: Record, year: int) -> pd.Series | None:
    """Who was awarded Chiến sĩ thi đua cơ sở for ``year``, where that year's title decisions are recorded
    (Lao động tiên tiến or Chiến sĩ thi đua cơ sở decided for the year); None where they are not — a
    campaign's commendations alone do not say who held the titles."""
    of_year = record.awards[record.awards["year"] == year]
    if not of_year["form"].isin(TITLE_FORMS).any():
        return None
    held = of_year[of_year["form"].isin(CSTDCS_FORMS)]["person"].unique()
    return pd.Series(1.0, index=pd.Index(held), dtype=float)


def inputs_for(record: Record, year: int, cstdcs: dict[int, pd.Series]) -> pd.DataFrame:
    """The titles rule set's inputs for everyone rated in ``year``; ``cstdcs`` holds earlier years' results."""
    rated = record.ratings[record.ratings["year"] == year].set_index("person")
    index = rated.index
    frame = pd.DataFrame(index=index)
    frame["xep_loai"] = rated["rating"].map(RATING_LEVEL).astype(float)
    d = record.disciplines
    frame["ky_luat_trong_nam"] = _count(d[(d["year"] == year) & (d["status"] == "da_quyet_dinh")], index)
    frame["dang_xem_xet_ky_luat"] = _count(d[(d["year"] <= year) & (d["status"] == "dang_xem_xet")], index)
    i = record.initiatives
    i = i[~i["code"].isin(used_initiatives(record, year))]
    frame["sang_kien_co_so"] = _count(i[i["year"] == year], index)
    frame["sang_kien_hai_nam"] = _count(i[i["year"].between(year - 1, year)], index)
    provincial = i["year"].between(year - HISTORY, year) & i["level"].isin(["tinh", "toan_quoc"])
    frame["sang_kien_cap_tinh"] = _count(i[provincial], index)
    before = record.ratings[record.ratings["year"] == year - 1].set_index("person")["rating"]
    frame["htxs_nam_truoc"] = (before.reindex(index) == "HTXSNV").astype(float)
    for back, column in ((1, "cstdcs_nam_truoc"), (2, "cstdcs_hai_nam_truoc")):
        held = cstdcs.get(year - back)
        frame[column] = held.reindex(index).fillna(0.0) if held is not None else 0.0
    return frame


def _count(rows: pd.DataFrame, index: pd.Index) -> pd.Series:
    return rows.groupby("person").size().reindex(index).fillna(0).astype(float)


@dataclass(frozen=True)
class Eligibility:
    year: int
    ruleset: RuleSet
    frame: pd.DataFrame  # inputs, indexed by person
    result: Result
    people: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """One row per person: who, where, the rating, and for each title: eligible or not."""
        out = self.people.reindex(self.frame.index)[["name", "gender", "unit", "unit_name", "position"]].copy()
        out["xep_loai"] = self.frame["xep_loai"]
        for title in self.ruleset.titles:
            out[title] = self.result.env[title] == 1
        return out

    def reasons(self, person: str) -> dict[str, list[str]]:
        """Title → why not (empty: eligible)."""
        return {t: self.result.reasons(person, t) for t in self.ruleset.titles}

    def label(self, title: str) -> str:
        return self.ruleset.label_of(title)


def eligibility(engine: Engine, year: int, ruleset: RuleSet | None = None) -> Eligibility:
    """Eligibility of everyone rated in ``year``, from the store."""
    return eligibility_of(read_record(engine, year - HISTORY, year), year, ruleset)


def eligibility_of(record: Record, year: int, ruleset: RuleSet | None = None) -> Eligibility:
    """Eligibility of everyone rated in ``year``, the two earlier years evaluated first as history."""
    ruleset = ruleset or find(TITLES)
    cstdcs: dict[int, pd.Series] = {}
    for y in range(year - HISTORY, year + 1):
        frame = inputs_for(record, y, cstdcs)
        result = evaluate(ruleset, frame)
        # A year whose decisions are recorded is history as decided; otherwise as it was eligible.
        held = decided(record, y)
        cstdcs[y] = held if held is not None and y < year else pd.Series(
            np.asarray(result.env["chien_si_thi_dua_co_so"] == 1, dtype=float), index=frame.index)
    return Eligibility(year, ruleset, frame, result, record.people)
