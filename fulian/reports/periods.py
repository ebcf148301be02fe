"""Reporting periods with stable ids, as DHIS2 writes them.

=============  ============  =============================
period type    id            example
=============  ============  =============================
daily          YYYY-MM-DD    2026-03-05
weekly         YYYYWn        2026W5 or 2026W05 (ISO week)
monthly        YYYYMmm       2026M03
quarterly      YYYYQn        2026Q1
half-yearly    YYYYSn        2026S1
yearly         YYYY          2026
=============  ============  =============================

Weeks are ISO weeks (Monday first; week 1 holds the year's first Thursday), so a
week id's year can differ from the calendar year of its days (2026W53 ends on
2027-01-03). Ids are normalised with two-digit weeks and months (``2026W05``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PeriodType(models.TextChoices):
    DAILY = "daily", gettext_lazy("日报")
    WEEKLY = "weekly", gettext_lazy("周报")
    MONTHLY = "monthly", gettext_lazy("月报")
    QUARTERLY = "quarterly", gettext_lazy("季报")
    HALF_YEARLY = "half_yearly", gettext_lazy("半年报")
    YEARLY = "yearly", gettext_lazy("年报")


# Finer types first: a coarser period is made of whole periods of any finer type but weeks.
ORDER = [
    PeriodType.DAILY,
    PeriodType.WEEKLY,
    PeriodType.MONTHLY,
    PeriodType.QUARTERLY,
    PeriodType.HALF_YEARLY,
    PeriodType.YEARLY,
]

_PATTERNS = [
    (PeriodType.DAILY, re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    (PeriodType.WEEKLY, re.compile(r"^(\d{4})W(\d{1,2})$")),
    (PeriodType.MONTHLY, re.compile(r"^(\d{4})M(\d{1,2})$")),
    (PeriodType.QUARTERLY, re.compile(r"^(\d{4})Q([1-4])$")),
    (PeriodType.HALF_YEARLY, re.compile(r"^(\d{4})S([12])$")),
    (PeriodType.YEARLY, re.compile(r"^(\d{4})$")),
]


def iso_weeks_in(year: int) -> int:
    """52 or 53: the ISO week of 28 December is always the year's last."""
    return dt.date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    type: str
    id: str

    def __str__(self) -> str:
        return self.id

    @property
    def label(self) -> str:
        """The Chinese name of the period: 2026年3月, 2026年第1季度 …"""
        year = self.id[:4]
        if self.type == PeriodType.DAILY:
            return self.start.isoformat()
        if self.type == PeriodType.WEEKLY:
            return _("%(year)s年第%(n)s周") % {"year": year, "n": int(self.id[5:])}
        if self.type == PeriodType.MONTHLY:
            return _("%(year)s年%(n)s月") % {"year": year, "n": self.start.month}
        if self.type == PeriodType.QUARTERLY:
            return _("%(year)s年第%(n)s季度") % {"year": year, "n": self.id[-1]}
        if self.type == PeriodType.HALF_YEARLY:
            return (
                _("%(year)s年上半年") % {"year": year}
                if self.id.endswith("1")
                else _("%(year)s年下半年") % {"year": year}
            )
        return _("%(year)s年") % {"year": year}

    def next(self) -> Period:
        return period_containing(self.type, self.end + dt.timedelta(days=1))

    def previous(self) -> Period:
        return period_containing(self.type, self.start - dt.timedelta(days=1))

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _bad(period_id: str) -> ValidationError:
    return ValidationError(
        _("无法识别的报告期“%(id)s”，应为 2026、2026S1、2026Q1、2026M03、2026W05 或 2026-03-05")
        % {"id": period_id},
        code="bad_period",
    )


def parse(period_id: str) -> Period:
    """The period an id names; ``ValidationError`` for anything else (2026M13, 2025W53 …)."""
    text = (period_id or "").strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if year < 1900:
            raise _bad(period_id)
        number = int(match.group(2)) if kind != PeriodType.YEARLY else 0
        try:
            if kind == PeriodType.DAILY:
                day = dt.date(year, number, int(match.group(3)))
                return Period(day, day, kind, day.isoformat())
            if kind == PeriodType.WEEKLY:
                if not 1 <= number <= iso_weeks_in(year):
                    raise _bad(period_id)
                start = dt.date.fromisocalendar(year, number, 1)
                return Period(start, start + dt.timedelta(days=6), kind, f"{year}W{number:02d}")
            if kind == PeriodType.MONTHLY:
                start = dt.date(year, number, 1)
                return Period(start, _month_end(year, number), kind, f"{year}M{number:02d}")
            if kind == PeriodType.QUARTERLY:
                first = 3 * (number - 1) + 1
                start = dt.date(year, first, 1)
                return Period(start, _month_end(year, first + 2), kind, f"{year}Q{number}")
            if kind == PeriodType.HALF_YEARLY:
                first = 6 * (number - 1) + 1
                start = dt.date(year, first, 1)
                return Period(start, _month_end(year, first + 5), kind, f"{year}S{number}")
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), kind, str(year))
        except ValueError as error:
            raise _bad(period_id) from error
    raise _bad(period_id)


def period_containing(period_type: str, day: dt.date) -> Period:
    """The period of ``period_type`` that holds ``day``."""
    if period_type == PeriodType.DAILY:
        return parse(day.isoformat())
    if period_type == PeriodType.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return parse(f"{year}W{week:02d}")
    if period_type == PeriodType.MONTHLY:
        return parse(f"{day.year}M{day.month:02d}")
    if period_type == PeriodType.QUARTERLY:
        return parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    if period_type == PeriodType.HALF_YEARLY:
        return parse(f"{day.year}S{1 if day.month <= 6 else 2}")
    if period_type == PeriodType.YEARLY:
        return parse(str(day.year))
    raise ValueError(f"unknown period type {period_type!r}")


def periods_between(period_type: str, start: dt.date, end: dt.date) -> list[Period]:
    """Every period of the type that overlaps [start, end], in order."""
    result = []
    period = period_containing(period_type, start)
    while period.start <= end:
        result.append(period)
        period = period.next()
    return result


def last_periods(period_type: str, count: int, *, until: dt.date) -> list[Period]:
    """The ``count`` periods up to and including the one holding ``until``, oldest first."""
    period = period_containing(period_type, until)
    result = [period]
    while len(result) < count:
        period = period.previous()
        result.append(period)
    return list(reversed(result))


def parts_of(period: Period, finer_type: str) -> list[Period]:
    """The periods of ``finer_type`` a period is made of (a year → its 12 months).

    Weeks cross month and year boundaries, so weeks belong to the period their
    Thursday falls in (ISO's own rule for the year of a week)."""
    if finer_type == period.type:
        return [period]
    if finer_type == PeriodType.WEEKLY:
        first = period_containing(PeriodType.WEEKLY, period.start)
        weeks = []
        week = first
        while week.start <= period.end:
            thursday = week.start + dt.timedelta(days=3)
            if period.start <= thursday <= period.end:
                weeks.append(week)
            week = week.next()
        return weeks
    if ORDER.index(finer_type) > ORDER.index(period.type):
        raise ValidationError(
            _("%(fine)s的数据不能按更细的%(coarse)s汇总")
            % {"fine": PeriodType(period.type).label, "coarse": PeriodType(finer_type).label}
        )
    return periods_between(finer_type, period.start, period.end)
