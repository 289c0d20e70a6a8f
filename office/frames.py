"""The administrative frame of a document (Nghị định 30/2020): who issues it, where, when, to whom, and who
signs, read from the unit tree and its staff."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from office.errors import NotFound
from reports.model import Frame, Signature
from store import models

PROVINCE_OFFICE = "SNV"  # Sở Nội vụ: ranks departments and communes every year (seed 003)


def _people(session: Session, unit_id: int) -> dict[str, str]:
    """Position → the name of someone holding it in the unit (for the signature block)."""
    rows = session.execute(select(models.Person.position, models.Person.full_name)
                           .where(models.Person.unit_id == unit_id).order_by(models.Person.code)).all()
    found: dict[str, str] = {}
    for position, name in rows:
        found.setdefault(position, name)
    return found


def _signature(people: dict[str, str]) -> Signature:
    if "Phó Giám đốc" in people:
        return Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", people["Phó Giám đốc"])
    if "Giám đốc" in people:
        return Signature("GIÁM ĐỐC", "", people["Giám đốc"])
    if "Chủ tịch UBND" in people:
        return Signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", people["Chủ tịch UBND"])
    return Signature("THỦ TRƯỞNG ĐƠN VỊ", "", "")


def frame_for(engine: Engine, unit_code: str, type_code: str, issued: date, recipients: tuple[str, ...]) -> Frame:
    """The frame of a document issued by ``unit_code``, signed by its deputy head (or its head)."""
    with Session(engine) as s:
        unit = s.scalars(select(models.Unit).where(models.Unit.code == unit_code)).one_or_none()
        if unit is None:
            raise NotFound(f"không có đơn vị «{unit_code}» để ban hành văn bản", field="--unit")
        parent = s.get(models.Unit, unit.parent_id) if unit.parent_id else None
        people = _people(s, unit.id)
    province = parent.name if parent is not None else unit.name
    place = province.split("tỉnh ")[-1] if "tỉnh " in province else province
    return Frame(parent_body=(parent.name if parent else ""), body=unit.name, body_code=unit_code,
                 type_code=type_code, place=place, issued=issued, recipients=recipients,
                 signature=_signature(people))
