"""预警排查: families and situations at risk, and the screening visits that watch them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.fields import EncryptedTextField


class RiskLevel(models.IntegerChoices):
    LOW = 1, _("低")
    MEDIUM = 2, _("中")
    HIGH = 3, _("高")


class RiskEntry(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("关注对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = EncryptedTextField(_("家庭/对象"), context="cases.risk.household", mask="name")
    situation = EncryptedTextField(_("风险情形"), context="cases.risk.situation", mask="text")
    risk_level = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskLevel.choices)
    screening_every_days = models.PositiveSmallIntegerField(_("排查周期（天）"), default=30)
    is_active = models.BooleanField(_("在册"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    scope_org_field = "org"
    scope_path_field = "org__path"

    class Meta:
        verbose_name = _("风险排查对象")
        verbose_name_plural = _("风险排查对象")
        ordering = ["-risk_level", "id"]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.get_risk_level_display()}"


class ScreeningVisit(models.Model):
    entry = models.ForeignKey(RiskEntry, on_delete=models.CASCADE, related_name="visits")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排查人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("应排查日期"))
    done_on = models.DateField(_("排查日期"), null=True, blank=True)
    risk_level_found = models.PositiveSmallIntegerField(
        _("排查后风险等级"), choices=RiskLevel.choices, null=True, blank=True
    )
    note = EncryptedTextField(
        _("排查情况"), context="cases.screening.note", mask="text", blank=True
    )

    scope_org_field = "entry__org"
    scope_path_field = "entry__org__path"

    class Meta:
        verbose_name = _("排查走访")
        verbose_name_plural = _("排查走访")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.due_on}"

    def audit_org(self):
        return self.entry.org

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()
