from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from fulian.accounts.scope import filter_queryset
from fulian.core import audit
from fulian.core.errors import error_text

from . import attendance, leave
from .forms import LeaveForm
from .models import AttendanceStatus, LeaveKind, LeaveRequest


@login_required
def leave_list(request):
    """Her own requests, and those of the departments in her scope."""
    mine = LeaveRequest.objects.filter(applicant=request.user).select_related("process")
    others = filter_queryset(
        LeaveRequest.objects.exclude(applicant=request.user),
        request.user,
        "office.view_leaverequest",
    ).select_related("process", "applicant", "department")[:100]
    return render(
        request, "office/leave_list.html", {"title": _("请假"), "mine": mine[:50], "others": others}
    )


@login_required
def leave_new(request):
    form = LeaveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_ = leave.leave_submit(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(
                request,
                _("已提交，共 %(days)s 个工作日") % {"days": leave.format_days(request_.days)},
            )
            return redirect("workflow:process", pk=request_.process_id)
    return render(request, "office/leave_form.html", {"title": _("请假申请"), "form": form})


@login_required
def attendance_summary(request):
    if not request.user.has_perm("office.view_attendancerecord"):
        raise PermissionDenied
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        rows = attendance.monthly_summary(viewer=request.user, month=month)
    except ValueError:
        messages.error(request, _("月份格式应为 YYYY-MM"))
        return redirect("office:attendance")
    if request.method == "POST":
        return _record(request, month)
    kinds = [str(label) for _value, label in LeaveKind.choices]
    if request.GET.get("export") == "xlsx":
        return _export(request, month, rows, kinds)
    return render(
        request,
        "office/attendance.html",
        {
            "title": _("考勤月度汇总"),
            "month": month,
            "rows": rows,
            "kinds": kinds,
            "statuses": [c for c in AttendanceStatus.choices if c[0] != AttendanceStatus.LEAVE],
        },
    )


def _record(request, month):
    """Record a trip, absence or lateness from the summary page."""
    from decimal import Decimal, InvalidOperation

    from django.utils.dateparse import parse_date

    from fulian.accounts.models import User

    user = User.objects.filter(username=request.POST.get("username", "").strip()).first()
    day = parse_date(request.POST.get("date", ""))
    try:
        if user is None or day is None:
            raise ValidationError(_("请填写人员账号和日期（YYYY-MM-DD）"))
        attendance.attendance_record(
            actor=request.user,
            user=user,
            date=day,
            status=request.POST.get("status", ""),
            portion=Decimal(request.POST.get("portion", "1.0")),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("已记录"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    except InvalidOperation:
        messages.error(request, _("天数只能是 0.5 或 1"))
    return redirect(f"{request.path}?month={month}")


def _export(request, month, rows, kinds):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=month)
    sheet.append(
        ["部室", "姓名", "应出勤（工作日）", *kinds, "请假合计", "出差", "缺勤", "实际出勤"]
    )
    for row in rows:
        sheet.append(
            [
                row.department,
                row.name,
                row.working_days,
                *[float(row.leave.get(k, 0)) for k in kinds],
                float(row.leave_total),
                float(row.trip),
                float(row.absent),
                float(row.attended),
            ]
        )
    audit.record_export(
        what=f"考勤月度汇总 {month}",
        rows=len(rows),
        filters={"month": month},
        masked=True,
        actor=request.user,
    )
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{month}.xlsx"'
    workbook.save(response)
    return response
