from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core.forms import BootstrapFormMixin, DateInput

from .models import HalfDay, LeaveKind


class LeaveForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("请假类型"), choices=LeaveKind.choices)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    start_half = forms.ChoiceField(
        label=_("开始时段"), choices=HalfDay.choices, initial=HalfDay.MORNING
    )
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    end_half = forms.ChoiceField(
        label=_("结束时段"), choices=HalfDay.choices, initial=HalfDay.AFTERNOON
    )
    reason = forms.CharField(
        label=_("事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    certificate = forms.FileField(label=_("医院证明（病假必传）"), required=False)
