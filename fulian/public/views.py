"""The public help pages: no account, phone first, nothing about anyone else."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from fulian.core.errors import error_text
from fulian.core.net import client_ip

from . import services
from .forms import HelpForm, StatusForm

CODE_SESSION_KEY = "public_help_code"


def _fresh(form: HelpForm | None = None):
    token, question = services.challenge_new()
    if form is None:
        form = HelpForm(initial={"token": token})
    else:
        data = form.data.copy()
        data["token"] = token
        data["answer"] = ""
        form.data = data
    return form, question


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, "；".join(errors))
    else:
        form.add_error(None, error_text(exc))


@never_cache
def help_form(request):
    status = 200
    if request.method == "POST":
        form = HelpForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A robot: look successful, record nothing.
                return redirect("public:help_done")
            data = form.cleaned_data
            try:
                _case, code = services.help_request_submit(
                    data=services.HelpRequest(
                        name=data["name"],
                        phone=data["phone"],
                        area=data["area"],
                        category=data["category"],
                        summary=data["summary"],
                        challenge_token=data["token"],
                        challenge_answer=data["answer"],
                    ),
                    ip=client_ip(request),
                )
            except services.Throttled as exc:
                form.add_error(None, error_text(exc))
                status = 429
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                # Shown once, on the next page; never stored in clear anywhere.
                request.session[CODE_SESSION_KEY] = code
                return redirect("public:help_done")
        form, question = _fresh(form)
    else:
        form, question = _fresh()
    return render(
        request,
        "public/help_form.html",
        {"title": _("妇女维权网上求助"), "form": form, "question": question},
        status=status,
    )


@never_cache
def help_done(request):
    code = request.session.pop(CODE_SESSION_KEY, None)
    return render(
        request,
        "public/help_done.html",
        {"title": _("已提交"), "code": services.format_code(code) if code else None},
    )


@never_cache
def help_status(request):
    form = StatusForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.help_status(
                code=form.cleaned_data["code"],
                phone_last4=form.cleaned_data["phone_last4"],
                ip=client_ip(request),
            )
        except services.Throttled as exc:
            form.add_error(None, error_text(exc))
            status = 429
        else:
            if result is None:
                form.add_error(None, _("未查到，请核对查询码和手机号后四位"))
    return render(
        request,
        "public/help_status.html",
        {"title": _("求助进度查询"), "form": form, "result": result},
        status=status,
    )
