"""Appraisal (thẩm định) in a round: the submitted units an appraiser may see, appraised points with a reason
per criterion (the store's appraisal records), feedback requests with a deadline and the unit's answer, and
finalising a unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from office import audit, notifications
from office.accounts import Actor, clean_text, require
from office.assessment import STATES, _assessment, parse_number, target_unit
from office.errors import NotFound, Refused
from office.rounds import as_id, get_round, now, parse_day, ruleset_of, unit_kinds
from store import models
from store.appraisals import add_appraisal

APPRAISABLE = ("da_nop", "can_bo_sung")


def submitted(engine: Engine, actor: Actor, round_id) -> list[dict]:
    """The units of a round that have submitted, within the appraiser's assignment."""
    require(actor, "tham_dinh", "quan_tri")
    U, S = models.Unit, models.SelfAssessment
    with Session(engine) as s:
        rnd = get_round(s, round_id)
        rows = s.execute(select(U.code, U.name, U.kind, S.state, S.submitted_at)
                         .join(S, S.unit_id == U.id).where(S.round_id == rnd.id, S.state != "nhap")
                         .order_by(U.kind, U.code)).all()
    return [{"code": c, "name": n, "kind": k, "state": st, "state_text": STATES[st], "submitted_at": at}
            for c, n, k, st, at in rows if actor.sees_unit(c)]


def _appraisable(s: Session, actor: Actor, round_id, unit: str, lock: bool = False):
    require(actor, "tham_dinh")
    rnd = get_round(s, round_id)
    row = target_unit(s, actor, unit)
    if rnd.state == "cong_bo":
        raise Refused("đợt đã công bố: kết quả không sửa được", "round")
    sa = _assessment(s, rnd, row, lock=lock)
    if sa is None or sa.state not in APPRAISABLE + ("da_tham_dinh",):
        raise Refused(f"đơn vị {row.code} chưa nộp tự đánh giá", "unit")
    return rnd, row, sa


def appraise(engine: Engine, actor: Actor, round_id, unit: str, criterion: str, points, reason: str,
             when: datetime | None = None) -> int:
    """Appraised points of one criterion with the reason (replacing the self-assessed points when scored)."""
    with Session(engine) as s:
        rnd, row, sa = _appraisable(s, actor, round_id, unit)
        if sa.state == "da_tham_dinh":
            raise Refused("đơn vị đã được thẩm định xong", "unit")
        rules, period = ruleset_of(rnd), rnd.period_code
    leaves = {leaf.id: leaf for leaf in rules.leaves}
    if criterion not in leaves:
        raise Refused(f"tiêu chí «{criterion}» không có trong bộ tiêu chí của đợt", "criterion")
    value = parse_number(points, "points", f"tiêu chí {criterion}")
    if value is None:
        raise Refused(f"tiêu chí {criterion}: chưa nhập điểm thẩm định", "points")
    if not 0 <= value <= leaves[criterion].max:
        raise Refused(f"tiêu chí {criterion}: điểm thẩm định phải trong khoảng 0–{leaves[criterion].max:g}", "points")
    reason = clean_text(reason, "reason", f"tiêu chí {criterion}: lý do", 2_000)
    if not reason:
        raise Refused(f"tiêu chí {criterion}: điều chỉnh điểm phải có lý do", "reason")
    with Session(engine) as s, s.begin():
        # checked again with the form taken: a finalisation or a withdrawal arriving meanwhile is seen
        rnd, row, sa = _appraisable(s, actor, round_id, unit, lock=True)
        if sa.state == "da_tham_dinh":
            raise Refused("đơn vị đã được thẩm định xong", "unit")
        try:
            appraisal_id = add_appraisal(s, rules, period, row.code, criterion, value, reason.strip(),
                                         actor.username, now=when)
        except ValueError as err:
            raise Refused(str(err), "points") from None
        audit.record(s, actor, "tham_dinh", f"đợt {round_id}, đơn vị {row.code}, tiêu chí {criterion}", None,
                     {"points": value, "reason": reason.strip(), "appraisal_id": appraisal_id})
    return appraisal_id


def request_feedback(engine: Engine, actor: Actor, round_id, unit: str, criterion: str, request: str,
                     deadline) -> int:
    """Ask the unit for evidence or an explanation of one criterion by a deadline."""
    due = parse_day(deadline, "deadline")
    with Session(engine) as s, s.begin():
        rnd, row, sa = _appraisable(s, actor, round_id, unit, lock=True)
        if criterion not in {leaf.id for leaf in ruleset_of(rnd).leaves}:
            raise Refused(f"tiêu chí «{criterion}» không có trong bộ tiêu chí của đợt", "criterion")
        request = clean_text(request, "request", "nội dung yêu cầu bổ sung", 2_000)
        if not request:
            raise Refused("nội dung yêu cầu bổ sung không được để trống", "request")
        if due <= now():
            raise Refused("hạn trả lời phải sau hôm nay", "deadline")
        item = models.FeedbackRequest(round_id=rnd.id, unit_id=row.id, criterion=criterion, request=request.strip(),
                                      deadline=due, asked_by=actor.username, asked_at=now(), answer="", answered_by="")
        s.add(item)
        before, sa.state = sa.state, "can_bo_sung"
        s.flush()
        audit.record(s, actor, "yeu_cau_bo_sung", f"đợt {rnd.id}, đơn vị {row.code}, tiêu chí {criterion}",
                     {"state": before}, {"state": "can_bo_sung", "request": item.request, "deadline": due})
        notifications.notify_unit(s, row.id, "yeu_cau_bo_sung", f"Yêu cầu bổ sung tiêu chí {criterion}",
                                  f"Hạn trả lời {due:%d/%m/%Y}: {item.request}", "/tu-danh-gia")
        return item.id


def answer_feedback(engine: Engine, actor: Actor, feedback_id, answer: str, when: datetime | None = None) -> None:
    """The unit's answer to a feedback request (its own unit's only), before the request's deadline."""
    require(actor, "don_vi")
    when = when or now()
    with Session(engine) as s, s.begin():
        number = as_id(feedback_id)
        item = s.get(models.FeedbackRequest, number) if number is not None else None
        if item is None:
            raise NotFound("không có yêu cầu bổ sung này", "feedback")
        unit = target_unit(s, actor, None)
        if item.unit_id != unit.id:
            raise NotFound("không có yêu cầu bổ sung này", "feedback")  # another unit's: as if absent
        rnd = get_round(s, item.round_id)
        # the form first, as a finalisation takes it before closing the requests; then the request as it is now
        sa = _assessment(s, rnd, unit, lock=True)
        s.refresh(item)
        if item.closed_at is not None:
            raise Refused("yêu cầu bổ sung đã đóng", "feedback")
        if when > item.deadline:
            raise Refused("đã quá hạn trả lời yêu cầu bổ sung", "deadline")
        answer = clean_text(answer, "answer", "nội dung trả lời", 10_000)
        if not answer:
            raise Refused("nội dung trả lời không được để trống", "answer")
        before = item.answer
        item.answer, item.answered_by, item.answered_at = answer.strip(), actor.username, when
        s.flush()
        F = models.FeedbackRequest
        waiting = s.scalar(select(F.id).where(F.round_id == item.round_id, F.unit_id == unit.id,
                                              F.closed_at.is_(None), F.answered_at.is_(None)))
        if not waiting and sa is not None and sa.state == "can_bo_sung":
            sa.state = "da_nop"
        audit.record(s, actor, "tra_loi_bo_sung", f"yêu cầu {item.id}, đơn vị {unit.code}", {"answer": before},
                     {"answer": item.answer})
        notifications.notify_usernames(s, [item.asked_by], "tra_loi_bo_sung",
                                       f"{unit.name} đã trả lời yêu cầu bổ sung tiêu chí {item.criterion}",
                                       item.answer, f"/tham-dinh/{rnd.id}/{unit.code}", fallback_role="quan_tri")


def finalise(engine: Engine, actor: Actor, round_id, unit: str) -> None:
    """The appraisal of a unit is done: its feedback requests close and its form is final."""
    with Session(engine) as s, s.begin():
        rnd, row, sa = _appraisable(s, actor, round_id, unit, lock=True)
        if sa.state == "da_tham_dinh":
            raise Refused("đơn vị đã được thẩm định xong", "unit")
        F = models.FeedbackRequest
        for item in s.scalars(select(F).where(F.round_id == rnd.id, F.unit_id == row.id, F.closed_at.is_(None))):
            item.closed_at = now()
        before, sa.state, sa.finalised_at = sa.state, "da_tham_dinh", now()
        audit.record(s, actor, "hoan_tat_tham_dinh", f"đợt {rnd.id}, đơn vị {row.code}", {"state": before},
                     {"state": "da_tham_dinh"})
        notifications.notify_unit(s, row.id, "hoan_tat_tham_dinh", f"Đã hoàn tất thẩm định: {rnd.title}",
                                  f"Hồ sơ tự đánh giá của {row.name} đã được thẩm định xong.", f"/tu-danh-gia/{rnd.id}")


def feedback_for_unit(engine: Engine, actor: Actor) -> list[models.FeedbackRequest]:
    """The feedback requests addressed to the officer's unit, open ones first."""
    require(actor, "don_vi")
    F = models.FeedbackRequest
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(F).where(F.unit_id == actor.unit_id)
                              .order_by(F.closed_at.is_not(None), F.answered_at.is_not(None), F.deadline)))


__all__ = ["submitted", "appraise", "request_feedback", "answer_feedback", "finalise", "feedback_for_unit",
           "unit_kinds"]
