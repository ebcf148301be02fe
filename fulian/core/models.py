"""Shared kernel models: the audit trail and the holiday table."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    # Audit rows are append-only: no bulk rewrite or delete through the application.
    def update(self, **kwargs):
        raise PermissionDenied(_("审计记录不可修改"))

    def delete(self):
        raise PermissionDenied(_("审计记录不可删除"))


class AuditEvent(models.Model):
    """One line of the audit trail: a change, a login, a sensitive read or an action."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        VIEW = "view", _("查看敏感信息")
        EXPORT = "export", _("导出")
        ACTION = "action", _("业务操作")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # No database constraint: the trail outlives the users and orgs it names.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("类型"), max_length=20, choices=Action.choices, db_index=True)
    verb = models.CharField(_("操作"), max_length=64, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    detail = models.JSONField(_("说明"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    # How the data scope finds this row's org (see accounts.scope).
    scope_org_field = "org"
    scope_path_field = "org_path"
    scope_owner_field = "actor"

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(_("审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("审计记录不可删除"))


class Holiday(models.Model):
    """An override of the working-day calendar: a day off or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50)

    scope_org_field = None  # a national table: everyone may read it

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"
