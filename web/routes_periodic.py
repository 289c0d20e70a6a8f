"""Periodic reports in the portal: a unit officer's reports (the periods, the form, save, submit, withdraw) and the
office's register of reports received per period (with each report, its XLSX, the consolidated report). Each
route is a thin call into ``office.periodic_online``, which checks who may do what."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from office import periodic_online
from office.errors import Conflict, Refused
from store.ingest.narratives import SECTIONS
from web.app import actor_of, back, engine_of, render

router = APIRouter()
FIGURE, TEXT = "so_lieu__", "noi_dung__"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(name: str, data: bytes, media: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/bao-cao-dinh-ky")
def my_reports(request: Request):
    unit, lines = periodic_online.my_periods(engine_of(request), actor_of(request))
    return render(request, "periodic_unit_list.html", unit=unit, lines=lines)


@router.get("/bao-cao-dinh-ky/{period}")
def report_page(request: Request, period: str):
    report = periodic_online.report(engine_of(request), actor_of(request), period)
    return render(request, "periodic_report.html", report=report, sections=SECTIONS)


@router.post("/bao-cao-dinh-ky/{period}/luu")
async def save(request: Request, period: str):
    """Save the draft; with «nộp», submit it right after (what was typed is what is submitted)."""
    data = await request.form()
    # the store's calls off the event loop: a save waiting for a write lock must not stall every other request
    return await run_in_threadpool(_save, request, period, data)


def _save(request: Request, period: str, data):
    actor = actor_of(request)
    engine = engine_of(request)
    figures = {k[len(FIGURE):]: v for k, v in data.items() if k.startswith(FIGURE) and isinstance(v, str)}
    texts = {k[len(TEXT):]: v for k, v in data.items() if k.startswith(TEXT) and isinstance(v, str)}
    number = data.get("so_hieu")
    unit = data.get("unit") or None  # the form names its own unit; another one is refused by the use case
    try:
        periodic_online.save_draft(engine, actor, period, figures, texts,
                                   number if isinstance(number, str) else None, unit if isinstance(unit, str) else None)
        if data.get("hanh_dong") == "nop":
            periodic_online.submit(engine, actor, period, unit if isinstance(unit, str) else None)
            current = periodic_online.report(engine, actor, period)
            late = f" Báo cáo trễ hạn {current.received['days_late']} ngày." if (
                current.received and current.received["days_late"]) else ""
            return back(request, f"/bao-cao-dinh-ky/{current.period.code}", f"Đã nộp báo cáo {current.period.in_sentence}.{late}")
    except Refused as err:
        current = periodic_online.report(engine, actor, period)
        status = 409 if isinstance(err, Conflict) else 400  # 409: the report was submitted meanwhile
        return render(request, "periodic_report.html", status, report=current, sections=SECTIONS, error=err.message,
                      field=err.field, typed=figures, typed_texts=texts,
                      typed_number=number if isinstance(number, str) else None)
    current = periodic_online.get_period(engine, period)
    return back(request, f"/bao-cao-dinh-ky/{current.code}", "Đã lưu nháp báo cáo.")


@router.post("/bao-cao-dinh-ky/{period}/rut")
async def withdraw(request: Request, period: str):
    data = await request.form()
    unit = data.get("unit") or None
    engine = engine_of(request)
    await run_in_threadpool(periodic_online.withdraw, engine, actor_of(request), period,
                            unit if isinstance(unit, str) else None)
    code = (await run_in_threadpool(periodic_online.get_period, engine, period)).code
    return back(request, f"/bao-cao-dinh-ky/{code}", "Đã rút báo cáo để sửa; sửa xong hãy nộp lại.")


@router.get("/quan-tri/bao-cao-dinh-ky")
def office_overview(request: Request):
    return render(request, "periodic_office.html", counts=periodic_online.overview(engine_of(request),
                                                                                   actor_of(request)))


@router.get("/quan-tri/bao-cao-dinh-ky/{period}")
def register_page(request: Request, period: str):
    return render(request, "periodic_register.html",
                  register=periodic_online.register(engine_of(request), actor_of(request), period))


@router.get("/quan-tri/bao-cao-dinh-ky/{period}/so-theo-doi.xlsx")
def register_export(request: Request, period: str):
    name, data = periodic_online.register_xlsx(engine_of(request), actor_of(request), period)
    return _attachment(name, data, XLSX)


@router.get("/quan-tri/bao-cao-dinh-ky/{period}/tong-hop.docx")
def consolidated(request: Request, period: str):
    name, data = periodic_online.consolidated(engine_of(request), actor_of(request), period)
    return _attachment(name, data, DOCX)


@router.get("/quan-tri/bao-cao-dinh-ky/{period}/{unit}")
def unit_report(request: Request, period: str, unit: str):
    report = periodic_online.report(engine_of(request), actor_of(request), period, unit)
    return render(request, "periodic_report.html", report=report, sections=SECTIONS)
