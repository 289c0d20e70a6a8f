"""Flows run under Prefect's test harness (one per session); the domain functions they wrap are tested
without Prefect elsewhere."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def test_the_yearly_cycle_runs_every_step_in_calendar_order(prefect_harness, tmp_path):
    from flows.cycle import yearly_cycle
    from helpers import demo_engine
    from store import models

    engine = demo_engine(tmp_path, communes=3, dossiers=3_000)
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    written = [Path(p) for p in yearly_cycle(2024, url, str(tmp_path / "out"))]
    names = [p.name for p in written]
    first_report = names.index("bao-cao-2024-Q1.docx")
    assert {n for n in names[:first_report]} >= {"ke-hoach-cchc-SKHCN-2024.docx", "ke-hoach-kiem-tra-2024.docx"}
    reports = [n for n in names if n.startswith("bao-cao-")]
    assert reports == ["bao-cao-2024-Q1.docx", "bao-cao-2024-6T.docx", "bao-cao-2024-Q3.docx", "bao-cao-2024-NAM.docx"]
    assert "ke-hoach-kiem-tra-2024.docx" in names and "ke-hoach-kiem-tra-2025.docx" in names
    assert "cong-bo-diem-qd766-2022-2024.docx" in names
    assert names.index("bao-cao-2024-NAM.docx") < names.index("cong-bo-diem-qd766-2022-2024.docx")
    assert names[-1] == "ke-hoach-kiem-tra-2025.docx"
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.Award)) >= 1
        published = s.scalars(select(models.ScoreRun).where(models.ScoreRun.period_code == "2024-NAM",
                                                            models.ScoreRun.published_at.is_not(None))).all()
        assert {r.ruleset for r in published} == {"qd766-2022", "chi-so-cchc-so-nganh"}
        plans = s.scalar(select(func.count()).select_from(models.Plan).where(models.Plan.year == 2025))
        assert plans == s.scalar(select(func.count()).select_from(models.Unit).where(models.Unit.kind == "so_nganh"))
        runs = s.scalar(select(func.count()).select_from(models.ScoreRun))
    again = yearly_cycle(2024, url, str(tmp_path / "out"))  # re-running the year adds no score run
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.ScoreRun)) == runs
    assert sorted(again) == sorted(map(str, written))
