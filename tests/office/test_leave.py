"""Leave follows SPEC §6 exactly, on the workflow engine and the working-day calendar."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fulian.office.leave import leave_days, leave_submit
from fulian.office.models import AttendanceRecord
from fulian.workflow import engine
from fulian.workflow.models import ProcessState, TaskState

pytestmark = pytest.mark.django_db
D = dt.date


def file_leave(user, start, end, start_half="am", end_half="pm", kind="personal", **extra):
    return leave_submit(
        actor=user,
        kind=kind,
        start_date=start,
        start_half=start_half,
        end_date=end,
        end_half=end_half,
        reason="家中有事",
        **extra,
    )


def open_assignees(leave):
    return sorted(t.assignee.username for t in leave.process.tasks.filter(state="open"))


def approve_all(leave, *usernames, user_named):
    for username in usernames:
        task = leave.process.tasks.get(state=TaskState.OPEN, assignee__username=username)
        engine.act(task=task, actor=user_named(username), action="approve")


def test_days_count_only_working_days_in_half_day_steps():
    assert leave_days(D(2026, 11, 27), "am", D(2026, 11, 30), "pm") == 2  # Fri–Mon
    assert leave_days(D(2026, 11, 27), "pm", D(2026, 11, 30), "am") == 1
    assert leave_days(D(2026, 11, 26), "am", D(2026, 11, 26), "am") == Decimal("0.5")
    # Across National Day: 09-30, 10-08 and 10-09 are the working days.
    assert leave_days(D(2026, 9, 30), "am", D(2026, 10, 9), "pm") == 3
    # The make-up Saturday 2026-02-14 counts.
    assert leave_days(D(2026, 2, 14), "am", D(2026, 2, 14), "pm") == 1


def test_staff_half_day_goes_to_the_department_head(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 12, 1), D(2026, 12, 1), end_half="am")
    assert leave.days == Decimal("0.5")
    assert open_assignees(leave) == ["city_office_head"]
    approve_all(leave, "city_office_head", user_named=user_named)
    leave.process.refresh_from_db()
    assert leave.process.state == ProcessState.APPROVED


def test_one_day_goes_to_the_leader_in_charge_then_the_chairwoman(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 12, 2), D(2026, 12, 2))
    assert open_assignees(leave) == ["city_vice"]
    approve_all(leave, "city_vice", user_named=user_named)
    assert open_assignees(leave) == ["city_chair"]
    approve_all(leave, "city_chair", user_named=user_named)
    leave.process.refresh_from_db()
    assert leave.process.state == ProcessState.APPROVED
    assert AttendanceRecord.objects.filter(leave=leave).count() == 1


def test_leave_over_a_weekend_counts_two_days_and_reaches_the_chairwoman(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 11, 27), D(2026, 11, 30))
    assert leave.days == 2
    approve_all(leave, "city_vice", "city_chair", user_named=user_named)
    records = AttendanceRecord.objects.filter(leave=leave).order_by("date")
    assert [r.date for r in records] == [D(2026, 11, 27), D(2026, 11, 30)]


def test_a_department_heads_half_day_goes_to_the_leader_in_charge(user_named):
    leave = file_leave(
        user_named("city_office_head"), D(2026, 12, 3), D(2026, 12, 3), end_half="am"
    )
    assert open_assignees(leave) == ["city_vice"]
    approve_all(leave, "city_vice", user_named=user_named)
    leave.process.refresh_from_db()
    assert leave.process.state == ProcessState.APPROVED


def test_sick_leave_needs_a_hospital_certificate(user_named):
    with pytest.raises(ValidationError, match="医院证明"):
        file_leave(user_named("city_office"), D(2026, 12, 4), D(2026, 12, 4), kind="sick")
    leave = file_leave(
        user_named("city_office"),
        D(2026, 12, 4),
        D(2026, 12, 4),
        kind="sick",
        certificate=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test"),
    )
    assert leave.certificate.name.endswith(".pdf")


def test_leave_on_days_off_only_is_refused(user_named):
    with pytest.raises(ValidationError, match="没有工作日"):
        file_leave(user_named("city_office"), D(2026, 10, 3), D(2026, 10, 4))


def test_return_then_resubmit(user_named):
    office = user_named("city_office")
    leave = file_leave(office, D(2026, 12, 7), D(2026, 12, 7))
    task = leave.process.tasks.get(state="open")
    with pytest.raises(ValidationError, match="理由"):
        engine.act(task=task, actor=user_named("city_vice"), action="return")
    engine.act(task=task, actor=user_named("city_vice"), action="return", comment="请写清事由")
    leave.process.refresh_from_db()
    assert leave.process.state == ProcessState.RETURNED
    engine.resubmit(instance=leave.process, actor=office, comment="已补充")
    assert open_assignees(leave) == ["city_vice"]


def test_transfer_keeps_the_history(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 12, 8), D(2026, 12, 8))
    task = leave.process.tasks.get(state="open")
    engine.act(
        task=task,
        actor=user_named("city_vice"),
        action="transfer",
        target=user_named("city_office_head"),
        comment="请代为审核",
    )
    assert open_assignees(leave) == ["city_office_head"]
    assert leave.process.log.filter(action="transfer").exists()


def test_withdraw_only_before_the_first_action(user_named):
    office = user_named("city_office")
    leave = file_leave(office, D(2026, 12, 9), D(2026, 12, 9))
    with pytest.raises(PermissionDenied):
        engine.withdraw(instance=leave.process, actor=user_named("city_vice"))
    engine.withdraw(instance=leave.process, actor=office)
    leave.process.refresh_from_db()
    assert leave.process.state == ProcessState.WITHDRAWN
    assert not leave.process.tasks.filter(state="open").exists()

    second = file_leave(office, D(2026, 12, 10), D(2026, 12, 10))
    approve_all(second, "city_vice", user_named=user_named)
    with pytest.raises(ValidationError, match="已有人办理"):
        engine.withdraw(instance=second.process, actor=office)


def test_acting_twice_on_one_task_is_refused_with_a_clear_message(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 12, 11), D(2026, 12, 11))
    task = leave.process.tasks.get(state="open")
    stale = type(task).objects.get(pk=task.pk)
    engine.act(task=task, actor=user_named("city_vice"), action="approve")
    with pytest.raises(ValidationError, match="已由"):
        engine.act(task=stale, actor=user_named("city_vice"), action="approve")


def test_someone_else_cannot_act_on_her_task(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 12, 14), D(2026, 12, 14))
    task = leave.process.tasks.get(state="open")
    with pytest.raises(PermissionDenied):
        engine.act(task=task, actor=user_named("city_rights"), action="approve")


def test_a_delegate_acts_for_her_and_the_record_says_so(user_named):
    vice = user_named("city_vice")
    engine.delegate(
        actor=vice,
        to=user_named("city_office_head"),
        start_date=D(2020, 1, 1),
        end_date=D(2099, 1, 1),
        reason="出差",
    )
    leave = file_leave(user_named("city_office"), D(2026, 12, 15), D(2026, 12, 15))
    task = leave.process.tasks.get(state="open")
    engine.act(task=task, actor=user_named("city_office_head"), action="approve")
    entry = leave.process.log.get(action="approve")
    assert entry.actor.username == "city_office_head" and entry.on_behalf_of == vice


def test_countersign_waits_for_the_countersigner(user_named):
    leave = file_leave(user_named("city_office"), D(2026, 12, 16), D(2026, 12, 16))
    task = leave.process.tasks.get(state="open")
    vice = user_named("city_vice")
    engine.act(task=task, actor=vice, action="countersign", target=user_named("city_rights"))
    engine.act(task=task, actor=vice, action="approve")
    assert open_assignees(leave) == ["city_rights"]
    approve_all(leave, "city_rights", user_named=user_named)
    assert open_assignees(leave) == ["city_chair"]


def test_overlapping_leave_is_refused(user_named):
    office = user_named("city_office")
    file_leave(office, D(2026, 12, 17), D(2026, 12, 18))
    with pytest.raises(ValidationError, match="重叠"):
        file_leave(office, D(2026, 12, 18), D(2026, 12, 18))


def test_only_department_staff_file_leave_here(user_named):
    with pytest.raises(PermissionDenied):
        file_leave(user_named("village_chair"), D(2026, 12, 21), D(2026, 12, 21))
