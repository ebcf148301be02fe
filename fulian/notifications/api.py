"""The notifications API: her own notifications, read marks and the unread count."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fulian.core.api import ScopedLookupMixin

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="只看未读（1 或 true）"
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


ReadAllResponse = inline_serializer(
    "NotificationReadAllResponse", {"updated": serializers.IntegerField()}
)
UnreadCountResponse = inline_serializer(
    "NotificationUnreadCountResponse", {"unread": serializers.IntegerField()}
)


@extend_schema_view(
    list=extend_schema(description="The caller's own notifications, newest first; ?unread=1."),
    retrieve=extend_schema(description="One of the caller's notifications; another's is 404."),
)
class NotificationViewSet(
    ScopedLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own notifications, newest first; another's answers 404."""

    serializer_class = NotificationSerializer
    # Everyone signed in has notifications: no model permission, the rows are her own.
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # the model for the schema; rows come below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notifications_visible_to(viewer=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read (reading twice keeps the first time)."""
        notification = services.mark_read(actor=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=ReadAllResponse)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all of the caller's unread notifications read."""
        return Response({"updated": services.mark_all_read(actor=request.user)})

    @extend_schema(responses=UnreadCountResponse, filters=False)
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        """How many of the caller's notifications are unread (the bell's badge)."""
        return Response({"unread": selectors.unread_count(viewer=request.user)})
