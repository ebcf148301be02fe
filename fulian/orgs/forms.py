from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core.forms import BootstrapFormMixin

from .models import Org, OrgKind, UrbanRural


class OrgCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    code = forms.CharField(
        label=_("区划代码"),
        max_length=64,
        required=False,
        help_text=_("行政区划组织填写12位统计用区划代码；其他组织留空自动生成"),
    )
    short_name = forms.CharField(label=_("简称"), max_length=20, required=False)
    urban_rural = forms.ChoiceField(
        label=_("城乡分类"), required=False, choices=[("", "—"), *list(UrbanRural.choices)]
    )
    has_federation = forms.BooleanField(label=_("已建妇女组织"), required=False, initial=True)


class OrgEditForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Org
        fields = ["name", "short_name", "code", "urban_rural", "has_federation"]


class OrgMoveForm(BootstrapFormMixin, forms.Form):
    new_parent = forms.IntegerField(
        label=_("新上级组织编号"), help_text=_("在组织详情页可看到编号")
    )
    new_code = forms.CharField(
        label=_("新区划代码"),
        max_length=12,
        required=False,
        help_text=_("行政区划组织跨上级调整时填写"),
    )


class OrgCloseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class OrgImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
