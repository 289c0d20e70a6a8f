"""Each unit against the others of its kind: the medians without each unit, found from one sort, are those of
``np.median`` over the others, tie for tie."""

from __future__ import annotations

import numpy as np
import pytest

from office.anomalies import MAD_SCALE, _robust, _without_each


@pytest.mark.parametrize("n", [2, 3, 4, 5, 10, 11, 200, 201])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_medians_without_each_value_are_those_of_the_others(n, seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(80, 10, n)
    values[rng.integers(0, n, n // 3)] = 100.0  # ties, as rates at 100% are
    values[: n // 4] = np.round(values[: n // 4])
    medians = _without_each(values)
    spreads = np.maximum(MAD_SCALE * _without_each(values, medians), 0.5)
    for i in range(n):
        others = np.delete(values, i)
        median, spread = _robust(others, 0.5)
        assert (medians[i], spreads[i]) == (median, spread)
