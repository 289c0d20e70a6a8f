"""Pages anyone may read: published rankings and scorecards (cached by the published run)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from office import public
from web.app import NOTICE_COOKIE, engine_of, render

router = APIRouter()


@router.get("/cong-khai")
def published(request: Request):
    return render(request, "public_list.html", rounds=public.published_rounds(engine_of(request)))


_PAGES: dict = {}  # a published ranking as the public sees it: it never changes, so it is rendered once


@router.get("/cong-khai/{run_id}")
def ranking(request: Request, run_id: str):
    board = public.ranking(engine_of(request), run_id)
    anonymous = request.state.actor is None and not request.cookies.get(NOTICE_COOKIE)
    key = (str(engine_of(request).url), board.run_id)
    if anonymous and key in _PAGES:
        response = Response(_PAGES[key], media_type="text/html; charset=utf-8")
    else:
        response = render(request, "ranking.html", board=board)
        if anonymous and len(_PAGES) < 64:
            _PAGES[key] = response.body
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@router.get("/cong-khai/{run_id}/{unit}")
def scorecard(request: Request, run_id: str, unit: str):
    return render(request, "scorecard.html", card=public.scorecard(engine_of(request), run_id, unit))
