from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fulian.core.api import HasModelPermission, ScopedLookupMixin

from . import selectors
from .models import Org


class OrgSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Org
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "code",
            "parent",
            "depth",
            "urban_rural",
            "has_federation",
            "status",
            "child_count",
        ]


class CoverageRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    with_federation = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    levels = CoverageRowSerializer(many=True)
    new_economic = serializers.DictField(child=serializers.IntegerField())
    new_social = serializers.DictField(child=serializers.IntegerField())


class OrgViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Orgs in the caller's data scope. Filter with ?parent=ID, ?kind=, ?code=."""

    serializer_class = OrgSerializer
    permission_classes = [HasModelPermission]
    required_perm = "orgs.view_org"
    filterset_fields = ["parent", "kind", "code", "status"]

    def get_queryset(self):
        return selectors.orgs_visible_to(viewer=self.request.user).order_by("path")

    @extend_schema(responses=CoverageSerializer)
    @action(detail=True)
    def coverage(self, request, pk=None):
        """组建率 of the org's subtree by administrative level."""
        coverage = selectors.org_coverage(viewer=request.user, org=self.get_object())
        return Response(CoverageSerializer(coverage).data)
