"""Writing notifications: create the in-app row now, send the rest after commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from fulian.accounts.models import User

from . import messages
from .models import EXTERNAL_CHANNELS, PENDING, Channel, Notification

TITLE_LENGTH = Notification._meta.get_field("title").max_length
LINK_LENGTH = Notification._meta.get_field("link").max_length


def is_safe_link(link: str) -> bool:
    """A path on this site ("/inbox/…"); never another host, scheme or "//host"."""
    return (
        bool(link)
        and link.startswith("/")
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    )


def _channels(channels: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(str(c) for c in channels))  # caller's order, no repeats
    unknown = [c for c in wanted if c not in Channel.values]
    if unknown:
        raise ValueError(f"unknown notification channel(s): {', '.join(unknown)}")
    return wanted


def _build(
    recipient: User, kind: str, context: Mapping[str, Any], link: str, channels: list[str]
) -> Notification:
    if link and not is_safe_link(link):
        # The link becomes a redirect target: only paths on this site may be stored.
        raise ValueError(f"notification link must be a relative path, not {link!r}")
    if len(link) > LINK_LENGTH:
        raise ValueError(f"notification link is longer than {LINK_LENGTH} characters")
    title, body = messages.render(kind, context)
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1] + "…"  # a long subject must not lose the message
    return Notification(
        recipient=recipient,
        kind=kind,
        title=title,
        body=body,
        link=link,
        context={key: str(value) for key, value in context.items()},
        channels=channels,
        delivery={c: PENDING for c in channels if c in EXTERNAL_CHANNELS},
    )


def _queue_delivery(notification_ids: list[int]) -> None:
    from . import tasks

    for pk in notification_ids:
        tasks.deliver.delay(pk)


def _after_commit(rows: list[Notification]) -> None:
    ids = [row.pk for row in rows if row.delivery]
    if ids:
        # After commit, so a rolled-back action sends nothing; robust, so a broker that
        # is down (or a failing inline task) cannot turn the committed action into a 500.
        # Rows left "pending" show what was never handed over.
        transaction.on_commit(lambda: _queue_delivery(ids), robust=True)


def notify(
    *,
    recipient: User,
    kind: str,
    context: Mapping[str, Any] | None = None,
    link: str = "",
    channels: Iterable[str] = (Channel.APP,),
) -> Notification:
    """Store the in-app message now; SMS and e-mail go out only if the caller commits."""
    notification = _build(recipient, kind, context or {}, link, _channels(channels))
    notification.save()
    _after_commit([notification])
    return notification


@transaction.atomic
def notify_many(
    recipients: Iterable[User],
    *,
    kind: str,
    context: Mapping[str, Any] | None = None,
    link: str = "",
    channels: Iterable[str] = (Channel.APP,),
) -> list[Notification]:
    """The same message to many people, written in batches (a circular to every village)."""
    wanted = _channels(channels)
    unique = {user.pk: user for user in recipients}.values()
    rows = [_build(user, kind, context or {}, link, wanted) for user in unique]
    created = Notification.objects.bulk_create(rows, batch_size=500)
    if any(row.pk is None for row in created):  # a backend that cannot return ids
        raise RuntimeError("bulk_create returned no primary keys")
    _after_commit(created)
    return created


def mark_read(*, actor: User, notification: Notification) -> Notification:
    """Only the recipient reads her notification; reading twice keeps the first time."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("这条通知不是您的"))
    if notification.read_at is None:
        now = timezone.now()
        # Conditional, so two tabs opening it at once record one reading time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
