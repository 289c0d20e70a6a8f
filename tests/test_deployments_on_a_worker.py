"""Every deployment of the cycle run the way a province's server runs it: a real Prefect server on PostgreSQL,
``cchc deploy``, a process worker that loads each flow from its module-style entrypoint in a process of its
own; and the re-scoring deployment started by the ingestion event through its trigger."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prefect_server import prefect_server  # noqa: F401 - the session's server and worker

pytestmark = [pytest.mark.slow, pytest.mark.prefect, pytest.mark.postgres]
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _client(server):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    return temporary_settings({PREFECT_API_URL: server.api_url}), get_client


def run(server, deployment: str, parameters: dict, timeout: float = 600):
    """Start a flow run of ``deployment`` and wait until it ends; its final state."""
    settings, get_client = _client(server)
    with settings, get_client(sync_client=True) as client:
        d = client.read_deployment_by_name(deployment)
        flow_run = client.create_flow_run_from_deployment(d.id, parameters=parameters)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = client.read_flow_run(flow_run.id).state
            if state is not None and state.type.value in FINAL:
                return state
            time.sleep(1)
    raise AssertionError(f"{deployment} did not finish in {timeout} s; worker log:\n"
                         f"{(server.logs / 'worker.log').read_text()[-3000:]}")


@pytest.fixture(scope="module")
def province_db(demo_db, prefect_server, tmp_path_factory) -> Path:  # noqa: F811
    folder = tmp_path_factory.mktemp("worker-province")
    shutil.copy(demo_db, folder / "cchc.db")
    prefect_server.deploy(f"sqlite:///{folder / 'cchc.db'}", folder / "out")
    return folder


def test_every_scheduled_deployment_runs_on_the_worker(prefect_server, province_db):  # noqa: F811
    from store import models
    from store.db import make_engine

    url, out = f"sqlite:///{province_db / 'cchc.db'}", str(province_db / "out")
    common = {"database_url": url, "out": out}
    for deployment, params in (
        ("periodic-report/bao-cao-dinh-ky", {"period": "2024-Q3"}),
        ("report-reminders/nhac-bao-cao", {"period": "2024-NAM", "today": "2024-12-15"}),
        ("inspection/theo-doi-kiem-tra", {"year": 2024}),
        ("scoring/cham-diem-nam", {"year": 2024}),
        ("emulation/thi-dua-nam", {"year": 2024}),
        ("plan-issuance/ke-hoach-nam", {"year": 2025}),
    ):
        state = run(prefect_server, deployment, common | params)
        assert state.type.value == "COMPLETED", (deployment, state.message,
                                                 (prefect_server.logs / "worker.log").read_text()[-3000:])
    folder = Path(out)
    assert (folder / "bao-cao-2024-Q3.docx").exists() and (folder / "cong-bo-diem-qd766-2022-2024.docx").exists()
    assert (folder / "ke-hoach" / "ke-hoach-cchc-SKHCN-2025.docx").exists()
    assert (folder / "ke-hoach-kiem-tra-2025.docx").exists()
    assert (folder / "quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024.docx").exists()
    engine = make_engine(url)
    with Session(engine) as s:
        published = s.scalars(select(models.ScoreRun).where(models.ScoreRun.period_code == "2024-NAM",
                                                            models.ScoreRun.published_at.is_not(None))).all()
        assert {r.ruleset for r in published} >= {"qd766-2022", "chi-so-cchc-so-nganh"}
        assert s.scalar(select(func.count()).select_from(models.Plan).where(models.Plan.year == 2025)) > 0
    engine.dispose()


def test_an_ingested_correction_is_rescored_through_the_trigger(prefect_server, province_db, tmp_path):  # noqa: F811
    from helpers import FACT_HEADERS, write_csv
    from store import models
    from store.db import make_engine

    url = f"sqlite:///{province_db / 'cchc.db'}"
    engine = make_engine(url)

    def version():
        with Session(engine) as s:
            return s.scalar(select(func.max(models.ScoreRun.version)).where(
                models.ScoreRun.ruleset == "qd766-2022", models.ScoreRun.period_code == "2024-NAM"))

    if version() is None:  # a re-score re-scores what was scored before: the year scored first when run alone
        from office.year import scoring

        scoring(engine, tmp_path / "out", 2024, publish=False)
    before = version()
    assert before is not None
    fix = write_csv(tmp_path / "bo_sung.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 7, "bổ sung"]])
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "cchc.cli", "--db", url, "ingest", str(fix)], env=prefect_server.env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 300
    after = before
    while time.monotonic() < deadline and after == before:
        time.sleep(2)
        after = version()
    engine.dispose()
    assert after == before + 1, (prefect_server.logs / "worker.log").read_text()[-3000:]
    print(f"từ lúc nhập đến phiên bản mới: {time.monotonic() - started:.1f} giây")


def _process_of(flow_run_id) -> int | None:
    """The pid of the process running ``flow_run_id`` on this machine (its environment names the run)."""
    marker = f"PREFECT__FLOW_RUN_ID={flow_run_id}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes():
                    return int(entry.name)
            except OSError:
                continue
    return None


def test_a_run_whose_process_dies_is_marked_crashed_and_frees_its_slot(prefect_server, province_db):  # noqa: F811
    """kill -9 of a running flow's process in the middle of one of its sub-flows: the run is marked Crashed, so
    is the sub-flow under way once its heartbeats stop (it had stayed Running for ever), and the deployment
    (one run at a time) runs again."""
    import os
    import signal

    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    from test_faults_worker import _held

    settings, get_client = _client(prefect_server)
    params = {"database_url": f"sqlite:///{province_db / 'cchc.db'}", "out": str(province_db / "out-2")}
    with settings, get_client(sync_client=True) as client:
        d = client.read_deployment_by_name("yearly-cycle/chu-trinh-nam")
        flow_run = client.create_flow_run_from_deployment(d.id, parameters=params | {"year": 2024})
        subflows = FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run.id]))
        pid, deadline = None, time.monotonic() + 300
        while pid is None and time.monotonic() < deadline:
            state = client.read_flow_run(flow_run.id).state
            if state is not None and state.type.value == "RUNNING":
                pid = _process_of(flow_run.id)
            time.sleep(1)
        assert pid, "the run never started"
        with _held(province_db / "cchc.db"):  # the sub-flow under way waits on the store's writing: killed in it
            time.sleep(5)
            assert any(r.state.type.value == "RUNNING" for r in client.read_flow_runs(flow_run_filter=subflows))
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            state = client.read_flow_run(flow_run.id).state
            if state.type.value != "RUNNING":
                break
            time.sleep(3)
        assert state.type.value == "CRASHED", state
        while time.monotonic() < deadline:
            under_way = [r for r in client.read_flow_runs(flow_run_filter=subflows) if not r.state.is_final()]
            if not under_way:
                break
            time.sleep(3)
        assert not under_way, [(r.name, r.state.type.value) for r in under_way]
    again = run(prefect_server, "yearly-cycle/chu-trinh-nam", params | {"year": 2024}, timeout=600)
    assert again.type.value == "COMPLETED", again.message


def test_prefects_own_command_line_reads_the_server(prefect_server, province_db):  # noqa: F811
    """The pinned versions let Prefect's own CLI list what ``cchc deploy`` registered and what ran (a newer
    FastAPI than the pinned one answers these lists with 422)."""
    from prefect_server import PREFECT

    seen = {}
    for what in (["deployment", "ls"], ["work-pool", "ls"], ["flow-run", "ls"], ["automation", "ls"]):
        done = subprocess.run([PREFECT, *what], env={**prefect_server.env, "COLUMNS": "250"},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Unprocessable" not in done.stdout + done.stderr, (what, done.stdout, done.stderr)
        seen[what[0]] = done.stdout
    assert "cham-diem-nam" in seen["deployment"] and "chu-trinh-nam" in seen["deployment"]
    assert prefect_server.pool in seen["work-pool"]
