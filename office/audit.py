"""The audit log: every write made through the portal or the command line, with who, when, from where,
what, and the object's state before and after. Secrets (passwords, hashes) are never written here."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from office.errors import Forbidden
from store import models

SECRET_KEYS = {"password", "mat_khau", "password_hash", "new_password", "old_password"}


def _json(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        value = {k: ("***" if k in SECRET_KEYS else v) for k, v in value.items()}
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(session: Session, actor, action: str, obj: str, before=None, after=None) -> None:
    """Add an entry inside the caller's transaction, so the write and its trace land together."""
    session.add(models.AuditEntry(
        at=datetime.now().replace(microsecond=0), actor=getattr(actor, "username", None) or str(actor or "hệ thống"),
        ip=getattr(actor, "ip", "") or "", action=action, object=obj[:200], before=_json(before), after=_json(after)))


def set_drafts(session: Session, have: dict, wanted: dict, attr: str, make, before: dict, after: dict) -> None:
    """Set ``attr`` of each stored draft row (``have``, by key) to its ``wanted`` value, adding the missing rows
    (``make(key, value)``); every change noted in ``before`` / ``after`` for the entry that records the save."""
    for key, value in wanted.items():
        old = have.get(key)
        was = getattr(old, attr) if old is not None else None
        if old is None or was != value:
            before[key], after[key] = was, value
            if old is None:
                session.add(make(key, value))
            else:
                setattr(old, attr, value)


def entries(engine: Engine, actor, limit: int = 500, action: str | None = None) -> pd.DataFrame:
    """The newest entries first (the office only)."""
    if getattr(actor, "role", None) != "quan_tri":
        raise Forbidden("chỉ văn phòng (quản trị) được xem nhật ký")
    A = models.AuditEntry
    query = select(A.id, A.at, A.actor, A.ip, A.action, A.object, A.before, A.after).order_by(A.id.desc())
    if action:
        query = query.where(A.action == action)
    with Session(engine) as s:
        rows = s.execute(query.limit(limit)).all()
    return pd.DataFrame(rows, columns=["id", "at", "actor", "ip", "action", "object", "before", "after"])


EXPORT_HEADERS = {"id": "Số", "at": "Thời điểm", "actor": "Người thực hiện", "ip": "Địa chỉ", "action": "Thao tác",
                  "object": "Đối tượng", "before": "Trước", "after": "Sau"}


def export_frame(engine: Engine, actor) -> pd.DataFrame:
    frame = entries(engine, actor, limit=100_000)
    frame["at"] = frame["at"].map(lambda t: f"{t:%d/%m/%Y %H:%M:%S}")
    return frame.rename(columns=EXPORT_HEADERS)
