"""Anomaly flags against planted misdeclarations: the demo province (its units, a year of figures by period and of
dossiers), then a seeded share of its units overstate one declared figure of the year by a known margin (10, 20
or 30 percentage points of its whole), or claim every procedure online while their dossiers say otherwise. The
plants are recorded apart; the appraisal queue (``office.anomalies.queue``) is then read and compared with them.

Precision: of the units flagged, how many were planted; recall: of the planted units, how many were flagged;
also among the queue's first N (N = the number planted), the order an appraiser reads. The clean province is
read first: what is flagged there is the false alarm of honest data.

    python -m bench.anomalies [--communes 110] [--share 0.2] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

PERIOD = "2024-NAM"
# Declared parts the demo fills, each with its whole: the figures a unit might overstate.
PARTS = {"tthc_cong_khai": "tthc_tong", "tthc_dvctt": "tthc_tong", "quy_trinh_noi_bo_dvctt_4": "quy_trinh_noi_bo",
         "ccvc_dung_van_phong_dien_tu": "so_ccvc", "van_ban_ky_so": "van_ban_di", "van_ban_qua_mang": "van_ban_di",
         "pakn_dung_han": "pakn_tong"}
MARGINS = (10, 20, 30)


def province(folder: Path, communes: int):
    import numpy as np

    from cchc.demo import DemoSpec, dossiers_frame, facts_frame, people_frame, units_frame
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    spec = DemoSpec(communes=communes)
    rng = np.random.default_rng(spec.seed)
    units = units_frame(spec)
    people = people_frame(spec, units, rng)
    facts = facts_frame(spec, units, people, rng)
    units.to_parquet(folder / "don_vi.parquet")
    facts.to_parquet(folder / "so_lieu.parquet")
    dossiers_frame(spec, units, rng).to_parquet(folder / "ho_so.parquet")
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    for name in ("don_vi", "so_lieu", "ho_so"):
        ingest_file(engine, folder / f"{name}.parquet", year=2024 if name == "ho_so" else None)
    return engine


def plant(engine, folder: Path, share: float, seed: int) -> dict[str, str]:
    """Overstated figures for a seeded share of the units, ingested as one batch with its evidence cited (a unit
    that overstates still names a report). Returns unit → what was planted."""
    import numpy as np
    import pandas as pd

    from store.ingest import ingest_file
    from store.queries import indicator_frame

    rng = np.random.default_rng(seed)
    now = indicator_frame(engine, PERIOD)
    now = now[now["tthc_tong"].notna()]

    def room(unit, margin) -> list[str]:  # parts the unit could overstate by ``margin`` points without passing 100%
        return [p for p in PARTS if now.at[unit, PARTS[p]] > 0 and now.at[unit, p] / now.at[unit, PARTS[p]] * 100
                <= 100 - margin]

    wanted = max(4, int(len(now) * share))
    order = list(rng.permutation(now.index.to_numpy()))
    rows, planted = [], {}
    for i in range(wanted):
        margin = MARGINS[i % len(MARGINS)] if i % 4 != 3 else None
        unit = next((u for u in order if u not in planted and (margin is None or room(u, margin))), None)
        if unit is None:
            continue
        if margin is None:  # every procedure claimed online, full process
            total = int(now.at[unit, "tthc_tong"])
            rows += [(unit, "tthc_dvctt", total), (unit, "tthc_toan_trinh", total)]
            planted[unit] = "mọi TTHC trực tuyến toàn trình"
            continue
        part = str(rng.choice(room(unit, margin)))
        whole = now.at[unit, PARTS[part]]
        rows.append((unit, part, int(min(whole, now.at[unit, part] + round(whole * margin / 100)))))
        planted[unit] = f"+{margin} điểm %: {part}"
    frame = pd.DataFrame(rows, columns=["Mã đơn vị", "Mã chỉ tiêu", "Giá trị"])
    frame.insert(1, "Kỳ báo cáo", "Năm 2024")
    frame["Tài liệu kiểm chứng"] = "Báo cáo năm 2024 của đơn vị"
    path = folder / "ke_khai_sai.csv"
    frame.to_csv(path, index=False)
    ingest_file(engine, path)
    return planted


def measure(flagged: list[str], planted: dict[str, str]) -> dict:
    hit = set(flagged) & set(planted)
    top = set(flagged[:len(planted)]) & set(planted)
    return {"flagged": len(flagged), "planted": len(planted), "hit": len(hit),
            "precision": len(hit) / len(flagged) if flagged else float("nan"),
            "recall": len(hit) / len(planted) if planted else float("nan"),
            "top_n_precision": len(top) / len(planted) if planted else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=110)
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from office.anomalies import queue

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = province(folder, args.communes)
        clean = [r.unit for r in queue(engine, PERIOD)]
        planted = plant(engine, folder, args.share, args.seed)
        start = time.perf_counter()
        q = queue(engine, PERIOD)
        took = time.perf_counter() - start
        flagged = [r.unit for r in q]
        result = measure(flagged, planted)
        print(f"units scored: {args.communes} communes + departments; planted: {len(planted)}; "
              f"flagged in the clean data: {len(clean)}; queue read in {took:.2f} s")
        print("precision {precision:.2f}  recall {recall:.2f}  precision of the first {planted}: "
              "{top_n_precision:.2f}  (flagged {flagged}, of them planted {hit})".format(**result))
        kinds: dict[str, list[bool]] = {}
        for unit, what in planted.items():
            kinds.setdefault(what.split(":")[0], []).append(unit in flagged)
        for what, found in sorted(kinds.items()):
            print(f"  {what:28} recall {sum(found)}/{len(found)}")
        missed = [f"{u} ({w})" for u, w in planted.items() if u not in flagged]
        if missed:
            print("  not flagged:", ", ".join(missed))
        engine.dispose()


if __name__ == "__main__":
    main()
