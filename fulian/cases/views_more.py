"""Figures, the risk register, office enquiries and the category dictionary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fulian.accounts.models import User
from fulian.core.errors import error_text
from fulian.core.lists import Column, ListPage

from . import enquiries, first_contact, forms, risk, selectors
from .figures import case_figures
from .models import Category, ScreeningVisit
from .tokens import FormToken
from .views import _add_errors


@login_required
@permission_required("cases.view_case_figures", raise_exception=True)
def figures(request):
    today = timezone.localdate()
    start = parse_date(request.GET.get("start", "")) or today.replace(month=1, day=1)
    end = parse_date(request.GET.get("end", "")) or today
    if end < start:
        start, end = end, start
    return render(
        request,
        "cases/figures.html",
        {
            "title": _("维权统计"),
            "start": start,
            "end": end,
            "figures": case_figures(viewer=request.user, start=start, end=end),
        },
    )


# --- risk register ------------------------------------------------------------------


class RiskList(ListPage):
    title = gettext_lazy("预警排查")
    template_name = "cases/risk_list.html"
    export_name = "risk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.view_riskentry"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.risk_entries_visible_to(viewer=self.request.user).filter(is_active=True)

    def get_columns(self):
        return [
            Column("org__name", _("村（社区）"), link=lambda e: f"/cases/risk/{e.pk}/"),
            Column("household", _("家庭/对象"), masked="name"),
            Column("risk_level", _("风险等级"), value=lambda e: e.get_risk_level_display()),
            Column("screening_every_days", _("排查周期（天）")),
            Column("created_at", _("登记时间")),
        ]

    def get_extra_context(self):
        return {
            "my_visits": selectors.screening_visits_for(viewer=self.request.user)[:50],
            "can_add": self.request.user.has_perm("cases.add_riskentry"),
        }


@login_required
@permission_required("cases.add_riskentry", raise_exception=True)
def risk_new(request):
    form = forms.RiskEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = risk.risk_entry_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已登记，已安排村（社区）妇联主席排查"))
            return redirect("cases:risk_detail", pk=entry.pk)
    return render(request, "cases/simple_form.html", {"title": _("登记风险排查对象"), "form": form})


@login_required
def risk_detail(request, pk):
    entry = selectors.risk_entry_get_for_viewer(viewer=request.user, entry_id=pk)
    return render(
        request,
        "cases/risk_detail.html",
        {
            "title": _("风险排查对象"),
            "entry": entry,
            "visits": entry.visits.select_related("assignee"),
            "form": forms.ScreeningForm(initial={"done_on": timezone.localdate()}),
        },
    )


@require_POST
@login_required
def screening_record(request, pk):
    visit = get_object_or_404(
        ScreeningVisit.objects.select_related("entry", "entry__org"), pk=pk, assignee=request.user
    )
    form = forms.ScreeningForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请完整填写排查日期、风险等级和排查情况"))
        risk.screening_visit_record(actor=request.user, visit=visit, **form.cleaned_data)
        messages.success(request, _("已登记排查"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("cases:risk_detail", pk=visit.entry_id)


# --- office enquiries (来电来函来访) -------------------------------------------------------


class EnquiryList(ListPage):
    title = gettext_lazy("来电来函来访")
    template_name = "cases/enquiry_list.html"
    export_name = "enquiries"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.view_enquiry"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.enquiries_visible_to(viewer=self.request.user)

    def get_columns(self):
        return [
            Column("title", _("事由"), link=lambda e: f"/cases/enquiries/{e.pk}/"),
            Column("received_on", _("受理日期")),
            Column("channel", _("来源渠道"), value=lambda e: e.get_channel_display()),
            Column("caller_name", _("来访（来电）人"), masked="name"),
            Column(
                "responsible",
                _("第一责任人"),
                value=lambda e: e.responsible.display_name if e.responsible else "",
            ),
            Column("reply_due", _("答复时限")),
            Column("state", _("状态"), value=lambda e: e.get_state_display()),
            Column("overdue", _("超期"), value=lambda e: e.is_overdue),
        ]

    def get_extra_context(self):
        return {"can_add": self.request.user.has_perm("cases.handle_enquiry")}


@login_required
@permission_required("cases.add_enquiry", raise_exception=True)
def enquiry_new(request):
    if request.method == "POST":
        form = forms.EnquiryForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            token = FormToken("enquiry", data.pop("form_token"))
            if token.existing():
                messages.warning(request, _("该表单已经提交过，请勿重复提交"))
                return redirect("cases:enquiry_detail", pk=token.existing())
            try:
                with token.claim():
                    enquiry = enquiries.enquiry_receive(actor=request.user, **data)
                    token.remember(enquiry.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("已登记"))
                return redirect("cases:enquiry_detail", pk=enquiry.pk)
    else:
        form = forms.EnquiryForm(initial={"form_token": FormToken.new()})
    return render(request, "cases/simple_form.html", {"title": _("登记来电来函来访"), "form": form})


@login_required
def enquiry_detail(request, pk):
    enquiry = selectors.enquiry_get_for_viewer(viewer=request.user, enquiry_id=pk)
    task = first_contact.open_task(enquiry)
    return render(
        request,
        "cases/enquiry_detail.html",
        {
            "title": enquiry.title,
            "enquiry": enquiry,
            "task": task,
            "is_responsible": task is not None and task.assignee_id == request.user.pk,
        },
    )


@require_POST
@login_required
def enquiry_action(request, pk, action):
    enquiry = selectors.enquiry_get_for_viewer(viewer=request.user, enquiry_id=pk)
    post = request.POST
    try:
        if action == "reply":
            enquiries.enquiry_reply(actor=request.user, enquiry=enquiry, text=post.get("text", ""))
        elif action == "extend":
            enquiries.enquiry_extend(
                actor=request.user, enquiry=enquiry, reason=post.get("reason", "")
            )
        elif action == "transfer":
            to = User.objects.filter(username=post.get("to", "").strip(), is_active=True).first()
            enquiries.enquiry_transfer(
                actor=request.user, enquiry=enquiry, to=to, reason=post.get("reason", "")
            )
        else:
            raise Http404
        messages.success(request, _("已办理"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    if not selectors.enquiries_visible_to(viewer=request.user).filter(pk=enquiry.pk).exists():
        return redirect("cases:enquiry_list")
    return redirect("cases:enquiry_detail", pk=enquiry.pk)


# --- the category dictionary ------------------------------------------------------------


@login_required
@permission_required("cases.change_category", raise_exception=True)
def category_list(request, pk=None):
    instance = get_object_or_404(Category, pk=pk) if pk else None
    form = forms.CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        from fulian.core import audit

        with audit.acting_as(request.user):
            form.save()
        messages.success(request, _("已保存"))
        return redirect("cases:category_list")
    return render(
        request,
        "cases/category_list.html",
        {
            "title": _("案件类别"),
            "categories": Category.objects.all(),
            "form": form,
            "editing": instance,
        },
    )
