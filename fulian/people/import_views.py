"""The people import pages: template download, dry run with per-row errors, confirm once.

The same flow as the org import: the uploaded file waits under MEDIA_ROOT/imports/
with a random name held in the session, is checked again and imported on confirm
(all rows or none), and is deleted either way, so a second confirm finds nothing.
"""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

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


def _import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@login_required
def import_template(request):
    _need(request)
    response = HttpResponse(
        importing.build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="people-import-template.xlsx"'
    return response


@login_required
def import_upload(request):
    """Upload → dry run showing every row's errors; nothing is written yet."""
    _need(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        token = uuid.uuid4().hex
        path = _import_dir() / f"{token}.xlsx"
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        with path.open("rb") as data:
            result = importing.parse_workbook(data, actor=request.user)
        if result.ok:
            # A file checked earlier in this session and never confirmed goes now.
            earlier = request.session.get(_SESSION_KEY)
            if earlier:
                (_import_dir() / f"{earlier}.xlsx").unlink(missing_ok=True)
            request.session[_SESSION_KEY] = token
        else:
            path.unlink(missing_ok=True)
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
    token = request.session.pop(_SESSION_KEY, None)
    path = _import_dir() / f"{token}.xlsx" if token else None
    if not path or not path.exists():
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
