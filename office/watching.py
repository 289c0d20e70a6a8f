"""A folder that receives files: files that arrive together are ingested as one group, all or nothing, as
``cchc ingest a b`` does, then the scores are brought up to date once for the group — one consistent result, not
one re-score per file racing the next.

Files arrive together when each came within the settle time of the last change in the folder: the group is
taken once every file in the folder has kept its size and time for the settle time, so a file still being
copied is never read half-way (it holds the group until it is whole). An ingested file moves to ``da-nhap/``;
when a file of the group is refused, nothing of the group is written and every file moves to ``bi-tu-choi/``
with a ``.loi.txt``: the refused file's problems, or, for a good file, that it waits for the others of its group.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from store.ingest import SUFFIXES, IngestError, IngestResult
from store.ingest.files import FileStatus, ingest_files

DONE, REFUSED = "da-nhap", "bi-tu-choi"
SETTLE = 2.0  # seconds a group's files keep their size and time before it is read


# What the console («said») reads as a style: «[snv]» in «[snv] so_lieu.csv» (rich's markup, which the layers
# below the command line do not import: its escaping, as rich.markup.escape does it).
_STYLE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def _shown(text: str) -> str:
    """A name (or a problem quoting a cell) as the console shows it: its brackets as they are."""
    text = _STYLE.sub(lambda m: f"{m[1]}{m[1]}\\{m[2]}", text)
    return text + "\\" if text.endswith("\\") and not text.endswith("\\\\") else text


@dataclass
class _Seen:
    size: int
    mtime: float
    since: float  # when it last changed (time.monotonic)


def _look(folder: Path, seen: dict[Path, _Seen], now: float) -> None:
    """What the folder holds now; a file new or changed since the last look starts its settle time again."""
    present = set()
    for path in folder.iterdir():
        if not path.is_file() or path.suffix.lower() not in SUFFIXES or path.name.startswith((".", "~$")):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # moved away between the listing and now
            continue
        present.add(path)
        before = seen.get(path)
        if before is None or (before.size, before.mtime) != (stat.st_size, stat.st_mtime):
            seen[path] = _Seen(stat.st_size, stat.st_mtime, now)
    for path in set(seen) - present:
        del seen[path]


def _group(seen: dict[Path, _Seen], now: float, settle: float) -> list[Path]:
    """Every file of the folder once none has changed for ``settle`` seconds; none while one still changes."""
    if not seen or any(now - s.since < settle for s in seen.values()):
        return []
    return sorted(seen)


def _move(path: Path, where: Path) -> Path | None:
    if not path.exists():
        return None
    where.mkdir(exist_ok=True)
    target = where / path.name
    stamp, n = time.strftime('%Y%m%d%H%M%S'), 1
    while target.exists():  # a file of that name sent again, even within the second: each version kept
        target = where / f"{path.stem}-{stamp}{f'-{n}' if n > 1 else ''}{path.suffix}"
        n += 1
    return Path(shutil.move(str(path), target))


def _refuse(path: Path, folder: Path, why: str) -> str:
    moved = _move(path, folder / REFUSED)
    if moved is None:
        return ""
    moved.with_name(moved.name + ".loi.txt").write_text(why + "\n", encoding="utf-8")
    return f"{REFUSED}/{moved.name}.loi.txt"


def _refused_group(statuses: list[FileStatus], folder: Path, said: Callable[[str], None]) -> None:
    refused = [st.path.name for st in statuses if st.refused]
    names = ", ".join(refused)
    for st in statuses:
        name = st.path.name
        if st.refused:
            where = _refuse(st.path, folder, IngestError(st.problems).render())
            # a file no longer there has no .loi.txt to point to: its problem is said instead
            why = f"xem {where}" if where else st.problems[0].message
            said(f"[red]{_shown(name)}[/]: bị từ chối, không ghi gì ({_shown(why)})")
        elif st.result is not None and st.result.already:
            _move(st.path, folder / DONE)
            said(f"{_shown(name)}: đã được nhập trước đây, bỏ qua.")
        else:
            where = _refuse(st.path, folder, f"{name}: tệp hợp lệ nhưng không được ghi, vì cùng đợt với tệp bị từ chối "
                                             f"({names}): các tệp đến cùng lúc được nhập cùng nhau, hoặc không tệp nào. "
                                             "Sửa tệp bị từ chối rồi thả lại cả đợt.\nKhông có dữ liệu nào được ghi.")
            said(f"[yellow]{_shown(name)}[/]: hợp lệ nhưng chưa ghi, vì {_shown(names)} cùng đợt bị từ chối "
                 f"(xem {_shown(where)})")


def take(engine: Engine, files: list[Path], folder: Path, said: Callable[[str], None],
         landed_hook: Callable[[IngestResult], object] = lambda r: None) -> int:
    """Ingest ``files`` as one group, all or nothing, each file's status told; returns how many brought something
    new. ``landed_hook`` hears of each batch that landed (a server's trigger is told there)."""
    if len(files) > 1:
        said(f"Đợt {len(files)} tệp đến cùng lúc: nhập tất cả hoặc không tệp nào.")
    try:
        statuses = ingest_files(engine, files)
    except IngestError as e:
        _refused_group(e.statuses or [FileStatus(p, problems=e.problems) for p in files], folder, said)
        return 0
    landed = 0
    for st in statuses:
        _move(st.path, folder / DONE)
        if st.result.already:
            said(f"{_shown(st.path.name)}: đã được nhập trước đây, bỏ qua.")
        else:
            landed += 1
            landed_hook(st.result)
            said(f"[green]{_shown(st.path.name)}[/]: lô #{st.result.batch_id}, {st.result.rows} dòng.")
    return landed


def watch_folder(engine: Engine, folder: Path, period: str | None, out: Path, interval: float, once: bool,
                 said: Callable[[str], None], told: Callable[[list[dict]], None],
                 landed_hook: Callable[[IngestResult], object] = lambda r: None, settle: float = SETTLE) -> None:
    """``period`` None: every period whose data are newer than its scores. ``once``: the files there now, once
    they have settled, then stop."""
    from office.rescoring import rescore_changed

    seen: dict[Path, _Seen] = {}
    while True:
        now = time.monotonic()
        _look(folder, seen, now)
        group = _group(seen, now, settle)
        if group:
            if take(engine, group, folder, said, landed_hook):
                told(rescore_changed(engine, period, out))
            for path in group:
                seen.pop(path, None)
        if once and (group or not seen):
            return
        time.sleep(interval)
