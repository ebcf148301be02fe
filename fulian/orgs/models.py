"""The org tree: every federation, branch and internal department as one tree.

A subtree is one indexed prefix range on ``path``: the concatenation of the ids of
the org's ancestors and itself, each written as a fixed-width base-36 segment.
Ids never change, so a segment never does either; moving a subtree replaces the
prefix of every path under it in one UPDATE.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SEGMENT_WIDTH = 6  # base 36: about 2.1 billion ids
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode_segment(org_id: int) -> str:
    digits = []
    value = org_id
    while value:
        value, rest = divmod(value, 36)
        digits.append(_ALPHABET[rest])
    segment = "".join(reversed(digits)) or "0"
    if len(segment) > SEGMENT_WIDTH:
        raise ValueError("org id too large for the path segment width")
    return segment.rjust(SEGMENT_WIDTH, "0")


def decode_path(path: str) -> list[int]:
    """The ids of the org and its ancestors, root first."""
    return [int(path[i : i + SEGMENT_WIDTH], 36) for i in range(0, len(path), SEGMENT_WIDTH)]


class OrgKind(models.TextChoices):
    NATIONAL = "national", _("全国妇联")
    PROVINCE = "province", _("省级妇联")
    CITY = "city", _("市级妇联")
    COUNTY = "county", _("县（区）妇联")
    TOWN = "town", _("乡镇（街道）妇联")
    VILLAGE = "village", _("村（社区）妇联")
    DEPARTMENT = "department", _("内设部室")
    ENTERPRISE = "enterprise", _("企业妇联/妇委会")
    CHAMBER = "chamber", _("商会妇联")
    LIAISON_OFFICE = "liaison_office", _("异地商会总联络处")
    AGENCY_COMMITTEE = "agency_committee", _("机关事业单位妇委会")
    SOCIAL_ORG = "social_org", _("社会组织/协会")
    VOLUNTEER_TEAM = "volunteer_team", _("志愿者队伍")


# The six administrative levels, top down; each may only hang under the one before.
ADMINISTRATIVE_KINDS = [
    OrgKind.NATIONAL,
    OrgKind.PROVINCE,
    OrgKind.CITY,
    OrgKind.COUNTY,
    OrgKind.TOWN,
    OrgKind.VILLAGE,
]
ADMIN_LEVEL = {kind: level for level, kind in enumerate(ADMINISTRATIVE_KINDS, start=1)}
# Division-code digits that identify a unit at each level (2-2-2-3-3).
CODE_PREFIX_LENGTH = {
    OrgKind.NATIONAL: 0,
    OrgKind.PROVINCE: 2,
    OrgKind.CITY: 4,
    OrgKind.COUNTY: 6,
    OrgKind.TOWN: 9,
    OrgKind.VILLAGE: 12,
}
# Prefix letters of generated codes for orgs that have no division code.
GENERATED_CODE_LETTER = {
    OrgKind.DEPARTMENT: "D",
    OrgKind.ENTERPRISE: "E",
    OrgKind.CHAMBER: "C",
    OrgKind.LIAISON_OFFICE: "L",
    OrgKind.AGENCY_COMMITTEE: "A",
    OrgKind.SOCIAL_ORG: "S",
    OrgKind.VOLUNTEER_TEAM: "V",
}
# 非公经济组织 and 新社会组织, counted beside coverage.
NEW_ECONOMIC_KINDS = [OrgKind.ENTERPRISE, OrgKind.CHAMBER, OrgKind.LIAISON_OFFICE]
NEW_SOCIAL_KINDS = [OrgKind.SOCIAL_ORG, OrgKind.VOLUNTEER_TEAM]


class UrbanRural(models.TextChoices):
    """NBS urban-rural classification codes (城乡分类代码)."""

    CITY_CENTRE = "111", _("主城区")
    CITY_FRINGE = "112", _("城乡结合区")
    TOWN_CENTRE = "121", _("镇中心区")
    TOWN_FRINGE = "122", _("镇乡结合区")
    SPECIAL = "123", _("特殊区域")
    COUNTRY_CENTRE = "210", _("乡中心区")
    VILLAGE = "220", _("村庄")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    CLOSED = "closed", _("已撤销")
    MERGED = "merged", _("已合并")


class OrgQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=OrgStatus.ACTIVE)

    def subtree_of(self, org: Org, *, include_self: bool = True):
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)


class Org(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(
        _("简称"),
        max_length=20,
        blank=True,
        help_text=_("用于文号等，如“泰”"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,  # org_parent_name_idx starts with parent
    )
    # unique=True also gives, on PostgreSQL, the varchar_pattern_ops index that
    # LIKE 'prefix%' needs under a non-C collation (Django adds it for unique CharFields).
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    code = models.CharField(_("代码"), max_length=64, unique=True)
    urban_rural = models.CharField(
        _("城乡分类"),
        max_length=3,
        choices=UrbanRural.choices,
        blank=True,
    )
    has_federation = models.BooleanField(
        _("已建妇女组织"),
        default=True,
        help_text=_("行政单位是否已建立妇联（妇代会），用于计算组建率"),
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=OrgStatus.choices,
        default=OrgStatus.ACTIVE,
    )
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    closed_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    # Cached child count so the tree browser shows expanders without counting rows.
    child_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    scope_org_field = "pk"
    scope_path_field = "path"
    scope_owner_field = None

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["parent", "name"], name="org_parent_name_idx"),
            models.Index(fields=["name"], name="org_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org(self) -> Org:
        return self

    @property
    def is_administrative(self) -> bool:
        return self.kind in ADMIN_LEVEL

    @property
    def admin_level(self) -> int | None:
        return ADMIN_LEVEL.get(self.kind)

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    def ancestor_ids(self) -> list[int]:
        return decode_path(self.path)[:-1]

    def is_descendant_of(self, other: Org, *, include_self: bool = True) -> bool:
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    def federation(self) -> Org:
        """The federation an internal department belongs to (itself for other orgs)."""
        org = self
        while org.kind == OrgKind.DEPARTMENT and org.parent_id:
            org = org.parent
        return org
