"""Units: the tree tỉnh → sở/ban/ngành and UBND xã/phường → phòng/đơn vị trực thuộc."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from base.unit_kinds import UNIT_KINDS
from store import models
from store.ingest.columns import Choice, Text
from store.ingest.kind import Context, Kind, case_variants
from store.ingest.problems import Collector

# Which kind of unit may sit under which.
PARENT_KINDS = {"tinh": set(), "so_nganh": {"tinh"}, "xa_phuong": {"tinh"}, "phong_ban": {"so_nganh", "xa_phuong"}}

COLUMNS = (
    Text("Mã đơn vị", "unit", help="Mã duy nhất của đơn vị, ví dụ SKHCN hoặc XA-BANHON", example="SKHCN"),
    Text("Tên đơn vị", "name", help="Tên đầy đủ", example="Sở Khoa học và Công nghệ", one_line=True),
    Choice("Loại đơn vị", "kind", example="Sở, ban, ngành",
           help="UBND tỉnh / Sở, ban, ngành / UBND xã, phường / Phòng, đơn vị trực thuộc",
           choices={**{v: k for k, v in UNIT_KINDS.items()}, **{k: k for k in UNIT_KINDS},
                    "Tỉnh": "tinh", "Sở": "so_nganh", "Ban": "so_nganh", "Xã": "xa_phuong", "Phường": "xa_phuong",
                    "UBND xã": "xa_phuong", "UBND phường": "xa_phuong", "Phòng": "phong_ban",
                    "Đơn vị trực thuộc": "phong_ban",
                    # the other units of the commune level: towns (before 2025) and special zones (since)
                    "UBND thị trấn": "xa_phuong", "Thị trấn": "xa_phuong", "UBND đặc khu": "xa_phuong",
                    "Đặc khu": "xa_phuong"}),
    Text("Mã đơn vị cấp trên", "parent", required=False,
         help="Để trống với UBND tỉnh; sở và xã thuộc tỉnh; phòng thuộc sở hoặc xã", example="TINH"),
    # The unit as the issuer of documents (Nghị định 30/2020/NĐ-CP); optional, with defaults that are the
    # unit's own (its code, its province's name, its head in the staff list).
    Text("Ký hiệu viết tắt", "abbreviation", required=False, example="SKHCN",
         help="Chữ viết tắt tên cơ quan trong số, ký hiệu văn bản (…/KH-SKHCN); để trống: dùng mã đơn vị, "
              "UBND tỉnh và xã dùng «UBND»"),
    Text("Địa danh", "place", required=False, example="Lai Châu",
         help="Địa danh ghi trước ngày tháng của văn bản; để trống: tên tỉnh"),
    Text("Người ký", "signer_name", required=False, example="Nguyễn Văn A",
         help="Họ và tên người ký văn bản của đơn vị; để trống: lãnh đạo có trong danh sách cán bộ"),
    Text("Chức vụ người ký", "signer_title", required=False, example="PHÓ GIÁM ĐỐC",
         help="Chức vụ ghi dưới quyền hạn ký, ví dụ PHÓ GIÁM ĐỐC, CHỦ TỊCH"),
    Text("Thẩm quyền ký", "signer_authority", required=False, example="KT. GIÁM ĐỐC",
         help="KT. (ký thay), TM. (thay mặt), Q. (quyền), TL. (thừa lệnh), TUQ. (thừa ủy quyền), hoặc chức danh "
              "người đứng đầu ký trực tiếp (GIÁM ĐỐC)"),
    Text("Nơi nhận", "recipients", required=False, example="Sở Nội vụ; Lưu: VT",
         help="Các nơi nhận thường xuyên của đơn vị, cách nhau bằng dấu chấm phẩy"),
)
ABBREVIATION = re.compile(r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")
AUTHORITY = re.compile(r"^(KT|TM|Q|TL|TUQ)\. \S")
LIMITS = {"abbreviation": ("Ký hiệu viết tắt", 30), "place": ("Địa danh", 100), "signer_name": ("Người ký", 200),
          "signer_title": ("Chức vụ người ký", 100), "signer_authority": ("Thẩm quyền ký", 100),
          "recipients": ("Nơi nhận", 1000)}
SHOWN = 5  # stored units named in a message before the rest are counted


def _check_issuer(frame: pd.DataFrame, out: Collector) -> None:
    """The optional issuer columns: the abbreviation's letters, the authority's prefix (their lengths are the
    columns' own limits)."""
    for pos, (code, value) in enumerate(zip(frame["unit"], frame["abbreviation"])):
        if value and not ABBREVIATION.match(value):
            out.add(f"ký hiệu «{value}» của đơn vị «{code}» chỉ gồm chữ in hoa, chữ số và dấu gạch nối "
                    "(ví dụ SKHCN, UBND)", out.row_of(pos), "Ký hiệu viết tắt")
    for pos, (authority, title) in enumerate(zip(frame["signer_authority"], frame["signer_title"])):
        head = authority.split(" ", 1)[0] if authority else ""
        if authority and "." in head and not AUTHORITY.match(authority):
            out.add(f"thẩm quyền ký «{authority}» phải bắt đầu bằng KT., TM., Q., TL. hoặc TUQ. và chức danh "
                    "(ví dụ «KT. GIÁM ĐỐC»)", out.row_of(pos), "Thẩm quyền ký")
        elif authority.startswith(("KT.", "TM.")) and not title:
            out.add(f"ký «{authority}» cần ghi «Chức vụ người ký» (ví dụ PHÓ GIÁM ĐỐC)", out.row_of(pos), "Chức vụ người ký")


def _check_stored_below(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A stored unit the file gives another parent or kind, checked with the tree it would make (the file's units
    over the stored ones): not under one of its own units, and the stored units under it that the file does not
    declare again still fit its new kind (with every link fitting, no other loop can form: each kind sits one
    level below its parent's)."""
    with ctx.reading() as s:
        stored = s.execute(select(models.Unit.id, models.Unit.code, models.Unit.kind, models.Unit.parent_id)).all()
    code_of = {uid: code for uid, code, _, _ in stored}
    before = {code: (kind, code_of.get(parent, "")) for _, code, kind, parent in stored}
    parent_of = {code: parent for code, (_, parent) in before.items()} | dict(zip(frame["unit"], frame["parent"]))
    in_file = set(frame["unit"])
    below: dict[str, list[tuple[str, str]]] = {}
    for _, code, kind, parent in stored:
        if parent is not None and code not in in_file:
            below.setdefault(code_of[parent], []).append((code, kind))
    for pos, (code, kind, parent) in enumerate(zip(frame["unit"], frame["kind"], frame["parent"])):
        if code not in before or kind is None or pd.isna(kind) or before[code] == (kind, parent or ""):
            continue
        seen, up = {parent}, parent_of.get(parent)
        while up and up != code and up not in seen:
            seen.add(up)
            up = parent_of.get(up)
        if parent and parent != code and up == code:
            out.add(f"đơn vị «{code}» không thể thuộc «{parent}», là đơn vị cấp dưới của chính nó",
                    out.row_of(pos), "Mã đơn vị cấp trên")
        misfits = sorted(child for child, child_kind in below.get(code, []) if kind not in PARENT_KINDS[child_kind])
        if misfits:
            named = ", ".join(f"«{c}»" for c in misfits[:SHOWN])
            more = f" và {len(misfits) - SHOWN} đơn vị khác" if len(misfits) > SHOWN else ""
            out.add(f"{UNIT_KINDS[kind]} «{code}» không thể là cấp trên của đơn vị đã có trong danh mục {named}{more} "
                    "(ghi lại các đơn vị này với cấp trên mới trong cùng tệp)", out.row_of(pos), "Loại đơn vị")


def check(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    _check_issuer(frame, out)
    _check_stored_below(ctx, frame, out)
    _check_case(ctx, frame, out)
    in_file = dict(zip(frame["unit"], frame["kind"]))
    kinds = {code: kind for code, (_, kind) in ctx.units.items()} | in_file
    _check_one_province(kinds, frame, out)
    parents = frame["parent"].to_numpy()
    rows = list(zip(frame["unit"], frame["kind"], parents))
    for pos, (code, kind, parent) in enumerate(rows):
        if kind is None or pd.isna(kind):
            continue
        if not parent:
            if PARENT_KINDS[kind]:
                out.add(f"{UNIT_KINDS[kind]} «{code}» phải có đơn vị cấp trên", out.row_of(pos), "Mã đơn vị cấp trên")
            continue
        if parent == code:
            out.add(f"đơn vị «{code}» không thể là cấp trên của chính nó", out.row_of(pos), "Mã đơn vị cấp trên")
        elif parent not in kinds:
            out.add(f"đơn vị cấp trên «{parent}» không có trong tệp và trong danh mục", out.row_of(pos), "Mã đơn vị cấp trên")
        elif kinds[parent] not in PARENT_KINDS[kind]:
            out.add(f"{UNIT_KINDS[kind]} không thể thuộc {UNIT_KINDS.get(kinds[parent], kinds[parent])} «{parent}»",
                    out.row_of(pos), "Mã đơn vị cấp trên")


def _check_one_province(kinds: dict[str, str], frame: pd.DataFrame, out: Collector) -> None:
    """A store is one province's: a second UBND tỉnh would be a second root of the tree, ranked beside the first
    and reported to as its own province. Several provinces are several stores (``cchc tinh add``)."""
    roots = sorted(code for code, kind in kinds.items() if kind == "tinh")
    if len(roots) < 2:
        return
    stored = [code for code in roots if code not in set(frame["unit"])]
    first = stored[0] if stored else next(c for c in frame["unit"] if c in roots)
    for pos, (code, kind) in enumerate(zip(frame["unit"], frame["kind"])):
        if kind == "tinh" and code != first:
            out.add(f"đã có UBND tỉnh «{first}»: mỗi cơ sở dữ liệu là của một tỉnh (nhiều tỉnh thì mỗi tỉnh một cơ sở "
                    "dữ liệu: cchc tinh add)", out.row_of(pos), "Loại đơn vị")


def _check_case(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A code another unit has in other letters' case («stp» beside «STP»): a unit written again in lower case, not
    a new one. It had become a second unit, and the files naming the first no longer found it as written."""
    case_variants(ctx.units, frame["unit"], out, "Mã đơn vị", "mã đơn vị")


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
        for field in LIMITS:  # a column left out, or a cell left blank, keeps what the unit had
            if getattr(row, field):
                setattr(unit, field, getattr(row, field))
        unit.parent_id = existing[row.parent].id if row.parent else None
        session.add(unit)
        session.flush()
    return {"đơn vị mới": added, "đơn vị cập nhật": len(frame) - added}


KIND = Kind("don_vi", "Danh mục đơn vị", COLUMNS, ("unit",), check, load,
            notes=("Mỗi dòng một đơn vị. Nhập lại tệp có mã đã có sẽ cập nhật tên, loại và cấp trên.",))
