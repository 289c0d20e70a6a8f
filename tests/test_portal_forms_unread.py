"""A form with files sent without its token is refused before its files are read, on every route of the portal (the
office's data files have a reader of their own: test_portal_data_upload)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from helpers import units_file
from portal_fixtures import _create, serving, signed_in
from store.ingest import ingest_file

BOUNDARY = "----bien-gioi"


def _send_head(base: str, path: str, cookie: str, head: bytes, length: int) -> bytes:
    """A POST announcing ``length`` bytes of which only ``head`` is sent: what the portal answers within a few
    seconds (b"" when it waits for the rest)."""
    where = urlsplit(base)
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall((f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\nCookie: {cookie}\r\n"
                      f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n")
                     .encode() + head)
        conn.settimeout(5)
        try:
            return conn.recv(4096)
        except socket.timeout:
            return b""


def test_a_file_sent_before_a_good_token_is_refused_before_it_is_read(engine, tmp_path):
    """Guard: web.app._token_before_files reads a multipart form's fields as the body arrives and answers at its
    first file part when no good token came before it. The portal read the whole body into memory, then parsed it
    (a file over 1 MB written to a temporary file on disk) before looking at the token: anyone could make it hold
    and write a forged upload of the largest size allowed."""
    ingest_file(engine, units_file(tmp_path))
    _create(engine, "donvi.skhcn", "don_vi", "SKHCN")
    with serving(engine, tmp_path / "du-lieu", upload_limit=8 * 1024 * 1024) as base:
        unit, token = signed_in(base, "donvi.skhcn")
        cookie = "; ".join(f"{k}={v}" for k, v in unit.cookies.items())
        for before in ("", f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nsai\r\n'):
            head = (before + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
                    "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode() + b"x" * 65536
            answer = _send_head(base, "/tu-danh-gia/1/tai-lieu", cookie, head, 6 * 1024 * 1024)
            assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
        # with its token first, the same form is read whole and reaches the route
        body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="criterion"\r\n\r\nkhong-co\r\n'
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n\r\n--{BOUNDARY}--\r\n").encode()
        sent = unit.post("/tu-danh-gia/1/tai-lieu", content=body,
                         headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert sent.status_code in (400, 404), sent.text[:300]  # the route's own answer: no such round


def test_the_sign_in_form_of_a_returning_visitor_is_never_kept_by_a_shared_cache(engine, tmp_path):
    """Guard: web.app's middleware marks «private, no-store» a visitor's page that says nothing of caching. Only the
    first visit (the visitor's cookie made) was marked: the sign-in form of a returning visitor, holding a token
    tied to their cookie, went out without a word on caching, for a shared cache to keep and hand to others."""
    import httpx

    with serving(engine, tmp_path / "du-lieu") as base:
        visitor = httpx.Client(base_url=base)
        for _ in range(2):
            page = visitor.get("/dang-nhap")
            assert 'name="csrf"' in page.text and page.headers.get("cache-control") == "private, no-store"
        static = visitor.get("/static/style.css")
        assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
