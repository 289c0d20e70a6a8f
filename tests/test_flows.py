"""Flows run under Prefect's test harness (one per session); the domain functions they wrap are tested
without Prefect elsewhere."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def test_the_emulation_review_flow(prefect_harness, tmp_path):
    from cchc.demo import DemoSpec, generate
    from flows.emulation import emulation_review
    from store import models
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    for path in generate(tmp_path / "data", DemoSpec(communes=3, dossiers=3_000)).in_order():
        ingest_file(engine, path)
    result = emulation_review(2024, ["skhcn-ninh-thuan-2024"], url, str(tmp_path / "out"))
    assert result["eligible"]["Lao động tiên tiến"] > 0
    assert [Path(p).name for p in result["documents"]][-1] == "quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024.docx"
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.Award)) >= 1
