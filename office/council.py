"""The emulation council voting in the portal (Hội đồng Thi đua - Khen thưởng, NĐ 98/2023 Đ.30 k.7).

The office opens a session on a campaign's nominations inside their quota, with the council members taking
part (their number is the council's size, the base of every share), the meeting day and the time the session
closes. Each member reads every nominee's dossier and votes once per nominee and award form — in the meeting
(on its day), or, absent, in writing before the session closes; how a member voted (in the meeting or in
writing) is kept per member. The office closes the session: the outcome goes through
``office.emulation.vote``, the path of the ballot file, which checks the quorum and applies each form's
threshold (emulation/thresholds.yaml), and is stored as the campaign's ballots, from which the minutes and
the proposal are made. A session short of its quorum closes as not valid, with the reason, and writes no
ballot.

The ballot is secret. The store keeps, apart: that a member voted on an item (no choice, no time, no row
number of its own) and counters per item incremented in the same transaction; no row holds both a member and
a choice. The audit log says that a member voted, never how. Nobody sees the counters before the session
closes (with few votes in, a counter would tell whose choice it holds)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from emulation import review as rv
from office import audit, notifications
from office import emulation as em
from office.accounts import Actor, require
from office.errors import Forbidden, NotFound, Refused
from office.rounds import as_id
from store import models

MODES = {"hop": "Có mặt tại cuộc họp", "van_ban": "Vắng mặt, gửi ý kiến bằng văn bản"}
CHOICES = {"dong_y": "Đồng ý", "khong_dong_y": "Không đồng ý"}
STATES = {"mo": "Đang bỏ phiếu", "dang_dong": "Đang kiểm phiếu", "dong": "Đã kết thúc, hợp lệ",
          "khong_hop_le": "Đã kết thúc, không hợp lệ"}
KINDS = {"ca_nhan": "Cá nhân", "tap_the": "Tập thể"}
MIN_MEMBERS = 3  # with fewer, the counts alone would tell who chose what


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def parse_day(text: str | date, field: str) -> date:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd`` (a browser's date field) → a day."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    raw = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise Refused(f"ngày «{raw[:40]}» không đúng dạng dd/mm/yyyy", field)


def parse_moment(text: str | datetime, field: str) -> datetime:
    """``dd/mm/yyyy HH:MM``, ``yyyy-mm-ddTHH:MM`` (a browser's date-and-time field), or a day alone (its end)."""
    if isinstance(text, datetime):
        return text.replace(microsecond=0)
    raw = (text or "").strip()
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    try:
        return datetime.combine(parse_day(raw, field), time(23, 59, 59))
    except Refused:
        raise Refused(f"thời điểm «{raw[:40]}» không đúng dạng dd/mm/yyyy hh:mm", field) from None


# --- What the pages show ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The stored outcome of one item (its ``ballot`` row) once the session has closed."""

    yes: int
    no: int
    members: int
    needed: str
    passed: bool


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    code: str
    name: str
    unit: str
    form: str
    rank: int
    achievements: str
    eligibility: str
    note: str
    needed: str
    voted: bool = False  # by the member looking at the page
    outcome: Outcome | None = None


@dataclass(frozen=True)
class Member:
    username: str
    full_name: str
    mode: str  # MODES' key, empty before the first vote
    voted: int  # items voted on (never which way)


@dataclass(frozen=True)
class SessionView:
    id: int
    campaign: str
    title: str
    year: int
    meeting_on: date
    closes_at: datetime
    state: str
    members: int
    present: int | None
    written: int | None
    reason: str
    opened_by: str
    closed_at: datetime | None
    items: tuple[Item, ...]
    roster: tuple[Member, ...] = ()  # the office's view: who has voted, and how they took part
    my_mode: str = ""
    can_vote: bool = False
    quorum: str = ""
    voted_so_far: int = 0  # members who have cast at least one vote

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def closed(self) -> bool:
        return self.state in ("dong", "khong_hop_le")

    @property
    def left(self) -> list[Item]:
        return [i for i in self.items if not i.voted]


@dataclass(frozen=True)
class Listed:
    id: int
    campaign: str
    title: str
    meeting_on: date
    closes_at: datetime
    state: str
    members: int
    items: int
    to_vote: int = 0  # items the member looking has not voted on yet

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)


@dataclass(frozen=True)
class Choices:
    """What the office may open a session with: the launched campaigns with nominations inside the quota,
    and the council members' accounts."""

    campaigns: list[tuple[str, str, int]] = field(default_factory=list)  # code, title, nominees
    members: list[tuple[str, str]] = field(default_factory=list)  # username, full name


# --- Helpers -----------------------------------------------------------------------------------------------


def _session(s: Session, session_id) -> models.CouncilSession:
    number = as_id(session_id)
    row = s.get(models.CouncilSession, number) if number is not None else None
    if row is None:
        raise NotFound(f"không có phiên bỏ phiếu «{str(session_id)[:30]}»", "phien")
    return row


def _locked(s: Session, session_id) -> models.CouncilSession:
    """The session row, taken for this transaction before anything is read: votes and the close of one
    session follow one another (PostgreSQL: the row's lock; SQLite: the database's write lock)."""
    number = as_id(session_id)
    if number is not None:
        s.execute(update(models.CouncilSession).where(models.CouncilSession.id == number)
                  .values(state=models.CouncilSession.state))
    row = _session(s, session_id)
    s.refresh(row)
    return row


def _member_of(s: Session, row: models.CouncilSession, actor: Actor) -> models.CouncilMember:
    member = s.scalar(select(models.CouncilMember).where(models.CouncilMember.session_id == row.id,
                                                         models.CouncilMember.account_id == actor.account_id))
    if member is None:
        raise Forbidden("bạn không phải thành viên Hội đồng tham gia phiên bỏ phiếu này")
    return member


def _names(s: Session) -> tuple[dict[str, str], dict[str, str]]:
    """code → name (people and units), person → the name of their unit."""
    names = dict(s.execute(select(models.Unit.code, models.Unit.name)).all())
    names.update(dict(s.execute(select(models.Person.code, models.Person.full_name)).all()))
    units = dict(s.execute(select(models.Person.code, models.Unit.name)
                           .join(models.Unit, models.Unit.id == models.Person.unit_id)).all())
    return names, units


def _eligibility_text(el, person: str) -> str:
    """Where a person stands for each title in the year, with the reasons of what is not met."""
    if person not in el.frame.index:
        return "Không có xếp loại chất lượng trong năm xét."
    row = el.table().loc[person]
    rating = em.RATING_LABEL.get(int(row["xep_loai"]), "–") if row["xep_loai"] == row["xep_loai"] else "–"
    reasons = el.reasons(person)
    reached = [el.label(t) for t, why in reasons.items() if not why]
    missing = [f"{el.label(t)}: {'; '.join(why)}" for t, why in reasons.items() if why]
    text = f"Xếp loại năm {el.year}: {rating}. Đủ điều kiện: {', '.join(reached) or 'chưa có danh hiệu nào'}."
    return text + (f" Chưa đủ điều kiện — {' | '.join(missing)}." if missing else "")


# --- The office: open, list, close -------------------------------------------------------------------------


def choices(engine: Engine, actor: Actor) -> Choices:
    require(actor, "quan_tri")
    N, C, A = models.Nomination, models.Campaign, models.Account
    with Session(engine) as s:
        campaigns = [(code, title, int(n)) for code, title, n in s.execute(
            select(C.code, C.title, select(func.count(N.id)).where(N.campaign_id == C.id, N.within_quota)
                   .scalar_subquery()).order_by(C.code)).all() if n]
        members = list(s.execute(select(A.username, A.full_name).where(A.role == "hoi_dong", A.disabled.is_(False))
                                 .order_by(A.username)).all())
    return Choices(campaigns, [tuple(m) for m in members])


def open_session(engine: Engine, actor: Actor, campaign: str, members, meeting_on, closes_at,
                 year=None, now: datetime | None = None, offered: bool = False) -> int:
    """Open a voting session (the office): every nomination of the campaign inside its quota, the members
    (accounts of the council, usernames), the meeting day, the time it closes. Returns its number. ``offered``:
    the campaign comes from the portal's form, which offers the launched campaigns by their code; anything else
    there — a YAML file of the server too — is not found and never opened."""
    require(actor, "quan_tri")
    now = now or _now()
    ref = (campaign or "").strip()
    if not ref:
        raise Refused("chọn phong trào thi đua", "campaign")
    if offered and ref not in {code for code, _, _ in choices(engine, actor).campaigns}:
        raise NotFound(f"«{ref[:80]}» không phải phong trào đã phát động có người được đề nghị", "campaign")
    try:
        c = em.campaign(ref)
    except NotFound as e:
        raise NotFound(e.message, "campaign") from None
    if year in (None, ""):
        year = c.end.year
    if isinstance(year, str):
        if not (year.strip().isascii() and year.strip().isdigit()):
            raise Refused(f"năm «{year[:10]}» không đúng", "year")
        year = int(year.strip())
    if not 2000 <= year <= 2100:
        raise Refused(f"năm «{year}» không đúng", "year")
    meeting = parse_day(meeting_on, "meeting_on")
    closes = parse_moment(closes_at, "closes_at")
    if closes <= now:
        raise Refused(f"thời điểm kết thúc phiên ({closes:%d/%m/%Y %H:%M}) phải sau lúc này", "closes_at")
    if meeting < now.date():
        raise Refused(f"ngày họp {meeting:%d/%m/%Y} đã qua", "meeting_on")
    if meeting > closes.date():
        raise Refused(f"ngày họp {meeting:%d/%m/%Y} phải trước hoặc trong ngày kết thúc phiên "
                      f"({closes:%d/%m/%Y})", "meeting_on")
    if isinstance(members, str):
        members = members.replace(";", ",").split(",")
    names = list(dict.fromkeys(str(m).strip().lower() for m in members or () if str(m).strip()))
    if len(names) < MIN_MEMBERS:
        raise Refused(f"Hội đồng cần ít nhất {MIN_MEMBERS} thành viên tham gia bỏ phiếu (đã chọn {len(names)})",
                      "members")
    el = em.eligible(engine, year)
    with Session(engine) as s, s.begin():
        row = s.scalar(select(models.Campaign).where(models.Campaign.code == c.id))
        if row is None:
            raise NotFound(f"phong trào «{c.id}» chưa được phát động (cchc emulation launch {c.id})", "campaign")
        # the campaign taken before its sessions are looked at: of two openings at once, the second sees the first's
        s.execute(update(models.Campaign).where(models.Campaign.id == row.id).values(code=models.Campaign.code))
        found = {a.username: a for a in s.scalars(select(models.Account).where(models.Account.username.in_(names)))}
        if unknown := [n for n in names if n not in found]:
            raise Refused(f"không có tài khoản: {', '.join(unknown)}", "members")
        if others := [n for n in names if found[n].role != "hoi_dong" or found[n].disabled]:
            raise Refused(f"không phải thành viên Hội đồng (vai trò hoi_dong, đang hoạt động): {', '.join(others)}",
                          "members")
        busy = s.scalar(select(models.CouncilSession.id).where(models.CouncilSession.campaign_id == row.id,
                                                               models.CouncilSession.state.in_(("mo", "dang_dong"))))
        if busy:
            raise Refused(f"phong trào «{c.id}» đang có phiên bỏ phiếu số {busy} chưa kết thúc", "campaign")
        nominations = s.scalars(select(models.Nomination).where(models.Nomination.campaign_id == row.id,
                                                                models.Nomination.within_quota)
                                .order_by(models.Nomination.participant_kind.desc(), models.Nomination.rank,
                                          models.Nomination.participant)).all()
        if not nominations:
            raise Refused(f"phong trào «{c.id}» chưa có danh sách đề nghị trong chỉ tiêu để Hội đồng bỏ phiếu "
                          f"(cchc emulation nominate {c.id})", "campaign")
        session = models.CouncilSession(
            campaign_id=row.id, campaign_ref=ref, year=year, meeting_on=meeting, closes_at=closes, state="mo",
            members=len(names), reason="", opened_by=actor.username, opened_at=now, closed_by="")
        s.add(session)
        s.flush()
        s.add_all(models.CouncilMember(session_id=session.id, account_id=found[n].id, mode="") for n in names)
        collective = f"Đủ điều kiện xét theo tỷ lệ thành viên đạt Lao động tiên tiến và số Chiến sĩ thi đua cơ sở " \
                     f"của tập thể năm {year}."
        s.add_all(models.CouncilItem(
            session_id=session.id, participant_kind=n.participant_kind, participant=n.participant, form=n.form,
            rank=n.rank, achievements=n.achievements or "", note=n.note or "", yes=0, no=0,
            eligibility=_eligibility_text(el, n.participant) if n.participant_kind == "ca_nhan" else collective)
            for n in nominations)
        audit.record(s, actor, "mo_phien_hoi_dong", f"phiên bỏ phiếu {session.id}", None,
                     {"phong_trao": c.id, "nam": year, "ngay_hop": f"{meeting:%d/%m/%Y}",
                      "ket_thuc": f"{closes:%d/%m/%Y %H:%M}", "thanh_vien": names,
                      "de_nghi": [f"{n.participant} — {n.form}" for n in nominations]})
        notifications.notify_accounts(
            s, [found[n].id for n in names], "hoi_dong", f"Mở phiên bỏ phiếu số {session.id} của Hội đồng Thi đua - "
            f"Khen thưởng", f"{c.title}. Họp ngày {meeting:%d/%m/%Y}; thành viên vắng mặt bỏ phiếu bằng văn bản đến "
            f"{closes:%d/%m/%Y %H:%M}.", f"/hoi-dong/{session.id}")
        return session.id


def sessions(engine: Engine, actor: Actor) -> list[Listed]:
    """The sessions: every one for the office, a member's own for a member."""
    require(actor, "quan_tri", "hoi_dong")
    S, C = models.CouncilSession, models.Campaign
    with Session(engine) as s:
        query = select(S, C.code, C.title).join(C, C.id == S.campaign_id).order_by(S.id.desc())
        if actor.role == "hoi_dong":
            query = query.join(models.CouncilMember, models.CouncilMember.session_id == S.id).where(
                models.CouncilMember.account_id == actor.account_id)
        out = []
        for row, code, title in s.execute(query).all():
            items = s.scalar(select(func.count(models.CouncilItem.id)).where(models.CouncilItem.session_id == row.id))
            done = s.scalar(select(func.count(models.CouncilVoted.item_id)).where(models.CouncilVoted.session_id == row.id,
                                                             models.CouncilVoted.account_id == actor.account_id)) \
                if actor.role == "hoi_dong" else 0
            out.append(Listed(row.id, code, title, row.meeting_on, row.closes_at, row.state, row.members, items,
                              items - done if actor.role == "hoi_dong" and row.state == "mo" else 0))
    return out


def view(engine: Engine, actor: Actor, session_id, now: datetime | None = None) -> SessionView:
    """A session's page: every nominee's dossier; for a member, what they have left to vote on; for the
    office, who has voted and how they took part. Counts only once the session has closed."""
    require(actor, "quan_tri", "hoi_dong")
    now = now or _now()
    with Session(engine) as s:
        row = _session(s, session_id)
        member = _member_of(s, row, actor) if actor.role == "hoi_dong" else None
        campaign = s.get(models.Campaign, row.campaign_id)
        names, units = _names(s)
        items = s.scalars(select(models.CouncilItem).where(models.CouncilItem.session_id == row.id)
                          .order_by(models.CouncilItem.id)).all()
        mine = set(s.scalars(select(models.CouncilVoted.item_id).where(
            models.CouncilVoted.session_id == row.id, models.CouncilVoted.account_id == member.account_id))) \
            if member else set()
        ballots = {(b.participant, b.form): b for b in s.scalars(
            select(models.Ballot).where(models.Ballot.campaign_id == row.campaign_id))} if row.state == "dong" else {}
        roster_rows = s.execute(
            select(models.Account.username, models.Account.full_name, models.CouncilMember.mode,
                   select(func.count(models.CouncilVoted.item_id)).where(models.CouncilVoted.session_id == row.id,
                                                    models.CouncilVoted.account_id == models.Account.id)
                   .scalar_subquery())
            .join(models.CouncilMember, models.CouncilMember.account_id == models.Account.id)
            .where(models.CouncilMember.session_id == row.id).order_by(models.Account.full_name,
                                                                        models.Account.username)).all()
    forms = {(k, q.key(k)): q.form for q in _campaign_forms(row) for k in KINDS}
    shown = []
    for i in items:
        outcome = None
        if row.state == "dong":  # a session short of its quorum counts nothing
            b = ballots.get((i.participant, i.form))
            outcome = Outcome(i.yes, i.no, row.members, rv.needed(i.form), bool(b.passed) if b else False)
        shown.append(Item(i.id, KINDS.get(i.participant_kind, i.participant_kind), i.participant,
                          names.get(i.participant, i.participant),
                          units.get(i.participant, "") if i.participant_kind == "ca_nhan" else "",
                          forms.get((i.participant_kind, i.form), i.form), i.rank, i.achievements, i.eligibility,
                          i.note, rv.needed(i.form), i.id in mine, outcome))
    roster = tuple(Member(u, f, m, int(n or 0)) for u, f, m, n in roster_rows) if actor.role == "quan_tri" else ()
    can_vote = bool(member) and row.state == "mo" and now < row.closes_at and len(mine) < len(items)
    return SessionView(row.id, campaign.code, campaign.title, row.year, row.meeting_on, row.closes_at, row.state,
                       row.members, row.present, row.written, row.reason, row.opened_by, row.closed_at, tuple(shown),
                       roster, member.mode if member else "", can_vote, rv.quorum()["label"],
                       sum(1 for r in roster if r.voted))


def _campaign_forms(row: models.CouncilSession):
    try:
        return em.campaign(row.campaign_ref).award_forms
    except (NotFound, OSError, ValueError, TypeError):
        return ()


# --- A member votes ----------------------------------------------------------------------------------------


def cast(engine: Engine, actor: Actor, session_id, mode: str, chosen: Mapping[str, str],
         now: datetime | None = None) -> int:
    """A member's votes on some or all of the session's items (item id → «dong_y» | «khong_dong_y»; an empty
    choice leaves the item for later), in the meeting or in writing. Refused, nothing written: not a member
    of this session; the session closed or past its time; «in the meeting» on another day than the meeting's;
    a mode other than the one of the member's first vote; an item voted on already (a vote is never
    changed); an item of another session. Returns how many votes were recorded."""
    require(actor, "hoi_dong")
    now = now or _now()
    if mode not in MODES:
        raise Refused("chọn hình thức tham gia: có mặt tại cuộc họp, hoặc vắng mặt và gửi ý kiến bằng văn bản",
                      "mode")
    picked: dict[int, str] = {}
    for key, choice in chosen.items():
        number = as_id(key)
        if number is None:
            raise Refused(f"phiếu «{str(key)[:20]}» không đúng", "phieu")
        if not choice:
            continue
        if choice not in CHOICES:
            raise Refused(f"lựa chọn «{str(choice)[:20]}» không có (chọn Đồng ý hoặc Không đồng ý)", f"phieu_{number}")
        picked[number] = choice
    if not picked:
        raise Refused("chưa chọn Đồng ý hoặc Không đồng ý cho người được đề nghị nào", "phieu")
    with Session(engine) as s, s.begin():
        row = _locked(s, session_id)
        member = _member_of(s, row, actor)
        if row.state != "mo" or now >= row.closes_at:
            raise Refused(f"phiên bỏ phiếu số {row.id} đã kết thúc "
                          f"({row.closes_at:%d/%m/%Y %H:%M}); không nhận thêm phiếu", "phien")
        if mode == "hop" and now.date() != row.meeting_on:
            raise Refused(f"bỏ phiếu tại cuộc họp chỉ trong ngày họp {row.meeting_on:%d/%m/%Y}; vắng mặt thì gửi ý "
                          "kiến bằng văn bản", "mode")
        if member.mode and member.mode != mode:
            raise Refused(f"bạn đã bỏ phiếu theo hình thức «{MODES[member.mode]}»; các phiếu còn lại cũng theo "
                          "hình thức đó", "mode")
        items = {i.id: i for i in s.scalars(select(models.CouncilItem)
                                            .where(models.CouncilItem.session_id == row.id))}
        if stray := [i for i in picked if i not in items]:
            raise Refused(f"phiếu số {stray[0]} không thuộc phiên bỏ phiếu này", "phieu")
        done = set(s.scalars(select(models.CouncilVoted.item_id).where(
            models.CouncilVoted.session_id == row.id, models.CouncilVoted.account_id == member.account_id)))
        if twice := [items[i] for i in sorted(picked) if i in done]:
            names, _ = _names(s)
            raise Refused("bạn đã bỏ phiếu cho " + "; ".join(
                f"{names.get(i.participant, i.participant)} ({i.participant})" for i in twice)
                + "; phiếu đã bỏ không bỏ lại, không sửa được", "phieu")
        member.mode = mode
        # In item order, whatever order they were chosen in; no time, no choice.
        s.add_all(models.CouncilVoted(session_id=row.id, item_id=i, account_id=member.account_id)
                  for i in sorted(picked))
        s.flush()
        yes = [i for i, c in picked.items() if c == "dong_y"]
        no = [i for i, c in picked.items() if c == "khong_dong_y"]
        if yes:
            s.execute(update(models.CouncilItem).where(models.CouncilItem.id.in_(yes))
                      .values(yes=models.CouncilItem.yes + 1))
        if no:
            s.execute(update(models.CouncilItem).where(models.CouncilItem.id.in_(no))
                      .values(no=models.CouncilItem.no + 1))
        audit.record(s, actor, "bo_phieu_hoi_dong", f"phiên bỏ phiếu {row.id}", None,
                     {"hinh_thuc": mode, "so_phieu": len(picked),
                      "de_nghi": [f"{items[i].participant} — {items[i].form}" for i in sorted(picked)]})
    return len(picked)


# --- The office closes it ----------------------------------------------------------------------------------


def close_session(engine: Engine, actor: Actor, session_id, now: datetime | None = None) -> SessionView:
    """Close a session (the office): no more votes; the quorum and each form's threshold applied by the path
    the ballot file takes, the outcome stored as the campaign's ballots. Short of quorum (or a list of
    nominations changed since the session opened), the session closes as not valid with the reason, and no
    ballot is written."""
    require(actor, "quan_tri")
    now = now or _now()
    with Session(engine) as s, s.begin():
        row = _locked(s, session_id)
        if row.state not in ("mo", "dang_dong"):
            raise Refused(f"phiên bỏ phiếu số {row.id} đã kết thúc ({STATES[row.state].lower()})", "phien")
        row.state = "dang_dong"  # votes stop here, before counting
        modes = list(s.scalars(select(models.CouncilMember.mode).where(models.CouncilMember.session_id == row.id)))
        items = s.scalars(select(models.CouncilItem).where(models.CouncilItem.session_id == row.id)
                          .order_by(models.CouncilItem.id)).all()
        number, ref, members, meeting = row.id, row.campaign_ref, row.members, row.meeting_on
        counted = [rv.Vote(i.participant, i.form, i.yes, f"phiên bỏ phiếu số {row.id}") for i in items]
        put = {(i.participant, i.form) for i in items}
        now_listed = set(s.execute(select(models.Nomination.participant, models.Nomination.form).where(
            models.Nomination.campaign_id == row.campaign_id, models.Nomination.within_quota)).all())
    present, written = modes.count("hop"), modes.count("van_ban")
    state, reason = "dong", ""
    try:
        if put != {tuple(k) for k in now_listed}:
            raise Refused(f"danh sách đề nghị của phong trào đã thay đổi sau khi mở phiên số {number}: kết quả phiên "
                          "này không còn khớp, hãy mở phiên mới")
        em.vote(engine, em.campaign(ref), rv.Ballots(tuple(counted), f"Phiên bỏ phiếu số {number}"), members,
                present, written, meeting)
    except Refused as e:
        state, reason = "khong_hop_le", e.message
    with Session(engine) as s, s.begin():
        row = _locked(s, number)
        row.state, row.present, row.written, row.reason = state, present, written, reason
        row.closed_by, row.closed_at = actor.username, now
        audit.record(s, actor, "dong_phien_hoi_dong", f"phiên bỏ phiếu {number}", {"trang_thai": "mo"},
                     {"trang_thai": state, "thanh_vien": members, "co_mat": present, "van_ban": written,
                      "ly_do": reason})
    return view(engine, actor, number, now)


def minutes(engine: Engine, actor: Actor, session_id) -> tuple[bytes, str]:
    """The council's minutes (biên bản bình xét, DOCX) of a session closed valid, made from the stored
    ballots by the same code as the command line's: for the office and the session's members."""
    require(actor, "quan_tri", "hoi_dong")
    with Session(engine) as s:
        row = _session(s, session_id)
        if actor.role == "hoi_dong":
            _member_of(s, row, actor)
        state, ref, year = row.state, row.campaign_ref, row.year
    if state != "dong":
        raise Refused("biên bản chỉ có khi phiên đã kết thúc hợp lệ", "phien")
    c = em.campaign(ref)
    name, document = next((n, d) for n, d in em.review_documents(engine, c, year) if n.startswith("bien-ban"))
    from office.outputs import write

    with tempfile.TemporaryDirectory() as tmp:
        path = write(document, Path(tmp), name, "docx")
        return path.read_bytes(), path.name
