"""Every shipped unit rule set scores and explains every unit of the demo province, from the store."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import demo_engine
from rules.evaluate import evaluate
from rules.ruleset import load, shipped
from store.queries import unit_frame


@pytest.fixture(scope="module")
def demo_frame(tmp_path_factory):
    return unit_frame(demo_engine(tmp_path_factory.mktemp("demo"), communes=6, dossiers=8_000), "2024-NAM")


@pytest.mark.parametrize("name", [n for n, p in shipped().items() if load(p).entity == "unit" and load(p).criteria])
def test_every_demo_unit_is_explained(name, demo_frame):
    rs = load(shipped()[name])
    result = evaluate(rs, demo_frame)
    summary = result.summary()
    for unit in demo_frame.index:
        explained = result.explain(unit)
        assert len(explained) == len(rs.leaves)
        assert all(e.sentence and e.reference for e in explained)
        assert np.isclose(sum(np.nan_to_num(e.points) for e in explained), summary.loc[unit, "diem"])
    scored = summary[summary["toi_da"] > 0]
    assert len(scored) > 0 and scored["hang"].min() == 1
    assert set(scored["xep_loai"]) <= {b.label for b in rs.classification}


def test_poor_units_rank_low_on_decision_766(demo_frame):
    summary = evaluate(load(shipped()["qd766-2022"]), demo_frame).summary()
    scored = summary[summary["toi_da"] > 0]
    assert scored.loc[["SXD", "STNMT"], "hang"].min() > scored["hang"].median()


def test_discipline_counts_reach_the_department_through_its_divisions(demo_frame):
    divisions = demo_frame.loc[demo_frame.index.str.startswith("SKHCN-"), "so_vu_ky_luat"].sum()
    assert demo_frame.loc["SKHCN", "so_vu_ky_luat"] >= divisions
