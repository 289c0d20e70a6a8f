"""Cổng CCHC under load: unit officers saving drafts and uploading 1 MB evidence files while readers open the
public ranking. Run by ``python -m bench.portal_load`` (which prepares the database, the accounts and their
sessions, and starts the server); the settings come from the environment it sets:

- ``CCHC_BENCH_USERS``: a JSON file of officers, each ``{"cookie": …, "csrf": …, "unit": …}``;
- ``CCHC_BENCH_ROUND``: the open round's id; ``CCHC_BENCH_RUN``: the published run's id;
- ``CCHC_BENCH_OFFICERS`` / ``CCHC_BENCH_READERS``: how many of each;
- ``CCHC_BENCH_CRITERION``: the criterion the evidence files are uploaded for.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, HttpUser, between, task

USERS = json.load(open(os.environ["CCHC_BENCH_USERS"])) if os.environ.get("CCHC_BENCH_USERS") else []
ROUND = os.environ.get("CCHC_BENCH_ROUND", "1")
RUN = os.environ.get("CCHC_BENCH_RUN", "1")
CRITERION = os.environ.get("CCHC_BENCH_CRITERION", "1.1")
MEGABYTE = 1024 * 1024
_next = itertools.count()

SAVE, UPLOAD, RANKING = "lưu nháp", "tải lên 1 MB", "bảng xếp hạng"


class Officer(HttpUser):
    """A unit officer at the form: saves a figure and an explanation every few seconds, now and then a file."""

    fixed_count = int(os.environ.get("CCHC_BENCH_OFFICERS", "300"))
    wait_time = between(2, 6)

    def on_start(self):
        me = USERS[next(_next) % len(USERS)]
        self.csrf = me["csrf"]
        self.client.cookies.set("cchc_phien", me["cookie"])

    @task(4)
    def save(self):
        data = {"csrf": self.csrf, "so_lieu__pakn_tong": str(random.randint(5_000, 9_000)),
                "giai_trinh__1.1": f"Giải trình lần {random.randint(1, 10**6)}"}
        with self.client.post(f"/tu-danh-gia/{ROUND}/luu", data=data, allow_redirects=False, name=SAVE,
                              catch_response=True) as r:
            if r.status_code != 303:
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @task(1)
    def upload(self):
        body = b"%PDF-1.4\n" + os.urandom(MEGABYTE - 9)  # a new file each time: stored, not deduplicated
        with self.client.post(f"/tu-danh-gia/{ROUND}/tai-lieu", data={"csrf": self.csrf, "criterion": CRITERION},
                              files={"file": ("minh-chung.pdf", body, "application/pdf")}, allow_redirects=False,
                              name=UPLOAD, catch_response=True) as r:
            if r.status_code != 303:
                r.failure(f"{r.status_code}: {r.text[:200]}")


class Reader(FastHttpUser):
    """Someone of the public reading the published ranking."""

    fixed_count = int(os.environ.get("CCHC_BENCH_READERS", "1000"))
    wait_time = between(5, 15)

    @task
    def ranking(self):
        with self.client.get(f"/cong-khai/{RUN}", name=RANKING, catch_response=True) as r:
            if r.status_code != 200 or "xep-hang" not in r.text:
                r.failure(f"{r.status_code}")
