"""notify(): the in-app row now; SMS and e-mail after commit, through the backends."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from fulian.notifications import backends, services, tasks
from fulian.notifications.backends import ConsoleSmsBackend, DeliveryError, SmsBackend
from fulian.notifications.models import Notification

from .conftest import PHONE

pytestmark = pytest.mark.django_db

TASK = {"subject": "请假申请", "sender": "王秀英", "due_date": "2026-03-05"}
BODY = "王秀英提交的“请假申请”等待您处理，请于2026-03-05前办理。"


class FlakySmsBackend(SmsBackend):
    """Fails the first ``failures`` attempts, like a gateway that times out."""

    failures = 0
    calls: list[str] = []

    def send(self, phone, text, *, kind="", params=None):
        type(self).calls.append(phone)
        if len(type(self).calls) <= type(self).failures:
            raise DeliveryError(f"网关超时（{phone}）")
        backends.outbox.append(backends.SmsMessage(phone=phone, text=text, kind=kind))


class CrashingSmsBackend(SmsBackend):
    def send(self, phone, text, *, kind="", params=None):
        raise RuntimeError(f"SDK bug while sending to {phone}")


@pytest.fixture
def flaky(settings):
    settings.FULIAN_SMS_BACKEND = f"{__name__}.FlakySmsBackend"
    FlakySmsBackend.calls = []
    FlakySmsBackend.failures = 0
    return FlakySmsBackend


def _notify_task(recipient, channels=("app", "sms")):
    return services.notify(
        recipient=recipient,
        kind="task_assigned",
        context=TASK,
        link="/inbox/process/1/",
        channels=channels,
    )


def test_notify_stores_the_message_and_texts_the_decrypted_mobile(
    alice, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(alice)

    notification.refresh_from_db()
    assert notification.recipient == alice
    assert notification.title == "待办：请假申请"
    assert notification.body == BODY
    assert notification.link == "/inbox/process/1/"
    assert notification.read_at is None
    assert notification.channels == ["app", "sms"]
    assert notification.delivery == {"sms": "sent"}
    assert [(m.phone, m.text, m.kind) for m in sms_outbox] == [(PHONE, BODY, "task_assigned")]
    assert sms_outbox[0].params == TASK


def test_nothing_is_sent_when_the_action_rolls_back(
    alice, sms_outbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify_task(alice)
        raise RuntimeError("the approval failed after the notice was written")

    assert callbacks == []
    assert sms_outbox == []
    assert not Notification.objects.filter(recipient=alice).exists()


def test_nothing_leaves_before_commit(alice, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify_task(alice)
        assert sms_outbox == []
    assert len(callbacks) == 1


def test_an_in_app_notification_queues_no_delivery(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify_task(alice, channels=("app",))
    assert callbacks == []
    assert notification.delivery == {}


def test_no_mobile_is_recorded_as_skipped(
    neighbour, sms_outbox, django_capture_on_commit_callbacks
):
    assert not neighbour.mobile
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(neighbour)
    notification.refresh_from_db()
    assert notification.delivery == {"sms": "skipped: no mobile"}
    assert sms_outbox == []


def test_an_inactive_user_gets_no_text(alice, sms_outbox, django_capture_on_commit_callbacks):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(alice)
    notification.refresh_from_db()
    assert notification.delivery == {"sms": "skipped: inactive user"}
    assert sms_outbox == []


def test_email_goes_through_django_mail(alice, neighbour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = _notify_task(alice, channels=("app", "email"))
        skipped = _notify_task(neighbour, channels=("app", "email"))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert mail.outbox[0].subject == "待办：请假申请"
    assert BODY in mail.outbox[0].body
    sent.refresh_from_db()
    skipped.refresh_from_db()
    assert sent.delivery == {"email": "sent"}
    assert skipped.delivery == {"email": "skipped: no email"}


def test_email_carries_the_full_link_when_the_site_url_is_set(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.FULIAN_SITE_URL = "https://fl.example.gov.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        _notify_task(alice, channels=("email",))
    assert "https://fl.example.gov.cn/inbox/process/1/" in mail.outbox[0].body


def test_a_failing_sms_backend_records_failed_and_keeps_the_in_app_notice(
    alice, flaky, django_capture_on_commit_callbacks, caplog
):
    flaky.failures = 99
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(alice)

    notification.refresh_from_db()
    assert notification.delivery["sms"].startswith("failed: 网关超时")
    assert len(flaky.calls) == 1 + tasks.MAX_RETRIES
    assert Notification.objects.filter(pk=notification.pk, read_at__isnull=True).exists()
    # The provider's message carried the number: neither the row nor the log keeps it.
    assert PHONE not in notification.delivery["sms"]
    assert "138****5678" in notification.delivery["sms"]
    assert PHONE not in caplog.text


def test_a_retry_resends_only_what_failed(
    alice, flaky, sms_outbox, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(alice, channels=("app", "sms", "email"))

    notification.refresh_from_db()
    assert notification.delivery == {"sms": "sent", "email": "sent"}
    assert len(flaky.calls) == 3
    assert len(sms_outbox) == 1
    assert len(mail.outbox) == 1  # e-mail sent on the first attempt, not on the retries


def test_delivering_twice_sends_once(alice, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(alice)
    tasks.deliver.delay(notification.pk)
    assert len(sms_outbox) == 1


def test_delivering_a_deleted_notification_does_nothing(sms_outbox):
    assert tasks.deliver.delay(0).get() == {}


def test_an_unexpected_backend_error_is_recorded_without_retrying(
    alice, settings, django_capture_on_commit_callbacks, caplog
):
    settings.FULIAN_SMS_BACKEND = f"{__name__}.CrashingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify_task(alice)
    notification.refresh_from_db()
    assert notification.delivery["sms"].startswith("failed: RuntimeError")
    assert PHONE not in notification.delivery["sms"] + caplog.text


def test_the_console_backend_masks_the_phone(capsys, caplog):
    with caplog.at_level(logging.INFO, logger="fulian.notifications.backends"):
        ConsoleSmsBackend().send(PHONE, BODY)
    out = capsys.readouterr().out
    assert out == f"[SMS] 138****5678: {BODY}\n"
    assert PHONE not in out + caplog.text
    assert "138****5678" in caplog.text


def test_the_backend_is_chosen_by_setting(settings):
    settings.FULIAN_SMS_BACKEND = "fulian.notifications.backends.ConsoleSmsBackend"
    assert isinstance(backends.get_sms_backend(), ConsoleSmsBackend)
    del settings.FULIAN_SMS_BACKEND
    assert isinstance(backends.get_sms_backend(), ConsoleSmsBackend)


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/inbox/",
        "/\\evil.example",
        "javascript:alert(1)",
        "inbox/process/1/",
    ],
)
def test_only_relative_links_are_stored(alice, link):
    with pytest.raises(ValueError, match="relative path"):
        services.notify(recipient=alice, kind="process_approved", context=TASK, link=link)
    assert not Notification.objects.filter(recipient=alice).exists()


def test_an_unknown_channel_is_refused(alice):
    with pytest.raises(ValueError, match="fax"):
        services.notify(recipient=alice, kind="process_approved", context=TASK, channels=["fax"])


def test_a_missing_template_field_fails_the_callers_action(alice):
    with pytest.raises(KeyError, match="task_assigned"):
        services.notify(recipient=alice, kind="task_assigned", context={"subject": "请假"})


def test_a_long_subject_is_cut_to_the_title_length(alice):
    notification = services.notify(
        recipient=alice, kind="process_approved", context={"subject": "长" * 300}
    )
    assert len(notification.title) == services.TITLE_LENGTH
    assert notification.title.endswith("…")
    assert "长" * 300 in notification.body


def test_notify_many_writes_one_row_each_and_texts_each(
    alice, neighbour, leader, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify_many(
            [alice, neighbour, leader, alice],
            kind="report_deadline",
            context={
                "org": "九龙镇",
                "dataset": "妇女之家年报",
                "period": "2026",
                "deadline": "2027-01-15",
            },
            channels=("app", "sms"),
        )
    assert sorted(r.recipient_id for r in rows) == sorted([alice.pk, neighbour.pk, leader.pk])
    assert all(r.pk for r in rows)
    assert [m.phone for m in sms_outbox] == [PHONE]  # only alice has a mobile
    states = dict(
        Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list(
            "recipient__username", "delivery"
        )
    )
    assert states["village_chair"] == {"sms": "sent"}
    assert states["city_chair"] == {"sms": "skipped: no mobile"}


def test_mark_read_is_for_the_recipient_only(alice, neighbour):
    notification = _notify_task(alice, channels=("app",))
    with pytest.raises(PermissionDenied):
        services.mark_read(actor=neighbour, notification=notification)
    services.mark_read(actor=alice, notification=notification)
    first = notification.read_at
    assert first is not None
    services.mark_read(actor=alice, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at == first


def test_mark_all_read_touches_only_her_unread(alice, neighbour):
    mine = [_notify_task(alice, channels=("app",)) for _ in range(3)]
    theirs = _notify_task(neighbour, channels=("app",))
    services.mark_read(actor=alice, notification=mine[0])
    assert services.mark_all_read(actor=alice) == 2
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_under_a_worker_a_failure_raises_for_celery_to_retry_until_the_last_attempt(alice, flaky):
    flaky.failures = 99
    notification = _notify_task(alice)  # no commit here: the task is run by hand below

    with pytest.raises(DeliveryError):
        tasks.deliver.run(notification.pk)  # first attempt: autoretry takes it from here

    tasks.deliver.push_request(retries=tasks.MAX_RETRIES)
    try:
        delivery = tasks.deliver.run(notification.pk)  # the last attempt records, no raise
    finally:
        tasks.deliver.pop_request()
    assert delivery["sms"].startswith("failed: 网关超时")
    assert len(flaky.calls) == 2


def test_the_deliver_task_retries_delivery_errors_three_times():
    assert tasks.deliver.autoretry_for == (DeliveryError,)
    assert tasks.deliver.max_retries == 3
