"""Self-assessment rounds (đợt tự đánh giá), as the office runs them: open one for a rule set and a period
with a deadline, extend it for a unit, lock it, publish its scores. A round's units are those its rule set
applies to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from cycle import scoring
from office import audit, notifications
from office.accounts import SYSTEM, Actor, clean_text, require
from office.errors import NotFound, Refused
from office.rulesets import used_for
from rules.ruleset import RuleSet, RuleSetError, find, shipped
from store import calendar, models
from store.db import ensure_periods, serialize_writes

STATES = {"mo": "Đang mở", "khoa": "Đã khóa", "cong_bo": "Đã công bố"}
SCORED_KINDS = ("so_nganh", "xa_phuong")  # when a rule set does not say which kinds it scores


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def parse_day(text: str | date | datetime, field: str) -> datetime:
    """``dd/mm/yyyy`` (or ``yyyy-mm-dd``, as a browser's date field sends it) → the end of that day."""
    if isinstance(text, datetime):
        return text
    if isinstance(text, date):
        return datetime.combine(text, time(23, 59, 59))
    raw = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.combine(datetime.strptime(raw, fmt).date(), time(23, 59, 59))
        except ValueError:
            continue
    raise Refused(f"ngày «{raw[:40]}» không đúng dạng dd/mm/yyyy", field)


MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """A record's id from a URL or a form: ASCII digits only, within the database's integer range; anything
    else (``²``, ``1e3``, ``-1``, 30 digits) is no id at all, never an error."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def get_round(s: Session, round_id) -> models.AssessmentRound:
    number = as_id(round_id)
    rnd = s.get(models.AssessmentRound, number) if number is not None else None
    if rnd is None:
        raise NotFound(f"không có đợt tự đánh giá «{round_id}»", "round")
    return rnd


def ruleset_of(rnd: models.AssessmentRound) -> RuleSet:
    return find(rnd.ruleset)


def unit_kinds(ruleset: RuleSet) -> tuple[str, ...]:
    return tuple(sorted(ruleset.applies_to)) if ruleset.applies_to else SCORED_KINDS


def deadline_for(s: Session, rnd: models.AssessmentRound, unit_id: int) -> datetime:
    extra = s.scalar(select(models.DeadlineExtension.deadline).where(
        models.DeadlineExtension.round_id == rnd.id, models.DeadlineExtension.unit_id == unit_id))
    return max(rnd.deadline, extra) if extra else rnd.deadline


def open_round(engine: Engine, actor: Actor, ruleset: str, period: str, deadline, title: str = "") -> int:
    require(actor, "quan_tri")
    if ruleset not in shipped():
        raise Refused(f"bộ tiêu chí «{ruleset}» không có (chọn: {', '.join(sorted(shipped()))})", "ruleset")
    try:
        rules = find(ruleset)
    except RuleSetError as err:
        raise Refused(f"bộ tiêu chí «{ruleset}» lỗi: {err}", "ruleset") from None
    try:
        code = calendar.parse_period(period).code
    except ValueError as err:
        raise Refused(str(err), "period") from None
    due = parse_day(deadline, "deadline")
    if due <= now():
        raise Refused("hạn nộp phải sau hôm nay", "deadline")
    title = clean_text(title, "title", "tên đợt", 300)
    with Session(engine) as s, s.begin():
        # one opening at a time: of two sent at once, the second sees the first's round (and its year's periods)
        serialize_writes(s)
        ensure_periods(s, {int(code[:4])})
        same = s.scalar(select(models.AssessmentRound.id).where(
            models.AssessmentRound.ruleset == ruleset, models.AssessmentRound.period_code == code,
            models.AssessmentRound.state == "mo"))
        if same:
            raise Refused(f"đã có đợt đang mở cho bộ tiêu chí này, kỳ {code} (đợt số {same})", "period")
        rnd = models.AssessmentRound(title=(title or "").strip() or f"Tự đánh giá {rules.title}, kỳ {code}",
                                     ruleset=ruleset, period_code=code, deadline=due, state="mo",
                                     opened_at=now(), opened_by=actor.username)
        s.add(rnd)
        s.flush()
        audit.record(s, actor, "mo_dot", f"đợt {rnd.id}", None,
                     {"ruleset": ruleset, "period": code, "deadline": due, "title": rnd.title})
        concerned = s.scalars(select(models.Unit.id).where(models.Unit.kind.in_(unit_kinds(rules))))
        notifications.notify_units(s, concerned, "mo_dot", f"Mở đợt tự đánh giá: {rnd.title}",
                                   f"Hạn nộp {due:%d/%m/%Y}.", f"/tu-danh-gia/{rnd.id}")
        return rnd.id


def extend(engine: Engine, actor: Actor, round_id, unit: str, deadline) -> None:
    require(actor, "quan_tri")
    due = parse_day(deadline, "deadline")
    with Session(engine) as s, s.begin():
        rnd = get_round(s, round_id)
        if rnd.state != "mo":
            raise Refused("đợt đã khóa, không gia hạn được", "round")
        unit_row = s.scalar(select(models.Unit).where(models.Unit.code == (unit or "").strip()))
        if unit_row is None:
            raise Refused(f"đơn vị «{unit}» không có trong danh mục", "unit")
        if due <= max(now(), rnd.deadline):
            raise Refused("hạn gia hạn phải sau hạn chung của đợt và sau hôm nay", "deadline")
        row = s.scalar(select(models.DeadlineExtension).where(models.DeadlineExtension.round_id == rnd.id,
                                                              models.DeadlineExtension.unit_id == unit_row.id))
        before = row.deadline if row else None
        if row is None:
            row = models.DeadlineExtension(round_id=rnd.id, unit_id=unit_row.id)
            s.add(row)
        row.deadline = due
        audit.record(s, actor, "gia_han", f"đợt {rnd.id}, đơn vị {unit_row.code}", {"deadline": before},
                     {"deadline": due})
        notifications.notify_unit(s, unit_row.id, "gia_han", f"Gia hạn nộp tự đánh giá đến {due:%d/%m/%Y}",
                                  f"Đợt «{rnd.title}»: hạn nộp của {unit_row.name} được gia hạn đến {due:%d/%m/%Y}.",
                                  f"/tu-danh-gia/{rnd.id}")


def lock(engine: Engine, actor: Actor, round_id) -> None:
    require(actor, "quan_tri")
    with Session(engine) as s, s.begin():
        rnd = get_round(s, round_id)
        if rnd.state != "mo":
            raise Refused(f"đợt đang ở trạng thái «{STATES[rnd.state]}», không khóa được", "round")
        rnd.state = "khoa"
        audit.record(s, actor, "khoa_dot", f"đợt {rnd.id}", {"state": "mo"}, {"state": "khoa"})


def publish(engine: Engine, actor: Actor, round_id) -> int:
    """Lock the round, bring its scores up to date (every submission and appraisal in) and publish that run:
    it never changes afterwards. Returns the published run's id."""
    require(actor, "quan_tri")
    with Session(engine) as s:
        rnd = get_round(s, round_id)
        if rnd.state == "cong_bo":
            raise Refused("đợt đã công bố", "round")
        rules, period, before = ruleset_of(rnd), rnd.period_code, rnd.state
    try:
        outcome = scoring.rescore(engine, rules, period)
    except scoring.NoFigures as err:  # nothing submitted nor ingested for the period: nothing to publish
        raise Refused(f"{err}; chưa công bố được", "round") from None
    run = scoring.publish(engine, outcome.run_id)
    with Session(engine) as s, s.begin():
        rnd = get_round(s, round_id)
        # the round taken, then read again: of «Công bố» sent twice at once, the second finds it published and
        # neither records nor notifies every unit a second time
        R = models.AssessmentRound
        s.execute(update(R).where(R.id == rnd.id).values(state=R.state))
        s.refresh(rnd)
        if rnd.state == "cong_bo":
            raise Refused("đợt đã công bố", "round")
        rnd.state, rnd.run_id = "cong_bo", run.id
        audit.record(s, actor, "cong_bo_dot", f"đợt {rnd.id}", {"state": before},
                     {"state": "cong_bo", "run_id": run.id, "version": run.version})
        concerned = s.scalars(select(models.Unit.id).where(models.Unit.kind.in_(unit_kinds(rules))))
        notifications.notify_units(s, concerned, "cong_bo", f"Công bố kết quả: {rnd.title}",
                                   "Kết quả chấm điểm, xếp hạng của đợt đã được công bố.", f"/cong-khai/{run.id}")
    return run.id


def rounds(engine: Engine, state: str | None = None) -> list[models.AssessmentRound]:
    with Session(engine, expire_on_commit=False) as s:
        query = select(models.AssessmentRound).order_by(models.AssessmentRound.id.desc())
        if state:
            query = query.where(models.AssessmentRound.state == state)
        return list(s.scalars(query))


def open_demo_round(engine: Engine, year: int = 2024, days: int = 30) -> int:
    """The demo's round: the departments' CCHC index (it has declared figures) over the demo year, open for
    ``days`` days, so that the portal is usable at once after ``make demo``. An open one is reused."""
    code = f"{year}-NAM"
    demo = used_for("department_index", code).id
    with Session(engine) as s:
        same = s.scalar(select(models.AssessmentRound.id).where(
            models.AssessmentRound.ruleset == demo, models.AssessmentRound.period_code == code,
            models.AssessmentRound.state == "mo"))
    if same:
        return same
    return open_round(engine, SYSTEM, demo, code, (now() + timedelta(days=days)).date(),
                      f"Tự đánh giá Chỉ số CCHC sở, ban, ngành năm {year}")
