"""Monthly attendance summary per department, read through the data scope."""

from __future__ import annotations

import calendar as month_calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from fulian.accounts.models import Position
from fulian.accounts.scope import filter_queryset
from fulian.core.calendar import working_days_between
from fulian.orgs.models import OrgKind

from .models import AttendanceRecord, AttendanceStatus, LeaveKind


@dataclass
class SummaryRow:
    department: str
    name: str
    working_days: int
    leave: dict[str, Decimal] = field(default_factory=dict)
    trip: Decimal = Decimal(0)
    absent: Decimal = Decimal(0)

    @property
    def leave_total(self) -> Decimal:
        return sum(self.leave.values(), Decimal(0))

    @property
    def attended(self) -> Decimal:
        return self.working_days - self.leave_total - self.absent


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """'2026-11' → (2026-11-01, 2026-11-30)."""
    year, number = (int(part) for part in month.split("-"))
    last = month_calendar.monthrange(year, number)[1]
    return datetime.date(year, number, 1), datetime.date(year, number, last)


def monthly_summary(*, viewer, month: str) -> list[SummaryRow]:
    """One row per staff member of every department in her scope, for the month."""
    first, last = month_bounds(month)
    working = working_days_between(first, last)
    positions = (
        filter_queryset(
            Position.objects.current(last).filter(org__kind=OrgKind.DEPARTMENT),
            viewer,
            "office.view_attendancerecord",
        )
        .select_related("user", "org")
        .order_by("org__path", "user__username")
    )
    rows: dict[tuple[int, int], SummaryRow] = {}
    for position in positions:
        rows.setdefault(
            (position.org_id, position.user_id),
            SummaryRow(
                department=position.org.name, name=position.user.display_name, working_days=working
            ),
        )
    records = (
        filter_queryset(AttendanceRecord.objects.all(), viewer, "office.view_attendancerecord")
        .filter(date__range=(first, last))
        .values("department", "user", "status", "leave__kind")
        .annotate(days=Sum("portion"))
    )
    labels = dict(LeaveKind.choices)
    for record in records:
        row = rows.get((record["department"], record["user"]))
        if row is None:
            continue
        if record["status"] == AttendanceStatus.LEAVE:
            label = str(labels.get(record["leave__kind"], "其他"))
            row.leave[label] = row.leave.get(label, Decimal(0)) + record["days"]
        elif record["status"] == AttendanceStatus.TRIP:
            row.trip += record["days"]
        elif record["status"] == AttendanceStatus.ABSENT:
            row.absent += record["days"]
    return list(rows.values())


def attendance_record(
    *,
    actor,
    user,
    date: datetime.date,
    status: str,
    portion: Decimal = Decimal("1.0"),
    note: str = "",
) -> AttendanceRecord:
    """Record a trip, an absence or lateness for someone in a department in her scope."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from fulian.accounts.scope import scope_for
    from fulian.core import audit
    from fulian.workflow.definitions import department_of

    department = department_of(user)
    if department is None:
        raise ValidationError(_("该人员不在机关部室任职"))
    if not scope_for(actor, "office.add_attendancerecord").covers_org(department):
        raise PermissionDenied(_("您不能为该部室记录考勤"))
    if status == AttendanceStatus.LEAVE:
        raise ValidationError(_("请假由请假审批自动记入考勤"))
    if status not in AttendanceStatus.values:
        raise ValidationError(_("请选择考勤状态"))
    if portion not in (Decimal("0.5"), Decimal("1.0")):
        raise ValidationError(_("天数只能是 0.5 或 1"))
    with transaction.atomic(), audit.acting_as(actor):
        record, _created = AttendanceRecord.objects.update_or_create(
            user=user,
            date=date,
            status=status,
            defaults={"department": department, "portion": portion, "note": note},
        )
    return record
