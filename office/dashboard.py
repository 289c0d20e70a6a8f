"""The office's dashboard of a round: who has submitted, who is late, who is in a feedback round, progress
per unit type, the reminder list, and the same as an XLSX sheet."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from base.vn import day
from office.accounts import Actor, require
from office.assessment import STATES
from office.rounds import get_round, now, ruleset_of, unit_kinds
from store import models

KIND_NAMES = {"so_nganh": "Sở, ban, ngành", "xa_phuong": "UBND xã, phường", "phong_ban": "Phòng, đơn vị trực thuộc",
              "tinh": "UBND tỉnh"}


def status(engine: Engine, actor: Actor, round_id) -> pd.DataFrame:
    """One row per unit of the round: state, deadline, late, open feedback requests."""
    require(actor, "quan_tri")
    U, S, X, F = models.Unit, models.SelfAssessment, models.DeadlineExtension, models.FeedbackRequest
    with Session(engine) as s:
        rnd = get_round(s, round_id)
        kinds = unit_kinds(ruleset_of(rnd))
        units = pd.DataFrame(s.execute(select(U.id, U.code, U.name, U.kind).where(U.kind.in_(kinds))
                                       .order_by(U.kind, U.code)).all(), columns=["id", "code", "name", "kind"])
        forms = dict((u, (st, at)) for u, st, at in s.execute(
            select(S.unit_id, S.state, S.submitted_at).where(S.round_id == rnd.id)).all())
        extended = dict(s.execute(select(X.unit_id, X.deadline).where(X.round_id == rnd.id)).all())
        asked = {u for u, in s.execute(select(F.unit_id).where(F.round_id == rnd.id, F.closed_at.is_(None),
                                                                F.answered_at.is_(None))).all()}
        deadline = rnd.deadline
    today = now()
    units["state"] = units["id"].map(lambda u: forms.get(u, ("chua_mo", None))[0])
    units["submitted_at"] = units["id"].map(lambda u: forms.get(u, (None, None))[1])
    units["deadline"] = units["id"].map(lambda u: max(deadline, extended[u]) if u in extended else deadline)
    units["late"] = units["state"].isin(["chua_mo", "nhap", "da_rut"]) & (units["deadline"] < today)
    units["feedback"] = units["id"].isin(asked)
    units["state_text"] = units["state"].map(lambda st: STATES.get(st, "Chưa mở hồ sơ"))
    return units


def progress(frame: pd.DataFrame) -> pd.DataFrame:
    """Per unit type: how many units, how many submitted (or further), the share."""
    done = frame["state"].isin(["da_nop", "can_bo_sung", "da_tham_dinh"])
    out = frame.assign(done=done).groupby("kind").agg(units=("code", "size"), submitted=("done", "sum"))
    out["share"] = out["submitted"] / out["units"]
    out.index = out.index.map(lambda k: KIND_NAMES.get(k, k))
    return out


def reminders(frame: pd.DataFrame) -> pd.DataFrame:
    """Who to remind: not yet submitted (late ones first), and units with an unanswered feedback request."""
    todo = frame[frame["state"].isin(["chua_mo", "nhap", "da_rut"]) | frame["feedback"]]
    return todo.sort_values(["late", "deadline"], ascending=[False, True])


def export_xlsx(engine: Engine, actor: Actor, round_id) -> bytes:
    from reports.xlsx import frame_to_workbook

    frame = status(engine, actor, round_id)
    table = pd.DataFrame({
        "Mã đơn vị": frame["code"], "Tên đơn vị": frame["name"], "Loại đơn vị": frame["kind"].map(KIND_NAMES),
        "Trạng thái": frame["state_text"],
        "Ngày nộp": frame["submitted_at"].map(lambda t: day(t) if pd.notna(t) and t is not None else ""),
        "Hạn nộp": frame["deadline"].map(day), "Quá hạn": frame["late"].map({True: "Có", False: ""}),
        "Đang bổ sung": frame["feedback"].map({True: "Có", False: ""}),
    })
    buffer = io.BytesIO()
    frame_to_workbook(table, "Tình hình nộp").save(buffer)
    return buffer.getvalue()
