"""A campaign's review (bình xét): registration, nominations ranked against the quotas, the council's
secret ballot, and the decision, which becomes next year's history.

Order of nominees (DOMAIN.md §4.5): eligible candidates are ranked by their achievements — individuals by
their rating, consecutive years as Chiến sĩ thi đua cơ sở and recognised initiatives; collectives by the
share of members reaching Lao động tiên tiến and their Chiến sĩ thi đua cơ sở. On equal achievements
women come first, and collectives with at least 70% women (NĐ 152/2025 Đ.4). Candidates still equal at
the edge of the quota all go to the council, whose ballot decides; equal votes there leave the seat undecided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import groupby
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from base.award_forms import FORMS, REPEATED_FORMS, form_code
from emulation.campaigns import Campaign
from emulation.collectives import collective_record
from emulation.eligibility import (Eligibility, decided_in, discipline_rules, eligibility, in_force,
                                  resting_initiatives)
from rules.evaluate import evaluate
from rules.ruleset import for_use
from store import models
from store.ingest.people import decision_key

THRESHOLDS = Path(__file__).with_name("thresholds.yaml")
RECORDED = "khen thưởng đã nhập từ tệp"  # in place of a campaign's name: a decision recorded from a file
PRINCIPLES = Path(__file__).with_name("principles.yaml")
WOMEN_COLLECTIVE = 70.0  # % of women that gives a collective priority on equal achievements


@cache
def thresholds() -> dict[str, dict]:
    return yaml.safe_load(THRESHOLDS.read_text(encoding="utf-8"))


@cache
def principles() -> dict[str, dict]:
    """The province's principles, refused by name when a value is not one the decision can use: a quoted
    «"false"» is a truthy text that would have applied the rule, a reason naming other than {given} had ended the
    decision in a traceback."""
    raw = yaml.safe_load(PRINCIPLES.read_text(encoding="utf-8"))
    one_form = raw.get("one_form_per_decision") if isinstance(raw, dict) else None
    if not isinstance(one_form, dict):
        raise ValueError(f"{PRINCIPLES.name}: «one_form_per_decision» phải có «apply» (true hoặc false) và «reason»")
    if not isinstance(one_form.get("apply"), bool):
        raise ValueError(f"{PRINCIPLES.name}: «one_form_per_decision.apply» là true hoặc false, không phải "
                         f"«{one_form.get('apply')}»")
    reason = one_form.get("reason")
    try:
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError
        reason.format(given="")
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"{PRINCIPLES.name}: «one_form_per_decision.reason» là một câu, chỉ có chỗ trống {{given}} "
                         "(hình thức đã tặng)") from None
    once = raw.get("one_award_per_achievement")
    if once is not None:
        if not isinstance(once, dict) or not isinstance(once.get("apply"), bool) \
                or not isinstance(once.get("years"), dict) \
                or not all(isinstance(n, int) and n >= 1 for n in once["years"].values()):
            raise ValueError(f"{PRINCIPLES.name}: «one_award_per_achievement» phải có «apply» (true hoặc false), "
                             "«years» (mã hình thức: số năm thành tích) và «reason»")
        try:
            if not isinstance(once.get("reason"), str):
                raise ValueError
            once["reason"].format(years="", form="", decision="", campaign="")
        except (ValueError, KeyError, IndexError):
            raise ValueError(f"{PRINCIPLES.name}: «one_award_per_achievement.reason» là một câu, chỉ có chỗ trống "
                             "{years}, {form}, {decision}, {campaign}") from None
    return raw


def vote_rule(form: str) -> dict:
    """The threshold of a ballot stored under ``form`` (a title, or an award form's code)."""
    rule = thresholds().get(form) if form != "quorum" else None
    return rule or thresholds()["mac_dinh"]


def quorum() -> dict:
    """The quorum of a session deciding awards: ``share`` of all members, ``counts_written``, ``label``."""
    return thresholds()["quorum"]


def quorum_met(members: int, present: int, written: int) -> bool:
    """Enough members present for the council to meet (``meeting``, a fraction), and enough taking part —
    present, and in writing where ``counts_written`` — for it to decide (``share`` % of all members)."""
    rule = quorum()
    num, den = rule.get("meeting") or (0, 1)
    attending = present + (written if rule.get("counts_written") else 0)
    return present * den >= num * members and attending * 100 >= rule["share"] * members


def passes(yes: int, members: int, form: str) -> bool:
    """Whether ``yes`` votes of all ``members`` carry ``form`` (shares compared exactly, in integers)."""
    rule = vote_rule(form)
    share_x100 = yes * 100
    need = rule["share"] * members
    return share_x100 > need if rule.get("strict") else share_x100 >= need


def needed(form: str) -> str:
    """The share of all members ``form`` needs, in words: «≥ 80%», «trên 50%»."""
    rule = vote_rule(form)
    return f"{'trên' if rule.get('strict') else '≥'} {rule['share']:g}%"


def rank_with_quota(candidates: pd.DataFrame, keys: list[str], quota: int) -> pd.DataFrame:
    """Rank candidates (highest ``keys`` first, then ``priority`` — women, or collectives of ≥70% women);
    mark who is within ``quota``; all candidates equal to the last one inside go to the council."""
    if candidates.empty:
        return candidates.assign(rank=[], within_quota=[], note=[])
    order = keys + ["priority"]
    ranked = candidates.sort_values(order + ["name"], ascending=[False] * len(order) + [True]).copy()
    key = ranked[order].apply(tuple, axis=1)
    ranked["rank"] = _ranks(key)
    inside = ranked["rank"] <= quota
    ranked["within_quota"] = inside
    # The priority only speaks where it decided: equal achievements, one with priority, one without.
    mixed = ranked.groupby(keys)["priority"].transform(lambda p: p.nunique() > 1)
    notes = np.where(mixed & (ranked["priority"] > 0), "ưu tiên khi bằng thành tích (nữ / tập thể có từ 70% nữ)", "")
    edge_rank = ranked.loc[inside, "rank"].max() if inside.any() else None
    tied = (ranked["rank"] == edge_rank) & (inside.sum() > quota)
    ranked["note"] = np.where(tied, "bằng thành tích ở ranh giới chỉ tiêu: Hội đồng bỏ phiếu quyết định", notes)
    return ranked


def _ranks(keys: pd.Series) -> list[int]:
    """Competition ranks of already sorted keys: equal keys share a rank."""
    out, last, rank = [], None, 0
    for i, k in enumerate(keys, start=1):
        if k != last:
            rank, last = i, k
        out.append(rank)
    return out


def _campaign_row(s: Session, campaign: Campaign) -> models.Campaign:
    row = s.scalars(select(models.Campaign).where(models.Campaign.code == campaign.id)).one_or_none()
    if row is None:
        raise ValueError(f"phong trào «{campaign.id}» chưa được phát động (cchc emulation launch)")
    return row


def scope_units(engine: Engine, campaign: Campaign) -> pd.DataFrame:
    """The launching unit and its divisions: code, name, kind."""
    with Session(engine) as s:
        unit = s.scalars(select(models.Unit).where(models.Unit.code == campaign.unit)).one_or_none()
        if unit is None:
            raise ValueError(f"đơn vị phát động «{campaign.unit}» chưa có trong danh mục")
        rows = s.execute(select(models.Unit.code, models.Unit.name, models.Unit.kind)
                         .where((models.Unit.id == unit.id) | (models.Unit.parent_id == unit.id))).all()
    return pd.DataFrame(rows, columns=["code", "name", "kind"]).set_index("code")


def launch(engine: Engine, campaign: Campaign) -> int:
    """Record the campaign (again: nothing new)."""
    with Session(engine) as s, s.begin():
        unit = s.scalars(select(models.Unit).where(models.Unit.code == campaign.unit)).one_or_none()
        if unit is None:
            raise ValueError(f"đơn vị phát động «{campaign.unit}» chưa có trong danh mục")
        row = s.scalars(select(models.Campaign).where(models.Campaign.code == campaign.id)).one_or_none()
        row = row or models.Campaign(code=campaign.id)
        row.unit_id, row.title, row.kind, row.rules = unit.id, campaign.title, campaign.kind, campaign.rules
        row.start, row.end = campaign.start, campaign.end
        s.add(row)
        s.flush()
        return row.id


def register_all(engine: Engine, campaign: Campaign, year: int) -> int:
    """Everyone of the unit and its divisions registers (Lao động tiên tiến, Chiến sĩ thi đua cơ sở) and signs
    the pledge (seed 004: 100% sign); every division registers for the campaign's collective form."""
    units = scope_units(engine, campaign)
    with Session(engine) as s, s.begin():
        row = _campaign_row(s, campaign)
        people = s.scalars(select(models.Person.code).join(models.StaffRating)
                           .join(models.Unit, models.Unit.id == models.StaffRating.unit_id)
                           .where(models.StaffRating.year == year, models.Unit.code.in_(list(units.index)))).all()
        s.execute(delete(models.Registration).where(models.Registration.campaign_id == row.id))
        rows = [models.Registration(campaign_id=row.id, participant_kind="ca_nhan", participant=p, aim=aim,
                                    committed=True)
                for p in sorted(set(people)) for aim in ("lao_dong_tien_tien", "chien_si_thi_dua_co_so")]
        rows += [models.Registration(campaign_id=row.id, participant_kind="tap_the", participant=u,
                                     aim=aim, committed=True)
                 for u in units.index if units.loc[u, "kind"] == "phong_ban"
                 for aim in dict.fromkeys(q.collective_title for q in campaign.award_forms)]  # a title once
        s.add_all(rows)
        return len(rows)


def rated_units(el: Eligibility) -> pd.DataFrame:
    """The eligibility table with each person in the unit of the year's rating: a past year's collective is
    the people it had then, not those there today."""
    table = el.table()
    r = el.record.ratings if el.record is not None else None
    if r is not None and "unit" in r:
        then = r[r["year"] == el.year].drop_duplicates("person", keep="last").set_index("person")["unit"]
        table["unit"] = then.reindex(table.index).fillna(table["unit"])
    return table


def collective_inputs(engine: Engine, el: Eligibility, units: list[str], year: int, level: float,
                      on: date | None = None) -> pd.DataFrame:
    """What the collective titles read: from the members' records, counts, shares, discipline (at the level of
    ``discipline.yaml``'s bar, in force in the year); from the collective's own record, its rating (``level``,
    the launching department's class, where none is recorded) and the year before's rating and title.
    A member disciplined in the year counts as not completing tasks, whatever rating is stored: that is the
    rating discipline brings (DOMAIN.md §4.5, §4.8)."""
    table = rated_units(el)
    rules = discipline_rules()
    bar = rules["forms"][rules["collective_bar"]]["level"]
    heavy_forms = [f for f, spec in rules["forms"].items() if spec["level"] >= bar]
    with Session(engine) as s:
        found = pd.DataFrame(s.execute(
            select(models.Person.code, models.Discipline.year, models.Discipline.status, models.Discipline.form,
                   models.Discipline.decided_on).join(models.Discipline)
            .where(models.Discipline.year <= year)).all(),
            columns=["person", "year", "status", "form", "decided_on"])
    heavy = in_force(found[found["form"].isin(heavy_forms)], year)
    table = table[table["unit"].isin(units)]
    disciplined = table.index.isin(decided_in(found, year)["person"])
    table = table.assign(ky_luat=disciplined, hoan_thanh=(table["xep_loai"] >= 2) & ~disciplined)
    grouped = table.groupby("unit")
    frame = pd.DataFrame({
        "so_thanh_vien": grouped.size(),
        "so_ldtt": grouped["lao_dong_tien_tien"].sum(),
        "so_hoan_thanh_nv": grouped["hoan_thanh"].sum(),
        "so_ky_luat_trong_nam": grouped["ky_luat"].sum(),
        "so_cstdcs": grouped["chien_si_thi_dua_co_so"].sum(),
        "so_nu": grouped["gender"].apply(lambda g: (g == "nu").sum()),
    }).astype(float)
    frame["so_ky_luat_canh_cao"] = table[table.index.isin(heavy["person"])].groupby("unit").size().reindex(frame.index).fillna(0)
    own = collective_record(engine, list(frame.index), year, on)
    frame["xep_loai_tap_the"] = own["xep_loai_tap_the"].fillna(level)
    frame["htxs_nam_truoc"] = own["htxs_nam_truoc"]
    frame["ttldxs_nam_truoc"] = own["ttldxs_nam_truoc"]
    frame["dang_xem_xet_ky_luat"] = own["vu_viec_dang_mo"]
    return frame


# Why a collective's own matter open on the decision's day holds its award back, as its titles say it.
OPEN_MATTER = "tập thể đang bị xem xét, thanh tra, điều tra (NĐ 152/2025 Đ.4)"

# The collective rating of the divisions: the launching department's result in the campaign.
CLASS_LEVEL = {"Hoàn thành xuất sắc": 4.0, "Hoàn thành tốt": 3.0, "Hoàn thành": 2.0}


@dataclass(frozen=True)
class Nominations:
    individuals: pd.DataFrame
    collectives: pd.DataFrame
    eligibility: Eligibility


def nominate(engine: Engine, campaign: Campaign, year: int, department_level: float,
             on: date | None = None) -> Nominations:
    """Rank the eligible candidates against each award form's quota and record the nominations; ``on``: the day
    of the decision, on which no matter of a nominee may be open (NĐ 152/2025 Đ.4)."""
    units = scope_units(engine, campaign)
    el = eligibility(engine, year, without_campaign=campaign.id, on=on)
    table = rated_units(el)
    table = table[table["unit"].isin(units.index)]
    people = table.join(el.frame[["sang_kien_hai_nam"]]).assign(
        so_nam=el.result.env["so_nam_cstdcs_lien_tuc"][[el.result.position(p) for p in table.index]],
        priority=(table["gender"] == "nu").astype(int))
    divisions = [u for u in units.index if units.loc[u, "kind"] == "phong_ban"]
    collective = collective_inputs(engine, el, divisions, year, department_level, on)
    collective_rules = for_use("collective_titles")
    cres = evaluate(collective_rules, collective)
    groups = collective.assign(ty_le_ldtt=cres.env["ty_le_ldtt"], name=units.reindex(collective.index)["name"],
                               priority=(collective["so_nu"] / collective["so_thanh_vien"] * 100 >= WOMEN_COLLECTIVE)
                               .astype(int))
    indiv, coll = [], []
    for quota in campaign.award_forms:  # a form offering no seats to a kind nominates none of that kind
        # A nominee meets the title the plan names and the form's own conditions, where it has some.
        if quota.individuals:
            own = quota.own_title("ca_nhan")
            eligible = people[people[quota.individual_title] & (people[own] if own in people else True)]
            ranked = rank_with_quota(eligible, ["xep_loai", "so_nam", "sang_kien_hai_nam"], quota.individuals)
            indiv.append(ranked.assign(form=quota.key("ca_nhan"), achievements=[
                _achievements(r) for r in ranked.itertuples()]))
        if quota.collectives:
            own = quota.own_title("tap_the")
            ok = groups[(cres.env[quota.collective_title] == 1) & (cres.env[own] == 1 if own in cres.env else True)]
            ranked = rank_with_quota(ok, ["ty_le_ldtt", "so_cstdcs"], quota.collectives)
            coll.append(ranked.assign(form=quota.key("tap_the"), achievements=[
                f"{r.ty_le_ldtt:.0f}% thành viên đạt Lao động tiên tiến, {int(r.so_cstdcs)} Chiến sĩ thi đua cơ sở"
                for r in ranked.itertuples()]))
    none = dict(form="", rank=0, within_quota=False, note="", achievements="")
    individuals = pd.concat(indiv) if indiv else people.iloc[0:0].assign(**none)
    collectives = pd.concat(coll) if coll else groups.iloc[0:0].assign(**none)
    with Session(engine) as s, s.begin():
        row = _campaign_row(s, campaign)
        s.execute(delete(models.Nomination).where(models.Nomination.campaign_id == row.id))
        for kind, frame in (("ca_nhan", individuals), ("tap_the", collectives)):
            s.add_all(models.Nomination(campaign_id=row.id, participant_kind=kind, participant=code,
                                        form=r["form"], rank=int(r["rank"]), within_quota=bool(r["within_quota"]),
                                        note=r["note"], achievements=r["achievements"])
                      for code, r in frame.iterrows())
    return Nominations(individuals, collectives, el)


def _achievements(r) -> str:
    years = int(r.so_nam)
    parts = [{4: "Hoàn thành xuất sắc nhiệm vụ", 3: "Hoàn thành tốt nhiệm vụ"}.get(int(r.xep_loai), "")]
    if years:
        parts.append(f"{years} năm liên tục Chiến sĩ thi đua cơ sở")
    if r.sang_kien_hai_nam:
        parts.append(f"{int(r.sang_kien_hai_nam)} sáng kiến được công nhận trong 2 năm")
    return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class Vote:
    """The «đồng ý» votes on one nominee for one form; ``form`` is empty when the ballot file names none (then
    the nominee must be put to the council for one form only); ``where`` says where it was read."""

    participant: str
    form: str
    yes: int
    where: str = ""


@dataclass(frozen=True)
class Ballots:
    """The votes of one ballot file (``source``: its name, for refusals)."""

    votes: tuple[Vote, ...]
    source: str = "kết quả bỏ phiếu"


class QuorumNotMet(ValueError):
    """Too few members at the session: nothing is counted."""


def check_session(members: int, present: int, written: int, source: str = "kết quả bỏ phiếu") -> None:
    """Refuse a session whose attendance does not add up, or short of its quorum (before any counting)."""
    if present + written > members:
        raise ValueError(f"có mặt ({present}) và ý kiến bằng văn bản ({written}) vượt tổng số thành viên ({members})")
    if not quorum_met(members, present, written):
        rule = quorum()
        counted = present + (written if rule.get("counts_written") else 0)
        said = (f"{present}/{members} thành viên có mặt ({present * 100 / members:.0f}%)"
                + (f", {counted}/{members} tham gia ({counted * 100 / members:.0f}%)" if written and counted != present
                   else ""))
        raise QuorumNotMet(f"{source}: phiên họp không đủ số thành viên để kiểm phiếu — {said}, cần {rule['label']}; "
                           f"chưa ghi nhận phiếu nào")


def _as_ballots(votes: Ballots | Mapping) -> Ballots:
    if isinstance(votes, Ballots):
        return votes
    return Ballots(tuple(Vote(*k, n) if isinstance(k, tuple) else Vote(k, "", n) for k, n in votes.items()))


def _names(s: Session) -> dict[str, str]:
    people = dict(s.execute(select(models.Person.code, models.Person.full_name)).all())
    return {**dict(s.execute(select(models.Unit.code, models.Unit.name)).all()), **people}


def _form_names(campaign: Campaign) -> dict[tuple[str, str], str]:
    """(kind, stored key) → the award form's name, so a ballot file may name a form as its plan does."""
    return {(kind, q.key(kind)): q.form for q in campaign.award_forms for kind in ("ca_nhan", "tap_the")}


def record_votes(engine: Engine, campaign: Campaign, votes: Ballots | Mapping, members: int, present: int,
                 written: int, voted_on: date) -> list[models.Ballot]:
    """The secret ballot on every nomination inside the quota (ties at the edge included), per nominee and
    form. Refused, nothing written: more present and writing than members; a quorum not met (checked before
    counting); a nominee or form not put to the council; the same nominee and form twice; more «đồng ý»
    than members present and writing; a nominee inside the quota without votes (named)."""
    ballots_in = _as_ballots(votes)
    source = ballots_in.source
    check_session(members, present, written, source)
    forms = _form_names(campaign)
    with Session(engine, expire_on_commit=False) as s, s.begin():
        row = _campaign_row(s, campaign)
        names = _names(s)
        nominated = s.scalars(select(models.Nomination).where(models.Nomination.campaign_id == row.id,
                                                              models.Nomination.within_quota)
                              .order_by(models.Nomination.participant_kind.desc(), models.Nomination.rank)).all()
        by_person: dict[str, list[models.Nomination]] = {}
        for n in nominated:
            by_person.setdefault(n.participant, []).append(n)
        counted: dict[tuple[str, str], Vote] = {}
        for v in ballots_in.votes:
            where = v.where or source
            options = by_person.get(v.participant)
            if not options:
                raise ValueError(f"{where}, cột «Mã»: «{v.participant}» không có trong danh sách đề nghị trong chỉ "
                                 "tiêu đưa ra Hội đồng bỏ phiếu")
            if v.form:
                chosen = [n for n in options if v.form in (n.form, forms.get((n.participant_kind, n.form)))]
                if not chosen:
                    raise ValueError(f"{where}, cột «Hình thức»: «{v.participant}» không được đề nghị hình thức "
                                     f"«{v.form}» (được đề nghị: "
                                     f"{', '.join(forms.get((n.participant_kind, n.form), n.form) for n in options)})")
            elif len(options) > 1:
                raise ValueError(f"{where}, cột «Hình thức»: «{v.participant}» được đề nghị nhiều hình thức "
                                 f"({', '.join(forms.get((n.participant_kind, n.form), n.form) for n in options)}): "
                                 "ghi phiếu từng hình thức")
            else:
                chosen = options
            n = chosen[0]
            key = (n.participant, n.form)
            if key in counted:
                first = counted[key].where or source
                raise ValueError(f"{where}, cột «Mã»: phiếu của «{v.participant}» — "
                                 f"{forms.get((n.participant_kind, n.form), n.form)} đã ghi ở {first}")
            if not 0 <= v.yes <= present + written:
                raise ValueError(f"{where}, cột «Phiếu đồng ý»: {v.yes} phiếu đồng ý của «{v.participant}» vượt số "
                                 f"thành viên có mặt và có ý kiến bằng văn bản ({present + written})")
            counted[key] = v
        missing = [n for n in nominated if (n.participant, n.form) not in counted]
        if missing:
            raise ValueError(f"{source}: thiếu phiếu của " + "; ".join(
                f"«{n.participant}» ({names.get(n.participant, n.participant)}) — "
                f"{forms.get((n.participant_kind, n.form), n.form)}" for n in missing)
                + " (cột «Mã»): mọi người được đề nghị trong chỉ tiêu đều phải được bỏ phiếu")
        s.execute(delete(models.Ballot).where(models.Ballot.campaign_id == row.id))
        ballots = [models.Ballot(campaign_id=row.id, participant=n.participant, form=n.form, members=members,
                                 present=present, written=written, yes=counted[(n.participant, n.form)].yes,
                                 threshold=float(vote_rule(n.form)["share"]),
                                 passed=passes(counted[(n.participant, n.form)].yes, members, n.form),
                                 voted_on=voted_on)
                   for n in nominated]
        s.add_all(ballots)
        return ballots


class Decision(list):
    """The awards decided (a list of them), ``undecided``: per seat left open, what the council must settle, and
    ``held_back``: the nominees the council passed who were not awarded, each with why (their seat went on)."""

    def __init__(self, awards=(), undecided=(), held_back=()):
        super().__init__(awards)
        self.undecided = list(undecided)
        self.held_back = list(held_back)


def decide(engine: Engine, campaign: Campaign, year: int, decision_no: str, decided_on: date) -> Decision:
    """Award the forms to those who passed, best ranked and most votes first, within each quota; the awards
    are next year's history. Candidates still equal at the last seats — equal achievements, equal priority
    (women, DOMAIN.md §4.5), equal «đồng ý» votes — are not parted by any code or name: those seats stay
    undecided, said, and the council votes again between them. One initiative backs one award (CV
    5007/BNV-TĐKT 2023): forms are decided in the plan's order, and a person whose award there needs an
    initiative already resting on an earlier form of this decision is not awarded it (the seat goes on)."""
    el = eligibility(engine, year, without_campaign=campaign.id, on=decided_on)
    # A nominee is judged as the record stands on the decision's day, not on the nomination's: a discipline
    # recorded or a matter opened since then holds the award back (NĐ 152/2025 Đ.4); a collective, by its own
    # matters open that day.
    held = el.table() if el.record is not None else None
    held_back = []

    def not_now(n, quota) -> str | None:
        """Why a person the council passed cannot be given ``quota`` on the decision's day; None: they can."""
        if held is None:
            return None
        if n.participant not in held.index:
            return f"không có xếp loại chất lượng năm {year}"
        titles = dict.fromkeys(t for t in (quota.individual_title, quota.own_title("ca_nhan")) if t in held)
        why = [f"{el.label(t)}: {'; '.join(el.why_not(n.participant, t))}" for t in titles
               if not held.loc[n.participant, t]]
        return "; ".join(why) or None

    with Session(engine, expire_on_commit=False) as s, s.begin():
        row = _campaign_row(s, campaign)
        names = _names(s)
        ballots = {(b.participant, b.form): b for b in s.scalars(select(models.Ballot)
                                                                 .where(models.Ballot.campaign_id == row.id))}
        nominations = s.scalars(select(models.Nomination).where(models.Nomination.campaign_id == row.id)
                                .order_by(models.Nomination.rank)).all()
        collectives = sorted({n.participant for n in nominations if n.participant_kind == "tap_the"})
        open_matters = (collective_record(engine, collectives, year, decided_on)["vu_viec_dang_mo"].to_dict()
                        if collectives else {})
        s.execute(delete(models.Award).where(models.Award.campaign_id == row.id))
        awards, undecided, taken = [], [], frozenset()
        one_form = principles()["one_form_per_decision"]
        once = principles().get("one_award_per_achievement") or {"apply": False}
        elsewhere = s.execute(select(models.Award.participant_kind, models.Award.participant, models.Award.year,
                                     models.Award.form, models.Award.decision_no, models.Campaign.title)
                              .join(models.Campaign, models.Campaign.id == models.Award.campaign_id)
                              .where(models.Award.campaign_id != row.id)
                              .order_by(models.Award.decided_on, models.Award.id)).all()
        # a title recorded from a file (a decision of no campaign) is held for its year as well
        AR = models.AwardRecord
        recorded = [*elsewhere, *((k, p, y, FORMS.get(k, {}).get(f, f), n, RECORDED) for k, p, y, f, n in s.execute(
            select(AR.participant_kind, AR.participant, AR.year, AR.form, AR.decision_no)
            .where(AR.year == year).order_by(AR.decided_on, AR.id)))]
        given: dict[tuple[str, str], str] = {}  # (kind, participant) → the form this decision gave them
        for quota in campaign.award_forms:
            for kind in ("ca_nhan", "tap_the"):
                key, seats = quota.key(kind), quota.seats(kind)
                passed = [n for n in nominations if n.participant_kind == kind and n.form == key
                          and (b := ballots.get((n.participant, n.form))) is not None and b.passed]
                why = ({n.participant: w for n in passed if (w := not_now(n, quota))} if kind == "ca_nhan" else
                       {n.participant: OPEN_MATTER for n in passed if open_matters.get(n.participant, 0) > 0})
                if once["apply"]:
                    before = {n.participant: _achieved_before(once, kind, n.participant, quota.form, year, elsewhere)
                              for n in passed}
                    why = {p: w for p, w in before.items() if w} | why
                given_this_year = {n.participant: _title_held(kind, n.participant, quota.form, year, recorded)
                                   for n in passed}
                why = {p: w for p, w in given_this_year.items() if w} | why
                if one_form["apply"]:
                    why = {n.participant: one_form["reason"].format(given=given[(kind, n.participant)])
                           for n in passed if (kind, n.participant) in given} | why
                held_back += [_held_back(quota.form, kind, n, why[n.participant], names) for n in passed
                              if n.participant in why]
                passed = [n for n in passed if n.participant not in why]
                standing = lambda n: (n.rank, -ballots[(n.participant, n.form)].yes)  # noqa: E731
                amount = int(round(campaign.base_salary * campaign.multiple(quota, kind) / 1000) * 1000)
                for _, group in groupby(sorted(passed, key=standing), key=standing):
                    backed = []
                    for n in group:
                        resting = resting_initiatives(el, n.participant, quota.individual_title, taken) \
                            if kind == "ca_nhan" else []
                        if resting is not None:
                            backed.append((n, resting))
                        elif seats:
                            held_back.append(_held_back(quota.form, kind, n, (
                                "sáng kiến làm căn cứ đã là căn cứ của hình thức khen thưởng khác trong quyết định "
                                "này; mỗi sáng kiến chỉ làm căn cứ cho một hình thức (CV 5007/BNV-TĐKT 2023)"), names))
                    if seats and len(backed) > seats:
                        undecided.append(_tie(quota.form, kind, seats, [n for n, _ in backed], ballots, names))
                        break
                    for n, resting in backed[:seats]:
                        taken |= set(resting)
                        given[(kind, n.participant)] = quota.form
                        awards.append(models.Award(year=year, participant_kind=kind, participant=n.participant,
                                                   form=quota.form, decision_no=decision_no, decided_on=decided_on,
                                                   amount=amount, campaign_id=row.id,
                                                   decision_key=_repeat_key(quota.form, kind, decision_no),
                                                   initiatives=",".join(resting)))
                    seats -= min(seats, len(backed))
        s.add_all(awards)
        return Decision(awards, undecided, held_back)


def _repeat_key(form: str, kind: str, decision_no: str) -> str:
    """An award's key beside its year, participant and form: a Bằng khen or Giấy khen, given as often as earned,
    by its decision; a title, held once a year, by none."""
    return decision_key(decision_no) if form_code(form, kind) in REPEATED_FORMS else ""


def _title_held(kind: str, participant: str, form: str, year: int, elsewhere: list) -> str | None:
    """Why ``participant`` is not given the title ``form`` for ``year``: another decision (another campaign's, or
    one recorded from a file) gave it for that year already (a title is held once a year, Luật TĐKT 2022
    Đ.23–28); None for a form given as often as earned, or a title not yet given."""
    code = form_code(form, kind)
    if code is None or code in REPEATED_FORMS:
        return None
    for other_kind, other, earlier, given, decision_no, campaign in elsewhere:
        if (other_kind, other, earlier) == (kind, participant, year) and form_code(given, kind) == code:
            return (f"đã được tặng «{given}» năm {year} tại quyết định {decision_no} ({campaign}): mỗi năm một "
                    "danh hiệu")
    return None


def _achieved_before(once: dict, kind: str, participant: str, form: str, year: int, elsewhere: list) -> str | None:
    """Why ``participant`` is not given ``form`` for ``year`` again: another campaign's decision gave them the same
    form resting on some of the same years of achievement (``one_award_per_achievement``); None: none did."""
    code = form_code(form)
    span = once["years"].get(code)
    if not span:
        return None
    mine = set(range(year - span + 1, year + 1))
    for other_kind, other, earlier, given, decision_no, campaign in elsewhere:
        shared = mine & set(range(earlier - span + 1, earlier + 1))
        if (other_kind, other) == (kind, participant) and form_code(given) == code and shared:
            return once["reason"].format(years=", ".join(map(str, sorted(shared))), form=given,
                                         decision=decision_no, campaign=campaign)
    return None


def _held_back(form: str, kind: str, n, why: str, names: dict[str, str]) -> str:
    return (f"{form} ({'tập thể' if kind == 'tap_the' else 'cá nhân'}): {n.participant} "
            f"({names.get(n.participant, n.participant)}) không được khen thưởng — {why}")


def _tie(form: str, kind: str, seats: int, tied: list, ballots: dict, names: dict[str, str]) -> str:
    yes = ballots[(tied[0].participant, tied[0].form)].yes
    who = ", ".join(f"{n.participant} ({names.get(n.participant, n.participant)})" for n in tied)
    return (f"{form} ({'tập thể' if kind == 'tap_the' else 'cá nhân'}): còn {seats} suất chưa quyết định — {who} "
            f"bằng thành tích, cùng ưu tiên và cùng {yes} phiếu đồng ý; Hội đồng bỏ phiếu lại giữa những người này "
            "(cchc emulation vote) rồi quyết định")
