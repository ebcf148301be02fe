"""Every change to users, roles and positions.

The rule that closes the RuoYi-style hole: nobody grants a role or a scope wider
than her own. For every permission the role carries, the scope the new position
would give must lie inside the granter's own scope for that permission.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from fulian.core import audit
from fulian.orgs.models import Org, OrgStatus

from . import scope as data_scope
from .models import Position, Post, Role, ScopeKind, User


def _require(actor, perm: str, org: Org | None = None) -> data_scope.Scope:
    if actor is None:
        return data_scope.EVERYTHING
    granted = data_scope.scope_for(actor, perm)
    if granted.is_empty or (org is not None and not granted.covers_org(org)):
        raise PermissionDenied(_("您没有此操作的权限"))
    return granted


def _require_over_user(actor, perm: str, user: User) -> None:
    """The actor manages a user only if one of the user's positions is in her scope."""
    if actor is None:
        return
    if (
        not User.objects.filter(pk=user.pk)
        .filter(User.scope_filter(_require(actor, perm)))
        .exists()
    ):
        raise PermissionDenied(_("您没有此操作的权限"))


def _perm_code(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def check_not_wider(*, actor, role: Role, org: Org, listed_orgs=()) -> None:
    """Refuse a position whose role or scope reaches beyond the granter's own."""
    if actor is None or actor.is_superuser:
        return
    probe = Position(user=actor, org=org, role=role)
    probe_scope = (
        data_scope.position_scope(probe)
        if role.scope_kind != ScopeKind.LISTED
        else data_scope.Scope(orgs=tuple((o.pk, o.path) for o in listed_orgs))
    )
    if role.scope_kind == ScopeKind.SELF:
        probe_scope = data_scope.Scope(orgs=((org.pk, org.path),))
    for permission in role.permissions.select_related("content_type"):
        code = _perm_code(permission)
        if not data_scope.scope_for(actor, code).covers(probe_scope):
            raise PermissionDenied(
                _(
                    "不能授予超出您自身范围的角色：“%(role)s”含有权限“%(perm)s”，"
                    "其数据范围超出了您的授权范围"
                )
                % {"role": role.name, "perm": permission.name}
            )


@transaction.atomic
def user_create(*, actor, username: str, full_name: str, password: str, email: str = "") -> User:
    """Create an account; the password must meet the configured rules."""
    _require(actor, "accounts.add_user")
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("请填写用户名"))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("用户名“%(name)s”已存在") % {"name": username})
    user = User(username=username, full_name=(full_name or "").strip(), email=email)
    validate_password(password, user)
    user.set_password(password)
    with audit.acting_as(actor):
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise ValidationError(_("用户名“%(name)s”已存在") % {"name": username}) from exc
    return user


@transaction.atomic
def user_update(
    *, actor, user: User, full_name: str | None = None, email: str | None = None
) -> User:
    _require_over_user(actor, "accounts.change_user", user)
    fields = []
    if full_name is not None:
        user.full_name = full_name.strip()
        fields.append("full_name")
    if email is not None:
        user.email = email.strip()
        fields.append("email")
    with audit.acting_as(actor):
        user.save(update_fields=fields)
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    """Disable or re-enable an account; disabling ends her sessions and API tokens.

    Her open sessions end at their next request: the auth backend refuses inactive
    users, so the session no longer resolves to her.
    """
    _require_over_user(actor, "accounts.change_user", user)
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationError(_("不能停用自己的账号"))
    user.is_active = active
    with audit.acting_as(actor):
        user.save(update_fields=["is_active"])
        if not active:
            Token.objects.filter(user=user).delete()
    return user


@transaction.atomic
def user_change_password(
    *, actor, user: User, new_password: str, old_password: str | None = None
) -> User:
    """Her own change needs the old password; an administrator's reset does not."""
    if actor is not None and actor.pk == user.pk:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError(_("原密码不正确"))
        if old_password == new_password:
            raise ValidationError(_("新密码不能与原密码相同"))
    else:
        _require_over_user(actor, "accounts.change_user", user)
    validate_password(new_password, user)
    user.set_password(new_password)
    with audit.acting_as(actor):
        user.save(update_fields=["password", "password_changed_at"])
        audit.record_action("password_change", user)
    return user


@transaction.atomic
def position_grant(
    *,
    actor,
    user: User,
    org: Org,
    role: Role,
    post: str = Post.STAFF,
    title: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    listed_orgs=(),
    oversees=(),
    is_full_time: bool = True,
) -> Position:
    """Give a user a position; never wider than the granter's own role and scope."""
    _require(actor, "accounts.add_position", org)
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError(_("组织“%(org)s”已撤销或合并") % {"org": org.name})
    if role.scope_kind == ScopeKind.LISTED and not listed_orgs:
        raise ValidationError(_("数据范围为“指定组织”的角色须选择组织"))
    start_date = start_date or timezone.localdate()
    if end_date and end_date < start_date:
        raise ValidationError(_("任职结束日期不能早于开始日期"))
    check_not_wider(actor=actor, role=role, org=org, listed_orgs=listed_orgs)
    if Position.objects.current(start_date).filter(user=user, org=org, role=role).exists():
        raise ValidationError(
            _("%(user)s已在“%(org)s”担任该角色") % {"user": user.display_name, "org": org.name}
        )
    for overseen in oversees:
        if not overseen.path.startswith(org.federation().path):
            raise ValidationError(_("分管部室须属于本妇联"))
    position = Position(
        user=user,
        org=org,
        role=role,
        post=post,
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        is_full_time=is_full_time,
    )
    with audit.acting_as(actor):
        position.save()
        if listed_orgs:
            position.listed_orgs.set(listed_orgs)
        if oversees:
            position.oversees.set(oversees)
    data_scope.forget(user)
    return position


@transaction.atomic
def position_end(*, actor, position: Position, end_date: datetime.date | None = None) -> Position:
    _require(actor, "accounts.change_position", position.org)
    end_date = end_date or timezone.localdate()
    if end_date < position.start_date:
        raise ValidationError(_("任职结束日期不能早于开始日期"))
    position.end_date = end_date
    with audit.acting_as(actor):
        position.save(update_fields=["end_date"])
    data_scope.forget(position.user)
    return position


@transaction.atomic
def role_save(
    *,
    actor,
    code: str,
    name: str,
    scope_kind: str,
    permissions: list[Permission],
    description: str = "",
    anchor_at_federation: bool = False,
    role: Role | None = None,
) -> Role:
    """Create or edit a role; nobody puts in a role a permission she does not hold."""
    _require(actor, "accounts.change_role" if role else "accounts.add_role")
    if actor is not None and not actor.is_superuser:
        own = actor.get_all_permissions()
        missing = [p.name for p in permissions if _perm_code(p) not in own]
        if missing:
            raise PermissionDenied(
                _("不能授予您自己没有的权限：%(perms)s") % {"perms": "、".join(missing)}
            )
        if scope_kind == ScopeKind.ALL and not any(
            data_scope.scope_for(actor, _perm_code(p)).everything for p in permissions
        ):
            raise PermissionDenied(_("不能创建数据范围为“全部”的角色"))
    role = role or Role(code=code)
    role.name, role.scope_kind = name.strip(), scope_kind
    role.description, role.anchor_at_federation = description, anchor_at_federation
    with audit.acting_as(actor):
        role.save()
        role.permissions.set(permissions)
    return role
