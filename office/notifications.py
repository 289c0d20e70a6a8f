"""Notifications: a notice per recipient account inside the portal, and its e-mail through an outbox.

The use cases call ``notify_*`` inside their own transaction, so a notice lands with the change it tells of
(or not at all). E-mail is never sent there: a notice to an account with an address, while SMTP is
configured, waits in the outbox (``email_state`` cho) until ``send_waiting`` (``cchc portal gui-thu``, and
the daily reminders) sends it after the commit, with retries spaced out and the reason of each failure kept.

A person reads and marks only their own notices: every read and write here is filtered by the signed-in
account, and another's notice is answered as absent."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from office import audit, mail
from office.accounts import Actor, require
from office.errors import Forbidden, NotFound, Refused
from store import models

KINDS = {"mo_dot": "Mở đợt tự đánh giá", "gia_han": "Gia hạn", "nop": "Đơn vị nộp tự đánh giá",
         "yeu_cau_bo_sung": "Yêu cầu bổ sung", "tra_loi_bo_sung": "Trả lời yêu cầu bổ sung",
         "hoan_tat_tham_dinh": "Hoàn tất thẩm định", "cong_bo": "Công bố kết quả", "sap_het_han": "Sắp hết hạn",
         "bao_cao": "Báo cáo định kỳ", "hoi_dong": "Hội đồng thi đua"}
EMAIL_STATES = {"khong": "Không gửi", "cho": "Chờ gửi", "dang_gui": "Đang gửi", "da_gui": "Đã gửi", "loi": "Gửi lỗi"}
TITLE_MAX, TEXT_MAX = 300, 1_000
PER_PAGE = 50
MAX_ATTEMPTS = 6
RETRY_FIRST = timedelta(minutes=5)  # then 15, 45 minutes, 2¼ and 6¾ hours: a day's outage is survived
STALE_SENDING = timedelta(minutes=15)  # a sender that died mid-message: its claim is taken over after this


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _short(text, limit: int, one_line: bool = False) -> str:
    """Text of a notice: NFC, without control or direction characters, one line for a title (it becomes an
    e-mail subject: a line break there would be a header of its own), cut to ``limit`` with an ellipsis."""
    text = unicodedata.normalize("NFC", str(text or ""))
    keep = "" if one_line else "\n"
    text = "".join(c if unicodedata.category(c)[0] != "C" or c in keep else " " for c in text)
    text = " ".join(text.split()) if one_line else "\n".join(" ".join(line.split()) for line in text.splitlines())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _internal(link: str) -> str:
    """A link inside the portal only: a path, never another site (the list page sends people there)."""
    link = (link or "").strip()
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link or not link.isascii()
                 or any(c.isspace() or not c.isprintable() for c in link) or len(link) > 500):
        raise ValueError(f"liên kết thông báo phải là một đường dẫn trong Cổng CCHC: {link[:80]!r}")
    return link


# --- Writing notices (inside the caller's transaction) ------------------------------------------------------


def notify_accounts(s: Session, account_ids: Iterable[int], kind: str, title: str, text: str = "", link: str = "",
                    key: str | None = None, when: datetime | None = None) -> int:
    """A notice to each active account of ``account_ids``; with ``key``, none to an account that already had
    one with that key (a reminder sent once). Returns how many were written."""
    if kind not in KINDS:
        raise ValueError(f"loại thông báo không có: {kind}")
    ids = sorted({int(i) for i in account_ids if i})
    if not ids:
        return 0
    title, text, link = _short(title, TITLE_MAX, one_line=True), _short(text, TEXT_MAX), _internal(link)
    key = key[:200] if key else None
    A, N = models.Account, models.Notification
    made = 0
    mail_on, when = mail.configured(), when or _now()
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        rows = s.execute(select(A.id, A.email).where(A.id.in_(chunk), A.disabled.is_(False))).all()
        had = set(s.scalars(select(N.account_id).where(N.key == key, N.account_id.in_(chunk)))) if key else set()
        new = [{"account_id": account_id, "kind": kind, "title": title, "text": text, "link": link, "created_at": when,
                "read_at": None, "key": key, "email_to": email if email and mail_on else "",
                "email_state": "cho" if email and mail_on else "khong", "email_attempts": 0, "email_error": ""}
               for account_id, email in rows if account_id not in had]
        if new:  # one executemany: a round opened for a thousand officers is one statement, not a thousand objects
            s.execute(insert(N), new)
            made += len(new)
    return made


def unit_accounts(s: Session, unit_ids: Iterable[int]) -> list[int]:
    """The active officers of these units."""
    ids = sorted({int(u) for u in unit_ids if u})
    if not ids:
        return []
    A = models.Account
    return list(s.scalars(select(A.id).where(A.role == "don_vi", A.unit_id.in_(ids), A.disabled.is_(False))))


def notify_unit(s: Session, unit_id: int, kind: str, title: str, text: str = "", link: str = "",
                key: str | None = None) -> int:
    """A notice to every active officer of one unit."""
    return notify_accounts(s, unit_accounts(s, [unit_id]), kind, title, text, link, key)


def notify_units(s: Session, unit_ids: Iterable[int], kind: str, title: str, text: str = "", link: str = "",
                 key: str | None = None) -> int:
    return notify_accounts(s, unit_accounts(s, unit_ids), kind, title, text, link, key)


def notify_role(s: Session, role: str, kind: str, title: str, text: str = "", link: str = "",
                key: str | None = None) -> int:
    """A notice to every active account of a role (``quan_tri``: the office)."""
    A = models.Account
    ids = s.scalars(select(A.id).where(A.role == role, A.disabled.is_(False)))
    return notify_accounts(s, ids, kind, title, text, link, key)


def notify_usernames(s: Session, usernames: Iterable[str], kind: str, title: str, text: str = "", link: str = "",
                     key: str | None = None, fallback_role: str | None = None) -> int:
    """A notice to the named accounts; to ``fallback_role`` when none of them is an active account any more."""
    A = models.Account
    names = sorted({n for n in usernames if n})
    ids = list(s.scalars(select(A.id).where(A.username.in_(names), A.disabled.is_(False)))) if names else []
    if not ids and fallback_role:
        return notify_role(s, fallback_role, kind, title, text, link, key)
    return notify_accounts(s, ids, kind, title, text, link, key)


# --- Reading and marking one's own ---------------------------------------------------------------------------


@dataclass
class Page:
    items: list[models.Notification]
    unread: int
    total: int
    page: int
    pages: int
    email: str | None


def _own(actor: Actor) -> int:
    if actor is None or actor.account_id is None:
        raise Forbidden("hãy đăng nhập")
    return actor.account_id


def unread_count(engine: Engine, actor: Actor) -> int:
    """How many of one's notices are unread (the header's count)."""
    N = models.Notification
    with Session(engine) as s:
        return s.scalar(select(func.count(N.id)).where(N.account_id == _own(actor), N.read_at.is_(None))) or 0


def mine(engine: Engine, actor: Actor, page=1, per_page: int = PER_PAGE) -> Page:
    """One's notices, newest first, a page at a time."""
    from office.rounds import as_id  # rounds notifies: imported here, not at the top, to avoid a cycle

    account_id = _own(actor)
    page = as_id(page) or 1
    N = models.Notification
    with Session(engine, expire_on_commit=False) as s:
        total = s.scalar(select(func.count(N.id)).where(N.account_id == account_id)) or 0
        unread = s.scalar(select(func.count(N.id)).where(N.account_id == account_id, N.read_at.is_(None))) or 0
        pages = max(1, math.ceil(total / per_page))
        page = min(page, pages)
        items = list(s.scalars(select(N).where(N.account_id == account_id).order_by(N.id.desc())
                               .offset((page - 1) * per_page).limit(per_page)))
        email = s.scalar(select(models.Account.email).where(models.Account.id == account_id))
    return Page(items, unread, total, page, pages, email)


def mark_read(engine: Engine, actor: Actor, notification_id) -> str:
    """Mark one of one's notices read; returns its link. Another's notice is as absent as one that never was."""
    from office.rounds import as_id

    account_id = _own(actor)
    number = as_id(notification_id)
    with Session(engine) as s, s.begin():
        row = s.get(models.Notification, number) if number is not None else None
        if row is None or row.account_id != account_id:
            raise NotFound("không có thông báo này", "notification")
        if row.read_at is None:
            row.read_at = _now()
            audit.record(s, actor, "doc_thong_bao", f"thông báo {row.id}", {"read": False}, {"read": True})
        return row.link


def mark_all_read(engine: Engine, actor: Actor) -> int:
    """Mark every unread notice of one's own read; returns how many."""
    account_id = _own(actor)
    N = models.Notification
    with Session(engine) as s, s.begin():
        done = s.execute(update(N).where(N.account_id == account_id, N.read_at.is_(None))
                         .values(read_at=_now())).rowcount
        if done:
            audit.record(s, actor, "doc_het_thong_bao", f"tài khoản {actor.username}", None, {"read": done})
    return done


def set_email(engine: Engine, actor: Actor, username: str, email: str | None) -> str | None:
    """The e-mail address notices are sent to: one's own, or anyone's by the office; empty removes it."""
    if actor is None:
        raise Forbidden("hãy đăng nhập")
    name = (username or "").strip().lower()
    if name != actor.username:
        require(actor, "quan_tri")
    address = mail.clean_address(email) if (email or "").strip() else None
    with Session(engine) as s, s.begin():
        acc = s.scalar(select(models.Account).where(models.Account.username == name))
        if acc is None:
            raise NotFound(f"không có tài khoản «{username}»", "username")
        before, acc.email = acc.email, address
        if before != address:
            audit.record(s, actor, "doi_email", f"tài khoản {acc.username}", {"email": before}, {"email": address})
    return address


# --- The outbox ----------------------------------------------------------------------------------------------


@dataclass
class Outbox:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # still to be tried (later, or a failed one with tries left)
    problem: str = ""  # why nothing could be tried (no SMTP configured, a wrong setting)
    errors: list[str] | None = None


def _due(state: str, attempts: int, tried: datetime | None, now: datetime) -> bool:
    if attempts >= MAX_ATTEMPTS:
        return False
    if state in ("cho", "loi"):
        return tried is None or tried + RETRY_FIRST * 3 ** max(attempts - 1, 0) <= now
    return state == "dang_gui" and (tried is None or tried + STALE_SENDING <= now)


def send_waiting(engine: Engine, settings: mail.SmtpSettings | None = None, now: datetime | None = None,
                 limit: int = 1_000, base_url: str | None = None) -> Outbox:
    """Send the e-mails waiting in the outbox, outside any use case's transaction: each is claimed first (a
    second sender running at the same time skips it), then sent, then marked sent or failed with the reason.
    A failed one is tried again by a later run, spaced out, up to ``MAX_ATTEMPTS`` times. It goes to the
    account's address as it is when sent (changed since: the new one), never to a locked account. Without SMTP
    configured nothing is tried and nothing fails."""
    try:
        settings = settings if settings is not None else mail.settings_from_env()
    except Refused as err:
        return Outbox(problem=err.message)
    if settings is None:
        return Outbox(problem="chưa cấu hình máy chủ SMTP (CCHC_SMTP_HOST): thông báo chỉ hiện trong Cổng CCHC")
    now = now or _now()
    N, A = models.Notification, models.Account
    with Session(engine) as s:
        candidates = s.execute(select(N.id, N.email_state, N.email_attempts, N.email_tried_at)
                               .where(N.email_state.in_(("cho", "loi", "dang_gui")), N.email_attempts < MAX_ATTEMPTS)
                               .order_by(N.id)).all()
    due = [(i, st, n) for i, st, n, tried in candidates if _due(st, n, tried, now)][:limit]
    outcome = Outbox(errors=[])
    conn, down = None, ""
    try:
        for number, state, attempts in due:
            with Session(engine) as s, s.begin():
                claimed = s.execute(update(N).where(N.id == number, N.email_state == state,
                                                    N.email_attempts == attempts)
                                    .values(email_state="dang_gui", email_attempts=attempts + 1,
                                            email_tried_at=now)).rowcount
                if not claimed:
                    continue
                row = s.execute(select(N.title, N.text, N.link, A.full_name, A.email.label("email_to"), A.disabled)
                                .join(A, A.id == N.account_id).where(N.id == number)).one()
            if row.disabled or not row.email_to:  # locked, or the address removed, since the notice was written
                _mark(engine, number, "khong", "tài khoản đã khóa" if row.disabled else "tài khoản không còn e-mail",
                      None)
                continue
            try:
                if down:
                    raise mail.MailError(down, connection=True)
                if conn is None:
                    conn = mail.connect(settings)
                mail.deliver(conn, mail.message(settings, row.email_to, row.full_name, row.title, row.text, row.link,
                                                base_url))
            except mail.MailError as err:
                if err.connection:
                    down, conn = err.reason, _closed(conn)
                _mark(engine, number, "loi", err.reason, None, row.email_to)
                outcome.failed += 1
                outcome.errors.append(f"thông báo {number} → {row.email_to}: {err.reason}")
            else:
                _mark(engine, number, "da_gui", "", _now(), row.email_to)
                outcome.sent += 1
    finally:
        _closed(conn)
    with Session(engine) as s:
        outcome.waiting = s.scalar(select(func.count(N.id)).where(N.email_state.in_(("cho", "loi", "dang_gui")),
                                                                  N.email_attempts < MAX_ATTEMPTS)) or 0
    return outcome


def _mark(engine: Engine, number: int, state: str, error: str, sent_at: datetime | None, to: str | None = None) -> None:
    N = models.Notification
    values = {"email_state": state, "email_error": error[:500], "email_sent_at": sent_at}
    if to:
        values["email_to"] = to  # the address it went to: the account's at the time of sending
    with Session(engine) as s, s.begin():
        s.execute(update(N).where(N.id == number).values(**values))


def _closed(conn) -> None:
    if conn is not None:
        try:
            conn.quit()
        except Exception:  # noqa: BLE001 - a connection already gone is closed all the same
            conn.close()
    return None


def outbox_rows(engine: Engine, actor: Actor, limit: int = 200) -> list[tuple]:
    """The e-mails not sent (waiting or failed), newest first, with the reason: for the office."""
    require(actor, "quan_tri")
    N, A = models.Notification, models.Account
    with Session(engine) as s:
        return list(s.execute(select(N.id, A.username, N.email_to, N.title, N.email_state, N.email_attempts,
                                     N.email_error, N.created_at).join(A, A.id == N.account_id)
                              .where(N.email_state.in_(("cho", "loi", "dang_gui"))).order_by(N.id.desc())
                              .limit(limit)).all())
