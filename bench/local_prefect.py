"""A Prefect server of a bench's own, on loopback: a PostgreSQL database made for it (dropped at the end), the
server started and waited for, process workers started on demand; all of them stopped when the block ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

PREFECT = str(Path(sys.executable).with_name("prefect"))
POSTGRES = (os.environ.get("CCHC_BENCH_POSTGRES_URL") or os.environ.get("CCHC_TEST_POSTGRES_URL")
            or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class LocalServer:
    api: str
    env: dict
    home: Path  # PREFECT_HOME; the logs are written here
    process: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def worker(self, pool: str, log: str, *options: str, env: dict | None = None,
               cwd: Path | None = None) -> subprocess.Popen:
        """``prefect worker start --pool pool`` with ``options``, stopped with the server at the latest."""
        started = subprocess.Popen([PREFECT, "worker", "start", "--pool", pool, *options], env=self.env | (env or {}),
                                   cwd=cwd or self.home, stdout=open(self.home / log, "w"), stderr=subprocess.STDOUT)
        self.workers.append(started)
        return started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(server: LocalServer, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"Prefect server stopped: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.api}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"Prefect server did not answer in {seconds:g} s: {log.read_text()[-3000:]}")


@contextmanager
def local_server(home: Path, env: dict | None = None) -> Iterator[LocalServer]:
    """``prefect server start`` on a database of its own, ``env`` added to every process's environment."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    home.mkdir(parents=True, exist_ok=True)
    admin = create_engine(make_url(POSTGRES), isolation_level="AUTOCOMMIT")
    name = f"prefect_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    api = f"http://127.0.0.1:{_free_port()}/api"
    full = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false", "PREFECT_API_URL": api,
            "PREFECT_API_DATABASE_CONNECTION_URL": make_url(POSTGRES).set(drivername="postgresql+asyncpg", database=name)
            .render_as_string(hide_password=False), **(env or {})}
    port = api.split(":")[2].split("/")[0]
    log = home / "server.log"
    server = LocalServer(api, full, home, subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", port], env=full, stdout=open(log, "w"),
        stderr=subprocess.STDOUT))
    try:
        _wait_healthy(server, log)
        yield server
    finally:
        for process in [*server.workers, server.process]:
            stop(process)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
