"""The Chinese message templates: every one renders, a missing field is named."""

import pytest

from fulian.notifications import messages

# The fields each caller passes (the workflow engine for the task_* and process_* ones).
DOCUMENTED = {
    "task_assigned": {"subject", "sender", "due_date"},
    "task_reminder": {"subject", "due_date"},
    "task_overdue": {"subject", "due_date"},
    "task_escalated": {"subject", "assignee", "due_date"},
    "task_urged": {"subject", "sender", "due_date"},
    "process_approved": {"subject"},
    "process_returned": {"subject", "reason"},
    "process_rejected": {"subject"},
    "report_deadline": {"org", "dataset", "period", "deadline"},
    "notice": {"title", "text"},
}


@pytest.fixture
def registry(monkeypatch):
    """Templates registered by a test are gone after it."""
    monkeypatch.setattr(messages, "MESSAGES", dict(messages.MESSAGES))
    return messages.MESSAGES


@pytest.mark.parametrize("kind", sorted(DOCUMENTED))
def test_each_template_renders_with_its_documented_fields(kind):
    fields = DOCUMENTED[kind]
    assert messages.message_fields(kind) == fields
    title, body = messages.render(kind, {name: f"〈{name}〉" for name in fields})
    assert title and body
    assert "{" not in title + body
    for name in fields:
        assert f"〈{name}〉" in title + body


def test_every_built_in_template_is_documented():
    assert set(DOCUMENTED) <= set(messages.MESSAGES)
    for kind in messages.MESSAGES:
        if kind in DOCUMENTED:
            assert kind in messages.__doc__


def test_task_assigned_reads_as_a_chinese_sentence():
    title, body = messages.render(
        "task_assigned", {"subject": "请假申请", "sender": "孙桂兰", "due_date": "2026-03-05"}
    )
    assert title == "待办：请假申请"
    assert body == "孙桂兰提交的“请假申请”等待您处理，请于2026-03-05前办理。"


def test_process_approved_and_returned():
    assert (
        "您的申请“经费报销”已审批通过"
        in messages.render("process_approved", {"subject": "经费报销"})[1]
    )
    body = messages.render("process_returned", {"subject": "经费报销", "reason": "缺发票"})[1]
    assert "缺发票" in body


def test_a_missing_field_raises_a_key_error_naming_the_template_and_field():
    with pytest.raises(KeyError) as caught:
        messages.render("task_assigned", {"subject": "请假申请", "sender": "孙桂兰"})
    assert isinstance(caught.value, messages.MissingMessageField)
    assert "task_assigned" in str(caught.value)
    assert "due_date" in str(caught.value)


def test_extra_fields_are_ignored():
    title, _ = messages.render("process_approved", {"subject": "出差", "unused": 1})
    assert title == "审批通过：出差"


def test_an_unknown_kind_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no_such_kind"):
        messages.render("no_such_kind", {})


def test_a_module_registers_its_own_template(registry):
    messages.register_message(
        "case_assigned", "新维权案件：{case_no}", "请于{due_date}前联系当事人。"
    )
    assert messages.render("case_assigned", {"case_no": "WQ-1", "due_date": "2026-03-05"}) == (
        "新维权案件：WQ-1",
        "请于2026-03-05前联系当事人。",
    )
    # Registering the same text again (ready() run twice) is harmless.
    messages.register_message(
        "case_assigned", "新维权案件：{case_no}", "请于{due_date}前联系当事人。"
    )


def test_a_key_cannot_be_claimed_twice_with_other_text(registry):
    with pytest.raises(ValueError, match="already registered"):
        messages.register_message("task_assigned", "别的标题", "别的内容")


@pytest.mark.parametrize(
    ("key", "title", "body"),
    [
        ("Bad Key", "标题", "内容"),
        ("positional", "标题{}", "内容"),
        ("numbered", "标题{0}", "内容"),
        ("unbalanced", "标题{subject", "内容"),
    ],
)
def test_bad_templates_are_refused_at_registration(registry, key, title, body):
    with pytest.raises(ValueError):
        messages.register_message(key, title, body)
    assert key not in registry
