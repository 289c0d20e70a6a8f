"""Signing in and out, changing one's password, the help pages."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi import APIRouter, Form, Request

from office import accounts
from office.errors import Refused
from web.app import actor_of, back, cookie_path, engine_of, render, to
from web.security import SESSION_COOKIE, VISITOR_COOKIE

router = APIRouter()
HOME = {"quan_tri": "/quan-tri", "don_vi": "/tu-danh-gia", "tham_dinh": "/tham-dinh", "hoi_dong": "/hoi-dong"}


@router.get("/")
def home(request: Request):
    actor = request.state.actor
    return to(request, HOME.get(actor.role, "/cong-khai") if actor else "/cong-khai")


@router.get("/dang-nhap")
def login_page(request: Request):
    return render(request, "login.html")


def _safe_next(url: str) -> str:
    """A path of this portal to go on to after signing in (without its prefix), never another site, nor a path
    with a segment that climbs («..», «.», «%2e%2e»: a browser would resolve «/tinh-a/../tinh-b/» to another
    province)."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    segments = unquote(url.split("?", 1)[0].split("#", 1)[0]).split("/")
    return "" if any(part in (".", "..") for part in segments) else url


@router.post("/dang-nhap")
def login(request: Request, username: str = Form(""), password: str = Form(""), tiep: str = Form("")):
    ip = request.client.host if request.client else ""
    try:
        signed = accounts.login(engine_of(request), username, password, ip,
                                hours=request.app.state.settings.session_hours)
    except Refused as err:
        return render(request, "login.html", 400, error=err.message, username=username)
    target = "/doi-mat-khau" if signed.actor.must_change_password else (
        _safe_next(tiep) or HOME.get(signed.actor.role, "/"))
    response = to(request, target)
    cookies = request.app.state.cookies
    # a new id at every sign-in: an id planted before (session fixation) never becomes a signed-in session
    cookies.set(response, SESSION_COOKIE, signed.session_id, int(request.app.state.settings.session_hours * 3600),
                cookie_path(request))
    response.delete_cookie(VISITOR_COOKIE, path=cookie_path(request))
    return response


@router.post("/dang-xuat")
def logout(request: Request):
    accounts.logout(engine_of(request), request.state.sid)
    response = to(request, "/dang-nhap")
    response.delete_cookie(SESSION_COOKIE, path=cookie_path(request))
    return response


@router.get("/doi-mat-khau")
def password_page(request: Request):
    actor_of(request)
    return render(request, "password.html")


@router.post("/doi-mat-khau")
def change_password(request: Request, old_password: str = Form(""), new_password: str = Form(""),
                    repeat: str = Form("")):
    actor = actor_of(request)
    try:
        accounts.change_password(engine_of(request), actor, old_password, new_password, repeat,
                                 keep_session=request.state.sid)
    except Refused as err:
        return render(request, "password.html", 400, error=err.message, field=err.field)
    return back(request, HOME.get(actor.role, "/"), "Đã đổi mật khẩu.")


GUIDES = {"don-vi": "Cán bộ đơn vị", "tham-dinh": "Thẩm định viên", "quan-tri": "Quản trị (văn phòng)",
          "cong-khai": "Người xem công khai"}


@router.get("/huong-dan")
def help_index(request: Request):
    return render(request, "help.html", guides=GUIDES, role=None)


@router.get("/huong-dan/{role}")
def help_page(request: Request, role: str):
    if role not in GUIDES:
        role = "cong-khai"
    return render(request, "help.html", guides=GUIDES, role=role)
