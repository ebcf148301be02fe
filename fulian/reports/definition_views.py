"""The definitions page: elements, data sets and indicators, and forms to add them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fulian.accounts.scope import filter_queryset
from fulian.core.errors import error_text
from fulian.orgs.models import Org, OrgKind

from . import definitions, selectors, sources
from .models import DataElement, Indicator


def _federations(user):
    return filter_queryset(
        Org.objects.exclude(kind=OrgKind.DEPARTMENT).filter(depth__lte=4).order_by("path"),
        user,
        "reports.add_dataset",
    )


@login_required
def definitions_page(request):
    if not request.user.has_perm("reports.view_dataset"):
        raise PermissionDenied
    forms_by_kind = {
        "element": definitions.ElementForm(prefix="element"),
        "data_set": definitions.DataSetForm(prefix="data_set", owners=_federations(request.user)),
        "indicator": definitions.IndicatorForm(prefix="indicator"),
    }
    kind = request.POST.get("kind")
    if request.method == "POST" and kind in forms_by_kind:
        form = _bound(request, kind)
        forms_by_kind[kind] = form
        if form.is_valid():
            try:
                _create(request.user, kind, form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, _("已保存"))
                return redirect("reports:definitions")
    return render(
        request,
        "reports/definitions.html",
        {
            "title": _("报表定义"),
            "elements": DataElement.objects.select_related("disaggregation").order_by("code"),
            "data_sets": selectors.data_sets_for(request.user).prefetch_related("elements"),
            "indicators": Indicator.objects.all(),
            "sources": sources.all_sources(),
            "forms": forms_by_kind,
            "open_form": kind,
            "can_define": request.user.has_perm("reports.add_dataset"),
        },
    )


def _bound(request, kind):
    if kind == "element":
        return definitions.ElementForm(request.POST, prefix="element")
    if kind == "data_set":
        return definitions.DataSetForm(
            request.POST, prefix="data_set", owners=_federations(request.user)
        )
    return definitions.IndicatorForm(request.POST, prefix="indicator")


def _create(user, kind, data):
    if kind == "element":
        return definitions.element_create(actor=user, **data)
    if kind == "data_set":
        elements = list(data.pop("element_list"))
        return definitions.data_set_create(actor=user, elements=elements, **data)
    return definitions.indicator_create(actor=user, **data)
