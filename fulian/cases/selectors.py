"""Reading cases: always through the confidential scope (``Case.scope_filter``).

A case outside it is a 404 like a missing one; counts, search and exports start from
the same queryset, so a case she may not open is never counted or found either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fulian.accounts.scope import filter_queryset
from fulian.core.models import AuditEvent
from fulian.people.services import id_number_hash, phone_hash
from fulian.people.validation import normalise_id_number
from fulian.workflow.models import TaskLog

from .models import (
    Case,
    CaseAccess,
    Category,
    Enquiry,
    RiskEntry,
    ScreeningVisit,
    Transfer,
    TransferState,
)

VIEW = "cases.view_case"


def cases_visible_to(*, viewer) -> QuerySet[Case]:
    return filter_queryset(
        Case.objects.select_related("category", "org", "responsible", "area"), viewer, VIEW
    )


def case_get_for_viewer(*, viewer, case_id) -> Case:
    try:
        return cases_visible_to(viewer=viewer).get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def cases_search(*, viewer, text: str) -> QuerySet[Case]:
    """By case number, or exactly by her phone or ID number (blind index, never LIKE)."""
    cases = cases_visible_to(viewer=viewer)
    text = (text or "").strip()
    if not text:
        return cases
    if re.fullmatch(r"\d{17}[\dXx]", text):
        return cases.filter(woman__id_number_hash=id_number_hash(normalise_id_number(text)))
    if re.fullmatch(r"1\d{10}", text):
        return cases.filter(phone_hash=phone_hash(text))
    return cases.filter(number__icontains=text)


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def case_viewers(*, case: Case) -> QuerySet[AuditEvent]:
    """谁看过: every logged view of the case, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        action=AuditEvent.Action.VIEW,
    ).order_by("-at")


def case_accesses(*, case: Case) -> QuerySet[CaseAccess]:
    return case.accesses.select_related("user", "granted_by").order_by("-started_at")


def pending_transfer_for(*, viewer, case: Case) -> Transfer | None:
    return case.transfers.filter(state=TransferState.PENDING, to_user=viewer).last()


# The engine's generic words, said the first-contact way.
PROCESS_WORDS = {
    "submit": _("受理（首问负责）"),
    "claim": _("认领，成为第一责任人"),
    "approve": _("完成答复"),
    "transfer": _("转办"),
    "escalate": _("上报督办"),
    "remind": _("到期提醒"),
}


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    actor: str = ""
    detail: str = ""


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """Every step of the case, oldest first: intake, responsibility, handling, closure."""
    from django.utils import timezone

    def at(day) -> datetime:
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))

    entries = []
    if case.process_id:
        for log in TaskLog.objects.filter(instance_id=case.process_id).select_related("actor"):
            entries.append(
                TimelineEntry(
                    log.at,
                    "process",
                    str(PROCESS_WORDS.get(log.action, log.get_action_display())),
                    log.actor.display_name if log.actor else "",
                    log.comment,
                )
            )
    if case.extended_at:
        entries.append(
            TimelineEntry(case.extended_at, "extend", str(_("延期答复")), "", case.extension_reason)
        )
    if case.replied_at:
        entries.append(TimelineEntry(case.replied_at, "reply", str(_("答复")), "", case.reply))
    for t in case.transfers.select_related("from_user", "to_user", "to_org"):
        entries.append(
            TimelineEntry(
                t.at,
                "transfer",
                _("转办 → %(to)s（%(org)s）· %(state)s")
                % {
                    "to": t.to_user.display_name,
                    "org": t.to_org.name,
                    "state": t.get_state_display(),
                },
                t.from_user.display_name,
                t.decision_note or t.reason,
            )
        )
    for m in case.mediation_sessions.select_related("recorded_by"):
        entries.append(
            TimelineEntry(
                at(m.held_on),
                "mediation",
                _("调解 · %(o)s") % {"o": m.get_outcome_display()},
                m.recorded_by.display_name,
                m.notes,
            )
        )
    for a in case.legal_aids.select_related("recorded_by"):
        entries.append(
            TimelineEntry(
                at(a.given_on),
                "legal_aid",
                _("法律援助 · %(k)s") % {"k": a.get_kind_display()},
                a.recorded_by.display_name,
                a.note,
            )
        )
    for r in case.referrals.select_related("recorded_by"):
        entries.append(
            TimelineEntry(
                at(r.referred_on),
                "referral",
                _("转介 %(a)s") % {"a": r.agency_name},
                r.recorded_by.display_name,
                r.reason,
            )
        )
        if r.outcome_on:
            entries.append(
                TimelineEntry(
                    at(r.outcome_on),
                    "referral",
                    _("%(a)s 反馈") % {"a": r.agency_name},
                    "",
                    r.outcome,
                )
            )
    for f in case.follow_ups.select_related("recorded_by"):
        entries.append(
            TimelineEntry(
                at(f.visited_on), "follow_up", str(_("回访")), f.recorded_by.display_name, f.note
            )
        )
    if case.closed_at and not case.answered_at_once:
        entries.append(
            TimelineEntry(
                case.closed_at,
                "close",
                _("办结 · %(s)s") % {"s": case.get_satisfaction_display() or ""},
                "",
                case.closure_note,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def cases_for_person(person, viewer) -> dict | None:
    """The person page's section: her cases the viewer may open (as the woman or a party)."""
    cases = list(
        cases_visible_to(viewer=viewer)
        .filter(Q(woman=person) | Q(parties__person=person))
        .distinct()[:20]
    )
    if not cases:
        return None
    return {"cases": cases}


def enquiries_visible_to(*, viewer) -> QuerySet[Enquiry]:
    return filter_queryset(
        Enquiry.objects.select_related("org", "responsible"), viewer, "cases.view_enquiry"
    )


def enquiry_get_for_viewer(*, viewer, enquiry_id) -> Enquiry:
    try:
        return enquiries_visible_to(viewer=viewer).get(pk=int(enquiry_id))
    except (Enquiry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def risk_entries_visible_to(*, viewer) -> QuerySet[RiskEntry]:
    return filter_queryset(
        RiskEntry.objects.select_related("org", "person"), viewer, "cases.view_riskentry"
    )


def risk_entry_get_for_viewer(*, viewer, entry_id) -> RiskEntry:
    try:
        return risk_entries_visible_to(viewer=viewer).get(pk=int(entry_id))
    except (RiskEntry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def screening_visits_for(*, viewer) -> QuerySet[ScreeningVisit]:
    """Her own screening visits still to do, soonest first."""
    return ScreeningVisit.objects.filter(assignee=viewer, done_on__isnull=True).select_related(
        "entry", "entry__org"
    )
