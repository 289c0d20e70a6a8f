"""Flows run under Prefect's test harness (one per session); the domain functions they wrap are tested
without Prefect elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlalchemy import func, select
from sqlalchemy.orm import Session


@pytest.mark.slow
@pytest.mark.prefect
def test_the_yearly_cycle_runs_every_step_in_calendar_order(prefect_harness, demo_db, tmp_path, monkeypatch):
    from flows.year import yearly_cycle
    import shutil

    from store import models, queries
    from store.db import make_engine

    shutil.copy(demo_db, tmp_path / "cchc.db")
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    engine = make_engine(url)
    readings = []  # each time the store itself is asked for current facts
    monkeypatch.setattr(queries, "_current_facts", lambda *a, read=queries._current_facts: readings.append(a[1]) or read(*a))
    written = [Path(p) for p in yearly_cycle(2024, url, str(tmp_path / "out"))]
    # the year's and the year before's facts are read from the store once for all the steps (else some thirty times)
    assert sum(any(p[:4] in ("2023", "2024") for p in periods) for periods in readings) == 1, readings
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


@pytest.mark.prefect
def test_deployments_are_registered_with_their_schedules_and_the_ingestion_trigger(prefect_harness, tmp_path,
                                                                                   monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import DeploymentSort
    from prefect.settings import PREFECT_API_URL

    from flows.events import flush
    from flows.deployments import INGESTED, PLANNED, TIMEZONE, deploy
    from helpers import units_file
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    names = deploy("cchc-thu", url, str(tmp_path / "out"))
    assert names[0] == "report-reminders/nhac-bao-cao" and len(names) == len(PLANNED)
    assert "yearly-cycle/chu-trinh-nam" in names
    with get_client(sync_client=True) as client:
        found = {d.name: d for d in client.read_deployments(limit=50, sort=DeploymentSort.NAME_ASC)}
        assert client.read_work_pool("cchc-thu").type == "process"
        for p in PLANNED:
            d = found[p.name]
            assert d.work_pool_name == "cchc-thu" and d.parameters["database_url"] == url
            assert [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] == [(c, TIMEZONE) for c in p.crons]
        rescoring = found["tinh-lai-diem"]
        [automation] = client.read_resource_related_automations(f"prefect.deployment.{rescoring.id}")
        assert automation.trigger.expect == {INGESTED}
    assert found["bao-cao-dinh-ky"].schedules[0].schedule.cron == "0 17 20 3,6,9,12 *"  # reports on the 20th

    engine = make_engine(url)
    upgrade(engine)
    result = ingest_file(engine, units_file(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert flush(engine) is None  # no server configured: the batch's event waits in the store
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    sent = flush(engine)
    assert (sent.events, sent.batches) == (1, (result.batch_id,))
    assert flush(engine).events == 0  # sent once


def test_a_step_with_nothing_to_work_on_says_why_in_its_runs_log(engine, tmp_path, capsys):
    """A year without figures, scored or planned from on its schedule: the run says why it wrote nothing (its
    prints are its log), where it had completed with a bare «0 văn bản»."""
    from flows.year import run_step

    url, out = engine.url.render_as_string(hide_password=False), str(tmp_path / "out")
    assert run_step.fn("scoring", url, out, {"year": 2030, "publish": True}) == []
    assert run_step.fn("plan_issuance", url, out, {"year": 2031}) == []
    said = " ".join(capsys.readouterr().out.split())
    assert "Không lập văn bản nào: kỳ 2030-NAM chưa có số liệu nào: không chấm điểm" in said, said
    assert "Không lập văn bản nào: chưa có kết quả chấm điểm năm 2030" in said, said
    assert not (tmp_path / "out").exists()


def test_the_command_says_a_step_with_nothing_to_work_on_without_prefect_too(tmp_path):
    """Guard: office.year.run's ``idle``. Run in process (--no-prefect), the year's steps with nothing to work on
    had said nothing of it, where the flows' logs do."""
    from cli_runner import cchc

    done = cchc("cycle", "run", "--year", "2030", "--no-prefect", "--out", tmp_path / "out", cwd=tmp_path)
    said = " ".join(done.stdout.split())
    assert ("28/12/2029 — Ban hành kế hoạch CCHC và kế hoạch kiểm tra năm 2030: không lập văn bản nào: chưa có kết "
            "quả chấm điểm năm 2029") in said, (said, done.stderr)
