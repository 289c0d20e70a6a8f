"""Rule-set test cases: YAML beside each rule set (``<id>.tests.yaml``), inputs → expected points, totals,
classes or titles. Run by the test suite and by ``cchc rules test``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from rules.evaluate import evaluate
from rules.ruleset import RuleSet


@dataclass(frozen=True)
class CaseResult:
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def cases_path(ruleset_path: Path) -> Path:
    return ruleset_path.with_name(ruleset_path.stem + ".tests.yaml")


def run_cases(ruleset: RuleSet, path: Path) -> list[CaseResult]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    frame = pd.DataFrame([c.get("inputs", {}) | ({"kind": c["kind"]} if "kind" in c else {}) for c in cases],
                         index=[c["name"] for c in cases])
    result = evaluate(ruleset, frame)
    summary = result.summary()
    out = []
    for i, case in enumerate(cases):
        name, expect, failures = case["name"], case.get("expect", {}), []

        def check(what: str, got, want) -> None:
            same = (got == want) if isinstance(want, (str, bool)) else (
                (want is None and (got is None or (isinstance(got, float) and math.isnan(got))))
                or (want is not None and got is not None and not math.isnan(got) and abs(got - want) < 1e-6))
            if not same:
                failures.append(f"{what}: mong đợi {want!r}, được {got!r}")

        for cid, want in (expect.get("points") or {}).items():
            got = float(result.points[str(cid)][i])
            check(f"điểm tiêu chí {cid}", None if math.isnan(got) else got, want)
        if "total" in expect:
            check("tổng điểm", float(summary["diem"].iloc[i]), expect["total"])
        if "percent" in expect:
            check("tỷ lệ %", round(float(summary["ty_le"].iloc[i]), 2), expect["percent"])
        if "classification" in expect:
            check("xếp loại", summary["xep_loai"].iloc[i], expect["classification"])
        for title, want in (expect.get("titles") or {}).items():
            check(f"danh hiệu {title}", bool(result.env[title][i] == 1), want)
        for title, want in (expect.get("reasons") or {}).items():
            got = result.reasons(name, title)
            for fragment in [want] if isinstance(want, str) else want:
                if not any(fragment in r for r in got):
                    failures.append(f"lý do {title}: không có «{fragment}» trong {got}")
        for var, want in (expect.get("variables") or {}).items():
            got = float(result.env[var][i])
            check(f"biến {var}", None if np.isnan(got) else got, want)
        out.append(CaseResult(name, tuple(failures)))
    return out
