"""Incoming documents (收文): registered by the office, circulated, instructions chased."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import Secrecy, Urgency


class IncomingDocument(models.Model):
    """收文: the registration, the processing slip (处理签) and its circulation list."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("收文单位"), on_delete=models.PROTECT, related_name="+"
    )
    receipt_number = models.OneToOneField(
        "office.DocumentNumber",
        verbose_name=_("收文编号"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_org = models.CharField(_("来文单位"), max_length=100)
    source_number = models.CharField(_("来文字号"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    secrecy = models.CharField(_("密级"), max_length=4, choices=Secrecy.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=4, choices=Urgency.choices, blank=True)
    received_on = models.DateField(_("收文日期"))
    pages = models.PositiveSmallIntegerField(_("页数"), default=1)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.TextField(_("拟办意见"), blank=True)
    instructing_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("批示领导"), blank=True, related_name="+"
    )
    in_order = models.BooleanField(_("依次传阅"), default=False)
    process = models.OneToOneField(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_org_field = "org"
    scope_path_field = "org__path"
    scope_owner_field = "registered_by"

    class Meta:
        verbose_name = _("收文")
        verbose_name_plural = _("收文")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_org(self):
        return self.org

    @property
    def is_secret(self) -> bool:
        return bool(self.secrecy)

    @property
    def is_restricted(self) -> bool:
        """The workflow's process page: only those who held a task on it (密件)."""
        return self.is_secret


class CirculationStop(models.Model):
    """A department the document circulates to; ``position`` is the order when in order."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="circulation"
    )
    department = models.ForeignKey(
        "orgs.Org", verbose_name=_("传阅部室"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("传阅部室")
        verbose_name_plural = _("传阅部室")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "department"], name="circulation_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.department}"

    def audit_org(self):
        return self.document.org


class IncomingAttachment(models.Model):
    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("扫描件"), upload_to="incoming/%Y/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收文扫描件")
        verbose_name_plural = _("收文扫描件")

    def __str__(self) -> str:
        return self.name

    def audit_org(self):
        return self.document.org


class ActionItem(models.Model):
    """A leader's instruction made a tracked task (督办事项), chased until done."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="action_items"
    )
    department = models.ForeignKey(
        "orgs.Org", verbose_name=_("承办部室"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("办理要求"), max_length=300)
    due_date = models.DateField(_("办理期限"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办领导"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    process = models.OneToOneField(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("交办时间"), auto_now_add=True)

    scope_org_field = "department"
    scope_path_field = "department__path"
    scope_owner_field = "assigned_by"

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.text

    def audit_org(self):
        return self.department
