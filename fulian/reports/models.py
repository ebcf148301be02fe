"""Reporting as DHIS2 models it: elements, data sets, values, submissions, indicators.

Roll-up tables (``ValueSummary``, ``SubmissionSummary``, ``ExpectedCount``) hold subtree
totals for the provinces, cities and counties only (depth 2–4): below a county a raw
prefix query over values is already fast, and the national figure is the sum of the
provinces (a national row would be the one row every writer fights over). See
``rollup.py`` and docs/decisions.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fulian.orgs.models import SEGMENT_WIDTH, Org, OrgKind

from .periods import PeriodType

# PostgreSQL operator classes so that ``path LIKE 'prefix%'`` uses the index under any
# collation (SQLite ignores them).
PATTERN4 = ["int8_ops", "varchar_pattern_ops", "int2_ops", "varchar_pattern_ops"]


class ValueType(models.TextChoices):
    INTEGER = "integer", _("整数")
    NUMBER = "number", _("数值")
    PERCENTAGE = "percentage", _("百分比")
    BOOLEAN = "boolean", _("是/否")
    TEXT = "text", _("文本")


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")
    AVERAGE = "average", _("平均")
    COUNT = "count", _("计数")
    LAST = "last", _("期末值")  # stock figures: a year shows its last month, orgs still add up


class Disaggregation(models.Model):
    """A breakdown such as 城乡 or 年龄段; its options add up to the element's total."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    class Meta:
        verbose_name = _("分类维度")
        verbose_name_plural = _("分类维度")

    def __str__(self) -> str:
        return self.name


class DisaggregationOption(models.Model):
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.CASCADE, related_name="options"
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("分类选项")
        verbose_name_plural = _("分类选项")
        ordering = ["disaggregation", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["disaggregation", "code"], name="disagg_option_code")
        ]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    value_type = models.CharField(_("值类型"), max_length=12, choices=ValueType.choices)
    aggregation = models.CharField(
        _("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    disaggregation = models.ForeignKey(
        Disaggregation,
        verbose_name=_("分类维度"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # 一数一源: a registered source (reports.sources) computes the figure; never typed.
    source = models.CharField(_("自动取数来源"), max_length=60, blank=True)
    description = models.TextField(_("说明"), blank=True)
    on_dashboard = models.BooleanField(_("列为看板关键数"), default=False)

    class Meta:
        verbose_name = _("数据项")
        verbose_name_plural = _("数据项")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_derived(self) -> bool:
        return bool(self.source)

    @property
    def is_numeric(self) -> bool:
        return self.value_type != ValueType.TEXT


class DataSet(models.Model):
    """A report: its elements, period type, who must report and by when."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    period_type = models.CharField(_("报告期类型"), max_length=12, choices=PeriodType.choices)
    # The federation that defines the report; orgs of ``reporting_kinds`` under it report.
    owner = models.ForeignKey(Org, verbose_name=_("制发单位"), on_delete=models.PROTECT)
    reporting_kinds = models.JSONField(_("填报单位类型"), default=list)
    deadline_days = models.PositiveSmallIntegerField(_("报送期限（期末后天数）"), default=10)
    lock_after_deadline = models.BooleanField(_("逾期锁定"), default=True)
    reminder_days = models.PositiveSmallIntegerField(_("截止前提醒天数"), default=3)
    elements = models.ManyToManyField(
        DataElement, through="DataSetElement", related_name="data_sets"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_field = "owner"
    scope_path_field = "owner__path"
    scope_owner_field = None

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_org(self) -> Org:
        return self.owner

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """A data set defined at or above her orgs is hers to report; one defined inside
        her scope is hers to read. Nobody else sees it."""
        roots = [path for _, path in scope.subtrees] + [path for _, path in scope.orgs]
        above = {
            path[:end]
            for path in roots
            for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)
        }
        within = Q(pk__in=[])
        for path in roots:
            within |= Q(owner__path__startswith=path)
        return Q(owner__path__in=above) | within

    def reporting_kind_labels(self) -> list[str]:
        return [str(OrgKind(kind).label) for kind in self.reporting_kinds if kind in OrgKind]


class DataSetElement(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rows")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT)
    sort_order = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(_("栏目"), max_length=60, blank=True)

    class Meta:
        ordering = ["data_set", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "element"], name="dataset_element_once")
        ]

    def __str__(self) -> str:
        return f"{self.data_set_id}:{self.element_id}"


class DataValue(models.Model):
    """One figure for (element, org, period[, option]). ``path`` is the org's, copied."""

    element = models.ForeignKey(DataElement, on_delete=models.PROTECT)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, db_index=False)
    path = models.CharField(max_length=255)
    period = models.CharField(_("报告期"), max_length=10)
    option = models.ForeignKey(
        DisaggregationOption, null=True, blank=True, on_delete=models.PROTECT
    )
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4, null=True)
    text = models.TextField(_("文本"), blank=True)
    comment = models.CharField(_("备注"), max_length=200, blank=True)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_org_field = "org"
    scope_path_field = "path"
    scope_owner_field = None

    class Meta:
        verbose_name = _("数据值")
        verbose_name_plural = _("数据值")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "org", "period"],
                condition=Q(option__isnull=True),
                name="datavalue_once",
            ),
            models.UniqueConstraint(
                fields=["element", "org", "period", "option"],
                condition=Q(option__isnull=False),
                name="datavalue_option_once",
            ),
        ]
        indexes = [
            # A subtree total below county level: one index range, value included.
            models.Index(
                fields=["element", "period", "path"],
                name="datavalue_rollup_idx",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["org", "period"], name="datavalue_org_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.element_id}@{self.org_id}/{self.period}"

    def audit_org(self) -> Org:
        return self.org


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


class Submission(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="submissions")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, db_index=False)
    path = models.CharField(max_length=255)
    period = models.CharField(_("报告期"), max_length=10)
    state = models.CharField(
        _("状态"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField(_("按时报送"), default=False)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    process = models.ForeignKey(
        "workflow.ProcessInstance", null=True, blank=True, on_delete=models.SET_NULL
    )
    # What the summary tables currently count for this row (kept in step by services).
    counted_submitted = models.BooleanField(default=False, editable=False)
    counted_on_time = models.BooleanField(default=False, editable=False)
    counted_approved = models.BooleanField(default=False, editable=False)

    scope_org_field = "org"
    scope_path_field = "path"
    scope_owner_field = None

    class Meta:
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        permissions = [("approve_submission", _("审核下级报表"))]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "org", "period"], name="submission_once")
        ]
        indexes = [
            models.Index(
                fields=["data_set", "period", "path"],
                name="submission_idx",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_set} {self.org} {self.period}"

    def audit_org(self) -> Org:
        return self.org


class EntryException(models.Model):
    """Lets an org (and its subtree) keep entering a locked period until a date."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE)
    org = models.ForeignKey(Org, on_delete=models.CASCADE)
    period = models.CharField(_("报告期"), max_length=10)
    until = models.DateField(_("延期至"))
    reason = models.CharField(_("原因"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_field = "org"
    scope_path_field = "org__path"
    scope_owner_field = None

    class Meta:
        verbose_name = _("逾期补报许可")
        verbose_name_plural = _("逾期补报许可")

    def __str__(self) -> str:
        return f"{self.data_set_id} {self.org_id} {self.period} → {self.until}"

    def audit_org(self) -> Org:
        return self.org


class Indicator(models.Model):
    """A formula over elements, e.g. women's share = #{women} / #{members} × 100."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    numerator = models.CharField(_("分子"), max_length=400)
    denominator = models.CharField(_("分母"), max_length=400, default="1")
    factor = models.DecimalField(_("系数"), max_digits=12, decimal_places=2, default=100)
    unit = models.CharField(_("单位"), max_length=20, default="%")
    target = models.DecimalField(
        _("目标值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ValueSummary(models.Model):
    """Subtree totals per (province/city/county, element, period, option, stripe).

    ``stripe`` spreads concurrent writers over several rows of one ancestor so they do
    not queue on a single row lock; readers add the stripes up."""

    ancestor = models.ForeignKey(Org, on_delete=models.CASCADE, db_constraint=False)
    depth = models.PositiveSmallIntegerField()
    ancestor_path = models.CharField(max_length=255)
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, db_constraint=False)
    period = models.CharField(max_length=10)
    option_key = models.IntegerField(default=0)  # the option id; 0 when not broken down
    stripe = models.PositiveSmallIntegerField(default=0)
    total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "element", "period", "option_key", "stripe"],
                name="valuesummary_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["element", "period", "depth", "ancestor_path"],
                name="valuesummary_children",
                opclasses=PATTERN4,
            )
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}:{self.element_id}/{self.period}#{self.stripe}"


class SubmissionSummary(models.Model):
    """Per (data set, period, province/city/county, stripe): how many submitted, on time,
    approved."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, db_constraint=False)
    period = models.CharField(max_length=10)
    ancestor = models.ForeignKey(Org, on_delete=models.CASCADE, db_constraint=False)
    depth = models.PositiveSmallIntegerField()
    ancestor_path = models.CharField(max_length=255)
    stripe = models.PositiveSmallIntegerField(default=0)
    submitted = models.BigIntegerField(default=0)
    on_time = models.BigIntegerField(default=0)
    approved = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "period", "ancestor", "stripe"], name="submissionsummary_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["data_set", "period", "depth", "ancestor_path"],
                name="submissionsummary_children",
                opclasses=PATTERN4,
            )
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}:{self.data_set_id}/{self.period}#{self.stripe}"


class ExpectedCount(models.Model):
    """How many orgs of a province/city/county must report a data set.

    Rebuilt set-wise from the org table when the data set changes or the org tree
    changes (see ``ExpectedStamp`` and ``completeness.expected_refresh``)."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, db_constraint=False)
    ancestor = models.ForeignKey(Org, on_delete=models.CASCADE, db_constraint=False)
    depth = models.PositiveSmallIntegerField()
    ancestor_path = models.CharField(max_length=255)
    expected = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["data_set", "ancestor"], name="expectedcount_key")
        ]
        indexes = [
            models.Index(
                fields=["data_set", "depth", "ancestor_path"],
                name="expectedcount_children",
                opclasses=["int8_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}:{self.data_set_id}={self.expected}"


class ExpectedStamp(models.Model):
    """A data set's ExpectedCount rows are current while this row exists.

    Any change to the org tree deletes every stamp (one statement); the next reader
    rebuilds the counts of the data set it needs."""

    data_set = models.OneToOneField(DataSet, on_delete=models.CASCADE, primary_key=True)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.data_set_id}@{self.built_at}"
