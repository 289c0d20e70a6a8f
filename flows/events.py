"""Telling a Prefect server that data arrived, so that its trigger runs the re-scoring deployment. Only
when a server is configured (``PREFECT_API_URL``): on the embedded default nothing listens, and
``cchc watch`` re-scores by itself.

Every ingestion batch writes its event into the store's outbox in the batch's own transaction
(``store.outbox``); ``flush`` delivers what is waiting — together, as one event naming every batch, since one
re-score covers them all — and marks it sent once the server has acknowledged it. An event the server could
not take stays in the outbox: the next command that reaches the server sends it (``cchc ingest``,
``cchc watch``, ``cchc events flush``, the re-scoring flow that also runs every 15 minutes)."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine

from store import outbox

REACH_SECONDS = 3  # how long to wait for the server before saying it is unreachable
SEND_SECONDS = 10  # how long the server may take to acknowledge the events


class ServerUnreachable(Exception):
    """The Prefect server named by PREFECT_API_URL did not answer."""

    def __init__(self, url: str, why: str, then: str = ""):
        self.url, self.why = url, why
        super().__init__(f"máy chủ Prefect {url} không trả lời ({why})" + (f": {then}" if then else ""))


def _headers() -> dict[str, str]:
    """What Prefect's own client sends to a server that asks for credentials."""
    if key := os.environ.get("PREFECT_API_KEY"):
        return {"Authorization": f"Bearer {key}"}
    if auth := os.environ.get("PREFECT_API_AUTH_STRING"):
        return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}
    return {}


def _call(url: str, path: str, body: bytes | None, seconds: float) -> None:
    request = urllib.request.Request(f"{url.rstrip('/')}{path}", data=body, method="POST" if body else "GET",
                                     headers=_headers() | ({"Content-Type": "application/json"} if body else {}))
    try:
        with urllib.request.urlopen(request, timeout=seconds) as r:
            if 200 <= r.status < 300:
                return
            why = f"mã {r.status}"
    except urllib.error.HTTPError as e:
        why = f"mã {e.code}"
    except OSError as e:
        why = str(getattr(e, "reason", e))
    raise ServerUnreachable(url, why)


def reachable(url: str) -> None:
    """Raise ``ServerUnreachable`` unless the API answers its health check within a few seconds."""
    _call(url, "/health", None, REACH_SECONDS)


@dataclass(frozen=True)
class Flushed:
    url: str
    events: int  # outbox events delivered
    batches: tuple[int, ...]


def _event(items: list[outbox.Waiting]) -> dict:
    """The waiting events as one: the newest one's id (sent again after a lost acknowledgement, it is the
    same event to the server), every batch named, rows and loaded counts summed."""
    newest = items[-1]
    loaded: dict[str, int] = {}
    for item in items:
        for what, n in item.payload.get("loaded", {}).items():
            loaded[what] = loaded.get(what, 0) + n
    batches = [i.batch_id for i in items if i.batch_id is not None]
    resource = {"prefect.resource.id": f"cchc.lo-nhap.{newest.batch_id}", "cchc.loai": str(newest.payload.get("kind", ""))}
    if tinh := os.environ.get("CCHC_TINH"):  # the province this store serves (office.provinces): its trigger listens
        resource["cchc.tinh"] = tinh
    return {"id": newest.event_id, "occurred": datetime.now(timezone.utc).isoformat(), "event": newest.event,
            "resource": resource,
            "related": [], "payload": {"rows": sum(i.payload.get("rows", 0) for i in items), "loaded": loaded,
                                       "batches": batches}}


def flush(engine: Engine, url: str | None = None) -> Flushed | None:
    """Deliver the outbox's waiting events to the server (``url`` or ``PREFECT_API_URL``); None when no server
    is configured. Raises ``ServerUnreachable`` (the events stay waiting, the attempt noted) when it does
    not answer."""
    url = url or os.environ.get("PREFECT_API_URL")
    if not url:
        return None
    items = outbox.waiting(engine)
    if not items:
        return Flushed(url, 0, ())
    event = _event(items)
    try:
        reachable(url)
        _call(url, "/events", json.dumps([event], ensure_ascii=False).encode("utf-8"), SEND_SECONDS)
    except ServerUnreachable as e:
        outbox.note_failure(engine, [i.id for i in items], str(e))
        raise
    outbox.mark_sent(engine, [i.id for i in items], event["id"])
    return Flushed(url, len(items), tuple(event["payload"]["batches"]))
