"""Reads of the audit trail and the holiday table."""

from django.db.models import QuerySet

from fulian.accounts.scope import filter_queryset

from .models import AuditEvent, Holiday


def audit_events_visible_to(*, viewer) -> QuerySet[AuditEvent]:
    """Audit rows of the orgs in the auditor's scope (rows with no org: only 'all' scope)."""
    return filter_queryset(AuditEvent.objects.all(), viewer, "core.view_auditevent")


def holidays_for_year(year: int) -> QuerySet[Holiday]:
    return Holiday.objects.filter(date__year=year)
