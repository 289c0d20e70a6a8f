"""The demo year run directly, step by step: wall time of each step, CPU time of the process and of its worker
processes, peak memory of each, with the unit pages written by one process and by one per core — in the same run,
on copies of the same database.

    python -m bench.year_steps [--communes 1000] [--dossiers 2000000] [--data FOLDER] [--workers 1,2]

``--data``: a folder where ``python -m bench.cycle --child data FOLDER COMMUNES DOSSIERS`` has made and ingested
the province (made there if it holds no cchc.db). To compare two versions of the code, run this module from each
checkout (``PYTHONPATH=<checkout>``) on the same ``--data``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2024


def _year(source: Path, folder: Path) -> dict:
    """The year on a copy of ``source``'s database and datasets, in this process."""
    from office.year import run
    from store.db import make_engine, upgrade

    shutil.copy(source / "cchc.db", folder / "cchc.db")
    if (source / "du-lieu").is_dir():
        shutil.copytree(source / "du-lieu", folder / "du-lieu")
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    upgrade(engine)
    steps: dict[str, float] = {}
    mark = [time.perf_counter(), None]

    def told(occurrence) -> None:
        now = time.perf_counter()
        if mark[1]:
            steps[mark[1]] = steps.get(mark[1], 0.0) + now - mark[0]
        mark[:] = [now, occurrence.name]

    started, cpu = time.perf_counter(), time.process_time()
    written = run(engine, YEAR, folder / "out", told)
    ended = time.perf_counter()
    steps[mark[1]] = steps.get(mark[1], 0.0) + ended - mark[0]
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": ended - started, "cpu": time.process_time() - cpu, "workers_cpu": workers.ru_utime + workers.ru_stime,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "workers_peak_mb": workers.ru_maxrss / 1024, "documents": len(written), "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=1000)
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--child", nargs=2, type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_year(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "data"
        data.mkdir(parents=True, exist_ok=True)
        if not (data / "cchc.db").exists():
            subprocess.run([sys.executable, "-m", "bench.cycle", "--child", "data", str(data), str(args.communes),
                            str(args.dossiers)], check=True, stdout=subprocess.DEVNULL)
        rows = {}
        for n in args.workers.split(","):
            folder = Path(tmp) / f"workers-{n}"
            folder.mkdir()
            out = subprocess.run([sys.executable, "-m", "bench.year_steps", "--child", str(data), str(folder)],
                                 env=os.environ | {"CCHC_WORKERS": n}, check=True, capture_output=True, text=True)
            rows[n] = json.loads(out.stdout.strip().splitlines()[-1])
            shutil.rmtree(folder)
        names = list(next(iter(rows.values()))["steps"])
        print("| workers | year (s) | " + " | ".join(f"{s} (s)" for s in names) +
              " | CPU, main (s) | CPU, workers (s) | peak main (MB) | peak of a worker (MB) | documents |")
        print("|---:|---:|" + "---:|" * len(names) + "---:|---:|---:|---:|---:|")
        for n, r in rows.items():
            print(f"| {n} | {r['seconds']:.1f} | " + " | ".join(f"{r['steps'][s]:.1f}" for s in names) +
                  f" | {r['cpu']:.1f} | {r['workers_cpu']:.1f} | {r['peak_mb']:,.0f} | {r['workers_peak_mb']:,.0f} | "
                  f"{r['documents']} |")


if __name__ == "__main__":
    main()
