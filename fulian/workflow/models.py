"""Process instances, tasks, their history, and delegations.

Definitions live in code (``definitions.py``); an instance records the definition key
and version it started with, so changing a definition never breaks a running one.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProcessState(models.TextChoices):
    RUNNING = "running", _("审批中")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ProcessInstance(models.Model):
    definition_key = models.CharField(_("流程"), max_length=50)
    definition_version = models.PositiveSmallIntegerField(_("流程版本"))
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("事项"), max_length=200)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ProcessState.choices, default=ProcessState.RUNNING
    )
    step_index = models.SmallIntegerField(_("当前环节"), default=-1)
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope_org_field = "org"
    scope_path_field = "org__path"
    scope_owner_field = "started_by"

    class Meta:
        verbose_name = _("流程")
        verbose_name_plural = _("流程")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="process_subject_idx")]

    def __str__(self) -> str:
        return self.title


class TaskState(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办")
    CANCELLED = "cancelled", _("已取消")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("同意")
    RETURN = "return", _("退回")
    REJECT = "reject", _("不同意")
    TRANSFER = "transfer", _("转办")
    COUNTERSIGN = "countersign", _("加签")
    WITHDRAW = "withdraw", _("撤回")
    URGE = "urge", _("催办")
    CLAIM = "claim", _("认领")
    RESUBMIT = "resubmit", _("重新提交")
    ESCALATE = "escalate", _("超期升级")
    REMIND = "remind", _("到期提醒")


class Task(models.Model):
    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    step_key = models.CharField(_("环节"), max_length=50)
    step_name = models.CharField(_("环节名称"), max_length=100)
    step_index = models.SmallIntegerField()
    # Nobody yet for a task offered to a group: the first to claim it owns it (抢办).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    candidates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="claimable_tasks",
        verbose_name=_("可认领人"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_countersign = models.BooleanField(_("加签"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    action = models.CharField(_("办理结果"), max_length=12, choices=Action.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人（实际）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("送达时间"), default=timezone.now)
    due_date = models.DateField(_("办理期限"))
    completed_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_org_field = "instance__org"
    scope_path_field = "instance__org__path"
    scope_owner_field = "assignee"

    class Meta:
        verbose_name = _("待办")
        verbose_name_plural = _("待办")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["assignee", "state", "due_date"], name="task_inbox_idx"),
            models.Index(fields=["state", "due_date"], name="task_due_idx"),
            models.Index(fields=["acted_by", "completed_at"], name="task_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instance.title} · {self.step_name}"

    def audit_org(self):
        return self.instance.org

    @property
    def is_overdue(self) -> bool:
        return self.state == TaskState.OPEN and self.due_date < timezone.localdate()

    def _step(self):
        from .definitions import get  # definitions import these models

        instance = self.instance
        return get(instance.definition_key, instance.definition_version).step(self.step_index)

    @property
    def allowed_actions(self) -> frozenset:
        """The actions its step allows: the inbox shows only these buttons."""
        return frozenset(str(a) for a in self._step().actions)

    @property
    def approve_label(self) -> str:
        return self._step().approve_label or str(Action.APPROVE.label)


class TaskLog(models.Model):
    """Every action on an instance, with its comment: the history a cadre reads."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="log")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("代办（委托人）"),
    )
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    comment = models.TextField(_("意见"), blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.comment[:20]}"

    def audit_org(self):
        return self.instance.org


class Delegation(models.Model):
    """委托: while she is away, ``delegate`` acts on her tasks; the record says for whom."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("委托人"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受托人"),
        on_delete=models.CASCADE,
        related_name="delegations_taken",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("委托")
        verbose_name_plural = _("委托")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="delegation_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"
