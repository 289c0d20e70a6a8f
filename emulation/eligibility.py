"""Who is eligible for which title or award form, and why not, for every person of the record.

The individual titles rule set (``danh-hieu-ca-nhan-2022``) reads, per person and year, the staff rating,
discipline in force during the year (its period as data: ``discipline.yaml``), matters still open at the year's
end (discipline under consideration, investigation, inspection, complaint), recognised initiatives no earlier
award rests on (one initiative backs one award only), accepted research topics, the person's part in the
year's campaigns, and whether the person held Chiến sĩ thi đua cơ sở in each of the two previous years: as
decided where that year's title decisions are recorded for the person's own unit (or for the person),
otherwise as the eligibility computed for that year — so the years are evaluated oldest first and each feeds
the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session, aliased

from base.award_forms import FORMS, form_code
from rules.evaluate import Result, evaluate
from rules.ruleset import RuleSet, for_use
from store import models
from store.queries import plain_rows

RATING_LEVEL = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}
RATING_WORDS = {4: "Hoàn thành xuất sắc nhiệm vụ", 3: "Hoàn thành tốt nhiệm vụ", 2: "Hoàn thành nhiệm vụ",
                1: "Không hoàn thành nhiệm vụ"}
TITLES = "person_titles"  # the use of base/rule_uses.yaml: the family's latest set
HISTORY = 2  # years of titles a year's titles depend on (2 consecutive … 3 consecutive)
DISCIPLINE = Path(__file__).with_name("discipline.yaml")
PROVINCIAL = ("tinh", "toan_quoc")  # initiative levels that count for Chiến sĩ thi đua cấp tỉnh

AWARD_COLUMNS = ["person", "year", "form", "initiatives", "scope", "campaign"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


@dataclass(frozen=True)
class Record:
    """Everything of the record the individual titles read, for a span of years."""

    people: pd.DataFrame  # code → name, gender, unit, unit_name, position
    ratings: pd.DataFrame  # person, year, rating[, unit: the unit the person was rated in that year]
    disciplines: pd.DataFrame  # person, year, status[, form, decided_on]
    initiatives: pd.DataFrame  # person, year, level, code
    # person, year, form, initiatives (codes the award rests on), scope (the unit whose decisions it is: the
    # issuer, or the campaign's unit), campaign (1 when decided in a campaign's review)
    awards: pd.DataFrame = None
    proceedings: pd.DataFrame = None  # person, kind, opened_on, closed_on (None: open)
    topics: pd.DataFrame | None = None  # person, year, level, code; None: no topic has ever been recorded
    campaigns: pd.DataFrame | None = None  # person, year, committed: registered in a campaign of the year
    parents: dict = field(default_factory=dict)  # unit code → its parent's code

    def __post_init__(self):
        if self.awards is None:
            object.__setattr__(self, "awards", _empty(AWARD_COLUMNS))
        for column, default in (("scope", ""), ("campaign", 0)):
            if column not in self.awards:
                object.__setattr__(self, "awards", self.awards.assign(**{column: default}))
        if self.proceedings is None:
            object.__setattr__(self, "proceedings", _empty(["person", "kind", "opened_on", "closed_on"]))


def read_record(engine: Engine, first: int, last: int, without_campaign: str | None = None) -> Record:
    """The record of ``first``…``last``; ``without_campaign``: leaving out the awards of that campaign, which
    its own review is deciding again (they would take the very initiatives they rest on)."""
    P, U, R, D, I = models.Person, models.Unit, models.StaffRating, models.Discipline, models.Initiative
    A, AR, C, Reg = models.Award, models.AwardRecord, models.Campaign, models.Registration
    with Session(engine) as s:
        people = pd.DataFrame(plain_rows(s,
            select(P.id, P.code, P.full_name, P.gender, U.code, U.name, P.position).join(U, U.id == P.unit_id)),
            columns=["id", "person", "name", "gender", "unit", "unit_name", "position"])
        ratings = pd.DataFrame(plain_rows(s, select(R.person_id, R.year, R.rating, U.code).join(U, U.id == R.unit_id)
                                         .where(R.year.between(first, last))),
                               columns=["id", "year", "rating", "unit"])
        disciplines = pd.DataFrame(plain_rows(s, select(D.person_id, D.year, D.status, D.form, D.decided_on)
                                             .where(D.year <= last)),
                                   columns=["id", "year", "status", "form", "decided_on"])
        initiatives = pd.DataFrame(plain_rows(s, select(I.person_id, I.year, I.level, I.code)
                                             .where(I.year.between(first - HISTORY, last))),
                                   columns=["id", "year", "level", "code"])
        campaign_awards = s.execute(
            select(A.participant, A.year, A.form, A.initiatives, U.code, A.campaign_id)
            .outerjoin(C, C.id == A.campaign_id).outerjoin(U, U.id == C.unit_id)
            .where(A.participant_kind == "ca_nhan", A.year <= last,
                   or_(C.code.is_(None), C.code != (without_campaign or "")))).all()
        recorded = s.execute(select(AR.participant, AR.year, AR.form, AR.initiatives, U.code)
                             .outerjoin(U, U.id == AR.issuer_id)
                             .where(AR.participant_kind == "ca_nhan", AR.year <= last)).all()
        awards = pd.DataFrame(
            [(p, y, f, i or "", scope or "", int(c is not None)) for p, y, f, i, scope, c in campaign_awards]
            + [(p, y, f, i or "", scope or "", 0) for p, y, f, i, scope in recorded], columns=AWARD_COLUMNS)
        proceedings = pd.DataFrame(plain_rows(s,
            select(models.Proceeding.person_id, models.Proceeding.kind, models.Proceeding.opened_on,
                   models.Proceeding.closed_on)), columns=["id", "kind", "opened_on", "closed_on"])
        T = models.ResearchTopic
        any_topic = s.scalar(select(T.id).limit(1)) is not None
        topics = pd.DataFrame(plain_rows(s, select(T.person_id, T.year, T.level, T.code)
                                        .where(T.year.between(first, last))),
                              columns=["id", "year", "level", "code"]) if any_topic else None
        registered = pd.DataFrame(plain_rows(s,
            select(Reg.participant, C.start, Reg.committed).join(C, C.id == Reg.campaign_id)
            .where(Reg.participant_kind == "ca_nhan")), columns=["person", "start", "committed"])
        up = aliased(U)
        parents = dict(s.execute(select(U.code, up.code).outerjoin(up, U.parent_id == up.id)).all())
    codes = people.set_index("id")["person"]
    frames = [ratings, disciplines, initiatives, proceedings] + ([topics] if topics is not None else [])
    for frame in frames:
        frame.insert(0, "person", frame.pop("id").map(codes))
    registered["year"] = pd.to_datetime(registered["start"]).dt.year if len(registered) else []
    campaigns = registered.groupby(["person", "year"], as_index=False)["committed"].max() if len(registered) \
        else None
    return Record(people.drop(columns="id").set_index("person"), ratings, disciplines, initiatives, awards,
                  proceedings, topics, campaigns, parents)


def _codes(text) -> list[str]:
    return [c for c in str(text).replace(";", ",").split(",") if c.strip()]


def used_initiatives(record: Record, year: int, title: str | None = None) -> set[str]:
    """Initiatives that already back an award, so count for nothing else (CV 5007/BNV-TĐKT 2023): every award of
    an earlier year, and every award of ``year`` but one of ``title`` (the award the initiative backs)."""
    a = record.awards
    same = a[a["year"] == year]
    if title is not None:
        same = same[same["form"].map(form_code) != title]
    backing = pd.concat([a[a["year"] < year]["initiatives"], same["initiatives"]])
    return {code.strip() for codes in backing for code in _codes(codes)}


def unused_initiatives(record: Record, person: str, year: int) -> list[str]:
    """The person's initiatives of ``year`` and the year before that no award rests on."""
    used = used_initiatives(record, year)
    i = record.initiatives
    mine = i[(i["person"] == person) & i["year"].between(year - 1, year)]
    return sorted(c for c in mine["code"] if c not in used)


TITLE_FORMS = ("lao_dong_tien_tien", "chien_si_thi_dua_co_so")


def _within(unit: str, scope: str, parents: dict) -> bool:
    """Whether ``unit`` is ``scope`` or one of its divisions (at any depth)."""
    seen = 0
    while unit and seen < 20:
        if unit == scope:
            return True
        unit, seen = parents.get(unit), seen + 1
    return False


def given_cstdcs(record: Record, year: int) -> pd.Series:
    """Chiến sĩ thi đua cơ sở as decided for ``year``, for the people given a title of their own that year (1: it,
    0: Lao động tiên tiến only): consecutive years count the title conferred (Luật TĐKT 2022 Đ.22 k.1 a, Đ.74 k.1
    d), so a year whose decision gave Lao động tiên tiến only is no year of it, whatever its conditions."""
    a = record.awards[record.awards["year"] == year]
    title = a["form"].map(form_code)
    held = set(a[title == "chien_si_thi_dua_co_so"]["person"])
    people = sorted(set(a[title.isin(TITLE_FORMS)]["person"]))
    return pd.Series([1.0 if p in held else 0.0 for p in people], index=pd.Index(people, dtype=object), dtype=float)


def decided(record: Record, year: int) -> pd.Series | None:
    """Who was awarded Chiến sĩ thi đua cơ sở for ``year``, for the people whose title decisions of that year
    are recorded: a person who was given a title (Lao động tiên tiến or Chiến sĩ thi đua cơ sở) that year, and
    everyone rated that year in a unit whose decisions were recorded (the issuer or the campaign's unit, with
    its divisions). The result is indexed by those people (1: held, 0: not); None where no one's are — a
    campaign's commendations alone do not say who held the titles, and one unit's decisions say nothing of
    another's."""
    a = record.awards[record.awards["year"] == year]
    title = a["form"].map(form_code)
    of_year = a[title.isin(TITLE_FORMS)]
    if of_year.empty:
        return None
    people = set(of_year["person"])
    scopes = {s for s in of_year["scope"] if s}
    if scopes and "unit" in record.ratings:
        rated = record.ratings[record.ratings["year"] == year]
        people |= {p for p, u in zip(rated["person"], rated["unit"])
                   if any(_within(u, scope, record.parents) for scope in scopes)}
    held = set(a[title == "chien_si_thi_dua_co_so"]["person"])
    index = pd.Index(sorted(people))
    return pd.Series([1.0 if p in held else 0.0 for p in index], index=index, dtype=float)


@cache
def discipline_rules() -> dict:
    return yaml.safe_load(DISCIPLINE.read_text(encoding="utf-8"))


STILL_IN_FORCE = "đang trong thời hạn kỷ luật"  # the rule set's reason, told in full by Eligibility


def discipline_source(year: int) -> str:
    """Where a discipline's hold and its periods come from, as it stands for ``year``: the text is cited as it
    is, and a year before it came into force is told that the text applying then was not checked."""
    rules = discipline_rules()
    return rules["source"] + _not_yet(year)


def _not_yet(year: int) -> str:
    since = discipline_rules().get("source_from")
    if since and date(year, 12, 31) < since:
        return f"; văn bản có hiệu lực từ {since:%d/%m/%Y}, quy định áp dụng cho năm {year} chưa được đối chiếu"
    return ""


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31))


def in_force(disciplines: pd.DataFrame, year: int) -> pd.DataFrame:
    """Decided disciplines in force on some day of ``year``: from the decision date for the period its form
    keeps (``discipline.yaml``); one without a decision date, in its own year only."""
    d = disciplines[disciplines["status"] == "da_quyet_dinh"]
    if d.empty:
        return d
    if "decided_on" not in d:
        return d[d["year"] == year]
    forms = discipline_rules()["forms"]
    start, end = date(year, 1, 1), date(year, 12, 31)

    def active(row) -> bool:
        on = row.decided_on
        if on is None or on != on:
            return row.year == year
        on = pd.Timestamp(on).date()
        months = forms.get(row.form, {}).get("months", 12) if "form" in d else 12
        return on <= end and (months is None or _add_months(on, months) > start)

    return d[[active(r) for r in d.itertuples(index=False)]]


def decided_in(disciplines: pd.DataFrame, year: int) -> pd.DataFrame:
    """Disciplines decided in ``year`` (by the decision date; without one, by the year recorded): a person
    disciplined in the evaluation year is rated Không hoàn thành nhiệm vụ for it, whatever rating is stored."""
    d = disciplines[disciplines["status"] == "da_quyet_dinh"]
    if d.empty or "decided_on" not in d:
        return d[d["year"] == year] if not d.empty else d
    on = pd.to_datetime(d["decided_on"])
    return d[on.dt.year.eq(year) | (on.isna() & (d["year"] == year))]


def open_at(proceedings: pd.DataFrame, day: date) -> pd.DataFrame:
    """Matters opened by ``day`` and not closed by then."""
    p = proceedings
    if p.empty:
        return p
    when = pd.Timestamp(day)
    opened, closed = pd.to_datetime(p["opened_on"]), pd.to_datetime(p["closed_on"])
    return p[(opened <= when) & (closed.isna() | (closed > when))]


# Inputs that the record may not hold: input → why it is not assessed (the rule set's default then applies).
_CODED = re.compile(r"\s*\([01] = [^()]*\)$")  # how an input's column is filled («(1 = có)»), not said in a reason
NOT_ASSESSED = {
    "de_tai_nghiem_thu": "chưa có dữ liệu đề tài, đề án được nghiệm thu (nhập tệp loại de_tai)",
    "thanh_tich_phong_trao": "không tham gia phong trào thi đua nào được ghi nhận trong năm (chưa xác định được "
                             "thành tích trong phong trào)",
    "tinh_than_thi_dua": "chưa đăng ký thi đua trong phong trào nào của năm: tinh thần thi đua chưa được xác nhận "
                         "(tạm coi là có)",
}


def inputs_for(record: Record, year: int, cstdcs: dict[int, pd.Series], on: date | None = None,
               taken: pd.DataFrame | None = None) -> pd.DataFrame:
    """The titles rule set's inputs for everyone rated in ``year``; ``cstdcs`` holds earlier years' results, and
    ``taken`` the initiatives their Chiến sĩ thi đua cơ sở rested on (``cstdcs_takes``), which, with this year's,
    count for no Chiến sĩ thi đua cấp tỉnh. Matters still open count on ``on``, the day titles are decided (the
    year's last day unless said)."""
    rated = record.ratings[record.ratings["year"] == year].set_index("person")
    index = rated.index
    frame = pd.DataFrame(index=index)
    frame["xep_loai"] = rated["rating"].map(RATING_LEVEL).astype(float)
    d = record.disciplines
    held = in_force(d, year)
    this_year = held.index.isin(decided_in(held, year).index)
    frame["ky_luat_trong_nam"] = _count(held[this_year], index)
    frame["ky_luat_con_hieu_luc"] = _count(held[~this_year], index)
    pending = d[(d["year"] <= year) & (d["status"] == "dang_xem_xet")]
    frame["dang_xem_xet_ky_luat"] = _count(pending, index) + _count(open_at(record.proceedings,
                                                                           on or date(year, 12, 31)), index)
    free = lambda title: _free(record, year, title)  # noqa: E731
    i = free("chien_si_thi_dua_co_so")
    frame["sang_kien_co_so"] = _count(i[i["year"] == year], index)
    i = free("bang_khen_chu_tich_tinh")
    frame["sang_kien_hai_nam"] = _count(i[i["year"].between(year - 1, year)], index)
    t = record.topics
    frame["sang_kien_cap_tinh"] = 0.0  # below, once the year's Chiến sĩ thi đua cơ sở has taken its own
    frame["de_tai_nghiem_thu"] = _count(t[t["year"] == year], index) if t is not None else np.nan
    before = record.ratings[record.ratings["year"] == year - 1].set_index("person")["rating"]
    frame["htxs_nam_truoc"] = (before.reindex(index) == "HTXSNV").astype(float)
    frame["cstdcs_nam_nay"] = given_cstdcs(record, year).reindex(index)
    i = free("chien_si_thi_dua_cap_tinh")
    i = i[i["year"].between(year - HISTORY, year) & i["level"].isin(PROVINCIAL)]
    mine = cstdcs_takes(record, year, frame)
    taken = pd.concat([taken, mine]) if taken is not None else mine
    frame["sang_kien_cap_tinh"] = _count(_not_taken(i, taken), index)
    for back, column in ((1, "cstdcs_nam_truoc"), (2, "cstdcs_hai_nam_truoc")):
        held = cstdcs.get(year - back)
        frame[column] = held.reindex(index).fillna(0.0) if held is not None else 0.0
    # The year's campaigns: who registered (and pledged), who was commended in one.
    c = record.campaigns
    joined = c[c["year"] == year].set_index("person")["committed"] if c is not None else pd.Series(dtype=float)
    frame["tinh_than_thi_dua"] = joined.reindex(index).astype(float)
    a = record.awards
    commended = set(a[(a["year"] == year) & (a["campaign"] == 1)]["person"])
    frame["thanh_tich_phong_trao"] = np.where(index.isin(list(commended)), 1.0,
                                              np.where(joined.reindex(index).notna(), 0.0, np.nan))
    return frame


def cstdcs_takes(record: Record, year: int, frame: pd.DataFrame) -> pd.DataFrame:
    """The initiative each person's Chiến sĩ thi đua cơ sở of ``year`` rests on where nothing else grounds it (no
    excellent rating, no accepted topic) and no decision of the year records what it rests on: one of the year's
    free initiatives, base-level first, as ``resting_initiatives`` takes it. The title then rests on it, so it is
    not also the provincial initiative of a Chiến sĩ thi đua cấp tỉnh counting that year among its three (one
    initiative backs one title or award form, CV 5007/BNV-TĐKT 2023). Rows: person, year, code."""
    needs = frame.index[(frame["xep_loai"] != 4) & ~(frame["de_tai_nghiem_thu"].fillna(0) >= 1)
                        & (frame["cstdcs_nam_nay"] != 1)]
    i = _free(record, year, "chien_si_thi_dua_co_so")
    i = i[(i["year"] == year) & i["person"].isin(needs)]
    i = i.assign(rank=i["level"].isin(PROVINCIAL).astype(int)).sort_values(["person", "rank", "code"])
    return i.drop_duplicates("person")[["person", "year", "code"]]


def _not_taken(initiatives: pd.DataFrame, taken: pd.DataFrame) -> pd.DataFrame:
    """``initiatives`` but those ``taken`` by the same person (``cstdcs_takes``)."""
    if taken.empty:
        return initiatives
    pairs = set(zip(taken["person"], taken["code"]))
    keep = [(p, c) not in pairs for p, c in zip(initiatives["person"], initiatives["code"])]
    return initiatives[np.array(keep, dtype=bool)]


def _free(record: Record, year: int, title: str) -> pd.DataFrame:
    """The initiatives no award rests on but, in ``year``, one of ``title``."""
    i = record.initiatives
    return i[~i["code"].isin(used_initiatives(record, year, title))]


def _count(rows: pd.DataFrame, index: pd.Index) -> pd.Series:
    return rows.groupby("person").size().reindex(index).fillna(0).astype(float)


@dataclass(frozen=True)
class Eligibility:
    year: int
    ruleset: RuleSet
    frame: pd.DataFrame  # inputs, indexed by person
    result: Result
    people: pd.DataFrame
    record: Record | None = None
    # the initiatives the Chiến sĩ thi đua cơ sở of the year and the two before rest on (``cstdcs_takes``)
    taken: pd.DataFrame = field(default_factory=lambda: _empty(["person", "year", "code"]))

    @property
    def out_of_force(self) -> str | None:
        """Why the year was judged by a set not in force on any of its days (the 2022 Law's titles for 2023, when
        the Law of 2003 applied); None when the set held for the year."""
        rs = self.ruleset
        if (rs.effective_from is None or rs.effective_from <= date(self.year, 12, 31)) and \
                (rs.effective_to is None or rs.effective_to >= date(self.year, 1, 1)):
            return None
        return (f"năm {self.year} được xét theo bộ «{rs.id}» ({rs.reference}), có hiệu lực {rs.span}, không trong "
                f"năm {self.year}: kết quả chỉ để tham khảo, danh hiệu năm {self.year} xét theo quy định có hiệu "
                f"lực năm đó")

    def table(self) -> pd.DataFrame:
        """One row per person: who, where, the rating, and for each title: eligible or not."""
        out = self.people.reindex(self.frame.index)[["name", "gender", "unit", "unit_name", "position"]].copy()
        out["xep_loai"] = self.frame["xep_loai"]
        for title in self.ruleset.titles:
            out[title] = self.result.env[title] == 1
        return out

    @cached_property
    def _unknown(self) -> dict[str, np.ndarray]:
        """Per input the record may not hold: whether it is missing, by the frame's position of each person."""
        return {name: self.frame[name].isna().to_numpy() for name in NOT_ASSESSED if name in self.frame}

    def not_assessed(self, person: str) -> dict[str, str]:
        """Inputs the record could not tell for ``person``: input → why (the rule set's default applied)."""
        i = self.frame.index.get_loc(person)
        return {name: why for name, why in NOT_ASSESSED.items() if name in self._unknown and self._unknown[name][i]}

    def reasons(self, person: str) -> dict[str, list[str]]:
        """Title → why not (empty: eligible); an input the record could not tell is said where it counted."""
        unknown = self.not_assessed(person)
        return {title: self._why_not(person, title, unknown) for title in self.ruleset.titles}

    def why_not(self, person: str, title: str) -> list[str]:
        """Why ``person`` does not reach ``title`` (empty: eligible): ``reasons(person)[title]`` alone."""
        return self._why_not(person, title, self.not_assessed(person))

    def _why_not(self, person: str, title: str, unknown: dict[str, str]) -> list[str]:
        why = [self._still_in_force(person) if w == STILL_IN_FORCE else self._cited(w)
               for w in self.result.reasons(person, title)]
        spec = next(v for v in self.ruleset.variables if v.name == title)
        if why and "so_nam_cstdcs_lien_tuc" in spec.names and self.frame.get("cstdcs_nam_nay", {}).get(person) == 0 \
                and self.result.env["chien_si_thi_dua_co_so"][self.result.position(person)] == 1:
            why.append(f"năm {self.year} chỉ được quyết định tặng Lao động tiên tiến: không là năm đạt danh hiệu "
                       "Chiến sĩ thi đua cơ sở (Đ.22 k.1 a, Đ.74 k.1 d)")
        if why and title == "chien_si_thi_dua_cap_tinh" and self.frame.loc[person, "sang_kien_cap_tinh"] == 0:
            why += self._initiatives_resting_elsewhere(person)
        if why and unknown:
            why += [f"không đánh giá được «{_CODED.sub('', self.ruleset.label_of(name))}»: {text}"
                    for name, text in unknown.items() if name in spec.names]
        return why

    def _initiatives_resting_elsewhere(self, person: str) -> list[str]:
        """The person's provincial initiatives of the three years that a Chiến sĩ thi đua cấp tỉnh cannot rest on,
        each with the title or award already resting on it (CV 5007/BNV-TĐKT 2023)."""
        if self.record is None:
            return []
        i, year = self.record.initiatives, self.year
        mine = i[(i["person"] == person) & i["year"].between(year - HISTORY, year) & i["level"].isin(PROVINCIAL)]
        used = used_initiatives(self.record, year, "chien_si_thi_dua_cap_tinh")
        a = self.record.awards[self.record.awards["person"] == person]
        t = self.taken[self.taken["person"] == person]
        said = []
        for code in sorted(mine["code"]):
            if code in used:
                backed = [f"«{FORMS['ca_nhan'].get(form_code(f) or '', f)}» năm {y}"
                          for y, f, codes in zip(a["year"], a["form"], a["initiatives"])
                          if code in (c.strip() for c in _codes(codes))]
                on = ", ".join(backed) or "một hình thức khen thưởng khác"
            elif code in set(t["code"]):
                years = ", ".join(str(y) for y in sorted(t[t["code"] == code]["year"]))
                on = f"danh hiệu Chiến sĩ thi đua cơ sở năm {years} (không có căn cứ nào khác cho danh hiệu đó)"
            else:
                continue
            said.append(f"sáng kiến {code} đã là căn cứ của {on}: mỗi sáng kiến chỉ làm căn cứ cho một danh hiệu "
                        "hoặc hình thức khen thưởng (CV 5007/BNV-TĐKT 2023), không tính lại cho Chiến sĩ thi đua "
                        "cấp tỉnh")
        return said

    def _cited(self, reason: str) -> str:
        """A reason citing the discipline rule's text in a year before that text was in force says so."""
        cited, note = discipline_rules().get("cited_as"), _not_yet(self.year)
        return reason.replace(f"({cited})", f"({cited}{note})") if cited and note else reason

    def _still_in_force(self, person: str) -> str:
        """Which discipline of an earlier year holds ``person`` back, its period and where that comes from."""
        d = in_force(self.record.disciplines, self.year) if self.record is not None else None
        earlier = d[(d["person"] == person)] if d is not None else None
        if earlier is None or earlier.empty:
            return STILL_IN_FORCE
        forms = discipline_rules()["forms"]
        said = []
        for r in earlier.itertuples(index=False):
            spec = forms.get(getattr(r, "form", None), {})
            on = getattr(r, "decided_on", None)
            when = f" ngày {pd.Timestamp(on):%d/%m/%Y}" if on is not None and on == on else f" năm {r.year}"
            months = spec.get("months")
            span = "không hết hạn" if "months" in spec and months is None else f"thời hạn {months or 12} tháng"
            said.append(f"{spec.get('label', r.form)} quyết định{when} ({span})")
        return (f"đang trong thời hạn kỷ luật: {'; '.join(said)}, còn hiệu lực trong năm {self.year}; thành tích "
                f"tính từ khi hết thời hạn kỷ luật ({discipline_source(self.year)})")

    def label(self, title: str) -> str:
        return self.ruleset.label_of(title)

    def grounds(self, person: str, title: str) -> str:
        """What ``person`` is eligible for ``title`` on, as a decision must say it: the article, then the person's
        own figures among those the title's conditions read, and the initiatives it rests on (which then back
        nothing else, CV 5007/BNV-TĐKT 2023). Empty where ``person`` is not eligible."""
        if self.why_not(person, title):
            return ""
        spec = next(v for v in self.ruleset.variables if v.name == title)
        names, row = spec.names, self.frame.loc[person]
        env, at = self.result.env, self.result.position(person)
        said = []
        if "xep_loai" in names and row["xep_loai"] == row["xep_loai"]:
            said.append(f"xếp loại năm {self.year}: {RATING_WORDS.get(int(row['xep_loai']), '–')}")
        if "lao_dong_tien_tien" in names:
            said.append(f"đạt {self.label('lao_dong_tien_tien')}")
        years = int(env["so_nam_cstdcs_lien_tuc"][at]) if "so_nam_cstdcs_lien_tuc" in names else 0
        if years:
            said.append(f"{years} năm liên tục Chiến sĩ thi đua cơ sở ({self.year - years + 1}–{self.year})"
                        if years > 1 else f"Chiến sĩ thi đua cơ sở năm {self.year}")
        if "htxs_nam_truoc" in names and row.get("htxs_nam_truoc") == 1:
            said.append(f"hoàn thành xuất sắc nhiệm vụ năm {self.year - 1}")
        if "de_tai_nghiem_thu" in names and (row.get("de_tai_nghiem_thu") or 0) >= 1:
            said.append(f"{int(row['de_tai_nghiem_thu'])} đề tài, đề án khoa học được nghiệm thu năm {self.year}")
        if "thanh_tich_phong_trao" in names:
            said.append("có thành tích trong phong trào thi đua")
        resting = resting_initiatives(self, person, title)
        if resting:
            said.append(f"căn cứ sáng kiến {', '.join(resting)}")
        if names & {"ky_luat_trong_nam", "ky_luat_con_hieu_luc"}:
            said.append("không bị kỷ luật, không trong thời hạn kỷ luật")
        if names & {"khong_vuong_mac", "dang_xem_xet_ky_luat"}:
            said.append("không đang bị xem xét kỷ luật, điều tra, thanh tra, xác minh")
        return f"theo {spec.reference}" + (f": {'; '.join(said)}" if said else "")


def eligibility(engine: Engine, year: int, ruleset: RuleSet | None = None, without_campaign: str | None = None,
                on: date | None = None) -> Eligibility:
    """Eligibility of everyone rated in ``year``, from the store (``without_campaign``: see ``read_record``;
    ``on``: the day the titles are decided, see ``inputs_for``)."""
    return eligibility_of(read_record(engine, year - HISTORY, year, without_campaign), year, ruleset, on)


def eligibility_of(record: Record, year: int, ruleset: RuleSet | None = None, on: date | None = None) -> Eligibility:
    """Eligibility of everyone rated in ``year``, the two earlier years evaluated first as history."""
    ruleset = ruleset or for_use(TITLES)
    cstdcs: dict[int, pd.Series] = {}
    taken = _empty(["person", "year", "code"])
    for y in range(year - HISTORY, year + 1):
        frame = inputs_for(record, y, cstdcs, on if y == year else None, taken)
        taken = pd.concat([taken, cstdcs_takes(record, y, frame)])
        result = evaluate(ruleset, frame)
        computed = pd.Series(np.asarray(result.env["chien_si_thi_dua_co_so"] == 1, dtype=float), index=frame.index)
        # A year's history is as decided for the people whose decisions are recorded, as eligible for the rest.
        held = decided(record, y) if y < year else None
        if held is not None:
            computed = pd.concat([held, computed[~computed.index.isin(held.index)]])
        cstdcs[y] = computed
    return Eligibility(year, ruleset, frame, result, record.people, record, taken)


def resting_initiatives(el: Eligibility, person: str, title: str, taken: frozenset[str] = frozenset()
                        ) -> list[str] | None:
    """The initiatives an award of ``title`` to ``person`` rests on — none where the rule was met without them
    (an excellent rating, consecutive years, an accepted research topic), else the fewest it needed, base-level
    ones first: those, and only those, back nothing else afterwards (CV 5007/BNV-TĐKT 2023). ``taken``: those
    already resting on another award of the same decision. None where the award needs initiatives and too few
    are free."""
    if el.record is None or person not in el.frame.index:
        return []
    row = el.frame.loc[person]
    env = el.result.env
    pos = el.result.position(person)
    record, year = el.record, el.year
    free = _free(record, year, title)
    free = free[(free["person"] == person) & ~free["code"].isin(taken)]
    free = free.assign(rank=free["level"].map(lambda lv: 1 if lv in PROVINCIAL else 0)).sort_values(["rank", "code"])
    if title == "chien_si_thi_dua_co_so":
        if row["xep_loai"] == 4 or (row.get("de_tai_nghiem_thu", 0) or 0) >= 1:
            return []
        return _enough(free[free["year"] == year]["code"], 1)
    if title == "bang_khen_chu_tich_tinh":
        if env["so_nam_cstdcs_lien_tuc"][pos] >= 2:
            return []
        return _enough(free[free["year"].between(year - 1, year)]["code"], 2)
    if title == "chien_si_thi_dua_cap_tinh":
        provincial = free[free["year"].between(year - HISTORY, year) & free["level"].isin(PROVINCIAL)]
        return _enough(_not_taken(provincial, el.taken)["code"], 1)
    return []


def _enough(codes: pd.Series, n: int) -> list[str] | None:
    return list(codes[:n]) if len(codes) >= n else None
