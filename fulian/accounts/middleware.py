from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .scope import current_positions

SESSION_POSITION_KEY = "current_position_id"


class PasswordExpiryMiddleware:
    """With password ageing on (等保), an expired password must be changed first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        user = request.user
        if max_age and user.is_authenticated and not request.path.startswith("/api/"):
            changed = user.password_changed_at
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            expired = changed is None or changed < timezone.now() - timedelta(days=max_age)
            if (
                expired
                and request.path not in allowed
                and not request.path.startswith(
                    settings.STATIC_URL
                    if settings.STATIC_URL.startswith("/")
                    else "/" + settings.STATIC_URL
                )
            ):
                return redirect("accounts:password_change")
        return self.get_response(request)


class CurrentPositionMiddleware:
    """``request.position``: the post she is acting in, chosen with the switcher."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.position = None
        if request.user.is_authenticated:
            positions = current_positions(request.user)
            chosen = request.session.get(SESSION_POSITION_KEY)
            request.position = next((p for p in positions if p.pk == chosen), None) or (
                positions[0] if positions else None
            )
        return self.get_response(request)
