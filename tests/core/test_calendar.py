"""The Chinese working-day calendar: official 2026 days, and the table for later years."""

import datetime as dt

import pytest

from fulian.core import calendar, services
from fulian.core.models import Holiday

pytestmark = pytest.mark.django_db
D = dt.date

HOLIDAYS_2026 = [
    D(2026, 1, 1),
    D(2026, 1, 2),
    D(2026, 1, 3),  # 元旦
    *[D(2026, 2, d) for d in range(15, 24)],  # 春节 15–23
    D(2026, 4, 4),
    D(2026, 4, 5),
    D(2026, 4, 6),  # 清明
    *[D(2026, 5, d) for d in range(1, 6)],  # 劳动节 1–5
    D(2026, 6, 19),
    D(2026, 6, 20),
    D(2026, 6, 21),  # 端午
    D(2026, 9, 25),
    D(2026, 9, 26),
    D(2026, 9, 27),  # 中秋
    *[D(2026, 10, d) for d in range(1, 8)],  # 国庆 1–7
]
MAKE_UP_SATURDAYS_AND_SUNDAYS_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]


@pytest.mark.parametrize("day", HOLIDAYS_2026, ids=str)
def test_official_holidays_of_2026_are_days_off(day):
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize("day", MAKE_UP_SATURDAYS_AND_SUNDAYS_2026, ids=str)
def test_make_up_weekend_days_of_2026_are_working_days(day):
    assert day.weekday() >= 5
    assert calendar.is_working_day(day)


def test_ordinary_weekdays_and_weekends():
    assert calendar.is_working_day(D(2026, 3, 10))  # a Tuesday
    assert not calendar.is_working_day(D(2026, 3, 14))  # a Saturday


def test_add_working_days_crosses_the_spring_festival():
    friday = D(2026, 2, 13)
    assert calendar.add_working_days(friday, 1) == D(2026, 2, 14)  # make-up Saturday
    assert calendar.add_working_days(friday, 2) == D(2026, 2, 24)  # after the break
    assert calendar.add_working_days(friday, 0) == friday


def test_a_three_working_day_reply_from_the_eve_of_national_day():
    # Received on 2026-09-30: days 1..3 are 10-08, 10-09 and the make-up Saturday 10-10.
    assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_add_working_days_goes_backwards_for_negative_n():
    assert calendar.add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)


def test_working_days_between_counts_both_ends():
    assert calendar.working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == 5


def test_a_year_the_package_does_not_know_falls_back_to_weekdays():
    assert calendar.is_working_day(D(2027, 1, 1))  # a Friday, not yet in any table


def test_a_holiday_added_in_the_table_for_2027_is_a_day_off(user_named):
    admin = user_named("admin")
    services.holiday_set(actor=admin, date=D(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦")
    services.holiday_set(
        actor=admin, date=D(2027, 2, 7), kind=Holiday.Kind.WORKDAY, name="春节调休"
    )
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 2, 7))  # a Sunday made a working day
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_the_table_overrides_the_package_for_a_known_year(user_named):
    services.holiday_set(
        actor=user_named("admin"), date=D(2026, 3, 10), kind=Holiday.Kind.HOLIDAY, name="临时调整"
    )
    assert not calendar.is_working_day(D(2026, 3, 10))
    Holiday.objects.get(date=D(2026, 3, 10)).delete()
    assert calendar.is_working_day(D(2026, 3, 10))


def test_only_administrators_edit_the_holiday_table(user_named):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.holiday_set(
            actor=user_named("village_chair"),
            date=D(2027, 1, 1),
            kind=Holiday.Kind.HOLIDAY,
            name="元旦",
        )


def test_holiday_page_adds_a_day(client_for):
    client = client_for("admin")
    client.post("/holidays/add/", {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"})
    assert Holiday.objects.filter(date=D(2027, 10, 1), name="国庆节").exists()
    response = client.post(
        "/holidays/add/", {"date": "2027/10/02", "kind": "holiday", "name": "国庆节"}, follow=True
    )
    assert "YYYY-MM-DD" in response.content.decode()
