"""Raw TTHC dossier records (one row per hồ sơ): their columns, their checks, and their landing as a dataset whose
counts per unit and reporting period (DOMAIN.md §3.4, store.dossier_data) become the facts that the Decision 766
rates are built from."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import event
from sqlalchemy.orm import Session

from base.vn import number
from store import calendar, dossier_data, indicators, models
from store.db import ensure_periods
from store.ingest import streamed
from store.ingest.bulk import insert_frame
from store.ingest.columns import Choice, Day, Number, Text, YesNo
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector, IngestError, Problem
from store.queries import current_facts

CHANNELS = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Bưu chính": "buu_chinh",
            "Bưu chính công ích": "buu_chinh", "BCCI": "buu_chinh", "Online": "truc_tuyen",
            # as one-stop systems' exports write them: the ways of submitting of Decree 61/2018 and the
            # two levels of an online service, both submitted online (Decision 766's 3.3 counts them alike)
            "Trực tiếp tại Bộ phận Một cửa": "truc_tiep", "Qua dịch vụ bưu chính công ích": "buu_chinh",
            "Dịch vụ bưu chính công ích": "buu_chinh", "Trực tuyến một phần": "truc_tuyen",
            "Trực tuyến toàn trình": "truc_tuyen", "Dịch vụ công trực tuyến": "truc_tuyen",
            "Trực tuyến mức độ 3": "truc_tuyen", "Trực tuyến mức độ 4": "truc_tuyen", "Nộp trực tuyến": "truc_tuyen",
            "Nộp trực tiếp": "truc_tiep", "Trực tiếp tại Bộ phận tiếp nhận và trả kết quả": "truc_tiep",
            "Qua bưu chính công ích": "buu_chinh", "Qua bưu chính": "buu_chinh", "Bưu điện": "buu_chinh",
            "Qua bưu điện": "buu_chinh", "Nộp qua bưu chính": "buu_chinh", "Nộp qua bưu điện": "buu_chinh",
            "Mức độ 3": "truc_tuyen", "Mức độ 4": "truc_tuyen"}

COLUMNS = (
    Text("Mã đơn vị", "unit", example="SKHCN", help="Đơn vị giải quyết hồ sơ"),
    Text("Mã hồ sơ", "code", example="000.00.18.H33-241105-0001", help="Số hồ sơ trên hệ thống một cửa"),
    Text("Mã TTHC", "tthc", example="1.004398", help="Mã thủ tục hành chính trên CSDL quốc gia"),
    Day("Ngày tiếp nhận", "received", example="05/11/2024"),
    Day("Ngày hẹn trả", "due", example="19/11/2024"),
    Day("Ngày có kết quả", "finished", required=False, example="15/11/2024",
        help="Để trống nếu hồ sơ đang giải quyết"),
    Choice("Hình thức nộp", "channel", choices=CHANNELS, example="Trực tuyến", named=6,  # not the systems' words
           help="Trực tiếp / Trực tuyến / Bưu chính"),
    YesNo("Có phí, lệ phí", "has_fee", help="TTHC có phí, lệ phí (Có / Không)",
          words={"Có thu phí": True, "Miễn phí": False, "Không thu phí": False, "Không có phí": False}),
    YesNo("Thanh toán trực tuyến", "paid_online", example="Có",
          words={"Đã thanh toán trực tuyến": True, "Chưa thanh toán": False}),
    YesNo("Số hóa", "digitised", help="Hồ sơ đã được số hóa thành phần hồ sơ và kết quả (Có / Không)",
          words={"Đã số hóa": True, "Chưa số hóa": False}),
    YesNo("Kết quả điện tử", "e_result", help="Có cấp kết quả giải quyết điện tử (Có / Không)"),
    Number("Số lần yêu cầu bổ sung", "supplements", integral=True, example="0"),
    YesNo("TTHC trả kết quả bản giấy", "paper_result", example="Không", optional=True,
          help="TTHC có trả kết quả bản giấy (Có / Không). Cột không bắt buộc: thiếu cột thì chỉ số 3.3, 4.1, 4.2 "
               "tính như khi chưa phân biệt được, và phiếu điểm ghi rõ điều đó"),
)


def check(ctx: Context, staged: streamed.Staged, out: Collector) -> None:
    if ctx.year and not calendar.FIRST_YEAR <= ctx.year <= calendar.LAST_YEAR:
        out.add(f"năm dữ liệu {ctx.year}: năm phải từ {calendar.FIRST_YEAR} đến {calendar.LAST_YEAR}")
        return
    streamed.check(ctx, staged, out)


def load(session: Session, staged: streamed.Staged, ctx: Context, batch_id: int) -> dict[str, int]:
    """The file's rows become its dataset (store.dossier_data), recorded with the batch; the touched units' counts
    as they now stand — the year's batches' changes summed, this batch's added (store.dossier_data.totals) — are
    written as this batch's facts."""
    year = ctx.found["year"]
    ensure_periods(session, {year})
    try:
        digest = session.get(models.IngestBatch, batch_id).sha256
        relative, made = dossier_data.publish(ctx.engine, staged.path, digest)
        if made:  # the transaction going back takes the dataset with it
            event.listen(session, "after_rollback", lambda _s: dossier_data.withdraw(ctx.engine, relative), once=True)
        dossier_data.record(session, batch_id, relative, year, len(staged), ctx.found["first"], ctx.found["last"])
        kept = dossier_data.changes_path(ctx.engine, batch_id, relative), dossier_data.procedures_path(
            ctx.engine, batch_id, relative)
        event.listen(session, "after_rollback", lambda _s: [k.unlink(missing_ok=True) for k in kept], once=True)
        try:
            facts = dossier_data.totals(ctx.engine, dossier_data.datasets_of(session, year), year)
        except dossier_data.DatasetMissing as err:  # the year's earlier batches are counted from their datasets
            raise IngestError([Problem(ctx.file, str(err))]) from None
    finally:
        staged.discard()  # published: gone by the rename; the same bytes published before: not needed
    above = _parts_above(session, ctx, year, facts)
    if above:
        raise IngestError(above)
    ids = {code: uid for code, (uid, _) in ctx.units.items()}
    units = facts["unit"].nunique()
    facts = facts.assign(unit_id=_coded(facts["unit"], ids)).drop(columns="unit")
    # In the order of the facts' index (period, unit, indicator, as the codes sort): each row goes next to the one
    # before it, a fifth faster to write than in any other order; and the same file gives the same rows, id for id.
    facts = facts.sort_values(["period_code", "unit_id", "indicator_code"], ignore_index=True)
    insert_frame(session, models.Fact, facts[["unit_id", "period_code", "indicator_code", "value"]]
                 .assign(batch_id=batch_id))
    return {"hồ sơ": len(staged), "đơn vị có hồ sơ": units, "số liệu tổng hợp": len(facts)}


def _parts_above(session: Session, ctx: Context, year: int, facts: pd.DataFrame) -> list[Problem]:
    """Figures declared by hand as parts of a count of dossiers (those synchronised with the national portal, of
    the dossiers received) that the counts of this file would leave above their whole: a part may not exceed its
    whole, whichever of the two came last (a file of figures is refused so against the dossiers' counts)."""
    registry = indicators.registry()
    parts = {code: ind.whole for code, ind in registry.items()
             if ind.source != "ho_so" and ind.whole in dossier_data.INDICATORS}
    declared = current_facts(session, [p.code for p in calendar.periods_of(year)], None, sorted(parts))
    if declared.empty:
        return []
    wholes = facts.set_index(["unit", "period_code", "indicator_code"])["value"]
    problems = []
    for r in declared.itertuples(index=False):
        if (r.unit, r.period, r.indicator) in ctx.redeclared:  # corrected by a file of the same command
            continue
        whole = wholes.get((r.unit, r.period, parts[r.indicator]))
        if whole is not None and r.value > whole:
            part, of = registry[r.indicator], registry[parts[r.indicator]]
            problems.append(Problem(ctx.file, f"{of.label} của đơn vị {r.unit}, kỳ {r.period} tính từ tệp này là "
                                              f"{number(whole, 6)}, nhỏ hơn {part.label} đã khai báo "
                                              f"({number(r.value, 6)}): sửa số liệu đã khai báo (nhập lại tệp số "
                                              "liệu) hoặc tệp hồ sơ"))
    return problems


def _coded(values: pd.Series, codes: dict) -> np.ndarray:
    """The code of each value, looked up once per distinct value (pandas maps Arrow-backed text a value at a time:
    1.5 s for the 665,000 facts of 5,000 units)."""
    positions, distinct = pd.factorize(values)
    return np.asarray([codes[v] for v in distinct], dtype="int64")[positions]


KIND = Kind("ho_so", "Hồ sơ thủ tục hành chính", COLUMNS, ("unit", "code"), check, load,
            notes=("Mỗi dòng một hồ sơ TTHC, xuất từ hệ thống thông tin giải quyết TTHC của tỉnh.",
                   "Mỗi tệp thuộc một năm báo cáo: ngày tiếp nhận phải nằm trong kỳ dữ liệu năm (15/12 năm trước – 14/12).",
                   "Hồ sơ đã nhập được nhập lại (cùng mã đơn vị và mã hồ sơ) là một lần sửa: bản mới nhất được dùng.",
                   "Sau khi nhập, hệ thống tự tổng hợp số liệu theo đơn vị và kỳ báo cáo (QĐ 766/QĐ-TTg)."))
