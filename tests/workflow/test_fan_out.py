"""Several people on one step: all at once (parallel) or one after another (in order)."""

import pytest
from django.db.models import Q

from fulian.workflow import definitions, engine
from fulian.workflow.definitions import ActorRule, ProcessDefinition, Step
from fulian.workflow.models import ProcessState, TaskState

pytestmark = pytest.mark.django_db

READERS = ActorRule(
    "传阅人",
    lambda ctx: [
        u
        for name in ("city_office_head", "city_rights", "city_org")
        for u in definitions.holders(Q(user__username=name))
    ],
)

for _key, _mode in (("test_parallel", engine.PARALLEL), ("test_in_order", engine.IN_ORDER)):
    definitions.register(
        ProcessDefinition(
            key=_key,
            version=1,
            name="测试：传阅",
            steps=(Step("read", "传阅", READERS, fan_out=_mode),),
        )
    )


def _start(key, user_named):
    office = user_named("city_office").positions.get().org
    return engine.start(
        definition_key=key,
        subject=office,
        actor=user_named("city_office"),
        org=office,
        title="传阅",
    )


def test_parallel_gives_everyone_a_task_and_finishes_when_all_approved(user_named):
    instance = _start("test_parallel", user_named)
    tasks = list(instance.tasks.filter(state=TaskState.OPEN))
    assert sorted(t.assignee.username for t in tasks) == [
        "city_office_head",
        "city_org",
        "city_rights",
    ]
    for task in tasks:
        instance.refresh_from_db()
        assert instance.state == ProcessState.RUNNING
        engine.act(task=task, actor=task.assignee, action="approve")
    instance.refresh_from_db()
    assert instance.state == ProcessState.APPROVED


def test_in_order_opens_the_next_reader_only_after_the_previous_signed(user_named):
    instance = _start("test_in_order", user_named)
    seen = []
    while instance.state == ProcessState.RUNNING:
        task = instance.tasks.get(state=TaskState.OPEN)
        seen.append(task.assignee.username)
        engine.act(task=task, actor=task.assignee, action="approve")
        instance.refresh_from_db()
    assert seen == ["city_office_head", "city_rights", "city_org"]
    assert instance.state == ProcessState.APPROVED
