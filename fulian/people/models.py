"""The people registry: every person the federation serves or works with, recorded once.

ID number and phone are stored encrypted (``core.fields.EncryptedTextField``) with a
keyed hash beside each for exact lookup; no plaintext ID number reaches the database.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.fields import BlindIndexField, EncryptedTextField

ADULT_AGE = 14  # PIPL art. 31: a child under 14 needs a guardian's consent


class Gender(models.TextChoices):
    FEMALE = "female", _("女")
    MALE = "male", _("男")


class Category(models.TextChoices):
    WOMAN = "woman", _("妇女")
    CHILD = "child", _("儿童")
    FAMILY = "family", _("家庭成员")
    VOLUNTEER = "volunteer", _("志愿者")
    SPONSOR = "sponsor", _("爱心人士/资助人")
    CADRE = "cadre", _("妇女干部")


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class LegalBasis(models.TextChoices):
    """Why the federation holds her data (PIPL art. 13)."""

    STATUTORY = "statutory", _("履行法定职责")
    CONSENT = "consent", _("本人（监护人）同意")
    EMERGENCY = "emergency", _("紧急情况下保护生命健康")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    MERGED = "merged", _("已合并")


class Person(models.Model):
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所属村（社区）"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(
        _("性别"), max_length=6, choices=Gender.choices, default=Gender.FEMALE
    )
    category = models.CharField(
        _("人员类别"), max_length=10, choices=Category.choices, default=Category.WOMAN
    )
    id_number = EncryptedTextField(
        _("身份证号"), context="people.Person.id_number", mask="id_number", blank=True, default=""
    )
    id_number_hash = BlindIndexField()
    phone = EncryptedTextField(
        _("联系电话"), context="people.Person.phone", mask="phone", blank=True, default=""
    )
    phone_hash = BlindIndexField()
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    education = models.CharField(
        _("文化程度"), max_length=15, choices=Education.choices, blank=True
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    household_notes = models.TextField(_("家庭情况"), blank=True)
    legal_basis = models.CharField(
        _("处理依据"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.STATUTORY
    )
    consent_date = models.DateField(_("同意日期"), null=True, blank=True)
    consent_scope = models.CharField(_("同意范围"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    tags = models.ManyToManyField(
        "Tag", through="PersonTag", related_name="people", verbose_name=_("标签")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_org_field = "org"
    scope_path_field = "org__path"
    scope_owner_field = "created_by"

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        ordering = ["name", "id"]
        permissions = [
            ("reveal_person", _("查看完整身份证号和电话")),
            ("export_unmasked_person", _("导出不脱敏的个人信息")),
            ("merge_person", _("合并重复人员")),
        ]
        constraints = [
            # One person, recorded once: the keyed hash of the ID number is unique.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(id_number_hash__isnull=False),
                name="person_unique_id_number",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "name"], name="person_org_name_idx"),
            models.Index(fields=["phone_hash"], name="person_phone_idx"),
            models.Index(fields=["name", "birth_date"], name="person_name_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        day = day or timezone.localdate()
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def is_minor_under_14(self) -> bool:
        age = self.age_on()
        return age is not None and age < ADULT_AGE


class RelationKind(models.TextChoices):
    MOTHER = "mother", _("母亲")
    FATHER = "father", _("父亲")
    SPOUSE = "spouse", _("配偶")
    GUARDIAN = "guardian", _("监护人")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    OTHER = "other", _("其他亲属")


class PersonRelation(models.Model):
    """``relative`` is the ``kind`` of ``person`` (e.g. relative is the mother of person)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relations", verbose_name=_("本人")
    )
    relative = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relatives_of", verbose_name=_("亲属")
    )
    kind = models.CharField(_("关系"), max_length=12, choices=RelationKind.choices)
    is_guardian = models.BooleanField(_("监护人"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_field = "person__org"
    scope_path_field = "person__org__path"

    class Meta:
        verbose_name = _("家庭关系")
        verbose_name_plural = _("家庭关系")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="person_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="person_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative}是{self.person}的{self.get_kind_display()}"

    def audit_org(self):
        return self.person.org


class Tag(models.Model):
    """A situation from the dictionary an administrator edits (困难妇女, 留守儿童 …)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_org_field = None

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PersonTag(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_tags")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="person_tags")
    added_on = models.DateField(_("标记日期"), default=timezone.localdate)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("标记人"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_org_field = "person__org"
    scope_path_field = "person__org__path"

    class Meta:
        verbose_name = _("人员标签")
        verbose_name_plural = _("人员标签")
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="person_tag_unique")]

    def __str__(self) -> str:
        return f"{self.person} · {self.tag}"

    def audit_org(self):
        return self.person.org
