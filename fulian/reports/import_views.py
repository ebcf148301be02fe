"""Importing report values from Excel: template, dry run with every row's problems,
confirm once (all rows or none)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fulian.accounts.scope import scope_for
from fulian.core import imports
from fulian.core.errors import error_text

from . import completeness, importing, selectors, services
from .views import _org, _period

_SESSION_KEY = "report_values_import"


class ValuesImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )


def _need(request):
    if not request.user.has_perm(services.ENTER_PERM):
        raise PermissionDenied


@login_required
def values_template(request, data_set_id):
    _need(request)
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    org = _org(request, request.user)
    period = _period(request, data_set)
    scope = scope_for(request.user, services.ENTER_PERM)
    orgs = [o for o in completeness.reporting_orgs(data_set, org)[:5000] if scope.covers_org(o)]
    return imports.template_response(
        importing.template(data_set, orgs, period.id), f"report-{data_set.code}-{period.id}.xlsx"
    )


@login_required
def values_upload(request, data_set_id):
    _need(request)
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    form = ValuesImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.check_upload(
            request,
            _SESSION_KEY,
            form.cleaned_data["file"],
            lambda data: importing.check(data, actor=request.user, data_set=data_set),
        )
    return render(
        request,
        "reports/import.html",
        {
            "title": _("导入报表数据"),
            "data_set": data_set,
            "form": form,
            "result": result,
            "errors": result.errors[:500] if result else [],
        },
    )


@require_POST
@login_required
def values_confirm(request, data_set_id):
    _need(request)
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    staged = imports.take_staged(request, _SESSION_KEY)
    if staged is None:
        messages.error(request, _("没有待导入的文件（可能已经导入过），请重新上传"))
        return redirect("reports:import", data_set_id=data_set.pk)
    try:
        with staged.open("rb") as data:
            changed = importing.import_values(data, actor=request.user, data_set=data_set)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _("未导入任何数据：%(e)s") % {"e": error_text(error)})
        return redirect("reports:import", data_set_id=data_set.pk)
    finally:
        staged.unlink(missing_ok=True)
    messages.success(request, _("已导入，更新 %(n)s 项数据") % {"n": changed})
    return redirect("reports:completeness", data_set_id=data_set.pk)
