"""Declared figures: one value of one indicator for one unit and period, with its evidence."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from base.vn import number
from store import indicators, models
from store.calendar import KINDS_BY_CODE, PERIOD_KINDS, parse_period
from store.db import ensure_periods
from store.ingest.bulk import insert_frame
from store.ingest.columns import (COMMA_BEFORE_THREE, COMMA_SUFFIX, DOT_SUFFIX, PERCENT_SUFFIX, Number, Text,
                                  dot_before_three)
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector
from store.queries import current_facts

COLUMNS = (
    Text("Mã đơn vị", "unit", example="SKHCN"),
    Text("Kỳ báo cáo", "period", example="Năm 2024", help="2024-Q1, Quý I/2024, 6 tháng 2024, 9 tháng 2024, Năm 2024"),
    Text("Mã chỉ tiêu", "indicator", example="van_ban_ky_so", help="Mã trong bảng «Danh mục chỉ tiêu»"),
    Number("Giá trị", "value", minimum=None, example="118", told=True,
           help="Số; chỉ tiêu tính bằng % ghi 85 hoặc 85%"),
    Text("Tài liệu kiểm chứng", "evidence", required=False, example="Sổ theo dõi văn bản đi 2024, tr. 1–12", links=True,
         help="Số, ký hiệu văn bản hoặc đường dẫn tài liệu kiểm chứng"),
    Text("Ghi chú", "note", required=False, example="",
         help="Giải trình của đơn vị, nhất là khi chưa có tài liệu kiểm chứng"),
)


def check(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_units(frame, out, "Mã đơn vị")
    periods = ctx.periods(frame, out)
    frame["period_code"] = frame["period"].map({text: p.code for text, p in periods.items()})

    registry = indicators.registry()
    for code in frame["indicator"].unique():
        if not code:
            continue
        rows = frame["indicator"].eq(code)
        if code not in registry:
            near = [code.lower()] if code.lower() in registry else difflib.get_close_matches(code, registry, n=1)
            hint = f" (có phải «{near[0]}»?)" if near else ""
            out.rows(rows, "Mã chỉ tiêu", f"chỉ tiêu «{code}» không có trong danh mục chỉ tiêu{hint}")
            continue
        ind = registry[code]
        if ind.source == "ho_so":
            out.rows(rows, "Mã chỉ tiêu", f"chỉ tiêu «{code}» được tính từ dữ liệu hồ sơ TTHC, không nhập tay")
        value = frame["value"]
        if ind.unit != "%":  # 85% of a count of people is no count: the cell was meant for another figure
            out.rows(rows & frame["value" + PERCENT_SUFFIX], "Giá trị",
                     lambda v: f"{ind.label} tính bằng {ind.unit}, không tính bằng phần trăm: «{number(v, 6)}%» "
                               "không phải giá trị của chỉ tiêu này", value)
        out.rows(rows & (value < 0), "Giá trị", lambda v: f"{ind.label}: giá trị âm «{number(v, 6)}» không hợp lệ",
                 value)
        if ind.unit == "%":  # 0,91 is 91 % written as a fraction (a formula =a/b left unformatted), or 0,91 %
            out.rows(rows & (value > 0) & (value < 1) & ~frame["value" + PERCENT_SUFFIX], "Giá trị",
                     lambda v: f"{ind.label}: «{number(v, 6)}» là tỷ lệ viết dạng phân số? ghi {number(v * 100, 4)} "
                               f"hoặc {number(v * 100, 4)}% (tỷ lệ dưới 1% thì ghi kèm dấu %: {number(v, 6)}%)", value)
            # 1 is 1 %, or the whole, 100 %, as the same unformatted formula gives it: taken as written, and said
            whole = rows & (value == 1) & ~frame["value" + PERCENT_SUFFIX]
            if whole.any():
                out.warn(f"{ind.label}: «1» được nhận là 1%; nếu là 100% viết dạng phân số (=a/b chưa định dạng) thì "
                         "ghi 100", "Giá trị", [out.row_of(p) for p in np.flatnonzero(whole.to_numpy())])
        if ind.integral:  # «2,000» is two, or two thousand: neither is safe to take
            commas = frame["value" + COMMA_SUFFIX]
            out.rows(rows & ~commas & value.notna() & (value != np.floor(value)), "Giá trị",
                     lambda v: f"{ind.label}: «{number(v, 6)}» phải là số nguyên", value)
            out.rows(rows & commas, "Giá trị",
                     lambda v: f"{ind.label}: «{f'{v:.3f}'.replace('.', ',')}»: {COMMA_BEFORE_THREE}", value)
        else:  # «65.234» is 65 234, or 65.234 as English writes it: a score or a rate may be either
            out.rows(rows & frame["value" + DOT_SUFFIX], "Giá trị",
                     lambda v: f"{ind.label}: {dot_before_three(_grouped(v))}", value)
        if ind.max_value is not None or ind.min is not None:
            outside = pd.Series(False, index=value.index)
            if ind.max_value is not None:
                outside |= value > ind.max_value
            if ind.min is not None:
                outside |= value < ind.min
            if not ind.integral:  # «2.750» is refused for its dot, not again for 2750 points
                outside &= ~frame["value" + DOT_SUFFIX]
            out.rows(rows & outside, "Giá trị", lambda v, ind=ind: f"{ind.label}: {ind.beyond(v)}", value)
    if not out.problems:
        _check_parts(ctx, frame, out)
    if not out.problems:  # said of a file that lands
        _check_cumulative(ctx, frame, out)


def _grouped(v: float) -> str:
    """A number as it was written with a dot before its last three digits («65.234» for 65234)."""
    whole = f"{abs(v):.0f}"
    return ("-" if v < 0 else "") + f"{whole[:-3]}.{whole[-3:]}"


def _check_parts(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A part may not exceed its whole (121 signed of 120 outgoing), in the file or against the store."""
    registry = indicators.registry()
    ids = {code: uid for code, (uid, _) in ctx.units.items()}
    rows = [out.row_of(pos) for pos in range(len(frame))]
    new = frame.assign(row=rows, batch_id=pd.NA)[["unit", "period_code", "indicator", "value", "row", "batch_id"]]
    with ctx.reading() as s:
        old = current_facts(s, sorted(set(new["period_code"])), [ids[u] for u in set(new["unit"])])
    old = old.rename(columns={"period": "period_code"})[["unit", "period_code", "indicator", "value", "batch_id"]]
    merged = pd.concat([old.assign(row=pd.NA), new]).drop_duplicates(
        ["unit", "period_code", "indicator"], keep="last")
    merged["whole"] = merged["indicator"].map(lambda c: registry[c].whole if c in registry else None)
    pairs = merged.dropna(subset=["whole"]).merge(
        merged[["unit", "period_code", "indicator", "value", "row", "batch_id"]],
        left_on=["unit", "period_code", "whole"], right_on=["unit", "period_code", "indicator"],
        suffixes=("", "_whole"))
    bad = pairs[(pairs["value"] > pairs["value_whole"]) & (pairs["row"].notna() | pairs["row_whole"].notna())]

    def where(row, batch, stored: str = " (giá trị đang có trong hệ thống)") -> str:
        """Where a value of the pair not of this file comes from: the store, or a file of the same command,
        which is not in the store yet (nothing of a refused command is)."""
        if pd.notna(row):
            return ""
        named = ctx.together.get(int(batch))
        return f", từ tệp {named} trong cùng lệnh" if named else stored

    for r in bad.itertuples(index=False):
        part, whole = registry[r.indicator], registry[r.whole]
        row = r.row if pd.notna(r.row) else r.row_whole
        out.add(f"{part.label} ({number(r.value, 6)}{where(r.row, r.batch_id, stored='')}) lớn hơn "
                f"{whole.label} ({number(r.value_whole, 6)}{where(r.row_whole, r.batch_id_whole)}) "
                f"của đơn vị {r.unit}, kỳ {r.period_code}", int(row), "Giá trị")


def _check_cumulative(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A figure counted from the year's start (documents sent, feedback received: «lũy kế») cannot be smaller in a
    period than in one whose window it holds (6 tháng below Quý I): said naming both periods, in the file or against
    the store, since one of them is a slip or a figure of the period alone."""
    registry = indicators.registry()
    counted = frame["indicator"].map(lambda c: c in registry and registry[c].cumulative)
    if not counted.any():
        return
    ids = {code: uid for code, (uid, _) in ctx.units.items()}
    new = frame[counted].assign(row=[out.row_of(p) for p in np.flatnonzero(counted.to_numpy())], batch_id=pd.NA)
    new = new[["unit", "period_code", "indicator", "value", "row", "batch_id"]]
    years = {int(c[:4]) for c in new["period_code"]}
    with ctx.reading() as s:
        old = current_facts(s, [f"{y}-{k.code}" for y in sorted(years) for k in PERIOD_KINDS],
                            [ids[u] for u in set(new["unit"])], sorted(set(new["indicator"])))
    old = old.rename(columns={"period": "period_code"})[["unit", "period_code", "indicator", "value", "batch_id"]]
    merged = pd.concat([old.assign(row=pd.NA), new]).drop_duplicates(["unit", "period_code", "indicator"], keep="last")
    merged["year"] = merged["period_code"].str[:4]
    merged["kind"] = merged["period_code"].str[5:]
    pairs = merged.merge(merged, on=["unit", "indicator", "year"], suffixes=("", "_longer"))
    pairs = pairs[[(longer, shorter) in _HOLDS for longer, shorter in zip(pairs["kind_longer"], pairs["kind"])]]
    # each period against the shortest of the unit's periods that holds it (Quý I against 6 tháng, not 9 tháng too)
    ends = pairs["kind_longer"].map(lambda k: KINDS_BY_CODE[k].end[0] * 100 + KINDS_BY_CODE[k].end[1])
    pairs = pairs[ends == ends.groupby([pairs["unit"], pairs["indicator"], pairs["period_code"]]).transform("min")]
    fallen = pairs[(pairs["value"] > pairs["value_longer"]) & (pairs["row"].notna() | pairs["row_longer"].notna())]

    def where(row, batch) -> str:
        if pd.notna(row):
            return ""
        named = ctx.together.get(int(batch))
        return f" (từ tệp {named} trong cùng lệnh)" if named else " (giá trị đang có trong hệ thống)"

    said = []  # one warning per figure and pair of periods, in the order of the file's rows
    for (code, shorter, longer), group in fallen.groupby(["indicator", "period_code", "period_code_longer"]):
        said.append((sorted({int(x) for x in pd.concat([group["row"], group["row_longer"]]).dropna()}), code,
                     parse_period(shorter), parse_period(longer), group))
    for rows, code, shorter, longer, group in sorted(said, key=lambda w: w[0]):
        units = [f"{r.unit} {number(r.value_longer, 6)}{where(r.row_longer, r.batch_id_longer)} so với "
                 f"{number(r.value, 6)}{where(r.row, r.batch_id)}" for r in group.itertuples(index=False)]
        more = f"; và {len(units) - SHOWN_UNITS} đơn vị khác" if len(units) > SHOWN_UNITS else ""
        out.warn(f"{registry[code].label} là số liệu lũy kế từ đầu năm nhưng {longer.in_sentence} nhỏ hơn "
                 f"{shorter.in_sentence}: {'; '.join(units[:SHOWN_UNITS])}{more}; kiểm tra lại số liệu của hai kỳ",
                 "Giá trị", rows)


SHOWN_UNITS = 5


# (longer, shorter): the period kinds whose window holds another's (6 tháng holds Quý I and Quý II)
_HOLDS = {(a.code, b.code) for a in PERIOD_KINDS for b in PERIOD_KINDS
          if a != b and a.start <= b.start and b.end <= a.end}


def load(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    ensure_periods(session, {int(c[:4]) for c in frame["period_code"].unique()})
    ids = {code: uid for code, (uid, _) in ctx.units.items()}
    rows = pd.DataFrame({
        "unit_id": frame["unit"].map(ids), "period_code": frame["period_code"],
        "indicator_code": frame["indicator"], "batch_id": batch_id,
    })
    insert_frame(session, models.Fact, rows.assign(value=frame["value"].astype(float)))
    evidence = rows[frame["evidence"].ne("") | frame["note"].ne("")].drop(columns="batch_id")
    insert_frame(session, models.Evidence,
                 evidence.assign(reference=frame.loc[evidence.index, "evidence"], batch_id=batch_id,
                                 explanation=frame.loc[evidence.index, "note"]))
    return {"số liệu": len(frame), "tài liệu kiểm chứng": int(frame["evidence"].ne("").sum())}


KIND = Kind("so_lieu", "Số liệu chỉ tiêu", COLUMNS, ("unit", "period", "indicator"), check, load,
            notes=("Mỗi dòng một giá trị của một chỉ tiêu, của một đơn vị, trong một kỳ báo cáo.",
                   "Nhập lại một giá trị là một lần sửa: giá trị mới nhất được dùng, giá trị cũ vẫn được lưu.",
                   "Số liệu về hồ sơ TTHC không nhập ở đây: hệ thống tự tính từ tệp hồ sơ."))
