from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fulian.orgs.models import Org

from .models import Post, Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败5次，账号将被锁定。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)


class PositionForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("组织"),
        queryset=Org.objects.none(),
        widget=forms.NumberInput,
        help_text=_("组织编号（在组织网络中查看）"),
    )
    role = forms.ModelChoiceField(label=_("角色"), queryset=Role.objects.none())
    post = forms.ChoiceField(label=_("职务类别"), choices=Post.choices)
    title = forms.CharField(label=_("职务名称"), max_length=50, required=False)
    start_date = forms.DateField(
        label=_("任职开始"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, orgs, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["role"].queryset = roles
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
