"""Reports API: definitions, values, submissions, completeness and roll-ups.

Values are written through the same service as the entry form (checks, audit and
roll-up included); everything read goes through the data scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fulian.core.api import HasModelPermission, ScopedLookupMixin

from . import completeness, indicators, rollup, selectors, services
from .models import DataElement, DataSet, DataValue, Indicator, Submission
from .periods import parse


def _fail(error):
    if isinstance(error, DjangoPermissionDenied):
        raise exceptions.PermissionDenied(str(error))
    raise exceptions.ValidationError({"detail": error.messages})


class DataElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataElement
        fields = ["id", "code", "name", "value_type", "aggregation", "unit", "source"]


class DataSetSerializer(serializers.ModelSerializer):
    elements = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = DataSet
        fields = [
            "id",
            "code",
            "name",
            "period_type",
            "owner",
            "owner_name",
            "reporting_kinds",
            "deadline_days",
            "lock_after_deadline",
            "elements",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "numerator", "denominator", "factor", "unit", "target"]


class DataValueSerializer(serializers.ModelSerializer):
    element = serializers.CharField(source="element.code")
    option = serializers.CharField(source="option.code", default="")

    class Meta:
        model = DataValue
        fields = ["id", "element", "option", "org", "period", "value", "text", "updated_at"]


class ValueWriteSerializer(serializers.Serializer):
    data_set = serializers.IntegerField()
    org = serializers.IntegerField()
    period = serializers.CharField()
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="单元格代码 → 填写内容"
    )


class SubmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        fields = [
            "id",
            "data_set",
            "org",
            "period",
            "state",
            "submitted_at",
            "on_time",
            "approved_at",
            "process",
        ]


class DataElementViewSet(viewsets.ReadOnlyModelViewSet):
    unscoped_reason = "数据项是全系统共用的定义，不属于任何组织"
    serializer_class = DataElementSerializer
    permission_classes = [HasModelPermission]
    required_perm = "reports.view_dataset"
    queryset = DataElement.objects.all()


class DataSetViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DataSetSerializer
    permission_classes = [HasModelPermission]
    required_perm = "reports.view_dataset"

    def get_queryset(self):
        return selectors.data_sets_for(self.request.user).prefetch_related("elements")


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    unscoped_reason = "指标是全系统共用的定义，不属于任何组织"
    serializer_class = IndicatorSerializer
    permission_classes = [HasModelPermission]
    required_perm = "reports.view_dataset"
    queryset = Indicator.objects.all()


class DataValueViewSet(ScopedLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Values in scope, filtered by ?data_set=&org=&period=; POST saves a form's cells."""

    serializer_class = DataValueSerializer
    permission_classes = [HasModelPermission]
    required_perm = "reports.view_datavalue"

    def get_queryset(self):
        rows = selectors.values_visible_to(self.request.user).order_by("pk")
        params = self.request.query_params
        try:
            if params.get("data_set"):
                rows = rows.filter(element__datasetelement__data_set_id=int(params["data_set"]))
            if params.get("org"):
                rows = rows.filter(org_id=int(params["org"]))
        except ValueError as error:
            raise exceptions.ValidationError({"detail": "data_set、org 应为数字"}) from error
        if params.get("period"):
            rows = rows.filter(period=params["period"])
        return rows

    @extend_schema(
        request=ValueWriteSerializer,
        responses=inline_serializer("ValuesSaved", {"changed": serializers.IntegerField()}),
    )
    def create(self, request, *args, **kwargs):
        data = ValueWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data_set = selectors.data_set_for_viewer(request.user, data.validated_data["data_set"])
        org = selectors.org_for_viewer(request.user, data.validated_data["org"])
        try:
            changed = services.values_save(
                actor=request.user,
                data_set=data_set,
                org=org,
                period=data.validated_data["period"],
                entries=data.validated_data["values"],
            )
        except (ValidationError, DjangoPermissionDenied) as error:
            _fail(error)
        return Response({"changed": changed}, status=201)


class SubmissionViewSet(ScopedLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SubmissionSerializer
    permission_classes = [HasModelPermission]
    required_perm = "reports.view_submission"

    def get_queryset(self):
        rows = selectors.submissions_visible_to(self.request.user).order_by("pk")
        for name in ("data_set", "period", "state"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{name: self.request.query_params[name]})
        return rows

    @extend_schema(request=ValueWriteSerializer, responses=SubmissionSerializer)
    @action(detail=False, methods=["post"])
    def submit(self, request):
        """Submit (data_set, org, period) for approval by the level above."""
        data_set = selectors.data_set_for_viewer(request.user, request.data.get("data_set"))
        org = selectors.org_for_viewer(request.user, request.data.get("org"))
        try:
            submission = services.submission_submit(
                actor=request.user, data_set=data_set, org=org, period=request.data.get("period")
            )
        except (ValidationError, DjangoPermissionDenied) as error:
            _fail(error)
        return Response(SubmissionSerializer(submission).data, status=201)


_QUERY = [
    OpenApiParameter("org", int, required=False, description="组织 id（默认：本人范围的最高层）"),
    OpenApiParameter("period", str, required=True, description="报告期，如 2026Q1"),
]


class FiguresViewSet(viewsets.ViewSet):
    """Roll-ups: an element's subtree total, by child; a data set's completeness."""

    permission_classes = [HasModelPermission]
    required_perm = "reports.view_datavalue"

    def _org(self, request):
        org_id = request.query_params.get("org")
        org = (
            selectors.org_for_viewer(request.user, org_id)
            if org_id
            else selectors.home_org(request.user)
        )
        if org is None:
            raise exceptions.NotFound()
        return org

    def _period(self, request, period_type):
        try:
            period = parse(request.query_params.get("period", ""))
        except ValidationError as error:
            _fail(error)
        return period

    @extend_schema(
        parameters=[*_QUERY, OpenApiParameter("element", str, required=True)],
        responses=inline_serializer(
            "Total",
            {
                "element": serializers.CharField(),
                "org": serializers.IntegerField(),
                "period": serializers.CharField(),
                "value": serializers.DecimalField(max_digits=24, decimal_places=4),
                "children": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False)
    def totals(self, request):
        org = self._org(request)
        element = DataElement.objects.filter(code=request.query_params.get("element")).first()
        if element is None:
            raise exceptions.NotFound()
        period_type = indicators.element_period_type(element)
        period = self._period(request, period_type)
        figure = rollup.total(element, org, period, period_type=period_type)
        children, own = rollup.children_breakdown(element, org, period, period_type=period_type)
        return Response(
            {
                "element": element.code,
                "org": org.pk,
                "period": period.id,
                "value": figure.value,
                "own": own.value,
                "children": [
                    {"org": c.org.pk, "name": c.org.name, "value": c.figure.value} for c in children
                ],
            }
        )

    @extend_schema(
        parameters=[*_QUERY, OpenApiParameter("data_set", int, required=True)],
        responses=inline_serializer(
            "Completeness",
            {
                "expected": serializers.IntegerField(),
                "submitted": serializers.IntegerField(),
                "on_time": serializers.IntegerField(),
                "approved": serializers.IntegerField(),
                "children": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False)
    def completeness(self, request):
        org = self._org(request)
        data_set = selectors.data_set_for_viewer(request.user, request.query_params.get("data_set"))
        period = self._period(request, data_set.period_type)
        overall = completeness.counts(data_set, org, period.id)

        def shape(c):
            return {
                "expected": c.expected,
                "submitted": c.submitted,
                "on_time": c.on_time,
                "approved": c.approved,
            }

        return Response(
            {
                **shape(overall),
                "children": [
                    {"org": child.pk, "name": child.name, **shape(c)}
                    for child, c in completeness.children_counts(data_set, org, period.id)
                ],
            }
        )


ROUTES = [
    ("reports/elements", DataElementViewSet, "report-element"),
    ("reports/data-sets", DataSetViewSet, "report-dataset"),
    ("reports/indicators", IndicatorViewSet, "report-indicator"),
    ("reports/values", DataValueViewSet, "report-value"),
    ("reports/submissions", SubmissionViewSet, "report-submission"),
    ("reports/figures", FiguresViewSet, "report-figures"),
]
