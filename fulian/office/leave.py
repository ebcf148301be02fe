"""Leave (请假) on the workflow engine, following SPEC §6 exactly.

Length is counted in working days on the Chinese calendar, in half-day steps.
- Staff: up to half a day → the department head; more than half a day → the leader in
  charge of the department (分管领导).
- A department head: half a day or more → the leader in charge.
- Anyone: one day or more (以上 includes the number) → the chairwoman as well.
- Sick leave needs a hospital certificate.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fulian.core import audit
from fulian.core.calendar import is_working_day
from fulian.workflow import definitions, engine
from fulian.workflow.definitions import Context, ProcessDefinition, Step

from .models import AttendanceRecord, AttendanceStatus, HalfDay, LeaveKind, LeaveRequest

HALF = Decimal("0.5")
ONE = Decimal("1")


def leave_days(start: datetime.date, start_half: str, end: datetime.date, end_half: str) -> Decimal:
    """Working days between the two half-days, both included, in half-day steps."""
    if end < start:
        raise ValidationError(_("结束日期不能早于开始日期"))
    if start == end and start_half == HalfDay.AFTERNOON and end_half == HalfDay.MORNING:
        raise ValidationError(_("同一天内结束时段不能早于开始时段"))
    days = Decimal(0)
    day = start
    while day <= end:
        if is_working_day(day):
            portion = ONE
            if day == start and start_half == HalfDay.AFTERNOON:
                portion -= HALF
            if day == end and end_half == HalfDay.MORNING:
                portion -= HALF
            days += portion
        day += datetime.timedelta(days=1)
    return days


def format_days(days: Decimal) -> str:
    """2 → "2", 2.0 → "2", 0.5 → "0.5" (never "1E+1")."""
    text = f"{days:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_head(ctx: Context) -> bool:
    return definitions.is_department_head(ctx.applicant, ctx.org)


def _days(ctx: Context) -> Decimal:
    return ctx.subject.days


def _approved(instance, leave: LeaveRequest) -> None:
    """Approved leave is written into attendance, day by day (working days only)."""
    day = leave.start_date
    while day <= leave.end_date:
        if is_working_day(day):
            portion = ONE
            if day == leave.start_date and leave.start_half == HalfDay.AFTERNOON:
                portion -= HALF
            if day == leave.end_date and leave.end_half == HalfDay.MORNING:
                portion -= HALF
            AttendanceRecord.objects.update_or_create(
                user=leave.applicant,
                date=day,
                status=AttendanceStatus.LEAVE,
                defaults={
                    "department": leave.department,
                    "portion": portion,
                    "leave": leave,
                    "note": leave.get_kind_display(),
                },
            )
        day += datetime.timedelta(days=1)


LEAVE_V1 = definitions.register(
    ProcessDefinition(
        key="leave",
        version=1,
        name="请假审批",
        steps=(
            Step(
                "department_head",
                "部室负责人审批",
                definitions.department_head(),
                due_working_days=1,
                condition=lambda ctx: not _is_head(ctx) and _days(ctx) <= HALF,
            ),
            Step(
                "leader_in_charge",
                "分管领导审批",
                definitions.leader_in_charge(),
                due_working_days=1,
                condition=lambda ctx: _is_head(ctx) or _days(ctx) > HALF,
                escalate_to=definitions.chairwoman(),
            ),
            Step(
                "chairwoman",
                "主席审批",
                definitions.chairwoman(),
                due_working_days=2,
                condition=lambda ctx: _days(ctx) >= ONE,
            ),
        ),
        on_approved=_approved,
    )
)


@transaction.atomic
def leave_submit(
    *,
    actor,
    kind: str,
    start_date,
    start_half: str,
    end_date,
    end_half: str,
    reason: str,
    certificate=None,
) -> LeaveRequest:
    """File a leave request from her department and start its approval."""
    department = definitions.department_of(actor)
    if department is None:
        raise PermissionDenied(_("只有机关部室的工作人员可以在此请假"))
    if kind not in LeaveKind.values:
        raise ValidationError(_("请选择请假类型"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写请假事由"))
    if kind == LeaveKind.SICK and not certificate:
        raise ValidationError(_("病假须上传医院证明"))
    days = leave_days(start_date, start_half, end_date, end_half)
    if days <= 0:
        raise ValidationError(_("所选时间内没有工作日，无需请假"))
    overlapping = LeaveRequest.objects.filter(
        applicant=actor,
        start_date__lte=end_date,
        end_date__gte=start_date,
        process__state__in=["running", "approved"],
    )
    if overlapping.exists():
        raise ValidationError(_("与已提交的请假时间重叠"))
    leave = LeaveRequest(
        applicant=actor,
        department=department,
        kind=kind,
        start_date=start_date,
        start_half=start_half,
        end_date=end_date,
        end_half=end_half,
        days=days,
        reason=reason.strip(),
    )
    if certificate:
        leave.certificate = certificate
    with audit.acting_as(actor):
        leave.save()
        leave.process = engine.start(
            definition_key="leave",
            subject=leave,
            actor=actor,
            org=department,
            title=_("%(name)s的%(kind)s申请（%(days)s天）")
            % {
                "name": actor.display_name,
                "kind": leave.get_kind_display(),
                "days": format_days(days),
            },
        )
        leave.save(update_fields=["process"])
    return leave
