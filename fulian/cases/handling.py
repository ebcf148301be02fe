"""Handling a case after the first reply: mediation, legal aid, referral, follow-up visits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import audit

from .models import (
    Case,
    ContactState,
    FollowUpVisit,
    LegalAid,
    LegalAidKind,
    MediationOutcome,
    MediationSession,
    Referral,
    ReferralAgency,
)
from .services import require_handler


def _check(actor, case: Case, day: datetime.date | None, label: str) -> None:
    require_handler(actor, case)
    if case.state == ContactState.CLOSED:
        raise ValidationError(_("该案件已办结，不能再登记办理情况"))
    if day is None:
        raise ValidationError({"day": [_("请填写%(label)s（YYYY-MM-DD）") % {"label": label}]})
    if day > timezone.localdate():
        raise ValidationError({"day": [_("%(label)s不能晚于今天") % {"label": label}]})


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


@transaction.atomic
def mediation_add(
    *, actor, case: Case, held_on, notes: str, outcome: str, place: str = "", participants: str = ""
) -> MediationSession:
    """家庭纠纷调解: one sitting and where it left the dispute."""
    _check(actor, case, held_on, _("调解日期"))
    if outcome not in MediationOutcome.values:
        raise ValidationError({"outcome": [_("请选择调解结果")]})
    notes = _required(notes, "notes", _("请填写调解情况"))
    with audit.acting_as(actor):
        return MediationSession.objects.create(
            case=case,
            recorded_by=actor,
            held_on=held_on,
            notes=notes,
            outcome=outcome,
            place=place.strip()[:100],
            participants=participants.strip()[:200],
        )


@transaction.atomic
def legal_aid_add(
    *, actor, case: Case, kind: str, given_on, provider: str = "", note: str = ""
) -> LegalAid:
    _check(actor, case, given_on, _("日期"))
    if kind not in LegalAidKind.values:
        raise ValidationError({"kind": [_("请选择援助方式")]})
    with audit.acting_as(actor):
        return LegalAid.objects.create(
            case=case,
            recorded_by=actor,
            kind=kind,
            given_on=given_on,
            provider=provider.strip()[:100],
            note=note.strip(),
        )


@transaction.atomic
def referral_add(
    *, actor, case: Case, agency: str, agency_name: str, referred_on, reason: str
) -> Referral:
    """转介 to police, court, civil affairs or a shelter; their outcome comes later."""
    _check(actor, case, referred_on, _("转介日期"))
    if agency not in ReferralAgency.values:
        raise ValidationError({"agency": [_("请选择转介单位类别")]})
    agency_name = _required(agency_name, "agency_name", _("请填写接收单位名称"))
    reason = _required(reason, "reason", _("请填写转介事由"))
    with audit.acting_as(actor):
        return Referral.objects.create(
            case=case,
            recorded_by=actor,
            agency=agency,
            agency_name=agency_name[:100],
            referred_on=referred_on,
            reason=reason,
        )


@transaction.atomic
def referral_outcome(*, actor, referral: Referral, outcome: str, outcome_on) -> Referral:
    _check(actor, referral.case, outcome_on, _("反馈日期"))
    if outcome_on < referral.referred_on:
        raise ValidationError({"day": [_("反馈日期不能早于转介日期")]})
    referral.outcome = _required(outcome, "outcome", _("请填写接收单位的办理结果"))
    referral.outcome_on = outcome_on
    with audit.acting_as(actor):
        referral.save(update_fields=["outcome", "outcome_on"])
    return referral


@transaction.atomic
def follow_up_add(*, actor, case: Case, visited_on, note: str) -> FollowUpVisit:
    require_handler(actor, case)
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationError({"day": [_("请填写回访日期（不能晚于今天）")]})
    note = _required(note, "note", _("请填写回访情况"))
    with audit.acting_as(actor):
        return FollowUpVisit.objects.create(
            case=case, recorded_by=actor, visited_on=visited_on, note=note
        )
