"""Hostile and broken rule files: each is refused quickly with a message naming the file, the line and the
criterion, by every command that reads a rule set, and never hangs, exhausts memory, runs anything or ends in
a traceback. Files that could hang a broken reader are read in a child process with a time and memory cap."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_runner import cchc, rules_refused_alike
from helpers import refused, write_xlsx
from rules.evaluate import evaluate
from rules.whatif import Target, cheapest
from rules.expr import MAX_DEPTH, MAX_LENGTH, ExpressionError, compile_expression
from rules.ruleset import (MAX_BYTES, MAX_NESTING, RuleSetError, UnknownRuleSet, find, find_or_load, load, parse,
                           shipped)

HEAD = "id: thu\ntitle: Thử\nreference: QĐ thử\nentity: unit\n"
LEAF = """\
criteria:
  - id: "1"
    title: Nhóm 1
    max: 2
    children:
      - id: "1.1"
        title: Tỷ lệ văn bản ký số
        max: 2
        value: {value}
        scoring: {{method: threshold, target: 1}}
        reference: KH thử, mục 3
"""
VALUE_LINE = 12  # the line of «- id: "1.1"», where a leaf's problems are reported


def rule_file(value: str = "a", inputs: str = "inputs:\n  a: A\n") -> str:
    return HEAD + inputs + LEAF.format(value=json.dumps(value))  # quoted: «- a» alone would be a YAML list


def laughs(indent: str, levels: int = 9, width: int = 9, key: str = "l") -> str:
    """A "billion laughs": ``width`` aliases per level, ``levels`` deep (width ** levels strings expanded)."""
    lines = [f"{indent}{key}0: &{key}0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"{indent}{key}{i}: &{key}{i} [{', '.join([f'*{key}{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def merge_laughs(levels: int = 9, width: int = 9) -> str:
    """The same through merge keys, which copy the merged pairs when the mapping is built."""
    lines = ["parameters:", "  m0: &m0 {value: 1, " + ", ".join(f"k{j}: {j}" for j in range(width)) + "}"]
    for i in range(1, levels):
        lines.append(f"  m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * width)}], value: 1}}")
    return "\n".join(lines) + "\n"


def criteria_laughs() -> str:
    leaves = []
    for i in range(9):
        note = (f"&n0 [{', '.join(['lol'] * 9)}]" if i == 0 else f"&n{i} [{', '.join([f'*n{i - 1}'] * 9)}]")
        leaves.append(f"  - {{id: '{i + 1}', title: T, max: 1, value: a, scoring: {{method: boolean}}, "
                      f"reference: r, note: {note}}}")
    return HEAD + "inputs:\n  a: A\ncriteria:\n" + "\n".join(leaves) + "\n"


def _capped() -> None:  # the child may not take the machine down if the reader regresses
    resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))


def in_child(tmp_path: Path, *args, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PREFECT_HOME": str(tmp_path / ".prefect"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--db", f"sqlite:///{tmp_path / 'cchc.db'}",
                           *map(str, args)], cwd=tmp_path, capture_output=True, text=True, timeout=timeout, env=env,
                          preexec_fn=_capped)


# --- YAML that would expand without end -------------------------------------------------------------------

@pytest.mark.parametrize("where, text", [
    ("inputs", HEAD + "inputs:\n  a: A\n" + laughs("  ") + LEAF.format(value="a")),
    ("criteria", criteria_laughs()),
    ("merge keys", HEAD + "inputs:\n  a: A\n" + merge_laughs() + LEAF.format(value="a")),
])
def test_an_alias_bomb_is_refused_while_it_is_read(tmp_path, where, text):
    bomb = tmp_path / "bom.yaml"
    bomb.write_text(text, encoding="utf-8")
    done = in_child(tmp_path, "rules", "check", bomb)
    assert done.returncode == 1, (where, done.stdout, done.stderr)
    assert "bom.yaml, dòng " in done.stdout and "bí danh" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr


def test_nesting_deeper_than_a_parser_in_c_can_go_is_refused_not_crashed(tmp_path):
    # libyaml's own composer recurses without a limit: 200,000 «[» end the process with a segmentation fault
    deep = tmp_path / "sau.yaml"
    deep.write_text(HEAD + "inputs:\n  a: " + "[" * 200_000 + "]" * 200_000 + "\n" + LEAF.format(value="a"),
                    encoding="utf-8")
    done = in_child(tmp_path, "rules", "check", deep)
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert f"sau.yaml, dòng 6: tệp YAML lồng quá sâu (quá {MAX_NESTING} mức)" in done.stdout, done.stdout


def test_an_alias_bomb_names_the_line_where_the_limit_is_crossed():
    with pytest.raises(RuleSetError) as caught:
        parse(HEAD + "inputs:\n  a: A\n" + laughs("  ") + LEAF.format(value="a"), "bom.yaml")
    [problem] = caught.value.problems
    assert problem.file == "bom.yaml" and 6 <= problem.line <= 15 and "quá lớn khi mở rộng" in problem.message


def test_a_few_aliases_are_still_read():
    text = HEAD + "inputs:\n  a: &nhan A\n  b: *nhan\n" + LEAF.format(value="a + b")
    assert load_text(text).inputs == {"a": "A", "b": "A"}


def load_text(text: str):
    return parse(text, "thu.yaml")


@pytest.mark.parametrize("text, message", [
    (HEAD + "inputs: &x\n  a: A\n  b: *x\n" + LEAF.format(value="a"), "trỏ vào chính nút chứa nó"),
    (HEAD + "inputs:\n  a: " + "[" * 5000 + "]" * 5000 + "\n" + LEAF.format(value="a"), f"quá {MAX_NESTING} mức"),
    (HEAD + "inputs:\n  a: A\n" + "".join(f"{'  ' * i}x{i}:\n" for i in range(1, 300)) + LEAF.format(value="a"),
     f"quá {MAX_NESTING} mức"),
])
def test_self_reference_and_deep_nesting_are_refused(text, message):
    with pytest.raises(RuleSetError) as caught:
        load_text(text)
    [problem] = caught.value.problems
    assert problem.line and message in problem.message


def test_a_file_of_too_many_nodes_is_refused_without_blaming_aliases():
    text = HEAD + "inputs:\n" + "".join(f"  x{i}: a\n" for i in range(60_000)) + "criteria: []\n"
    with pytest.raises(RuleSetError) as caught:
        load_text(text)
    [problem] = caught.value.problems
    assert problem.message == "tệp YAML quá lớn: hơn 100.000 nút" and problem.line > 6


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    big = tmp_path / "lon.yaml"
    big.write_text(rule_file() + "# " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    done = cchc("rules", "check", big, cwd=tmp_path)
    assert done.returncode == 1 and "lon.yaml: tệp quá lớn" in done.stdout


@pytest.mark.parametrize("make, message", [
    (lambda p: p.mkdir(), "không phải một tệp"),
    (lambda p: p.write_bytes(b"id: \xff\xfe\n"), "không phải văn bản UTF-8"),
    (lambda p: p.write_text("id: [\n", encoding="utf-8"), "YAML sai cú pháp"),
    (lambda p: p.write_text("- a\n- b\n", encoding="utf-8"), "tệp phải là một bảng khóa"),
    (lambda p: p.write_text(HEAD + "effective: {from: 2024-13-45}\n", encoding="utf-8"),
     "dòng 5: «2024-13-45» không phải ngày hợp lệ"),
    (lambda p: p.write_text(HEAD + "x: !!python/object/apply:os.system [echo pwned]\n", encoding="utf-8"),
     "YAML sai cú pháp"),
])
def test_what_is_not_a_rule_file_is_refused_by_name(tmp_path, make, message):
    path = tmp_path / "sai.yaml"
    make(path)
    done = cchc("rules", "check", path, cwd=tmp_path)
    assert done.returncode == 1 and "sai.yaml" in done.stdout and message in done.stdout, done.stdout + done.stderr


# --- Expressions: nesting, length, time ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["- " * 1000 + "a", "not " * 1000 + "a", "+ " * 1000 + "a",
                                   "(" * 150 + "a" + ")" * 150, "abs(" * 120 + "a" + ")" * 120,
                                   "- " * 30_000 + "a"])
def test_deep_nesting_is_refused_with_file_line_and_criterion(tmp_path, value):
    path = tmp_path / "long.yaml"
    path.write_text(rule_file(value), encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.where) == ("long.yaml", VALUE_LINE, "tiêu chí 1.1")
    assert f"lồng quá sâu (quá {MAX_DEPTH} mức" in problem.message and len(problem.message) < 200


def test_nesting_up_to_the_limit_compiles_and_runs():
    text = "- " * (MAX_DEPTH - 2) + "a"
    got = compile_expression(text, {"a"})({"a": np.array([2.0])}, 1)
    assert got[0] == 2.0  # an even number of signs


def test_a_sum_of_4096_terms_compiles_and_adds_up(tmp_path):
    path = tmp_path / "dai.yaml"
    path.write_text(rule_file(" + ".join(["a"] * 4096)), encoding="utf-8")
    rs = load(path)
    result = evaluate(rs, pd.DataFrame({"a": [1.0, 0.5, np.nan]}, index=["X", "Y", "Z"]))
    values = result.values["1.1"]
    assert values[0] == 4096 and values[1] == 2048 and np.isnan(values[2])


def test_long_chains_of_every_kind_compile():
    n = 3000
    env = {"a": np.array([1.0, 2.0]), "b": np.array([3.0, 0.0])}
    assert list(compile_expression(" * ".join(["a"] * 60) + " / " + " / ".join(["a"] * 60), {"a"})(env, 2)) == [1, 1]
    assert list(compile_expression(" - ".join(["a"] * n), {"a"})(env, 2)) == [1 - (n - 1), 2 - 2 * (n - 1)]
    assert list(compile_expression(" and ".join(["b"] * n), {"b"})(env, 2)) == [1.0, 0.0]
    assert list(compile_expression(" < ".join(["a"] * 10), {"a"})(env, 2)) == [0.0, 0.0]
    assert list(compile_expression("a" + " + b" * n, {"a", "b"})(env, 2)) == [1 + 3 * n, 2]
    assert np.isnan(compile_expression(" + ".join(["a / b"] * n), {"a", "b"})(env, 2)[1])  # division by 0: no data


def test_an_expression_over_the_length_limit_is_refused_before_it_is_read():
    with pytest.raises(RuleSetError) as caught:
        load_text(rule_file("a" + " + a" * (MAX_LENGTH // 4 + 1)))
    [problem] = caught.value.problems
    assert problem.where == "tiêu chí 1.1" and "biểu thức quá dài" in problem.message
    assert len(str(problem)) < 300  # the text is quoted only in part


def test_what_a_problem_quotes_from_the_file_is_quoted_in_part():
    long = "x" * 50_000
    text = rule_file(f"a + {long}").replace("entity: unit", f"entity: {long}\n{long[:1000]}: 1")
    with pytest.raises(RuleSetError) as caught:
        load_text(text)
    problems = caught.value.problems
    assert len(problems) == 3 and all(len(str(p)) < 700 for p in problems)
    assert any("«xxxxxxxx" in p.message and "…" in p.message for p in problems)


def test_a_long_sum_never_writes_into_its_inputs():
    a = np.array([1.0, 2.0])
    compiled = compile_expression(" + ".join(["a"] * 50), {"a"})
    assert list(compiled({"a": a}, 2)) == [50.0, 100.0] and list(a) == [1.0, 2.0]
    assert list(compile_expression("(a) * 2 - a / 2", {"a"})({"a": a}, 2)) == [1.5, 3.0] and list(a) == [1.0, 2.0]


@pytest.mark.parametrize("text", ["a.real", "a[0]", "__import__('os')", "a ** 2", "a // 2", "a % 2", "a @ a",
                                  "a if a else a", "lambda: a", "'x'", "f'{a}'", "1j", "a := 1", "a; a", "a, a",
                                  "a $ a", "a ? a", "`a`", "[a]", "{a}", "min(a, b=a)", "min(*a)",
                                  "(a", "a)", "a +", "", "   ", "not", "a < not a", "- not a", "9" * 5000])
def test_what_the_language_does_not_have_is_refused_in_words(text):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, {"a"})
    assert "«" in str(caught.value) and len(str(caught.value)) < 200


def test_what_if_reads_long_chains_as_loops():
    value = "a" + " * 1" * 3000 + " / 2 * 2" + " + 0" * 3000 + " - b * 0"
    rs = load_text(HEAD + "inputs:\n  a: A\n  b: B\ncriteria:\n  - {id: '1', title: T, max: 10, value: \""
                   + value + "\", scoring: {method: proportional, target: 10}, reference: r}\n")
    plan = cheapest(rs, {"a": 2.0, "b": 1.0}, [], Target(points=10), {"a": 1.0, "b": 1.0}, bounds={"a": (0, 100)})
    assert plan.reached and plan.new_row["a"] == 10 and plan.cost == 8


@pytest.mark.parametrize("shape", ["chuoi", "kim-cuong"])
def test_what_if_finds_the_inputs_a_leaf_reads_through_a_chain_or_a_diamond_of_variables_once(shape):
    """A chain of 1.500 variables ended in RecursionError (exit 3); a diamond of 34, each reading the two before it,
    took over half a minute (of 40, hours): the inputs a leaf reads were asked again through every path of variables."""
    import time

    from rules.whatif import _Model

    if shape == "chuoi":
        variables = "  v0: {label: V, formula: a}\n" + "".join(f"  v{i}: {{label: V, formula: v{i - 1} + 0}}\n"
                                                               for i in range(1, 1500))
    else:
        variables = "  v0: {label: V, formula: a}\n  v1: {label: V, formula: b * 0}\n" + "".join(
            f"  v{i}: {{label: V, formula: v{i - 1} + v{i - 2}}}\n" for i in range(2, 34))
    last = 1499 if shape == "chuoi" else 33
    rs = load_text(HEAD + "inputs:\n  a: A\n  b: B\nvariables:\n" + variables + "criteria:\n  - {id: '1', title: T, "
                   f"max: 10, value: v{last}, scoring: {{method: threshold, target: 10}}, reference: r}}\n")
    started = time.monotonic()
    model = _Model(rs)
    assert model.reads == {"1": {"a"} if shape == "chuoi" else {"a", "b"}} and time.monotonic() - started < 5


# --- Every command that reads a rule set refuses it the same way ---------------------------------------------

BROKEN = [
    ("ten-la", rule_file("a / khong_co")),
    ("long-sau", rule_file("- " * 1000 + "a")),
    ("bi-danh", HEAD + "inputs:\n  a: A\n" + laughs("  ") + LEAF.format(value="a")),
    ("sai-dang", HEAD + "inputs: [a, b]\ncriteria: {a: 1}\nclassification: 3\n"),
    ("markup", rule_file("a").replace('id: "1.1"', 'id: "[bold]1.1[/]"').replace("method: threshold", "method: x")),
    # a kind of unit mistyped had scored no unit, the run saved empty; control characters had reached the terminal
    # and the documents, a NUL had stopped YAML's reader with no file named
    ("sai-loai", rule_file("a").replace("entity: unit\n", "entity: unit\napplies_to: [so_ngang]\n")),
    ("dieu-khien", rule_file("a").replace("title: Tỷ lệ văn bản ký số", 'title: "\x1b]0;PWNED\x07 Tỷ lệ"')),
    ("nul", rule_file("a").replace("title: Nhóm 1", "title: Nhóm\x00 1")),
    ("ngay-sai", rule_file("a").replace("entity: unit\n", "entity: unit\neffective: {from: 2024-02-30}\n")),
    ("hai-muc", rule_file("a") + "classification:\n  - {label: A, min: 90}\n  - {label: A, min: 80}\n"),
    ("thoat-yaml", rule_file("a").replace("title: Tỷ lệ văn bản ký số", 'title: "\\e]0;PWNED\\a Tỷ lệ \\0"')),
]


@pytest.mark.parametrize("name, text", BROKEN, ids=[b[0] for b in BROKEN])
def test_check_test_and_explain_refuse_an_invalid_rule_set_alike(tmp_path, name, text):
    said = rules_refused_alike(tmp_path, text, name)
    assert said.startswith(f"{name}.yaml") and "dòng" in said
    if name == "sai-loai":
        assert "loại đơn vị «so_ngang» không có (có phải «so_nganh»?)" in said
    if name == "hai-muc":
        assert "mức «A» đã có ở dòng" in said
    if name == "ngay-sai":
        assert "ngay-sai.yaml, dòng 5: «2024-02-30» không phải ngày hợp lệ" in said
    if name in ("dieu-khien", "nul", "thoat-yaml"):
        assert "ký tự điều khiển U+" in said and "\x1b" not in said


def test_commands_that_take_a_rule_set_option_refuse_it_with_exit_1(tmp_path):
    path = tmp_path / "sai.yaml"
    path.write_text(rule_file("- " * 1000 + "a"), encoding="utf-8")
    for args in (("score", "--ruleset", path, "--period", "Năm 2024"),
                 ("rules", "preview", path, "--against", "qd766-2022", "--period", "Năm 2024")):
        done = cchc(*args, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "sai.yaml, dòng 12, tiêu chí 1.1: biểu thức lồng quá sâu" in done.stderr


def test_a_problem_quoting_console_markup_is_printed_as_text(tmp_path):
    path = tmp_path / "ngoac.yaml"
    path.write_text(rule_file("a / khong_co").replace('id: "1.1"', 'id: "[/]"'), encoding="utf-8")
    done = cchc("score", "--ruleset", path, "--period", "Năm 2024", cwd=tmp_path)
    assert done.returncode == 1 and "tiêu chí [/]: tên không có" in done.stderr


def test_rule_set_test_cases_are_read_bounded_and_checked(tmp_path):
    rules = tmp_path / "thu.yaml"
    rules.write_text(rule_file(), encoding="utf-8")
    cases = tmp_path / "thu.tests.yaml"
    cases.write_text("- name: du\n  inputs: {a: 1}\n  expect: {points: {'1.1': 2}}\n", encoding="utf-8")
    assert cchc("rules", "test", rules, cwd=tmp_path).stdout.strip() == "thu: 1/1 ca đạt"
    cases.write_text("- name: co-tieu-chi-la\n  inputs: {a: 1}\n  expect: {points: {'9.9': 2}, titles: {x: true}}\n"
                     "- 3\n- name: chu\n  inputs: {a: mot}\n", encoding="utf-8")
    done = cchc("rules", "test", rules, cwd=tmp_path)
    assert done.returncode == 1
    assert "thu.tests.yaml, ca thứ 2: mỗi ca cần «name»" in done.stdout
    assert "thu.tests.yaml, dòng 5, ca chu: «inputs» là bảng chỉ tiêu: số" in done.stdout
    cases.write_text("- name: du\n  inputs: {a: 1}\n  expect: {points: {'9.9': 2}, titles: {x: true}}\n",
                     encoding="utf-8")
    done = cchc("rules", "test", rules, cwd=tmp_path)
    assert done.returncode == 1 and "không có tiêu chí «9.9»" in done.stdout and "không có danh hiệu «x»" in done.stdout
    cases.write_text(laughs("", key="c") + "- name: du\n  inputs: {a: 1}\n", encoding="utf-8")
    done = in_child(tmp_path, "rules", "test", rules)
    assert done.returncode == 1 and "thu.tests.yaml, dòng" in done.stdout and "bí danh" in done.stdout


# --- Data names rule sets by id, never by path ---------------------------------------------------------------

def test_find_takes_ids_only_and_options_still_take_a_path(tmp_path):
    path = shipped()["qd766-2022"]
    for name in (str(path), str(path.resolve()), "../sets/qd766-2022.yaml", "qd766-2022.yaml", ""):
        with pytest.raises(UnknownRuleSet) as caught:
            find(name)
        assert "không có bộ tiêu chí" in str(caught.value) and "qd766-2022" in str(caught.value)
    assert find("qd766-2022").id == "qd766-2022"
    assert find_or_load(str(path)).digest == find("qd766-2022").digest


FINDING_HEADERS = ["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế", "Kiến nghị",
                   "Thời hạn khắc phục", "Bộ tiêu chí", "Điểm thẩm định"]


def test_an_inspection_file_naming_a_path_as_its_rule_set_is_refused(province, tmp_path):
    # A valid rule-set file, named by its path: read before, so the row was accepted and written.
    path = str(shipped()["qd766-2022"].resolve())
    rows = [[2024, "STP", "05/08/2024", "1.3", "x", "y", "30/09/2024", "qd766-2022", 1],
            [2024, "STP", "05/08/2024", "1.3", "khác", "y", "30/09/2024", path, 1]]
    text = refused(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, rows))
    assert "kq.xlsx" in text and "dòng 3" in text and "Bộ tiêu chí" in text and "không có bộ tiêu chí" in text
    assert "dòng 2" not in text


def test_an_inspection_file_naming_an_unknown_rule_set_without_points_is_refused(province, tmp_path):
    rows = [[2024, "STP", "05/08/2024", "1.3", "x", "y", "30/09/2024", "qd766-2022", None],
            [2024, "STP", "05/08/2024", "9.9", "khác", "y", "30/09/2024", "qd766-2022", None],
            [2024, "STP", "05/08/2024", "1.3", "nữa", "y", "30/09/2024", "qd767", None]]
    text = refused(province, write_xlsx(tmp_path / "kq.xlsx", FINDING_HEADERS, rows))
    assert "dòng 3, cột «Tiêu chí»: bộ tiêu chí «qd766-2022» không có tiêu chí «9.9»" in text
    assert "dòng 4, cột «Bộ tiêu chí»: không có bộ tiêu chí «qd767»" in text and "dòng 2" not in text


# --- Whatever shape a file has, the answer is a rule set or a refusal -----------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(),
                    st.text(max_size=12), st.dates(min_value=date(1900, 1, 1)))
keys = st.one_of(st.text(max_size=6), st.integers(-3, 3), st.booleans(), st.none())  # YAML keys need not be text
shapes = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(keys, inner, max_size=3)),
                      max_leaves=6)
BASE = {name: yaml.safe_load(path.read_text(encoding="utf-8")) for name, path in shipped().items()}


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _replace(node, path, value):
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(BASE)), st.data())
def test_any_shape_is_a_rule_set_or_a_refusal_never_a_crash(name, data):
    import copy

    raw = copy.deepcopy(BASE[name])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(raw))
        raw = _replace(raw, data.draw(st.sampled_from(paths)), data.draw(shapes))
    text = yaml.safe_dump(raw, allow_unicode=True)
    try:
        rs = parse(text, "mau.yaml")
    except RuleSetError as err:
        assert all(p.file == "mau.yaml" for p in err.problems)
        assert "cấu trúc tệp không đúng lược đồ" not in str(err), str(err)  # every shape has its own message
        return
    frame = pd.DataFrame({n: [1.0, 0.0, np.nan] for n in rs.inputs}, index=["X", "Y", "Z"])
    evaluate(rs, frame).summary()


def test_hostile_files_never_run_anything(tmp_path):
    marker = tmp_path / "da-chay"
    text = (HEAD + f"x: !!python/object/apply:os.system ['touch {marker}']\n"
            + f"inputs: {{a: !!python/object/apply:os.system ['touch {marker}']}}\n" + LEAF.format(value="a"))
    for attempt in (text, rule_file(f"__import__('os').system('touch {marker}')"),
                    rule_file(f"where(a, open('{marker}', 'w'), 0)")):
        with pytest.raises(RuleSetError):
            load_text(attempt)
    assert not marker.exists() and not os.path.exists(marker)


def test_every_input_of_every_shipped_unit_rule_set_is_in_the_indicator_catalogue():
    from office.rulesets import input_problems
    from rules.ruleset import find, shipped

    assert [str(p) for name in shipped() for p in input_problems(find(name))] == []


def test_a_misspelled_input_is_refused_when_the_set_is_opened_naming_file_input_and_closest_code(tmp_path):
    text = (Path(__file__).parents[1] / "rules/sets/qd766-2022.yaml").read_text(encoding="utf-8")
    path = tmp_path / "go-nham.yaml"
    path.write_text(text.replace("hs_dung_han", "hs_dung_hn"), encoding="utf-8")
    said = "go-nham.yaml, chỉ tiêu đầu vào hs_dung_hn: «hs_dung_hn» không có trong danh mục chỉ tiêu " \
           "(store/indicators.yaml); gần nhất: «hs_dung_han»"
    for args in (("rules", "check", path), ("score", "--ruleset", path, "--period", "Năm 2024")):
        done = cchc(*args, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert said in " ".join((done.stdout + done.stderr).split()), (args, done.stdout, done.stderr)


def test_a_family_on_the_command_line_resolves_by_the_period_and_lists_its_sets_when_none_is_in_force(tmp_path):
    done = cchc("score", "--ruleset", "thi-dua-cchc-skhcn-ninh-thuan", "--period", "Năm 2025", cwd=tmp_path)
    assert done.returncode == 1
    assert "không bộ nào có hiệu lực ngày 14/12/2025 (các bộ: thi-dua-cchc-skhcn-ninh-thuan-2024 (01/01/2024 – " \
           "15/12/2024))" in " ".join(done.stderr.split()), done.stderr
    listed = cchc("rules", "list", cwd=tmp_path).stdout
    assert "qd766" in listed and "01/08/2022" in listed


QD766 = (Path(__file__).parents[1] / "rules/sets/qd766-2022.yaml").read_text(encoding="utf-8")


def _line(marker: str) -> int:
    """The line of the shipped set holding ``marker``: the set's header comment may grow."""
    return QD766[:QD766.index(marker)].count("\n") + 1


TITLE, EFFECTIVE, MISSING = _line("title: "), _line("effective: {from"), _line("missing: loai_khoi_diem_toi_da")


@pytest.mark.parametrize("name, text, said", [
    # a list stacked in itself through aliases, 60 levels a time: the explanation's walk had run out of stack (exit 3)
    ("bi-danh", QD766.replace("missing: loai_khoi_diem_toi_da\n", "missing: loai_khoi_diem_toi_da\nnote:\n" + "\n".join(
        ["  z0: &z0 x"] + [f"  z{k}: &z{k} " + "[" * 60 + f"*z{k - 1}" + "]" * 60 for k in range(1, 18)]) + "\n", 1),
     f"dòng {MISSING + 4}: tệp YAML lồng quá sâu khi mở rộng bí danh «*z1» (quá 64 mức)"),
    ("the", QD766.replace("title: ", "title: !<%ED%A0%80> ", 1), f"dòng {TITLE}: thẻ (tag) có byte không phải UTF-8"),
    ("fffe", QD766.replace("title: ", "title: Bộ\ufffe ", 1), f"dòng {TITLE}: ký tự điều khiển U+FFFE"),
    # a byte-order mark inside the file had changed «from» into another key, and the set's start with it
    ("bom", QD766.replace("effective: {from: 2022-08-01}", "effective: {\n\ufefffrom: 2022-08-01}", 1),
     f"dòng {EFFECTIVE + 1}: ký tự điều khiển U+FEFF"),
    ("cr", QD766.replace("missing: loai_khoi_diem_toi_da", "missing: loai_khoi_diem_toi_da\x01").replace("\n", "\r"),
     f"dòng {MISSING}: ký tự điều khiển U+0001"),  # lines as YAML counts them, a lone CR included
    ("form", QD766.replace("effective: {from: 2022-08-01}", "effective: {form: 2022-08-01}", 1),
     "effective: khóa «form» không có trong lược đồ"),
])
def test_a_rule_file_s_hidden_signs_and_expanded_nesting_are_refused_with_their_line(tmp_path, name, text, said):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    done = in_child(tmp_path, "rules", "check", path)
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert said in " ".join(done.stdout.split()), done.stdout


def test_a_refused_variable_is_named_once_not_again_where_it_is_read():
    """A variable whose formula is refused is still declared: the criterion reading it is not said to read an
    unknown name (a second, misleading error for the one mistake)."""
    text = (HEAD + "inputs:\n  a: A\nvariables:\n  v:\n    label: V\n    formula: '9 ** 9 ** 9'\n"
            + LEAF.format(value="v"))
    with pytest.raises(RuleSetError) as caught:
        load_text(text)
    [problem] = caught.value.problems
    assert "biến v" in problem.where and "không được phép" in problem.message


@pytest.mark.parametrize("name", ["sai.yaml", "qd767", "qd766@2024-02-30"])
def test_an_inspection_finding_naming_no_rule_set_is_refused_as_its_option(tmp_path, name):
    """The points of a finding adjust a set named by id or family: another name had ended in «Lỗi», exit 3."""
    (tmp_path / "sai.yaml").write_text(rule_file(), encoding="utf-8")
    done = cchc("inspection", "finding", "--unit", "STP", "--visited", "05/08/2024", "--text", "x",
                "--recommendation", "y", "--deadline", "30/09/2024", "--criterion", "1.3", "--points", "1",
                "--ruleset", name, cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Không ghi nhận (--ruleset)" in done.stderr and name.split("@")[-1] in done.stderr


def test_a_file_without_a_criterion_appraised_under_its_id_is_refused_naming_it(demo_db, tmp_path):
    """A file edited under the id of a set already appraised, without the criterion appraised: scoring, explaining
    and appraising with it had ended in «Lỗi» (exit 3)."""
    import shutil

    shutil.copy(demo_db, tmp_path / "cchc.db")
    head = HEAD + "inputs:\n  van_ban_di: Văn bản đi\ncriteria:\n"
    leaf = "  - {{id: '{id}', title: T, max: 2, value: van_ban_di, scoring: {{method: threshold, target: 1}}, reference: r}}\n"
    path = tmp_path / "thu.yaml"
    path.write_text(head + leaf.format(id="1") + leaf.format(id="2"), encoding="utf-8")
    done = cchc("appraise", "--ruleset", path, "--unit", "STP", "--criterion", "2", "--points", "1", "--reason", "x",
                "--period", "Năm 2024", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path.write_text(head + leaf.format(id="1").replace("max: 2", "max: 4"), encoding="utf-8")
    for args in (("score", "--ruleset", path, "--period", "Năm 2024"),
                 ("rules", "explain", path, "--unit", "STP", "--period", "Năm 2024")):
        done = cchc(*args, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "thu.yaml: bộ tiêu chí «thu» không có tiêu chí (lá) 2 mà kho đã có điểm thẩm định" in " ".join(
            done.stderr.split())
