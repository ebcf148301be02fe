"""Figures the org tree offers to reports (一数一源): organisations counted, not typed."""

from __future__ import annotations

import datetime as dt

from .models import Org, OrgStatus


def federations(*, org, start: dt.date, end: dt.date, parameter: str) -> int:
    """Active orgs of a kind (``parameter``: town, village …) that have a federation."""
    return Org.objects.filter(
        path__startswith=org.path,
        kind=parameter,
        status=OrgStatus.ACTIVE,
        has_federation=True,
        created_at__date__lte=end,
    ).count()


def units(*, org, start: dt.date, end: dt.date, parameter: str) -> int:
    """Active administrative units of a kind, with or without a federation."""
    return Org.objects.filter(
        path__startswith=org.path,
        kind=parameter,
        status=OrgStatus.ACTIVE,
        created_at__date__lte=end,
    ).count()
