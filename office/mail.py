"""E-mail of the portal's notifications over SMTP, configured by the environment:

    CCHC_SMTP_HOST      the server (empty: no e-mail at all, notices stay inside the portal)
    CCHC_SMTP_PORT      25 by default; 465 is TLS from the first byte; 587 implies STARTTLS
    CCHC_SMTP_USER      an account on the server (with CCHC_SMTP_PASSWORD), if it asks for one
    CCHC_SMTP_FROM      the sender's address (default: the user, else cchc@<host>)
    CCHC_SMTP_STARTTLS  1/0; by default on for port 587 or when a user is set
    CCHC_PORTAL_URL     the portal's address as people reach it, for the links in the messages

Every failure becomes a ``MailError`` whose reason, in Vietnamese, is what the outbox keeps."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from office.errors import Refused

DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"
TIMEOUT = 20.0
YES, NO = ("1", "true", "yes", "co", "có", "on"), ("0", "false", "no", "khong", "không", "off")


class MailError(Exception):
    """A message was not sent. ``connection``: the server itself could not be reached or went away (every
    other message of the batch would fail the same way)."""

    def __init__(self, reason: str, connection: bool = False):
        self.reason, self.connection = reason[:500], connection
        super().__init__(self.reason)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = False
    timeout: float = TIMEOUT

    @property
    def implicit_tls(self) -> bool:
        return self.port == 465


def configured(env=None) -> bool:
    """Whether e-mail is meant to be sent at all (a host is set): notices are then queued for it."""
    env = os.environ if env is None else env
    return bool((env.get("CCHC_SMTP_HOST") or "").strip())


def settings_from_env(env=None) -> SmtpSettings | None:
    """The SMTP settings, or None when no server is configured; a wrong value is refused naming the variable."""
    env = os.environ if env is None else env
    host = (env.get("CCHC_SMTP_HOST") or "").strip()
    if not host:
        return None
    raw_port = (env.get("CCHC_SMTP_PORT") or "").strip()
    if raw_port and not (raw_port.isascii() and raw_port.isdigit() and 0 < int(raw_port) < 65536):
        raise Refused(f"CCHC_SMTP_PORT «{raw_port[:20]}» không phải số cổng (1–65535)", "CCHC_SMTP_PORT")
    port = int(raw_port or 25)
    user = (env.get("CCHC_SMTP_USER") or "").strip()
    raw_tls = (env.get("CCHC_SMTP_STARTTLS") or "").strip().lower()
    if raw_tls and raw_tls not in YES + NO:
        raise Refused(f"CCHC_SMTP_STARTTLS «{raw_tls[:20]}» phải là 1 hoặc 0", "CCHC_SMTP_STARTTLS")
    starttls = raw_tls in YES if raw_tls else (port == 587 or bool(user)) and port != 465
    sender = (env.get("CCHC_SMTP_FROM") or "").strip() or (user if "@" in user else f"cchc@{host}")
    try:
        sender = clean_address(sender)
    except Refused:
        raise Refused(f"CCHC_SMTP_FROM «{sender[:80]}» không phải địa chỉ e-mail", "CCHC_SMTP_FROM") from None
    return SmtpSettings(host, port, user, env.get("CCHC_SMTP_PASSWORD") or "", sender, starttls and port != 465)


def portal_url(env=None) -> str:
    env = os.environ if env is None else env
    return ((env.get("CCHC_PORTAL_URL") or "").strip() or DEFAULT_PORTAL_URL).rstrip("/")


# --- Addresses --------------------------------------------------------------------------------------------

_ATOM = set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-")


def clean_address(text) -> str:
    """An e-mail address as typed, checked (ASCII, one @, a dotted domain, no spaces, commas or brackets that
    would add a recipient or a header) and with its domain in lower case; refused naming the field ``email``."""
    raw = str(text or "").strip()
    local, at, domain = raw.rpartition("@")
    labels = domain.lower().split(".")
    ok = (at and 0 < len(local) <= 64 and len(raw) <= 254 and raw.isascii()
          and all(c in _ATOM for c in local.lower().replace(".", "")) and not local.startswith(".")
          and not local.endswith(".") and ".." not in local and len(labels) >= 2
          and all(0 < len(p) <= 63 and p.replace("-", "").isalnum() and not p.startswith("-") and not p.endswith("-")
                  for p in labels) and not labels[-1].isdigit())
    if not ok:
        shown = "".join(c if c.isprintable() else "?" for c in raw[:80])
        raise Refused(f"địa chỉ e-mail «{shown}» không hợp lệ (ví dụ đúng: ten.can.bo@laichau.gov.vn)", "email")
    return f"{local}@{domain.lower()}"


# --- Messages ---------------------------------------------------------------------------------------------


def message(settings: SmtpSettings, to: str, name: str, title: str, text: str, link: str,
            base_url: str | None = None) -> EmailMessage:
    """One notice as an e-mail: Vietnamese subject and body in UTF-8 (the subject encoded per RFC 2047, the
    body quoted-printable, so any server carries it), the link into the portal spelled out in full."""
    base = (base_url or portal_url()).rstrip("/")
    msg = EmailMessage()
    msg["From"] = formataddr(("Cổng CCHC", settings.sender))
    msg["To"] = formataddr((name, to)) if name else to
    msg["Subject"] = f"[Cổng CCHC] {title}"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("thong-bao", settings.sender.rpartition("@")[2])
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a notice
    lines = [f"Kính gửi {name}," if name else "Kính gửi anh/chị,", "", title]
    if text:
        lines += ["", text]
    if link:
        lines += ["", f"Xem trên Cổng CCHC: {base}{link}"]
    lines += ["", "--", "Thư gửi tự động từ Cổng CCHC, xin không trả lời thư này.",
              f"Mọi thông báo của anh/chị: {base}/thong-bao"]
    msg.set_content("\n".join(lines) + "\n", charset="utf-8", cte="quoted-printable")
    return msg


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """A connection to the server, TLS and sign-in done; a password is never sent over a clear connection to
    another machine."""
    where = f"{settings.host}:{settings.port}"
    if settings.user and not (settings.implicit_tls or settings.starttls or _loopback(settings.host)):
        raise MailError("không gửi mật khẩu SMTP qua kết nối không mã hóa (đặt CCHC_SMTP_STARTTLS=1 hoặc dùng cổng 465)",
                        connection=True)
    try:
        if settings.implicit_tls:
            conn = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                    context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            conn.ehlo()
            if settings.starttls:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if settings.user:
                if not conn.has_extn("auth"):
                    raise MailError(f"máy chủ SMTP {where} không nhận đăng nhập (AUTH): bỏ CCHC_SMTP_USER", connection=True)
                conn.login(settings.user, settings.password)
        except BaseException:
            conn.close()
            raise
        return conn
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as err:
        raise MailError(f"máy chủ SMTP {where} từ chối đăng nhập: {_said(err)}", connection=True) from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"máy chủ SMTP {where} không hỗ trợ STARTTLS (đặt CCHC_SMTP_STARTTLS=0 hoặc dùng cổng 465)",
                        connection=True) from None
    except ssl.SSLError as err:
        raise MailError(f"lỗi TLS với máy chủ SMTP {where}: {err.reason or err}", connection=True) from None
    except (socket.timeout, TimeoutError):
        raise MailError(f"máy chủ SMTP {where} không trả lời sau {settings.timeout:g} giây", connection=True) from None
    except socket.gaierror:
        raise MailError(f"không tìm thấy máy chủ SMTP «{settings.host}» (sai tên máy?)", connection=True) from None
    except ConnectionRefusedError:
        raise MailError(f"không kết nối được máy chủ SMTP {where}: máy chủ từ chối kết nối", connection=True) from None
    except (OSError, smtplib.SMTPException) as err:
        raise MailError(f"không kết nối được máy chủ SMTP {where}: {err}", connection=True) from None


def _said(err: smtplib.SMTPResponseException) -> str:
    text = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
    return f"{err.smtp_code} {text}".strip()


def deliver(conn: smtplib.SMTP, msg: EmailMessage) -> None:
    """Send one message over an open connection; its refusal or the connection's loss as a ``MailError``."""
    try:
        refused = conn.send_message(msg)
    except smtplib.SMTPRecipientsRefused as err:
        said = "; ".join(f"{to}: {_said(smtplib.SMTPResponseException(code, text))}"
                         for to, (code, text) in err.recipients.items())
        raise MailError(f"máy chủ SMTP từ chối địa chỉ nhận ({said})") from None
    except smtplib.SMTPSenderRefused as err:
        raise MailError(f"máy chủ SMTP từ chối địa chỉ gửi {err.sender}: {_said(err)}") from None
    except smtplib.SMTPResponseException as err:
        raise MailError(f"máy chủ SMTP không nhận thư: {_said(err)}") from None
    except smtplib.SMTPServerDisconnected as err:
        raise MailError(f"mất kết nối với máy chủ SMTP: {err or 'máy chủ đóng kết nối'}", connection=True) from None
    except smtplib.SMTPException as err:  # before OSError, of which it is a kind
        raise MailError(f"lỗi SMTP: {err}") from None
    except OSError as err:
        raise MailError(f"mất kết nối với máy chủ SMTP: {err}", connection=True) from None
    if refused:
        raise MailError(f"máy chủ SMTP từ chối địa chỉ nhận: {', '.join(refused)}")
