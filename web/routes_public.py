"""Pages anyone may read: published rankings and scorecards (cached by the published run)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from office import public
from web.app import engine_of, render

router = APIRouter()


@router.get("/cong-khai")
def published(request: Request):
    return render(request, "public_list.html", rounds=public.published_rounds(engine_of(request)))


@router.get("/cong-khai/{run_id}")
def ranking(request: Request, run_id: str):
    response = render(request, "ranking.html", board=public.ranking(engine_of(request), run_id))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@router.get("/cong-khai/{run_id}/{unit}")
def scorecard(request: Request, run_id: str, unit: str):
    return render(request, "scorecard.html", card=public.scorecard(engine_of(request), run_id, unit))
