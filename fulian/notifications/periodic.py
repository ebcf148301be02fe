"""Periodic jobs: other modules register them, Celery beat runs them every 15 minutes.

A module registers its jobs from ``AppConfig.ready``::

    register_periodic_job("workflow.reminders", deadlines.send_reminders)

Every job must be idempotent: beat may fire twice (a restarted beat, two beats by
mistake), a run may overlap the next when one takes long, and ``manage.py
run_periodic_jobs`` may be run by hand at any time. So a job acts on what is due
and records that it acted (a ``reminded_at`` column set by a conditional UPDATE,
say), never on "what happened since the last run".
Jobs take no arguments and return something short to report (a count).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

_jobs: dict[str, Callable[[], Any]] = {}


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    result: Any  # the job's return value, or the error when it failed

    def __str__(self) -> str:
        return f"{self.name}: {self.result}" if self.ok else f"{self.name}: failed: {self.result}"


def register_periodic_job(name: str, func: Callable[[], Any]) -> None:
    """Run ``func`` on every beat; registering a name again replaces the job."""
    if not callable(func):
        raise TypeError(f"periodic job '{name}' is not callable")
    # Replacing (not refusing) keeps ready() safe to run twice, as test runners do.
    _jobs[name] = func


def periodic_jobs() -> dict[str, Callable[[], Any]]:
    return dict(_jobs)


def run_jobs(names: Iterable[str] | None = None) -> list[JobOutcome]:
    """Run the registered jobs (or the named ones) once; one failing stops no other."""
    selected = list(_jobs) if names is None else list(names)
    unknown = [name for name in selected if name not in _jobs]
    if unknown:
        raise KeyError(f"no periodic job named {', '.join(unknown)}")
    outcomes = []
    for name in selected:
        try:
            outcomes.append(JobOutcome(name, True, _jobs[name]()))
        except Exception as exc:
            # One broken module must not stop the reminders of all the others.
            logger.exception("periodic job %s failed", name)
            outcomes.append(JobOutcome(name, False, f"{type(exc).__name__}: {exc}"))
    return outcomes
