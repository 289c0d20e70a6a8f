"""Periodic reporting (báo cáo định kỳ, CV 581 windows, due on the 20th): who had to report for a period, who
did and when, who was late and who has not reported yet."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from store import calendar, models
from store.ingest.submissions import KIND as submissions_kind

# The units that report to the province's reform office (seed 003: sở, ban, ngành and UBND xã, phường).
REPORTING_KINDS = ("so_nganh", "xa_phuong")
ON_TIME, LATE, MISSING, NOT_DUE = "đúng hạn", "trễ hạn", "chưa gửi", "chưa đến hạn"


def withdrawn_batches():
    """The batches of reports submitted in the portal and then withdrawn to be corrected: no report received."""
    W = models.PeriodicReportSending
    return select(W.batch_id).where(W.withdrawn_at.is_not(None))


def submissions(engine: Engine, period_code: str, today: date | None = None,
                kinds: tuple[str, ...] = REPORTING_KINDS) -> pd.DataFrame:
    """One row per unit that must report: unit, name, submitted_on (the first report received, from the register
    or from the portal; a report withdrawn to be corrected is not one), document_no, batch_id (the batch it came
    in), days_late and state (đúng hạn / trễ hạn / chưa gửi, or chưa đến hạn before the due date)."""
    period = calendar.parse_period(period_code)
    S, U, B = models.Submission, models.Unit, models.IngestBatch
    # The register's row of a unit and period sent again in a later register file is its correction (a day typed
    # wrong): only the latest register file's row stands. Reports sent in the portal are each a report received.
    register = (select(S.unit_id, func.max(S.batch_id).label("batch")).join(B, B.id == S.batch_id)
                .where(S.period_code == period.code, B.kind == submissions_kind.code).group_by(S.unit_id).subquery())
    corrected = select(S.id).join(B, B.id == S.batch_id).join(register, register.c.unit_id == S.unit_id).where(
        S.period_code == period.code, B.kind == submissions_kind.code, S.batch_id != register.c.batch)
    received = ((S.period_code == period.code) & S.batch_id.not_in(withdrawn_batches())
                & S.id.not_in(corrected))
    with Session(engine) as s:
        units = s.execute(select(U.id, U.code, U.name).where(U.kind.in_(kinds)).order_by(U.code)).all()
        first = (select(S.unit_id, func.min(S.submitted_on).label("on")).where(received)
                 .group_by(S.unit_id).subquery())
        sent = s.execute(select(S.unit_id, S.submitted_on, S.document_no, S.batch_id)
                         .join(first, (first.c.unit_id == S.unit_id) & (first.c.on == S.submitted_on))
                         .where(received).order_by(S.batch_id)).all()
    frame = pd.DataFrame(units, columns=["unit_id", "unit", "name"])
    got = pd.DataFrame(sent, columns=["unit_id", "submitted_on", "document_no", "batch_id"]).drop_duplicates("unit_id")
    frame = frame.merge(got, on="unit_id", how="left").drop(columns="unit_id")
    on = pd.to_datetime(frame["submitted_on"])
    due = pd.Timestamp(period.due)
    frame["days_late"] = (on - due).dt.days.clip(lower=0)
    today = today or date.today()
    frame["state"] = np.select([on.notna() & (on <= due), on.notna()],
                               [ON_TIME, LATE], MISSING if today > period.due else NOT_DUE)
    frame["document_no"] = frame["document_no"].fillna("")
    return frame


def reminders(engine: Engine, period_code: str, today: date) -> pd.DataFrame:
    """The units that have not reported yet, with the days left to the due date (negative: overdue)."""
    frame = submissions(engine, period_code, today)
    waiting = frame[frame["submitted_on"].isna()].copy()
    waiting["days_left"] = (calendar.parse_period(period_code).due - today).days
    return waiting[["unit", "name", "days_left"]]
