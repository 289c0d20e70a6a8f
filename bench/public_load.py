"""The public results under load: 1,000 readers of a published ranking and its units' pages, in one command:

    .venv/bin/python -m bench.public_load [--units 118,5000] [--readers 1000] [--seconds 60] [--short]

For each size it creates a PostgreSQL database of its own on 127.0.0.1:5432 (user postgres, trust; or
``--db sqlite``), builds a province of that many scored units (the demo generator's departments and
communes with their figures for the year, as ``bench.rescoring`` does), scores Decision 766 over the year
and publishes the run, starts the portal as ``cchc serve`` does (uvicorn, 2 workers, 127.0.0.1 only), times
the first ranking and unit page (nothing cached yet), then runs locust headless (``bench/public_locustfile.py``):
each reader opens the ranking or a unit's page, now and then searches or sorts, every 5–15 s. Prints
p50/p95/p99 per page and drops the database. ``--short``: 30 s per size, readers arriving faster — a few
minutes in all.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx

from bench.portal_load import ROOT, _free_port, create_database, drop_database, serve, summary

RULESET, PERIOD = "qd766-2022", "2024-NAM"
PAGES = ("bảng xếp hạng", "trang đơn vị", "tìm kiếm", "sắp xếp, lọc")


def prepare(url: str | None, folder: Path, units: int) -> dict:
    """The province, its scored and published year, and the readers' list of units (code, folded name)."""
    from sqlalchemy import select

    from bench.rescoring import province
    from cycle import scoring
    from office.public import fold
    from rules.ruleset import find
    from store import models

    started = time.perf_counter()
    engine = province(folder, units, url)
    rules = find(RULESET)
    run = scoring.publish(engine, scoring.rescore(engine, rules, PERIOD).run_id)
    with engine.connect() as conn:
        rows = conn.execute(select(models.Unit.code, models.Unit.name)
                            .where(models.Unit.kind.in_(sorted(rules.applies_to)))).all()
    (folder / "units.json").write_text(json.dumps([[code, fold(name)] for code, name in rows]))
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    return {"run": run.id, "units": len(rows), "url": url, "seconds": time.perf_counter() - started}


def first(base: str, path: str) -> float:
    started = time.perf_counter()
    r = httpx.get(base + path, timeout=300)
    r.raise_for_status()
    return (time.perf_counter() - started) * 1000


def run_locust(port: int, folder: Path, run: int, readers: int, seconds: int, rate: int) -> dict:
    env = {**os.environ, "CCHC_BENCH_RUN": str(run), "CCHC_BENCH_UNITS": str(folder / "units.json"),
           "CCHC_BENCH_READERS": str(readers)}
    prefix = folder / "cong-khai"
    locust = Path(sys.executable).with_name("locust")
    subprocess.run([str(locust), "-f", str(ROOT / "bench" / "public_locustfile.py"), "--headless", "-u", str(readers),
                    "-r", str(rate), "-t", f"{seconds}s", "--stop-timeout", "20", "--host", f"http://127.0.0.1:{port}",
                    "--json-file", str(prefix), "--only-summary", "--loglevel", "WARNING"], cwd=ROOT, env=env,
                   check=False)
    return {r["name"]: summary(r) for r in json.loads(prefix.with_name("cong-khai.json").read_text())}


def one_size(units: int, args) -> tuple[int, list[str]]:
    name = f"cchc_cong_khai_{os.getpid()}_{units}"
    folder = Path(tempfile.mkdtemp(prefix="cchc-cong-khai-"))
    url = create_database(name) if args.db == "postgresql" else None
    server = None
    try:
        info = prepare(url, folder, units)
        port = _free_port()
        server = serve(info["url"], folder, port, args.workers, secrets.token_urlsafe(32))
        base, code = f"http://127.0.0.1:{port}", json.loads((folder / "units.json").read_text())[0][0]
        cold = {"ranking": first(base, f"/cong-khai/{info['run']}"),
                "unit": first(base, f"/cong-khai/{info['run']}/{code}")}
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:  # every worker reads the run once before the readers come
            list(pool.map(lambda i: first(base, f"/cong-khai/{info['run']}"), range(16)))
        warmed = (time.perf_counter() - started) * 1000
        warm = {"ranking": first(base, f"/cong-khai/{info['run']}?sap_xep=ten"),
                "unit": first(base, f"/cong-khai/{info['run']}/{code}")}
        rows = run_locust(port, folder, info["run"], args.readers, args.seconds, args.rate)
        lines = [f"{info['units']:,} đơn vị ({info['seconds']:.0f} s chuẩn bị) · {args.readers} người xem · "
                 f"{args.seconds} s · {args.workers} tiến trình · {args.db} · {datetime.now():%d/%m/%Y %H:%M}",
                 f"  lần đầu (chưa có gì trong bộ nhớ đệm): xếp hạng {cold['ranking']:.0f} ms, trang đơn vị "
                 f"{cold['unit']:.0f} ms; 16 lần đọc song song cho mọi tiến trình {warmed:.0f} ms; rồi: trang "
                 f"sắp xếp mới {warm['ranking']:.0f} ms, trang đơn vị đã có {warm['unit']:.0f} ms",
                 f"  {'trang':<16}{'số lần':>8}{'lỗi':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'/s':>8}"]
        failures = 0
        for key in PAGES:
            if r := rows.get(key):
                failures += r["failures"]
                lines.append(f"  {key:<16}{r['count']:>8}{r['failures']:>6}{r['p50']:>9.0f}{r['p95']:>9.0f}"
                             f"{r['p99']:>9.0f}{r['count'] / args.seconds:>8.1f}")
        return failures, lines
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if url is not None:
            drop_database(name)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="118,5000", help="sizes of the province, comma-separated")
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=int, default=100, help="readers arriving per second")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--short", action="store_true", help="30 s per size, readers arriving at 200 a second")
    args = parser.parse_args(argv)
    if args.short:
        args.seconds, args.rate = 30, 200
    failed = 0
    for units in (int(u) for u in args.units.split(",")):
        failures, lines = one_size(units, args)
        failed += failures
        print("\n".join(lines), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
