"""Periodic jobs: the registry, the beat schedule, the task and the command."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from fulian.notifications import periodic, tasks


@pytest.fixture
def jobs(monkeypatch):
    """An empty registry for the test; the real one is back afterwards."""
    registry: dict = {}
    monkeypatch.setattr(periodic, "_jobs", registry)
    return registry


def test_jobs_register_and_run_in_order(jobs):
    ran = []
    periodic.register_periodic_job("a.first", lambda: ran.append("first") or 1)
    periodic.register_periodic_job("b.second", lambda: ran.append("second") or 2)

    outcomes = periodic.run_jobs()

    assert ran == ["first", "second"]
    assert [(o.name, o.ok, o.result) for o in outcomes] == [
        ("a.first", True, 1),
        ("b.second", True, 2),
    ]


def test_registering_a_name_again_replaces_the_job(jobs):
    periodic.register_periodic_job("job", lambda: "old")
    periodic.register_periodic_job("job", lambda: "new")
    assert [o.result for o in periodic.run_jobs()] == ["new"]


def test_a_job_must_be_callable(jobs):
    with pytest.raises(TypeError):
        periodic.register_periodic_job("job", "not a function")


def test_one_failing_job_does_not_stop_the_others(jobs):
    def broken():
        raise RuntimeError("数据库忙")

    periodic.register_periodic_job("broken", broken)
    periodic.register_periodic_job("fine", lambda: 0)

    outcomes = periodic.run_jobs()

    assert [(o.name, o.ok) for o in outcomes] == [("broken", False), ("fine", True)]
    assert str(outcomes[0]) == "broken: failed: RuntimeError: 数据库忙"


def test_the_task_runs_every_job(jobs):
    periodic.register_periodic_job("count", lambda: 3)
    assert tasks.run_periodic_jobs.delay().get() == {"count": "count: 3"}


def test_beat_runs_the_task_every_15_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["periodic-jobs"]
    assert entry["task"] == tasks.run_periodic_jobs.name
    assert entry["schedule"].total_seconds() == 15 * 60


def test_the_workflow_deadlines_are_registered():
    names = set(periodic.periodic_jobs())
    assert any(name.startswith("workflow.") for name in names)


def test_the_command_prints_each_job_and_its_result(jobs, capsys):
    periodic.register_periodic_job("workflow.reminders", lambda: 2)
    periodic.register_periodic_job("reports.deadlines", lambda: 0)

    call_command("run_periodic_jobs")

    assert capsys.readouterr().out.splitlines() == [
        "workflow.reminders: 2",
        "reports.deadlines: 0",
    ]


def test_the_command_runs_one_job_by_name(jobs, capsys):
    periodic.register_periodic_job("a", lambda: "ran a")
    periodic.register_periodic_job("b", lambda: "ran b")
    call_command("run_periodic_jobs", "--job", "b")
    assert capsys.readouterr().out.strip() == "b: ran b"


def test_the_command_lists_the_jobs(jobs, capsys):
    periodic.register_periodic_job("a", lambda: 1 / 0)
    call_command("run_periodic_jobs", "--list")
    assert capsys.readouterr().out.strip() == "a"


def test_the_command_fails_loudly_on_an_unknown_or_failing_job(jobs, capsys):
    periodic.register_periodic_job("broken", lambda: 1 / 0)
    with pytest.raises(CommandError, match="nope"):
        call_command("run_periodic_jobs", "--job", "nope")
    with pytest.raises(CommandError, match="1 job"):
        call_command("run_periodic_jobs")
    assert "broken: failed: ZeroDivisionError" in capsys.readouterr().err


def test_the_command_says_when_nothing_is_registered(jobs, capsys):
    call_command("run_periodic_jobs")
    assert "no periodic jobs" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_real_jobs_run_twice_without_harm(capsys):
    # Idempotent by contract: a second run right after the first finds nothing to do.
    call_command("run_periodic_jobs")
    call_command("run_periodic_jobs")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 * len(periodic.periodic_jobs())
