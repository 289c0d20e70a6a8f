"""Faults around a Prefect server, injected for real: the server stopped while the in-process cycle runs (said
within seconds, by name), and stopped while data are ingested (the event waits in the store's outbox and is
delivered once the server is started again: nothing lost, nothing sent twice). One server of this module's
own, on SQLite, that the tests stop and start; loopback only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import FACT_HEADERS, write_csv
from prefect_server import PREFECT, _wait_healthy, free_port

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


class Restartable:
    """``prefect server start`` on a port and a home of its own, stopped and started on demand."""

    def __init__(self, home: Path):
        self.home, self.port = home, free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                    "PREFECT_UI_ENABLED": "false", "PREFECT_API_URL": self.api_url}
        for name in ("PREFECT_PROFILES_PATH", "PREFECT_API_DATABASE_CONNECTION_URL"):
            self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process is None:
            log = self.home / "server.log"
            self.process = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port",
                                             str(self.port)], env=self.env, stdout=open(log, "a"),
                                            stderr=subprocess.STDOUT)
            _wait_healthy(self.api_url, self.process, log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def events(self, name: str) -> list[dict]:
        """The events of ``name`` the server recorded."""
        body = json.dumps({"filter": {"event": {"name": [name]}}, "limit": 50}).encode()
        request = urllib.request.Request(f"{self.api_url}/events/filter", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read())["events"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    found = Restartable(tmp_path_factory.mktemp("prefect-restartable"))
    try:
        yield found
    finally:
        found.stop()


def _cchc(server: Restartable, *args, cwd: Path, db: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--db", db, *map(str, args)], cwd=cwd, text=True,
                          capture_output=True, timeout=300, env=server.env | {"COLUMNS": "250"})


def test_the_server_stopped_mid_cycle_is_said_within_seconds_by_name(server, demo_db, tmp_path):
    from office.year import BY_NAME
    from store import models
    from store.db import make_engine

    server.start()
    shutil.copy(demo_db, tmp_path / "cchc.db")
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    run = subprocess.Popen([sys.executable, "-m", "cchc.cli", "--db", url, "cycle", "run", "--year", "2024", "--out",
                            str(tmp_path / "out")], cwd=tmp_path, text=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=server.env | {"COLUMNS": "250"})
    lines: list[tuple[float, str]] = []
    started = threading.Event()

    def read() -> None:
        for line in run.stderr:
            lines.append((time.monotonic(), line))
            if "Beginning subflow run" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(240), "".join(line for _, line in lines)[-3000:]
        time.sleep(2)  # the plan step is under way
        stopped = time.monotonic()
        server.stop()
        run.wait(timeout=240)
    finally:
        run.kill()
    reader.join(10)
    said = [(t, line) for t, line in lines if "Mất kết nối" in line]
    assert said and said[0][0] - stopped < 15, "".join(line for _, line in lines)[-3000:]
    text = " ".join("".join(line for _, line in lines).split())
    assert run.returncode == 3
    assert f"máy chủ Prefect {server.api_url} không trả lời" in text and "chu trình dừng giữa chừng" in text

    # The step under way when the server left finished its work, once; running it again adds nothing.
    engine = make_engine(url)

    def plans() -> tuple[int, int]:
        with Session(engine) as s:
            P = models.Plan
            return (s.scalar(select(func.count()).select_from(P).where(P.year == 2024)),
                    s.scalar(select(func.count(func.distinct(P.unit_id))).where(P.year == 2024)))

    made = plans()
    assert made[0] == made[1] > 0
    BY_NAME["plan_issuance"].run(engine, tmp_path / "out", year=2024)
    assert plans() == made
    engine.dispose()


def test_an_event_the_stopped_server_could_not_take_waits_and_is_sent_once_it_is_back(server, tmp_path):
    from helpers import units_file
    from store.db import make_engine
    from store.outbox import INGESTED, OutboxEvent

    server.stop()
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    first = _cchc(server, "ingest", units_file(tmp_path), cwd=tmp_path, db=url)
    fix = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 7, ""]])
    second = _cchc(server, "ingest", fix, cwd=tmp_path, db=url)
    for done in (first, second):
        said = " ".join(done.stderr.split())
        assert done.returncode == 0 and f"máy chủ Prefect {server.api_url} không trả lời" in said, done.stderr
        assert "xếp hàng" in said
    assert _cchc(server, "events", "flush", cwd=tmp_path, db=url).returncode == 3

    server.start()
    done = _cchc(server, "events", "flush", cwd=tmp_path, db=url)
    assert done.returncode == 0 and "2 sự kiện" in done.stdout, done.stdout + done.stderr
    assert "Không có sự kiện nào chờ gửi" in _cchc(server, "events", "flush", cwd=tmp_path, db=url).stdout

    engine = make_engine(url)
    with Session(engine) as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        assert len(rows) == 2 and all(r.sent_at is not None for r in rows)
        assert [r.attempts for r in rows] == [3, 2]  # the failed attempts counted (two ingests, one flush)
        assert rows[0].sent_as == rows[1].sent_as == rows[1].event_id
        batches = [r.batch_id for r in rows]
    engine.dispose()
    deadline = time.monotonic() + 60
    while not (seen := server.events(INGESTED)) and time.monotonic() < deadline:
        time.sleep(1)  # the server records an event a moment after taking it
    assert [e["id"] for e in seen] == [rows[1].event_id]  # one event, once
    assert seen[0]["payload"]["batches"] == batches
