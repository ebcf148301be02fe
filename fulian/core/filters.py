import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Holiday


class BootstrapFilterSet(django_filters.FilterSet):
    """Every list filter renders as Bootstrap form controls."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)


class AuditEventFilter(BootstrapFilterSet):
    action = django_filters.ChoiceFilter(label=_("类型"), choices=AuditEvent.Action.choices)
    actor_name = django_filters.CharFilter(label=_("操作人账号"))
    object_repr = django_filters.CharFilter(label=_("对象"), lookup_expr="contains")
    date_from = django_filters.DateFilter(
        label=_("起始日期"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = []


class HolidayFilter(BootstrapFilterSet):
    year = django_filters.NumberFilter(label=_("年份"), field_name="date", lookup_expr="year")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Holiday.Kind.choices)

    class Meta:
        model = Holiday
        fields = []
