"""The office's data files through the portal: what ``cchc ingest`` takes, checked and landed all or nothing, each
file's fate shown with the rows and columns of its problems."""

from __future__ import annotations

from contextlib import ExitStack

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from office import accounts, ingestion
from office.errors import Refused
from web.app import CSRF_REFUSED, DATA_UPLOAD_PATH, actor_of, engine_of, form_token_ok, render

router = APIRouter()
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


class _Forged(Exception):
    """A file part came before a valid form token: refused before a byte of it is written."""


class _Unreadable(Exception):
    """A body that is not a multipart form."""


FIELD_BYTES, FIELDS, PARTS = 10_000, 50, 1000  # the form's text fields are a token, a kind and a year


class _Sent:
    """The office's form read as it comes: its text fields kept, each file part written to the request's folder as
    its bytes arrive. A file part is written only once the token is known good — from the header the middleware
    checked, or from the form's ``csrf`` field, which the page puts before its files — or refused unwritten."""

    def __init__(self, request: Request, folder, limit: int, token_checked: bool):
        self.request, self.folder, self.limit, self.token_ok = request, folder, limit, token_checked
        self.fields: dict[str, str] = {}
        self.paths, self.taken, self.sent = [], set(), {}
        self.written, self.count = 0, 0
        self.header, self.value, self.disposition = b"", b"", b""
        self.name, self.data, self.out, self.is_file = "", bytearray(), None, False

    def callbacks(self) -> dict:
        return {"on_part_begin": self.begin, "on_header_field": self.header_field, "on_header_value": self.header_value,
                "on_header_end": self.header_end, "on_headers_finished": self.headers_done, "on_part_data": self.part,
                "on_part_end": self.end}

    def begin(self) -> None:
        self.disposition, self.name, self.data, self.out, self.is_file = b"", "", bytearray(), None, False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def header_end(self) -> None:
        if self.header.strip().lower() == b"content-disposition":
            self.disposition = self.value
        self.header, self.value = b"", b""

    def headers_done(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        self.count += 1
        if self.count > PARTS:
            raise _Unreadable()
        if b"filename" not in options:
            return
        self.is_file = True
        if not self.token_ok:
            self.token_ok = form_token_ok(self.request, self.fields.get("csrf", ""))
            if not self.token_ok:
                raise _Forged()
        if self.name != "files":
            return  # a file under another name is not one of the form's: read past, never written
        sent = options[b"filename"].decode("utf-8", "replace")
        path = self.folder() / ingestion.upload_name(sent, self.taken)
        self.sent[path.name] = sent  # shown beside the name it is kept under, when they differ
        self.out = open(path, "wb")
        self.paths.append(path)

    def part(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.written += end - start
            if self.written > self.limit:
                raise Refused(f"các tệp gửi cùng lúc lớn hơn {self.limit // 1048576} MB: gửi ít tệp hơn mỗi lần, "
                              "hoặc nhập bằng lệnh cchc ingest", "files")
            self.out.write(data[start:end])
        elif not self.is_file and len(self.data) <= FIELD_BYTES:
            self.data += data[start:end]

    def end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif not self.is_file and self.name and len(self.fields) < FIELDS:
            self.fields.setdefault(self.name, self.data[:FIELD_BYTES].decode("utf-8", "replace"))

    def close(self) -> None:
        if self.out is not None:
            self.out.close()

    async def read(self) -> None:
        kind, options = parse_options_header(self.request.headers.get("content-type", ""))
        if kind != b"multipart/form-data" or not options.get(b"boundary"):
            raise _Unreadable()
        parser = MultipartParser(options[b"boundary"], self.callbacks())
        try:
            async for chunk in self.request.stream():
                parser.write(chunk)
            parser.finalize()
        except (FormParserError, ClientDisconnect):
            raise _Unreadable() from None
        finally:
            self.close()


@router.post(DATA_UPLOAD_PATH)
async def upload_data(request: Request):
    actor = actor_of(request)
    accounts.require(actor, "quan_tri")
    # sent by a script, the token came in a header the middleware checked before the body was read; sent as a plain
    # form, the middleware left the form to this route (web.app, ``deferred``), which reads it part by part: no file
    # part is written before its token is found good
    with ExitStack() as stack:
        folder: list = []

        def made():  # the request's folder, made when its first file is written
            if not folder:
                folder.append(stack.enter_context(ingestion.upload_folder(actor)))
            return folder[0]

        form = _Sent(request, made, request.app.state.settings.data_upload_limit, "x-csrf-token" in request.headers)
        try:
            await form.read()
        except _Forged:
            return PlainTextResponse(CSRF_REFUSED, status_code=403)
        except _Unreadable:
            return PlainTextResponse("Biểu mẫu gửi lên không đọc được.", status_code=400)
        if not form.token_ok and not form_token_ok(request, form.fields.get("csrf", "")):
            return PlainTextResponse(CSRF_REFUSED, status_code=403)
        if not form.paths:  # the page's words for a form without its files, as for any other form
            raise RequestValidationError([{"type": "missing", "loc": ("body", "files"), "msg": "Field required",
                                           "input": None}])
        # the checks and the writing take seconds for a large file: off the event loop, as every store call
        statuses, landed = await run_in_threadpool(ingestion.ingest_uploaded, engine_of(request), actor, form.paths,
                                                   form.fields.get("kind") or None, _year(form.fields.get("year", "")))
    batches = await run_in_threadpool(ingestion.recent_batches, engine_of(request), actor)
    return _page(request, batches, 200 if landed else 400, statuses=statuses, landed=landed, sent=form.sent)
