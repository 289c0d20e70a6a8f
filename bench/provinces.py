"""Provinces as tenants: N provinces (default 10), each with its own store, each running its year — one after the
other in one process (the cycle run directly, as ``cchc --tinh KEY cycle run --no-prefect``), against as
parallel flow runs on a local Prefect server (backed by PostgreSQL, loopback only) with 2 process workers, each
province's ``chu-trinh-nam-KEY`` deployment run once. Both in the same run, each on its own copy of the same
stores.

    python -m bench.provinces [--provinces 10] [--communes 4] [--dossiers 5000] [--workers 2] [--run-processes N]
                             [--own-data]

The data: one province's demo data (the seed of the first key) generated and ingested once, and its store — the
SQLite file and the data directory with the dossiers' Parquet datasets, whose paths the store keeps relative
to it — copied to every other province. A store holds nothing about which province it is: the key, the name
and the addresses are the registry's (``tinh.yaml``, written here with each province's own name and folder),
and ``CCHC_TINH`` is set by the process serving it. At the demo's size (100 communes, a million dossiers a
year) generating and ingesting ten provinces would take longer than their years; what a year costs depends on
the data's size, not on its seed. ``--own-data``: each province's own demo data (a seed of its key), generated
and ingested once per province, as ``cchc --tinh KEY demo`` draws it.

On the server only the yearly deployments stay active: ``cchc deploy`` also registers every step's calendar
deployment and the re-scoring every 15 minutes, whose scheduled runs (and the ingestion events they would
deliver, re-scoring each province again) would take the same two workers in the middle of the years measured;
the bench pauses them once registered. A year forks worker processes for its pages and documents
(``office.workers``: as many as the cores by default), which the serial year keeps; the flow runs, two at a
time, share the cores: each forks the cores divided by the workers (``--run-processes``), one here, instead of
two runs each forking two on two cores.

Wall time: serial — the years in the child process, one after another; parallel — from the first flow run
created to the last one finished, and per flow run: waiting for a worker (Scheduled → Pending), its process's
start-up (Pending → Running: the process started and the flow loaded), the year (Running → Completed). Every
run must complete and write as many documents as the same province's serial year, or the bench fails. CPU
seconds (what a shared machine's load does not blur): the serial process's and its forked workers'; in
parallel, the workers' and their flow-run processes' (with theirs), the Prefect server's and its PostgreSQL
connections'. Memory: the serial process's peak resident set; in parallel, the largest sum of resident sets of
the workers and the flow-run processes they start (sampled every 0.2 s), and the server's. The load average
(1 minute) is printed at each phase's end.
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
    """One province's store with its data ingested (its year not run); the generated files are removed."""
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
    shutil.rmtree(folder / "du-lieu-mo-phong" / key)


def _serial(folder: Path) -> dict:
    """Child process: every registered province's year, one after the other."""
    os.environ["CCHC_PROVINCES"] = str(folder / "tinh.yaml")
    from office.provinces import applied, load
    from office.year import run
    from store.db import make_engine

    started, cpu, documents = time.perf_counter(), _own_cpu(), 0
    for province in load().values():
        with applied(province):
            engine = make_engine(province.database_url)
            documents += len(run(engine, YEAR, province.out))
            engine.dispose()
    return {"seconds": time.perf_counter() - started, "cpu": _own_cpu() - cpu, "documents": documents,
            "peak_mb": _hwm(os.getpid())}


def _own_cpu() -> float:
    """This process's CPU seconds and those of the workers it forked and waited for (office.workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _documents(folder: Path) -> dict[str, int]:
    """Files written under each province's output folder."""
    return {home.name: sum(1 for p in (home / "out").rglob("*") if p.is_file())
            for home in sorted((folder / "tinh").iterdir())}


def _load() -> float:
    return os.getloadavg()[0]


def _status(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def _hwm(pid: int) -> float:
    return _status(pid).get("VmHWM", 0) / 1024


def _cpu(pids: list[int]) -> float:
    """CPU seconds of ``pids`` and of their children they have waited for (a flow run's process, once ended,
    counts in its worker's)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def _backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving the Prefect server's database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    engine = create_engine(url.set(drivername="postgresql+psycopg", database="postgres"))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                                     {"d": url.database}).scalars())
    finally:
        engine.dispose()


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


def _parallel(folder: Path, keys: list[str], workers: int, per_run: int) -> dict:
    """The provinces' years as flow runs on a local server with ``workers`` process workers, each run forking up
    to ``per_run`` processes for its pages and documents (``CCHC_WORKERS``)."""
    from bench.local_prefect import local_server
    from office.workers import WORKERS_ENV

    settings = {"PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "1",
                "CCHC_PROVINCES": str(folder / "tinh.yaml"), WORKERS_ENV: str(per_run)}
    with local_server(folder / ".prefect", settings) as server:
        os.environ.update({k: server.env[k] for k in ("PREFECT_HOME", "PREFECT_API_URL",
                                                       "PREFECT_SERVER_ANALYTICS_ENABLED", "CCHC_PROVINCES")})
        from prefect.client.orchestration import get_client
        from prefect.deployments import run_deployment

        from flows.deployments import deploy

        t = time.perf_counter()
        for key in keys:
            deploy("bench", None, "out", tinh=key)
        with get_client(sync_client=True) as client:
            for d in client.read_deployments():
                if not d.name.startswith("chu-trinh-nam-"):
                    client.pause_deployment(d.id)  # their scheduled runs deleted: see the docstring
        deployed = time.perf_counter() - t
        started_workers = [server.worker("bench", f"worker-{i}.log", "--limit", "1", "--name", f"bench-{i}", cwd=ROOT)
                           for i in range(workers)]
        time.sleep(5)  # the workers polling before the clock starts
        database = server.env["PREFECT_API_DATABASE_CONNECTION_URL"]

        def cpu() -> dict[str, float]:
            return {"runs": _cpu([p for w in started_workers for p in _tree(w.pid)]),
                    "server": _cpu(_tree(server.process.pid)), "postgres": _cpu(_backends(database))}

        cpu_before = cpu()
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
            time.sleep(1)  # the last run's process ended and waited for by its worker
            cpu_after = cpu()
            phases = []  # per run: (waiting for a worker, start-up, the year), seconds
            for r in runs:
                at = {s.type.value: s.timestamp for s in client.read_flow_run_states(r.id)}
                if {"SCHEDULED", "PENDING", "RUNNING", "COMPLETED"} <= set(at):
                    phases.append(tuple((at[b] - at[a]).total_seconds() for a, b in
                                        (("SCHEDULED", "PENDING"), ("PENDING", "RUNNING"), ("RUNNING", "COMPLETED"))))
        failed = [f"{s.name}: {s.message}" for s in states.values() if not s.is_completed()]
        return {"seconds": seconds, "deploy_seconds": deployed, "peak_workers_mb": peak_workers,
                "peak_server_mb": _hwm(server.process.pid), "failed": failed, "phases": phases,
                "cpu": {k: cpu_after[k] - cpu_before[k] for k in cpu_after}}


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
    parser.add_argument("--run-processes", type=int, default=None,
                        help="processes each flow run forks for its pages and documents (CCHC_WORKERS); "
                             "by default the cores shared among the workers' runs, at least 1")
    parser.add_argument("--own-data", action="store_true",
                        help="each province's own demo data, generated and ingested once per province")
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
    from office.workers import workers as cores

    per_run = a.run_processes or max(1, cores() // a.workers)
    loads = {"đầu": _load()}
    with tempfile.TemporaryDirectory(prefix="cchc-tinh-") as tmp:
        base, serial, parallel = Path(tmp) / "mau", Path(tmp) / "noi-tiep", Path(tmp) / "song-song"
        t = time.perf_counter()
        for key in keys if a.own_data else keys[:1]:
            _child("make", str(base), key, str(a.communes), str(a.dossiers))
        for folder in (serial, parallel):
            for key in keys:
                shutil.copytree(base / "tinh" / (key if a.own_data else keys[0]), folder / "tinh" / key)
            _registry(folder, keys)
        made = time.perf_counter() - t
        loads["dữ liệu"] = _load()
        one = _child("serial", str(serial))
        loads["nối tiếp"] = _load()
        many = _parallel(parallel, keys, a.workers, per_run)
        loads["song song"] = _load()
        written = {"serial": _documents(serial), "parallel": _documents(parallel)}
    data = "riêng từng tỉnh" if a.own_data else f"một tỉnh, chép sang {a.provinces - 1} tỉnh"
    print(f"{a.provinces} tỉnh × ({a.communes} xã, {a.dossiers} hồ sơ); dữ liệu ({data}) {made:.0f} s")
    print(f"nối tiếp, một tiến trình: {one['seconds']:.1f} s, {one['documents']} văn bản, đỉnh {one['peak_mb']:.0f} MB")
    print(f"song song, máy chủ Prefect + {a.workers} worker, mỗi lượt chạy {per_run} tiến trình (nối tiếp: "
          f"{cores()}): {many['seconds']:.1f} s "
          f"(đăng ký deployment {many['deploy_seconds']:.0f} s, không tính); đỉnh worker + lượt chạy "
          f"{many['peak_workers_mb']:.0f} MB, máy chủ {many['peak_server_mb']:.0f} MB; lỗi: {many['failed'] or 'không'}")
    for n, (waited, startup, year) in enumerate(many["phases"], 1):
        print(f"  lượt {n}: chờ worker {waited:.1f} s, khởi động (Pending → Running) {startup:.1f} s, năm {year:.1f} s")
    cpu = many["cpu"]
    print(f"CPU: nối tiếp {one['cpu']:.0f} s; song song {sum(cpu.values()):.0f} s (lượt chạy và worker {cpu['runs']:.0f} s, "
          f"máy chủ Prefect {cpu['server']:.0f} s, PostgreSQL của nó {cpu['postgres']:.0f} s)")
    print(f"tỷ lệ nối tiếp / song song: {one['seconds'] / many['seconds']:.2f}")
    print("tải trung bình 1 phút, cuối mỗi phần: " + ", ".join(f"{k} {v:.1f}" for k, v in loads.items()))
    missing = {k: (n, written["parallel"].get(k, 0)) for k, n in written["serial"].items()
               if written["parallel"].get(k, 0) != n}
    if many["failed"] or missing:
        raise SystemExit(f"lượt chạy song song không xong: {many['failed']}; số văn bản (nối tiếp, song song) "
                         f"khác nhau: {missing}")

if __name__ == "__main__":
    main()
