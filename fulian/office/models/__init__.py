"""Office administration: leave and attendance (more office modules will join here)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fulian.workflow.models import ProcessState


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")
    ANNUAL = "annual", _("年休假")
    MARRIAGE = "marriage", _("婚假")
    MATERNITY = "maternity", _("产假")
    BEREAVEMENT = "bereavement", _("丧假")
    OTHER = "other", _("其他")


class HalfDay(models.TextChoices):
    MORNING = "am", _("上午")
    AFTERNOON = "pm", _("下午")


class LeaveRequest(models.Model):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="leave_requests",
    )
    department = models.ForeignKey(
        "orgs.Org", verbose_name=_("部室"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("请假类型"), max_length=12, choices=LeaveKind.choices)
    start_date = models.DateField(_("开始日期"))
    start_half = models.CharField(
        _("开始时段"), max_length=2, choices=HalfDay.choices, default=HalfDay.MORNING
    )
    end_date = models.DateField(_("结束日期"))
    end_half = models.CharField(
        _("结束时段"), max_length=2, choices=HalfDay.choices, default=HalfDay.AFTERNOON
    )
    days = models.DecimalField(_("请假天数（工作日）"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("事由"), max_length=300)
    certificate = models.FileField(_("医院证明"), upload_to="leave/%Y/", blank=True)
    process = models.OneToOneField(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    scope_org_field = "department"
    scope_path_field = "department__path"
    scope_owner_field = "applicant"

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="leave_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(days__gt=Decimal("0")), name="leave_has_days"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.applicant.display_name} {self.get_kind_display()} "
            f"{self.start_date:%Y-%m-%d}起 {self.days}天"
        )

    def audit_org(self):
        return self.department

    @property
    def state(self) -> str:
        return self.process.state if self.process_id else ProcessState.RUNNING


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出勤")
    LEAVE = "leave", _("请假")
    TRIP = "trip", _("出差")
    ABSENT = "absent", _("缺勤")
    LATE = "late", _("迟到")


class AttendanceRecord(models.Model):
    """A day's attendance; days on approved leave are written by the leave process."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    department = models.ForeignKey(
        "orgs.Org", verbose_name=_("部室"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=8, choices=AttendanceStatus.choices)
    portion = models.DecimalField(_("天数"), max_digits=2, decimal_places=1, default=Decimal("1.0"))
    leave = models.ForeignKey(
        LeaveRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="attendance"
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)

    scope_org_field = "department"
    scope_path_field = "department__path"
    scope_owner_field = "user"

    class Meta:
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "status"], name="attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date:%Y-%m-%d} {self.get_status_display()}"

    def audit_org(self):
        return self.department


class DocumentNumberSeries(models.Model):
    """One run of document numbers: per org, per year and per document type (文号序列)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    doc_type = models.CharField(
        _("文种代字"),
        max_length=10,
        default="妇字",
        help_text=_("如“妇字”“妇办字”；一个单位可有多种"),
    )
    last_number = models.PositiveIntegerField(_("已用到"), default=0)

    scope_org_field = "org"
    scope_path_field = "org__path"

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "doc_type"], name="number_series_once")
        ]

    def __str__(self) -> str:
        return f"{self.org.short_name or self.org.name}{self.doc_type}〔{self.year}〕"

    def audit_org(self):
        return self.org


class DocumentNumber(models.Model):
    """A number given out: never reused, never skipped; a withdrawn one stays, voided."""

    series = models.ForeignKey(
        DocumentNumberSeries, on_delete=models.PROTECT, related_name="numbers"
    )
    number = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("文号"), max_length=40)
    subject_label = models.CharField(_("公文"), max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    assigned_at = models.DateTimeField(_("编号时间"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    scope_org_field = "series__org"
    scope_path_field = "series__org__path"

    class Meta:
        verbose_name = _("文号")
        verbose_name_plural = _("文号")
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="document_number_once")
        ]

    def __str__(self) -> str:
        return self.text + ("（已作废）" if self.voided_at else "")

    def audit_org(self):
        return self.series.org


class Secrecy(models.TextChoices):
    NONE = "", _("无")
    SECRET = "秘密", _("秘密")
    CONFIDENTIAL = "机密", _("机密")


class Urgency(models.TextChoices):
    NONE = "", _("无")
    URGENT = "加急", _("加急")
    EXTRA_URGENT = "特急", _("特急")


class OutgoingDocument(models.Model):
    """发文: drafted by a department, checked, reviewed, signed, numbered at signing."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Org", verbose_name=_("拟稿部室"), on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.CharField(_("文种代字"), max_length=10, default="妇字")
    title = models.CharField(_("标题"), max_length=200)
    main_recipients = models.CharField(_("主送"), max_length=300)
    copy_to = models.CharField(_("抄送"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    attachments_note = models.TextField(_("附件说明"), blank=True, help_text=_("每行一个附件名称"))
    secrecy = models.CharField(_("密级"), max_length=4, choices=Secrecy.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=4, choices=Urgency.choices, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟稿人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proofreader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("校对人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.OneToOneField(
        "office.DocumentNumber",
        verbose_name=_("文号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField(_("签发日期"), null=True, blank=True)
    process = models.OneToOneField(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("拟稿时间"), auto_now_add=True)

    scope_org_field = "department"
    scope_path_field = "department__path"
    scope_owner_field = "drafted_by"

    class Meta:
        verbose_name = _("发文")
        verbose_name_plural = _("发文")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def audit_org(self):
        return self.department


class DocumentVersion(models.Model):
    """Every version of the text is kept: the first draft and each revision after a return."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("修改人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文稿版本")
        verbose_name_plural = _("文稿版本")
        ordering = ["document", "version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="document_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.version}"


# The models of incoming documents and archives live in their own modules (kept short);
# imported here so Django finds them. They import the choices above.
from .archives import ArchiveCopy, ArchiveEntry, ArchiveFonds, ArchiveLoan, Retention  # noqa: E402
from .incoming import ActionItem, CirculationStop, IncomingAttachment, IncomingDocument  # noqa: E402

__all__ = [
    "ActionItem",
    "ArchiveCopy",
    "ArchiveEntry",
    "ArchiveFonds",
    "ArchiveLoan",
    "AttendanceRecord",
    "AttendanceStatus",
    "CirculationStop",
    "DocumentNumber",
    "DocumentNumberSeries",
    "DocumentVersion",
    "HalfDay",
    "IncomingAttachment",
    "IncomingDocument",
    "LeaveKind",
    "LeaveRequest",
    "OutgoingDocument",
    "Retention",
    "Secrecy",
    "Urgency",
]
