"""Where each column of each kind of file is stored, and so how long its text and how large its numbers may be:
checked with the other cells, before the database sees them, the same way on SQLite (which would store a
text of megabytes, or wrap an integer around) and on PostgreSQL (which would refuse them with an SQL error)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import BigInteger, Integer, SmallInteger, String

from store import models as m
from store.ingest.columns import Number, Text
from store.ingest.kind import Kind

# kind → field → the model column its cells end up in (for a code referring to another table: that table's).
STORED = {
    "don_vi": {"unit": m.Unit.code, "name": m.Unit.name, "parent": m.Unit.code, "abbreviation": m.Unit.abbreviation,
               "place": m.Unit.place, "signer_name": m.Unit.signer_name, "signer_title": m.Unit.signer_title,
               "signer_authority": m.Unit.signer_authority, "recipients": m.Unit.recipients},
    "can_bo": {"person": m.Person.code, "name": m.Person.full_name, "position": m.Person.position,
               "unit": m.Unit.code, "year": m.StaffRating.year},
    "ky_luat": {"person": m.Person.code, "year": m.Discipline.year, "decision_no": m.Discipline.decision_no},
    "sang_kien": {"code": m.Initiative.code, "title": m.Initiative.title, "person": m.Person.code,
                  "year": m.Initiative.year, "decision_no": m.Initiative.decision_no},
    "so_lieu": {"unit": m.Unit.code, "period": m.Period.label, "indicator": m.Indicator.code},
    "ho_so": {"unit": m.Unit.code, "code": m.Dossier.code, "tthc": m.Dossier.tthc_code,
              "supplements": m.Dossier.supplements},
    "bao_cao": {"unit": m.Unit.code, "period": m.Period.label, "document_no": m.Submission.document_no},
    "ket_qua_kiem_tra": {"year": m.Inspection.year, "unit": m.Unit.code, "criterion": m.Finding.criterion,
                         "ruleset": m.Appraisal.ruleset},
    "bao_cao_noi_dung": {"unit": m.Unit.code, "period": m.Period.label},
}
# Fields that hold identifiers: typed into Excel as numbers, they lose their leading zeros.
CODES = {"unit", "parent", "person", "code", "tthc", "indicator", "criterion"}
INTEGER_RANGE = {SmallInteger: 2**15 - 1, Integer: 2**31 - 1, BigInteger: 2**63 - 1}


def _integer_top(sql_type) -> int | None:
    for kind, top in INTEGER_RANGE.items():
        if type(sql_type) is kind:
            return top
    return None


def sized(kind: Kind) -> Kind:
    """The kind with each column's limit taken from where it is stored."""
    stored = STORED.get(kind.code, {})
    columns = []
    for col in kind.columns:
        target = stored.get(col.field)
        sql_type = target.property.columns[0].type if target is not None else None
        changes = {}
        if isinstance(col, Text) and col.field in CODES:
            changes["code"] = True
        if isinstance(sql_type, String) and sql_type.length and col.limit is None:
            changes["limit"] = sql_type.length
        if isinstance(col, Number) and sql_type is not None and _integer_top(sql_type) and col.maximum is None:
            changes["maximum"] = _integer_top(sql_type)
        columns.append(replace(col, **changes) if changes else col)
    return replace(kind, columns=tuple(columns))
