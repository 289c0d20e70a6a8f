"""The forked workers of ``office.workers`` end with their parent: a parent killed outright (kill -9 of a flow
run's process) must not leave its workers waiting on their queue for ever, each holding a copy of its memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PARENT = """
import os, sys, time
from pathlib import Path
from office import workers

folder = Path(sys.argv[1])

def job(chunk):
    (folder / str(os.getpid())).write_text("")
    time.sleep(120)
    return chunk

workers.each(job, list(range(8)), processes=2)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent's death is told by Linux's prctl")
def test_a_parent_killed_outright_takes_its_forked_workers_with_it(tmp_path):
    """Guard: office.workers._end_with_parent (PR_SET_PDEATHSIG in each forked worker)."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)], cwd=Path(__file__).parents[1],
                              env={**os.environ, "CCHC_WORKERS": "2"})
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        children = [int(p.name) for p in tmp_path.iterdir()]
        assert len(children) == 2 and parent.pid not in children
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(30)
        deadline = time.monotonic() + 15
        while any(map(_alive, children)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, children)), f"workers left running after their parent died: {children}"
    finally:
        for pid in [int(p.name) for p in tmp_path.iterdir()]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
