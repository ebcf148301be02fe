"""A form posted twice (double tap, back and resend) records one item, not two.

Each form carries a one-time token; the first post claims it in the cache (an atomic
``add``), a second post while the first runs is refused, and one after it finds the
item already made.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT = 24 * 3600
PENDING = "pending"


class FormToken:
    def __init__(self, kind: str, token: str | None):
        self.key = f"cases:form:{kind}:{token}" if token else None

    @staticmethod
    def new() -> str:
        return uuid.uuid4().hex

    def existing(self) -> int | None:
        value = cache.get(self.key) if self.key else None
        return value if isinstance(value, int) else None

    @contextmanager
    def claim(self):
        if self.key and not cache.add(self.key, PENDING, TIMEOUT):
            raise ValidationError(_("该表单正在提交或已经提交，请勿重复提交"))
        try:
            yield
        except BaseException:
            if self.key:
                cache.delete(self.key)
            raise

    def remember(self, pk: int) -> None:
        if self.key:
            cache.set(self.key, pk, TIMEOUT)
