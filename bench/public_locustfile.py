"""Readers of the public results: the ranking, a unit's page, a search typed without diacritics, a sort or a
filter. Run by ``python -m bench.public_load``, which sets:

- ``CCHC_BENCH_RUN``: the published run's id;
- ``CCHC_BENCH_UNITS``: a JSON file of ``[code, name typed without diacritics]`` per ranked unit;
- ``CCHC_BENCH_READERS``: how many readers.
"""

from __future__ import annotations

import json
import os
import random
from urllib.parse import quote

from locust import FastHttpUser, between, task

RUN = os.environ.get("CCHC_BENCH_RUN", "1")
UNITS = json.load(open(os.environ["CCHC_BENCH_UNITS"])) if os.environ.get("CCHC_BENCH_UNITS") else [["SKHCN", "so"]]
RANKING, UNIT, SEARCH, SORT = "bảng xếp hạng", "trang đơn vị", "tìm kiếm", "sắp xếp, lọc"
SORTS = ["ten", "-ty_le", "ty_le", "-diem", "xep_loai", "-cs_1", "cs_3", "-cs_5"]
KINDS = ["", "so_nganh", "xa_phuong"]


class Reader(FastHttpUser):
    """Someone of the public: mostly the ranking and units' pages, now and then a search or a sort."""

    fixed_count = int(os.environ.get("CCHC_BENCH_READERS", "1000"))
    wait_time = between(5, 15)

    def _get(self, path: str, name: str, marker: str):
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200 or marker not in (r.text or ""):
                r.failure(f"{r.status_code}")

    @task(3)
    def ranking(self):
        self._get(f"/cong-khai/{RUN}", RANKING, 'id="xep-hang"')

    @task(3)
    def unit(self):
        code, _ = random.choice(UNITS)
        self._get(f"/cong-khai/{RUN}/{code}", UNIT, 'id="phieu-diem"')

    @task(1)
    def search(self):
        _, name = random.choice(UNITS)
        words = name.split()[-2:]  # the place name, as people type it
        self._get(f"/cong-khai/{RUN}?q={quote(' '.join(words))}", SEARCH, 'id="ket-qua"')

    @task(1)
    def sort(self):
        self._get(f"/cong-khai/{RUN}?sap_xep={random.choice(SORTS)}&loai={random.choice(KINDS)}", SORT,
                  'id="xep-hang"')
