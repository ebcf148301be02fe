"""The engine beyond leave: group claims, deadlines, escalation, overdue counts, versions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fulian.accounts.models import Role
from fulian.accounts.services import position_grant, user_create
from fulian.core.calendar import add_working_days
from fulian.notifications.models import Notification
from fulian.workflow import deadlines, definitions, engine
from fulian.workflow.definitions import ProcessDefinition, Step
from fulian.workflow.models import ProcessState, Task, TaskState

pytestmark = pytest.mark.django_db


@pytest.fixture
def rights_team(org_by_code, user_named):
    """Two more rights staff in 权益部, so a step can be offered to the group."""
    department = user_named("city_rights").positions.get().org
    role = Role.objects.get(code="rights_staff")
    for name in ("rights_a", "rights_b"):
        user = user_create(actor=None, username=name, full_name=name, password="Quanyi@2026x")
        position_grant(actor=None, user=user, org=department, role=role)
    return department


GROUP = definitions.register(
    ProcessDefinition(
        key="test_group",
        version=1,
        name="测试：权益部抢办",
        steps=(
            Step(
                "rights", "权益部受理", definitions.role_in_org("rights_staff"), due_working_days=3
            ),
        ),
    )
)


def start_group(actor, department, subject):
    return engine.start(
        definition_key="test_group",
        subject=subject,
        actor=actor,
        org=department,
        title="群众来电求助",
    )


def test_a_group_step_is_claimed_by_the_first_taker(rights_team, user_named):
    instance = start_group(user_named("city_office"), rights_team, rights_team)
    task = instance.tasks.get()
    assert task.assignee is None and task.candidates.count() == 3
    engine.claim(task=task, actor=user_named("rights_a"))
    with pytest.raises(ValidationError, match="已被他人认领"):
        engine.claim(task=Task.objects.get(pk=task.pk), actor=user_named("rights_b"))
    engine.act(task=Task.objects.get(pk=task.pk), actor=user_named("rights_a"), action="approve")
    instance.refresh_from_db()
    assert instance.state == ProcessState.APPROVED


def test_due_dates_count_working_days(rights_team, user_named):
    instance = start_group(user_named("city_office"), rights_team, rights_team)
    task = instance.tasks.get()
    assert task.due_date == add_working_days(task.created_at.date(), 3)


def test_reminder_one_working_day_before_and_escalation_when_overdue(rights_team, user_named):
    instance = start_group(user_named("city_office"), rights_team, rights_team)
    task = instance.tasks.get()
    engine.claim(task=task, actor=user_named("rights_a"))
    day_before = add_working_days(task.due_date, -1)
    # Other modules' demo tasks may fall due the same day: count ours by its stamp.
    assert deadlines.send_reminders(today=day_before) >= 1
    task.refresh_from_db()
    assert task.reminded_at is not None
    assert deadlines.send_reminders(today=day_before) == 0  # once only
    assert Notification.objects.filter(
        recipient__username="rights_a", kind="task_reminder"
    ).exists()
    after = task.due_date + dt.timedelta(days=1)
    assert deadlines.escalate_overdue(today=after) >= 1
    assert deadlines.escalate_overdue(today=after) == 0
    task.refresh_from_db()
    assert task.escalated_to.username == "city_chair"
    assert Notification.objects.filter(
        recipient__username="city_chair", kind="task_escalated"
    ).exists()


def test_overdue_counts_per_person_and_org(rights_team, user_named, monkeypatch):
    instance = start_group(user_named("city_office"), rights_team, rights_team)
    task = instance.tasks.get()
    engine.claim(task=task, actor=user_named("rights_b"))
    Task.objects.filter(pk=task.pk).update(due_date=dt.date(2020, 1, 1))
    tasks = Task.objects.all()
    assert deadlines.overdue_counts_by_person(tasks)[user_named("rights_b").pk] == 1
    assert deadlines.overdue_counts_by_org(tasks)[rights_team.pk] >= 1


def test_a_new_version_does_not_disturb_running_instances(rights_team, user_named):
    instance = start_group(user_named("city_office"), rights_team, rights_team)
    definitions.register(
        ProcessDefinition(
            key="test_group",
            version=2,
            name="测试：改由主席办理",
            steps=(Step("chair", "主席办理", definitions.chairwoman()),),
        )
    )
    try:
        task = instance.tasks.get()
        engine.claim(task=task, actor=user_named("rights_a"))
        engine.act(
            task=Task.objects.get(pk=task.pk), actor=user_named("rights_a"), action="approve"
        )
        instance.refresh_from_db()
        assert instance.definition_version == 1 and instance.state == ProcessState.APPROVED
        newer = start_group(user_named("city_office"), rights_team, rights_team)
        assert newer.definition_version == 2
        assert newer.tasks.get().assignee.username == "city_chair"
    finally:
        definitions._registry.pop(("test_group", 2))


def test_a_released_version_cannot_be_redefined():
    with pytest.raises(ValueError, match="new version"):
        definitions.register(ProcessDefinition(key="test_group", version=1, name="改", steps=()))


def test_the_submitter_is_told_of_the_outcome(user_named):
    from fulian.office.leave import leave_submit

    leave = leave_submit(
        actor=user_named("city_office"),
        kind="personal",
        start_date=dt.date(2026, 12, 22),
        start_half="am",
        end_date=dt.date(2026, 12, 22),
        end_half="am",
        reason="办事",
    )
    task = leave.process.tasks.get(state=TaskState.OPEN)
    engine.act(task=task, actor=user_named("city_office_head"), action="approve")
    assert Notification.objects.filter(
        recipient__username="city_office", kind="process_approved"
    ).exists()
