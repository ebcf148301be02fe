"""API routes of this app: (prefix, viewset, basename), added to /api/v1/ by fulian.api_urls.

Read-only lists and details of official documents, from the same selectors as the pages:
a secret incoming document outside the caller's circulation scope is absent and its
detail answers 404. Filters: ``year``, ``q`` (number or title), ``department``, ``state``.
Signing as read (传阅) is the one write: POST /office/incoming/{id}/sign/.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fulian.core.api import ScopedLookupMixin
from fulian.core.errors import error_text

from . import incoming, selectors
from .models import ArchiveEntry, ArchiveLoan, IncomingDocument, OutgoingDocument

FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度"),
    OpenApiParameter("q", OpenApiTypes.STR, description="文号、档号或标题包含"),
    OpenApiParameter("department", OpenApiTypes.INT, description="部室 id"),
    OpenApiParameter("state", OpenApiTypes.STR, description="状态（档案为保管期限 Y/D30/D10）"),
]


class OutgoingSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="number.text", default="", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    state = serializers.CharField(source="process.state", default="", read_only=True)

    class Meta:
        model = OutgoingDocument
        fields = [
            "id", "number", "title", "department", "department_name", "main_recipients",
            "copy_to", "secrecy", "urgency", "signed_on", "proofreader", "state", "created_at",
        ]  # fmt: skip


class IncomingSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(source="receipt_number.text", read_only=True)
    state = serializers.SerializerMethodField()
    circulation = serializers.SerializerMethodField()

    class Meta:
        model = IncomingDocument
        fields = [
            "id", "receipt_number", "source_org", "source_number", "title", "secrecy",
            "urgency", "received_on", "pages", "in_order", "circulation", "state", "created_at",
        ]  # fmt: skip

    def get_state(self, document) -> str:
        return incoming.incoming_state(document)

    def get_circulation(self, document) -> list[str]:
        return [stop.department.name for stop in document.circulation.all()]


class ArchiveEntrySerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ArchiveEntry
        fields = [
            "id", "code", "year", "retention", "item_number", "title", "doc_number",
            "department", "department_name", "outgoing", "incoming", "filed_at",
        ]  # fmt: skip


class ArchiveLoanSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="entry.code", read_only=True)

    class Meta:
        model = ArchiveLoan
        fields = [
            "id", "entry", "code", "external", "borrower", "borrower_name", "borrower_org",
            "purpose", "lent_on", "due_on", "returned_on",
        ]  # fmt: skip


class SignSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class OutgoingViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """发文: her own drafts and those of the federations in her scope."""

    serializer_class = OutgoingSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return OutgoingDocument.objects.none()
        return selectors.outgoing_search(
            viewer=self.request.user, filters=self.request.query_params
        ).order_by("-id")


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class IncomingViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """收文: the scope plus the circulation scope; secret ones only the latter."""

    serializer_class = IncomingSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return IncomingDocument.objects.none()
        return (
            selectors.incoming_search(viewer=self.request.user, filters=self.request.query_params)
            .prefetch_related("circulation__department")
            .order_by("-id")
        )

    @extend_schema(request=SignSerializer, responses={200: IncomingSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """传阅: the caller signs the document as read (her open circulation task)."""
        document = self.get_object()
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            incoming.incoming_sign(
                actor=request.user,
                document=document,
                comment=data.validated_data.get("comment", ""),
            )
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": error_text(exc)}) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(error_text(exc)) from exc
        return Response(IncomingSerializer(self.get_object()).data)


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ArchiveEntryViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """档案: filed entries in the caller's scope."""

    serializer_class = ArchiveEntrySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return ArchiveEntry.objects.none()
        return selectors.archive_search(
            viewer=self.request.user, filters=self.request.query_params
        ).order_by("-id")


class ArchiveLoanViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """借阅登记: the office's register, and the caller's own loans."""

    serializer_class = ArchiveLoanSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return ArchiveLoan.objects.none()
        return selectors.loans_visible_to(viewer=self.request.user).order_by("-id")


ROUTES: list = [
    ("office/outgoing", OutgoingViewSet, "office-outgoing"),
    ("office/incoming", IncomingViewSet, "office-incoming"),
    ("office/archives", ArchiveEntryViewSet, "office-archive"),
    ("office/loans", ArchiveLoanViewSet, "office-loan"),
]
