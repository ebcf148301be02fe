"""The module navigation: each app registers its entries; users see what they may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    perm: str | None  # None: every signed-in user
    icon: str = "circle"
    order: int = 50


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    result = []
    for item in sorted(_items.values(), key=lambda i: i.order):
        if item.perm and not user.has_perm(item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon})
    return result


def navigation(request) -> dict:
    """Template context: the modules she may use and her positions for the switcher."""
    from fulian.accounts.scope import current_positions

    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "nav_items": items_for(user),
        "my_positions": current_positions(user),
        "current_position": getattr(request, "position", None),
    }
