"""Rule-set preview against one full scoring: a province of 5,000 units (the demo generator's departments and
communes, a year of figures and dossiers), Decision 766's set with one parameter changed (the on-time threshold
of indicator 2.1 lowered from 100% to 90%), previewed on the stored year (both sets evaluated, every change
explained, nothing written) and, in turns in the same run, the year scored in full by the current set (evaluated,
stored, ranked) after one changed figure, as the re-scoring bench does. The ratio is what to read on a shared
machine; peak memory in turns of their own.

    python -m bench.preview [--units 5000] [--turns 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.rescoring import PERIOD, change_one, peak_of, province

CHANGE = ("nguong_2_1: {value: 100,", "nguong_2_1: {value: 90,")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()

    from cycle.scoring import rescore
    from office.preview import load_new, preview
    from rules.ruleset import find, shipped
    from store.db import counts

    current = find("qd766-2022")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = shipped()["qd766-2022"].read_text(encoding="utf-8")
        assert CHANGE[0] in text, "the parameter to change is not in the rule set any more"
        (folder / "qd766-thu.yaml").write_text(text.replace(*CHANGE).replace("id: qd766-2022", "id: qd766-thu"),
                                               encoding="utf-8")
        new = load_new(str(folder / "qd766-thu.yaml"))
        engine = province(folder, args.units, None)
        rescore(engine, current, PERIOD)
        before = counts(engine)
        moved = len(preview(engine, current, new, PERIOD).moved)
        assert counts(engine) == before, "a preview wrote to the store"
        previews, scorings = [], []
        for turn in range(args.turns):  # both in turns, so that both see the same machine
            started = time.perf_counter()
            preview(engine, current, new, PERIOD)
            previews.append(time.perf_counter() - started)
            change_one(engine, folder, turn)  # a stored run with nothing new is not scored again
            started = time.perf_counter()
            out = rescore(engine, current, PERIOD, full=True)
            scorings.append(time.perf_counter() - started)
            assert out.evaluated, out
        peak_preview = peak_of(lambda: preview(engine, current, new, PERIOD))
        change_one(engine, folder, 1000)
        peak_scoring = peak_of(lambda: rescore(engine, current, PERIOD, full=True))
        p, s = statistics.median(previews), statistics.median(scorings)
        print(f"{out.entities:,} units; the preview finds {moved:,} units whose points, rank or class change; "
              f"nothing written")
        print("| units | preview (s) | full scoring (s) | preview ÷ scoring | peak preview (MB) | peak scoring (MB) |")
        print(f"| {out.entities:,} | {p:.2f} | {s:.2f} | {p / s:.2f} | {peak_preview:.0f} | {peak_scoring:.0f} |")
        engine.dispose()


if __name__ == "__main__":
    main()
