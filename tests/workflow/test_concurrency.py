"""Two people approve the same task at the same moment: exactly one wins (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from fulian.accounts.models import User
from fulian.core.demo import seed_demo
from fulian.workflow import engine
from fulian.workflow.models import Task, TaskState

pytestmark = [pytest.mark.transactional, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency is exercised on PostgreSQL"
)
def test_two_concurrent_approvals_of_one_task_one_wins_one_is_told():
    from fulian.office.leave import leave_submit

    seed_demo()  # a transactional test starts from an emptied database
    office = User.objects.get(username="city_office")
    day = dt.date(2026, 12, 9)
    leave = leave_submit(
        actor=office,
        kind="personal",
        start_date=day,
        start_half="am",
        end_date=day,
        end_half="pm",
        reason="并发测试",
    )
    vice = User.objects.get(username="city_vice")
    # The vice chair's delegate acts at the same moment as she does.
    engine.delegate(
        actor=vice,
        to=User.objects.get(username="city_office_head"),
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2099, 1, 1),
    )
    task_id = leave.process.tasks.get(state=TaskState.OPEN).pk
    actors = ["city_vice", "city_office_head"]
    barrier = threading.Barrier(len(actors))
    results: dict[str, str] = {}

    def approve(username):
        try:
            actor = User.objects.get(username=username)
            task = Task.objects.get(pk=task_id)
            barrier.wait()
            engine.act(task=task, actor=actor, action="approve")
            results[username] = "ok"
        except engine.WorkflowConflict as exc:
            results[username] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(name,)) for name in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(results.values())
    assert outcomes.count("ok") == 1, results
    assert any("已由" in message for message in outcomes if message != "ok"), results
    assert Task.objects.filter(instance=leave.process, step_index=1).count() == 1  # chair
    assert leave.process.log.filter(action="approve").count() == 1
