from datetime import date

import pytest

from store.calendar import REPORTED, Period, KINDS_BY_CODE, parse_period, periods_of, reporting_year_of


@pytest.mark.parametrize("kind, start, end, due", [
    ("Q1", date(2023, 12, 15), date(2024, 3, 14), date(2024, 3, 20)),
    ("Q2", date(2024, 3, 15), date(2024, 6, 14), date(2024, 6, 20)),
    ("6T", date(2023, 12, 15), date(2024, 6, 14), date(2024, 6, 20)),
    ("Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20)),
    ("9T", date(2023, 12, 15), date(2024, 9, 14), date(2024, 9, 20)),
    ("Q4", date(2024, 9, 15), date(2024, 12, 14), date(2024, 12, 20)),
    ("NAM", date(2023, 12, 15), date(2024, 12, 14), date(2024, 12, 20)),
])
def test_windows_and_due_dates_follow_cv_581(kind, start, end, due):
    p = Period(2024, KINDS_BY_CODE[kind])
    assert (p.start, p.end, p.due) == (start, end, due)


def test_the_ministry_reports_are_q1_six_months_q3_and_year():
    assert REPORTED == ("Q1", "6T", "Q3", "NAM")


def test_periods_of_a_year_come_in_order_of_their_end():
    codes = [p.code for p in periods_of(2025)]
    assert codes == ["2025-Q1", "2025-Q2", "2025-6T", "2025-Q3", "2025-9T", "2025-Q4", "2025-NAM"]


@pytest.mark.parametrize("day, year", [
    (date(2024, 12, 14), 2024), (date(2024, 12, 15), 2025), (date(2024, 1, 1), 2024), (date(2023, 12, 31), 2024),
])
def test_the_15th_of_december_opens_the_next_reporting_year(day, year):
    assert reporting_year_of(day) == year
    assert Period(year, KINDS_BY_CODE["NAM"]).contains(day)


@pytest.mark.parametrize("text, code", [
    ("2024-Q1", "2024-Q1"), ("Quý I/2024", "2024-Q1"), ("quý iii năm 2024", "2024-Q3"), ("Quy 4/2024", "2024-Q4"),
    ("6 tháng 2024", "2024-6T"), ("9 tháng đầu năm 2020", "2020-9T"), ("Năm 2024", "2024-NAM"), ("2024-nam", "2024-NAM"),
    ("Quý I.2024", "2024-Q1"), ("Q2.2024", "2024-Q2"), ("2024Q1", "2024-Q1"), ("2024 Q3", "2024-Q3"),
    ("6 tháng đầu năm 2024", "2024-6T"), ("6 tháng - 2024", "2024-6T"), ("9 tháng năm 2024", "2024-9T"),
    # as offices write them too: a leading zero, «Quí», «Q.», a comma or a dash before «năm»
    ("06 tháng đầu năm 2024", "2024-6T"), ("09 tháng năm 2024", "2024-9T"), ("Quí I/2024", "2024-Q1"),
    ("Quý II, năm 2024", "2024-Q2"), ("Quý I - năm 2024", "2024-Q1"), ("Quý 01/2024", "2024-Q1"),
    ("Q.I/2024", "2024-Q1"), ("9 tháng, năm 2024", "2024-9T"),
])
def test_periods_are_read_as_people_write_them(text, code):
    assert parse_period(text).code == code


@pytest.mark.parametrize("text", ["Quý V/2024", "2024", "tháng 13", "", "Quý 05/2024", "Quý I/24", "12 tháng 2024"])
def test_an_unknown_period_is_refused_with_examples(text):
    with pytest.raises(ValueError, match="không nhận ra kỳ báo cáo"):
        parse_period(text)


def test_the_second_half_of_a_year_is_refused_with_the_quarters_it_means():
    with pytest.raises(ValueError, match="ghi theo Quý III và Quý IV"):
        parse_period("6 tháng cuối năm 2024")


def test_labels_are_vietnamese():
    assert Period(2024, KINDS_BY_CODE["NAM"]).label == "Năm 2024"
    assert Period(2024, KINDS_BY_CODE["Q3"]).label == "Quý III năm 2024"
