"""One's notifications: the list, marking one or all read, the e-mail address they are also sent to."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request

from office import notifications
from office.errors import Refused
from web.app import actor_of, back, engine_of, render

router = APIRouter()


@router.get("/thong-bao")
def notices_page(request: Request, trang: str = "1"):
    actor = actor_of(request)
    engine = engine_of(request)
    outbox = notifications.outbox_rows(engine, actor) if actor.role == "quan_tri" else []
    return render(request, "notices.html", page=notifications.mine(engine, actor, trang), kinds=notifications.KINDS,
                  outbox=outbox, states=notifications.EMAIL_STATES)


@router.post("/thong-bao/doc-het")
def read_all(request: Request):
    done = notifications.mark_all_read(engine_of(request), actor_of(request))
    return back(request, "/thong-bao", f"Đã đánh dấu {done} thông báo là đã đọc." if done else "Không còn thông báo chưa đọc.")


@router.post("/thong-bao/email")
def set_email(request: Request, email: str = Form("")):
    actor = actor_of(request)
    engine = engine_of(request)
    try:
        done = notifications.set_email(engine, actor, actor.username, email)
    except Refused as err:
        return render(request, "notices.html", 400, page=notifications.mine(engine, actor), kinds=notifications.KINDS,
                      error=err.message, field=err.field, email_typed=email)
    return back(request, "/thong-bao", f"Thông báo sẽ được gửi cả đến {done}." if done else "Đã bỏ nhận thông báo qua e-mail.")


@router.post("/thong-bao/{notification_id}/doc")
def read_one(request: Request, notification_id: str, mo: str = Form("")):
    link = notifications.mark_read(engine_of(request), actor_of(request), notification_id)
    # the link was checked to be a path of this portal when the notice was written: never another site
    return back(request, link if mo == "1" and link else "/thong-bao")


@router.post("/quan-tri/tai-khoan/{username}/email")
def set_account_email(request: Request, username: str, email: str = Form("")):
    done = notifications.set_email(engine_of(request), actor_of(request), username, email)
    return back(request, "/quan-tri/tai-khoan", f"E-mail của {username}: {done}." if done else f"Đã xóa e-mail của {username}.")
