"""What-if over long chains of derived variables: each variable's affine form is made once per question, in the
order the set computes them, so the answer costs time in proportion to the set and the stack does not grow with
the chain. A doubling chain (each link reading the one before twice) had doubled the work at every link, and a
chain of thousands had ended in RecursionError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rules.evaluate import evaluate
from rules.ruleset import load
from rules.whatif import Target, WhatIfError, _Model, cheapest

HEAD = "id: chuoi\ntitle: Chuỗi biến\nreference: QĐ thử\nentity: unit\ninputs:\n  a: A\n  b: B\n  c: C\n"


def chain_file(tmp_path, links: int, link: str, value: str, target: float, first: str = "a + b"):
    """A rule file in ``tmp_path``: v0 = ``first``, then ``links`` variables each ``link`` of the one before
    (``{p}``), and one leaf worth 10 points when ``value`` reaches ``target``."""
    lines = [f"  v0: {{label: V0, formula: '{first}'}}\n"]
    lines += [f"  v{k}: {{label: V{k}, formula: '{link.format(p=f'v{k - 1}')}'}}\n" for k in range(1, links + 1)]
    path = tmp_path / "chuoi.yaml"
    path.write_text(HEAD + "variables:\n" + "".join(lines) + "criteria:\n"
                    f"  - {{id: '1', title: Chuỗi, max: 10, value: '{value}', "
                    f"scoring: {{method: threshold, target: {target}}}, reference: r}}\n", encoding="utf-8")
    return load(path)


@pytest.fixture
def doubling(tmp_path):
    return chain_file(tmp_path, 60, "{p} + {p}", f"v60 / {2 ** 60}", 10)


def test_sixty_doubling_links_are_answered_exactly(doubling):
    """Expanded on every read, 60 links would be 2^60 expansions: this answers only when each is made once."""
    rs = doubling
    assert [v.name for v in rs.variables] == [f"v{k}" for k in range(61)]
    # the leaf is (a + b) · 2^60 / 2^60 = a + b: from 3 to 10 needs a + 7, the cheaper lever
    plan = cheapest(rs, {"a": 2.0, "b": 1.0, "c": 0.0}, [], Target(points=10), {"a": 1.0, "b": 3.0},
                    bounds={"a": (0, 100), "b": (0, 100)})
    assert plan.reached and plan.cost == 7
    assert plan.new_row["a"] == 9 and plan.new_row["b"] == 1 and plan.after.points == 10
    assert [(c.input, c.before, c.after) for c in plan.changes] == [("a", 2.0, 9.0)]
    # the engine scores the same chain to the same value
    result = evaluate(rs, pd.DataFrame({"a": [9.0], "b": [1.0], "c": [0.0]}, index=["X"]))
    assert result.values["1"][0] == 10 and result.points["1"][0] == 10


def test_a_variable_read_by_many_leaves_and_variables_is_made_once(doubling):
    made = []
    model = _Model(doubling)
    roots = {id(node): name for name, (node, _) in model.formulas.items()}
    original = model.affine

    def counting(node, text, env, free, forms=None):
        if id(node) in roots:
            made.append(roots[id(node)])
        return original(node, text, env, free, forms)

    model.affine = counting
    node, text = model.leaves["1"]
    env = {"a": np.array([2.0]), "b": np.array([1.0]), "c": np.array([0.0])}
    forms: dict = {}
    form = model.affine(node, text, env, {"a", "b"}, forms)
    assert form.coef == {"a": 1.0, "b": 1.0} and form.const == 0
    assert set(forms) == {f"v{k}" for k in range(61)}
    assert sorted(made) == sorted(forms)  # one formula each, however many times it is read
    model.affine(node, text, env, {"a", "b"}, forms)  # asked again in the same question: nothing made again
    assert len(made) == 61


@pytest.mark.parametrize("link", ["{p} + 1", "{p} * 1 + c"])
def test_a_chain_of_three_thousand_links_is_answered_without_running_out_of_stack(tmp_path, link):
    """v_k = v_(k-1) + 1 (or · 1 + c) for 3,000 links, read by one leaf: the form had been made by a recursion as
    deep as the chain (RecursionError past about a thousand)."""
    rs = chain_file(tmp_path, 3000, link, "v3000", 3010, first="a")
    row = {"a": 2.0, "b": 0.0, "c": 1.0 if "c" in link else 0.0}
    costs = {"a": 1.0, "c": 1.0}
    plan = cheapest(rs, row, [], Target(points=10), costs, bounds={"a": (0, 100), "c": (0, 10)})
    assert plan.reached and plan.after.points == 10
    if "c" in link:
        # v3000 = a + 3000·c: from 3002, one more c (3,000 for 1) is cheaper than eight more a
        assert [(c.input, c.after) for c in plan.changes] == [("c", 2.0)] and plan.cost == 1
    else:
        # v3000 = a + 3000: from 3002 to 3010 needs a + 8
        assert [(c.input, c.after) for c in plan.changes] == [("a", 10.0)] and plan.cost == 8
    result = evaluate(rs, pd.DataFrame({k: [v] for k, v in plan.new_row.items()}, index=["X"]))
    assert result.points["1"][0] == 10


def test_a_variable_in_a_chain_that_is_not_affine_is_still_named(tmp_path):
    """The forms are made once, a form that is not affine kept as such: the leaf reading it is refused as
    before, quoting the part of the variable's formula that is not affine."""
    rs = chain_file(tmp_path, 200, "{p} + 1", "v200", 300, first="min(a, b)")
    with pytest.raises(WhatIfError, match=r"tiêu chí 1 \(«Chuỗi»\): biểu thức «v200» .*\(phần «min\(a, b\)»\); "
                                          r"hãy giữ cố định a, b$"):
        cheapest(rs, {"a": 2.0, "b": 1.0, "c": 0.0}, [], Target(points=10), {"a": 1.0, "b": 1.0})


def test_a_stack_that_runs_out_is_refused_naming_the_file_the_criterion_and_the_variable(tmp_path, monkeypatch):
    """No set within the language's limits nests that deep now; should the stack still run out (a smaller limit,
    a deeper caller), the question is refused in words, never with a traceback."""
    rs = chain_file(tmp_path, 5, "{p} + 1", "v5", 10)

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(_Model, "_combine", staticmethod(deep))
    with pytest.raises(WhatIfError) as caught:
        cheapest(rs, {"a": 2.0, "b": 1.0, "c": 0.0}, [], Target(points=10), {"a": 1.0})
    said = str(caught.value)
    assert said.startswith("chuoi.yaml: tiêu chí 1 («Chuỗi»): công thức của biến «v0» lồng quá sâu")
    assert "mô hình hóa" in said  # refused as the rule set's (--ruleset), as a leaf that cannot be modelled is


def test_the_command_answers_over_a_long_chain_and_refuses_a_stack_that_runs_out_with_exit_1(demo_db, tmp_path,
                                                                                            monkeypatch):
    """``cchc what-if --ruleset`` over a stored run of a set whose leaf reads 60 doubling links and 3,000 more;
    a stack that runs out is refused as the set's other problems are (exit 1), never «Lỗi» (exit 3)."""
    import shutil

    from cli_runner import cchc

    shutil.copy(demo_db, tmp_path / "cchc.db")
    lines = ["  v0: {label: V0, formula: hs_truc_tuyen}\n"]
    lines += [f"  v{k}: {{label: V{k}, formula: 'v{k - 1} + v{k - 1}'}}\n" for k in range(1, 61)]
    lines += [f"  v{k}: {{label: V{k}, formula: 'v{k - 1} + 0'}}\n" for k in range(61, 3061)]
    path = tmp_path / "chuoi.yaml"
    path.write_text("id: chuoi\ntitle: Chuỗi biến\nreference: QĐ thử\nentity: unit\ninputs:\n"
                    "  hs_truc_tuyen: Trực tuyến\n  hs_tiep_nhan: Tiếp nhận\nvariables:\n" + "".join(lines)
                    + f"criteria:\n  - {{id: '1', title: Chuỗi, max: 10, value: 'v3060 / {2 ** 60} / hs_tiep_nhan * 100',"
                    " scoring: {method: proportional, target: 100}, reference: r}\n", encoding="utf-8")
    done = cchc("score", "--ruleset", path, "--period", "Năm 2024", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ask = ("what-if", "--ruleset", path, "--unit", "STP", "--points", "9", "--period", "Năm 2024")
    done = cchc(*ask, cwd=tmp_path)
    said = " ".join(done.stdout.split())
    assert done.returncode == 0, done.stderr
    assert "Để đạt 9 điểm" in said and "hồ sơ sang nộp trực tuyến (tiêu chí 1:" in said and "Khi đó:" in said

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(_Model, "_combine", staticmethod(deep))
    done = cchc(*ask, cwd=tmp_path)
    said = " ".join(done.stderr.split())
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Không ghi nhận (--ruleset):" in said and "Traceback" not in said
    assert "chuoi.yaml: tiêu chí 1 («Chuỗi»): công thức của biến «v1» lồng quá sâu" in said
