"""Incoming-document pages: the list, registration, and the processing slip (处理签)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.accounts.models import Position, Post, User
from fulian.core.errors import error_text
from fulian.core.forms import BootstrapFormMixin, DateInput
from fulian.core.lists import Column, ListPage
from fulian.orgs.models import Org, OrgKind
from fulian.workflow import definitions
from fulian.workflow.models import ProcessState, TaskState

from . import archives, incoming, selectors
from .models import Retention, Secrecy, Urgency

STATES = [
    ("", _("全部状态")),
    (ProcessState.RUNNING, _("办理中")),
    (ProcessState.APPROVED, _("已办结")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _federation(user) -> Org | None:
    department = definitions.department_of(user)
    return department.federation() if department else None


def _department_choices(federation):
    if federation is None:
        return Org.objects.none()
    return Org.objects.filter(parent=federation, kind=OrgKind.DEPARTMENT).order_by("id")


def _leader_choices(federation):
    if federation is None:
        return User.objects.none()
    return User.objects.filter(
        positions__org=federation,
        positions__post__in=[Post.CHAIRWOMAN, Post.VICE_CHAIR],
        positions__end_date__isnull=True,
    ).distinct()


class RoutingForm(BootstrapFormMixin, forms.Form):
    """Who instructs and where it circulates: on registration and at 拟办."""

    leaders = forms.ModelMultipleChoiceField(
        label=_("批示领导"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("传阅部室（依次传阅时按列出的顺序）"),
        queryset=Org.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_order = forms.BooleanField(label=_("依次传阅（否则同时传阅）"), required=False)

    def __init__(self, *args, federation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = _leader_choices(federation)
        self.fields["leaders"].label_from_instance = lambda u: u.display_name
        self.fields["departments"].queryset = _department_choices(federation)
        self.fields["departments"].label_from_instance = lambda o: o.name


class RegisterForm(RoutingForm):
    source_org = forms.CharField(label=_("来文单位"), max_length=100)
    source_number = forms.CharField(label=_("来文字号"), max_length=60, required=False)
    title = forms.CharField(label=_("标题"), max_length=200)
    secrecy = forms.ChoiceField(label=_("密级"), choices=Secrecy.choices, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, required=False)
    received_on = forms.DateField(label=_("收文日期"), widget=DateInput())
    pages = forms.IntegerField(label=_("页数"), min_value=1, initial=1)
    attachments = forms.FileField(
        label=_("扫描件（可多选）"), required=False, widget=MultipleFileInput()
    )

    field_order = [
        "source_org", "source_number", "title", "secrecy", "urgency", "received_on", "pages",
    ]  # fmt: skip


class ProposeForm(RoutingForm):
    proposal = forms.CharField(
        label=_("拟办意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    field_order = ["proposal"]


class InstructForm(BootstrapFormMixin, forms.Form):
    instruction = forms.CharField(
        label=_("批示意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    action_department = forms.ModelChoiceField(
        label=_("督办：承办部室（可选）"), queryset=Org.objects.none(), required=False
    )
    action_text = forms.CharField(label=_("督办：办理要求"), max_length=300, required=False)
    action_due = forms.DateField(label=_("督办：办理期限"), required=False, widget=DateInput())

    def __init__(self, *args, federation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_department"].queryset = _department_choices(federation)
        self.fields["action_department"].label_from_instance = lambda o: o.name


class SignForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("阅文意见"), required=False, max_length=500, widget=forms.TextInput()
    )


class FileForm(BootstrapFormMixin, forms.Form):
    retention = forms.ChoiceField(label=_("保管期限"), choices=Retention.choices)


class IncomingList(ListPage):
    title = _("收文")
    export_name = "incoming"
    template_name = "office/incoming_list.html"
    columns = [
        Column("title", _("标题"), link=lambda d: reverse("office:incoming", args=[d.pk])),
        Column("receipt_number__text", _("收文编号")),
        Column("source_org", _("来文单位")),
        Column("source_number", _("来文字号")),
        Column("received_on", _("收文日期")),
        Column(
            "marks",
            _("密级·缓急"),
            value=lambda d: " · ".join(m for m in (d.secrecy, d.urgency) if m) or "—",
        ),
        Column("state", _("状态"), value=incoming.incoming_state),
    ]

    def get_queryset(self):
        return selectors.incoming_search(viewer=self.request.user, filters=self.request.GET)

    def get_extra_context(self):
        return {
            "can_register": self.request.user.has_perm(incoming.ADD),
            "states": STATES,
            "departments": _department_choices(_federation(self.request.user)),
        }


def _now_open(document, user, steps):
    return document.process.tasks.filter(
        state=TaskState.OPEN, step_key__in=steps, assignee=user
    ).exists()


@login_required
def register(request):
    federation = _federation(request.user)
    form = RegisterForm(
        request.POST or None,
        request.FILES or None,
        federation=federation,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = incoming.incoming_register(
                actor=request.user,
                registration=incoming.Registration(
                    source_org=data["source_org"],
                    source_number=data["source_number"],
                    title=data["title"],
                    secrecy=data["secrecy"],
                    urgency=data["urgency"],
                    received_on=data["received_on"],
                    pages=data["pages"],
                ),
                departments=list(data["departments"]),
                leaders=list(data["leaders"]),
                in_order=data["in_order"],
                attachments=request.FILES.getlist("attachments"),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(
                request, _("已登记，收文编号 %(n)s") % {"n": document.receipt_number.text}
            )
            return redirect("office:incoming", pk=document.pk)
    return render(request, "office/incoming_form.html", {"title": _("登记收文"), "form": form})


def _act(request, document, form, call, done):
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
            return None
        messages.success(request, done)
        return redirect("office:incoming", pk=document.pk)
    return None


@login_required
def detail(request, pk):
    """The processing slip (处理签): registration, 拟办, 批示, 传阅, 督办 and history."""
    document = selectors.incoming_get_for_viewer(viewer=request.user, pk=pk)
    user, federation = request.user, document.org
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    forms_ = {}
    if _now_open(document, user, ("propose",)):
        forms_["propose"] = ProposeForm(
            posted if which == "propose" else None,
            federation=federation,
            initial={
                "leaders": list(document.instructing_leaders.all()),
                "departments": [s.department for s in document.circulation.all()],
                "in_order": document.in_order,
            },
        )
    if _now_open(document, user, ("instruct",)):
        forms_["instruct"] = InstructForm(
            posted if which == "instruct" else None, federation=federation
        )
    if _now_open(document, user, (*incoming.CIRCULATION_STEPS, "file")):
        forms_["sign"] = SignForm(posted if which == "sign" else None)
    can_file = (
        document.process.state == ProcessState.APPROVED
        and getattr(document, "archive_entry", None) is None
        and user.has_perm(archives.FILE)
    )
    if can_file:
        forms_["file"] = FileForm(posted if which == "file" else None)
    response = None
    if which == "propose" and "propose" in forms_:
        response = _act(
            request,
            document,
            forms_["propose"],
            lambda d: incoming.incoming_propose(
                actor=user,
                document=document,
                proposal=d["proposal"],
                leaders=list(d["leaders"]),
                departments=list(d["departments"]),
                in_order=d["in_order"],
            ),
            _("拟办意见已提交"),
        )
    elif which == "instruct" and "instruct" in forms_:
        response = _act(
            request,
            document,
            forms_["instruct"],
            lambda d: _instruct(user, document, d),
            _("批示已提交"),
        )
    elif which == "sign" and "sign" in forms_:
        response = _act(
            request,
            document,
            forms_["sign"],
            lambda d: incoming.incoming_sign(actor=user, document=document, comment=d["comment"]),
            _("已签阅"),
        )
    elif which == "file" and "file" in forms_:
        response = _act(
            request,
            document,
            forms_["file"],
            lambda d: archives.archive_file(
                actor=user, retention=d["retention"], incoming=document
            ),
            _("已归档"),
        )
    if response is not None:
        return response
    return render(request, "office/incoming_detail.html", _slip(document, forms_))


def _instruct(user, document, data):
    actions = []
    if data.get("action_department") or data.get("action_text"):
        if not (data.get("action_department") and data.get("action_text")):
            raise ValidationError(_("督办事项请同时填写承办部室和办理要求"))
        actions.append(
            incoming.NewActionItem(
                data["action_department"], data["action_text"], data.get("action_due")
            )
        )
    return incoming.incoming_instruct(
        actor=user, document=document, instruction=data["instruction"], actions=actions
    )


def _slip(document, forms_) -> dict:
    tasks = list(
        document.process.tasks.select_related("assignee", "acted_by").order_by("created_at", "id")
    )
    # Which department each reader signed for (one query for the slip).
    departments = {
        p.user_id: p.org.name
        for p in Position.objects.current()
        .filter(
            user__in=[t.assignee_id for t in tasks if t.assignee_id],
            org__kind=OrgKind.DEPARTMENT,
        )
        .select_related("org")
    }
    return {
        "title": document.title,
        "document": document,
        "forms": forms_,
        "proposals": [t for t in tasks if t.step_key == "propose"],
        "instructions": [t for t in tasks if t.step_key == "instruct"],
        "readings": [
            (t, departments.get(t.assignee_id, ""))
            for t in tasks
            if t.step_key in (*incoming.CIRCULATION_STEPS, "file")
        ],
        "circulation": document.circulation.select_related("department"),
        "action_items": document.action_items.select_related(
            "department", "assigned_by", "process"
        ),
        "attachments": document.attachments.all(),
        "log": document.process.log.select_related("actor", "on_behalf_of", "task"),
    }
