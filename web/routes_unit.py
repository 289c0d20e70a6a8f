"""A unit officer's pages: the rounds, the self-assessment form, evidence files, answers to feedback."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from office import appraisal, assessment, evidence
from office.errors import Conflict, Refused
from office.rounds import rounds
from web.app import actor_of, back, download, engine_of, render

router = APIRouter()
FIGURE, NOTE = "so_lieu__", "giai_trinh__"


@router.get("/tu-danh-gia")
def my_rounds(request: Request):
    actor = actor_of(request)
    engine = engine_of(request)
    asked = appraisal.feedback_for_unit(engine, actor) if actor.role == "don_vi" else []
    return render(request, "unit_rounds.html", rounds=rounds(engine, "mo"), asked=asked)


def _form_values(form) -> tuple[dict[str, str], dict[str, str]]:
    figures = {k[len(FIGURE):]: v for k, v in form.items() if k.startswith(FIGURE) and isinstance(v, str)}
    notes = {k[len(NOTE):]: v for k, v in form.items() if k.startswith(NOTE) and isinstance(v, str)}
    return figures, notes


@router.get("/tu-danh-gia/{round_id}")
def form_page(request: Request, round_id: str):
    actor = actor_of(request)
    return render(request, "form.html", form=assessment.form(engine_of(request), actor, round_id))


@router.post("/tu-danh-gia/{round_id}/luu")
async def save(request: Request, round_id: str):
    data = await request.form()
    # the store's calls off the event loop: a save waiting for a write lock must not stall every other request
    return await run_in_threadpool(_save, request, round_id, data)


def _save(request: Request, round_id: str, data):
    actor = actor_of(request)
    engine = engine_of(request)
    figures, notes = _form_values(data)
    try:
        assessment.save_draft(engine, actor, round_id, figures, notes)
        if data.get("hanh_dong") == "nop":
            assessment.submit(engine, actor, round_id)
            return back(request, f"/tu-danh-gia/{round_id}", "Đã nộp tự đánh giá.")
    except Refused as err:
        current = assessment.form(engine, actor, round_id)
        status = 409 if isinstance(err, Conflict) else 400  # 409: the form was submitted meanwhile
        return render(request, "form.html", status, form=current, error=err.message, field=err.field, typed=figures,
                      typed_notes=notes)
    return back(request, f"/tu-danh-gia/{round_id}", "Đã lưu nháp.")


@router.post("/tu-danh-gia/{round_id}/rut")
def withdraw(request: Request, round_id: str):
    assessment.withdraw(engine_of(request), actor_of(request), round_id)
    return back(request, f"/tu-danh-gia/{round_id}", "Đã rút hồ sơ để sửa; nhớ nộp lại trước hạn.")


@router.post("/tu-danh-gia/{round_id}/tai-lieu")
async def upload(request: Request, round_id: str, criterion: str = Form(""), file: UploadFile = File(...)):
    actor = actor_of(request)
    limit = request.app.state.settings.upload_limit
    data = await file.read(limit + 1)
    await run_in_threadpool(assessment.upload, engine_of(request), actor, round_id, criterion, file.filename or "", data,
                            root=request.app.state.settings.data_dir, limit=limit)
    return back(request, f"/tu-danh-gia/{round_id}", "Đã tải lên tài liệu kiểm chứng.")


@router.post("/tu-danh-gia/{round_id}/diem-tam")
async def live_points(request: Request, round_id: str):
    """Points as the figures typed so far would give them (nothing is saved)."""
    data = await request.form()
    return await run_in_threadpool(_live_points, request, round_id, data)


def _live_points(request: Request, round_id: str, data):
    actor = actor_of(request)
    figures, _ = _form_values(data)
    engine = engine_of(request)
    try:
        from sqlalchemy.orm import Session

        current = assessment.form(engine, actor, round_id)
        with Session(engine) as s:
            parsed = assessment.check_figures(s, current.rules, current.unit, current.round.period_code, figures)
        result = assessment.form(engine, actor, round_id, figures=parsed)
    except Refused as err:
        return JSONResponse({"loi": err.message, "truong": err.field}, status_code=400)
    return JSONResponse({"tong": result.total, "toi_da": result.maximum,
                         "tieu_chi": {r.leaf.id: {"diem": r.points, "giai_thich": r.sentence} for r in result.rows}})


@router.get("/tai-lieu/{file_id}")
def get_file(request: Request, file_id: str):
    row, path = assessment.evidence_file(engine_of(request), actor_of(request), file_id,
                                         root=request.app.state.settings.data_dir)
    return download(path, row.original_name, evidence.TYPES[row.content_type][0])


@router.post("/bo-sung/{feedback_id}")
def answer(request: Request, feedback_id: str, answer: str = Form("")):
    appraisal.answer_feedback(engine_of(request), actor_of(request), feedback_id, answer)
    return back(request, "/tu-danh-gia", "Đã gửi trả lời yêu cầu bổ sung.")
