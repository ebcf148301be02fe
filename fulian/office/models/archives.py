"""Archives (档案): filed entries with codes, the three copies of an outgoing document, loans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import Secrecy


class Retention(models.TextChoices):
    # The codes are those archive codes use (DA/T 22): Y permanent, D30, D10.
    PERMANENT = "Y", _("永久")
    YEARS_30 = "D30", _("30年")
    YEARS_10 = "D10", _("10年")


class ArchiveFonds(models.Model):
    """全宗号 of a federation, given by the archives bureau."""

    org = models.OneToOneField(
        "orgs.Org", verbose_name=_("立档单位"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("全宗号"), max_length=12, unique=True)

    scope_org_field = "org"
    scope_path_field = "org__path"

    class Meta:
        verbose_name = _("全宗")
        verbose_name_plural = _("全宗")

    def __str__(self) -> str:
        return self.code

    def audit_org(self):
        return self.org


class ArchiveCopy(models.Model):
    """The three copies of a signed outgoing document sent to the office for the archive."""

    class Kind(models.TextChoices):
        DRAFT = "draft", _("底稿")
        SIGNED = "signed", _("签发稿")
        PRINTED = "printed", _("印制件")

    document = models.ForeignKey(
        "office.OutgoingDocument", on_delete=models.PROTECT, related_name="archive_copies"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="archive/copies/%Y/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("存档件")
        verbose_name_plural = _("存档件")
        constraints = [
            models.UniqueConstraint(fields=["document", "kind"], name="archive_copy_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.get_kind_display()}"

    def audit_org(self):
        return self.document.department


class ArchiveEntry(models.Model):
    """One filed item (件): code 全宗号-年度-保管期限-件号, the item number never reused."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("立档单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Org", verbose_name=_("归档部室"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    retention = models.CharField(_("保管期限"), max_length=4, choices=Retention.choices)
    item_number = models.PositiveIntegerField(_("件号"))
    code = models.CharField(_("档号"), max_length=40, unique=True)
    title = models.CharField(_("题名"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    secrecy = models.CharField(_("密级"), max_length=4, choices=Secrecy.choices, blank=True)
    outgoing = models.OneToOneField(
        "office.OutgoingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_entry",
    )
    incoming = models.OneToOneField(
        "office.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_entry",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立卷人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("归档时间"), auto_now_add=True)

    scope_org_field = "department"
    scope_path_field = "department__path"

    class Meta:
        verbose_name = _("档案")
        verbose_name_plural = _("档案")
        ordering = ["-year", "retention", "item_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "retention", "item_number"], name="archive_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def audit_org(self):
        return self.department


class ArchiveLoan(models.Model):
    """借阅登记: inside the office, or external with a letter and the office head's approval."""

    entry = models.ForeignKey(ArchiveEntry, on_delete=models.PROTECT, related_name="loans")
    external = models.BooleanField(_("外单位借阅"), default=False)
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("借阅人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    borrower_name = models.CharField(_("借阅人姓名"), max_length=50)
    borrower_org = models.CharField(_("借阅单位"), max_length=100, blank=True)
    letter = models.FileField(_("单位介绍信"), upload_to="archive/letters/%Y/", blank=True)
    purpose = models.CharField(_("借阅事由"), max_length=200)
    due_on = models.DateField(_("应还日期"))
    lent_on = models.DateField(_("借出日期"), null=True, blank=True)
    returned_on = models.DateField(_("归还日期"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
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
    chased_on = models.DateField(_("最近催还"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_org_field = "entry__department"
    scope_path_field = "entry__department__path"
    scope_owner_field = "borrower"

    class Meta:
        verbose_name = _("借阅登记")
        verbose_name_plural = _("借阅登记")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(external=False) | ~Q(letter=""), name="external_loan_has_letter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.code} {self.borrower_name}"

    def audit_org(self):
        return self.entry.department
