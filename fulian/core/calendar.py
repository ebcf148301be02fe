"""The Chinese working-day calendar.

The official holidays and make-up working days (调休) come from the chinese-calendar
package for the years it knows; the ``Holiday`` table overrides it and carries the
years the package does not know yet (an administrator enters each year's State
Council notice). Outside both, Monday–Friday are working days.
"""

from __future__ import annotations

import datetime

import chinese_calendar
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Holiday

_VERSION_KEY = "calendar:version"


def _overrides_for_year(year: int) -> dict[datetime.date, bool]:
    """{date: is_working_day} from the Holiday table, cached until the table changes."""
    version = cache.get_or_set(_VERSION_KEY, 1, timeout=None)
    key = f"calendar:{version}:{year}"
    overrides = cache.get(key)
    if overrides is None:
        rows = Holiday.objects.filter(date__year=year).values_list("date", "kind")
        overrides = {day: kind == Holiday.Kind.WORKDAY for day, kind in rows}
        cache.set(key, overrides, timeout=3600)
    return overrides


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="calendar-invalidate")
def _invalidate(**kwargs) -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


def is_working_day(day: datetime.date) -> bool:
    """True if ``day`` is a working day on the Chinese official calendar."""
    override = _overrides_for_year(day.year).get(day)
    if override is not None:
        return override
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # A year the package does not know and the table does not cover.
        return day.weekday() < 5


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (before it when n is negative; start for 0)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """How many working days lie in [first, last], both included."""
    if last < first:
        return 0
    days = (last - first).days + 1
    return sum(is_working_day(first + datetime.timedelta(days=i)) for i in range(days))


def known_official_years() -> range:
    """Years the bundled chinese-calendar package has official data for."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)
