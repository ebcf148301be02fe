import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fulian.core.errors import error_text
from fulian.core.filters import BootstrapFilterSet
from fulian.core.lists import Column, ListPage
from fulian.orgs.selectors import orgs_visible_to

from . import selectors, services
from .forms import LoginForm, PositionForm, UserCreateForm
from .middleware import SESSION_POSITION_KEY
from .models import Role, User
from .scope import current_positions


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                actor=request.user,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form, "title": _("修改密码")})


@require_POST
@login_required
def switch_position(request):
    wanted = request.POST.get("position")
    chosen = next((p for p in current_positions(request.user) if str(p.pk) == wanted), None)
    if chosen is None:
        messages.error(request, _("无效的岗位"))
    else:
        request.session[SESSION_POSITION_KEY] = chosen.pk
        messages.success(request, _("已切换到 %(org)s") % {"org": chosen.org.name})
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


class UserFilter(BootstrapFilterSet):
    username = django_filters.CharFilter(label=_("用户名"), lookup_expr="icontains")
    full_name = django_filters.CharFilter(label=_("姓名"), lookup_expr="contains")
    is_active = django_filters.BooleanFilter(
        label=_("启用"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )

    class Meta:
        model = User
        fields = []


class UserList(ListPage):
    title = _("用户与岗位")
    export_name = "users"
    filterset_class = UserFilter
    template_name = "accounts/user_list.html"
    columns = [
        Column(
            "username", _("用户名"), link=lambda u: reverse("accounts:user_detail", args=[u.pk])
        ),
        Column("full_name", _("姓名")),
        Column(
            "positions",
            _("岗位"),
            value=lambda u: "；".join(
                f"{p.org.name}·{p.title or p.get_post_display()}" for p in u.positions.all()
            ),
        ),
        Column("is_active", _("启用")),
        Column("last_login", _("最近登录")),
    ]

    def get_queryset(self):
        if not self.request.user.has_perm("accounts.view_user"):
            raise PermissionDenied
        return selectors.users_visible_to(viewer=self.request.user).order_by("username")


@login_required
def user_detail(request, pk):
    if not request.user.has_perm("accounts.view_user"):
        raise PermissionDenied
    target = selectors.user_get_for_viewer(viewer=request.user, user_id=pk)
    form = None
    if request.user.has_perm("accounts.add_position"):
        form = _position_form(request)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "title": str(target),
            "target": target,
            "form": form,
            "positions": selectors.positions_of_user(viewer=request.user, user=target),
        },
    )


def _position_form(request, data=None):
    roles = Role.objects.filter(
        pk__in=[r.pk for r in selectors.roles_grantable_by(actor=request.user)]
    )
    return PositionForm(
        data, orgs=orgs_visible_to(viewer=request.user, perm="accounts.add_position"), roles=roles
    )


@require_POST
@login_required
def position_add(request, pk):
    target = selectors.user_get_for_viewer(viewer=request.user, user_id=pk)
    form = _position_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.position_grant(
                actor=request.user,
                user=target,
                org=data["org"],
                role=data["role"],
                post=data["post"],
                title=data["title"],
                start_date=data["start_date"],
            )
            messages.success(request, _("岗位已添加"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(
            request,
            _("请检查填写内容：%(errors)s")
            % {
                "errors": "；".join(
                    f"{form.fields[f].label}：{e[0]}" if f in form.fields else e[0]
                    for f, e in form.errors.items()
                )
            },
        )
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
@login_required
def user_toggle_active(request, pk):
    target = selectors.user_get_for_viewer(viewer=request.user, user_id=pk)
    try:
        services.user_set_active(actor=request.user, user=target, active=not target.is_active)
        messages.success(
            request, _("已启用") if target.is_active else _("已停用，其登录会话已结束")
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("账号已创建，请为其分配岗位"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form, "title": _("新建账号")})
