"""Accounts, passwords and sessions of the portal.

Passwords are hashed with argon2 and never stored, logged or audited in clear. A session is a random id
kept on the server with its expiry (the cookie only carries it, signed); signing in always makes a new id,
so an id planted before sign-in is worth nothing after. Sign-ins are throttled per account and per
address."""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.orm import Session

from office import audit, evidence, mail
from office.errors import Forbidden, NotFound, Refused
from store import models
from store.db import insert_missing

ROLES = {"quan_tri": "Quản trị (văn phòng)", "don_vi": "Cán bộ đơn vị", "tham_dinh": "Thẩm định viên",
         "hoi_dong": "Thành viên hội đồng"}
SESSION_HOURS = 8
ACCOUNT_FAILURES, ACCOUNT_LOCK = 5, timedelta(minutes=15)  # a guessed password: 5 tries, then a quarter hour
IP_FAILURES, IP_WINDOW = 30, timedelta(minutes=15)  # one address trying many accounts
MIN_PASSWORD = 10
ACCOUNT_LOCKED = ("tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; hãy thử lại sau 15 phút hoặc nhờ quản trị đặt "
                  "lại mật khẩu")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("không-phải-mật-khẩu-thật")  # an unknown name costs as much time as a known one


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the use cases check it: role, unit (officers), assigned units (appraisers)."""

    username: str
    role: str
    account_id: int | None = None
    full_name: str = ""
    unit_id: int | None = None
    unit_code: str | None = None
    assigned: frozenset[str] = field(default_factory=frozenset)
    ip: str = ""
    must_change_password: bool = False

    def with_ip(self, ip: str) -> "Actor":
        return Actor(self.username, self.role, self.account_id, self.full_name, self.unit_id, self.unit_code,
                     self.assigned, ip, self.must_change_password)

    def sees_unit(self, code: str) -> bool:
        if self.role in ("quan_tri", "hoi_dong"):
            return True
        if self.role == "tham_dinh":
            return not self.assigned or code in self.assigned
        return self.role == "don_vi" and self.unit_code == code


SYSTEM = Actor("he-thong", "quan_tri")  # the command line and the demo act as the office


def require(actor: Actor, *roles: str) -> None:
    if actor is None or actor.role not in roles:
        raise Forbidden(f"thao tác này dành cho: {', '.join(ROLES[r] for r in roles)}")


BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_text(text, field: str, label: str, limit: int) -> str:
    """Text people type (names, reasons, answers): NFC, trimmed, at most ``limit`` characters, without control
    or direction-changing characters (which make a name show as another); line breaks and tabs kept."""
    text = unicodedata.normalize("NFC", str(text or ""))
    if any(c in BIDI or unicodedata.category(c) in ("Cc", "Co", "Cs") and c not in "\n\r\t" for c in text):
        raise Refused(f"{label} chứa ký tự điều khiển hoặc ký tự đổi chiều chữ, không nhận", field)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").strip()  # zero-width marks pasted along
    if len(text) > limit:
        raise Refused(f"{label} quá dài (tối đa {limit:,} ký tự)".replace(",", "."), field)
    return text


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def check_password(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused(f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự", "password")
    if username and username.lower() in password.lower():
        raise Refused("mật khẩu không được chứa tên đăng nhập", "password")
    if password.isdigit() or password.isalpha():
        raise Refused("mật khẩu phải có cả chữ và số hoặc ký hiệu", "password")


def initial_password() -> str:
    """Fourteen random letters and digits, drawn again until both kinds are in it (the password rule)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I to misread on paper
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(14))
        if not (password.isdigit() or password.isalpha()):
            return password


def _actor(s: Session, acc: models.Account, ip: str = "") -> Actor:
    unit_code = s.scalar(select(models.Unit.code).where(models.Unit.id == acc.unit_id)) if acc.unit_id else None
    assigned = frozenset(c for c in acc.assigned_units.split(",") if c)
    return Actor(acc.username, acc.role, acc.id, acc.full_name, acc.unit_id, unit_code, assigned, ip,
                 acc.must_change_password)


def _view(acc: models.Account, unit_code: str | None) -> dict:
    return {"username": acc.username, "full_name": acc.full_name, "role": acc.role, "unit": unit_code,
            "assigned_units": acc.assigned_units, "disabled": acc.disabled,
            "must_change_password": acc.must_change_password, "email": acc.email}


def _clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not name or len(name) > 60 or not all(c.isalnum() or c in "._-" for c in name) or not name.isascii():
        raise Refused("tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (tối đa 60 ký tự)", "username")
    return name


def create_account(engine: Engine, actor: Actor, username: str, full_name: str, role: str,
                   unit: str | None = None, assigned_units: str = "", password: str | None = None,
                   email: str | None = None) -> str:
    """A new account (the office only); returns its initial password, to be changed at first sign-in.
    ``email``: where its notifications are also sent, when SMTP is configured (optional)."""
    require(actor, "quan_tri")
    with Session(engine) as s, s.begin():
        return _add_account(s, actor, username, full_name, role, unit, assigned_units, password, email)


def _add_account(s: Session, actor: Actor, username: str, full_name: str, role: str, unit: str | None,
                 assigned_units: str, password: str | None, email: str | None) -> str:
    """``create_account`` within the caller's transaction: a list of accounts is written whole or not at all."""
    name = _clean_username(username)
    email = mail.clean_address(email) if (email or "").strip() else None
    full_name = clean_text(full_name, "full_name", "họ và tên", 200)
    if not full_name:
        raise Refused("họ và tên không được để trống", "full_name")
    if role not in ROLES:
        raise Refused(f"vai trò «{role}» không có (chọn: {', '.join(ROLES)})", "role")
    password = password or initial_password()
    check_password(password, name)
    if s.scalar(select(models.Account.id).where(models.Account.username == name)):
        raise Refused(f"tên đăng nhập «{name}» đã có", "username")
    unit_id = None
    if role == "don_vi":
        unit_id = s.scalar(select(models.Unit.id).where(models.Unit.code == (unit or "").strip()))
        if unit_id is None:
            raise Refused(f"đơn vị «{unit or ''}» không có trong danh mục (cán bộ đơn vị phải thuộc một đơn vị)",
                          "unit")
    codes = [c.strip() for c in (assigned_units or "").replace(";", ",").split(",") if c.strip()]
    if codes:
        if role != "tham_dinh":
            raise Refused("chỉ thẩm định viên được phân công đơn vị", "assigned_units")
        known = set(s.scalars(select(models.Unit.code).where(models.Unit.code.in_(codes))))
        if missing := [c for c in codes if c not in known]:
            raise Refused(f"đơn vị phân công không có: {', '.join(missing)}", "assigned_units")
    acc = models.Account(username=name, full_name=full_name, role=role, unit_id=unit_id,
                         assigned_units=",".join(codes), password_hash=_hasher.hash(password),
                         must_change_password=True, disabled=False, failed_logins=0, created_at=_now(),
                         email=email)
    s.add(acc)
    s.flush()
    audit.record(s, actor, "tao_tai_khoan", f"tài khoản {name}", None, _view(acc, unit))
    return password


def list_accounts(engine: Engine, actor: Actor) -> pd.DataFrame:
    require(actor, "quan_tri")
    A, U = models.Account, models.Unit
    with Session(engine) as s:
        rows = s.execute(select(A.id, A.username, A.full_name, A.role, U.code, A.assigned_units, A.disabled,
                                A.must_change_password, A.locked_until, A.email)
                         .outerjoin(U, U.id == A.unit_id).order_by(A.role, A.username)).all()
    frame = pd.DataFrame(rows, columns=["id", "username", "full_name", "role", "unit", "assigned_units", "disabled",
                                        "must_change_password", "locked_until", "email"])
    # no unit, no address: empty text, never the float NaN pandas puts among strings (a page showed «nan»)
    frame[["unit", "email"]] = frame[["unit", "email"]].fillna("")
    return frame


def _account(s: Session, username: str) -> models.Account:
    acc = s.scalar(select(models.Account).where(models.Account.username == (username or "").strip().lower()))
    if acc is None:
        raise NotFound(f"không có tài khoản «{username}»", "username")
    return acc


def set_disabled(engine: Engine, actor: Actor, username: str, disabled: bool = True) -> None:
    require(actor, "quan_tri")
    with Session(engine) as s, s.begin():
        acc = _account(s, username)
        if acc.username == actor.username and disabled:
            raise Refused("không tự khóa tài khoản của chính mình", "username")
        before = acc.disabled
        acc.disabled = disabled
        if disabled:
            s.execute(delete(models.WebSession).where(models.WebSession.account_id == acc.id))
        audit.record(s, actor, "khoa_tai_khoan" if disabled else "mo_tai_khoan", f"tài khoản {acc.username}",
                     {"disabled": before}, {"disabled": disabled})


def reset_password(engine: Engine, actor: Actor, username: str) -> str:
    """A new initial password (returned once), to be changed at next sign-in; the account is unlocked."""
    require(actor, "quan_tri")
    password = initial_password()
    with Session(engine) as s, s.begin():
        acc = _account(s, username)
        acc.password_hash, acc.must_change_password = _hasher.hash(password), True
        acc.failed_logins, acc.locked_until = 0, None
        s.execute(delete(models.WebSession).where(models.WebSession.account_id == acc.id))
        audit.record(s, actor, "dat_lai_mat_khau", f"tài khoản {acc.username}", None, {"must_change_password": True})
    return password


def change_password(engine: Engine, actor: Actor, old: str, new: str, repeat: str,
                    keep_session: str | None = None, now: datetime | None = None) -> None:
    """A new password of one's own; every other session of the account ends (someone who had the old password
    and signed in elsewhere is out), the one named ``keep_session`` stays. A wrong current password counts as a
    wrong sign-in of the account: a session left open is no way to guess it without end."""
    now = now or _now()
    with Session(engine) as s, s.begin():
        acc = s.get(models.Account, actor.account_id) if actor.account_id else None
        if acc is None or acc.disabled:
            raise Forbidden()
        if acc.locked_until and acc.locked_until > now:
            raise Refused(ACCOUNT_LOCKED, "old_password")
        good = _verify(acc.password_hash, old)
        if not good:
            _one_more(acc, "failed_logins", "failed_at", now)
    # the failure is committed before the refusal: the lock must count it
    if not good:
        raise Refused("mật khẩu hiện tại không đúng", "old_password")
    with Session(engine) as s, s.begin():
        acc = s.get(models.Account, actor.account_id)
        if new != repeat:
            raise Refused("hai lần nhập mật khẩu mới không khớp", "repeat")
        if new == old:
            raise Refused("mật khẩu mới phải khác mật khẩu hiện tại", "new_password")
        check_password(new, acc.username)
        acc.password_hash, acc.must_change_password = _hasher.hash(new), False
        acc.failed_logins = 0
        s.execute(delete(models.WebSession).where(models.WebSession.account_id == acc.id,
                                                  models.WebSession.id != (keep_session or "")))
        audit.record(s, actor, "doi_mat_khau", f"tài khoản {acc.username}", None, {"must_change_password": False})


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignedIn:
    session_id: str
    actor: Actor
    expires_at: datetime


def login(engine: Engine, username: str, password: str, ip: str = "", hours: float = SESSION_HOURS,
          now: datetime | None = None) -> SignedIn:
    """Check the password (throttled per account and per address) and open a new session."""
    now = now or _now()
    name = (username or "").strip().lower()
    A = models.Account
    with Session(engine) as s, s.begin():
        throttle = s.get(models.LoginThrottle, ip or "-")
        if throttle and throttle.locked_until and throttle.locked_until > now:
            raise Refused("địa chỉ này đăng nhập sai quá nhiều lần; hãy thử lại sau ít phút", "username")
        # The name's row is taken (PostgreSQL's row lock, SQLite's write lock) and this try counted as a wrong one
        # before its password is checked, in a short transaction of its own: tries sent at once follow one another,
        # and those past the limit are refused unchecked. Counted after the check, a burst of tries sent together
        # all had their passwords checked before the first of them could lock the name.
        s.execute(update(A).where(A.username == name).values(failed_logins=A.failed_logins))
        acc = s.scalar(select(A).where(A.username == name).execution_options(populate_existing=True))
        # a name no account has is locked as an account is, or the lock would tell which names exist
        held = acc if acc is not None else _taken(s, _name_key(name), now)
        locked = bool(held.locked_until and held.locked_until > now)
        if not locked:
            if acc is not None:
                _one_more(acc, "failed_logins", "failed_at", now)
            else:
                _one_more(held, "failures", "window_start", now)
        hashed, account_id = (acc.password_hash, acc.id) if acc is not None else (_DUMMY_HASH, None)
        usable = acc is not None and not acc.disabled
    if locked:
        _verify(_DUMMY_HASH, password or "")  # answered no sooner than a checked password
        raise Refused(ACCOUNT_LOCKED, "username")
    ok = _verify(hashed, password or "") and usable
    if not ok:
        with Session(engine) as s, s.begin():
            _failed(s, ip or "-", now)
            audit.record(s, Actor(name[:60] or "?", "", ip=ip), "dang_nhap_sai", f"tài khoản {name[:60]}")
    # a failure is recorded (committed) before the refusal: the throttle must count it
    if not ok:
        raise Refused("tên đăng nhập hoặc mật khẩu không đúng", "password")
    with Session(engine) as s, s.begin():
        acc = s.get(models.Account, account_id)
        acc.failed_logins, acc.locked_until = 0, None
        sid = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=hours)
        s.add(models.WebSession(id=sid, account_id=acc.id, created_at=now, expires_at=expires, ip=ip or ""))
        s.execute(delete(models.WebSession).where(models.WebSession.expires_at < now))
        actor = _actor(s, acc, ip)
        audit.record(s, actor, "dang_nhap", f"tài khoản {acc.username}")
        return SignedIn(sid, actor, expires)


def _name_key(name: str) -> str:
    """The throttle row of a name no account has (never an address: «ten:» is not one)."""
    return "ten:" + hashlib.sha256(name.encode()).hexdigest()[:40]


def _one_more(row, attr: str, last: str, now: datetime) -> None:
    """One more wrong password of an account (``failed_logins``, the last at ``failed_at``) or of a name no account
    has (its throttle row's ``failures``, the last at ``window_start``): the fifth within a quarter hour of the one
    before locks it for a quarter hour."""
    if getattr(row, last) is None or now - getattr(row, last) > ACCOUNT_LOCK:
        setattr(row, attr, 0)
    setattr(row, attr, getattr(row, attr) + 1)
    setattr(row, last, now)
    if getattr(row, attr) >= ACCOUNT_FAILURES:
        row.locked_until = now + ACCOUNT_LOCK
        setattr(row, attr, 0)


def _failed(s: Session, ip: str, now: datetime) -> None:
    """A wrong password from ``ip`` (the name's own count was taken before the check, ``login``)."""
    # Rows whose window and lock have passed count for nothing (an address's window starts again, a name's
    # failures are forgotten): deleted at every failure, of a known name or not, so that the rows of names tried
    # once each do not pile up and the work done does not tell the two apart.
    T = models.LoginThrottle
    s.execute(delete(T).where(T.window_start < now - max(ACCOUNT_LOCK, IP_WINDOW),
                              or_(T.locked_until.is_(None), T.locked_until <= now)))
    # the address's row taken (and read again) first: wrong passwords sent at once each count, none lost to
    # another's write, and the first ones of an address never both insert its row
    row = _taken(s, ip, now)
    if now - row.window_start > IP_WINDOW:
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= IP_FAILURES:
        row.locked_until = now + IP_WINDOW


def _taken(s: Session, key: str, now: datetime) -> models.LoginThrottle:
    """The throttle row of ``key`` (an address, or a name no account has), made when missing, taken for this
    transaction and read as it is now."""
    T = models.LoginThrottle
    while True:
        insert_missing(s, T, ip=key, failures=0, window_start=now)
        row = s.scalar(select(T).where(T.ip == key).with_for_update().execution_options(populate_existing=True))
        if row is not None:  # (else deleted as passed by another failure meanwhile: made again)
            return row


def session_actor(engine: Engine, session_id: str | None, ip: str = "", now: datetime | None = None) -> Actor | None:
    """The signed-in person of a session id, or None when it is unknown, expired or the account disabled."""
    if not session_id:
        return None
    now = now or datetime.now()
    with Session(engine) as s:
        row = s.get(models.WebSession, session_id)
        if row is None or row.expires_at <= now:
            return None
        acc = s.get(models.Account, row.account_id)
        if acc is None or acc.disabled:
            return None
        return _actor(s, acc, ip)


def logout(engine: Engine, session_id: str | None) -> None:
    if session_id:
        with Session(engine) as s, s.begin():
            s.execute(delete(models.WebSession).where(models.WebSession.id == session_id))


# --- Lists of accounts from Excel ----------------------------------------------------------------------

IMPORT_HEADERS = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị", "Đơn vị phân công", "E-mail"]
IMPORT_EXAMPLE = [["canbo.skhcn", "Nguyễn Văn An", "don_vi", "SKHCN", "", "an.nv@skhcn.laichau.gov.vn"],
                  ["thamdinh.01", "Trần Thị Bình", "tham_dinh", "", "SKHCN, STP", ""]]


LIST_BYTES = 2_000_000  # a province's every account fits in a tenth of this


def read_list(actor: Actor, data: bytes, name: str) -> pd.DataFrame:
    """An uploaded list of accounts (``data``: at most LIST_BYTES + 1 of its bytes) as its rows of text (the office
    only: reading a spreadsheet costs seconds and memory, which nobody else may make the portal spend)."""
    require(actor, "quan_tri")
    if len(data) > LIST_BYTES:
        raise Refused(f"{name}: tệp danh sách tài khoản lớn hơn {LIST_BYTES // 1_000_000} MB; chia thành nhiều tệp",
                      "file")
    if data.startswith(b"PK\x03\x04"):
        try:
            # the archive looked at first, as an evidence file is: a list of a megabyte and a half packed from
            # gigabytes of one letter held gigabytes of the portal's memory and a CPU for a minute while read
            evidence.detect(data)
        except evidence.BadFile as err:
            raise Refused(f"{name}: {err}", "file") from None
    try:
        return pd.read_excel(io.BytesIO(data), dtype=object)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same refusal
        raise Refused(f"{name}: không đọc được tệp Excel danh sách tài khoản (dùng mẫu .xlsx)", "file") from None


def import_accounts(engine: Engine, actor: Actor, frame: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """Accounts from a list (the template's columns); every row is checked before any is written. Returns
    (username, role, unit, initial password) per row."""
    require(actor, "quan_tri")
    missing = [h for h in IMPORT_HEADERS[:3] if h not in frame.columns]
    if missing:
        raise Refused(f"thiếu cột: {', '.join(missing)} (dùng mẫu danh sách tài khoản)", "file")
    frame = frame.fillna("").astype(str)
    names = [_clean_username(u) for u in frame["Tên đăng nhập"]]
    if len(set(names)) != len(names):
        raise Refused("danh sách có tên đăng nhập trùng nhau", "Tên đăng nhập")
    with Session(engine) as s:
        taken = set(s.scalars(select(models.Account.username).where(models.Account.username.in_(names))))
        units = set(s.scalars(select(models.Unit.code)))
    problems = []
    for i, (name, row) in enumerate(zip(names, frame.to_dict("records")), start=2):
        if name in taken:
            problems.append(f"dòng {i}: tên đăng nhập «{name}» đã có")
        if row["Vai trò"].strip() not in ROLES:
            problems.append(f"dòng {i}: vai trò «{row['Vai trò']}» không có (chọn: {', '.join(ROLES)})")
        if row["Vai trò"].strip() == "don_vi" and row.get("Mã đơn vị", "").strip() not in units:
            problems.append(f"dòng {i}: đơn vị «{row.get('Mã đơn vị', '')}» không có trong danh mục")
        if not row["Họ và tên"].strip():
            problems.append(f"dòng {i}: họ và tên không được để trống")
        if row.get("E-mail", "").strip():
            try:
                mail.clean_address(row["E-mail"])
            except Refused as err:
                problems.append(f"dòng {i}, cột E-mail: {err.message}")
    if problems:
        raise Refused("; ".join(problems), "file")
    made = []
    # One transaction: a row refused when written (a name too long, an appraiser's unknown unit) leaves none
    # of the list written, nor the earlier rows' accounts without their passwords ever shown.
    with Session(engine) as s, s.begin():
        for i, (name, row) in enumerate(zip(names, frame.to_dict("records")), start=2):
            unit = row.get("Mã đơn vị", "").strip() or None
            try:
                password = _add_account(s, actor, name, row["Họ và tên"], row["Vai trò"].strip(), unit,
                                        row.get("Đơn vị phân công", ""), None, row.get("E-mail", ""))
            except Refused as err:
                problems.append(f"dòng {i}: {err.message}")
                continue
            made.append((name, row["Vai trò"].strip(), unit or "", password))
        if problems:
            raise Refused("; ".join(problems), "file")
    return made


def demo_accounts(engine: Engine, communes: int = 3) -> list[tuple[str, str, str, str]]:
    """The demo province's accounts: an administrator, an officer per department and per a few communes, two
    appraisers and a council member, each with an initial password returned once (to be changed at first
    sign-in). Accounts already there are left as they are."""
    with Session(engine) as s:
        depts = list(s.scalars(select(models.Unit.code).where(models.Unit.kind == "so_nganh").order_by(models.Unit.code)))
        xa = list(s.scalars(select(models.Unit.code).where(models.Unit.kind == "xa_phuong")
                            .order_by(models.Unit.code).limit(communes)))
        taken = set(s.scalars(select(models.Account.username)))
    wanted = [("quantri", "Quản trị Văn phòng Sở Nội vụ", "quan_tri", None)]
    wanted += [(f"donvi.{c.lower()}", f"Cán bộ CCHC {c}", "don_vi", c) for c in depts + xa]
    wanted += [("thamdinh.01", "Thẩm định viên 01", "tham_dinh", None), ("thamdinh.02", "Thẩm định viên 02",
                                                                          "tham_dinh", None),
               ("hoidong.01", "Thành viên Hội đồng 01", "hoi_dong", None)]
    made = []
    for name, full, role, unit in wanted:
        if name not in taken:
            made.append((name, role, unit or "", create_account(engine, SYSTEM, name, full, role, unit)))
    return made
