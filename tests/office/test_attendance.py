"""Attendance: approved leave and recorded trips roll into the monthly summary and Excel."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from fulian.office import attendance
from fulian.office.leave import leave_submit
from fulian.workflow import engine

pytestmark = pytest.mark.django_db


def test_the_monthly_summary_counts_leave_trips_and_working_days(user_named):
    office = user_named("city_office")
    leave = leave_submit(
        actor=office,
        kind="personal",
        start_date=dt.date(2026, 12, 1),
        start_half="am",
        end_date=dt.date(2026, 12, 1),
        end_half="am",
        reason="办事",
    )
    engine.act(
        task=leave.process.tasks.get(state="open"),
        actor=user_named("city_office_head"),
        action="approve",
    )
    attendance.attendance_record(
        actor=user_named("city_office_head"), user=office, date=dt.date(2026, 12, 3), status="trip"
    )
    rows = attendance.monthly_summary(viewer=user_named("city_chair"), month="2026-12")
    row = next(r for r in rows if r.name == "张丽")
    assert row.working_days == 23  # December 2026 has 23 working days
    assert row.leave == {"事假": Decimal("0.5")} and row.trip == 1
    assert row.attended == Decimal("22.5")


def test_the_summary_exports_to_excel(client_for):
    response = client_for("city_chair").get(
        "/office/attendance/", {"month": "2026-12", "export": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["部室", "姓名", "应出勤（工作日）"]
    assert sheet.max_row > 1


def test_recording_attendance_outside_her_scope_is_refused(user_named):
    with pytest.raises(PermissionDenied):
        attendance.attendance_record(
            actor=user_named("village_chair"),
            user=user_named("city_office"),
            date=dt.date(2026, 12, 3),
            status="absent",
        )


def test_village_chair_cannot_see_the_summary(client_for):
    assert client_for("village_chair").get("/office/attendance/").status_code == 403


def test_the_summary_page_records_a_trip(client_for, user_named):
    client = client_for("city_office_head")
    client.post(
        "/office/attendance/?month=2026-12",
        {"username": "city_office", "date": "2026-12-04", "status": "trip", "portion": "1.0"},
    )
    from fulian.office.models import AttendanceRecord

    assert AttendanceRecord.objects.filter(
        user__username="city_office", status="trip", date=dt.date(2026, 12, 4)
    ).exists()
