"""How long a command takes to start and finish when it has little to do: ``cchc --help``, ``cchc calendar``
and ``cchc db status`` on a small store, each run many times in fresh processes, medians against
``python -c pass`` measured in the same run (the machines are shared and noisy: compare ratios).

    python -m bench.startup [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = (
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("cchc --help", [sys.executable, "-m", "cchc.cli", "--help"]),
    ("cchc calendar --year 2025", [sys.executable, "-m", "cchc.cli", "calendar", "--year", "2025"]),
    ("cchc db status", [sys.executable, "-m", "cchc.cli", "db", "status"]),
    ("cchc report --help", [sys.executable, "-m", "cchc.cli", "report", "--help"]),
)


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "cchc.cli", "db", "upgrade"], cwd=folder, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name, _ in CASES}
        for _ in range(args.runs):  # interleaved, so that a busy moment touches every case alike
            for name, argv in CASES:
                times[name].append(timed(argv, folder))
    base = statistics.median(times[CASES[0][0]])
    print(f"{'command':<28} {'median (s)':>10} {'min (s)':>8} {'over python -c pass (s)':>24}")
    for name, _ in CASES:
        median = statistics.median(times[name])
        print(f"{name:<28} {median:>10.3f} {min(times[name]):>8.3f} {median - base:>24.3f}")


if __name__ == "__main__":
    main()
