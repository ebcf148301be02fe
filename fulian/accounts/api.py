from rest_framework import serializers, viewsets

from fulian.core.api import HasModelPermission, ScopedLookupMixin

from . import selectors
from .models import Position, User


class PositionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)
    scope_kind = serializers.CharField(source="role.scope_kind", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "user",
            "org",
            "org_name",
            "role",
            "role_name",
            "scope_kind",
            "post",
            "title",
            "is_full_time",
            "start_date",
            "end_date",
        ]


class UserSerializer(serializers.ModelSerializer):
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "is_active", "last_login", "positions"]


class UserViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Users who hold a position at an org in the caller's scope."""

    serializer_class = UserSerializer
    permission_classes = [HasModelPermission]
    required_perm = "accounts.view_user"
    filterset_fields = ["is_active", "username"]

    def get_queryset(self):
        return selectors.users_visible_to(viewer=self.request.user).order_by("username")


class PositionViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Positions at orgs in the caller's scope."""

    serializer_class = PositionSerializer
    permission_classes = [HasModelPermission]
    required_perm = "accounts.view_position"
    filterset_fields = ["user", "org", "role", "post"]

    def get_queryset(self):
        return selectors.positions_visible_to(viewer=self.request.user).order_by("id")
