"""Template context: the bell's unread count, on every page of a signed-in user."""

from __future__ import annotations

import functools

from . import selectors


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    # A cached callable: templates call it when they use it, so an htmx fragment that
    # never renders the top bar costs no query, and the bar's two uses cost one.
    return {"notifications_unread": functools.cache(lambda: selectors.unread_count(viewer=user))}
