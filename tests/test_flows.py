"""Flows run under Prefect's test harness (one per session); the domain functions they wrap are tested
without Prefect elsewhere."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def test_the_emulation_review_flow(prefect_harness, tmp_path):
    from flows.emulation import emulation_review
    from helpers import demo_engine
    from store import models

    engine = demo_engine(tmp_path, communes=3, dossiers=3_000)
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    result = emulation_review(2024, ["skhcn-ninh-thuan-2024"], url, str(tmp_path / "out"))
    assert result["eligible"]["Lao động tiên tiến"] > 0
    assert [Path(p).name for p in result["documents"]][-1] == "quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024.docx"
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.Award)) >= 1
