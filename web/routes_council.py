"""The emulation council's pages: the office opens and closes a voting session; each member reads the
nominees' dossiers and votes, in the meeting or in writing. Each handler is a thin call into office.council."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from office import accounts
from office import council as cl
from web.app import actor_of, back, engine_of, render

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/hoi-dong")
def council_home(request: Request):
    actor = actor_of(request)
    accounts.require(actor, "quan_tri", "hoi_dong")
    engine = engine_of(request)
    offer = cl.choices(engine, actor) if actor.role == "quan_tri" else None
    return render(request, "council_list.html", sessions=cl.sessions(engine, actor), offer=offer)


@router.post("/hoi-dong/phien")
async def open_session(request: Request):
    form = await request.form()
    members = [str(m) for m in form.getlist("members")]
    sid = await run_in_threadpool(cl.open_session, engine_of(request), actor_of(request), str(form.get("campaign", "")),
                                  members, str(form.get("meeting_on", "")), str(form.get("closes_at", "")),
                                  str(form.get("year", "")), offered=True)
    return back(request, f"/hoi-dong/{sid}", f"Đã mở phiên bỏ phiếu số {sid}.")


@router.get("/hoi-dong/{session_id}")
def session_page(request: Request, session_id: str):
    actor = actor_of(request)
    view = cl.view(engine_of(request), actor, session_id)
    return render(request, "council_session.html", s=view, modes=cl.MODES, choices=cl.CHOICES)


@router.post("/hoi-dong/{session_id}/bo-phieu")
async def cast(request: Request, session_id: str):
    form = await request.form()
    chosen = {key.removeprefix("phieu_"): str(value) for key, value in form.multi_items() if key.startswith("phieu_")}
    n = await run_in_threadpool(cl.cast, engine_of(request), actor_of(request), session_id, str(form.get("mode", "")),
                                chosen)
    return back(request, f"/hoi-dong/{session_id}", f"Đã ghi {n} phiếu. Phiếu kín: hệ thống chỉ ghi nhận bạn đã bỏ phiếu.")


@router.post("/hoi-dong/{session_id}/dong")
def close(request: Request, session_id: str):
    view = cl.close_session(engine_of(request), actor_of(request), session_id)
    notice = "Đã kết thúc phiên, kết quả đã ghi." if view.state == "dong" else f"Phiên không hợp lệ: {view.reason}"
    return back(request, f"/hoi-dong/{view.id}", notice)


@router.get("/hoi-dong/{session_id}/bien-ban.docx")
def minutes(request: Request, session_id: str):
    data, name = cl.minutes(engine_of(request), actor_of(request), session_id)
    return Response(data, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
