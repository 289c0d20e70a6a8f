"""The outbox of events for the Prefect server: an ingestion batch writes its event here in its own
transaction, so that the event exists exactly when the data do; a sender (``flows.events.flush``) delivers
what is waiting when the server answers and marks it sent. An event never sent is still here to send."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Engine, ForeignKey, Index, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base

INGESTED = "cchc.du-lieu.da-nhap"  # data landed: the re-scoring deployment's trigger listens for it


class OutboxEvent(Base):
    """One event to deliver (migration 0014). ``sent_as``: the id of the event it went out in (waiting events
    are delivered together as one)."""

    __tablename__ = "event_outbox"
    __table_args__ = (Index("ix_event_outbox_unsent", "sent_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(100))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batch.id"))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_as: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(String(500), default="", server_default="")


@dataclass(frozen=True)
class Waiting:
    id: int
    event_id: str
    event: str
    batch_id: int | None
    payload: dict
    created_at: datetime


def queue_ingested(session: Session, batch_id: int, kind: str, rows: int, loaded: dict[str, int]) -> None:
    """The event of a batch, in the batch's transaction (it commits or goes back with the data)."""
    payload = {"kind": kind, "rows": int(rows), "loaded": {what: int(n) for what, n in loaded.items()}}
    session.add(OutboxEvent(event_id=str(uuid.uuid4()), event=INGESTED, batch_id=batch_id,
                            payload=json.dumps(payload, ensure_ascii=False),
                            created_at=datetime.now().replace(microsecond=0), attempts=0, last_error=""))


def waiting(engine: Engine) -> list[Waiting]:
    """The events not sent yet, oldest first."""
    with Session(engine) as s:
        found = s.scalars(select(OutboxEvent).where(OutboxEvent.sent_at.is_(None)).order_by(OutboxEvent.id)).all()
        return [Waiting(e.id, e.event_id, e.event, e.batch_id, json.loads(e.payload), e.created_at) for e in found]


def mark_sent(engine: Engine, ids: list[int], sent_as: str) -> int:
    """Mark these events sent (those another sender has not marked already); how many were marked."""
    with Session(engine) as s, s.begin():
        done = s.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids), OutboxEvent.sent_at.is_(None))
                         .values(sent_at=datetime.now().replace(microsecond=0), sent_as=sent_as))
        return done.rowcount


def note_failure(engine: Engine, ids: list[int], why: str) -> None:
    """One more failed attempt for these events, and why (kept for «cchc events»)."""
    with Session(engine) as s, s.begin():
        s.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids))
                  .values(attempts=OutboxEvent.attempts + 1, last_error=why[:500]))


@dataclass(frozen=True)
class Tally:
    sent: int
    waiting: int
    last_error: str


def tally(engine: Engine) -> Tally:
    with Session(engine) as s:
        sent = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.sent_at.is_not(None)))
        left = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.sent_at.is_(None)))
        why = s.scalar(select(OutboxEvent.last_error).where(OutboxEvent.sent_at.is_(None))
                       .order_by(OutboxEvent.id.desc()).limit(1))
    return Tally(sent, left, why or "")
