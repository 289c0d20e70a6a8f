"""A re-scoring whose process is killed (kill -9) while it writes its documents: the next re-score writes what
it left unwritten — every document of the units that moved, nothing twice, those on disk untouched — and makes
no new score version, the data being the same."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import FACT_HEADERS, write_csv

pytestmark = pytest.mark.slow
PERIOD = "2024-NAM"

# The re-score of office.rescoring with its document writer pausing after N documents, so that the test kills
# the process at a known point: N documents on disk, the others not.
PAUSING = """
import sys, time
from pathlib import Path

import office.rescoring as rescoring
from store.db import make_engine

url, out, after = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
written, real = [], rescoring.write


def write(document, folder, name, fmt):
    path = real(document, folder, name, fmt)
    written.append(path)
    if len(written) == after:
        print("DA-GHI", flush=True)
        time.sleep(600)
    return path


rescoring.write = write
rescoring.rescore_changed(make_engine(url), None, out)
"""


def _versions(engine) -> dict[str, int]:
    from store import models

    R = models.ScoreRun
    with Session(engine) as s:
        return dict(s.execute(select(R.ruleset, func.max(R.version)).where(R.period_code == PERIOD)
                              .group_by(R.ruleset)).all())


def _owed(engine, out: Path) -> set[Path]:
    """Every document the current runs' re-scoring owes (those of runs that re-scored an earlier one)."""
    from cycle.scoring import current_run, moved_in
    from office.rescoring import unit_rulesets

    owed = set()
    with Session(engine) as s:
        for rs in unit_rulesets():
            run = current_run(s, rs.id, PERIOD)
            if run is not None and run.parent_id is not None:
                folder = out / "tinh-lai" / PERIOD
                owed |= {folder / f"cong-bo-diem-{rs.id}.docx"} | {folder / f"phieu-diem-{rs.id}-{u}.docx"
                                                                    for u in moved_in(s, run)}
    return owed


def test_the_next_rescore_writes_what_a_killed_one_left_unwritten(demo_db, tmp_path):
    from cycle.scoring import rescore
    from office.rescoring import rescore_changed, unit_rulesets
    from store.db import make_engine
    from store.ingest import ingest_file

    shutil.copy(demo_db, tmp_path / "cchc.db")
    url, out = f"sqlite:///{tmp_path / 'cchc.db'}", tmp_path / "out"
    engine = make_engine(url)
    for rs in unit_rulesets():
        rescore(engine, rs, PERIOD)
    first = _versions(engine)
    fix = [[unit, "Năm 2024", "tthc_cong_khai", value, "bổ sung"] for unit, value in (("STP", 3), ("SXD", 10),
                                                                                          ("SNV", 5), ("SYT", 0))]
    ingest_file(engine, write_csv(tmp_path / "bo_sung.csv", FACT_HEADERS, fix))

    process = subprocess.Popen([sys.executable, "-c", PAUSING, url, str(out), "2"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "DA-GHI", process.stderr.read()
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    killed = _versions(engine)
    assert any(killed[r] == first[r] + 1 for r in first)  # the killed run had made its new version
    on_disk = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*.docx")}
    assert len(on_disk) == 2
    owed = _owed(engine, out)
    assert set(on_disk) < owed

    time.sleep(0.05)  # a rewrite would show in the files' times
    summaries = rescore_changed(engine, None, out)
    after = _versions(engine)
    assert all(after[r] == killed[r] for r in killed if killed[r] > first[r])  # the same data: no new version
    assert all(after[r] <= first[r] + 1 for r in first)
    owed = _owed(engine, out)
    written = [Path(p) for s in summaries for p in s["documents"]]
    assert len(written) == len(set(written))
    assert set(out.rglob("*.docx")) == owed  # every document there, nothing else
    assert all((p.read_bytes(), p.stat().st_mtime_ns) == seen for p, seen in on_disk.items())  # untouched
    assert not set(written) & set(on_disk)
    assert not list(out.rglob(".dang-ghi-*"))

    card = next(p for p in written if p.name.startswith("phieu-diem-"))
    kept = card.read_bytes()
    card.unlink()
    assert [Path(p) for s in rescore_changed(engine, None, out) for p in s["documents"]] == [card]
    assert card.read_bytes() == kept  # the same run gives the same bytes whenever it is written
    assert not [p for s in rescore_changed(engine, None, out) for p in s["documents"]]
    assert _versions(engine) == after
    engine.dispose()
