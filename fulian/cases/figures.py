"""维权统计: the figures the page shows and the reporting module computes.

``case_figures`` counts what the viewer may see (the confidential scope); the report
sources count an org's subtree without a viewer (the reports app decides who sees).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from fulian.accounts.models import User
from fulian.workflow.deadlines import overdue_counts_by_person
from fulian.workflow.models import Task

from .models import Case, Channel, Enquiry, LegalAid, MediationSession
from .selectors import cases_visible_to


def on_time_rate(cases: QuerySet[Case]) -> Decimal | None:
    """Replies given by their due date / replies given, as a percentage."""
    replied = cases.filter(replied_at__isnull=False)
    total = replied.count()
    if not total:
        return None
    on_time = replied.filter(replied_at__date__lte=F("reply_due")).count()
    return (Decimal(on_time) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _counts(cases: QuerySet, field: str) -> list[dict]:
    return list(cases.values(field).annotate(n=Count("id")).order_by("-n", field))


def overdue_by_person(cases: QuerySet[Case]) -> list[tuple[User, int]]:
    """责任追究: overdue replies counted against whoever held the task when it lapsed."""
    tasks = Task.objects.filter(instance_id__in=cases.exclude(process=None).values("process_id"))
    counts = overdue_counts_by_person(tasks)
    users = User.objects.in_bulk(list(counts))
    return sorted(
        ((users[pk], n) for pk, n in counts.items() if pk in users), key=lambda item: -item[1]
    )


def case_figures(*, viewer, start: date, end: date) -> dict:
    cases = cases_visible_to(viewer=viewer).filter(received_on__range=(start, end))
    channel_labels = dict(Channel.choices)
    return {
        "total": cases.count(),
        "by_channel": [
            {"label": channel_labels.get(row["channel"], row["channel"]), "n": row["n"]}
            for row in _counts(cases, "channel")
        ],
        "by_category": [
            {"label": row["category__name"], "n": row["n"]}
            for row in _counts(cases, "category__name")
        ],
        "by_org": [
            {"label": row["org__name"], "n": row["n"]} for row in _counts(cases, "org__name")
        ],
        "by_month": [
            {"label": row["month"].strftime("%Y-%m"), "n": row["n"]}
            for row in cases.annotate(month=TruncMonth("received_on"))
            .values("month")
            .annotate(n=Count("id"))
            .order_by("month")
        ],
        "on_time_rate": on_time_rate(cases),
        "legal_aid": [
            {"label": label, "n": n}
            for label, n in legal_aid_counts(LegalAid.objects.filter(case__in=cases)).items()
        ],
        "overdue_by_person": overdue_by_person(cases),
    }


def legal_aid_counts(aids: QuerySet[LegalAid]) -> dict:
    from .models import LegalAidKind

    labels = dict(LegalAidKind.choices)
    rows = aids.values("kind").annotate(n=Count("id"))
    found = {row["kind"]: row["n"] for row in rows}
    return {labels[kind]: found.get(kind, 0) for kind in labels}


# --- report sources (org subtree, no viewer) -----------------------------------------


def _subtree(org, start: date, end: date) -> QuerySet[Case]:
    return Case.objects.filter(org__path__startswith=org.path, received_on__range=(start, end))


def source_received(*, org, start, end) -> int:
    return _subtree(org, start, end).count()


def source_domestic_violence(*, org, start, end) -> int:
    return _subtree(org, start, end).filter(category__code="domestic_violence").count()


def source_on_time_rate(*, org, start, end) -> Decimal:
    return on_time_rate(_subtree(org, start, end)) or Decimal(0)


def source_legal_aid(*, org, start, end) -> int:
    return LegalAid.objects.filter(
        case__org__path__startswith=org.path, given_on__range=(start, end)
    ).count()


def source_mediations(*, org, start, end) -> int:
    return (
        MediationSession.objects.filter(
            case__org__path__startswith=org.path, held_on__range=(start, end)
        )
        .values("case")
        .distinct()
        .count()
    )


def source_overdue(*, org, start, end) -> int:
    return sum(n for _user, n in overdue_by_person(_subtree(org, start, end)))


def source_enquiries(*, org, start, end) -> int:
    return Enquiry.objects.filter(
        org__path__startswith=org.path, received_on__range=(start, end)
    ).count()


SOURCES = [
    ("cases.received", _("受理维权案件数"), source_received),
    ("cases.domestic_violence", _("家庭暴力案件数"), source_domestic_violence),
    ("cases.on_time_rate", _("按时答复率（%）"), source_on_time_rate),
    ("cases.legal_aid", _("法律援助次数"), source_legal_aid),
    ("cases.mediations", _("调解案件数"), source_mediations),
    ("cases.overdue", _("超期答复件数"), source_overdue),
    ("cases.enquiries", _("来电来函来访件数"), source_enquiries),
]
