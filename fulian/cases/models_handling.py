"""Handling a case: mediation, legal aid, referral to other agencies, follow-up visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.fields import EncryptedTextField


class _CaseRecord(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def audit_org(self):
        return self.case.org


class MediationOutcome(models.TextChoices):
    ONGOING = "ongoing", _("继续调解")
    AGREED = "agreed", _("达成协议")
    PARTIAL = "partial", _("部分达成")
    FAILED = "failed", _("调解不成")


class MediationSession(_CaseRecord):
    """家庭纠纷调解: one sitting; the last one's outcome is the mediation's outcome."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="mediation_sessions"
    )
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    notes = EncryptedTextField(_("调解情况"), context="cases.mediation.notes", mask="text")
    outcome = models.CharField(_("结果"), max_length=10, choices=MediationOutcome.choices)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.held_on}"


class LegalAidKind(models.TextChoices):
    CASE_TAKEN = "case_taken", _("代理案件")
    DOCUMENT = "document", _("代写诉状/文书")
    CONSULTATION = "consultation", _("法律咨询")


class LegalAid(_CaseRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="legal_aids")
    kind = models.CharField(_("援助方式"), max_length=12, choices=LegalAidKind.choices)
    given_on = models.DateField(_("日期"))
    provider = models.CharField(_("承办律师/机构"), max_length=100, blank=True)
    note = EncryptedTextField(_("情况"), context="cases.legal_aid.note", mask="text", blank=True)

    class Meta:
        verbose_name = _("法律援助")
        verbose_name_plural = _("法律援助")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class ReferralAgency(models.TextChoices):
    POLICE = "police", _("公安机关")
    COURT = "court", _("人民法院")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    SHELTER = "shelter", _("庇护救助机构")
    OTHER = "other", _("其他单位")


class Referral(_CaseRecord):
    """转介: the receiving agency's outcome is recorded when it answers."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(_("转介单位类别"), max_length=15, choices=ReferralAgency.choices)
    agency_name = models.CharField(_("接收单位"), max_length=100)
    referred_on = models.DateField(_("转介日期"))
    reason = EncryptedTextField(_("转介事由"), context="cases.referral.reason", mask="text")
    outcome = EncryptedTextField(
        _("接收单位办理结果"), context="cases.referral.outcome", mask="text", blank=True
    )
    outcome_on = models.DateField(_("反馈日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["referred_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.agency_name}"


class FollowUpVisit(_CaseRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    note = EncryptedTextField(_("回访情况"), context="cases.follow_up.note", mask="text")

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.visited_on}"
