"""Defining reports: data elements, data sets and indicators (define once, report everywhere).

A data set belongs to the federation that defines it; only someone whose scope covers
that federation, with ``reports.add_dataset``, may define one there.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fulian.accounts.scope import scope_for
from fulian.core import audit
from fulian.core.forms import BootstrapFormMixin
from fulian.orgs.models import Org, OrgKind

from . import indicators, sources
from .models import DataElement, DataSet, DataSetElement, Indicator

REPORTING_KINDS = [
    (kind.value, kind.label)
    for kind in OrgKind
    if kind not in (OrgKind.NATIONAL, OrgKind.DEPARTMENT)
]


def check_source(reference: str) -> None:
    if not reference:
        return
    try:
        sources.get_source(reference)
    except LookupError as error:
        raise ValidationError(
            _("自动取数来源“%(ref)s”不存在或参数不符") % {"ref": reference}
        ) from error


@transaction.atomic
def element_create(*, actor, **fields) -> DataElement:
    if not actor.has_perm("reports.add_dataelement"):
        raise PermissionDenied(_("您无权定义数据项"))
    element = DataElement(**fields)
    check_source(element.source)
    if element.source and element.value_type == "text":
        raise ValidationError(_("自动取数的数据项必须是数值"))
    element.full_clean()
    with audit.acting_as(actor):
        element.save()
    return element


@transaction.atomic
def data_set_create(*, actor, elements: list[DataElement], **fields) -> DataSet:
    owner: Org = fields["owner"]
    if not scope_for(actor, "reports.add_dataset").covers_org(owner):
        raise PermissionDenied(_("您无权为该单位制发报表"))
    if not elements:
        raise ValidationError(_("报表至少要有一个数据项"))
    if not fields.get("reporting_kinds"):
        raise ValidationError(_("请选择填报单位类型"))
    data_set = DataSet(**fields)
    data_set.full_clean()
    with audit.acting_as(actor):
        data_set.save()
        for order, element in enumerate(elements):
            DataSetElement.objects.create(data_set=data_set, element=element, sort_order=order)
    return data_set


@transaction.atomic
def indicator_create(*, actor, **fields) -> Indicator:
    if not actor.has_perm("reports.add_indicator"):
        raise PermissionDenied(_("您无权定义指标"))
    indicators.validate_formula(fields.get("numerator", ""))
    indicators.validate_formula(fields.get("denominator", "") or "1")
    indicator = Indicator(**fields)
    indicator.full_clean()
    with audit.acting_as(actor):
        indicator.save()
    return indicator


class ElementForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DataElement
        fields = [
            "code",
            "name",
            "value_type",
            "aggregation",
            "unit",
            "disaggregation",
            "source",
            "on_dashboard",
            "description",
        ]
        help_texts = {
            "source": gettext_lazy(
                "留空则手工填报；如 people.tagged:贫困母亲、orgs.federations:town"
            ),
        }


class DataSetForm(BootstrapFormMixin, forms.ModelForm):
    reporting_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("填报单位类型"),
        choices=REPORTING_KINDS,
        widget=forms.CheckboxSelectMultiple,
    )
    element_list = forms.ModelMultipleChoiceField(
        label=gettext_lazy("数据项"),
        queryset=DataElement.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DataSet
        fields = ["code", "name", "period_type", "owner", "deadline_days", "lock_after_deadline"]

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class IndicatorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "numerator", "denominator", "factor", "unit", "target"]
        help_texts = {"numerator": gettext_lazy("数据项写成 #{代码}，可用 + - * / 和括号")}
