"""The appraisers' and the office's pages: appraisal, rounds, the dashboard, accounts, the audit log."""

from __future__ import annotations

import io

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from office import accounts, anomalies, appraisal, assessment, audit, dashboard, rounds
from office.errors import Refused
from rules.ruleset import shipped
from web.app import actor_of, back, engine_of, render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/tham-dinh")
def appraisal_home(request: Request):
    actor = actor_of(request)
    accounts.require(actor, "tham_dinh", "quan_tri")
    engine = engine_of(request)
    listed = [(r, anomalies.by_risk(engine, r.period_code, appraisal.submitted(engine, actor, r.id)))
              for r in rounds.rounds(engine) if r.state != "cong_bo"]
    return render(request, "appraise_list.html", listed=listed)


@router.get("/tham-dinh/{round_id}/{unit}")
def appraisal_page(request: Request, round_id: str, unit: str):
    actor = actor_of(request)
    accounts.require(actor, "tham_dinh", "quan_tri")
    return render(request, "appraise.html", form=assessment.form(engine_of(request), actor, round_id, unit))


@router.post("/tham-dinh/{round_id}/{unit}/diem")
def set_points(request: Request, round_id: str, unit: str, criterion: str = Form(""), points: str = Form(""),
               reason: str = Form("")):
    appraisal.appraise(engine_of(request), actor_of(request), round_id, unit, criterion, points, reason)
    return back(request, f"/tham-dinh/{round_id}/{unit}", f"Đã ghi điểm thẩm định tiêu chí {criterion}.")


@router.post("/tham-dinh/{round_id}/{unit}/yeu-cau")
def ask(request: Request, round_id: str, unit: str, criterion: str = Form(""), request_text: str = Form(""),
        deadline: str = Form("")):
    appraisal.request_feedback(engine_of(request), actor_of(request), round_id, unit, criterion, request_text,
                               deadline)
    return back(request, f"/tham-dinh/{round_id}/{unit}", f"Đã gửi yêu cầu bổ sung tiêu chí {criterion}.")


@router.post("/tham-dinh/{round_id}/{unit}/hoan-tat")
def finalise(request: Request, round_id: str, unit: str):
    appraisal.finalise(engine_of(request), actor_of(request), round_id, unit)
    return back(request, "/tham-dinh", f"Đã hoàn tất thẩm định {unit}.")


@router.get("/quan-tri")
def office_home(request: Request):
    actor = actor_of(request)
    accounts.require(actor, "quan_tri")
    engine = engine_of(request)
    boards = []
    for r in rounds.rounds(engine):
        frame = dashboard.status(engine, actor, r.id)
        boards.append((r, frame, dashboard.progress(frame), dashboard.reminders(frame)))
    return render(request, "office.html", boards=boards, rulesets=sorted(shipped()), states=rounds.STATES)


@router.post("/quan-tri/dot")
def open_round(request: Request, ruleset: str = Form(""), period: str = Form(""), deadline: str = Form(""),
               title: str = Form("")):
    number = rounds.open_round(engine_of(request), actor_of(request), ruleset, period, deadline, title)
    return back(request, "/quan-tri", f"Đã mở đợt {number}.")


@router.post("/quan-tri/dot/{round_id}/gia-han")
def extend(request: Request, round_id: str, unit: str = Form(""), deadline: str = Form("")):
    rounds.extend(engine_of(request), actor_of(request), round_id, unit, deadline)
    return back(request, "/quan-tri", f"Đã gia hạn cho {unit}.")


@router.post("/quan-tri/dot/{round_id}/khoa")
def lock(request: Request, round_id: str):
    rounds.lock(engine_of(request), actor_of(request), round_id)
    return back(request, "/quan-tri", "Đã khóa đợt.")


@router.post("/quan-tri/dot/{round_id}/cong-bo")
def publish(request: Request, round_id: str):
    run_id = rounds.publish(engine_of(request), actor_of(request), round_id)
    return back(request, f"/cong-khai/{run_id}", "Đã công bố kết quả.")


@router.get("/quan-tri/dot/{round_id}/tinh-hinh.xlsx")
def export_round(request: Request, round_id: str):
    data = dashboard.export_xlsx(engine_of(request), actor_of(request), round_id)
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="tinh-hinh-dot-{int(round_id)}.xlsx"'})


@router.get("/quan-tri/tai-khoan")
def accounts_page(request: Request):
    return render(request, "accounts.html", rows=accounts.list_accounts(engine_of(request), actor_of(request)))


@router.post("/quan-tri/tai-khoan")
def add_account(request: Request, username: str = Form(""), full_name: str = Form(""), role: str = Form(""),
                unit: str = Form(""), assigned_units: str = Form(""), email: str = Form("")):
    actor = actor_of(request)
    try:
        password = accounts.create_account(engine_of(request), actor, username, full_name, role, unit or None,
                                           assigned_units, email=email)
    except Refused as err:
        return render(request, "accounts.html", 400, rows=accounts.list_accounts(engine_of(request), actor),
                      error=err.message, field=err.field)
    return render(request, "accounts.html", rows=accounts.list_accounts(engine_of(request), actor),
                  made=(username.strip().lower(), password))


@router.post("/quan-tri/tai-khoan/{username}/khoa")
def disable(request: Request, username: str, disabled: str = Form("1")):
    accounts.set_disabled(engine_of(request), actor_of(request), username, disabled == "1")
    return back(request, "/quan-tri/tai-khoan", "Đã cập nhật tài khoản.")


@router.post("/quan-tri/tai-khoan/{username}/dat-lai")
def reset(request: Request, username: str):
    actor = actor_of(request)
    password = accounts.reset_password(engine_of(request), actor, username)
    return render(request, "accounts.html", rows=accounts.list_accounts(engine_of(request), actor),
                  made=(username, password))


@router.post("/quan-tri/tai-khoan/nhap")
async def import_accounts(request: Request, file: UploadFile = File(...)):
    actor = actor_of(request)
    data = await file.read(accounts.LIST_BYTES + 1)
    # a spreadsheet read and a list written take seconds: off the event loop, or every other request waits
    frame = await run_in_threadpool(accounts.read_list, actor, data, file.filename or "tệp")
    made = await run_in_threadpool(accounts.import_accounts, engine_of(request), actor, frame)
    return render(request, "accounts.html", rows=accounts.list_accounts(engine_of(request), actor), imported=made)


@router.get("/quan-tri/nhat-ky")
def audit_page(request: Request):
    return render(request, "audit.html", rows=audit.entries(engine_of(request), actor_of(request), limit=300))


@router.get("/quan-tri/nhat-ky.xlsx")
def audit_export(request: Request):
    from reports.xlsx import frame_to_workbook

    buffer = io.BytesIO()
    frame_to_workbook(audit.export_frame(engine_of(request), actor_of(request)), "Nhật ký").save(buffer)
    return Response(buffer.getvalue(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="nhat-ky.xlsx"'})
