"""预警排查: the risk register, screening visits by village chairs, escalation on a rise.

A rising risk level tells the town and county federations above the village (their
cadres and rights staff), so a family at high risk is never known only in the village.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import Position, User
from fulian.accounts.scope import require
from fulian.core import audit
from fulian.notifications.services import notify
from fulian.orgs.models import Org, OrgKind, decode_path

from .models import RiskEntry, RiskLevel, ScreeningVisit

ADD = "cases.add_riskentry"


def village_chairs_of(org: Org) -> list[User]:
    positions = Position.objects.current().filter(org=org, role__code="village_chair")
    return [p.user for p in positions.select_related("user")]


def _town_and_county(org: Org) -> list[Org]:
    ancestors = Org.objects.filter(
        pk__in=decode_path(org.path), kind__in=[OrgKind.TOWN, OrgKind.COUNTY]
    )
    return list(ancestors)


def _escalate(entry: RiskEntry, old: int, actor) -> list[User]:
    """Tell whoever handles cases at the town and county above."""
    orgs = _town_and_county(entry.org)
    positions = Position.objects.current().filter(
        Q(org__in=orgs) | Q(org__parent__in=orgs, org__kind=OrgKind.DEPARTMENT),
        role__permissions__codename="handle_case",
        role__permissions__content_type__app_label="cases",
    )
    people = sorted({p.user for p in positions.select_related("user")}, key=lambda u: u.pk)
    for person in people:
        notify(
            recipient=person,
            kind="risk_rising",
            link=f"/cases/risk/{entry.pk}/",
            context={
                "org": entry.org.name,
                "old": RiskLevel(old).label,
                "new": entry.get_risk_level_display(),
            },
            channels=("app", "sms"),
        )
    audit.record_action(
        "risk_escalated", entry, detail={"old": old, "new": entry.risk_level}, actor=actor
    )
    return people


def _schedule(entry: RiskEntry, after: datetime.date) -> ScreeningVisit | None:
    chairs = village_chairs_of(entry.org)
    if not chairs or not entry.is_active:
        return None
    return ScreeningVisit.objects.create(
        entry=entry,
        assignee=chairs[0],
        due_on=after + datetime.timedelta(days=entry.screening_every_days),
    )


@transaction.atomic
def risk_entry_create(
    *,
    actor,
    org: Org,
    household: str,
    situation: str,
    risk_level: int,
    screening_every_days: int = 30,
    person=None,
) -> RiskEntry:
    """Put a family on the register; the village chair gets the first screening visit."""
    require(actor, ADD, org)
    if org.kind != OrgKind.VILLAGE:
        raise ValidationError({"org": [_("风险排查对象须登记到村（社区）")]})
    if not (household or "").strip() or not (situation or "").strip():
        raise ValidationError(_("请填写家庭（对象）和风险情形"))
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": [_("请选择风险等级")]})
    if not 1 <= int(screening_every_days) <= 365:
        raise ValidationError({"screening_every_days": [_("排查周期应在1至365天之间")]})
    with audit.acting_as(actor):
        entry = RiskEntry.objects.create(
            org=org,
            household=household.strip(),
            situation=situation.strip(),
            risk_level=risk_level,
            screening_every_days=screening_every_days,
            person=person,
            created_by=actor,
        )
        _schedule(
            entry, timezone.localdate() - datetime.timedelta(days=entry.screening_every_days - 7)
        )
        if risk_level >= RiskLevel.HIGH:
            _escalate(entry, RiskLevel.LOW, actor)
    return entry


@transaction.atomic
def screening_visit_record(
    *, actor, visit: ScreeningVisit, done_on, risk_level: int, note: str
) -> ScreeningVisit:
    """The village chair records her visit; a higher level goes up to town and county."""
    if visit.assignee_id != actor.pk:
        raise PermissionDenied(_("这次排查不是分配给您的"))
    if visit.done_on:
        raise ValidationError(_("这次排查已经登记过了"))
    if done_on is None or done_on > timezone.localdate():
        raise ValidationError({"done_on": [_("请填写排查日期（不能晚于今天）")]})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": [_("请选择排查后的风险等级")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写排查情况")]})
    entry = visit.entry
    with audit.acting_as(actor):
        visit.done_on = done_on
        visit.risk_level_found = risk_level
        visit.note = note.strip()
        visit.save(update_fields=["done_on", "risk_level_found", "note"])
        old = entry.risk_level
        if risk_level != old:
            entry.risk_level = risk_level
            entry.save(update_fields=["risk_level"])
        if risk_level > old:
            _escalate(entry, old, actor)
        _schedule(entry, done_on)
    return visit
