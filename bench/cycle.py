"""The whole demo year: wall time and peak memory of making and loading the data, then of the yearly cycle
(plans, four periodic reports, inspections, scoring and publication, the emulation review, next year's plans)
run directly and through Prefect's flows, at the demo's size and at 10× the units and dossiers. Prefect's own
cost is shown apart: starting its temporary server, and the cycle through flows minus the same cycle run
directly on a copy of the same database.

    python -m bench.cycle [--communes 100] [--dossiers 200000] [--scales 1,10]

Each phase runs in a process of its own, so that its peak memory (maximum resident set) is its own.
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

from cchc.names import DEPARTMENTS  # noqa: E402 - the scored departments besides the communes


def _data(folder: Path, communes: int, dossiers: int) -> dict:
    from cchc.demo import DemoSpec, generate
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    started = time.perf_counter()
    files = generate(folder / "data", DemoSpec(year=YEAR, communes=communes, dossiers=dossiers))
    made = time.perf_counter() - started
    engine = make_engine(f"sqlite:///{folder / 'cchc.db'}")
    upgrade(engine)
    started = time.perf_counter()
    for path in files.in_order():
        ingest_file(engine, path, year=files.year_of(path, YEAR))
    return {"generate": made, "ingest": time.perf_counter() - started}


def _direct(folder: Path) -> dict:
    from office.year import run
    from store.db import make_engine

    started = time.perf_counter()
    written = run(make_engine(f"sqlite:///{folder / 'cchc.db'}"), YEAR, folder / "out")
    return {"cycle": time.perf_counter() - started, "documents": len(written)}


def _prefect(folder: Path) -> dict:
    os.environ["PREFECT_HOME"] = str(folder / ".prefect")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect import flow

    from flows.year import yearly_cycle

    @flow(name="khoi-dong")
    def warm_up() -> None:
        return None

    started = time.perf_counter()
    warm_up()  # the temporary API server starts with the first flow
    start = time.perf_counter() - started
    started = time.perf_counter()
    written = yearly_cycle(YEAR, f"sqlite:///{folder / 'cchc.db'}", str(folder / "out"))
    return {"start": start, "cycle": time.perf_counter() - started, "documents": len(written)}


PHASES = {"data": _data, "direct": _direct, "prefect": _prefect}


def _run(phase: str, folder: Path, *args) -> tuple[dict, float]:
    """A phase in its own process: its result and its peak resident memory (MB)."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.cycle", "--child", phase, str(folder), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=open(folder / f"{phase}.log", "w"), text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:  # its own log says why (progress bars and warnings go there too)
        raise RuntimeError(f"phase {phase} failed ({status}):\n{(folder / f'{phase}.log').read_text()[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        phase, folder, *rest = args.child
        print(json.dumps(PHASES[phase](Path(folder), *map(int, rest))))
        return

    print("| scale | scored units | dossiers (this year + last) | generate (s) | ingest (s) | peak data (MB) | "
          "cycle direct (s) | peak direct (MB) | Prefect start (s) | cycle in flows (s) | Prefect overhead (s) | "
          "peak flows (MB) | documents |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scale in map(int, args.scales.split(",")):
        communes, dossiers = args.communes * scale, args.dossiers * scale
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            data, data_peak = _run("data", base, communes, dossiers)
            copy = base / "flows"
            copy.mkdir()
            shutil.copy(base / "cchc.db", copy / "cchc.db")
            direct, direct_peak = _run("direct", base)
            flows, flows_peak = _run("prefect", copy)
            units = communes + len(DEPARTMENTS)
            print(f"| {scale}× | {units:,} | {dossiers + dossiers // 5:,} | {data['generate']:.1f} | {data['ingest']:.1f} | "
                  f"{data_peak:,.0f} | {direct['cycle']:.1f} | {direct_peak:,.0f} | {flows['start']:.1f} | "
                  f"{flows['cycle']:.1f} | {flows['cycle'] - direct['cycle']:.1f} | {flows_peak:,.0f} | "
                  f"{direct['documents']} |", flush=True)


if __name__ == "__main__":
    main()
