"""Reads of users, positions and roles, always through the data scope."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .models import Position, Role, User
from .scope import filter_queryset


def users_visible_to(*, viewer) -> QuerySet[User]:
    """Users with a position at an org in the viewer's scope."""
    return filter_queryset(User.objects.all(), viewer, "accounts.view_user").prefetch_related(
        Prefetch(
            "positions",
            queryset=Position.objects.current()
            .select_related("org", "role")
            .order_by("org__depth"),
        )
    )


def user_get_for_viewer(*, viewer, user_id) -> User:
    try:
        return users_visible_to(viewer=viewer).get(pk=int(user_id))
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def positions_visible_to(*, viewer) -> QuerySet[Position]:
    return filter_queryset(
        Position.objects.select_related("user", "org", "role"), viewer, "accounts.view_position"
    )


def position_get_for_viewer(*, viewer, position_id) -> Position:
    try:
        return positions_visible_to(viewer=viewer).get(pk=int(position_id))
    except (Position.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def positions_of_user(*, viewer, user: User) -> QuerySet[Position]:
    return positions_visible_to(viewer=viewer).filter(user=user).order_by("-start_date")


def roles_grantable_by(*, actor) -> list[Role]:
    """The roles whose every permission the actor holds herself."""
    roles = Role.objects.prefetch_related("permissions__content_type")
    if actor.is_superuser:
        return list(roles)
    own = actor.get_all_permissions()
    return [
        r
        for r in roles
        if all(f"{p.content_type.app_label}.{p.codename}" in own for p in r.permissions.all())
    ]
