"""The message templates: one (title, body) pair per kind, in Chinese, with named fields.

Fields are ``str.format`` placeholders filled from the ``context`` given to
``services.notify``; a missing one raises ``MissingMessageField`` (a ``KeyError``)
naming the template and the field, so a caller's typo fails loudly in its tests
instead of sending a message with a hole in it.

The fields each built-in template needs (callers pass at least these):

=================  ==================================
task_assigned      subject, sender, due_date
task_reminder      subject, due_date
task_overdue       subject, due_date
task_escalated     subject, assignee, due_date
task_urged         subject, sender, due_date
process_approved   subject
process_returned   subject, reason
process_rejected   subject
report_deadline    org, dataset, period, deadline
notice             title, text
=================  ==================================

Other modules add their own with ``register_message`` from ``AppConfig.ready``.
The templates are Chinese on purpose and not run through gettext: an SMS is sent in
the federation's working language, whatever language the sender's browser uses.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "task_assigned": (
        "待办：{subject}",
        "{sender}提交的“{subject}”等待您处理，请于{due_date}前办理。",
    ),
    "task_reminder": (
        "待办即将到期：{subject}",
        "“{subject}”将于{due_date}到期，请及时办理。",
    ),
    "task_overdue": (
        "待办已逾期：{subject}",
        "“{subject}”已超过办理期限（{due_date}），已报上级督办，请尽快办理。",
    ),
    "task_escalated": (
        "逾期督办：{subject}",
        "{assignee}承办的“{subject}”已超过办理期限（{due_date}），请督促办理。",
    ),
    "task_urged": (
        "催办：{subject}",
        "{sender}催办“{subject}”，请于{due_date}前办理。",
    ),
    "process_approved": (
        "审批通过：{subject}",
        "您的申请“{subject}”已审批通过。",
    ),
    "process_returned": (
        "申请被退回：{subject}",
        "您的申请“{subject}”被退回，理由：{reason}。请修改后重新提交。",
    ),
    "process_rejected": (
        "审批未通过：{subject}",
        "您的申请“{subject}”未获批准。",
    ),
    "report_deadline": (
        "报表催报：{dataset}",
        "{org}的“{dataset}”（{period}）应于{deadline}前上报，请及时填报。",
    ),
    "notice": ("{title}", "{text}"),
}

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownMessage(KeyError):
    """No template is registered under this kind."""


class MissingMessageField(KeyError):
    """The context lacks a field the template uses."""

    def __init__(self, kind: str, field: str):
        super().__init__(f"notification template '{kind}' needs '{field}' in its context")
        self.kind = kind
        self.field = field


class _Fields(dict):
    """format_map's mapping: a missing field names the template it was missing from."""

    def __init__(self, kind: str, values: Mapping[str, Any]):
        super().__init__(values)
        self.kind = kind

    def __missing__(self, field: str):
        raise MissingMessageField(self.kind, field)


def register_message(key: str, title: str, body: str) -> None:
    """Add a template; registering the same key twice with other text is an error."""
    if not _KEY.match(key):
        raise ValueError(f"notification template key '{key}' must be a lower-case slug")
    existing = MESSAGES.get(key)
    if existing is not None and existing != (title, body):
        # Two modules claiming one key would silently send one of them the other's text.
        raise ValueError(f"notification template '{key}' is already registered")
    _check_syntax(key, title)
    _check_syntax(key, body)
    MESSAGES[key] = (title, body)


def message_fields(key: str) -> set[str]:
    """The fields a template needs in its context."""
    title, body = _template(key)
    return _fields_of(title) | _fields_of(body)


def render(key: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(title, body) of template ``key`` filled from ``context``."""
    title, body = _template(key)
    fields = _Fields(key, context)
    return title.format_map(fields), body.format_map(fields)


def _template(key: str) -> tuple[str, str]:
    try:
        return MESSAGES[key]
    except KeyError:
        raise UnknownMessage(f"no notification template '{key}'") from None


def _fields_of(template: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    }


def _check_syntax(key: str, template: str) -> None:
    try:
        fields = _fields_of(template)
    except ValueError as exc:
        raise ValueError(f"notification template '{key}': {exc}") from exc
    if "" in fields or any(name.isdigit() for name in fields):
        raise ValueError(f"notification template '{key}' must use named fields only")
