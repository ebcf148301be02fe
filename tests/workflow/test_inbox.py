"""The inbox page and API: every open task, acted on in place, with bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulian.office.leave import leave_submit
from fulian.workflow import engine, selectors
from fulian.workflow.models import ProcessInstance, Task

pytestmark = pytest.mark.django_db


def a_leave(user_named, day=dt.date(2026, 12, 2)):
    return leave_submit(
        actor=user_named("city_office"),
        kind="personal",
        start_date=day,
        start_half="am",
        end_date=day,
        end_half="pm",
        reason="事假",
    )


def test_the_inbox_lists_the_task_with_sender_and_due_date(client_for, user_named):
    leave = a_leave(user_named)
    body = client_for("city_vice").get("/inbox/").content.decode()
    assert leave.process.title in body and "张丽" in body
    task = leave.process.tasks.get()
    assert task.due_date.strftime("%Y-%m-%d") in body
    assert leave.process.title not in client_for("city_chair").get("/inbox/").content.decode()


def test_acting_from_the_inbox_answers_with_the_updated_card(client_for, user_named):
    leave = a_leave(user_named)
    task = leave.process.tasks.get()
    response = client_for("city_vice").post(
        f"/inbox/tasks/{task.pk}/act/",
        {"action": "approve", "comment": "同意"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已办理" in response.content.decode()
    assert leave.process.tasks.get(state="open").assignee.username == "city_chair"


def test_returning_without_a_reason_shows_the_error_in_the_card(client_for, user_named):
    task = a_leave(user_named).process.tasks.get()
    response = client_for("city_vice").post(
        f"/inbox/tasks/{task.pk}/act/", {"action": "return"}, HTTP_HX_REQUEST="true"
    )
    assert "理由" in response.content.decode()
    task.refresh_from_db()
    assert task.state == "open"


def test_another_users_task_is_404(client_for, user_named):
    task = a_leave(user_named).process.tasks.get()
    assert (
        client_for("city_chair")
        .post(f"/inbox/tasks/{task.pk}/act/", {"action": "approve"})
        .status_code
        == 404
    )


def test_the_process_page_is_for_those_involved(client_for, user_named):
    leave = a_leave(user_named)
    assert client_for("city_office").get(f"/inbox/process/{leave.process_id}/").status_code == 200
    assert client_for("village_chair").get(f"/inbox/process/{leave.process_id}/").status_code == 404


def test_the_inbox_api_lists_and_acts(api_client_for, user_named):
    leave = a_leave(user_named)
    client = api_client_for("city_vice")
    listed = client.get("/api/v1/inbox/").json()["results"]
    task_id = next(t["id"] for t in listed if t["process"] == leave.process_id)
    acted = client.post(f"/api/v1/inbox/{task_id}/act/", {"action": "approve"}, format="json")
    assert acted.status_code == 200 and acted.json()["state"] == "done"
    again = client.post(f"/api/v1/inbox/{task_id}/act/", {"action": "approve"}, format="json")
    assert again.status_code == 404  # no longer in her open inbox
    done = client.get("/api/v1/inbox/", {"tab": "done"}).json()["results"]
    assert any(t["id"] == task_id for t in done)


def test_the_inbox_of_500_open_tasks_answers_in_bounded_queries(client_for, user_named):
    leave = a_leave(user_named)
    task = leave.process.tasks.get()
    instances = [
        ProcessInstance(
            definition_key="leave",
            definition_version=1,
            subject_type_id=leave.process.subject_type_id,
            subject_id=str(leave.pk),
            title=f"请假{i}",
            org=leave.department,
            started_by=leave.applicant,
        )
        for i in range(500)
    ]
    ProcessInstance.objects.bulk_create(instances)
    Task.objects.bulk_create(
        [
            Task(
                instance=i,
                step_key=task.step_key,
                step_name=task.step_name,
                step_index=task.step_index,
                assignee=task.assignee,
                sender=leave.applicant,
                due_date=task.due_date,
            )
            for i in instances
        ]
    )
    client = client_for("city_vice")
    open_count = selectors.inbox_open(user=task.assignee).count()  # with the demo's own
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/inbox/")
    assert response.status_code == 200
    assert len(queries.captured_queries) <= 15
    assert str(open_count) in response.content.decode()  # the open count


def test_a_leader_with_two_posts_filters_the_inbox_by_post(client_for, user_named, org_by_code):
    from fulian.accounts.models import Role
    from fulian.accounts.services import position_grant

    vice = user_named("city_vice")
    county = org_by_code("321202000000")
    other = position_grant(
        actor=None, user=vice, org=county, role=Role.objects.get(code="county_cadre"), title="兼任"
    )
    a_leave(user_named)
    body = client_for("city_vice").get("/inbox/", {"post": other.pk}).content.decode()
    assert "没有待办事项" in body


def test_urge_notifies_the_current_actor(user_named):
    from fulian.notifications.models import Notification

    leave = a_leave(user_named)
    engine.urge(task=leave.process.tasks.get(), actor=user_named("city_office"))
    assert Notification.objects.filter(recipient__username="city_vice", kind="task_urged").exists()
