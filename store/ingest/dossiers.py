"""Raw TTHC dossier records (one row per hồ sơ), and their aggregation into the indicators that the
Decision 766 rates are built from (DOMAIN.md §3.4), per unit and reporting period."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import event
from sqlalchemy.orm import Session

from store import calendar, dossier_data, models
from store.db import ensure_periods
from store.ingest import streamed
from store.ingest.bulk import insert_frame
from store.ingest.columns import Choice, Day, Number, Text, YesNo
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector

CHANNELS = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Bưu chính": "buu_chinh",
            "Bưu chính công ích": "buu_chinh", "BCCI": "buu_chinh", "Online": "truc_tuyen"}

COLUMNS = (
    Text("Mã đơn vị", "unit", example="SKHCN", help="Đơn vị giải quyết hồ sơ"),
    Text("Mã hồ sơ", "code", example="000.00.18.H33-241105-0001", help="Số hồ sơ trên hệ thống một cửa"),
    Text("Mã TTHC", "tthc", example="1.004398", help="Mã thủ tục hành chính trên CSDL quốc gia"),
    Day("Ngày tiếp nhận", "received", example="05/11/2024"),
    Day("Ngày hẹn trả", "due", example="19/11/2024"),
    Day("Ngày có kết quả", "finished", required=False, example="15/11/2024",
        help="Để trống nếu hồ sơ đang giải quyết"),
    Choice("Hình thức nộp", "channel", choices=CHANNELS, example="Trực tuyến",
           help="Trực tiếp / Trực tuyến / Bưu chính"),
    YesNo("Có phí, lệ phí", "has_fee", help="TTHC có phí, lệ phí (Có / Không)"),
    YesNo("Thanh toán trực tuyến", "paid_online", example="Có"),
    YesNo("Số hóa", "digitised", help="Hồ sơ đã được số hóa thành phần hồ sơ và kết quả (Có / Không)"),
    YesNo("Kết quả điện tử", "e_result", help="Có cấp kết quả giải quyết điện tử (Có / Không)"),
    Number("Số lần yêu cầu bổ sung", "supplements", integral=True, example="0"),
    YesNo("TTHC trả kết quả bản giấy", "paper_result", example="Không", optional=True,
          help="TTHC có trả kết quả bản giấy (Có / Không). Cột không bắt buộc: thiếu cột thì chỉ số 3.3, 4.1, 4.2 "
               "tính như khi chưa phân biệt được, và phiếu điểm ghi rõ điều đó"),
)


def check(ctx: Context, frame: pd.DataFrame | streamed.Staged, out: Collector) -> None:
    if ctx.year and not calendar.FIRST_YEAR <= ctx.year <= calendar.LAST_YEAR:
        out.add(f"năm dữ liệu {ctx.year}: năm phải từ {calendar.FIRST_YEAR} đến {calendar.LAST_YEAR}")
        return
    if isinstance(frame, streamed.Staged):
        streamed.check(ctx, frame, out)
        return
    ctx.unknown_units(frame, out, "Mã đơn vị")
    received = frame["received"]
    if received.notna().any():
        year = ctx.year or calendar.reporting_year_of(received.dropna().sort_values().iloc[len(received.dropna()) // 2].date())
        ctx.found.update(year=year, first=received.min().date(), last=received.max().date())
        if calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
            window = calendar.year_window(year)
            start, end = window.start, window.end
            span = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
            message = lambda v: f"ngày tiếp nhận {v:%d/%m/%Y} nằm ngoài kỳ dữ liệu năm {year} ({span})"  # noqa: E731
        else:  # a year whose periods could not be read back: its rows are named
            (start, end), message = calendar.days_of_years(), calendar.beyond_years
        outside = received.notna() & ((received < pd.Timestamp(start)) | (received > pd.Timestamp(end)))
        out.rows(outside, "Ngày tiếp nhận", message, received)
    out.rows(frame["due"] < received, "Ngày hẹn trả", "ngày hẹn trả trước ngày tiếp nhận")
    out.rows(frame["finished"] < received, "Ngày có kết quả", "ngày có kết quả trước ngày tiếp nhận")
    out.rows(frame["paid_online"].astype(bool) & ~frame["has_fee"].astype(bool), "Thanh toán trực tuyến",
             "có thanh toán trực tuyến nhưng TTHC không có phí, lệ phí")
    out.rows(frame["e_result"].astype(bool) & frame["finished"].isna(), "Kết quả điện tử",
             "có kết quả điện tử nhưng hồ sơ chưa có ngày có kết quả")


def load(session: Session, frame: pd.DataFrame | streamed.Staged, ctx: Context, batch_id: int) -> dict[str, int]:
    """The file's rows become its dataset (store.dossier_data), recorded with the batch; the touched units' counts
    as they now stand — the year's batches' changes summed, this batch's added (store.dossier_data.totals) — are
    written as this batch's facts."""
    year = ctx.found["year"]
    ensure_periods(session, {year})
    staged = frame if isinstance(frame, streamed.Staged) else streamed.stage_frame(ctx.engine, frame)
    try:
        digest = session.get(models.IngestBatch, batch_id).sha256
        relative, made = dossier_data.publish(ctx.engine, staged.path, digest)
        if made:  # the transaction going back takes the dataset with it
            event.listen(session, "after_rollback", lambda _s: dossier_data.withdraw(ctx.engine, relative), once=True)
        dossier_data.record(session, batch_id, relative, year, len(staged), ctx.found["first"], ctx.found["last"])
        kept = dossier_data.changes_path(ctx.engine, batch_id, relative), dossier_data.procedures_path(
            ctx.engine, batch_id, relative)
        event.listen(session, "after_rollback", lambda _s: [k.unlink(missing_ok=True) for k in kept], once=True)
        facts = dossier_data.totals(ctx.engine, dossier_data.datasets_of(session, year), year)
    finally:
        staged.discard()  # published: gone by the rename; the same bytes published before: not needed
    ids = {code: uid for code, (uid, _) in ctx.units.items()}
    units = facts["unit"].nunique()
    facts = facts.assign(unit_id=_coded(facts["unit"], ids)).drop(columns="unit")
    # In the order facts always had (period, indicator, unit): the same file gives the same rows, id for id.
    order = {p.code: i for i, p in enumerate(calendar.periods_of(year))}
    facts = facts.assign(_p=_coded(facts["period_code"], order),
                         _i=_coded(facts["indicator_code"], {c: i for i, c in enumerate(dossier_data.INDICATORS)}))
    facts = facts.sort_values(["_p", "_i", "unit_id"], ignore_index=True)
    insert_frame(session, models.Fact, facts[["unit_id", "period_code", "indicator_code", "value"]]
                 .assign(batch_id=batch_id))
    return {"hồ sơ": len(staged), "đơn vị có hồ sơ": units, "số liệu tổng hợp": len(facts)}


def _coded(values: pd.Series, codes: dict) -> np.ndarray:
    """The code of each value, looked up once per distinct value (pandas maps Arrow-backed text a value at a time:
    1.5 s for the 665,000 facts of 5,000 units)."""
    positions, distinct = pd.factorize(values)
    return np.asarray([codes[v] for v in distinct], dtype="int64")[positions]


def _days(values: pd.Series) -> np.ndarray:
    """Dates as whole days since the epoch (missing: a far future), for fast vectorised comparisons."""
    stamps = pd.to_datetime(values, errors="coerce")
    days = stamps.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(stamps.isna().to_numpy(), np.iinfo("int64").max // 2, days)


def aggregate(dossiers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per unit and period of ``year``: the dossier counts of DOMAIN.md §3.4, as a long frame
    (unit_id, period_code, indicator_code, value).

    A dossier belongs to a period when it was received inside the period's data window. At the end of
    the window it is on time if it was finished by its due date, or is still being processed and not yet
    due; more than one request for supplements makes it late (766, indicator 2.1). The due date is taken
    as recorded, i.e. already excluding the time the applicant spent supplementing.

    A dossier of a procedure returning paper results counts for 3.3 and 4.2 only with an electronic result by
    the window's end, and 4.1 is the share of those procedures' finished dossiers with one. A dossier whose
    file had no paper-result column is counted apart (hs_chua_ro_ban_giay), in none of those counts: a rule
    set tells by it whether the exact rates can be had.
    """
    unit = dossiers["unit_id"].to_numpy()
    received, due, finished = (_days(dossiers[c]) for c in ("received", "due", "finished"))
    channel = dossiers["channel"].to_numpy()
    has_fee = dossiers["has_fee"].to_numpy(bool)
    supplements = dossiers["supplements"].to_numpy()
    e_result = dossiers["e_result"].to_numpy(bool)
    paper_values = dossiers["paper_result"].to_numpy(object) if "paper_result" in dossiers else np.full(len(dossiers), None)
    known = pd.notna(paper_values)
    paper = known & np.where(known, paper_values, False).astype(bool)
    out = []
    for period in calendar.periods_of(year):
        start = np.datetime64(period.start, "D").astype("int64")
        end = np.datetime64(period.end, "D").astype("int64")
        inside = (received >= start) & (received <= end)
        if not inside.any():
            continue
        done = inside & (finished <= end)
        late = (done & (finished > due)) | (inside & ~done & (end > due)) | (supplements > 1)
        counts = pd.DataFrame({
            "unit_id": unit,
            "hs_tiep_nhan": inside,
            "hs_truc_tuyen": inside & (channel == "truc_tuyen"),
            "hs_truc_tiep": inside & (channel == "truc_tiep"),
            "hs_buu_chinh": inside & (channel == "buu_chinh"),
            "hs_da_giai_quyet": done,
            "hs_dung_han": inside & ~late,
            "hs_qua_han": inside & late,
            "hs_bo_sung": inside & (supplements >= 1),
            "hs_co_phi": inside & has_fee,
            "hs_thanh_toan_truc_tuyen": inside & has_fee & dossiers["paid_online"].to_numpy(bool),
            "hs_so_hoa": inside & dossiers["digitised"].to_numpy(bool),
            "hs_ket_qua_dien_tu": done & e_result,
            "hs_tong_ngay_giai_quyet": np.where(done, finished - received, 0),
            "hs_chua_ro_ban_giay": inside & ~known,
            "hs_giay_da_giai_quyet": done & paper,
            "hs_giay_ket_qua_dien_tu": done & paper & e_result,
            "hs_truc_tuyen_dat": inside & (channel == "truc_tuyen") & known & (~paper | (done & e_result)),
            "hs_so_hoa_dat": inside & dossiers["digitised"].to_numpy(bool) & known & (~paper | (done & e_result)),
        })[inside]
        sums = counts.groupby("unit_id").sum()
        sums["tthc_phat_sinh_ho_so"] = dossiers.loc[inside, "tthc_code"].groupby(unit[inside]).nunique()
        long = sums.reset_index().melt(id_vars="unit_id", var_name="indicator_code", value_name="value")
        out.append(long.assign(period_code=period.code))
    if not out:
        return pd.DataFrame(columns=["unit_id", "period_code", "indicator_code", "value"])
    facts = pd.concat(out, ignore_index=True)
    facts["value"] = facts["value"].astype(float)
    return facts[["unit_id", "period_code", "indicator_code", "value"]]


KIND = Kind("ho_so", "Hồ sơ thủ tục hành chính", COLUMNS, ("unit", "code"), check, load,
            notes=("Mỗi dòng một hồ sơ TTHC, xuất từ hệ thống thông tin giải quyết TTHC của tỉnh.",
                   "Mỗi tệp thuộc một năm báo cáo: ngày tiếp nhận phải nằm trong kỳ dữ liệu năm (15/12 năm trước – 14/12).",
                   "Hồ sơ đã nhập được nhập lại (cùng mã đơn vị và mã hồ sơ) là một lần sửa: bản mới nhất được dùng.",
                   "Sau khi nhập, hệ thống tự tổng hợp số liệu theo đơn vị và kỳ báo cáo (QĐ 766/QĐ-TTg)."))
