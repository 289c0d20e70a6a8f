"""From ingest to a new score version through a Prefect server's trigger: a real ``prefect server start`` (its
own PostgreSQL database), ``cchc deploy``, a process worker, the demo's province (8 communes, 6,000 dossiers,
2024 scored); then, in turns, a one-figure correction ingested with ``cchc ingest`` and the time until the
re-scoring deployment's run has stored the new version, cut into its phases from the run's own timestamps:

- ingest: the ``cchc ingest`` process, from its start to its exit (the event sent before it exits);
- trigger: from the command's exit to the flow run created by the automation;
- poll: from the run created to the worker taking it (Pending: the worker's poll);
- start: from Pending to Running (the flow's process started, Prefect imported, the flow loaded);
- rescore: from Running to the version stored (the flow's tasks: the waiting events, the re-score);
- the run's end after that (documents, the flow's own end).

    python -m bench.trigger [--turns 3] [--query-seconds 10 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

PERIOD = "2024-NAM"


def province(folder: Path) -> str:
    from cchc.demo import DemoSpec, generate
    from cycle.scoring import rescore
    from office.rescoring import unit_rulesets
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    url = f"sqlite:///{folder / 'cchc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    os.environ["CCHC_DATA_DIR"] = str(folder / "du-lieu")
    for path in generate(folder / "data", DemoSpec(communes=8, dossiers=6_000)).in_order():
        ingest_file(engine, path)
    for rs in unit_rulesets():
        rescore(engine, rs, PERIOD)
    engine.dispose()
    return url


def _version(url: str) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from store import models
    from store.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as s:
            R = models.ScoreRun
            return s.scalar(select(func.max(R.version)).where(R.period_code == PERIOD)) or 0
    finally:
        engine.dispose()


def _api(api: str, path: str, body: dict) -> list[dict]:
    request = urllib.request.Request(f"{api}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read())


def _when(text: str | None) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else float("nan")


def turn(api: str, env: dict, url: str, folder: Path, n: int) -> dict:
    """One correction ingested; the phases in seconds."""
    fix = folder / f"bo-sung-{n}.csv"
    fix.write_text("Mã đơn vị,Kỳ báo cáo,Mã chỉ tiêu,Giá trị,Tài liệu kiểm chứng\n"
                   f"STP,Năm 2024,tthc_cong_khai,{3 + n % 20},bổ sung lần {n}\n", encoding="utf-8")
    before = _version(url)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    done = subprocess.run([sys.executable, "-m", "cchc.cli", "--db", url, "ingest", str(fix)], env=env, cwd=folder,
                          capture_output=True, text=True, timeout=300)
    t1 = time.time()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise RuntimeError(done.stderr)
    while _version(url) == before:
        if time.time() - t0 > 300:
            raise RuntimeError("no new version in 300 s")
        time.sleep(0.2)
    t_version = time.time()
    run = None
    while run is None or _when(run["created"]) < t0:  # runs follow one another: the last one ended is this one
        time.sleep(0.5)
        ended = _api(api, "/flow_runs/filter", {"flow_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED"]}}},
                                                "sort": "END_TIME_DESC", "limit": 1})
        run = ended[0] if ended else None
    created, running, ended = _when(run["created"]), _when(run["start_time"]), _when(run["end_time"])
    with urllib.request.urlopen(f"{api}/flow_run_states/?flow_run_id={run['id']}", timeout=30) as r:
        pending = min(_when(st["timestamp"]) for st in json.loads(r.read()) if st["type"] == "PENDING")
    return {"ingest": t1 - t0, "ingest_cpu": used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime,
            "trigger": created - t1, "poll": pending - created, "start": running - pending,
            "rescore": t_version - running,
            "total": t_version - t0, "end": ended - t_version}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--query-seconds", type=float, nargs="+", default=[10.0, 2.0],
                        help="PREFECT_WORKER_QUERY_SECONDS of the worker, one configuration each")
    args = parser.parse_args(argv)

    from bench.local_prefect import local_server, stop

    folder = Path(tempfile.mkdtemp(prefix="cchc-bench-trigger-"))
    try:
        print("Tỉnh mẫu (8 xã, 6.000 hồ sơ), chấm điểm 2024…", flush=True)
        url = province(folder)
        with local_server(folder / "prefect", {"CCHC_DATA_DIR": str(folder / "du-lieu")}) as server:
            api, env = server.api, server.env
            done = subprocess.run([sys.executable, "-m", "cchc.cli", "--db", url, "deploy", "--work-pool", "bench",
                                   "--out", str(folder / "out")], env=env, cwd=folder, capture_output=True, text=True,
                                  timeout=300)
            if done.returncode:
                raise RuntimeError(done.stdout + done.stderr)
            n = 0
            for seconds in args.query_seconds:
                worker = server.worker("bench", f"worker-{seconds}.log", cwd=folder,
                                       env={"PREFECT_WORKER_QUERY_SECONDS": str(seconds),
                                            "PREFECT_WORKER_PREFETCH_SECONDS": "1"})
                time.sleep(5)
                turns = []
                for _ in range(args.turns + 1):  # the first turn warms the worker's machine (imports, caches)
                    n += 1
                    turns.append(turn(api, env, url, folder, n))
                turns = turns[1:]
                stop(worker)
                phases = {k: statistics.median(t[k] for t in turns) for k in turns[0]}
                print(f"PREFECT_WORKER_QUERY_SECONDS={seconds:g} (trung vị {len(turns)} lượt, tải máy "
                      f"{os.getloadavg()[0]:.1f}): "
                      + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
