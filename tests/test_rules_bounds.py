"""What a rule file's values may be: every number finite, round's digits a small whole number written in the
expression, every key a name written once. Each breach is refused with the file, the line and the criterion by
every command that reads a rule set (exit 1), never scored as "no data" or infinite points, never a traceback."""

from __future__ import annotations

import numpy as np
import pytest

from cli_runner import rules_refused_alike
from rules.expr import MAX_DIGITS, ExpressionError, compile_expression
from rules.ruleset import RuleSetError, parse

HEAD = "id: thu\ntitle: Thử\nreference: QĐ thử\nentity: unit\n"


def rule_file(max_: str = "2", value: str = "van_ban_di", scoring: str = "{method: threshold, target: 1}",
              parameters: str = "", classification: str = "", inputs: str = "{van_ban_di: Văn bản đi}") -> str:
    return (HEAD + f"inputs: {inputs}\n" + parameters
            + "criteria:\n"
            + "  - id: \"1.1\"\n"  # line 7 without parameters: where a leaf's problems are reported
            + "    title: Văn bản đi\n"
            + f"    max: {max_}\n"
            + f"    value: \"{value}\"\n"
            + f"    scoring: {scoring}\n"
            + "    reference: KH thử, mục 3\n"
            + classification)


def refusal(text: str) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse(text, "thu.yaml")
    return [str(p) for p in caught.value.problems]


def commands_refuse(tmp_path, text: str) -> str:
    """What ``rules check`` says (``rules test`` and ``rules explain`` saying the same, exit 1), on one line."""
    return " ".join(rules_refused_alike(tmp_path, text).split())


# --- Every number finite ------------------------------------------------------------------------------------

FINITE = "mọi số trong bộ tiêu chí phải hữu hạn"
NOT_FINITE = [
    ("max-nan", rule_file(max_=".nan"), "thu.yaml, dòng 7, tiêu chí 1.1: «max» (điểm tối đa) phải là số dương (đã cho .nan"),
    ("max-inf", rule_file(max_=".inf"), "thu.yaml, dòng 7, tiêu chí 1.1: «max» (điểm tối đa) phải là số dương (đã cho .inf"),
    ("max-qua-lon", rule_file(max_="1" + "0" * 400), "tiêu chí 1.1: «max» (điểm tối đa) phải là số dương (đã cho một số "
                                                   "nguyên quá lớn"),
    ("target-nan", rule_file(scoring="{method: proportional, target: .nan}"),
     "thu.yaml, dòng 11, tiêu chí 1.1: «target» phải là một số hoặc tên một tham số (đã cho .nan"),
    ("per-am-vo-cung", rule_file(scoring="{method: deduction, per: -.inf}"), "tiêu chí 1.1: «per» phải là một số "
                                                                             "hoặc tên một tham số (đã cho -.inf"),
    ("points-nan", rule_file(scoring="{method: bands, steps: [{points: .nan, min: 1}, {points: 0, min: 0}]}"),
     "thu.yaml, dòng 11, tiêu chí 1.1: điểm của mức phải trong [0, 2] (đã cho .nan"),
    ("min-inf", rule_file(scoring="{method: bands, steps: [{points: 2, min: .inf}, {points: 0, min: 0}]}"),
     "tiêu chí 1.1: «min» phải là một số hoặc tên một tham số (đã cho .inf"),
    ("tham-so-nan", rule_file(scoring="{method: threshold, target: p}", parameters="parameters:\n  p: .nan\n"),
     "thu.yaml, dòng 7, tham số p: tham số phải có «value» là một số (đã cho .nan"),
    ("tham-so-theo-ngay", rule_file(scoring="{method: threshold, target: p}", parameters=(
        "parameters:\n  p: {values: [{from: 2024-01-01, value: .inf, reference: QĐ thử}]}\n")),
     "thu.yaml, dòng 7, tham số p: mỗi giá trị cần «from» (ngày yyyy-mm-dd), «value» (một số) và «reference» "
     "(căn cứ) (đã cho .inf"),
    ("xep-loai-nan", rule_file(classification="classification:\n  - {label: Tốt, min: .nan}\n"),
     "thu.yaml, dòng 14, classification: mỗi mức xếp loại cần «label» và «min» (% điểm tối đa) (đã cho .nan"),
]


@pytest.mark.parametrize("name, text, said", NOT_FINITE, ids=[n[0] for n in NOT_FINITE])
def test_a_number_that_is_not_finite_is_refused_naming_file_line_and_criterion(name, text, said):
    problems = refusal(text)
    assert any(said in p and p.startswith("thu.yaml, dòng ") and FINITE in p for p in problems), problems


def test_finite_maxima_whose_sum_is_not_are_refused():
    text = (HEAD + "inputs: {a: A}\ncriteria:\n"
            + "".join(f"  - {{id: '{i}', title: T, max: 1.0e+308, value: a, scoring: {{method: boolean}}, reference: r}}\n"
                      for i in (1, 2)))
    assert "thu.yaml, dòng 1, criteria: tổng điểm tối đa của bộ tiêu chí vượt quá giới hạn của số" in refusal(text)


def test_every_command_refuses_a_number_that_is_not_finite_alike(tmp_path):
    said = commands_refuse(tmp_path, rule_file(max_=".inf"))
    assert said == f"thu.yaml, dòng 7, tiêu chí 1.1: «max» (điểm tối đa) phải là số dương (đã cho .inf: {FINITE})"


# --- round's digits -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["round(a, 400)", "round(a, 16)", "round(a, -1)", "round(a, 2.5)", "round(a, a)",
                                  "round(a, 1 + 1)"])
def test_round_takes_a_small_whole_number_of_digits_written_in_the_expression(text):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, {"a"})
    assert f"số nguyên viết sẵn từ 0 đến {MAX_DIGITS}" in str(caught.value) and text in str(caught.value)


@pytest.mark.parametrize("text", ["a * 1e400", "a + 1.0e400", "round(a, 1.0e400)", "a - 9" + "9" * 400])
def test_a_number_written_past_a_float_s_range_is_refused(text):
    """Read as inf, it scored a full mark for a = 0.5 and NaN for a = 0."""
    with pytest.raises(ExpressionError, match="số vượt quá giới hạn của số thực"):
        compile_expression(text, {"a"})


def test_round_within_its_bounds_never_overflows():
    a = np.array([1.23456, -2.5, np.nan, 1e300, -np.inf, 2.0 ** 53 + 2])
    got = compile_expression(f"round(a, {MAX_DIGITS})", {"a"})({"a": a}, len(a))
    # Past 2 ** 52 a float is whole: nothing to round, never inf (an infinite input is no figure: no data).
    np.testing.assert_array_equal(got, np.where(np.isinf(a), np.nan, a))
    np.testing.assert_array_equal(compile_expression("round(a, 2)", {"a"})({"a": a}, len(a))[:2], [1.23, -2.5])


def test_every_command_refuses_round_with_too_many_digits_alike(tmp_path):
    said = commands_refuse(tmp_path, rule_file(value="round(van_ban_di, 400)"))
    assert said == (f"thu.yaml, dòng 7, tiêu chí 1.1: hàm round nhận số chữ số thập phân là một số nguyên viết sẵn "
                    f"từ 0 đến {MAX_DIGITS}: «round(van_ban_di, 400)»")


# --- Every key a name ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("inputs, said", [
    ("{1: A}", "khóa «1» phải là một tên (chuỗi chữ), YAML đọc nó là một số"),
    ("{1.5: A}", "khóa «1.5» phải là một tên (chuỗi chữ), YAML đọc nó là một số"),
    ("{yes: A}", "khóa «yes» phải là một tên (chuỗi chữ), YAML đọc nó là đúng/sai"),
    ("{~: A}", "khóa «~» phải là một tên (chuỗi chữ), YAML đọc nó là rỗng (null)"),
    ("{2024-01-01: A}", "khóa «2024-01-01» phải là một tên (chuỗi chữ), YAML đọc nó là một ngày"),
], ids=["so-nguyen", "so-thuc", "dung-sai", "rong", "ngay"])
def test_a_key_that_is_not_a_name_is_refused_with_its_line(inputs, said):
    assert refusal(rule_file(inputs=inputs)) == [f"thu.yaml, dòng 5: {said}"]


def test_keys_that_are_not_names_are_all_named_wherever_they_are():
    text = rule_file(parameters="parameters:\n  3: 1\n  p: {value: 1, false: x}\n",
                     scoring="{method: threshold, target: 1, 7: x}", inputs="{van_ban_di: A, null: B}")
    assert refusal(text) == ["thu.yaml, dòng 5: khóa «null» phải là một tên (chuỗi chữ), YAML đọc nó là rỗng (null)",
                             "thu.yaml, dòng 7: khóa «3» phải là một tên (chuỗi chữ), YAML đọc nó là một số",
                             "thu.yaml, dòng 8: khóa «false» phải là một tên (chuỗi chữ), YAML đọc nó là đúng/sai",
                             "thu.yaml, dòng 14: khóa «7» phải là một tên (chuỗi chữ), YAML đọc nó là một số"]


def test_every_command_refuses_a_key_that_is_not_a_name_alike(tmp_path):
    said = commands_refuse(tmp_path, rule_file(inputs="{1: A}"))
    assert said == "thu.yaml, dòng 5: khóa «1» phải là một tên (chuỗi chữ), YAML đọc nó là một số"


RESERVED = "bắt đầu bằng «__»: các tên này dành riêng cho chương trình, hãy đặt tên khác"


def test_a_key_starting_with_two_underscores_is_refused_with_its_line_never_dropped():
    """«__line__» is where a mapping's line is kept: an input so named was silently dropped."""
    text = rule_file(inputs="{van_ban_di: Văn bản đi, __line__: X}", scoring="{method: threshold, target: 1, __x: 1}")
    assert refusal(text) == [f"thu.yaml, dòng 5: khóa «__line__» {RESERVED}",
                             f"thu.yaml, dòng 11: khóa «__x» {RESERVED}"]


def test_a_case_file_key_starting_with_two_underscores_is_refused(tmp_path):
    from rules.cases import read_cases

    path = tmp_path / "thu.tests.yaml"
    path.write_text("- name: A\n  inputs: {van_ban_di: 1, __line__: 7}\n  expect: {total: 2}\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        read_cases(path)
    assert [str(p) for p in caught.value.problems] == [f"thu.tests.yaml, dòng 2: khóa «__line__» {RESERVED}"]


def test_every_command_refuses_a_key_starting_with_two_underscores_alike(tmp_path):
    said = commands_refuse(tmp_path, rule_file(inputs="{van_ban_di: Văn bản đi, __line__: X}"))
    assert said == f"thu.yaml, dòng 5: khóa «__line__» {RESERVED}"


# --- Every key once -----------------------------------------------------------------------------------------

def test_a_key_written_twice_in_one_mapping_is_refused_with_both_lines():
    text = rule_file(max_="2\n    max: 5", inputs="{van_ban_di: Văn bản đi, van_ban_di: Văn bản đến}")
    assert refusal("id: khac\n" + text) == [
        "thu.yaml, dòng 2: khóa «id» đã có ở dòng 1: mỗi khóa chỉ được khai báo một lần trong một bảng",
        "thu.yaml, dòng 6: khóa «van_ban_di» đã có ở dòng 6: mỗi khóa chỉ được khai báo một lần trong một bảng",
        "thu.yaml, dòng 11: khóa «max» đã có ở dòng 10: mỗi khóa chỉ được khai báo một lần trong một bảng"]


def test_a_merged_key_may_still_be_overridden_by_the_mapping_s_own():
    rs = parse(rule_file(max_="2\n    <<: {max: 5, unit: '%'}"), "thu.yaml")
    assert rs.leaves[0].max == 2 and rs.leaves[0].unit == "%"


@pytest.mark.parametrize("merged", ["{max: 1, max: 2}", "[{unit: '%'}, {max: 1, max: 2}]", "{<<: {max: 1, max: 2}}"],
                         ids=["bang", "danh-sach", "long-nhau"])
def test_a_key_written_twice_in_a_merged_mapping_is_refused(merged):
    """YAML keeps one of the two without a word, in a mapping merged with «<<» as in any other."""
    text = rule_file(max_=f"2\n    <<: {merged}")
    assert refusal(text) == [
        "thu.yaml, dòng 10: khóa «max» đã có ở dòng 10: mỗi khóa chỉ được khai báo một lần trong một bảng"]
    assert refusal(rule_file(max_="2\n    <<: {__line__: 1}")) == [f"thu.yaml, dòng 10: khóa «__line__» {RESERVED}"]


def test_a_mapping_merged_again_by_an_alias_is_not_taken_for_a_key_written_twice():
    text = rule_file(scoring="&s {<<: {method: threshold, target: 5}, target: 1}",
                     inputs="{van_ban_di: Văn bản đi, van_ban_den: Văn bản đến}") + (
        "  - {id: \"1.2\", title: Văn bản đến, max: 1, value: van_ban_den, reference: r, scoring: {<<: *s, target: 2}}\n")
    rs = parse(text, "thu.yaml")
    assert [(leaf.method, leaf.params["target"]) for leaf in rs.leaves] == [("threshold", 1), ("threshold", 2)]


@pytest.mark.parametrize("merged", ["[{max: 1}, {max: 5}]", "[{max: 1}, {<<: {max: 5}}]", "[{<<: [{max: 1}, {max: 5}]}]"],
                         ids=["hai-bang", "long-nhau", "trong-bang-gop"])
def test_a_key_two_merged_mappings_give_is_refused_with_both_lines(merged):
    """«<<: [*a, *b]» keeps the first one's «max» without a word, where a reader may take the last for the one kept."""
    text = rule_file(max_="2", scoring=f"{{method: threshold, target: 1}}\n    <<: {merged}").replace("    max: 2\n", "")
    assert refusal(text) == [
        "thu.yaml, dòng 11: khóa «max» có ở hai bảng gộp vào cùng một bảng bằng «<<» (dòng 11 và dòng 11): YAML lấy giá "
        "trị của bảng gộp trước mà không báo; hãy ghi khóa này ngay trong bảng, hoặc bỏ ở một trong hai bảng gộp"]
    if not merged.startswith("[{<<"):  # the mapping's own «max» decides; a merged mapping's two are its own slip
        assert parse(rule_file(max_=f"2\n    <<: {merged}"), "thu.yaml").leaves[0].max == 2


def test_every_command_refuses_a_key_written_twice_alike(tmp_path):
    said = commands_refuse(tmp_path, rule_file(max_="2\n    max: 5"))
    assert said == "thu.yaml, dòng 10: khóa «max» đã có ở dòng 9: mỗi khóa chỉ được khai báo một lần trong một bảng"


# --- Every value finite when scored ---------------------------------------------------------------------------

def test_a_value_past_a_float_s_range_is_no_data_and_says_why():
    """Inputs within the store's bound (1e15) multiplied 21 times go past 1e308: no figure, never full points."""
    import pandas as pd

    from rules.evaluate import evaluate

    power = " * ".join(["van_ban_di"] * 21)
    frame = pd.DataFrame({"van_ban_di": [1e15, -1e15, 2.0]}, index=["A", "B", "C"])
    for value, total in ((power, [0, 0, 2]), (f"{power} - {power}", [0, 0, 0])):
        result = evaluate(parse(rule_file(value=value), "thu.yaml"), frame)
        assert np.isnan(result.values["1.1"][:2]).all() and result.total.tolist() == total
        assert ("Văn bản đi không có số liệu (phép tính vượt quá giới hạn của số thực) → 0/2 điểm (KH thử, mục 3)"
                == result.explain("A")[0].sentence == result.explain("B")[0].sentence)


@pytest.mark.parametrize("value, said", [
    ("1e308 * 1e308", "phép tính trên các hằng số vượt quá giới hạn của số thực: «1e308 * 1e308»"),
    ("van_ban_di + 1e308 * 10", "phép tính trên các hằng số vượt quá giới hạn của số thực: «1e308 * 10»"),
    ("van_ban_di * (1 / 0)", "chia cho 0: «1 / 0»"),
    ("van_ban_di / (2 - 2)", "chia cho 0: «van_ban_di / (2 - 2)»"),
], ids=["tich-hang", "trong-tong", "hang-chia-0", "chia-hang-0"])
def test_arithmetic_on_numbers_alone_past_a_float_s_range_or_divided_by_zero_is_refused_where_written(tmp_path, value,
                                                                                                        said):
    """Its value is the same whatever the data: it would be no data for every unit, a slip of the rule file's."""
    assert commands_refuse(tmp_path, rule_file(value=value)) == f"thu.yaml, dòng 7, tiêu chí 1.1: {said}"


def test_numbers_alone_that_fit_are_kept_and_a_figure_divided_by_another_stays_no_data_when_it_is_zero():
    for value in ("van_ban_di * (100 / 4)", "van_ban_di / (van_ban_di - van_ban_di)", "1e300 * 1000 / 1e10"):
        parse(rule_file(value=value), "thu.yaml")


def test_a_leaf_reading_a_variable_computed_past_a_float_s_range_says_so_not_that_a_figure_is_missing():
    """The variable is no data as an input would be, but every figure was sent: the explanation says which it is."""
    import pandas as pd

    from rules.evaluate import evaluate

    power = " * ".join(["van_ban_di"] * 21)
    variables = (f"variables:\n  tich: {{label: Tích văn bản đi, formula: '{power}'}}\n"
                 "  tich_cong: {label: Tích cộng một, formula: tich + 1}\n")
    frame = pd.DataFrame({"van_ban_di": [1e15, np.nan]}, index=["A", "B"])
    for value in ("tich", "tich_cong"):
        result = evaluate(parse(rule_file(value=value, parameters=variables), "thu.yaml"), frame)
        label = "Tích văn bản đi" if value == "tich" else "Tích cộng một"
        assert result.explain("A")[0].sentence == (
            f"Văn bản đi không có số liệu (phép tính vượt quá giới hạn của số thực: {label}) → 0/2 điểm (KH thử, mục 3)")
        assert result.explain("B")[0].sentence == f"Văn bản đi không có số liệu ({label}) → 0/2 điểm (KH thử, mục 3)"


def test_a_title_or_reference_of_blanks_alone_is_refused(tmp_path):
    """«reference: "   "» had passed: a point explained with no basis."""
    text = rule_file().replace("reference: KH thử, mục 3", 'reference: "\u200b "').replace("title: Văn bản đi",
                                                                                             'title: " "')
    assert commands_refuse(tmp_path, text.replace("reference: QĐ thử", 'reference: ""')) == (
        "thu.yaml, dòng 1, reference: đang để trống "
        "thu.yaml, dòng 7, tiêu chí 1.1: «title» đang để trống "
        "thu.yaml, dòng 7, tiêu chí 1.1: tiêu chí lá cần «reference» (căn cứ)")


@pytest.mark.parametrize("sentence", ["Ghi chú {van_ban_di:>2000000}", "{van_ban_di!r}", "{van_ban_di[0]}"],
                         ids=["do-rong", "chuyen-doi", "chi-so"])
def test_a_sentence_naming_a_value_with_a_format_is_refused(tmp_path, sentence):
    """A width in a deviation's text made scoring 141 units take 1.4 GB and grew the store by 280 MB."""
    deviation = f'deviations:\n  - {{text: "{sentence}", reference: QĐ thử}}\n'
    said = commands_refuse(tmp_path, rule_file(classification=deviation))
    assert "«text»: giá trị chỉ được ghi là {tên}, không kèm định dạng hay chỉ số" in said


def test_a_sentence_naming_a_value_the_set_has_not_is_refused(tmp_path):
    """«{so_nom}» for «{so_nam}» had passed: the sentence shown to every unit as written, braces and all."""
    deviation = 'deviations:\n  - {text: "Tính trên {van_ban_den} văn bản", reference: QĐ thử}\n'
    assert commands_refuse(tmp_path, rule_file(classification=deviation)) == (
        "thu.yaml, dòng 14, deviations, mục 1: «text»: «{van_ban_den}» không phải tên một chỉ tiêu, tham số hay biến "
        "của bộ tiêu chí (giá trị ghi là {tên}; ngoặc nhọn thường ghi {{ và }})")
    title = NAMED.format(input="khac", parameter="p", variable="dat").replace("reason: r", "reason: 'còn {so_nom} năm'")
    assert refusal(title)[0] == ("thu.yaml, dòng 8, biến dat: «reason»: «{so_nom}» không phải tên một chỉ tiêu, tham số "
                                 "hay biến của bộ tiêu chí (giá trị ghi là {tên}; ngoặc nhọn thường ghi {{ và }})")
    assert parse(title.replace("so_nom", "so_nam"), "thu.yaml").variables[0].conditions[0].reason == "còn {so_nam} năm"


def test_a_long_chain_or_a_diamond_of_variables_is_explained_at_once():
    """A chain of 400 variables exhausted the stack when a unit lacked its figure (exit 3); a diamond of 48 took
    minutes, each variable asking again of both it reads."""
    import pandas as pd

    from rules.evaluate import evaluate

    chain = "".join(f"  a{k}: {{label: A{k}, formula: a{k - 1} + 1}}\n" for k in range(1, 401))
    diamond = "".join(f"  b{k}: {{label: B{k}, formula: b{k - 1} + c{k - 1}}}\n  c{k}: {{label: C{k}, formula: b{k - 1} - "
                      f"c{k - 1}}}\n" for k in range(1, 25))
    variables = ("variables:\n  a0: {label: A0, formula: van_ban_di}\n" + chain
                 + "  b0: {label: B0, formula: van_ban_di / 0.5}\n  c0: {label: C0, formula: van_ban_di}\n" + diamond)
    frame = pd.DataFrame({"van_ban_di": [float("nan")]}, index=["A"])
    for value in ("a400", "b24 + c24"):
        result = evaluate(parse(rule_file(value=value, parameters=variables), "thu.yaml"), frame)
        assert "không có số liệu" in result.explain("A")[0].sentence


def test_a_scale_of_too_many_steps_or_a_parameter_of_too_many_dated_values_is_refused_at_once(tmp_path):
    """A parameter of 1,600 dated values read by 1,600 steps took minutes to be refused, a line per day."""
    steps = ", ".join(f"{{points: 1, min: {k}}}" for k in range(60, 0, -1))
    said = commands_refuse(tmp_path, rule_file(scoring=f"{{method: bands, steps: [{steps}]}}"))
    assert said == "thu.yaml, dòng 11, tiêu chí 1.1: bảng mức có 60 mức, tối đa 50"
    values = "".join(f"      - {{from: {2000 + k}-01-01, value: {k}, reference: QĐ {k}}}\n" for k in range(60))
    said = commands_refuse(tmp_path, rule_file(scoring="{method: threshold, target: p}",
                                               parameters=f"parameters:\n  p:\n    values:\n{values}"))
    assert said == "thu.yaml, dòng 8, tham số p: tham số có 60 giá trị theo ngày, tối đa 50"


def test_a_part_over_its_whole_on_a_scale_past_one_is_refused(tmp_path):
    """«van_ban_ky_so / van_ban_di» (0 to 1) with «target: 100» passed: no unit could ever reach it."""
    from office.rulesets import checked
    from rules.ruleset import load

    inputs = "{van_ban_di: Văn bản đi, van_ban_ky_so: Văn bản ký số}"
    path = tmp_path / "thu.yaml"
    path.write_text(rule_file(value="van_ban_ky_so / van_ban_di", inputs=inputs,
                              scoring="{method: threshold, target: 100}"), encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        checked(load(path))
    assert [str(p) for p in caught.value.problems] == [
        "thu.yaml, dòng 7, tiêu chí 1.1: «van_ban_ky_so / van_ban_di» là một phần trên tổng (từ 0 đến 1) mà «target» là "
        "100: tỷ lệ phần trăm thì viết van_ban_ky_so / van_ban_di * 100"]
    path.write_text(rule_file(value="(van_ban_ky_so / van_ban_di)", inputs=inputs,
                              scoring="{method: bands, steps: [{points: 2, min: 90}, {points: 0}]}"), encoding="utf-8")
    with pytest.raises(RuleSetError):  # in brackets, on a scale of steps: the same
        checked(load(path))
    for value, scoring in (("van_ban_ky_so / van_ban_di", "{method: threshold, target: 0.9}"),
                           ("van_ban_ky_so / van_ban_di * 100", "{method: threshold, target: 90}")):
        path.write_text(rule_file(value=value, inputs=inputs, scoring=scoring), encoding="utf-8")
        checked(load(path))


def test_a_criterion_for_kinds_its_set_does_not_score_is_refused(tmp_path):
    """In a set of sở, a criterion for communes passed: its points counted in the set's total, no unit scored on it."""
    text = rule_file().replace("entity: unit\n", "entity: unit\napplies_to: [so_nganh]\n").replace(
        "    max: 2\n", "    max: 2\n    applies_to: [xa_phuong]\n")
    assert commands_refuse(tmp_path, text) == ("thu.yaml, dòng 8, tiêu chí 1.1: áp dụng cho xa_phuong mà bộ tiêu chí "
                                               "(hoặc tiêu chí cha) chỉ chấm so_nganh: không đơn vị nào được chấm")


def test_a_title_listed_in_a_set_of_points_does_not_switch_the_catalogue_check_off(tmp_path):
    """A misspelled input («van_ban_dii») passed once the set listed a title, and every unit scored «no data»."""
    from office.rulesets import checked
    from rules.ruleset import load

    title = "variables:\n  dat: {label: Đạt, all: [{when: van_ban_dii >= 0, reason: chưa đạt}]}\ntitles: [dat]\n"
    path = tmp_path / "thu.yaml"
    path.write_text(rule_file(value="van_ban_dii", inputs="{van_ban_dii: Văn bản đi}", parameters=title),
                    encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        checked(load(path))
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("thu.yaml, chỉ tiêu đầu vào van_ban_dii: «van_ban_dii» không có trong danh mục chỉ tiêu")


def test_labels_and_reasons_of_blanks_are_refused(tmp_path):
    """Labels of «   » on a parameter or a variable, and a title's reason of blanks, passed: words for people to read
    that say nothing."""
    variables = ('parameters:\n  p: {value: 1, label: "   "}\nvariables:\n  v: {label: "\\u200b", formula: van_ban_di}\n'
                 '  t: {label: Đạt, all: [{when: van_ban_di >= p, reason: " "}]}\ntitles: [t]\n')
    said = commands_refuse(tmp_path, rule_file(parameters=variables))
    assert "tham số p: «label» đang để trống" in said and "biến v: «label» đang để trống" in said
    assert "biến t: «reason»: đang để trống" in said


NAMED = "id: thu\ntitle: Thử\nreference: QĐ thử\nentity: person\ninputs: {{so_nam: Số năm, {input}: Khác}}\n" + \
    "parameters: {{{parameter}: 1}}\nvariables:\n  {variable}: {{label: Đạt, all: [{{when: so_nam >= 1, reason: r}}]}}\n" + \
    "titles: [dat]\n"


@pytest.mark.parametrize("where, names, said", [
    ("chỉ tiêu", ("'b c'", "p", "dat"), "không dùng được trong biểu thức"),
    ("tham số", ("khac", "'if'", "dat"), "không dùng được trong biểu thức"),
    ("chỉ tiêu", ("min", "p", "dat"), "trùng tên hàm của biểu thức"),
    ("chỉ tiêu", ("so_n\u0430m", "p", "dat"), "tên có «\u0430» (U+0430, ký tự thứ 5) trông như chữ"),
    ("tham số", ("khac", "p\u0435", "dat"), "tên có «\u0435» (U+0435, ký tự thứ 2) trông như chữ"),
    ("tham số", ("khac", "so_na\u0300m", "dat"), "dạng Unicode tổ hợp"),
], ids=["khoang-trang", "tu-khoa", "ten-ham", "kirin-chi-tieu", "kirin-tham-so", "nfd"])
def test_a_name_no_expression_reads_as_written_is_refused(where, names, said):
    """«so_nаm» (Cyrillic «а») beside «so_nam» were two inputs that read as one; «b c» or «if» one that no expression
    can read; «min» one read as the function where it is called. Unit sets had these refused by the indicator
    catalogue only, never their variables and parameters, nor a person set's inputs."""
    problems = refusal(NAMED.format(input=names[0], parameter=names[1], variable=names[2]))
    assert len(problems) == 1 and f", {where} " in problems[0] and said in problems[0], problems


def test_a_variable_that_looks_like_another_is_refused():
    text = NAMED.format(input="khac", parameter="p", variable="dat").replace(
        "titles:", "  d\u0430t: {label: Đạt, formula: '1'}\ntitles:")
    assert refusal(text) == ["thu.yaml, dòng 9, biến d\u0430t: tên có «\u0430» (U+0430, ký tự thứ 2) trông như chữ hoặc số "
                             "Latinh nhưng là ký tự khác: gõ lại bằng chữ, số Latinh"]
    assert parse(NAMED.format(input="tỷ_lệ", parameter="p", variable="dat"), "thu.yaml").inputs["tỷ_lệ"] == "Khác"
