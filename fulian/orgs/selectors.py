"""Reads of the org tree, always through the data scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from fulian.accounts.scope import filter_queryset, scope_for

from .models import (
    ADMIN_LEVEL,
    NEW_ECONOMIC_KINDS,
    NEW_SOCIAL_KINDS,
    Org,
    OrgKind,
    OrgStatus,
)

VIEW = "orgs.view_org"


def orgs_visible_to(*, viewer, perm: str = VIEW) -> QuerySet[Org]:
    """Every org the viewer may see."""
    return filter_queryset(Org.objects.all(), viewer, perm)


def org_get_for_viewer(*, viewer, org_id, perm: str = VIEW) -> Org:
    """One org, or 404 when it is missing or outside the viewer's scope (the same answer)."""
    try:
        return (
            orgs_visible_to(viewer=viewer, perm=perm).select_related("parent").get(pk=int(org_id))
        )
    except (Org.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def org_roots_for_viewer(*, viewer, perm: str = VIEW) -> QuerySet[Org]:
    """Where her tree starts: the national root, or the tops of her scope."""
    scope = scope_for(viewer, perm)
    if scope.everything:
        return Org.objects.filter(parent__isnull=True)
    ids = [org_id for org_id, _ in scope.subtrees] + [org_id for org_id, _ in scope.orgs]
    return Org.objects.filter(pk__in=ids).order_by("path")


def org_children_for_viewer(
    *, viewer, parent: Org, include_closed: bool = False, perm: str = VIEW
) -> QuerySet[Org]:
    qs = orgs_visible_to(viewer=viewer, perm=perm).filter(parent=parent)
    if not include_closed:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return qs.order_by("kind", "code")


def org_search_for_viewer(*, viewer, text: str, perm: str = VIEW) -> QuerySet[Org]:
    """Orgs whose name contains ``text`` or whose code starts with it."""
    text = (text or "").strip()
    qs = orgs_visible_to(viewer=viewer, perm=perm)
    if not text:
        return qs.none()
    if text.replace("-", "").isalnum() and text[:1].isdigit():
        return qs.filter(code__startswith=text)
    return qs.filter(name__contains=text)


def org_ancestors(org: Org) -> list[Org]:
    """Root first, the org itself excluded (the breadcrumb)."""
    return list(Org.objects.filter(pk__in=org.ancestor_ids()).order_by("depth"))


@dataclass
class CoverageRow:
    kind: str
    label: str
    total: int
    with_federation: int

    @property
    def rate(self) -> float | None:
        return round(self.with_federation * 100 / self.total, 1) if self.total else None


@dataclass
class Coverage:
    levels: list[CoverageRow]
    new_economic: dict[str, int]
    new_social: dict[str, int]


def org_coverage(*, viewer, org: Org) -> Coverage:
    """组建率 of the subtree by administrative level, and new-sector org counts."""
    subtree = (
        orgs_visible_to(viewer=viewer)
        .filter(path__startswith=org.path, status=OrgStatus.ACTIVE)
        .exclude(pk=org.pk)
    )
    below = [k for k in ADMIN_LEVEL if ADMIN_LEVEL[k] > (org.admin_level or 0)]
    counts = {
        row["kind"]: row
        for row in subtree.filter(kind__in=below + NEW_ECONOMIC_KINDS + NEW_SOCIAL_KINDS)
        .values("kind")
        .annotate(total=Count("id"), with_fed=Count("id", filter=Q(has_federation=True)))
    }
    levels = [
        CoverageRow(
            kind=k,
            label=OrgKind(k).label,
            total=counts[k]["total"],
            with_federation=counts[k]["with_fed"],
        )
        for k in below
        if k in counts
    ]
    return Coverage(
        levels=levels,
        new_economic={
            OrgKind(k).label: counts.get(k, {}).get("total", 0) for k in NEW_ECONOMIC_KINDS
        },
        new_social={OrgKind(k).label: counts.get(k, {}).get("total", 0) for k in NEW_SOCIAL_KINDS},
    )
