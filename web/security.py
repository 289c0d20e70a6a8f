"""Cookies and forms: signed, expiring session cookies (HttpOnly, SameSite=Lax, Secure behind https), a CSRF
token tied to the session on every form, the secret shared by every worker."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE, VISITOR_COOKIE = "cchc_phien", "cchc_khach"


def load_secret(data_dir: Path) -> str:
    """``CCHC_SECRET_KEY``, else a key made once and kept in the data folder (every worker reads the same)."""
    if key := os.environ.get("CCHC_SECRET_KEY"):
        return key
    path = Path(data_dir) / "khoa-phien.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # the first worker wins; the others read its key
        except FileExistsError:
            pass
        tmp.unlink()
    return path.read_text().strip()


class Cookies:
    def __init__(self, secret: str, max_age: int, secure: bool):
        self.signer = URLSafeTimedSerializer(secret, salt="cchc-phien")
        self.secret, self.max_age, self.secure = secret.encode(), max_age, secure

    def sign(self, value: str) -> str:
        return self.signer.dumps(value)

    def read(self, cookie: str | None, max_age: int | None = None) -> str | None:
        if not cookie:
            return None
        try:
            return self.signer.loads(cookie, max_age=max_age or self.max_age)
        except BadSignature:  # also an expired signature
            return None

    def read_first(self, header: str | None, name: str, max_age: int | None = None) -> str | None:
        """Of the cookies called ``name`` in a request's Cookie header, the value of the first one this key signed.
        A browser sends the cookie of the longest path first (the portal's own prefix), and one set for «/» after
        it — left by the portal once served at the root of the same address, or planted from elsewhere: read
        last-wins, such a cookie would shadow the portal's own (a stale one refusing every form, a valid one of
        someone else's swapping the person into that account)."""
        for part in (header or "").split(";"):
            key, _, value = part.partition("=")
            if key.strip() == name and (found := self.read(value.strip().strip('"'), max_age)) is not None:
                return found
        return None

    def csrf(self, holder: str) -> str:
        return hmac.new(self.secret, b"csrf:" + holder.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, holder: str | None, token: str | None) -> bool:
        return bool(holder and token) and hmac.compare_digest(self.csrf(holder), token)

    def set(self, response, name: str, value: str, max_age: int, path: str = "/") -> None:
        """``path``: the portal's prefix («/ninh-thuan/»), so that a browser never sends it to another province."""
        response.set_cookie(name, self.sign(value), max_age=max_age, httponly=True, samesite="lax",
                            secure=self.secure, path=path)
