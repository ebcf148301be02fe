from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.cases.models import Category
from fulian.core.forms import BootstrapFormMixin
from fulian.orgs.models import OrgKind

from .services import areas


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Towns indented under their county, so a phone's picker reads as a tree.
        return ("　" + obj.name) if obj.kind == OrgKind.TOWN else obj.name


class HelpForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("您的姓名（可只填姓）"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    area = AreaChoiceField(label=_("您所在的地区"), queryset=areas(), empty_label=_("请选择"))
    category = forms.ModelChoiceField(
        label=_("遇到的问题"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("请选择"),
    )
    summary = forms.CharField(
        label=_("请简要说明情况和您的诉求"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    answer = forms.CharField(
        label=_("验证"), max_length=3, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    token = forms.CharField(widget=forms.HiddenInput)
    # Left empty by people; filled by naive robots.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


class StatusForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone_last4 = forms.CharField(
        label=_("手机号后四位"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
