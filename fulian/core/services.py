"""Changes to the shared tables: the holiday calendar."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .models import Holiday


@transaction.atomic
def holiday_set(*, actor, date: datetime.date, kind: str, name: str) -> Holiday:
    """Mark a day as a holiday or a make-up working day (one row per date)."""
    if actor is not None and not actor.has_perm("core.add_holiday"):
        raise PermissionDenied(_("您没有维护节假日的权限"))
    if kind not in Holiday.Kind.values:
        raise ValidationError(_("类型只能是“放假”或“调休上班”"))
    if not (name or "").strip():
        raise ValidationError(_("请填写名称，如“春节”"))
    with audit.acting_as(actor):
        holiday, _created = Holiday.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name.strip()}
        )
    return holiday


@transaction.atomic
def holiday_remove(*, actor, holiday: Holiday) -> None:
    if actor is not None and not actor.has_perm("core.delete_holiday"):
        raise PermissionDenied(_("您没有维护节假日的权限"))
    with audit.acting_as(actor):
        holiday.delete()
