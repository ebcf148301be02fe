"""Forms only parse; the services validate and write."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core.filters import BootstrapFilterSet
from fulian.core.forms import BootstrapFormMixin, DateInput
from fulian.orgs.models import Org, OrgKind

from .models import (
    Case,
    Category,
    Channel,
    ContactState,
    LegalAidKind,
    MediationOutcome,
    PartyRole,
    ReferralAgency,
    RiskLevel,
    Satisfaction,
)


class VillageField(forms.ModelChoiceField):
    """A village picked by its 12-digit division code or name (the list is thousands long)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(queryset=Org.objects.filter(kind=OrgKind.VILLAGE), **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        found = self.queryset.filter(code=value).first() or self.queryset.filter(name=value).first()
        if found is None:
            raise forms.ValidationError(_("找不到该村（社区），请输入12位区划代码或完整名称"))
        return found

    def prepare_value(self, value):
        if isinstance(value, Org):
            return value.code
        return super().prepare_value(value)


class IntakeForm(BootstrapFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices)
    category = forms.ModelChoiceField(
        label=_("案件类别"), queryset=Category.objects.filter(is_active=True)
    )
    name = forms.CharField(label=_("当事人姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18)
    area = VillageField(label=_("所在村（社区）（区划代码或名称）"), required=False)
    received_on = forms.DateField(label=_("受理日期"), required=False, widget=DateInput())
    summary = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}))
    respondent_name = forms.CharField(label=_("对方当事人姓名"), required=False, max_length=50)
    respondent_id = forms.CharField(label=_("对方当事人身份证号"), required=False, max_length=18)
    is_major = forms.BooleanField(label=_("重大事项（报告领导）"), required=False)
    answer_now = forms.CharField(
        label=_("当场答复（能当场解答的填写答复内容，即办结）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HotlineForm(BootstrapFormMixin, forms.Form):
    """What an operator types while on the call: the rest is filled in later."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[(Channel.HOTLINE, Channel.HOTLINE.label), (Channel.PHONE, Channel.PHONE.label)],
    )
    category = forms.ModelChoiceField(
        label=_("案件类别"), queryset=Category.objects.filter(is_active=True)
    )
    name = forms.CharField(label=_("来电人姓名"), max_length=50)
    phone = forms.CharField(label=_("来电号码"), required=False, max_length=20)
    summary = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_now = forms.CharField(
        label=_("当场答复（填写即办结）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseFilter(BootstrapFilterSet):
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ContactState.choices)
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.filter(is_active=True)
    )

    class Meta:
        model = Case
        fields = []


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(BootstrapFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("当事人满意度"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("办结情况"), widget=forms.Textarea(attrs={"rows": 2}))


class MediationForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label=_("调解日期"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("结果"), choices=MediationOutcome.choices)
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    participants = forms.CharField(label=_("参加人员"), required=False, max_length=200)
    notes = forms.CharField(label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 2}))


class LegalAidForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("援助方式"), choices=LegalAidKind.choices)
    given_on = forms.DateField(label=_("日期"), widget=DateInput())
    provider = forms.CharField(label=_("承办律师/机构"), required=False, max_length=100)
    note = forms.CharField(
        label=_("情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralForm(BootstrapFormMixin, forms.Form):
    agency = forms.ChoiceField(label=_("转介单位类别"), choices=ReferralAgency.choices)
    agency_name = forms.CharField(label=_("接收单位"), max_length=100)
    referred_on = forms.DateField(label=_("转介日期"), widget=DateInput())
    reason = forms.CharField(label=_("转介事由"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferralOutcomeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome_on = forms.DateField(label=_("反馈日期"), widget=DateInput())


class FollowUpForm(BootstrapFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=DateInput())
    note = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(BootstrapFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    area = VillageField(label=_("所在村（社区）（区划代码或名称）"), required=False)


class PartyForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=PartyRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)


class RiskEntryForm(BootstrapFormMixin, forms.Form):
    org = VillageField(label=_("所在村（社区）（区划代码或名称）"))
    household = forms.CharField(label=_("家庭/对象"), max_length=50)
    situation = forms.CharField(label=_("风险情形"), widget=forms.Textarea(attrs={"rows": 3}))
    risk_level = forms.TypedChoiceField(label=_("风险等级"), choices=RiskLevel.choices, coerce=int)
    screening_every_days = forms.IntegerField(
        label=_("排查周期（天）"), min_value=1, max_value=365, initial=30
    )


class ScreeningForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label=_("排查日期"), widget=DateInput())
    risk_level = forms.TypedChoiceField(
        label=_("排查后风险等级"), choices=RiskLevel.choices, coerce=int
    )
    note = forms.CharField(label=_("排查情况"), widget=forms.Textarea(attrs={"rows": 2}))


class EnquiryForm(BootstrapFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[
            (Channel.VISIT, Channel.VISIT.label),
            (Channel.LETTER, Channel.LETTER.label),
            (Channel.PHONE, Channel.PHONE.label),
        ],
    )
    title = forms.CharField(label=_("事由"), max_length=100)
    caller_name = forms.CharField(label=_("来访（来电）人"), max_length=50)
    caller_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    received_on = forms.DateField(label=_("受理日期"), required=False, widget=DateInput())
    summary = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_now = forms.CharField(
        label=_("当场答复（填写即办结）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CategoryForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "order", "is_active", "hides_names"]
