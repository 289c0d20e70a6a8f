"""The year-end forecast where people read it: kept by the periodic report step, quoted by a unit's periodic
report; ``cchc forecast``; and ``cchc what-if --target-set``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cli_runner import cchc
from helpers import read_docx_text, scored
from office.errors import Refused
from office.forecasts import kept
from office.periodic import periodic
from office.whatif import goals_of
from rules.ruleset import find

RULES = find("qd766-2022")
LINE = re.compile(r"Theo số liệu lũy kế 6 tháng năm 2024, dự báo cả năm: \d+(–\d+)? điểm, hạng \d+(–\d+)? "
                  r"\(khoảng tin cậy 80%, ")


def _code(engine, name: str) -> str:
    from office.whatif import unit_names

    return next(code for code, n in unit_names(engine).items() if n == name)


def test_the_step_keeps_the_forecast_and_the_units_report_quotes_it(province, tmp_path):
    from office.year import periodic_report

    unit = _code(province, "Sở Xây dựng")
    before = read_docx_text(periodic(province, "2024-6T", unit, date(2024, 7, 1)), tmp_path / "truoc.docx")
    assert "dự báo cả năm" not in before  # nothing kept yet: the document computes nothing of its own
    periodic_report(province, tmp_path / "out", "2024-6T", date(2024, 6, 25))
    made = kept(province, RULES.id, "2024-6T", unit)
    assert made is not None and made.points_low <= made.points <= made.points_high
    assert made.rank_best <= made.rank <= made.rank_worst
    text = read_docx_text(periodic(province, "2024-6T", unit, date(2024, 7, 1)), tmp_path / "sau.docx")
    assert LINE.search(text), text[-2000:]
    assert made.brief() in text
    again = read_docx_text(periodic(province, "2024-6T", unit, date(2024, 7, 1)), tmp_path / "lai.docx")
    assert LINE.search(again).group(0) == LINE.search(text).group(0)  # the kept forecast, not a new draw


def test_a_year_end_report_keeps_no_forecast(province, tmp_path):
    from office.year import periodic_report

    periodic_report(province, tmp_path / "out", "2024-NAM", date(2024, 12, 25))
    assert kept(province, RULES.id, "2024-NAM", _code(province, "Sở Xây dựng")) is None


def test_cchc_forecast_prints_every_unit_or_one(province, tmp_path):
    db = Path(province.url.database)
    done = cchc("forecast", "--period", "6 tháng 2024", cwd=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if " — dự báo cả năm: " in line]
    assert len(lines) > 10 and any(line.startswith("Sở Xây dựng — dự báo cả năm: ") for line in lines)
    one = cchc("forecast", "--period", "6 tháng 2024", "--unit", _code(province, "Sở Xây dựng"), cwd=tmp_path, db=db)
    assert one.returncode == 0 and one.stdout.strip().startswith("Sở Xây dựng — dự báo cả năm: ")
    year = cchc("forecast", "--period", "Năm 2024", cwd=tmp_path, db=db)
    assert year.returncode == 1 and "dự báo cả năm đi từ một kỳ lũy kế" in year.stderr


# --- What-if from a target set ---------------------------------------------------------------------------


def test_the_units_targets_from_a_shipped_set():
    index = find("chi-so-cchc-so-nganh")
    goals = goals_of("skhcn-lai-chau-2024", "SKHCN", index, last_rank=7)
    assert goals == [("Chỉ số PAR INDEX từ 85 điểm trở lên", {"points": 85}),
                     ("Chỉ số PAR INDEX: thứ hạng giữ thứ hạng năm trước", {"rank": 7})]
    assert goals_of("skhcn-lai-chau-2024", "SKHCN", index) == goals[:1]  # no rank last year: none to keep


@pytest.mark.parametrize("path, unit, message", [
    ("skhcn-lai-chau-2024", "SXD", "bộ mục tiêu «skhcn-lai-chau-2024» là của đơn vị «SKHCN», không của «SXD»"),
    ("lai-chau-2023", "SXD", "bộ mục tiêu «lai-chau-2023» là mục tiêu của tỉnh, không của một đơn vị"),
    ("khong-co", "SXD", "không đọc được bộ mục tiêu «khong-co»"),
])
def test_a_set_that_is_not_the_units_is_refused(path, unit, message):
    with pytest.raises(Refused, match=re.escape(message)) as e:
        goals_of(path, unit, RULES)
    assert e.value.field == "--target-set"


def test_cchc_what_if_with_a_target_set(province, tmp_path):
    scored(province, find("chi-so-cchc-so-nganh"), 2024)
    db = Path(province.url.database)
    unit = _code(province, "Sở Xây dựng")
    targets = tmp_path / "muc-tieu.yaml"
    targets.write_text(f"""id: sxd-2024
title: Mục tiêu Chỉ số CCHC năm 2024 của Sở Xây dựng
reference: Kế hoạch CCHC năm 2024 của Sở Xây dựng
year: 2024
unit: {unit}
targets:
  - {{index: par_index, label: Chỉ số CCHC, unit: điểm, min: 80, rank: [1, 5]}}
""", encoding="utf-8")
    done = cchc("what-if", "--unit", unit, "--target-set", targets, "--period", "Năm 2024", "--ruleset",
                "chi-so-cchc-so-nganh", cwd=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Mục tiêu: Chỉ số CCHC từ 80 điểm trở lên" in out and "Mục tiêu: Chỉ số CCHC: thứ hạng 1–5" in out
    assert re.search(r"(Để đạt 80 điểm|đã đạt 80 điểm|không thể đạt 80 điểm)", out), out
    assert re.search(r"(Để đạt hạng 5|đã đạt hạng 5|không thể đạt hạng 5)", out), out
    other = cchc("what-if", "--unit", unit, "--target-set", "skhcn-lai-chau-2024", "--period", "Năm 2024",
                 cwd=tmp_path, db=db)
    assert other.returncode == 1 and "là của đơn vị «SKHCN»" in other.stderr
    both = cchc("what-if", "--unit", unit, "--target-set", targets, "--rank", "3", cwd=tmp_path, db=db)
    assert both.returncode == 2 and "không dùng cùng --rank" in both.stderr


def test_the_scorecard_carries_the_kept_forecast(province, tmp_path):
    from office.score_documents import scorecard
    from office.scores import stored
    from office.year import periodic_report

    unit = _code(province, "Sở Xây dựng")
    year = scored(province, RULES, 2024)
    issued = date(2025, 1, 15)
    assert "dự báo cả năm" not in read_docx_text(scorecard(province, year, unit, issued), tmp_path / "truoc.docx")
    periodic_report(province, tmp_path / "out", "2024-6T", date(2024, 6, 25))
    line = kept(province, RULES.id, "2024-6T", unit).sentence("6 tháng năm 2024")
    assert line.startswith("Theo số liệu lũy kế 6 tháng năm 2024, dự báo cả năm: ")
    # the year's scorecard: the latest forecast kept in the year, beside the result
    assert line in read_docx_text(scorecard(province, year, unit, issued), tmp_path / "nam.docx")
    # the 6 months' scorecard: the forecast kept from that period
    six = stored(province, RULES, "2024-6T")
    assert line in read_docx_text(scorecard(province, six, unit, issued), tmp_path / "6t.docx")


def test_every_units_forecast_line_read_at_once_is_each_ones(province, tmp_path):
    from office.forecasts import on_scorecard, on_scorecards
    from office.year import periodic_report

    periodic_report(province, tmp_path / "out", "2024-6T", date(2024, 6, 25))
    codes = sorted(_unit_codes(province)) + ["KHONG-CO"]
    for period in ("2024-NAM", "2024-6T", "2024-Q1", "2024-Q2"):
        lines = on_scorecards(province, RULES.id, period, codes)
        assert lines == {c: on_scorecard(province, RULES.id, period, c) for c in codes}
        assert any(lines.values()) == (period in ("2024-NAM", "2024-6T"))


def _unit_codes(engine) -> list[str]:
    from office.whatif import unit_names

    return list(unit_names(engine))
