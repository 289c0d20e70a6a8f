"""The portal's application: sessions and CSRF around every request, then each route a thin call into the
office's use cases. ``create_app()`` is the factory uvicorn runs (``cchc serve``).

The same application serves a province at the root of its own address or under a prefix (``/ninh-thuan``,
``web.portal``): every address it writes — links, form actions, redirects, the ``?tiep=`` return path, static
files — is the prefix (``base_of``, the ``base`` of every template) followed by the page's own path, and its
cookies are set for the prefix's path only."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from base.vn import day, number, percent
from office import accounts, evidence, notifications
from office.errors import Conflict, Forbidden, NotFound, Refused
from web.security import SESSION_COOKIE, VISITOR_COOKIE, Cookies, load_secret

HERE = Path(__file__).parent
NOTICE_COOKIE = "cchc_tb"
BODY_SLACK = 256 * 1024  # a form's fields and multipart framing around the largest upload
log = logging.getLogger("cchc.web")


@dataclass
class Settings:
    database_url: str | None = None
    data_dir: Path | None = None
    session_hours: float = accounts.SESSION_HOURS
    https: bool = False  # cookies only over https (behind a TLS-terminating proxy)
    upload_limit: int = evidence.MAX_BYTES
    # the office's data files (``cchc ingest`` through the portal): larger, and only from a signed-in office
    data_upload_limit: int = 200 * 1024 * 1024
    warm_public: bool = True  # read the newest published results at start
    secret_key: str | None = None  # the cookies' key; None: CCHC_SECRET_KEY, else the data folder's own

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(data_dir=Path(os.environ.get("CCHC_DATA_DIR") or "du-lieu"),
                   https=os.environ.get("CCHC_HTTPS", "") in ("1", "true", "yes"),
                   session_hours=float(os.environ.get("CCHC_SESSION_HOURS") or accounts.SESSION_HOURS),
                   data_upload_limit=int(float(os.environ.get("CCHC_DATA_UPLOAD_MB") or 200) * 1024 * 1024))


DATA_UPLOAD_PATH = "/quan-tri/du-lieu/nhap"
CSRF_REFUSED = "Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ biểu mẫu (CSRF). Hãy tải lại trang và gửi lại."


def _office_data(actor, path: str) -> bool:
    """Whether a request is the office's data files, sent to their own address by a signed-in office."""
    return path == DATA_UPLOAD_PATH and getattr(actor, "role", None) == "quan_tri"


def body_limit(settings: Settings, actor, path: str) -> int:
    """How many bytes a request may send: the office's data files may be larger, and only to their own address,
    so that nobody else can make the portal hold such a body."""
    return settings.data_upload_limit if _office_data(actor, path) else settings.upload_limit


def form_token_ok(request: Request, token: str) -> bool:
    """Whether the form's token is this session's: for the one route whose form the middleware leaves unread
    (``DATA_UPLOAD_PATH``), asked by the route before it does anything."""
    holder = getattr(request.state, "csrf_holder", None)
    return bool(holder) and request.app.state.cookies.csrf_ok(holder, token or None)


def base_of(request: Request) -> str:
    """The prefix this portal is served under («/ninh-thuan»), or «» at the root of its address."""
    return request.scope.get("root_path", "").rstrip("/")


def path_of(request: Request) -> str:
    """The page's own path, without the prefix («/tu-danh-gia/3» under «/ninh-thuan/tu-danh-gia/3»)."""
    base, path = base_of(request), request.url.path
    return path[len(base):] if base and path.startswith(base + "/") else path


def cookie_path(request: Request) -> str:
    """The path this portal's cookies are sent on: its prefix only, never another province's."""
    return base_of(request) + "/"


def _came_from(request: Request) -> str:
    """The page of this site (under this portal's prefix) the visitor came from, for a «back» link; else the
    home page."""
    mine = cookie_path(request)
    ref = urlsplit(request.headers.get("referer", ""))
    if ref.netloc == request.url.netloc and ref.path.startswith(mine) and not ref.path.startswith("//"):
        return ref.path + (f"?{ref.query}" if ref.query else "")
    return mine


SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"}


def secured(response: Response) -> None:
    """Every answer of the portal, a province's or the root's: no sniffing, no framing, no foreign sources."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def local_redirect(request: Request, response: Response) -> None:
    """A redirect to this site as a path: Starlette's for a trailing slash names the Host the client sent, which a
    forged Host header makes another site's address (for a cache in between, for everyone)."""
    to = urlsplit(response.headers.get("location", ""))
    if to.netloc and to.netloc == request.url.netloc and to.path.startswith("/") and not to.path.startswith("//"):
        response.headers["location"] = to.path + (f"?{to.query}" if to.query else "")


def _datetime(value) -> str:
    return "" if value is None else f"{value:%d/%m/%Y %H:%M}"


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    settings.data_dir = Path(settings.data_dir or "du-lieu")
    if engine is None:
        from store.db import make_engine, upgrade

        engine = make_engine(settings.database_url)
        upgrade(engine)
    cookies = Cookies(settings.secret_key or load_secret(settings.data_dir), int(settings.session_hours * 3600),
                      settings.https)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True
    env.filters.update(so=lambda v, d=2: number(v, d), ngay=lambda v: "" if v is None else day(v), luc=_datetime,
                       phan_tram=lambda v: percent(v / 100 if v is not None else None))
    env.globals.update(ROLES=accounts.ROLES, came_from=_came_from)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # the newest published results read once, off the event loop, before the first readers ask for them
        if settings.warm_public:
            threading.Thread(target=_warm, args=(engine,), daemon=True, name="cchc-warm").start()
        yield

    app = FastAPI(title="Cổng CCHC", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.engine, app.state.settings, app.state.cookies, app.state.templates = engine, settings, cookies, templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def who_and_csrf(request: Request, call_next):
        ip = request.client.host if request.client else ""
        header = request.headers.get("cookie")
        sid = cookies.read_first(header, SESSION_COOKIE)
        # the session is looked up off the event loop: a database call here would stall every other request
        actor = await run_in_threadpool(accounts.session_actor, engine, sid, ip) if sid else None
        visitor = cookies.read_first(header, VISITOR_COOKIE, max_age=86400)
        new_visitor = None
        if actor is None and visitor is None and request.method == "GET":
            new_visitor = visitor = secrets.token_urlsafe(24)
        holder = sid if actor is not None else visitor
        request.state.actor, request.state.sid, request.state.visitor = actor, sid if actor else None, visitor
        request.state.unread = None
        own_path = path_of(request)
        if actor is not None and request.method == "GET" and not own_path.startswith("/static"):
            # the header's count of unread notices, looked up off the event loop like the session
            request.state.unread = await run_in_threadpool(notifications.unread_count, engine, actor)
        request.state.csrf = cookies.csrf(holder) if holder else ""
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # a body is read (for its CSRF field) before anyone is known: bounded first, refused if too big
            length = request.headers.get("content-length", "")
            if "transfer-encoding" in request.headers:
                # the server would read a chunked body past the length announced (Transfer-Encoding wins): a
                # bound on Content-Length alone would let anyone send a body of any size; no browser sends one
                return PlainTextResponse("Yêu cầu gửi nội dung theo khối (Transfer-Encoding) không được nhận: gửi "
                                         "kèm độ dài nội dung (Content-Length).", status_code=411)
            if not length.isascii() or not length.isdigit():
                return PlainTextResponse("Yêu cầu thiếu độ dài nội dung (Content-Length).", status_code=411)
            limit = body_limit(settings, actor, own_path)
            if int(length) > limit + BODY_SLACK:
                return PlainTextResponse(f"Nội dung gửi lên quá lớn (tối đa {limit // 1048576} MB mỗi lần).",
                                         status_code=413)
            token = request.headers.get("x-csrf-token")
            request.state.csrf_holder = holder
            deferred = (token is None and _office_data(actor, own_path)
                        and request.headers.get("content-type", "").startswith("multipart/form-data"))
            if deferred:
                # the office's data files, sent without a script: the route reads the form part by part, streaming
                # the files to disk, and refuses a file part that comes before a good token (``form_token_ok``);
                # read here, the whole body was held in memory, then parsed twice
                token = ""
            elif token is None and request.headers.get("content-type", "").startswith("multipart/form-data"):
                # a form with files: its fields read as the body arrives, and a file part that comes before a good
                # token refused unread — read whole, a forged upload was held and spooled to disk before its refusal
                try:
                    token = await _token_before_files(request, lambda found: cookies.csrf_ok(holder, found))
                except ClientDisconnect:
                    return Response(status_code=400)
                except ValueError:
                    return PlainTextResponse("Biểu mẫu gửi lên không đọc được.", status_code=400)
            elif token is None and request.headers.get("content-type", "").startswith(
                    "application/x-www-form-urlencoded"):
                try:
                    await request.body()  # kept, so the route reads the same body again
                except ClientDisconnect:  # the sender went away mid-body: nothing to answer, nothing written
                    return Response(status_code=400)
                try:
                    form = await request.form()
                except Exception:  # noqa: BLE001 - a malformed or oversized form is one refusal
                    return PlainTextResponse("Biểu mẫu gửi lên không đọc được.", status_code=400)
                token = form.get("csrf")
            if not deferred and not cookies.csrf_ok(holder, token if isinstance(token, str) else None):
                return PlainTextResponse(CSRF_REFUSED, status_code=403)
        if actor is not None and actor.must_change_password and not own_path.startswith(
                ("/doi-mat-khau", "/dang-xuat", "/static", "/suc-khoe", "/health")):
            return to(request, "/doi-mat-khau")
        response = await call_next(request)
        if new_visitor:
            cookies.set(response, VISITOR_COOKIE, new_visitor, 86400, cookie_path(request))
        if actor is not None or new_visitor or request.cookies.get(NOTICE_COOKIE):
            # a page with someone's name, token or cookie in it is never kept by a shared cache
            response.headers["Cache-Control"] = "private, no-store"
        elif visitor and not own_path.startswith("/static") and "cache-control" not in response.headers:
            # a visitor's page that says nothing of caching may hold a form's token tied to their cookie (the
            # sign-in form): a shared cache would hand it to everyone, whose sign-ins it would then refuse
            response.headers["Cache-Control"] = "private, no-store"
        local_redirect(request, response)
        secured(response)
        return response

    def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        notice = (cookies.read_first(request.headers.get("cookie"), NOTICE_COOKIE, max_age=60) or "")[:300]
        context.update(request=request, actor=request.state.actor, csrf=request.state.csrf, notice=notice,
                       unread=getattr(request.state, "unread", None), base=base_of(request))
        response = templates.TemplateResponse(request, name, context, status_code=status)
        if notice:
            response.delete_cookie(NOTICE_COOKIE, path=cookie_path(request))
        return response

    app.state.page = page

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, err: Forbidden):
        if request.state.actor is None:
            return RedirectResponse(f"{base_of(request)}/dang-nhap?tiep={quote(path_of(request))}", status_code=303)
        return page(request, "error.html", 403, message=err.message)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, err: NotFound):
        return page(request, "error.html", 404, message=err.message)

    @app.exception_handler(Conflict)
    async def changed_meanwhile(request: Request, err: Conflict):
        return page(request, "error.html", 409, message=err.message, field=err.field)

    @app.exception_handler(Refused)
    async def refused(request: Request, err: Refused):
        return page(request, "error.html", 400, message=err.message, field=err.field)

    @app.exception_handler(IntegrityError)
    async def conflict(request: Request, err: IntegrityError):
        # the same thing written by two requests at once (a double click): the store's unique constraint kept the
        # first. Any other constraint broken (a row left without its parent, a column without a value) is a fault
        # of the portal: a server error with its traceback in the log, not a double click said at INFO level.
        if not _duplicate(err):
            raise err
        log.info("yêu cầu trùng bị ràng buộc dữ liệu từ chối: %s", type(err.orig).__name__)
        return page(request, "error.html", 409, message="Yêu cầu trùng với một yêu cầu khác vừa được ghi (có thể do "
                    "bấm hai lần): hãy tải lại trang để xem kết quả.")

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, err: RequestValidationError):
        # a form missing a field or with one of the wrong type (no file chosen, a field sent as text): the page's
        # words, not FastAPI's JSON
        fields = sorted({str(e["loc"][1]) for e in err.errors() if len(e.get("loc") or ()) > 1})  # ("body", name, …)
        return page(request, "error.html", 400, message="Biểu mẫu gửi lên thiếu hoặc sai trường "
                    + ", ".join(f"«{f}»" for f in fields) + ": hãy tải lại trang và gửi lại.")

    @app.get("/suc-khoe")
    @app.get("/health")
    def health():
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"trang_thai": "tot", "luc": datetime.now().isoformat(timespec="seconds")}

    from web import (routes_account, routes_council, routes_data, routes_goals, routes_notices, routes_office,
                     routes_periodic, routes_public, routes_unit)

    for module in (routes_account, routes_public, routes_unit, routes_goals, routes_office, routes_data,
                   routes_periodic, routes_council, routes_notices):
        app.include_router(module.router)
    return app


async def _token_before_files(request: Request, good) -> str | None:
    """The ``csrf`` field of a multipart form, read as the body arrives up to its first file part: when that field
    is not ``good`` by then, it is returned at once, the rest of the body unread; else the whole body is read and
    kept for the route (as ``request.body()`` keeps it). ValueError: not a multipart form."""
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(request.headers.get("content-type", ""))
    if not options.get(b"boundary"):
        raise ValueError("no boundary")
    fields: dict[str, str] = {}
    part = {"header": b"", "value": b"", "disposition": b"", "name": "", "data": bytearray()}

    class FilePart(Exception):
        pass

    def header_end() -> None:
        if part["header"].strip().lower() == b"content-disposition":
            part["disposition"] = part["value"]
        part["header"], part["value"] = b"", b""

    def headers_done() -> None:
        _, found = parse_options_header(part["disposition"])
        if b"filename" in found:
            raise FilePart()
        part["name"], part["data"] = found.get(b"name", b"").decode("utf-8", "replace"), bytearray()

    def data(chunk: bytes, start: int, end: int) -> None:
        if len(part["data"]) <= 10_000:  # a token is 64 characters
            part["data"] += chunk[start:end]

    def part_end() -> None:
        if part["name"] and len(fields) < 50:
            fields.setdefault(part["name"], part["data"][:10_000].decode("utf-8", "replace"))
        part["disposition"], part["name"] = b"", ""

    parser = MultipartParser(options[b"boundary"], {
        "on_header_field": lambda d, a, b: part.__setitem__("header", part["header"] + d[a:b]),
        "on_header_value": lambda d, a, b: part.__setitem__("value", part["value"] + d[a:b]),
        "on_header_end": header_end, "on_headers_finished": headers_done, "on_part_data": data,
        "on_part_end": part_end})
    chunks, stream = [], request.stream()
    try:
        async for chunk in stream:
            chunks.append(chunk)
            parser.write(chunk)
        parser.finalize()
    except FilePart:
        if not good(fields.get("csrf")):
            return fields.get("csrf")
        chunks += [chunk async for chunk in stream]
    except FormParserError:
        raise ValueError("unreadable") from None
    request._body = b"".join(chunks)  # what Request.body() keeps: the route reads the same body again
    return fields.get("csrf")


def _warm(engine: Engine) -> None:
    from office import public

    try:
        public.warm(engine)
    except Exception:  # noqa: BLE001 - a store not reachable yet: the pages say so to their readers
        log.warning("không đọc trước được kết quả công bố", exc_info=True)


def actor_of(request: Request):
    """The signed-in person, or Forbidden (which sends the public to the sign-in page)."""
    actor = request.state.actor
    if actor is None:
        raise Forbidden("hãy đăng nhập")
    return actor


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    return request.app.state.page(request, name, status, **context)


def _duplicate(err: IntegrityError) -> bool:
    """Whether ``err`` is a unique constraint's (PostgreSQL's 23505, SQLite's «UNIQUE constraint failed»)."""
    return getattr(err.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(err.orig)


def to(request: Request, path: str) -> RedirectResponse:
    """A redirect to one of this portal's pages, ``path`` as the routes know it («/tu-danh-gia»)."""
    return RedirectResponse(base_of(request) + path, status_code=303)


def back(request: Request, path: str, notice: str = "") -> RedirectResponse:
    """Back to a page of this portal, with a notice shown there once. The notice travels in a short-lived cookie,
    signed, never in the address: neither a link nor a cookie planted by a neighbouring site (or over plain http)
    can put words of its own in the portal's mouth."""
    response = to(request, path)
    if notice:
        request.app.state.cookies.set(response, NOTICE_COOKIE, notice, 60, cookie_path(request))
    return response


def download(path: str, name: str, media: str) -> Response:
    return FileResponse(path, media_type=media, filename=name)


__all__ = ["create_app", "Settings", "actor_of", "engine_of", "render", "back", "to", "base_of", "path_of",
           "cookie_path", "download", "log"]
