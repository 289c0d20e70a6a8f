"""kill -9 of a worker and of the flow run it started, mid-run, the way a machine goes away: the run is marked
Crashed (its heartbeats stopped), its deployment's slot (one run at a time) frees, and a new worker's run
completes the step with nothing twice. The session's Prefect server, with a work pool and worker of this
module's own."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prefect_server import PREFECT, prefect_server  # noqa: F401 - the session's server
from test_deployments_on_a_worker import _client, _process_of, run

pytestmark = [pytest.mark.slow, pytest.mark.prefect, pytest.mark.postgres]
POOL = "cchc-su-co"


def _worker(server, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([PREFECT, "worker", "start", "--pool", POOL, "--limit", "2"], cwd=folder,
                            env=server.env | {"PREFECT_WORKER_QUERY_SECONDS": "2"},
                            stdout=open(folder / "worker.log", "a"), stderr=subprocess.STDOUT)


@contextmanager
def _held(db: Path):
    """The SQLite store's writing held by one connection: another process's writes wait (5 s, sqlite3's default)
    until it is let go; reading goes on."""
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        yield
        con.execute("ROLLBACK")
    finally:
        con.close()


def test_a_killed_worker_leaves_a_crashed_run_whose_slot_frees_for_the_rerun(prefect_server, demo_db,  # noqa: F811
                                                                              tmp_path):
    from store import models
    from store.db import make_engine

    shutil.copy(demo_db, tmp_path / "cchc.db")
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    done = subprocess.run([sys.executable, "-m", "cchc.cli", "--db", url, "deploy", "--work-pool", POOL, "--out",
                           str(tmp_path / "out")], env=prefect_server.env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    params = {"database_url": url, "out": str(tmp_path / "out"), "year": 2024}
    worker = _worker(prefect_server, tmp_path)
    try:
        settings, get_client = _client(prefect_server)
        with settings, get_client(sync_client=True) as client:
            d = client.read_deployment_by_name("scoring/cham-diem-nam")
            flow_run = client.create_flow_run_from_deployment(d.id, parameters=params)
            pid, deadline = None, time.monotonic() + 300
            while pid is None and time.monotonic() < deadline:
                state = client.read_flow_run(flow_run.id).state
                if state is not None and state.type.value == "RUNNING":
                    pid = _process_of(flow_run.id)
                time.sleep(0.5)
            assert pid, (tmp_path / "worker.log").read_text()[-3000:]
            # The store's writing held while the run's first heartbeat goes out: the run cannot finish in the
            # meantime (a quiet machine scored the year within those seconds), and is killed mid-run.
            with _held(tmp_path / "cchc.db"):
                time.sleep(2)  # its first heartbeat sent
                os.kill(worker.pid, signal.SIGKILL)
                os.kill(pid, signal.SIGKILL)
                worker.wait()
            deadline = time.monotonic() + 400
            while client.read_flow_run(flow_run.id).state.type.value == "RUNNING" and time.monotonic() < deadline:
                time.sleep(3)
            assert client.read_flow_run(flow_run.id).state.type.value == "CRASHED"
        worker = _worker(prefect_server, tmp_path)
        again = run(prefect_server, "scoring/cham-diem-nam", params, timeout=600)
        assert again.type.value == "COMPLETED", again.message
    finally:
        worker.kill()
        worker.wait()
    engine = make_engine(url)
    with Session(engine) as s:
        R = models.ScoreRun
        versions = s.execute(select(R.ruleset, func.count(), func.max(R.version)).where(R.period_code == "2024-NAM")
                             .group_by(R.ruleset)).all()
        assert versions and all(n == top == 1 for _, n, top in versions)  # one version each: nothing twice
        assert s.scalar(select(func.count()).select_from(R).where(R.period_code == "2024-NAM",
                                                                  R.published_at.is_not(None))) == len(versions)
    engine.dispose()
    assert (tmp_path / "out" / "cong-bo-diem-qd766-2022-2024.docx").exists()
