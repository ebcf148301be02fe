from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core.forms import BootstrapFormMixin, DateInput
from fulian.orgs.models import Org

from .models import Category, Education, Gender, LegalBasis, RelationKind, Tag


class PersonForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = forms.ModelChoiceField(label=_("所属村（社区）"), queryset=Org.objects.none())
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        help_text=_("填写后自动带出出生日期和性别，并用于查重"),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    category = forms.ChoiceField(label=_("人员类别"), choices=Category.choices)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput())
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False, initial="汉族")
    education = forms.ChoiceField(
        label=_("文化程度"), required=False, choices=[("", "—"), *Education.choices]
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    household_notes = forms.CharField(
        label=_("家庭情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.ChoiceField(label=_("处理依据"), choices=LegalBasis.choices)
    consent_date = forms.DateField(label=_("同意日期"), required=False, widget=DateInput())
    consent_scope = forms.CharField(label=_("同意范围"), max_length=200, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("标签"),
        required=False,
        queryset=Tag.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    guardian = forms.IntegerField(
        label=_("监护人编号"),
        required=False,
        help_text=_("未满14周岁的儿童必填：监护人在系统中的编号"),
    )
    guardian_kind = forms.ChoiceField(
        label=_("监护人关系"),
        choices=RelationKind.choices,
        initial=RelationKind.MOTHER,
        required=False,
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("已核对，不是上述人员，仍然登记"), required=False
    )

    def __init__(self, *args, orgs, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if editing:
            for name in ("tags", "guardian", "guardian_kind", "confirm_not_duplicate"):
                del self.fields[name]


class TagAddForm(BootstrapFormMixin, forms.Form):
    tag = forms.ModelChoiceField(
        label=_("标签"), queryset=Tag.objects.filter(is_active=True), empty_label=_("选择标签")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RelationForm(BootstrapFormMixin, forms.Form):
    relative = forms.IntegerField(label=_("亲属编号"))
    kind = forms.ChoiceField(label=_("是本人的"), choices=RelationKind.choices)
    is_guardian = forms.BooleanField(label=_("监护人"), required=False)


class TagForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=30)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    order = forms.IntegerField(label=_("排序"), initial=0, min_value=0)
