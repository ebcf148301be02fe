"""Shared API pieces: the token endpoint and scoped read-only viewsets."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """POST username and password → {"token": "..."}; send it as `Authorization: Token …`."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class HasModelPermission(permissions.BasePermission):
    """The view's ``required_perm`` must be granted by one of the user's positions."""

    def has_permission(self, request, view):
        perm = getattr(view, "required_perm", None)
        return bool(
            request.user
            and request.user.is_authenticated
            and (perm is None or request.user.has_perm(perm))
        )


class ScopedLookupMixin:
    """Detail routes look up inside the scoped queryset: out of scope answers 404."""

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, TypeError) as exc:
            raise Http404 from exc
