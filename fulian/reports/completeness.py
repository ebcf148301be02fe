"""Completeness and timeliness of a data set: expected vs submitted vs on time.

Expected counts come from ``ExpectedCount`` (orgs that must report, per province, city
and county), submitted ones from ``SubmissionSummary``; below a county both are
counted live. Deadlines are calendar days after the period ends, as the data set says.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fulian.orgs.models import SEGMENT_WIDTH, Org, OrgStatus

from .models import (
    DataSet,
    EntryException,
    ExpectedCount,
    ExpectedStamp,
    Submission,
    SubmissionSummary,
)
from .periods import Period, parse, period_containing
from .rollup import SUMMARY_DEPTHS


def deadline_of(data_set: DataSet, period: Period | str) -> dt.date:
    period = parse(period) if isinstance(period, str) else period
    return period.end + dt.timedelta(days=data_set.deadline_days)


def is_locked(data_set: DataSet, org: Org, period: Period | str, *, today=None) -> bool:
    """Past the deadline a locked data set takes no entries, unless an exception allows."""
    today = today or timezone.localdate()
    period = parse(period) if isinstance(period, str) else period
    if not data_set.lock_after_deadline or today <= deadline_of(data_set, period):
        return False
    ancestors = [org.path[:i] for i in range(SEGMENT_WIDTH, len(org.path) + 1, SEGMENT_WIDTH)]
    return not EntryException.objects.filter(
        data_set=data_set, period=period.id, until__gte=today, org__path__in=ancestors
    ).exists()


def reporting_orgs(data_set: DataSet, within: Org):
    """Active orgs that must report the data set, in ``within``'s subtree."""
    owner_path = data_set.owner.path
    prefix = within.path if within.path.startswith(owner_path) else owner_path
    if not (prefix.startswith(owner_path) and prefix.startswith(within.path[: len(prefix)])):
        return Org.objects.none()
    return Org.objects.filter(
        path__startswith=prefix, kind__in=data_set.reporting_kinds, status=OrgStatus.ACTIVE
    )


def must_report(data_set: DataSet, org: Org) -> bool:
    return (
        org.kind in data_set.reporting_kinds
        and org.status == OrgStatus.ACTIVE
        and org.path.startswith(data_set.owner.path)
    )


@transaction.atomic
def expected_refresh(data_set: DataSet) -> None:
    """Recount, in one pass over the orgs, how many must report under each county,
    city and province."""
    per_county = Counter()
    shallow = []
    orgs = Org.objects.filter(
        path__startswith=data_set.owner.path,
        kind__in=data_set.reporting_kinds,
        status=OrgStatus.ACTIVE,
    ).values_list("path", flat=True)
    deepest = SUMMARY_DEPTHS[-1] * SEGMENT_WIDTH
    for path in orgs.iterator(chunk_size=20000):
        if len(path) >= deepest:
            per_county[path[:deepest]] += 1
        else:
            shallow.append(path)
    per_prefix: Counter = Counter()
    for prefix, count in per_county.items():
        for depth in SUMMARY_DEPTHS:
            per_prefix[prefix[: depth * SEGMENT_WIDTH]] += count
    for path in shallow:  # a province or city that itself must report counts for itself
        for depth in SUMMARY_DEPTHS:
            if len(path) >= depth * SEGMENT_WIDTH:
                per_prefix[path[: depth * SEGMENT_WIDTH]] += 1
    ids = dict(Org.objects.filter(path__in=list(per_prefix)).values_list("path", "id"))
    ExpectedCount.objects.filter(data_set=data_set).delete()
    ExpectedCount.objects.bulk_create(
        [
            ExpectedCount(
                data_set=data_set,
                ancestor_id=ids[prefix],
                depth=len(prefix) // SEGMENT_WIDTH,
                ancestor_path=prefix,
                expected=count,
            )
            for prefix, count in per_prefix.items()
            if prefix in ids
        ],
        batch_size=2000,
    )
    ExpectedStamp.objects.update_or_create(data_set=data_set)


def forget_expected_counts(**_kwargs) -> None:
    """The org tree changed: every data set's expected counts are rebuilt when next read."""
    ExpectedStamp.objects.all().delete()


def _ensure_expected(data_set: DataSet) -> None:
    if not ExpectedStamp.objects.filter(data_set=data_set).exists():
        expected_refresh(data_set)


@dataclass(frozen=True)
class Completeness:
    expected: int
    submitted: int
    on_time: int
    approved: int

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted, 0)

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    @property
    def pending_approval(self) -> int:
        return self.submitted - self.approved


def _live(data_set: DataSet, org: Org, period: str) -> Completeness:
    expected = reporting_orgs(data_set, org).count()
    submissions = Submission.objects.filter(
        data_set=data_set, period=period, path__startswith=org.path
    )
    sums = submissions.aggregate(
        submitted=Count("pk", filter=Q(counted_submitted=True)),
        on_time=Count("pk", filter=Q(counted_on_time=True)),
        approved=Count("pk", filter=Q(counted_approved=True)),
    )
    return Completeness(
        expected, sums["submitted"] or 0, sums["on_time"] or 0, sums["approved"] or 0
    )


def counts(data_set_id: int | DataSet, org: Org, period: str) -> Completeness:
    """Expected, submitted, on time and approved in the org's subtree."""
    data_set = (
        data_set_id
        if isinstance(data_set_id, DataSet)
        else DataSet.objects.select_related("owner").get(pk=data_set_id)
    )
    if org.depth > SUMMARY_DEPTHS[-1]:
        return _live(data_set, org, period)
    _ensure_expected(data_set)
    if org.depth in SUMMARY_DEPTHS:
        expected = ExpectedCount.objects.filter(data_set=data_set, ancestor=org)
        done = SubmissionSummary.objects.filter(data_set=data_set, period=period, ancestor=org)
    else:  # the national root: add up the provinces, plus itself if it must report
        expected = ExpectedCount.objects.filter(
            data_set=data_set, depth=SUMMARY_DEPTHS[0], ancestor_path__startswith=org.path
        )
        done = SubmissionSummary.objects.filter(
            data_set=data_set,
            period=period,
            depth=SUMMARY_DEPTHS[0],
            ancestor_path__startswith=org.path,
        )
    sums = done.aggregate(s=Sum("submitted"), t=Sum("on_time"), a=Sum("approved"))
    result = Completeness(
        expected.aggregate(n=Sum("expected"))["n"] or 0,
        sums["s"] or 0,
        sums["t"] or 0,
        sums["a"] or 0,
    )
    if org.depth < SUMMARY_DEPTHS[0] and must_report(data_set, org):
        own = _live_own(data_set, org, period)
        result = Completeness(
            result.expected + 1,
            result.submitted + own.submitted,
            result.on_time + own.on_time,
            result.approved + own.approved,
        )
    return result


def _live_own(data_set, org, period) -> Completeness:
    row = Submission.objects.filter(data_set=data_set, org=org, period=period).first()
    if row is None:
        return Completeness(1, 0, 0, 0)
    return Completeness(
        1, int(row.counted_submitted), int(row.counted_on_time), int(row.counted_approved)
    )


def children_counts(data_set: DataSet, org: Org, period: str) -> list[tuple[Org, Completeness]]:
    """Completeness of each child subtree that has anything to report."""
    children = list(Org.objects.filter(parent=org).order_by("path"))
    child_depth = org.depth + 1
    if child_depth in SUMMARY_DEPTHS:
        _ensure_expected(data_set)
        expected = dict(
            ExpectedCount.objects.filter(
                data_set=data_set, depth=child_depth, ancestor_path__startswith=org.path
            ).values_list("ancestor_id", "expected")
        )
        done = defaultdict(lambda: [0, 0, 0])
        rows = (
            SubmissionSummary.objects.filter(
                data_set=data_set,
                period=period,
                depth=child_depth,
                ancestor_path__startswith=org.path,
            )
            .values("ancestor_id")
            .annotate(s=Sum("submitted"), t=Sum("on_time"), a=Sum("approved"))
        )
        for row in rows:
            done[row["ancestor_id"]] = [row["s"], row["t"], row["a"]]
        result = [
            (child, Completeness(expected.get(child.pk, 0), *done[child.pk])) for child in children
        ]
    else:
        result = _live_by_child(data_set, org, children, period)
    return [(child, figures) for child, figures in result if figures.expected or figures.submitted]


def _live_by_child(data_set, org, children, period) -> list[tuple[Org, Completeness]]:
    """Below a county: two queries for all the children (a town's few hundred villages)."""
    width = (org.depth + 1) * SEGMENT_WIDTH
    expected = Counter(
        path[:width] for path in reporting_orgs(data_set, org).values_list("path", flat=True)
    )
    done = defaultdict(lambda: [0, 0, 0])
    rows = Submission.objects.filter(
        data_set=data_set, period=period, path__startswith=org.path
    ).values_list("path", "counted_submitted", "counted_on_time", "counted_approved")
    for path, *flags in rows:
        counts = done[path[:width]]
        for i, flag in enumerate(flags):
            counts[i] += int(flag)
    return [(c, Completeness(expected[c.path], *done[c.path])) for c in children]


def missing_orgs(data_set: DataSet, org: Org, period: str):
    """The orgs in the subtree that must report and have not submitted (a queryset)."""
    submitted = Submission.objects.filter(
        data_set=data_set, period=period, counted_submitted=True, path__startswith=org.path
    ).values("org_id")
    return reporting_orgs(data_set, org).exclude(pk__in=submitted).order_by("path")


def due_soon(today: dt.date | None = None) -> list[tuple[DataSet, Period]]:
    """(data set, period) whose deadline falls within the data set's reminder window."""
    today = today or timezone.localdate()
    found = []
    for data_set in DataSet.objects.filter(is_active=True).select_related("owner"):
        period = period_containing(data_set.period_type, today).previous()
        for candidate in (period, period.next()):
            days_left = (deadline_of(data_set, candidate) - today).days
            if 0 <= days_left <= data_set.reminder_days and candidate.end < today:
                found.append((data_set, candidate))
    return found


def send_reminders(today: dt.date | None = None) -> int:
    """Remind the reporters of every org that has not yet submitted a report due soon."""
    from fulian.accounts.models import Position
    from fulian.notifications.services import notify_many

    sent = 0
    for data_set, period in due_soon(today):
        missing = missing_orgs(data_set, data_set.owner, period.id)
        reporters = defaultdict(set)
        positions = (
            Position.objects.current()
            .filter(
                org_id__in=missing.values("pk"),
                role__permissions__codename="add_datavalue",
                role__permissions__content_type__app_label="reports",
            )
            .select_related("user", "org")
        )
        for position in positions:
            reporters[position.org].add(position.user)
        for org, users in reporters.items():
            notify_many(
                sorted(users, key=lambda u: u.pk),
                kind="report_deadline",
                link=f"/reports/entry/{data_set.pk}/{org.pk}/{period.id}/",
                context={
                    "dataset": data_set.name,
                    "org": org.name,
                    "period": period.label,
                    "deadline": deadline_of(data_set, period).isoformat(),
                },
            )
            sent += len(users)
    return sent
