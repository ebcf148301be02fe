"""The people import pages: template download, dry run with per-row errors, confirm once.

The same flow as the org import: the uploaded file waits under MEDIA_ROOT/imports/
with a random name held in the session, is checked again and imported on confirm
(all rows or none), and is deleted either way, so a second confirm finds nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fulian.core import imports
from fulian.core.errors import RowErrors

from . import importing

PERM = "people.add_person"
_SESSION_KEY = "people_import_file"
SHOWN_ERRORS = 1000  # a page of 100 000 error rows helps nobody; the count says the rest
_MESSAGE_ERRORS = 20


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )


def _need(request):
    if not request.user.has_perm(PERM):
        raise PermissionDenied


@login_required
def import_template(request):
    _need(request)
    return imports.template_response(importing.build_template(), "people-import-template.xlsx")


@login_required
def import_upload(request):
    """Upload → dry run showing every row's errors; nothing is written yet."""
    _need(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.check_upload(
            request,
            _SESSION_KEY,
            form.cleaned_data["file"],
            lambda data: importing.parse_workbook(data, actor=request.user),
        )
    return render(
        request,
        "people/import.html",
        {
            "title": _("批量导入人员"),
            "form": form,
            "result": result,
            "shown_errors": result.errors[:SHOWN_ERRORS] if result else [],
            "shown_limit": SHOWN_ERRORS,
        },
    )


def _summary(exc) -> str:
    shown = exc.messages[:_MESSAGE_ERRORS]
    more = len(exc.messages) - len(shown)
    text = "；".join(shown)
    return text + (gettext("……等共 %(n)s 处") % {"n": len(exc.messages)} if more > 0 else "")


@require_POST
@login_required
def import_confirm(request):
    _need(request)
    path = imports.take_staged(request, _SESSION_KEY)
    if path is None:
        messages.error(request, _("导入文件已失效（可能已经导入过），请重新上传"))
        return redirect("people:import")
    try:
        with path.open("rb") as data:
            count = importing.import_people(data, actor=request.user)
    except RowErrors as exc:
        messages.error(request, _("数据已变化，未导入任何数据：%(e)s") % {"e": _summary(exc)})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("未导入任何数据：%(e)s") % {"e": _summary(exc)})
    else:
        messages.success(request, _("已导入 %(n)s 人") % {"n": count})
    finally:
        path.unlink(missing_ok=True)
    return redirect("people:import")
