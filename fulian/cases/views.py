"""Case pages: list, intake (full and hotline), the case page with its timeline, actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fulian.accounts.models import User
from fulian.core import audit
from fulian.core.errors import error_text
from fulian.core.lists import Column, ListPage
from fulian.core.masking import mask_name

from . import first_contact, forms, handling, selectors, services
from .models import Case, ContactState, Referral
from .tokens import FormToken


def _shown_name(case: Case, *, hide_dv: bool, masked: bool) -> str:
    if hide_dv and case.category.hides_names:
        return _("（已隐藏）")
    return mask_name(case.name) if masked else case.name


class CaseList(ListPage):
    title = gettext_lazy("维权案件")
    template_name = "cases/case_list.html"
    filterset_class = forms.CaseFilter
    export_name = "cases"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.view_case"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def export_masked(self) -> bool:
        return not (
            self.request.GET.get("unmasked") == "1"
            and self.request.user.has_perm("cases.reveal_case")
        )

    def get_queryset(self):
        return selectors.cases_search(viewer=self.request.user, text=self.request.GET.get("q", ""))

    def get_columns(self) -> list[Column]:
        # Domestic-violence names stay hidden unless she asks; any name shown is masked
        # unless an unmasked export is allowed.
        hide_dv = self.request.GET.get("show_names") != "1"
        masked = self.export_masked
        return [
            Column("number", _("案件编号"), link=lambda c: f"/cases/{c.pk}/"),
            Column("received_on", _("受理日期")),
            Column("channel", _("来源渠道"), value=lambda c: c.get_channel_display()),
            Column("category__name", _("类别")),
            Column(
                "name", _("当事人"), value=lambda c: _shown_name(c, hide_dv=hide_dv, masked=masked)
            ),
            Column("org__name", _("承办组织")),
            Column(
                "responsible",
                _("第一责任人"),
                value=lambda c: c.responsible.display_name if c.responsible else _("待认领"),
            ),
            Column("reply_due", _("答复时限")),
            Column("state", _("状态"), value=lambda c: c.get_state_display()),
            Column("overdue", _("超期"), value=lambda c: c.is_overdue),
        ]

    def get_extra_context(self) -> dict:
        return {
            "q": self.request.GET.get("q", ""),
            "show_names": self.request.GET.get("show_names") == "1",
            "can_reveal": self.request.user.has_perm("cases.reveal_case"),
        }


def _intake(data: dict, *, full: bool) -> services.Intake:
    parties = []
    if full and data.get("respondent_name"):
        parties.append(("respondent", data["respondent_name"], data.get("respondent_id", "")))
    return services.Intake(
        channel=data["channel"],
        category=data["category"],
        name=data["name"],
        phone=data.get("phone", ""),
        summary=data["summary"],
        id_number=data.get("id_number", "") if full else "",
        area=data.get("area") if full else None,
        received_on=data.get("received_on") if full else None,
        answer_now=data.get("answer_now", ""),
        is_major=bool(data.get("is_major")) if full else False,
        parties=parties,
    )


def _receive(request, form_class, template: str, title, *, full: bool):
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            token = FormToken("case", form.cleaned_data.get("form_token"))
            existing = token.existing()
            if existing:
                messages.warning(request, _("该表单已经提交过，请勿重复提交"))
                return redirect("cases:case_detail", pk=existing)
            try:
                with token.claim():
                    case = services.case_receive(
                        actor=request.user, data=_intake(form.cleaned_data, full=full)
                    )
                    token.remember(case.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                if case.state == ContactState.CLOSED:
                    messages.success(request, _("已登记并当场答复办结：%(n)s") % {"n": case.number})
                else:
                    messages.success(
                        request,
                        _("已受理 %(n)s，您是第一责任人，请于 %(d)s 前答复")
                        % {"n": case.number, "d": case.reply_due.isoformat()},
                    )
                return redirect("cases:case_detail", pk=case.pk)
    else:
        form = form_class(initial={"form_token": FormToken.new()})
    return render(request, template, {"title": title, "form": form})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, "；".join(errors))
    else:
        form.add_error(None, error_text(exc))


@login_required
@permission_required("cases.add_case", raise_exception=True)
def case_new(request):
    return _receive(request, forms.IntakeForm, "cases/case_form.html", _("登记维权案件"), full=True)


@login_required
@permission_required("cases.add_case", raise_exception=True)
def hotline(request):
    return _receive(
        request, forms.HotlineForm, "cases/hotline_form.html", _("热线快速登记"), full=False
    )


@login_required
def case_detail(request, pk):
    case = selectors.case_get_for_viewer(viewer=request.user, case_id=pk)
    audit.record_view(case, fields=("name", "phone", "summary"), actor=request.user)
    task = first_contact.open_task(case)
    is_handler = services.is_handler(request.user, case)
    is_responsible = task is not None and task.assignee_id == request.user.pk
    return render(
        request,
        "cases/case_detail.html",
        {
            "title": case.number,
            "case": case,
            "task": task,
            "is_handler": is_handler,
            "is_responsible": is_responsible,
            "can_handle": is_handler or case.responsible_id == request.user.pk,
            "pending_transfer": selectors.pending_transfer_for(viewer=request.user, case=case),
            "timeline": selectors.case_timeline(case=case),
            "parties": case.parties.select_related("person"),
            "referrals": case.referrals.all(),
            "accesses": selectors.case_accesses(case=case),
            "today": timezone.localdate(),
            "forms": {
                "reply": forms.ReplyForm(),
                "reason": forms.ReasonForm(),
                "close": forms.CloseForm(),
                "mediation": forms.MediationForm(),
                "legal_aid": forms.LegalAidForm(),
                "referral": forms.ReferralForm(),
                "referral_outcome": forms.ReferralOutcomeForm(),
                "follow_up": forms.FollowUpForm(),
                "link": forms.LinkForm(),
                "party": forms.PartyForm(),
            },
        },
    )


@login_required
def case_viewers(request, pk):
    """谁看过: one click from the case page; only for those who may open the case."""
    case = selectors.case_get_for_viewer(viewer=request.user, case_id=pk)
    return render(
        request,
        "cases/case_viewers.html",
        {
            "title": _("谁看过 %(n)s") % {"n": case.number},
            "case": case,
            "events": selectors.case_viewers(case=case).select_related("org")[:500],
            "accesses": selectors.case_accesses(case=case),
        },
    )


def _user(username: str) -> User | None:
    return User.objects.filter(username=(username or "").strip(), is_active=True).first()


def _bound(form_class, request):
    form = form_class(request.POST)
    if not form.is_valid():
        parts = []
        for name, errors in form.errors.items():
            label = f"{form.fields[name].label}：" if name in form.fields else ""
            parts.append(label + "；".join(errors))
        raise ValidationError("；".join(parts))
    return form.cleaned_data


def _act(request, case: Case, action: str) -> str:
    user, post = request.user, request.POST
    if action == "claim":
        services.case_claim(actor=user, case=case)
        return _("已认领，您是该案件的第一责任人")
    if action == "reply":
        services.case_reply(actor=user, case=case, text=post.get("text", ""))
        return _("已答复")
    if action == "extend":
        services.case_extend(actor=user, case=case, reason=post.get("reason", ""))
        return _("答复时限已延长至 %(d)s") % {"d": case.reply_due.isoformat()}
    if action == "transfer":
        services.case_transfer(
            actor=user, case=case, to=_user(post.get("to", "")), reason=post.get("reason", "")
        )
        return _("已转办")
    if action == "accept":
        services.case_transfer_accept(actor=user, case=case)
        return _("已接收转办")
    if action == "reject":
        services.case_transfer_reject(actor=user, case=case, note=post.get("reason", ""))
        return _("已退回转办")
    if action == "escalate":
        leaders = services.case_escalate(actor=user, case=case, reason=post.get("reason", ""))
        return _("已报告领导：%(n)s") % {"n": "、".join(u.display_name for u in leaders) or "—"}
    if action == "grant":
        services.case_access_grant(
            actor=user, case=case, user=_user(post.get("to", "")), reason=post.get("reason", "")
        )
        return _("已授权查看")
    if action == "end_access":
        access = case.accesses.filter(pk=post.get("access") or 0, ended_at=None).first()
        if access is None:
            raise Http404
        services.case_access_end(actor=user, access=access)
        return _("已结束授权")
    if action == "link":
        data = _bound(forms.LinkForm, request)
        services.case_link_woman(
            actor=user, case=case, id_number=data["id_number"], area=data["area"]
        )
        return _("已关联人员档案")
    if action == "party":
        data = _bound(forms.PartyForm, request)
        services.case_party_add(actor=user, case=case, **data)
        return _("已添加关系人")
    if action == "close":
        data = _bound(forms.CloseForm, request)
        services.case_close(
            actor=user, case=case, note=data["note"], satisfaction=data["satisfaction"]
        )
        return _("已办结")
    if action == "mediation":
        handling.mediation_add(actor=user, case=case, **_bound(forms.MediationForm, request))
        return _("已登记调解")
    if action == "legal_aid":
        handling.legal_aid_add(actor=user, case=case, **_bound(forms.LegalAidForm, request))
        return _("已登记法律援助")
    if action == "referral":
        handling.referral_add(actor=user, case=case, **_bound(forms.ReferralForm, request))
        return _("已登记转介")
    if action == "referral_outcome":
        referral = Referral.objects.filter(case=case, pk=post.get("referral") or 0).first()
        if referral is None:
            raise Http404
        handling.referral_outcome(
            actor=user, referral=referral, **_bound(forms.ReferralOutcomeForm, request)
        )
        return _("已登记接收单位反馈")
    if action == "follow_up":
        handling.follow_up_add(actor=user, case=case, **_bound(forms.FollowUpForm, request))
        return _("已登记回访")
    raise Http404


@require_POST
@login_required
def case_action(request, pk, action):
    case = selectors.case_get_for_viewer(viewer=request.user, case_id=pk)
    try:
        messages.success(request, _act(request, case, action))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    # After a transfer she may no longer see it: go to the list rather than a 404.
    if not selectors.cases_visible_to(viewer=request.user).filter(pk=case.pk).exists():
        return redirect("cases:case_list")
    return redirect("cases:case_detail", pk=case.pk)
