"""A real Prefect server (backed by PostgreSQL) and a process worker, started once for the tests that run the
cycle's deployments the way a province's server runs them. Loopback only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

PREFECT = str(Path(sys.executable).with_name("prefect"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    api_url: str
    env: dict
    pool: str
    logs: Path

    def deploy(self, database_url: str, out: Path) -> None:
        """``cchc deploy`` of the cycle's deployments for one store (the trigger's parameters name it)."""
        done = subprocess.run([sys.executable, "-m", "cchc.cli", "--db", database_url, "deploy", "--work-pool",
                               self.pool, "--out", str(out)], env=self.env, cwd=self.logs, capture_output=True,
                              text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"cchc deploy: {done.stdout}\n{done.stderr}")


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prefect server stopped: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"Prefect server did not answer in {seconds} s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory, postgres_database):
    """``prefect server start`` on a PostgreSQL database of its own, and ``prefect worker start`` on a process
    work pool; both stopped (and the database dropped with the session's) at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    home = tmp_path_factory.mktemp("prefect-server")
    admin = create_engine(make_url(postgres_database), isolation_level="AUTOCOMMIT")
    name = f"prefect_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_database).set(drivername="postgresql+asyncpg", database=name)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_DATABASE_CONNECTION_URL": url.render_as_string(hide_password=False),
           "PREFECT_UI_ENABLED": "false", "PREFECT_API_URL": api,
           "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "1"}
    env.pop("PREFECT_PROFILES_PATH", None)
    server_log, worker_log = home / "server.log", home / "worker.log"
    server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=open(server_log, "w"), stderr=subprocess.STDOUT)
    worker = None
    try:
        _wait_healthy(api, server, server_log)
        pool = "cchc-kiem-thu"
        yield_server = Server(api, env, pool, home)
        worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", pool, "--limit", "2"], env=env, cwd=home,
                                  stdout=open(worker_log, "w"), stderr=subprocess.STDOUT)
        yield yield_server
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
