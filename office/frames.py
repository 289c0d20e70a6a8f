"""The administrative frame of a document (Nghị định 30/2020): who issues it, where, when, to whom, and who
signs — read from the unit as the record describes it (its issuer columns, then its staff), with defaults
that are always the unit's own — and the legal bases it cites, from dated data (``legal_bases.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
import re
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from office.errors import NotFound
from reports.model import Frame, Signature
from store import models

PROVINCE_OFFICE = "SNV"  # Sở Nội vụ: ranks departments and communes every year (seed 003)
LEGAL_BASES = Path(__file__).with_name("legal_bases.yaml")

# Who signs for a kind of unit when the record names no signer: (authority, title) of its head, and of a
# deputy signing on the head's behalf.
HEADS = {
    "tinh": (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    "xa_phuong": (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    "so_nganh": (("GIÁM ĐỐC", ""), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    "phong_ban": (("TRƯỞNG PHÒNG", ""), ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")),
}
HEAD_POSITIONS = {"tinh": ("Chủ tịch UBND", "Phó Chủ tịch UBND"), "xa_phuong": ("Chủ tịch UBND", "Phó Chủ tịch UBND"),
                  "so_nganh": ("Giám đốc", "Phó Giám đốc"), "phong_ban": ("Trưởng phòng", "Phó Trưởng phòng")}


@dataclass(frozen=True)
class Issuer:
    """A unit as the issuer of documents."""

    code: str
    name: str
    kind: str
    body: str  # as printed in the header: «Sở Khoa học và Công nghệ», «Ủy ban nhân dân tỉnh Lai Châu»
    parent_body: str  # «UBND tỉnh Lai Châu» above a department; «» for the province
    abbreviation: str  # SKHCN, UBND
    place: str
    province: str  # «Lai Châu»: the province the unit belongs to
    signature: Signature
    head: str  # the head's name if the record knows it
    recipients: tuple[str, ...]
    children: tuple[tuple[str, str], ...]  # (code, name) of the unit's own divisions
    root: str  # the code of the province (the top of the unit tree)


def _province_name(name: str) -> str:
    for prefix in ("UBND tỉnh ", "Ủy ban nhân dân tỉnh ", "UBND thành phố ", "Ủy ban nhân dân thành phố "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _full(name: str) -> str:
    return name.replace("UBND ", "Ủy ban nhân dân ", 1) if name.startswith("UBND ") else name


def issuer(engine: Engine, unit_code: str) -> Issuer:
    with Session(engine) as s:
        unit = s.scalars(select(models.Unit).where(models.Unit.code == unit_code)).one_or_none()
        if unit is None and unit_code == PROVINCE_OFFICE:  # a province whose office is not coded SNV: the province
            unit = s.scalars(select(models.Unit).where(models.Unit.parent_id.is_(None))
                             .order_by(models.Unit.id).limit(1)).first()
        if unit is None:
            raise NotFound(f"không có đơn vị «{unit_code}» để ban hành văn bản", field="--unit")
        chain = [unit]
        while chain[-1].parent_id:
            chain.append(s.get(models.Unit, chain[-1].parent_id))
        root = chain[-1]
        parent = chain[1] if len(chain) > 1 else None
        rows = s.execute(select(models.Person.position, models.Person.full_name)
                         .where(models.Person.unit_id == unit.id).order_by(models.Person.code)).all()
        children = tuple((c, n) for c, n in s.execute(select(models.Unit.code, models.Unit.name)
                                                          .where(models.Unit.parent_id == unit.id)
                                                          .order_by(models.Unit.code)))
        root_code = root.code
        kind, recipients = unit.kind, tuple(r.strip() for r in (unit.recipients or "").split(";") if r.strip())
        own = (unit.abbreviation, unit.place, unit.signer_name, unit.signer_title, unit.signer_authority)
        names = (unit.name, parent.name if parent else "", root.name, root.place)
    name, parent_name, root_name, root_place = names
    abbreviation, place, signer_name, signer_title, signer_authority = own
    people: dict[str, str] = {}
    for position, person in rows:
        people.setdefault(position, person)
    head_pos, deputy_pos = HEAD_POSITIONS.get(kind, ("", ""))
    (head_auth, head_title), (deputy_auth, deputy_title) = HEADS.get(kind, (("", ""), ("", "")))
    head = people.get(head_pos, "")
    if signer_name:
        signature = Signature(signer_authority or head_auth, signer_title or ("" if signer_authority else head_title),
                              signer_name)
    elif deputy_pos in people:
        signature = Signature(deputy_auth, deputy_title, people[deputy_pos])
    else:
        signature = Signature(head_auth, head_title, head)
    if signer_name and not signer_authority.startswith(("KT.", "TL.", "TUQ.")):
        head = head or signer_name
    province = _province_name(root_name)
    return Issuer(unit_code, name, kind, _full(name) if kind in ("tinh", "xa_phuong") else name,
                  parent_name if kind != "xa_phuong" else "", abbreviation or
                  ("UBND" if kind in ("tinh", "xa_phuong") else unit_code),
                  place or root_place or province, province, signature, head, recipients, children, root_code)


def frame_for(engine: Engine, unit_code: str, type_code: str, issued: date, recipients: tuple[str, ...],
              signature: Signature | None = None, cosign: Signature | None = None) -> Frame:
    """The frame of a document issued by ``unit_code``: its header, symbol, place, the unit's own recipients
    added to the document's (before «Lưu»), signed as the record says (or by ``signature``)."""
    return frame_of(issuer(engine, unit_code), type_code, issued, recipients, signature, cosign)


def in_own_name(signature: Signature) -> Signature:
    """The head's signature on a decision of the head's own competence (the Chairman's award decision, Luật TĐKT
    2022 Đ.80): «TM.» signs for a collective body (the People's Committee), so it is left off; a deputy's «KT.
    CHỦ TỊCH» stays as it is."""
    if signature.authority.startswith("TM.") and signature.title:
        return Signature(signature.title, "", signature.name)
    return signature


def frame_of(who: Issuer, type_code: str, issued: date, recipients: tuple[str, ...],
             signature: Signature | None = None, cosign: Signature | None = None) -> Frame:
    """``frame_for`` with the issuer already read (a site's thousand scorecards are all the province office's)."""
    keep = [r for r in recipients if not r.startswith("Lưu")]
    keep += [r for r in who.recipients if r not in keep and not r.startswith("Lưu")]
    archive = [r for r in recipients if r.startswith("Lưu")] or [r for r in who.recipients if r.startswith("Lưu")]
    return Frame(parent_body=who.parent_body, body=who.body, body_code=who.abbreviation, type_code=type_code,
                 place=who.place, issued=issued, recipients=tuple(keep + archive[:1]),
                 signature=signature or who.signature, cosign=cosign)


# --- Legal bases ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    number: str
    cite: str
    issued: date
    effective: date
    until: date | None
    province: str | None  # None: national
    unit: str | None
    year: int | None
    kinds: tuple[str, ...]
    level: str | None  # «tinh» | «don_vi»: only documents at that level


@cache
def legal_texts() -> tuple[Text, ...]:
    raw = yaml.safe_load(LEGAL_BASES.read_text(encoding="utf-8"))["texts"]
    out = []
    for t in raw:
        scope = t["scope"] if isinstance(t["scope"], dict) else {}
        out.append(Text(t["so"], t["cite"], t["issued"], t["effective"], t.get("until"), scope.get("tinh"),
                        scope.get("don_vi"), t.get("nam"), tuple(t["kinds"]), t.get("cap")))
    return tuple(out)


def in_force(text: Text, on: date) -> bool:
    return text.issued < on and text.effective <= on and (text.until is None or on < text.until)


def bases(who: Issuer, kind: str, on: date, year: int | None = None, level: str | None = None) -> tuple[str, ...]:
    """«Căn cứ …;» lines of a document of ``kind`` issued by ``who`` on ``on``: the texts in force then that
    belong to the issuer (national, its province's, its own)."""
    lines = []
    for t in legal_texts():
        if kind not in t.kinds or not in_force(t, on):
            continue
        if t.province is not None and t.province != who.province:
            continue
        if t.unit is not None and t.unit != who.code:
            continue
        if t.year is not None and year is not None and t.year != year:
            continue
        if t.level is not None and level is not None and t.level != level:
            continue
        lines.append(f"Căn cứ {t.cite};")
    return tuple(lines)


def dated(text: str, on: date) -> str:
    """``text`` without its mentions of the texts not yet (or no longer) in force on ``on`` — a reason
    «(NĐ 152/2025 Đ.4)» in a list of 2024, or a reference's «; Nghị định 152/2025/NĐ-CP»."""
    for t in legal_texts():
        if "/" not in t.number or in_force(t, on):
            continue
        short = re.escape(t.number.rsplit("/", 1)[0] if t.number.count("/") > 1 else t.number)
        text = re.sub(rf"\s*\([^()]*{short}[^()]*\)", "", text)
        text = re.sub(rf"[;,]?\s*(Nghị định|NĐ|Quyết định|QĐ|Luật|Kế hoạch|KH)?\s*(số\s*)?{short}[^;,.()]*", "", text)
    return text


def office_of(engine: Engine, who: Issuer) -> Issuer | None:
    """The unit's own office (Văn phòng), which keeps its records and the council's minutes."""
    code = next((c for c, n in who.children if n.startswith("Văn phòng")), None)
    return issuer(engine, code) if code else None
