"""What of the official documents a viewer may read: every page, export and API list.

Incoming documents: the office and the leaders see their federation's (the scope); the
departments a document circulates to, and everyone who acted on it, see it as well.
A secret document (密件) is seen only by that circulation scope, whatever the role: for
anyone else it is absent from lists, search and exports, and its page is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fulian.accounts.scope import current_positions, filter_queryset
from fulian.orgs.models import OrgKind

from .models import ActionItem, ArchiveEntry, ArchiveLoan, IncomingDocument, OutgoingDocument

VIEW_OUTGOING = "office.view_outgoingdocument"
VIEW_INCOMING = "office.view_incomingdocument"
VIEW_ARCHIVE = "office.view_archiveentry"
VIEW_LOAN = "office.view_archiveloan"


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def outgoing_visible_to(*, viewer) -> QuerySet[OutgoingDocument]:
    """Her own drafts, and the documents of the federations in her scope."""
    scoped = filter_queryset(OutgoingDocument.objects.all(), viewer, VIEW_OUTGOING)
    return OutgoingDocument.objects.filter(
        Q(pk__in=scoped.values("pk")) | Q(drafted_by=viewer)
    ).select_related("department", "number", "process", "drafted_by")


def outgoing_get_for_viewer(*, viewer, pk) -> OutgoingDocument:
    return _get(outgoing_visible_to(viewer=viewer), pk)


def _departments_of(viewer) -> list[int]:
    return [p.org_id for p in current_positions(viewer) if p.org.kind == OrgKind.DEPARTMENT]


def _circulation_scope(viewer) -> Q:
    """The documents she is part of: registered, circulated to her department, or acted on."""
    involved = IncomingDocument.objects.filter(
        Q(registered_by=viewer)
        | Q(circulation__department__in=_departments_of(viewer))
        | Q(instructing_leaders=viewer)
        | Q(process__tasks__assignee=viewer)
        | Q(process__tasks__acted_by=viewer)
        | Q(process__tasks__candidates=viewer)
    )
    return Q(pk__in=involved.values("pk"))


def incoming_visible_to(*, viewer) -> QuerySet[IncomingDocument]:
    """Her scope and her circulation scope; secret documents only the latter."""
    if not getattr(viewer, "is_authenticated", False):
        return IncomingDocument.objects.none()
    scoped = filter_queryset(IncomingDocument.objects.all(), viewer, VIEW_INCOMING)
    mine = _circulation_scope(viewer)
    return (
        IncomingDocument.objects.filter(Q(pk__in=scoped.values("pk")) | mine)
        .filter(Q(secrecy="") | mine)
        .select_related("org", "receipt_number", "process", "registered_by", "archive_entry")
    )


def incoming_get_for_viewer(*, viewer, pk) -> IncomingDocument:
    return _get(incoming_visible_to(viewer=viewer), pk)


def action_items_visible_to(*, viewer) -> QuerySet[ActionItem]:
    """Action items of the documents she may read, or given to her department."""
    return ActionItem.objects.filter(
        Q(document__in=incoming_visible_to(viewer=viewer).values("pk"))
    ).select_related("department", "assigned_by", "process", "document")


def archive_visible_to(*, viewer) -> QuerySet[ArchiveEntry]:
    """Filed entries in her scope or lent to her; a filed secret document keeps its readers."""
    scoped = filter_queryset(ArchiveEntry.objects.all(), viewer, VIEW_ARCHIVE).values("pk")
    # A borrower sees what she borrowed (the overdue reminder links to it).
    borrowed = ArchiveLoan.objects.filter(borrower=viewer).values("entry")
    readable = incoming_visible_to(viewer=viewer).values("pk")
    return (
        ArchiveEntry.objects.filter(Q(pk__in=scoped) | Q(pk__in=borrowed))
        .filter(Q(incoming__isnull=True) | Q(incoming__secrecy="") | Q(incoming__in=readable))
        .select_related("department", "org", "filed_by")
    )


def archive_get_for_viewer(*, viewer, pk) -> ArchiveEntry:
    return _get(archive_visible_to(viewer=viewer), pk)


def loans_visible_to(*, viewer) -> QuerySet[ArchiveLoan]:
    """The lending register: the office's scope, and her own loans."""
    scoped = filter_queryset(ArchiveLoan.objects.all(), viewer, VIEW_LOAN)
    return (
        ArchiveLoan.objects.filter(Q(pk__in=scoped.values("pk")) | Q(borrower=viewer))
        .filter(entry__in=archive_visible_to(viewer=viewer).values("pk"))
        .select_related("entry", "borrower", "process", "registered_by")
    )


def loan_get_for_viewer(*, viewer, pk) -> ArchiveLoan:
    return _get(loans_visible_to(viewer=viewer), pk)


def _search(queryset, filters: dict, *, year, numbers, department, state):
    text = (filters.get("q") or "").strip()
    if filters.get("year"):
        try:
            queryset = queryset.filter(**{year: int(filters["year"])})
        except ValueError:
            queryset = queryset.none()
    if text:
        match = Q(title__contains=text)
        for field in numbers:
            match |= Q(**{f"{field}__contains": text})
        queryset = queryset.filter(match)
    if filters.get("department"):
        try:
            queryset = queryset.filter(**{department: int(filters["department"])})
        except ValueError:
            queryset = queryset.none()
    if filters.get("state"):
        queryset = queryset.filter(**state(filters["state"]))
    return queryset


def _process_state(value: str) -> dict:
    return {"process__state": value}


def outgoing_search(*, viewer, filters: dict) -> QuerySet[OutgoingDocument]:
    """By year, number or title, drafting department and state."""
    return _search(
        outgoing_visible_to(viewer=viewer),
        filters,
        year="created_at__year",
        numbers=("number__text",),
        department="department",
        state=_process_state,
    )


def incoming_search(*, viewer, filters: dict) -> QuerySet[IncomingDocument]:
    """By year, receipt or source number or title, circulation department and state."""
    queryset = _search(
        incoming_visible_to(viewer=viewer),
        filters,
        year="received_on__year",
        numbers=("receipt_number__text", "source_number"),
        department="circulation__department",
        state=_process_state,
    )
    return queryset.distinct() if filters.get("department") else queryset


def archive_search(*, viewer, filters: dict) -> QuerySet[ArchiveEntry]:
    """By year, archive code, document number or title, department and retention class."""
    return _search(
        archive_visible_to(viewer=viewer),
        filters,
        year="year",
        numbers=("code", "doc_number"),
        department="department",
        state=lambda value: {"retention": value},
    )
