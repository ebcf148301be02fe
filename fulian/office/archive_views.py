"""Archive pages: the list, an entry with its lending register, the filing checklist,
loans; and the search over outgoing, incoming and archived documents together."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.accounts.models import User
from fulian.accounts.scope import require
from fulian.core.errors import error_text
from fulian.core.forms import BootstrapFormMixin, DateInput
from fulian.core.lists import Column, ListPage

from . import archives, incoming, selectors
from .incoming_views import STATES, _department_choices, _federation
from .models import Retention

RETENTIONS = [("", _("全部期限")), *Retention.choices]


class ArchiveList(ListPage):
    title = _("档案")
    export_name = "archives"
    template_name = "office/archive_list.html"
    columns = [
        Column("code", _("档号"), link=lambda e: reverse("office:archive", args=[e.pk])),
        Column("title", _("题名")),
        Column("doc_number", _("文号")),
        Column("department__name", _("部室")),
        Column("retention", _("保管期限"), value=lambda e: e.get_retention_display()),
        Column("filed_at", _("归档时间")),
    ]

    def get_queryset(self):
        return selectors.archive_search(viewer=self.request.user, filters=self.request.GET)

    def get_extra_context(self):
        return {
            "states": RETENTIONS,
            "state_label": _("保管期限"),
            "departments": _department_choices(_federation(self.request.user)),
        }


class LendForm(BootstrapFormMixin, forms.Form):
    borrower = forms.CharField(label=_("借阅人账号（本会工作人员）"), max_length=150)
    purpose = forms.CharField(label=_("借阅事由"), max_length=200)
    due_on = forms.DateField(label=_("应还日期"), widget=DateInput())


class ExternalForm(BootstrapFormMixin, forms.Form):
    borrower_org = forms.CharField(label=_("借阅单位"), max_length=100)
    borrower_name = forms.CharField(label=_("借阅人姓名"), max_length=50)
    letter = forms.FileField(label=_("单位介绍信（必传）"), required=False)
    purpose = forms.CharField(label=_("借阅事由"), max_length=200)
    due_on = forms.DateField(label=_("应还日期"), widget=DateInput())


@login_required
def entry_detail(request, pk):
    entry = selectors.archive_get_for_viewer(viewer=request.user, pk=pk)
    can_lend = request.user.has_perm(archives.LEND)
    which = request.POST.get("form") if request.method == "POST" else None
    lend = LendForm(request.POST if which == "lend" else None)
    external = ExternalForm(
        request.POST if which == "external" else None,
        request.FILES if which == "external" else None,
    )
    if can_lend and which in ("lend", "external", "return"):
        try:
            if which == "return":
                loan = selectors.loan_get_for_viewer(
                    viewer=request.user, pk=request.POST.get("loan")
                )
                archives.loan_return(actor=request.user, loan=loan)
                messages.success(request, _("已登记归还"))
                return redirect("office:archive", pk=entry.pk)
            form = lend if which == "lend" else external
            if form.is_valid():
                data = form.cleaned_data
                if which == "lend":
                    borrower = User.objects.filter(
                        username=data["borrower"].strip(), is_active=True
                    ).first()
                    if borrower is None:
                        raise ValidationError(_("找不到该借阅人账号"))
                    archives.loan_lend(
                        actor=request.user,
                        entry=entry,
                        borrower=borrower,
                        purpose=data["purpose"],
                        due_on=data["due_on"],
                    )
                    messages.success(request, _("已登记借阅"))
                else:
                    archives.loan_request_external(
                        actor=request.user,
                        entry=entry,
                        borrower_name=data["borrower_name"],
                        borrower_org=data["borrower_org"],
                        letter=data["letter"],
                        purpose=data["purpose"],
                        due_on=data["due_on"],
                    )
                    messages.success(request, _("已送办公室负责人审批"))
                return redirect("office:archive", pk=entry.pk)
        except (ValidationError, PermissionDenied) as exc:
            (lend if which == "lend" else external).add_error(None, error_text(exc))
    return render(
        request,
        "office/archive_detail.html",
        {
            "title": entry.code,
            "entry": entry,
            "loans": entry.loans.select_related("borrower", "process", "registered_by"),
            "copies": entry.outgoing.archive_copies.all() if entry.outgoing_id else [],
            "can_lend": can_lend,
            "busy": archives.on_loan(entry),
            "lend_form": lend,
            "external_form": external,
            "today": timezone.localdate(),
        },
    )


class LoanList(ListPage):
    title = _("借阅登记")
    export_name = "archive-loans"
    columns = [
        Column(
            "entry__code",
            _("档号"),
            link=lambda loan: reverse("office:archive", args=[loan.entry_id]),
        ),
        Column("borrower_name", _("借阅人")),
        Column("borrower_org", _("借阅单位")),
        Column("purpose", _("借阅事由")),
        Column("lent_on", _("借出日期")),
        Column("due_on", _("应还日期")),
        Column("returned_on", _("归还日期")),
        Column("state", _("状态"), value=lambda loan: loan_state(loan)),
    ]

    def get_queryset(self):
        return selectors.loans_visible_to(viewer=self.request.user)


def loan_state(loan) -> str:
    if loan.returned_on:
        return str(_("已归还"))
    if loan.lent_on is None:
        if loan.process and loan.process.state == "rejected":
            return str(_("未批准"))
        return str(_("待审批"))
    if loan.due_on < timezone.localdate():
        return str(_("逾期未还"))
    return str(_("借出中"))


@login_required
def checklist(request):
    """The filing checklist: per department, what of the year is still unfiled."""
    federation = _federation(request.user)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    if federation is None:
        raise PermissionDenied
    require(request.user, archives.VIEW, federation)
    return render(
        request,
        "office/archive_checklist.html",
        {
            "title": _("%(year)s年度归档清单") % {"year": year},
            "year": year,
            "checklist": archives.unfiled(federation, year),
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
        },
    )


def _search_rows(user, filters) -> list[dict]:
    kind = filters.get("kind") or ""
    rows: list[dict] = []
    if kind in ("", "outgoing"):
        rows += [
            {
                "kind": _("发文"),
                "year": d.created_at.year,
                "number": d.number.text if d.number else "",
                "title": d.title,
                "department": d.department.name,
                "state": d.process.get_state_display() if d.process else "",
                "url": reverse("office:outgoing", args=[d.pk]),
            }
            for d in selectors.outgoing_search(viewer=user, filters=filters)[:500]
        ]
    if kind in ("", "incoming"):
        rows += [
            {
                "kind": _("收文"),
                "year": d.received_on.year,
                "number": d.receipt_number.text,
                "title": d.title,
                "department": d.source_org,
                "state": incoming.incoming_state(d),
                "url": reverse("office:incoming", args=[d.pk]),
            }
            for d in selectors.incoming_search(viewer=user, filters=filters)[:500]
        ]
    if kind in ("", "archive"):
        archive_filters = {k: v for k, v in filters.items() if k != "state"}
        rows += [
            {
                "kind": _("档案"),
                "year": e.year,
                "number": e.code,
                "title": e.title,
                "department": e.department.name,
                "state": e.get_retention_display(),
                "url": reverse("office:archive", args=[e.pk]),
            }
            for e in selectors.archive_search(viewer=user, filters=archive_filters)[:500]
        ]
    return rows


class DocumentSearch(ListPage):
    """公文检索: outgoing, incoming and archive together, by year, number, title, department."""

    title = _("公文检索")
    export_name = "documents"
    template_name = "office/documents.html"
    columns = [
        Column("kind", _("类别"), value=lambda r: r["kind"]),
        Column("year", _("年度"), value=lambda r: r["year"]),
        Column("number", _("编号"), value=lambda r: r["number"]),
        Column("title", _("标题"), value=lambda r: r["title"], link=lambda r: r["url"]),
        Column("department", _("部室/来文单位"), value=lambda r: r["department"]),
        Column("state", _("状态"), value=lambda r: r["state"]),
    ]

    def get_queryset(self):
        return _search_rows(self.request.user, self.request.GET)

    def get_extra_context(self):
        return {
            "states": STATES,
            "departments": _department_choices(_federation(self.request.user)),
            "kinds": [
                ("", _("全部")),
                ("outgoing", _("发文")),
                ("incoming", _("收文")),
                ("archive", _("档案")),
            ],
        }
