"""Pages anyone may read: published rankings (searched, filtered and sorted by query parameters, so that they
work without JavaScript), each unit's page, and the publication's documents. A published run never changes,
so the pages an anonymous reader gets are rendered once and kept (bounded)."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from office import public
from web.app import NOTICE_COOKIE, base_of, engine_of, render

router = APIRouter()
_PAGES: OrderedDict = OrderedDict()  # (database, path, query) -> the HTML an anonymous reader gets
_PAGES_BYTES = 64 * 1024 * 1024  # bounded by size: a page of a 5,000-unit ranking is ≈ 100 KB, a unit's ≈ 20 KB
_LOCK = Lock()
_held = 0


def _kept(request: Request, make) -> Response:
    """The page from the kept copy for an anonymous reader, else rendered (and kept if anonymous)."""
    anonymous = request.state.actor is None and not request.cookies.get(NOTICE_COOKIE)
    key = (str(engine_of(request).url), request.url.path, tuple(sorted(request.query_params.multi_items())))
    if anonymous:
        with _LOCK:
            body = _PAGES.get(key)
            if body is not None:
                _PAGES.move_to_end(key)
        if body is not None:
            response = Response(body, media_type="text/html; charset=utf-8")
            response.headers["Cache-Control"] = "public, max-age=300"
            return response
    response = make()
    if anonymous and response.status_code == 200:
        global _held
        with _LOCK:
            if key not in _PAGES:
                _PAGES[key] = response.body
                _held += len(response.body)
            while _held > _PAGES_BYTES:
                _held -= len(_PAGES.popitem(last=False)[1])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@router.get("/cong-khai")
def published(request: Request):
    return render(request, "public_list.html", runs=public.published_runs(engine_of(request)))


@router.get("/cong-khai/{run_id}")
def ranking(request: Request, run_id: str, q: str = "", loai: str = "", sap_xep: str = "", trang: str = "1"):
    def make():
        found = public.view(engine_of(request), run_id, q, loai, sap_xep, trang)
        state = {"q": found.q, "loai": found.kind, "sap_xep": "" if found.sort == "hang" else found.sort}

        def link(**changes) -> str:
            params = {k: v for k, v in {**state, **changes}.items() if v not in ("", None, 1, "1")}
            return f"{base_of(request)}/cong-khai/{found.board.run_id}" + (f"?{urlencode(params)}" if params else "")

        def sort_link(key: str) -> str:
            """Ascending first, except for what reads best from the top (points, percent, indices)."""
            first = key if key in ("hang", "ten", "loai", "xep_loai") else f"-{key}"
            if found.sort_key == key:
                first = key if found.descending else f"-{key}"
            return link(sap_xep="" if first == "hang" else first, trang="")

        return render(request, "ranking.html", view=found, board=found.board, link=link, sort_link=sort_link,
                      sorts=public.SORTS, downloads=public.downloads(engine_of(request), run_id))
    return _kept(request, make)


@router.get("/cong-khai/{run_id}/tai-ve/{filename}")
def download(request: Request, run_id: str, filename: str):
    path, media = public.document(engine_of(request), run_id, filename, request.app.state.settings.data_dir)
    response = FileResponse(path, media_type=media, filename=path.name)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@router.get("/cong-khai/{run_id}/{unit}")
def scorecard(request: Request, run_id: str, unit: str):
    return _kept(request, lambda: render(request, "scorecard.html", card=public.scorecard(engine_of(request),
                                                                                           run_id, unit)))
