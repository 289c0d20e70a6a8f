"""Telling a Prefect server that data arrived, so that its trigger runs the re-scoring deployment. Only
when a server is configured (``PREFECT_API_URL``): on the embedded default nothing listens, and
``cchc watch`` re-scores by itself."""

from __future__ import annotations

import os


def announce_ingest(result) -> bool:
    """Emit the ingestion event for a batch that landed; returns whether an event was sent."""
    if result.already or not os.environ.get("PREFECT_API_URL"):
        return False
    from prefect.events import emit_event

    from flows.deployments import INGESTED

    emit_event(event=INGESTED, resource={"prefect.resource.id": f"cchc.lo-nhap.{result.batch_id}",
                                         "cchc.loai": result.kind.code},
               payload={"rows": result.rows, "loaded": result.loaded})
    return True
