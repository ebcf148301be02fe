"""来电来函来访 to the office, on the same first-contact rule as a rights case."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import audit
from fulian.people.validation import validate_phone
from fulian.workflow.definitions import department_of

from . import first_contact
from .models import Channel, ContactState, Enquiry

HANDLE = "handle_enquiry"


@transaction.atomic
def enquiry_receive(
    *,
    actor,
    channel: str,
    title: str,
    caller_name: str,
    summary: str,
    caller_phone: str = "",
    received_on: datetime.date | None = None,
    answer_now: str = "",
) -> Enquiry:
    """首问: she who takes the call or letter is responsible for the reply."""
    org = first_contact.handling_org_of(actor, HANDLE)
    if org is None:
        raise PermissionDenied(_("您没有受理来电来函来访的岗位"))
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("请选择来源渠道")]
    for field, value, message in (
        ("title", title, _("请填写事由")),
        ("caller_name", caller_name, _("请填写来访（来电）人")),
        ("summary", summary, _("请填写诉求内容")),
    ):
        if not (value or "").strip():
            errors[field] = [message]
    phone = ""
    if caller_phone:
        try:
            phone = validate_phone(caller_phone)
        except ValidationError as exc:
            errors["caller_phone"] = exc.messages
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        errors["received_on"] = [_("受理日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    with audit.acting_as(actor):
        enquiry = Enquiry.objects.create(
            org=org,
            department=department_of(actor),
            channel=channel,
            title=title.strip()[:100],
            caller_name=caller_name.strip(),
            caller_phone=phone,
            summary=summary.strip(),
            received_on=received_on,
            received_by=actor,
            responsible=actor,
            reply_due=first_contact.reply_due_for(received_on),
        )
        first_contact.start(
            actor=actor, subject=enquiry, title=_("来电来函来访：%(t)s") % {"t": enquiry.title}
        )
        if answer_now.strip():
            first_contact.reply(
                actor=actor, subject=enquiry, text=answer_now, final_state=ContactState.CLOSED
            )
            enquiry.answered_at_once = True
            enquiry.save(update_fields=["answered_at_once"])
    return enquiry


@transaction.atomic
def enquiry_reply(*, actor, enquiry: Enquiry, text: str) -> Enquiry:
    with audit.acting_as(actor):
        first_contact.reply(
            actor=actor, subject=enquiry, text=text, final_state=ContactState.CLOSED
        )
    return enquiry


@transaction.atomic
def enquiry_extend(*, actor, enquiry: Enquiry, reason: str) -> Enquiry:
    with audit.acting_as(actor):
        first_contact.extend(actor=actor, subject=enquiry, reason=reason)
    return enquiry


@transaction.atomic
def enquiry_transfer(*, actor, enquiry: Enquiry, to, reason: str) -> Enquiry:
    with audit.acting_as(actor):
        first_contact.transfer(actor=actor, subject=enquiry, to=to, reason=reason)
    enquiry.refresh_from_db()
    return enquiry
