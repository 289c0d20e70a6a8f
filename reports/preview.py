"""The annex to a proposal that submits a new rule set: what it would change on a period already recorded,
from a plain context (nothing here knows where the numbers came from)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reports.documents import signed_text
from reports.markup import render_blocks
from reports.model import Document, Frame, Table


@dataclass(frozen=True)
class MovedRow:
    name: str
    points_before: float | None
    points_after: float | None
    percent_before: float | None
    percent_after: float | None
    rank_before: int | None
    rank_after: int | None
    class_before: str
    class_after: str
    causes: str


@dataclass(frozen=True)
class Comparison:
    """Phụ lục so sánh bộ tiêu chí: the rules that change, the units that move and why, the inputs missing."""

    period_words: str  # «năm 2024»
    current_title: str
    new_title: str
    new_reference: str
    units: int
    rules: tuple[str, ...]
    rows: tuple[MovedRow, ...]
    lacking: tuple[str, ...]

    @property
    def moved(self) -> int:
        return len(self.rows)

    @property
    def class_moved(self) -> int:
        return sum(r.class_before != r.class_after for r in self.rows)


def comparison_annex(c: Comparison, frame: Frame) -> Document:
    table = Table(("STT", "Đơn vị", "Điểm hiện hành", "Điểm theo bộ mới", "Tỷ lệ hiện hành", "Tỷ lệ theo bộ mới",
                   "Hạng hiện hành", "Hạng theo bộ mới", "Xếp loại hiện hành", "Xếp loại theo bộ mới", "Lý do"),
                  tuple((i, r.name, r.points_before, r.points_after, r.percent_before, r.percent_after,
                         r.rank_before, r.rank_after, r.class_before, r.class_after, signed_text(r.causes))
                        for i, r in enumerate(c.rows, start=1)),
                  ("int", "text", "dec", "dec", "pct", "pct", "int", "int", "text", "text", "text"),
                  title=signed_text(f"So sánh kết quả {c.period_words}"))
    tables = {"thay_doi": table}
    blocks = tuple(replace(b, text=signed_text(b.text))
                   for b in render_blocks("phu_luc_so_sanh_bo_tieu_chi.j2", {"k": c}, tables, {}))
    return Document("phu_luc_so_sanh_bo_tieu_chi", frame, blocks, tables)
