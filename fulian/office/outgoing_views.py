"""Outgoing-document pages: the list, drafting, the document with its versions, the .docx."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fulian.accounts.models import User
from fulian.core.errors import error_text
from fulian.core.forms import BootstrapFormMixin
from fulian.core.lists import Column, ListPage
from fulian.workflow import definitions

from . import archives, outgoing, selectors
from .incoming_views import STATES, FileForm, _department_choices, _federation
from .models import ArchiveEntry, OutgoingDocument, Secrecy, Urgency


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
        return selectors.outgoing_search(viewer=self.request.user, filters=self.request.GET)

    def get_extra_context(self):
        return {
            "states": STATES,
            "departments": _department_choices(_federation(self.request.user)),
        }


def _get(request, pk) -> OutgoingDocument:
    return selectors.outgoing_get_for_viewer(viewer=request.user, pk=pk)


class ProofreadForm(BootstrapFormMixin, forms.Form):
    proofreader = forms.ModelChoiceField(label=_("校对人"), queryset=User.objects.none())

    def __init__(self, *args, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proofreader"].queryset = User.objects.filter(
            positions__org=department, positions__end_date__isnull=True
        ).distinct()
        self.fields["proofreader"].label_from_instance = lambda u: u.display_name


def _after_signing(request, document):
    """The drafting department's proofreading, and the office's filing."""
    which = request.POST.get("form") if request.method == "POST" else None
    proofread = file = None
    if (
        document.number_id
        and not document.proofreader_id
        and definitions.department_of(request.user) == document.department
    ):
        proofread = ProofreadForm(
            request.POST if which == "proofread" else None, department=document.department
        )
    if (
        document.number_id
        and not ArchiveEntry.objects.filter(outgoing=document).exists()
        and request.user.has_perm(archives.FILE)
    ):
        file = FileForm(request.POST if which == "file" else None)
    form = {"proofread": proofread, "file": file}.get(which or "")
    if form is not None and form.is_valid():
        try:
            if which == "proofread":
                outgoing.outgoing_proofread(
                    actor=request.user,
                    document=document,
                    proofreader=form.cleaned_data["proofreader"],
                )
                messages.success(request, _("已记录校对人，底稿、签发稿和印制件已送办公室存档"))
            else:
                archives.archive_file(
                    actor=request.user,
                    retention=form.cleaned_data["retention"],
                    outgoing=document,
                )
                messages.success(request, _("已归档"))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            return None, redirect("office:outgoing", pk=document.pk)
    return {"proofread": proofread, "file": file}, None


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
    after, response = _after_signing(request, document)
    if response is not None:
        return response
    form = None
    if request.POST.get("form"):
        pass  # a proofreading or filing form, handled above
    elif document.drafted_by_id == request.user.pk and document.process.state == "returned":
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
            "after": after,
            "copies": document.archive_copies.all(),
            "entry": ArchiveEntry.objects.filter(outgoing=document).first(),
            "log": document.process.log.select_related("actor", "on_behalf_of", "task"),
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
