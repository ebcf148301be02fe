"""Reading notifications: a user only ever sees her own, whatever her role."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from fulian.accounts.models import User

from .models import Notification


def notifications_visible_to(*, viewer: User, unread_only: bool = False) -> QuerySet:
    """Her own notifications, newest first; nobody reads another's, not even a leader."""
    rows = Notification.objects.filter(recipient=viewer)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notification_get_for_viewer(*, viewer: User, notification_id) -> Notification:
    """Her notification, or 404 — another's answers exactly like a missing one."""
    try:
        return notifications_visible_to(viewer=viewer).get(pk=int(notification_id))
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unread_count(*, viewer: User) -> int:
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()
