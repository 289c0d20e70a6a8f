"""A unit's page «Mục tiêu và dự báo»: its kept year-end forecast and the kept what-if answers for its targets."""

from __future__ import annotations

from fastapi import APIRouter, Request

from office.errors import Forbidden
from office.unit_goals import unit_goals
from web.app import actor_of, back, engine_of, render

router = APIRouter()


@router.get("/muc-tieu")
def my_goals(request: Request):
    actor = actor_of(request)
    if not actor.unit_code:
        raise Forbidden("trang mục tiêu và dự báo là của một đơn vị: mở /don-vi/<mã đơn vị>/muc-tieu")
    return back(request, f"/don-vi/{actor.unit_code}/muc-tieu")


@router.get("/don-vi/{code}/muc-tieu")
def goals(request: Request, code: str):
    return render(request, "unit_goals.html", view=unit_goals(engine_of(request), actor_of(request), code))
