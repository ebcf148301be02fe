"""The data scope: which rows a user may see for a permission.

``scope_for(user, perm)`` is the union of the scopes of her current positions whose
role grants ``perm``; ``filter_queryset(qs, user, perm)`` applies it as an ORM filter
on the indexed org path. Every selector and API list goes through these two.

A model tells the scope where its org is with three class attributes:
``scope_org_field`` (org id lookup, or None for national tables nobody scopes),
``scope_path_field`` (the org path lookup) and ``scope_owner_field`` (the user who
owns the row, for the "self" scope kind). A model whose rows reach their org some
other way defines ``scope_filter(scope) -> Q`` instead (see ``User``). A model whose
rows are confidential beyond the org tree (e.g. rights cases, shared with named people)
also sets ``scope_confidential = True``: its ``scope_filter`` then narrows even an
"everything" scope, and may use ``scope.viewer_id`` (the user the scope was built for).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db import models
from django.db.models import Q

from fulian.orgs.models import SEGMENT_WIDTH, Org, OrgKind, decode_path

from .models import Position, ScopeKind


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    # Subtree roots as (org id, path); a row is in scope when its path starts with one.
    subtrees: tuple[tuple[int, str], ...] = ()
    # Single orgs as (org id, path).
    orgs: tuple[tuple[int, str], ...] = ()
    own_user_id: int | None = None
    kinds: frozenset[str] = field(default_factory=frozenset)
    # Who the scope was computed for; only confidential models' scope_filter reads it.
    viewer_id: int | None = field(default=None, compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.subtrees or self.orgs or self.own_user_id)

    def covers_path(self, path: str) -> bool:
        if self.everything:
            return True
        return any(path.startswith(p) for _, p in self.subtrees) or any(
            path == p for _, p in self.orgs
        )

    def covers_org(self, org: Org) -> bool:
        return self.covers_path(org.path)

    def covers(self, other: Scope) -> bool:
        """True when everything ``other`` reaches is reachable by this scope."""
        if other.everything:
            return self.everything
        if self.everything:
            return True
        for _, path in other.subtrees:
            if not any(path.startswith(p) for _, p in self.subtrees):
                return False
        if not all(self.covers_path(path) for _, path in other.orgs):
            return False
        return not (
            other.own_user_id
            and other.own_user_id != self.own_user_id
            and not (self.subtrees or self.orgs)
        )

    def as_q(self, *, org_field: str | None, path_field: str | None, owner_field: str | None) -> Q:
        if self.everything:
            return Q()
        q = Q(pk__in=[])  # matches nothing; the parts below widen it
        if path_field:
            for _, path in self.subtrees:
                q |= Q(**{f"{path_field}__startswith": path})
        if org_field and self.orgs:
            q |= Q(**{f"{org_field}__in": [org_id for org_id, _ in self.orgs]})
        if owner_field and self.own_user_id:
            q |= Q(**{owner_field: self.own_user_id})
        return q


EMPTY = Scope()
EVERYTHING = Scope(everything=True, kinds=frozenset({ScopeKind.ALL}))


def _compact(subtrees: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Drop subtree roots that lie inside another root."""
    kept: list[tuple[int, str]] = []
    for org_id, path in sorted(set(subtrees), key=lambda item: len(item[1])):
        if not any(path.startswith(p) for _, p in kept):
            kept.append((org_id, path))
    return tuple(kept)


def _anchor(position: Position) -> tuple[int, str]:
    org = position.org
    if position.role.anchor_at_federation and org.kind == OrgKind.DEPARTMENT and org.parent_id:
        # A department is one segment below its federation.
        parent_path = org.path[:-SEGMENT_WIDTH]
        return decode_path(parent_path)[-1], parent_path
    return org.pk, org.path


def position_scope(position: Position) -> Scope:
    """The scope one position gives, whatever the permission."""
    kind = position.role.scope_kind
    if kind == ScopeKind.ALL:
        return EVERYTHING
    anchor = _anchor(position)
    if kind == ScopeKind.SUBTREE:
        return Scope(subtrees=(anchor,), kinds=frozenset({kind}))
    if kind == ScopeKind.ORG:
        return Scope(orgs=(anchor,), kinds=frozenset({kind}))
    if kind == ScopeKind.LISTED:
        listed = tuple((o.pk, o.path) for o in position.listed_orgs.all())
        return Scope(orgs=listed, kinds=frozenset({kind}))
    return Scope(own_user_id=position.user_id, kinds=frozenset({kind}))


def union(scopes: list[Scope]) -> Scope:
    if any(s.everything for s in scopes):
        return EVERYTHING
    subtrees = [item for s in scopes for item in s.subtrees]
    compacted = _compact(subtrees)
    orgs = tuple(
        sorted(
            {
                item
                for s in scopes
                for item in s.orgs
                if not any(item[1].startswith(p) for _, p in compacted)
            }
        )
    )
    owner = next((s.own_user_id for s in scopes if s.own_user_id), None)
    return Scope(
        subtrees=compacted,
        orgs=orgs,
        own_user_id=owner,
        kinds=frozenset(k for s in scopes for k in s.kinds),
    )


def current_positions(user) -> list[Position]:
    """Her current positions with role permissions and orgs loaded, cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_current_positions", None)
    if cached is None:
        cached = list(
            Position.objects.current()
            .filter(user_id=user.pk)
            .select_related("org", "role")
            .prefetch_related("role__permissions__content_type", "listed_orgs")
            .order_by("org__depth", "id")
        )
        user._current_positions = cached
    return cached


def role_permission_codes(role) -> set[str]:
    cached = getattr(role, "_permission_codes", None)
    if cached is None:
        cached = {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}
        role._permission_codes = cached
    return cached


def scope_for(user, perm: str) -> Scope:
    """The union of the scopes of her current positions whose role grants ``perm``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    if user.is_superuser:
        return replace(EVERYTHING, viewer_id=user.pk)
    cache = user.__dict__.setdefault("_scope_cache", {})
    if perm not in cache:
        cache[perm] = replace(
            union(
                [
                    position_scope(p)
                    for p in current_positions(user)
                    if perm in role_permission_codes(p.role)
                ]
            ),
            viewer_id=user.pk,
        )
    return cache[perm]


def forget(user) -> None:
    """Drop the per-request caches after her positions changed."""
    for attr in ("_current_positions", "_scope_cache", "_position_perm_cache"):
        user.__dict__.pop(attr, None)


def filter_queryset(queryset: models.QuerySet, user, perm: str) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may see under ``perm``."""
    scope = scope_for(user, perm)
    model = queryset.model
    if scope.everything and not getattr(model, "scope_confidential", False):
        return queryset
    if scope.is_empty:
        return queryset.none()
    custom = getattr(model, "scope_filter", None)
    if callable(custom):
        return queryset.filter(custom(scope))
    return queryset.filter(
        scope.as_q(
            org_field=getattr(model, "scope_org_field", None),
            path_field=getattr(model, "scope_path_field", None),
            owner_field=getattr(model, "scope_owner_field", None),
        )
    )


def can_see_org(user, perm: str, org: Org) -> bool:
    return scope_for(user, perm).covers_org(org)


def require(actor, perm: str, org: Org) -> None:
    """Raise PermissionDenied unless ``perm`` reaches ``org`` for ``actor``.

    ``actor`` None is the system itself (seeding, commands), which may do anything.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if actor is None:
        return
    if not scope_for(actor, perm).covers_org(org):
        raise PermissionDenied(_("您无权在“%(org)s”进行此操作") % {"org": org.name})
