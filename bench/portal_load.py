"""Cổng CCHC under load, in one command:

    .venv/bin/python -m bench.portal_load [--communes 100] [--seconds 60] [--officers 300] [--readers 1000]

It creates its own PostgreSQL database on 127.0.0.1:5432 (user postgres, trust), generates and ingests a demo
province (18 departments and ``--communes`` communes), publishes its scores (the ranking the readers open),
opens a self-assessment round of Decision 766's criteria for every unit, adds the unit officers and opens
their sessions, starts the portal as ``cchc serve`` does (uvicorn, ``web.app:create_app``, 2 workers, on
127.0.0.1 only), runs locust headless for a bounded time, then checks that every save counted by locust is a
row stored (one audit entry per save, one evidence row per upload), drops the database and prints p50/p95.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RULESET, PERIOD = "qd766-2022", "2024-NAM"
SAVE, UPLOAD, RANKING = "lưu nháp", "tải lên 1 MB", "bảng xếp hạng"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_database(name: str) -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def prepare(url: str, folder: Path, communes: int, dossiers: int, officers: int, secret: str) -> dict:
    """The province, its published ranking, an open round, the officers and their sessions."""
    from argon2 import PasswordHasher

    from cchc.demo import DemoSpec, generate
    from cycle import scoring
    from office import rounds
    from office.accounts import SYSTEM
    from rules.ruleset import find
    from store import models
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file
    from web.security import Cookies

    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    files = generate(folder / "tinh", DemoSpec(communes=communes, dossiers=dossiers))
    for path in files.in_order():
        ingest_file(engine, path)
    rules = find(RULESET)
    run = scoring.publish(engine, scoring.rescore(engine, rules, PERIOD).run_id)
    round_id = rounds.open_round(engine, SYSTEM, RULESET, PERIOD, (datetime.now() + timedelta(days=30)).date(),
                                 "Tự đánh giá (đo tải)")
    kinds = rounds.unit_kinds(rules)
    with engine.connect() as conn:
        units = conn.execute(select(models.Unit.id, models.Unit.code).where(models.Unit.kind.in_(kinds))
                             .order_by(models.Unit.code)).all()
    hashed = PasswordHasher().hash(secrets.token_urlsafe(16))  # one hash for all: nobody signs in with it
    cookies = Cookies(secret, 3 * 3600, False)
    now, users = datetime.now().replace(microsecond=0), []
    accounts, sessions = [], []
    for i in range(officers):
        unit_id, code = units[i % len(units)]
        accounts.append({"username": f"canbo.{i:04d}", "full_name": f"Cán bộ {i:04d}", "role": "don_vi",
                         "unit_id": unit_id, "assigned_units": "", "password_hash": hashed,
                         "must_change_password": False, "disabled": False, "failed_logins": 0, "created_at": now})
    with engine.begin() as conn:
        conn.execute(insert(models.Account), accounts)
        ids = dict(conn.execute(select(models.Account.username, models.Account.id)).all())
        for i, acc in enumerate(accounts):
            sid = secrets.token_urlsafe(32)
            sessions.append({"id": sid, "account_id": ids[acc["username"]], "created_at": now,
                             "expires_at": now + timedelta(hours=3), "ip": "127.0.0.1"})
            users.append({"cookie": cookies.sign(sid), "csrf": cookies.csrf(sid), "unit": units[i % len(units)][1]})
        conn.execute(insert(models.WebSession), sessions)
    (folder / "users.json").write_text(json.dumps(users))
    engine.dispose()
    return {"round": round_id, "run": run.id, "units": len(units), "criterion": rules.leaves[0].id,
            "seconds": time.perf_counter() - started}


def serve(url: str, folder: Path, port: int, workers: int, secret: str) -> subprocess.Popen:
    env = {**os.environ, "CCHC_DATABASE_URL": url, "CCHC_DATA_DIR": str(folder / "du-lieu"),
           "CCHC_SECRET_KEY": secret}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
                               "--no-access-log"], cwd=ROOT, env=env)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/suc-khoe", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("máy chủ cổng không khởi động được")


def run_locust(port: int, folder: Path, info: dict, officers: int, readers: int, seconds: int) -> Path:
    env = {**os.environ, "CCHC_BENCH_USERS": str(folder / "users.json"), "CCHC_BENCH_ROUND": str(info["round"]),
           "CCHC_BENCH_RUN": str(info["run"]), "CCHC_BENCH_OFFICERS": str(officers),
           "CCHC_BENCH_READERS": str(readers), "CCHC_BENCH_CRITERION": info["criterion"]}
    prefix = folder / "ket-qua"
    locust = Path(sys.executable).with_name("locust")
    subprocess.run([str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(officers + readers), "-r", "100", "-t", f"{seconds}s", "--stop-timeout", "30",
                    "--host", f"http://127.0.0.1:{port}", "--json-file", str(prefix), "--csv", str(prefix), "--only-summary",
                    "--loglevel", "WARNING"], cwd=ROOT, env=env, check=False)
    return prefix.with_name("ket-qua.json")


def prefix_of(stats: Path) -> Path:
    return stats.with_suffix("")


def summary(entry: dict) -> dict:
    """Count, failures and p50/p95/p99 (ms) of one request name, from locust's final response-time histogram."""
    times = sorted((float(ms), n) for ms, n in entry["response_times"].items())
    total = sum(n for _, n in times)

    def at(share: float) -> float:
        seen = 0
        for ms, n in times:
            seen += n
            if seen >= share * total:
                return ms
        return times[-1][0] if times else float("nan")

    return {"count": entry["num_requests"], "failures": entry["num_failures"], "p50": at(0.5), "p95": at(0.95),
            "p99": at(0.99)}


def stored(url: str, round_id: int) -> tuple[int, int]:
    from store import models

    engine = create_engine(url)
    with engine.connect() as conn:
        saves = conn.execute(select(func.count()).select_from(models.AuditEntry)
                             .where(models.AuditEntry.action == "luu_nhap")).scalar()
        files = conn.execute(select(func.count()).select_from(models.EvidenceFile)
                             .where(models.EvidenceFile.round_id == round_id)).scalar()
    engine.dispose()
    return saves, files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    name = f"cchc_do_tai_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="cchc-do-tai-"))
    secret = secrets.token_urlsafe(32)
    url = create_database(name)
    server = None
    try:
        info = prepare(url, folder, args.communes, args.dossiers, args.officers, secret)
        print(f"Chuẩn bị: {info['units']} đơn vị, đợt {info['round']}, kết quả công bố {info['run']}, "
              f"{args.officers} cán bộ ({info['seconds']:.0f} s)", flush=True)
        port = _free_port()
        server = serve(url, folder, port, args.workers, secret)
        stats = run_locust(port, folder, info, args.officers, args.readers, args.seconds)
        server.terminate()
        server.wait(30)
        server = None
        rows = {r["name"]: summary(r) for r in json.loads(stats.read_text())}
        saves_db, files_db = stored(url, info["round"])
        print(f"\n{info['units']} đơn vị · {args.officers} cán bộ + {args.readers} người xem · {args.seconds} s · "
              f"{args.workers} tiến trình · {datetime.now():%d/%m/%Y}")
        print(f"{'yêu cầu':<16}{'số lần':>8}{'lỗi':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'/s':>8}")
        for key in (SAVE, UPLOAD, RANKING):
            if r := rows.get(key):
                print(f"{key:<16}{r['count']:>8}{r['failures']:>6}{r['p50']:>9.0f}{r['p95']:>9.0f}{r['p99']:>9.0f}"
                      f"{r['count'] / args.seconds:>8.1f}")
        ok = {k: rows[k]["count"] - rows[k]["failures"] if k in rows else 0 for k in (SAVE, UPLOAD)}
        print(f"lưu nháp thành công {ok[SAVE]} = dòng nhật ký {saves_db}: {'đúng' if ok[SAVE] == saves_db else 'LỆCH'}")
        print(f"tải lên thành công {ok[UPLOAD]} = tệp ghi nhận {files_db}: "
              f"{'đúng' if ok[UPLOAD] == files_db else 'LỆCH'}")
        attempts = {k: rows[k]["count"] if k in rows else 0 for k in (SAVE, UPLOAD)}
        lost = ok[SAVE] > saves_db or ok[UPLOAD] > files_db
        print(f"không mất lần ghi nào đã báo thành công: {'đúng' if not lost else 'SAI'} (lưu: gửi {attempts[SAVE]}, "
              f"thành công {ok[SAVE]}, ghi {saves_db}; tải lên: gửi {attempts[UPLOAD]}, thành công {ok[UPLOAD]}, "
              f"ghi {files_db})")
        failed = prefix_of(stats).with_name("ket-qua_failures.csv")
        if failed.exists():
            for row in list(csv.DictReader(open(failed)))[:6]:
                print(f"lỗi: {row['Name']}: {row['Error'][:150]} × {row['Occurrences']}")
        failures = sum(r["failures"] for r in rows.values())
        return 0 if ok[SAVE] == saves_db and ok[UPLOAD] == files_db and failures == 0 else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        drop_database(name)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
