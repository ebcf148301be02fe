"""Users, roles and positions.

A user holds positions: (org, role) with start and end dates. A role carries Django
permissions and a scope kind; what a user may see for a permission is the union of
the scopes of her current positions whose role grants it (see ``scope.py``).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.fields import EncryptedTextField


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # For SMS notifications; personal data, so encrypted like a person's phone.
    mobile = EncryptedTextField(
        _("手机号"), context="accounts.User.mobile", mask="phone", blank=True, default=""
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    scope_owner_field = "pk"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """A user is in scope when one of her positions is at an org in scope."""
        positions = Position.objects.filter(user=OuterRef("pk")).filter(
            scope.as_q(org_field="org", path_field="org__path", owner_field="user")
        )
        return Q(Exists(positions)) | (
            Q(pk=scope.own_user_id) if scope.own_user_id else Q(pk__in=[])
        )


class ScopeKind(models.TextChoices):
    SELF = "self", _("仅本人")
    ORG = "org", _("本组织")
    SUBTREE = "subtree", _("本组织及下级")
    LISTED = "listed", _("指定组织")
    ALL = "all", _("全部")


# Narrow to wide; used to explain refusals, the real check is scope.covers().
SCOPE_BREADTH = {
    ScopeKind.SELF: 0,
    ScopeKind.ORG: 1,
    ScopeKind.LISTED: 1,
    ScopeKind.SUBTREE: 2,
    ScopeKind.ALL: 3,
}


class Role(models.Model):
    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    scope_kind = models.CharField(_("数据范围"), max_length=10, choices=ScopeKind.choices)
    anchor_at_federation = models.BooleanField(
        _("部室岗位按所在妇联计算范围"),
        default=False,
        help_text=_("岗位设在内设部室时，数据范围以部室所属的妇联为起点"),
    )
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True)
    is_system = models.BooleanField(_("系统预置"), default=False)

    scope_org_field = None

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Post(models.TextChoices):
    """The job a position is, which the workflow engine resolves approvers from."""

    CHAIRWOMAN = "chairwoman", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    DEPARTMENT_HEAD = "department_head", _("部室负责人")
    STAFF = "staff", _("工作人员")
    CADRE = "cadre", _("妇联干部")
    EXECUTIVE = "executive", _("执委")
    LIAISON = "liaison", _("联络员")
    ADMINISTRATOR = "administrator", _("系统管理员")
    AUDITOR = "auditor", _("审计员")


class PositionQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(
            Q(start_date__lte=on),
            Q(end_date__isnull=True) | Q(end_date__gte=on),
            user__is_active=True,
            org__status="active",
        )


class Position(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="positions"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="positions"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="positions"
    )
    post = models.CharField(_("职务类别"), max_length=20, choices=Post.choices, default=Post.STAFF)
    title = models.CharField(_("职务名称"), max_length=50, blank=True)
    is_full_time = models.BooleanField(_("专职"), default=True)
    start_date = models.DateField(_("任职开始"), default=timezone.localdate)
    end_date = models.DateField(_("任职结束"), null=True, blank=True)
    listed_orgs = models.ManyToManyField(
        "orgs.Org",
        verbose_name=_("指定组织"),
        blank=True,
        related_name="+",
        help_text=_("数据范围为“指定组织”时生效"),
    )
    oversees = models.ManyToManyField(
        "orgs.Org",
        verbose_name=_("分管部室"),
        blank=True,
        related_name="overseen_by",
        help_text=_("副主席分管的部室（分管领导）"),
    )

    objects = PositionQuerySet.as_manager()

    scope_org_field = "org"
    scope_path_field = "org__path"
    scope_owner_field = "user"

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["user_id", "start_date", "id"]
        indexes = [models.Index(fields=["org", "post"], name="position_org_post_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.title or self.get_post_display()}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)
