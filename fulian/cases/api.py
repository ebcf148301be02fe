"""API routes of this app: (prefix, viewset, basename), added to /api/v1/ by fulian.api_urls.

Read-only over the same selectors as the pages: a case outside the confidential scope
is a 404, names are masked (hidden for domestic violence), and each case opened
through the API is logged like a page view.
"""

from rest_framework import permissions, serializers, viewsets

from fulian.core import audit
from fulian.core.api import ScopedLookupMixin
from fulian.core.masking import mask_name, mask_phone

from . import selectors
from .models import Case, Enquiry, RiskEntry


class CaseSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text="脱敏后的当事人姓名；家暴案件不显示")
    category_name = serializers.CharField(source="category.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    responsible_name = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "channel",
            "category",
            "category_name",
            "name",
            "org",
            "org_name",
            "received_on",
            "reply_due",
            "replied_at",
            "responsible_name",
            "state",
            "is_major",
            "is_overdue",
            "closed_at",
            "satisfaction",
        ]

    def get_name(self, case) -> str:
        return "" if case.category.hides_names else mask_name(case.name)

    def get_responsible_name(self, case) -> str:
        return case.responsible.display_name if case.responsible else ""


class CaseViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """维权案件 (read-only): only cases the caller handles or that are shared with her."""

    serializer_class = CaseSerializer
    # No permission means an empty scope: out of scope is a 404 like a missing id.
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.cases_search(
            viewer=self.request.user, text=self.request.query_params.get("q", "")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit.record_view(self.get_object(), fields=("name",), reason="api", actor=request.user)
        return response


class EnquirySerializer(serializers.ModelSerializer):
    caller_name = serializers.SerializerMethodField()
    caller_phone = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enquiry
        fields = [
            "id",
            "title",
            "channel",
            "caller_name",
            "caller_phone",
            "org",
            "received_on",
            "reply_due",
            "replied_at",
            "state",
            "is_overdue",
        ]

    def get_caller_name(self, enquiry) -> str:
        return mask_name(enquiry.caller_name)

    def get_caller_phone(self, enquiry) -> str:
        return mask_phone(enquiry.caller_phone)


class EnquiryViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """来电来函来访 (read-only), in the caller's data scope."""

    serializer_class = EnquirySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.enquiries_visible_to(viewer=self.request.user)


class RiskEntrySerializer(serializers.ModelSerializer):
    household = serializers.SerializerMethodField()

    class Meta:
        model = RiskEntry
        fields = ["id", "org", "household", "risk_level", "screening_every_days", "is_active"]

    def get_household(self, entry) -> str:
        return mask_name(entry.household)


class RiskEntryViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """预警排查对象 (read-only), in the caller's data scope."""

    serializer_class = RiskEntrySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.risk_entries_visible_to(viewer=self.request.user)


ROUTES: list = [
    ("cases", CaseViewSet, "case"),
    ("enquiries", EnquiryViewSet, "enquiry"),
    ("risk-entries", RiskEntryViewSet, "riskentry"),
]
