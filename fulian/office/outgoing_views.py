"""Outgoing-document pages: the list, drafting, the document with its versions, the .docx."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fulian.accounts.scope import filter_queryset
from fulian.core.errors import error_text
from fulian.core.forms import BootstrapFormMixin
from fulian.core.lists import Column, ListPage

from . import outgoing
from .models import OutgoingDocument, Secrecy, Urgency

VIEW = "office.view_outgoingdocument"


class DraftForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    main_recipients = forms.CharField(label=_("主送"), max_length=300)
    copy_to = forms.CharField(label=_("抄送"), max_length=300, required=False)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    attachments_note = forms.CharField(
        label=_("附件（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    secrecy = forms.ChoiceField(label=_("密级"), choices=Secrecy.choices, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, required=False)


def _documents(user):
    """Her own drafts, and the documents of the federations in her scope."""
    from django.db.models import Q

    return (
        (
            filter_queryset(OutgoingDocument.objects.all(), user, VIEW)
            | OutgoingDocument.objects.filter(Q(drafted_by=user))
        )
        .distinct()
        .select_related("department", "number", "process", "drafted_by")
    )


class OutgoingList(ListPage):
    title = _("发文")
    export_name = "outgoing"
    template_name = "office/outgoing_list.html"
    columns = [
        Column("title", _("标题"), link=lambda d: reverse("office:outgoing", args=[d.pk])),
        Column("number", _("文号"), value=lambda d: d.number.text if d.number else "—"),
        Column("department__name", _("拟稿部室")),
        Column("drafted_by", _("拟稿人"), value=lambda d: d.drafted_by.display_name),
        Column(
            "state", _("状态"), value=lambda d: d.process.get_state_display() if d.process else "—"
        ),
        Column("signed_on", _("签发日期")),
    ]

    def get_queryset(self):
        return _documents(self.request.user)


def _get(request, pk) -> OutgoingDocument:
    try:
        return _documents(request.user).get(pk=int(pk))
    except (OutgoingDocument.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
def draft(request):
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = outgoing.outgoing_draft(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已送办公室核稿"))
            return redirect("office:outgoing", pk=document.pk)
    return render(request, "office/outgoing_form.html", {"title": _("拟稿"), "form": form})


@login_required
def detail(request, pk):
    document = _get(request, pk)
    form = None
    if document.drafted_by_id == request.user.pk and document.process.state == "returned":
        initial = {f: getattr(document, f) for f in DraftForm.base_fields}
        form = DraftForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                outgoing.outgoing_revise(actor=request.user, document=document, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("已修改并重新提交"))
                return redirect("office:outgoing", pk=document.pk)
    return render(
        request,
        "office/outgoing_detail.html",
        {
            "title": document.title,
            "document": document,
            "form": form,
            "versions": document.versions.select_related("edited_by"),
        },
    )


@login_required
def download(request, pk):
    document = _get(request, pk)
    try:
        content = outgoing.outgoing_docx(document)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("office:outgoing", pk=document.pk)
    response = HttpResponse(
        content,
        content_type=("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    )
    response["Content-Disposition"] = f'attachment; filename="outgoing-{document.pk}.docx"'
    return response
