"""The office's data files through the portal: what ``cchc ingest`` takes, checked and landed all or nothing, each
file's fate shown with the rows and columns of its problems."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from office import accounts, ingestion
from office.errors import Refused
from web.app import CSRF_REFUSED, DATA_UPLOAD_PATH, actor_of, engine_of, form_token_ok, render

router = APIRouter()
CHUNK = 1 << 20
SHOWN_PROBLEMS = 200  # of one file: the rest counted (a file refused whole may name every row)


def _page(request: Request, batches, status: int = 200, **context):
    return render(request, "data.html", status, batches=batches, kinds=ingestion.KINDS, shown=SHOWN_PROBLEMS,
                  limit_mb=request.app.state.settings.data_upload_limit // 1048576, **context)


@router.get("/quan-tri/du-lieu")
def data_page(request: Request):
    actor = actor_of(request)
    accounts.require(actor, "quan_tri")
    return _page(request, ingestion.recent_batches(engine_of(request), actor))


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) != 4:
        raise Refused(f"năm báo cáo «{text}» phải là một năm, ví dụ 2024", "year")
    return int(text)


@router.post(DATA_UPLOAD_PATH)
async def upload_data(request: Request, files: list[UploadFile] = File(...), kind: str = Form(""),
                      year: str = Form(""), csrf: str = Form("")):
    actor = actor_of(request)
    accounts.require(actor, "quan_tri")
    # sent by a script, the token came in a header the middleware checked; sent as a plain form, the middleware left
    # the form to this route (web.app, ``deferred``), which checks its token first
    if "x-csrf-token" not in request.headers and not form_token_ok(request, csrf):
        return PlainTextResponse(CSRF_REFUSED, status_code=403)
    limit, written = request.app.state.settings.data_upload_limit, 0
    with ingestion.upload_folder(actor) as folder:
        paths, taken, sent = [], set(), {}
        for upload in files:
            path = folder / ingestion.upload_name(upload.filename or "", taken)
            sent[path.name] = upload.filename or ""  # shown beside the name it is kept under, when they differ
            with open(path, "wb") as out:
                while chunk := await upload.read(CHUNK):
                    written += len(chunk)
                    if written > limit:
                        raise Refused(f"các tệp gửi cùng lúc lớn hơn {limit // 1048576} MB: gửi ít tệp hơn mỗi lần, "
                                      "hoặc nhập bằng lệnh cchc ingest", "files")
                    out.write(chunk)
            paths.append(path)
        # the checks and the writing take seconds for a large file: off the event loop, as every store call
        statuses, landed = await run_in_threadpool(ingestion.ingest_uploaded, engine_of(request), actor, paths,
                                                   kind or None, _year(year))
    batches = await run_in_threadpool(ingestion.recent_batches, engine_of(request), actor)
    return _page(request, batches, 200 if landed else 400, statuses=statuses, landed=landed, sent=sent)
