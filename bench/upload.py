"""Data files through the portal: a year's dossiers (the demo's CSV) sent by the office to «Dữ liệu», as a plain form
(the token among the fields) and as the page's script sends it (the token in a header), against ``cchc ingest`` of
the same file; the portal's peak resident memory above what it held before, sampled every 20 ms.

Each case has a store and a portal of its own (a real uvicorn server on 127.0.0.1, in a process of its own).

    python -m bench.upload [--rows 1000000] [--out bench/data]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.ingest import YEAR, prepare

SERVER = """
import sys, uvicorn
from store.db import make_engine
from web.app import Settings, create_app
from pathlib import Path
engine = make_engine(sys.argv[1])
app = create_app(engine, Settings(data_dir=Path(sys.argv[2]), warm_public=False))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""
PASSWORD = "mat-khau-do-hieu-nang"


def _store(folder: Path, units: Path) -> str:
    from sqlalchemy import update

    from office import accounts
    from store import models
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    url = f"sqlite:///{folder / 'cchc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    ingest_file(engine, units)
    accounts.create_account(engine, accounts.SYSTEM, "vanphong", "Văn phòng", "quan_tri", password=PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(models.Account).values(must_change_password=False))
    engine.dispose()
    return url


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_case(how: str, units: Path, data: Path) -> dict:
    """``how``: «form» (the token among the fields) or «header» (as the page's script sends it)."""
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        folder = Path(tmp)
        url = _store(folder, units)
        port = _free_port()
        env = dict(os.environ, CCHC_DATA_DIR=str(folder / "du-lieu"))
        proc = subprocess.Popen([sys.executable, "-c", SERVER, url, str(folder / "tai-lieu"), str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/suc-khoe").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            client = httpx.Client(base_url=base, timeout=600, follow_redirects=False)
            page = client.get("/dang-nhap").text
            token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            client.post("/dang-nhap", data={"username": "vanphong", "password": PASSWORD, "csrf": token})
            page = client.get("/quan-tri/du-lieu").text
            token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            start, peak, done = _rss_mb(proc.pid), [0.0], threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], _rss_mb(proc.pid))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample)
            sampler.start()
            with open(data, "rb") as fh:
                files = [("files", (data.name, fh, "text/csv"))]
                began = time.perf_counter()
                if how == "form":
                    r = client.post("/quan-tri/du-lieu/nhap", data={"csrf": token, "year": str(YEAR)}, files=files)
                else:
                    r = client.post("/quan-tri/du-lieu/nhap", data={"year": str(YEAR)}, files=files,
                                    headers={"X-CSRF-Token": token})
                seconds = time.perf_counter() - began
            done.set()
            sampler.join()
            if r.status_code != 200 or "Đã nhập 1 tệp." not in r.text:
                raise SystemExit(f"{how}: the upload did not land ({r.status_code})")
            return {"seconds": seconds, "grew_mb": peak[0] - start}
        finally:
            proc.terminate()
            proc.wait(10)


def cli_case(units: Path, data: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        folder = Path(tmp)
        url = _store(folder, units)
        env = dict(os.environ, CCHC_DATA_DIR=str(folder / "du-lieu"))
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cchc.cli", "--db", url, "ingest", str(data), "--year", str(YEAR)],
                       env=env, check=True, capture_output=True)
        return {"seconds": time.perf_counter() - began}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    args = parser.parse_args()
    paths = prepare(args.out, args.rows)
    size = paths["csv"].stat().st_size / (1 << 20)
    print(f"{args.rows:,} dossiers, {size:,.0f} MB of CSV\n")
    print("| sent | seconds | portal's memory above its start (MB) |")
    print("|---|---:|---:|")
    for how, said in (("form", "portal, plain form (token among the fields)"),
                      ("header", "portal, the page's script (token in a header)")):
        case = portal_case(how, paths["units"], paths["csv"])
        print(f"| {said} | {case['seconds']:.2f} | {case['grew_mb']:,.0f} |", flush=True)
    cli = cli_case(paths["units"], paths["csv"])
    print(f"| `cchc ingest`, the whole command (its start included) | {cli['seconds']:.2f} | — |")


if __name__ == "__main__":
    main()
