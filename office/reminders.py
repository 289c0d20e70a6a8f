"""What is due («nhắc việc»), run once a day (``cchc portal nhac-viec``): each unit is told of the rounds it
has not submitted that close within N days, of the feedback requests it has not answered that are due within
N days, and of the periodic report due within N days that it has not sent; each council member who has not
voted, of a voting session closing within N days. Each reminder has a key (the round
and its deadline, the request, the period): running twice a day, or every day of the window, tells a unit
once; a deadline extended later is a new deadline, told again."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from office import audit, notifications
from office.accounts import SYSTEM, Actor
from office.errors import Refused
from office.rounds import deadline_for, ruleset_of, unit_kinds
from rules.ruleset import RuleSetError
from store import calendar, models

DEFAULT_DAYS = 3
NOT_YET = (None, "nhap", "da_rut")  # a self-assessment not (or no longer) submitted


def days_ahead(value=None) -> int:
    """The window of the reminders in days: the value given, else ``CCHC_REMIND_DAYS``, else 3."""
    raw = value if value is not None else (os.environ.get("CCHC_REMIND_DAYS") or DEFAULT_DAYS)
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 60:
        raise Refused(f"số ngày nhắc trước «{text[:20]}» phải là số nguyên từ 0 đến 60", "days")
    return int(text)


@dataclass
class Reminded:
    rounds: int = 0  # notices of rounds closing
    feedback: int = 0  # notices of feedback requests due
    council: int = 0  # notices to council members who have not voted in a session closing
    reports: int = 0  # notices of the periodic report due
    outbox: notifications.Outbox | None = None

    @property
    def total(self) -> int:
        return self.rounds + self.feedback + self.reports + self.council


def _left(deadline: date, today: date) -> str:
    days = (deadline - today).days
    return "hôm nay là hạn cuối" if days == 0 else f"còn {days} ngày"


def remind_rounds(s: Session, today: date, days: int) -> int:
    made = 0
    U, S = models.Unit, models.SelfAssessment
    for rnd in s.scalars(select(models.AssessmentRound).where(models.AssessmentRound.state == "mo")
                         .order_by(models.AssessmentRound.id)):
        try:
            kinds = unit_kinds(ruleset_of(rnd))
        except RuleSetError:
            continue  # a rule set no longer shipped: its round is the office's to close
        states = dict(s.execute(select(S.unit_id, S.state).where(S.round_id == rnd.id)).all())
        for unit_id, name in s.execute(select(U.id, U.name).where(U.kind.in_(kinds)).order_by(U.code)).all():
            if states.get(unit_id) not in NOT_YET:
                continue
            due = deadline_for(s, rnd, unit_id)
            if not 0 <= (due.date() - today).days <= days:
                continue
            made += notifications.notify_unit(
                s, unit_id, "sap_het_han", f"Sắp hết hạn nộp tự đánh giá: {rnd.title}",
                f"Hạn nộp {due:%d/%m/%Y} ({_left(due.date(), today)}); {name} chưa nộp tự đánh giá.",
                f"/tu-danh-gia/{rnd.id}", key=f"han-dot:{rnd.id}:{due:%Y%m%d}")
    return made


def remind_feedback(s: Session, today: date, days: int) -> int:
    F = models.FeedbackRequest
    made = 0
    for item in s.scalars(select(F).where(F.closed_at.is_(None), F.answered_at.is_(None)).order_by(F.id)):
        if not 0 <= (item.deadline.date() - today).days <= days:
            continue
        made += notifications.notify_unit(
            s, item.unit_id, "sap_het_han", f"Sắp hết hạn trả lời yêu cầu bổ sung tiêu chí {item.criterion}",
            f"Hạn trả lời {item.deadline:%d/%m/%Y} ({_left(item.deadline.date(), today)}): {item.request}",
            "/tu-danh-gia", key=f"han-bo-sung:{item.id}")
    return made


def remind_council(s: Session, today: date, days: int) -> int:
    """The council's open sessions closing within ``days``: their members who have not voted yet (the store
    knows that a member voted, never how)."""
    S, M = models.CouncilSession, models.CouncilMember
    made = 0
    for session in s.scalars(select(S).where(S.state == "mo").order_by(S.id)):
        if not 0 <= (session.closes_at.date() - today).days <= days:
            continue
        waiting = s.scalars(select(M.account_id).where(M.session_id == session.id, M.mode == ""))
        made += notifications.notify_accounts(
            s, waiting, "hoi_dong", f"Phiên bỏ phiếu số {session.id} của Hội đồng sắp kết thúc",
            f"Phiên kết thúc lúc {session.closes_at:%H:%M ngày %d/%m/%Y} ({_left(session.closes_at.date(), today)}); "
            f"anh/chị chưa bỏ phiếu.", f"/hoi-dong/{session.id}", key=f"hoi-dong:{session.id}:{session.closes_at:%Y%m%d%H%M}")
    return made


def remind_report(engine: Engine, period_code: str, today: date) -> int:
    """Tell each unit that has not sent its periodic report of ``period_code`` that it is due (once per unit
    and period); also the year's reminder step («nhắc báo cáo», five days before the due date)."""
    from cycle.reporting import reminders

    period = calendar.parse_period(period_code)
    waiting = reminders(engine, period.code, today)
    if waiting.empty:
        return 0
    with Session(engine) as s, s.begin():
        ids = dict(s.execute(select(models.Unit.code, models.Unit.id)
                             .where(models.Unit.code.in_(list(waiting["unit"])))).all())
        made = 0
        for code in waiting["unit"]:
            made += notifications.notify_unit(
                s, ids[code], "bao_cao", f"Báo cáo CCHC {period.in_sentence} đến hạn ngày {period.due:%d/%m/%Y}",
                f"Hạn gửi báo cáo {period.due:%d/%m/%Y} ({_left(period.due, today)}); đơn vị chưa gửi báo cáo kỳ này.",
                f"/bao-cao-dinh-ky/{period.code}", key=f"bao-cao:{period.code}")
        if made:
            audit.record(s, SYSTEM, "nhac_bao_cao", f"kỳ {period.code}", None, {"notices": made})
    return made


def remind(engine: Engine, today: date | None = None, days=None, actor: Actor = SYSTEM, send: bool = True,
           settings=None) -> Reminded:
    """The day's reminders, then the outbox sent (``send``): what is due within ``days`` days."""
    days = days_ahead(days)
    today = today or date.today()
    outcome = Reminded()
    with Session(engine) as s, s.begin():
        outcome.rounds = remind_rounds(s, today, days)
        outcome.feedback = remind_feedback(s, today, days)
        outcome.council = remind_council(s, today, days)
        if outcome.rounds or outcome.feedback or outcome.council:
            audit.record(s, actor, "nhac_viec", f"ngày {today:%d/%m/%Y}", None,
                         {"rounds": outcome.rounds, "feedback": outcome.feedback, "council": outcome.council,
                          "days": days})
    period = calendar.next_due(today)
    if (period.due - today).days <= days:
        outcome.reports = remind_report(engine, period.code, today)
    if send:
        outcome.outbox = notifications.send_waiting(engine, settings)
    return outcome
