"""Units: the tree tỉnh → sở/ban/ngành and UBND xã/phường → phòng/đơn vị trực thuộc."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import models
from store.ingest.columns import Choice, Text
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector

UNIT_KINDS = {
    "tinh": "UBND tỉnh",
    "so_nganh": "Sở, ban, ngành",
    "xa_phuong": "UBND xã, phường",
    "phong_ban": "Phòng, đơn vị trực thuộc",
}
# Which kind of unit may sit under which.
PARENT_KINDS = {"tinh": set(), "so_nganh": {"tinh"}, "xa_phuong": {"tinh"}, "phong_ban": {"so_nganh", "xa_phuong"}}

COLUMNS = (
    Text("Mã đơn vị", "unit", help="Mã duy nhất của đơn vị, ví dụ SKHCN hoặc XA-BANHON", example="SKHCN"),
    Text("Tên đơn vị", "name", help="Tên đầy đủ", example="Sở Khoa học và Công nghệ"),
    Choice("Loại đơn vị", "kind", example="Sở, ban, ngành",
           help="UBND tỉnh / Sở, ban, ngành / UBND xã, phường / Phòng, đơn vị trực thuộc",
           choices={**{v: k for k, v in UNIT_KINDS.items()}, **{k: k for k in UNIT_KINDS},
                    "Tỉnh": "tinh", "Sở": "so_nganh", "Ban": "so_nganh", "Xã": "xa_phuong", "Phường": "xa_phuong",
                    "UBND xã": "xa_phuong", "UBND phường": "xa_phuong", "Phòng": "phong_ban",
                    "Đơn vị trực thuộc": "phong_ban"}),
    Text("Mã đơn vị cấp trên", "parent", required=False,
         help="Để trống với UBND tỉnh; sở và xã thuộc tỉnh; phòng thuộc sở hoặc xã", example="TINH"),
)


def check(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    in_file = dict(zip(frame["unit"], frame["kind"]))
    kinds = {code: kind for code, (_, kind) in ctx.units.items()} | in_file
    parents = frame["parent"].to_numpy()
    rows = list(zip(frame["unit"], frame["kind"], parents))
    for pos, (code, kind, parent) in enumerate(rows):
        if kind is None or pd.isna(kind):
            continue
        if not parent:
            if PARENT_KINDS[kind]:
                out.add(f"{UNIT_KINDS[kind]} «{code}» phải có đơn vị cấp trên", pos + 2, "Mã đơn vị cấp trên")
            continue
        if parent == code:
            out.add(f"đơn vị «{code}» không thể là cấp trên của chính nó", pos + 2, "Mã đơn vị cấp trên")
        elif parent not in kinds:
            out.add(f"đơn vị cấp trên «{parent}» không có trong tệp và trong danh mục", pos + 2, "Mã đơn vị cấp trên")
        elif kinds[parent] not in PARENT_KINDS[kind]:
            out.add(f"{UNIT_KINDS[kind]} không thể thuộc {UNIT_KINDS.get(kinds[parent], kinds[parent])} «{parent}»",
                    pos + 2, "Mã đơn vị cấp trên")


def load(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    existing = {u.code: u for u in session.scalars(select(models.Unit))}
    depth = {"tinh": 0, "so_nganh": 1, "xa_phuong": 1, "phong_ban": 2}
    added = 0
    # Parents first, so that every parent has an id when its children are written.
    for row in sorted(frame.itertuples(index=False), key=lambda r: depth[r.kind]):
        unit = existing.get(row.unit)
        if unit is None:
            unit = existing[row.unit] = models.Unit(code=row.unit)
            added += 1
        unit.name, unit.kind, unit.batch_id = row.name, row.kind, batch_id
        unit.parent_id = existing[row.parent].id if row.parent else None
        session.add(unit)
        session.flush()
    return {"đơn vị mới": added, "đơn vị cập nhật": len(frame) - added}


KIND = Kind("don_vi", "Danh mục đơn vị", COLUMNS, ("unit",), check, load,
            notes=("Mỗi dòng một đơn vị. Nhập lại tệp có mã đã có sẽ cập nhật tên, loại và cấp trên.",))
