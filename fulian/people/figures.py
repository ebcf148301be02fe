"""Figures the people registry offers to reports (一数一源), counted from its records."""

from __future__ import annotations

import datetime as dt

from .models import Person, PersonStatus, PersonTag


def _active_people(org):
    return Person.objects.filter(org__path__startswith=org.path).exclude(status=PersonStatus.MERGED)


def registered(*, org, start: dt.date, end: dt.date) -> int:
    """People newly registered in the period, in the subtree."""
    return (
        _active_people(org).filter(created_at__date__gte=start, created_at__date__lte=end).count()
    )


def tagged(*, org, start: dt.date, end: dt.date, parameter: str) -> int:
    """People carrying a tag (e.g. 贫困母亲) on the period's last day, in the subtree."""
    return (
        PersonTag.objects.filter(
            tag__name=parameter,
            added_on__lte=end,
            person__org__path__startswith=org.path,
        )
        .exclude(person__status=PersonStatus.MERGED)
        .count()
    )
