"""What a unit says in its periodic report where the store has no figures (báo cáo nội dung): one row per
unit, period and section of the Ministry's report form, in the unit's own words. A corrected file is a new
batch; the latest text of a unit, period and section is the one reported."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from store import models
from store.db import ensure_periods
from store.ingest.bulk import insert_frame
from store.ingest.columns import Choice, Text, fold, map_distinct
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector, shown

# The sections of the periodic CCHC report, in the order of the Ministry's form (seed 001): code → title.
SECTIONS = {
    "chi_dao": "Công tác lãnh đạo, chỉ đạo, điều hành cải cách hành chính",
    "tuyen_truyen": "Công tác tuyên truyền cải cách hành chính",
    "the_che": "Cải cách thể chế",
    "tthc": "Cải cách thủ tục hành chính",
    "to_chuc": "Cải cách tổ chức bộ máy",
    "cong_vu": "Cải cách chế độ công vụ",
    "tai_chinh": "Cải cách tài chính công",
    "chinh_quyen_so": "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
    "iso": "Áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001",
    "kiem_tra": "Công tác kiểm tra cải cách hành chính",
    "kho_khan": "Khó khăn, vướng mắc, hạn chế",
    "de_xuat": "Đề xuất, kiến nghị",
    "phuong_huong": "Phương hướng, nhiệm vụ kỳ tới",
}
MAX_TEXT = 20_000  # characters of one section's text


@dataclass(frozen=True)
class Section(Choice):
    """A section of the form, by its code or its title; a wrong one is told the codes (the titles hold commas,
    a list of them would not read)."""

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        text, reported = self.cells(raw, out)
        lookup = {fold(k): v for k, v in self.choices.items()}
        codes = map_distinct(text, lambda v: lookup.get(fold(v)) if v else None)
        out.rows(text.eq("") & ~reported, self.header, "ô bắt buộc đang để trống")
        out.rows(codes.isna() & text.ne(""), self.header,
                 lambda v: f"«{shown(v)}» không phải mục nào của báo cáo; ghi mã mục ({', '.join(SECTIONS)}) hoặc tên mục "
                           "như ở trang «Hướng dẫn»", text)
        return codes

COLUMNS = (
    Text("Mã đơn vị", "unit", example="SKHCN"),
    Text("Kỳ báo cáo", "period", example="Quý I/2024", help="2024-Q1, Quý I/2024, 6 tháng 2024, Quý III/2024, Năm 2024"),
    Section("Mục báo cáo", "section", example="tuyen_truyen",
           help="Mã hoặc tên mục: " + "; ".join(f"{c} ({t})" for c, t in SECTIONS.items()),
           choices={**{c: c for c in SECTIONS}, **{t: c for c, t in SECTIONS.items()}}),
    Text("Nội dung", "text", example="Đăng 12 tin, bài về CCHC trên trang thông tin điện tử của Sở; tổ chức 01 hội "
                                     "nghị tập huấn nghiệp vụ kiểm soát TTHC.",
         help="Nội dung báo cáo của đơn vị về mục này, như sẽ đưa vào báo cáo"),
)


def check(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_units(frame, out, "Mã đơn vị")
    codes = ctx.periods(frame, out)
    out.rows(frame["text"].str.len() > MAX_TEXT, "Nội dung",
             lambda n: f"nội dung dài {n} ký tự, quá {MAX_TEXT} ký tự của một mục", frame["text"].str.len())
    frame["period_code"] = frame["period"].map(lambda t: codes[t].code if t in codes else None)


def load(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    ensure_periods(session, {int(c[:4]) for c in frame["period_code"].unique()})
    rows = pd.DataFrame({
        "unit_id": frame["unit"].map(lambda c: ctx.units[c][0]), "period_code": frame["period_code"],
        "section": frame["section"], "text": frame["text"], "batch_id": batch_id})
    insert_frame(session, models.ReportNarrative, rows)
    return {"mục báo cáo": len(frame)}


KIND = Kind("bao_cao_noi_dung", "Nội dung báo cáo định kỳ", COLUMNS, ("unit", "period", "section"), check, load,
            notes=("Mỗi dòng là nội dung một mục báo cáo CCHC của một đơn vị trong một kỳ, ở những mục kho dữ liệu "
                   "chưa có số liệu (tuyên truyền, tổ chức bộ máy, ISO, khó khăn, đề xuất…). Báo cáo tổng hợp của "
                   "tỉnh dẫn nội dung của từng đơn vị theo từng mục.",
                   "Các mục: " + "; ".join(f"{c} — {t}" for c, t in SECTIONS.items()) + "."))
