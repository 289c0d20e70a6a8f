"""The register of periodic reports received (sổ theo dõi báo cáo): which unit sent its report for which
period, on which day and under which number. Late and missing reports are read from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from store import models
from store.db import ensure_periods
from store.ingest.bulk import insert_frame
from store.ingest.columns import Day, Text
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector

COLUMNS = (
    Text("Mã đơn vị", "unit", example="SKHCN"),
    Text("Kỳ báo cáo", "period", example="Quý I/2024", help="2024-Q1, Quý I/2024, 6 tháng 2024, Quý III/2024, Năm 2024"),
    Day("Ngày gửi", "submitted_on", past=True, example="18/03/2024", help="Ngày văn thư nhận báo cáo (dd/mm/yyyy)"),
    Text("Số hiệu văn bản", "document_no", required=False, example="45/BC-SKHCN"),
)


def check(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_units(frame, out, "Mã đơn vị")
    codes = ctx.periods(frame, out)
    starts = frame["period"].map(lambda t: pd.Timestamp(codes[t].start) if t in codes else pd.NaT)
    out.rows(frame["submitted_on"] < starts, "Ngày gửi",
             lambda v: f"ngày gửi {v:%d/%m/%Y} trước khi kỳ báo cáo bắt đầu", frame["submitted_on"])
    # A report received before its period's figures close (Quý I's on 15/02, figures to 14/03) is a day or a period
    # typed wrong, or a report sent early with its figures estimated: kept as the register says, and said, since it
    # counts as on time
    early = (frame["submitted_on"] >= starts) & (frame["submitted_on"] < frame["period"].map(
        lambda t: pd.Timestamp(codes[t].end) if t in codes else pd.NaT))
    for text in frame.loc[early, "period"].unique():
        period = codes[text]
        out.warn(f"báo cáo {period.in_sentence} nhận trước khi hết kỳ số liệu ({period.end:%d/%m/%Y}), vẫn được tính "
                 "là đã gửi đúng hạn: kiểm tra lại ngày gửi hoặc kỳ báo cáo", "Ngày gửi",
                 [out.row_of(p) for p in np.flatnonzero((early & frame["period"].eq(text)).to_numpy())])
    frame["period_code"] = frame["period"].map(lambda t: codes[t].code if t in codes else None)


def load(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    ensure_periods(session, {int(c[:4]) for c in frame["period_code"].unique()})
    rows = pd.DataFrame({
        "unit_id": frame["unit"].map(lambda c: ctx.units[c][0]), "period_code": frame["period_code"],
        "submitted_on": frame["submitted_on"], "document_no": frame["document_no"], "batch_id": batch_id})
    insert_frame(session, models.Submission, rows)
    return {"báo cáo": len(frame)}


KIND = Kind("bao_cao", "Sổ theo dõi báo cáo định kỳ", COLUMNS, ("unit", "period"), check, load,
            notes=("Mỗi dòng một báo cáo đã nhận. Báo cáo gửi sau hạn của kỳ là báo cáo trễ hạn; đơn vị không có dòng "
                   "nào cho kỳ là chưa gửi.",))
