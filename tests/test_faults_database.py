"""The database stopped in the middle of a step and started again: the step fails saying so (the store named),
and the step run again completes with nothing lost and nothing twice. A PostgreSQL cluster of this module's own
(initdb and pg_ctl in a temporary folder, on a port of its own), since the machine's server is not ours to stop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from helpers import FACT_HEADERS, write_csv
from prefect_server import free_port
from test_crash_documents import PERIOD, _owed, _versions

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
BIN = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip() or "/usr/bin")

# ``cchc rescore`` whose document writer waits, after its first document, for a file to appear: the test stops
# the database meanwhile.
PAUSING = """
import sys, time
from pathlib import Path

import office.rescoring as rescoring
from cchc.cli import main

go, real = Path(sys.argv[1]), rescoring.write


def write(document, folder, name, fmt):
    path = real(document, folder, name, fmt)
    print("DA-GHI", flush=True)
    while not go.exists():
        time.sleep(0.1)
    return path


rescoring.write = write
main(sys.argv[2:])
"""


class Cluster:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses root
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
        self._run(BIN / "initdb", "-D", self.folder / "data", "-U", "cchc", "-A", "trust", "--no-sync")
        self.url = f"postgresql+psycopg://cchc@127.0.0.1:{self.port}/postgres"

    def _run(self, *args) -> None:
        done = subprocess.run([*self.as_owner, *map(str, args)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        self._run(BIN / "pg_ctl", "-D", self.folder / "data", "-l", self.folder / "log", "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._run(BIN / "pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def cluster():
    found = Cluster()
    found.start()
    try:
        yield found
    finally:
        subprocess.run([*found.as_owner, str(BIN / "pg_ctl"), "-D", str(found.folder / "data"), "-m", "immediate",
                        "stop"], capture_output=True, timeout=120)
        shutil.rmtree(found.folder, ignore_errors=True)


def test_the_database_stopped_mid_step_fails_it_clearly_and_the_rerun_completes(cluster, tmp_path, monkeypatch):
    from cchc.demo import DemoSpec, generate
    from cycle.scoring import rescore
    from office.rescoring import unit_rulesets
    from store import models
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "du-lieu"))
    engine = make_engine(cluster.url)
    upgrade(engine)
    for path in generate(tmp_path / "data", DemoSpec(communes=2, dossiers=500)).in_order():
        ingest_file(engine, path)
    for rs in unit_rulesets():
        rescore(engine, rs, PERIOD)
    first = _versions(engine)
    fix = [[unit, "Năm 2024", "tthc_cong_khai", value, "bổ sung"] for unit, value in (("SNV", 5), ("SYT", 0))]
    ingest_file(engine, write_csv(tmp_path / "bo_sung.csv", FACT_HEADERS, fix))
    with engine.connect() as conn:
        batches = conn.execute(text("SELECT count(*) FROM ingest_batch")).scalar()
    engine.dispose()

    out, go = tmp_path / "out", tmp_path / "tiep-tuc"
    args = ["--db", cluster.url, "rescore", "--out", str(out)]
    step = subprocess.Popen([sys.executable, "-c", PAUSING, str(go), *args], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ | {"COLUMNS": "250"})
    try:
        assert step.stdout.readline().strip() == "DA-GHI", step.stderr.read()
        cluster.stop()
        go.touch()
        _, said = step.communicate(timeout=120)
    finally:
        step.kill()
    said = " ".join(said.split())
    assert step.returncode == 3 and "Lỗi CSDL" in said and f"127.0.0.1:{cluster.port}" in said, said

    cluster.start()
    again = subprocess.run([sys.executable, "-m", "cchc.cli", *args], cwd=tmp_path, text=True, capture_output=True,
                           timeout=300, env=os.environ | {"COLUMNS": "250"})
    assert again.returncode == 0, again.stdout + again.stderr
    engine = make_engine(cluster.url)
    after = _versions(engine)
    assert all(after[r] <= first[r] + 1 for r in first) and after != first
    assert set(out.rglob("*.docx")) == _owed(engine, out)  # every document, nothing else
    with Session(engine) as s:
        R, E = models.ScoreRun, models.ScoreEntry
        assert s.scalar(select(func.count()).select_from(models.IngestBatch)) == batches
        for run in s.scalars(select(R).where(R.period_code == PERIOD)):
            assert s.scalar(select(func.count()).select_from(E).where(E.run_id == run.id)) == run.entities
    rerun = subprocess.run([sys.executable, "-m", "cchc.cli", *args], cwd=tmp_path, text=True, capture_output=True,
                           timeout=300, env=os.environ | {"COLUMNS": "250"})
    assert rerun.returncode == 0 and "đã lập lại" not in rerun.stdout and _versions(engine) == after
    engine.dispose()
