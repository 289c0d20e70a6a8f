"""Telling a Prefect server that data arrived, so that its trigger runs the re-scoring deployment. Only
when a server is configured (``PREFECT_API_URL``): on the embedded default nothing listens, and
``cchc watch`` re-scores by itself. An event that cannot be delivered (the server is down) is not lost work:
the re-scoring deployment also runs every 15 minutes and re-scores every period whose data are newer than
its scores."""

from __future__ import annotations

import os
import urllib.request

REACH_SECONDS = 3  # how long to wait for the server before saying it is unreachable


class ServerUnreachable(Exception):
    """The Prefect server named by PREFECT_API_URL did not answer."""

    def __init__(self, url: str, why: str):
        self.url, self.why = url, why
        super().__init__(f"máy chủ Prefect {url} không trả lời ({why})")


def reachable(url: str) -> None:
    """Raise ``ServerUnreachable`` unless the API answers its health check within a few seconds."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=REACH_SECONDS) as r:
            if r.status == 200:
                return
            why = f"mã {r.status}"
    except OSError as e:
        why = str(getattr(e, "reason", e))
    raise ServerUnreachable(url, why)


def announce_ingest(result) -> bool:
    """Emit the ingestion event for a batch that landed; returns whether an event was sent. Raises
    ``ServerUnreachable`` when a server is configured but does not answer (the data are in the store all the
    same; the scheduled re-score picks them up)."""
    url = os.environ.get("PREFECT_API_URL")
    if result.already or not url:
        return False
    reachable(url)
    from prefect.events import emit_event

    from flows.deployments import INGESTED

    emit_event(event=INGESTED, resource={"prefect.resource.id": f"cchc.lo-nhap.{result.batch_id}",
                                         "cchc.loai": result.kind.code},
               payload={"rows": result.rows, "loaded": result.loaded})
    return True
