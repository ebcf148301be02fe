"""Celery tasks: delivering one notification, and the periodic jobs under beat.

With no broker configured (development, tests) Celery runs these inline
(CELERY_TASK_ALWAYS_EAGER), retries included.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import periodic
from .backends import DeliveryError, get_sms_backend, scrub_phones, send_email
from .models import EXTERNAL_CHANNELS, FAILED, SENT, SKIPPED, Channel, Notification

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
REASON_LENGTH = 200


def _send_sms(notification: Notification) -> str:
    phone = (notification.recipient.mobile or "").strip()
    if not phone:
        return f"{SKIPPED}: no mobile"
    get_sms_backend().send(
        phone, notification.body, kind=notification.kind, params=notification.context
    )
    return SENT


def _send_email(notification: Notification) -> str:
    address = (notification.recipient.email or "").strip()
    if not address:
        return f"{SKIPPED}: no email"
    text = notification.body
    site = getattr(settings, "FULIAN_SITE_URL", "").rstrip("/")
    if site and notification.link:
        text += f"\n\n{site}{notification.link}"
    send_email(address, " ".join(notification.title.split()), text)
    return SENT


SENDERS = {Channel.SMS: _send_sms, Channel.EMAIL: _send_email}


def _reason(exc: Exception) -> str:
    return scrub_phones(str(exc) or type(exc).__name__)[:REASON_LENGTH]


def _done(state: str | None) -> bool:
    return bool(state) and (state == SENT or state.startswith(SKIPPED))


def _attempt(notification: Notification) -> list[str]:
    """Try every external channel not yet sent or skipped; the channels worth retrying."""
    delivery = dict(notification.delivery)
    retry = []
    for channel in notification.channels:
        if channel not in EXTERNAL_CHANNELS or _done(delivery.get(channel)):
            continue
        try:
            if not notification.recipient.is_active:
                state = f"{SKIPPED}: inactive user"
            else:
                state = SENDERS[channel](notification)
        except DeliveryError as exc:
            state = f"{FAILED}: {_reason(exc)}"
            retry.append(channel)
        except Exception as exc:
            # A provider SDK's own error or a misconfiguration: retrying will not help.
            # Logged without traceback, whose messages could carry the phone number.
            state = f"{FAILED}: {type(exc).__name__}: {_reason(exc)}"
        if state.startswith(FAILED):
            logger.warning("notification %s: %s %s", notification.pk, channel, state)
        delivery[channel] = state
        # Saved after each channel: a crash after the SMS went out must not resend it.
        Notification.objects.filter(pk=notification.pk).update(delivery=delivery)
    notification.delivery = delivery
    return retry


@shared_task(
    bind=True,
    name="fulian.notifications.tasks.deliver",
    autoretry_for=(DeliveryError,),
    max_retries=MAX_RETRIES,
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
)
def deliver(self, notification_id: int) -> dict[str, str]:
    """Send a notification's SMS and e-mail and record each channel's state.

    Idempotent: a channel already sent or skipped is not tried again, so a retry (or a
    task delivered twice by the broker) resends only what failed. A failure is
    recorded as "failed: reason" on every attempt; the last attempt keeps it instead
    of raising, so the row, not a task log, tells what happened.
    """
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:  # deleted with its recipient before the worker got to it
        return {}
    retry = _attempt(notification)
    if self.request.is_eager:
        # Inline (no broker), Celery's retry would raise Retry into the caller, since
        # eager exceptions propagate: retry here instead, at once, as many times.
        for _ in range(self.max_retries):
            if not retry:
                break
            retry = _attempt(notification)
    elif retry and self.request.retries < self.max_retries:
        raise DeliveryError(f"notification {notification.pk}: {', '.join(retry)} failed")
    return notification.delivery


@shared_task(name="fulian.notifications.tasks.run_periodic_jobs")
def run_periodic_jobs() -> dict[str, str]:
    """Every registered periodic job once (CELERY_BEAT_SCHEDULE runs this every 15 min)."""
    return {outcome.name: str(outcome) for outcome in periodic.run_jobs()}
