"""Provinces as tenants: N provinces (default 10), each with its own store and its own demo data (a seed of its
key), each running its year — one after the other in one process (the cycle run directly, as
``cchc --tinh KEY cycle run --no-prefect``), against as parallel flow runs on a local Prefect server (backed by
PostgreSQL, loopback only) with 2 process workers, each province's ``chu-trinh-nam-KEY`` deployment run once.
Both in the same run, each on its own copy of the same stores.

    python -m bench.provinces [--provinces 10] [--communes 4] [--dossiers 5000] [--workers 2]

Wall time: serial — the years in the child process, one after another; parallel — from the first flow run
created to the last one finished. Memory: the serial process's peak resident set; in parallel, the largest sum
of resident sets of the workers and the flow-run processes they start (sampled every 0.2 s), and the server's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2024
ROOT = Path(__file__).resolve().parents[1]


def _registry(folder: Path, keys: list[str]) -> Path:
    lines = [f"{k}:\n  ten: Tỉnh {k}\n  database_url: sqlite:///tinh/{k}/cchc.db\n" for k in keys]
    path = folder / "tinh.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _make(folder: Path, key: str, communes: int, dossiers: int) -> None:
    """One province's store with its data ingested (its year not run)."""
    from cchc.demo import DemoSpec, generate
    from cchc.tinh_cli import demo_seed
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    home = folder / "tinh" / key
    home.mkdir(parents=True, exist_ok=True)
    os.environ["CCHC_DATA_DIR"] = str(home / "du-lieu")
    files = generate(folder / "du-lieu-mo-phong" / key, DemoSpec(year=YEAR, communes=communes, dossiers=dossiers,
                                                                  seed=demo_seed(key)))
    engine = make_engine(f"sqlite:///{home / 'cchc.db'}")
    upgrade(engine)
    for path in files.in_order():
        ingest_file(engine, path, year=files.year_of(path, YEAR))
    engine.dispose()


def _serial(folder: Path) -> dict:
    """Child process: every registered province's year, one after the other."""
    os.environ["CCHC_PROVINCES"] = str(folder / "tinh.yaml")
    from office.provinces import applied, load
    from office.year import run
    from store.db import make_engine

    started, documents = time.perf_counter(), 0
    for province in load().values():
        with applied(province):
            engine = make_engine(province.database_url)
            documents += len(run(engine, YEAR, province.out))
            engine.dispose()
    return {"seconds": time.perf_counter() - started, "documents": documents, "peak_mb": _hwm(os.getpid())}


def _status(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def _hwm(pid: int) -> float:
    return _status(pid).get("VmHWM", 0) / 1024


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _parallel(folder: Path, keys: list[str], workers: int) -> dict:
    """The provinces' years as flow runs on a local server with ``workers`` process workers."""
    from bench.local_prefect import local_server

    settings = {"PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "1",
                "CCHC_PROVINCES": str(folder / "tinh.yaml")}
    with local_server(folder / ".prefect", settings) as server:
        os.environ.update({k: server.env[k] for k in ("PREFECT_HOME", "PREFECT_API_URL",
                                                       "PREFECT_SERVER_ANALYTICS_ENABLED", "CCHC_PROVINCES")})
        from prefect.client.orchestration import get_client
        from prefect.deployments import run_deployment

        from flows.deployments import deploy

        t = time.perf_counter()
        for key in keys:
            deploy("bench", None, "out", tinh=key)
        deployed = time.perf_counter() - t
        started_workers = [server.worker("bench", f"worker-{i}.log", "--limit", "1", "--name", f"bench-{i}", cwd=ROOT)
                           for i in range(workers)]
        time.sleep(5)  # the workers polling before the clock starts
        started = time.perf_counter()
        runs = [run_deployment(f"yearly-cycle/chu-trinh-nam-{key}", parameters={"year": YEAR}, timeout=0)
                for key in keys]
        peak_workers, states = 0.0, {}
        with get_client(sync_client=True) as client:
            while True:
                total = sum(_status(p).get("VmRSS", 0) for w in started_workers for p in _tree(w.pid))
                peak_workers = max(peak_workers, total / 1024)
                states = {r.id: client.read_flow_run(r.id).state for r in runs}
                if all(s is not None and s.is_final() for s in states.values()):
                    break
                time.sleep(0.2)
        seconds = time.perf_counter() - started
        failed = [str(s.message) for s in states.values() if not s.is_completed()]
        return {"seconds": seconds, "deploy_seconds": deployed, "peak_workers_mb": peak_workers,
                "peak_server_mb": _hwm(server.process.pid), "failed": failed}


def _child(what: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.provinces", "--child", what, *args], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--provinces", type=int, default=10)
    parser.add_argument("--communes", type=int, default=4)
    parser.add_argument("--dossiers", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", nargs="+")
    a = parser.parse_args()
    if a.child:
        what, *rest = a.child
        if what == "make":
            _make(Path(rest[0]), rest[1], int(rest[2]), int(rest[3]))
            print(json.dumps({}))
        else:
            print(json.dumps(_serial(Path(rest[0]))))
        return
    keys = [f"tinh-{i:02d}" for i in range(1, a.provinces + 1)]
    with tempfile.TemporaryDirectory(prefix="cchc-tinh-") as tmp:
        base, serial, parallel = Path(tmp) / "mau", Path(tmp) / "noi-tiep", Path(tmp) / "song-song"
        t = time.perf_counter()
        for key in keys:
            _child("make", str(base), key, str(a.communes), str(a.dossiers))
        made = time.perf_counter() - t
        for folder in (serial, parallel):
            shutil.copytree(base / "tinh", folder / "tinh")
            _registry(folder, keys)
        one = _child("serial", str(serial))
        many = _parallel(parallel, keys, a.workers)
    print(f"{a.provinces} tỉnh × ({a.communes} xã, {a.dossiers} hồ sơ); dữ liệu {made:.0f} s")
    print(f"nối tiếp, một tiến trình: {one['seconds']:.1f} s, {one['documents']} văn bản, đỉnh {one['peak_mb']:.0f} MB")
    print(f"song song, máy chủ Prefect + {a.workers} worker: {many['seconds']:.1f} s "
          f"(đăng ký deployment {many['deploy_seconds']:.0f} s, không tính); đỉnh worker + lượt chạy "
          f"{many['peak_workers_mb']:.0f} MB, máy chủ {many['peak_server_mb']:.0f} MB; lỗi: {many['failed'] or 'không'}")
    print(f"tỷ lệ nối tiếp / song song: {one['seconds'] / many['seconds']:.2f}")


if __name__ == "__main__":
    main()
