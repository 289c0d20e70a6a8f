"""Independent pieces of work (a unit's page, a document's formats) spread over the machine's cores. Workers are
forked: they start with the parent's memory — the run as read, its rule set, the documents built — so only the
items of a chunk travel to them, and each opens database connections of its own. What they write is what the
same work writes in one process, byte for byte; the order of the results is the order of the items.

``CCHC_WORKERS`` sets how many processes (1: everything in this process); by default, the cores this process
may use."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import count
from typing import TypeVar

from sqlalchemy import Engine

from office.errors import Refused

WORKERS_ENV = "CCHC_WORKERS"
CHUNKS_PER_WORKER = 4  # smaller chunks even out pages of unequal cost; each chunk costs a round trip

T = TypeVar("T")
R = TypeVar("R")

_JOBS: dict[int, tuple[Callable, Engine | None]] = {}  # what a forked worker calls, inherited at the fork
_ids = count()


def workers() -> int:
    """How many processes to use: ``CCHC_WORKERS``, or the cores this process may run on."""
    given = os.environ.get(WORKERS_ENV, "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise Refused(f"{WORKERS_ENV}={given!r}: số tiến trình phải là số nguyên từ 1 trở lên", field=WORKERS_ENV)
        return int(given)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _end_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when its parent dies. A parent killed outright (a flow run's process
    after kill -9, a crashed worker) otherwise left its workers waiting on their queue for ever, each holding its
    copy of the parent's memory."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown is all there is
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _forked(job_id: int, parent: int) -> None:
    _end_with_parent(parent)
    _, engine = _JOBS[job_id]
    if engine is not None:  # the parent's pooled connections are the parent's: never used from here
        engine.dispose(close=False)


def _call(job_id: int, chunk: list) -> list:
    job, _ = _JOBS[job_id]
    return list(job(chunk))


def each(job: Callable[[list[T]], Sequence[R]], items: Sequence[T], engine: Engine | None = None,
         processes: int | None = None, told: Callable[[int, int], None] = lambda done, total: None) -> list[R]:
    """``job`` over ``items``, a chunk at a time, in up to ``processes`` forked workers (``workers()`` by default);
    ``job(chunk)`` returns one result per item. ``engine``: one the job reads, whose connections each worker
    renews. ``told`` hears how many items are done. With one process, or no fork on this system, every chunk
    runs here."""
    items = list(items)
    n = max(1, min(processes or workers(), len(items)))
    size = max(1, -(-len(items) // (n * CHUNKS_PER_WORKER)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    if n == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _gathered(map(job, chunks), len(items), told)
    job_id = next(_ids)
    _JOBS[job_id] = (job, engine)
    try:
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_forked,
                                 initargs=(job_id, os.getpid())) as pool:
            return _gathered(pool.map(_call, [job_id] * len(chunks), chunks), len(items), told)
    finally:
        del _JOBS[job_id]


def _gathered(parts, total: int, told: Callable[[int, int], None]) -> list:
    out: list = []
    for part in parts:
        out += part
        told(len(out), total)
    return out
