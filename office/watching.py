"""A folder that receives files: what is dropped is ingested, then the scores are brought up to date once for
everything that arrived together — one consistent result, not one re-score per file racing the next. An
ingested file moves to ``da-nhap/``; a refused one to ``bi-tu-choi/`` with a ``.loi.txt`` saying why."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from store.ingest import SUFFIXES, IngestError, IngestResult, ingest_file

DONE, REFUSED = "da-nhap", "bi-tu-choi"


def _settled(folder: Path, seen: dict[Path, tuple[int, float]]) -> list[Path]:
    """Files whose size and time did not change since the last look (a copy still being written waits)."""
    ready = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                       and not p.name.startswith((".", "~$"))):
        stat = path.stat()
        now = (stat.st_size, stat.st_mtime)
        if seen.get(path) == now:
            ready.append(path)
        seen[path] = now
    return ready


def _move(path: Path, where: Path) -> Path:
    where.mkdir(exist_ok=True)
    target = where / path.name
    if target.exists():
        target = where / f"{path.stem}-{time.strftime('%Y%m%d%H%M%S')}{path.suffix}"
    return Path(shutil.move(str(path), target))


def take(engine: Engine, files: list[Path], folder: Path, said: Callable[[str], None],
         landed_hook: Callable[[IngestResult], object] = lambda r: None) -> int:
    """Ingest ``files`` one by one; returns how many brought something new. ``landed_hook`` hears of each batch
    that landed (a server's trigger is told there)."""
    landed = 0
    for path in files:
        try:
            result = ingest_file(engine, path)
        except IngestError as e:
            moved = _move(path, folder / REFUSED)
            moved.with_name(moved.name + ".loi.txt").write_text(e.render() + "\n", encoding="utf-8")
            said(f"[red]{path.name}[/]: bị từ chối, không ghi gì (xem {REFUSED}/{moved.name}.loi.txt)")
            continue
        _move(path, folder / DONE)
        if result.already:
            said(f"{path.name}: đã được nhập trước đây, bỏ qua.")
        else:
            landed += 1
            landed_hook(result)
            said(f"[green]{path.name}[/]: lô #{result.batch_id}, {result.rows} dòng.")
    return landed


def watch_folder(engine: Engine, folder: Path, period: str | None, out: Path, interval: float, once: bool,
                 said: Callable[[str], None], told: Callable[[list[dict]], None],
                 landed_hook: Callable[[IngestResult], object] = lambda r: None) -> None:
    """``period`` None: every period whose data are newer than its scores."""
    from office.rescoring import rescore_changed

    seen: dict[Path, tuple[int, float]] = {}
    if once:
        _settled(folder, seen)  # a single pass takes what is there now
    while True:
        ready = _settled(folder, seen)
        if ready and take(engine, ready, folder, said, landed_hook):
            told(rescore_changed(engine, period, out))
        for path in ready:
            seen.pop(path, None)
        if once:
            return
        time.sleep(interval)
