"""Delivery backends: SMS through a pluggable backend, e-mail through Django's mail.

``settings.FULIAN_SMS_BACKEND`` (env ``FULIAN_SMS_BACKEND``) names the SMS backend
class; the default writes each message to the console with the phone masked.
E-mail goes through ``django.core.mail.send_mail``, so ``EMAIL_BACKEND`` (env
``FULIAN_EMAIL_BACKEND``) and the ``EMAIL_HOST``… settings choose how it leaves.

Plugging in a provider (阿里云短信, 腾讯云短信)
---------------------------------------------
Write a subclass of ``SmsBackend`` in the deployment's own package and point
``FULIAN_SMS_BACKEND`` at it::

    class AliyunSmsBackend(SmsBackend):
        def __init__(self):
            self.client = Dysmsapi20170525Client(...)   # AccessKey from the environment

        def send(self, phone, text, *, kind="", params=None):
            code = settings.ALIYUN_SMS_TEMPLATES.get(kind)  # kind → approved 模板代码
            try:
                reply = self.client.send_sms(SendSmsRequest(
                    phone_numbers=phone, sign_name="某某市妇联",
                    template_code=code, template_param=json.dumps(params or {})))
            except TeaException as exc:
                raise DeliveryError(exc.message) from exc
            if reply.body.code != "OK":
                raise DeliveryError(reply.body.message)

Chinese providers only send text from a template approved in advance (模板) under an
approved signature (签名), so a backend receives the notification's ``kind`` and the
template fields (``params``) beside the rendered ``text``: it maps each kind to its
approved template code and passes the fields. Tencent Cloud's ``SendSms`` takes a
template id and an ordered parameter list the same way.

The contract: ``send`` returns when the provider has accepted the message and raises
``DeliveryError`` (with a reason a person can read) when it has not; the task retries
those. A backend never logs a full phone number (``fulian.core.masking.mask_phone``).
"""

from __future__ import annotations

import logging
import re
import smtplib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.conf import settings
from django.core.mail import BadHeaderError, send_mail
from django.utils.module_loading import import_string

from fulian.core.masking import mask_phone

logger = logging.getLogger(__name__)

DEFAULT_SMS_BACKEND = "fulian.notifications.backends.ConsoleSmsBackend"

# Mainland mobile numbers (optionally +86-prefixed) inside free text such as a
# provider's error message, which must not reach a log or the delivery state unmasked.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")


class DeliveryError(Exception):
    """A channel refused or failed to take a message; worth retrying later."""


def scrub_phones(text: str) -> str:
    """``text`` with every mobile number in it masked (138****5678)."""
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)[-11:]), text)


class SmsBackend:
    """Sends one text message; subclasses talk to a provider."""

    def send(
        self, phone: str, text: str, *, kind: str = "", params: Mapping[str, Any] | None = None
    ) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Development: prints "[SMS] 138****5678: text" instead of sending."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, phone, text, *, kind="", params=None):
        line = f"[SMS] {mask_phone(phone)}: {text}"
        stream = self.stream or sys.stdout  # looked up late so that tests can capture it
        stream.write(line + "\n")
        stream.flush()
        logger.info(line)


@dataclass
class SmsMessage:
    phone: str
    text: str
    kind: str = ""
    params: dict[str, Any] = field(default_factory=dict)


# The locmem backend's outbox, like django.core.mail.outbox: tests read and clear it.
outbox: list[SmsMessage] = []


class LocmemSmsBackend(SmsBackend):
    """Tests: keeps every message in ``backends.outbox``."""

    def send(self, phone, text, *, kind="", params=None):
        outbox.append(SmsMessage(phone=phone, text=text, kind=kind, params=dict(params or {})))


def get_sms_backend() -> SmsBackend:
    path = getattr(settings, "FULIAN_SMS_BACKEND", "") or DEFAULT_SMS_BACKEND
    return import_string(path)()


def send_email(address: str, subject: str, text: str) -> None:
    """One plain-text e-mail from DEFAULT_FROM_EMAIL; failures become DeliveryError."""
    try:
        send_mail(subject, text, None, [address], fail_silently=False)
    except (smtplib.SMTPException, OSError, BadHeaderError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
