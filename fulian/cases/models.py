"""Rights protection (维权) and office enquiries (来电来函来访).

Both are first-contact items (``FirstContact``): the first receiver is responsible,
a reply is due in 3 working days (7 with a recorded reason), and the workflow engine
carries the responsibility (``first_contact.py``). A rights ``Case`` is confidential
beyond the org tree (``Case.scope_filter``); an ``Enquiry`` is scoped like any record.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.fields import BlindIndexField, EncryptedTextField

# Set while a rejected transfer sends a case back (see services.case_transfer_reject).
RETURNING: ContextVar = ContextVar("cases_returning_transfer", default=None)


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("来电")
    HOTLINE = "hotline", _("12338热线")
    ONLINE = "online", _("网上求助")
    REFERRAL = "referral", _("转介")


class ContactState(models.TextChoices):
    UNCLAIMED = "unclaimed", _("待认领")
    OPEN = "open", _("待答复")
    REPLIED = "replied", _("办理中")
    CLOSED = "closed", _("已办结")


class Category(models.Model):
    """The editable dictionary of case categories (seeded by a data migration)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Domestic-violence cases hide the woman's name in every list by default.
    hides_names = models.BooleanField(_("列表中隐藏姓名"), default=False)

    scope_org_field = None

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class FirstContact(models.Model):
    """What every first-contact item carries: who is responsible and by when to reply."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("承办组织"), on_delete=models.PROTECT, related_name="+"
    )
    # 牵头部门: the first responsible person's department; never moves on transfer.
    department = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("牵头部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    # Her account and the answer are personal data: encrypted at rest like names and phones.
    summary = EncryptedTextField(_("诉求内容"), context="cases.contact.summary", mask="text")
    received_on = models.DateField(_("受理日期"), default=timezone.localdate)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("第一责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_due = models.DateField(_("答复时限"))
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extended_at = models.DateTimeField(_("延期时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply = EncryptedTextField(
        _("答复内容"), context="cases.contact.reply", mask="text", blank=True
    )
    answered_at_once = models.BooleanField(_("当场答复"), default=False)
    is_major = models.BooleanField(_("重大事项"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=ContactState.choices, default=ContactState.OPEN
    )
    process = models.ForeignKey(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def is_extended(self) -> bool:
        return bool(self.extension_reason)

    @property
    def is_overdue(self) -> bool:
        if self.replied_at:
            return timezone.localtime(self.replied_at).date() > self.reply_due
        return self.state != ContactState.CLOSED and self.reply_due < timezone.localdate()

    @property
    def replied_on_time(self) -> bool | None:
        if not self.replied_at:
            return None
        return timezone.localtime(self.replied_at).date() <= self.reply_due


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法联系")


class Case(FirstContact):
    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT)
    woman = models.ForeignKey(
        "people.Person",
        verbose_name=_("当事人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rights_cases",
    )
    # As she gave them (a public submission is linked to the registry later).
    name = EncryptedTextField(_("当事人姓名"), context="cases.name", mask="name")
    phone = EncryptedTextField(
        _("联系电话"), context="cases.phone", mask="phone", blank=True, default=""
    )
    phone_hash = BlindIndexField()
    area = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所在地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The follow-up code of a public submission, hashed; she holds the only copy.
    public_code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closure_note = EncryptedTextField(
        _("办结情况"), context="cases.case.closure_note", mask="text", blank=True
    )
    satisfaction = models.CharField(
        _("当事人满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )

    scope_confidential = True
    HANDLER_CODENAME = "handle_case"

    class Meta:
        verbose_name = _("维权案件")
        verbose_name_plural = _("维权案件")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("handle_case", _("办理本组织的维权案件")),
            ("reveal_case", _("导出未脱敏的案件信息")),
            ("view_case_figures", _("查看维权统计")),
        ]
        indexes = [models.Index(fields=["org", "state"], name="case_org_state_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return f"/cases/{self.pk}/"

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """Handlers of the case's org, its responsible person, and people it is shared with."""
        from fulian.accounts.models import Position
        from fulian.orgs.models import OrgKind

        viewer = scope.viewer_id
        if viewer is None:
            return Q(pk__in=[])
        handling = Position.objects.current().filter(
            user_id=viewer,
            role__permissions__codename="handle_case",
            role__permissions__content_type__app_label="cases",
        )
        return (
            Q(org__in=handling.exclude(org__kind=OrgKind.DEPARTMENT).values("org"))
            # A department's staff handle their federation's cases.
            | Q(org__in=handling.filter(org__kind=OrgKind.DEPARTMENT).values("org__parent"))
            | Q(responsible_id=viewer)
            | Q(
                pk__in=CaseAccess.objects.filter(user_id=viewer, ended_at__isnull=True).values(
                    "case"
                )
            )
        )

    @property
    def hides_names(self) -> bool:
        return self.category.hides_names

    def on_escalated(self, people) -> None:
        for person in people:
            CaseAccess.objects.get_or_create(
                case=self,
                user=person,
                kind=AccessKind.ESCALATED,
                ended_at=None,
                defaults={"reason": "超期督办"},
            )

    def on_transferred(self, from_user, to_user, reason: str) -> None:
        """The sender keeps sight of it until the receiver accepts or sends it back."""
        from .first_contact import handling_org_of

        returned = RETURNING.get()
        if returned is not None:
            # A rejected transfer going back: no new hand-over, the case goes home.
            self.org = returned.from_org
            self.save(update_fields=["org"])
            return
        to_org = handling_org_of(to_user, self.HANDLER_CODENAME) or self.org
        Transfer.objects.create(
            case=self,
            from_user=from_user,
            to_user=to_user,
            from_org=self.org,
            to_org=to_org,
            reason=reason[:200],
        )
        CaseAccess.objects.create(
            case=self, user=from_user, kind=AccessKind.TRANSFER, reason=reason[:200]
        )
        if to_org.pk != self.org_id:
            self.org = to_org
            self.save(update_fields=["org"])


class PartyRole(models.TextChoices):
    RESPONDENT = "respondent", _("对方当事人")
    CHILD = "child", _("子女")
    RELATIVE = "relative", _("其他亲属")
    OTHER = "other", _("其他")


class Party(models.Model):
    """Another person in the case (respondent, children), linked to the registry."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("身份"), max_length=12, choices=PartyRole.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("案件关系人")
        verbose_name_plural = _("案件关系人")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="party_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_role_display()}"

    def audit_org(self):
        return self.case.org


class AccessKind(models.TextChoices):
    TRANSFER = "transfer", _("转办经手")
    GRANTED = "granted", _("授权查看")
    ESCALATED = "escalated", _("重大事项报告")


class CaseAccess(models.Model):
    """A named person who may see a case beyond its handlers; ended, never deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=AccessKind.choices)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件查看授权")
        verbose_name_plural = _("案件查看授权")
        indexes = [models.Index(fields=["user", "ended_at"], name="case_access_user_idx")]

    def __str__(self) -> str:
        return f"{self.case} · {self.user}"

    def audit_org(self):
        return self.case.org


class TransferState(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REJECTED = "rejected", _("已退回")


class Transfer(models.Model):
    """One hand-over of responsibility; the history of who held a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("原承办组织"), on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("新承办组织"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("转办理由"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=TransferState.choices, default=TransferState.PENDING
    )
    at = models.DateTimeField(_("转办时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_user}"

    def audit_org(self):
        return self.case.org


# The handling records, the risk register and office enquiries live beside this file.
from .models_enquiry import Enquiry  # noqa: E402, F401
from .models_handling import (  # noqa: E402, F401
    FollowUpVisit,
    LegalAid,
    LegalAidKind,
    MediationOutcome,
    MediationSession,
    Referral,
    ReferralAgency,
)
from .models_risk import RiskEntry, RiskLevel, ScreeningVisit  # noqa: E402, F401
