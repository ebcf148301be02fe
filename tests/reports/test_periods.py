"""Period ids: parsing and generation for every period type, ISO week-53 years included."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fulian.reports.periods import (
    PeriodType,
    iso_weeks_in,
    last_periods,
    parse,
    parts_of,
    period_containing,
    periods_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "normal"),
    [
        ("2026", PeriodType.YEARLY, D(2026, 1, 1), D(2026, 12, 31), "2026"),
        ("2026S1", PeriodType.HALF_YEARLY, D(2026, 1, 1), D(2026, 6, 30), "2026S1"),
        ("2026S2", PeriodType.HALF_YEARLY, D(2026, 7, 1), D(2026, 12, 31), "2026S2"),
        ("2026Q1", PeriodType.QUARTERLY, D(2026, 1, 1), D(2026, 3, 31), "2026Q1"),
        ("2026Q4", PeriodType.QUARTERLY, D(2026, 10, 1), D(2026, 12, 31), "2026Q4"),
        ("2026M03", PeriodType.MONTHLY, D(2026, 3, 1), D(2026, 3, 31), "2026M03"),
        ("2026M3", PeriodType.MONTHLY, D(2026, 3, 1), D(2026, 3, 31), "2026M03"),
        ("2024M02", PeriodType.MONTHLY, D(2024, 2, 1), D(2024, 2, 29), "2024M02"),
        ("2026W05", PeriodType.WEEKLY, D(2026, 1, 26), D(2026, 2, 1), "2026W05"),
        ("2026W5", PeriodType.WEEKLY, D(2026, 1, 26), D(2026, 2, 1), "2026W05"),
        ("2026W01", PeriodType.WEEKLY, D(2025, 12, 29), D(2026, 1, 4), "2026W01"),
        ("2026W53", PeriodType.WEEKLY, D(2026, 12, 28), D(2027, 1, 3), "2026W53"),
        ("2020W53", PeriodType.WEEKLY, D(2020, 12, 28), D(2021, 1, 3), "2020W53"),
        ("2026-03-05", PeriodType.DAILY, D(2026, 3, 5), D(2026, 3, 5), "2026-03-05"),
        ("2024-02-29", PeriodType.DAILY, D(2024, 2, 29), D(2024, 2, 29), "2024-02-29"),
    ],
)
def test_every_period_type_parses(text, kind, start, end, normal):
    period = parse(text)
    assert (period.type, period.start, period.end, period.id) == (kind, start, end, normal)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "26",
        "2026M13",
        "2026M00",
        "2026Q5",
        "2026S3",
        "2025W53",
        "2026W54",
        "2026W00",
        "2026-02-30",
        "2025-02-29",
        "2026m3x",
        "abcd",
        "0999",
    ],
)
def test_malformed_ids_are_refused_in_chinese(text):
    with pytest.raises(ValidationError) as error:
        parse(text)
    assert "无法识别的报告期" in error.value.messages[0]


def test_week_53_years():
    assert [y for y in range(2015, 2033) if iso_weeks_in(y) == 53] == [2015, 2020, 2026, 2032]


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (PeriodType.DAILY, D(2026, 10, 1), "2026-10-01"),
        (PeriodType.WEEKLY, D(2027, 1, 1), "2026W53"),
        (PeriodType.WEEKLY, D(2021, 1, 3), "2020W53"),
        (PeriodType.WEEKLY, D(2024, 12, 30), "2025W01"),
        (PeriodType.MONTHLY, D(2026, 12, 31), "2026M12"),
        (PeriodType.QUARTERLY, D(2026, 7, 1), "2026Q3"),
        (PeriodType.HALF_YEARLY, D(2026, 6, 30), "2026S1"),
        (PeriodType.YEARLY, D(2026, 11, 24), "2026"),
    ],
)
def test_the_period_holding_a_day(kind, day, expected):
    assert period_containing(kind, day).id == expected


def test_next_and_previous_cross_year_ends():
    assert parse("2026M12").next().id == "2027M01"
    assert parse("2026Q1").previous().id == "2025Q4"
    assert parse("2026W53").next().id == "2027W01"
    assert parse("2027W01").previous().id == "2026W53"
    assert parse("2026S2").next().id == "2027S1"
    assert parse("2026-12-31").next().id == "2027-01-01"


def test_generation_in_order():
    assert [p.id for p in periods_between(PeriodType.QUARTERLY, D(2025, 11, 1), D(2026, 4, 1))] == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
    ]
    weeks = last_periods(PeriodType.WEEKLY, 3, until=D(2027, 1, 10))  # a Sunday: 2027W01
    assert [p.id for p in weeks] == ["2026W52", "2026W53", "2027W01"]


def test_a_year_is_made_of_its_parts():
    year = parse("2026")
    assert len(parts_of(year, PeriodType.MONTHLY)) == 12
    assert [p.id for p in parts_of(year, PeriodType.QUARTERLY)][-1] == "2026Q4"
    assert len(parts_of(year, PeriodType.WEEKLY)) == 53  # weeks whose Thursday is in 2026
    assert len(parts_of(year, PeriodType.DAILY)) == 365
    with pytest.raises(ValidationError):
        parts_of(parse("2026M03"), PeriodType.YEARLY)


def test_labels_are_chinese():
    assert parse("2026M03").label == "2026年3月"
    assert parse("2026Q1").label == "2026年第1季度"
    assert parse("2026S2").label == "2026年下半年"
    assert parse("2026W05").label == "2026年第5周"
    assert parse("2026").label == "2026年"
