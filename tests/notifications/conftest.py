"""Notifications tests: Celery inline, SMS into the locmem outbox, a cast with phones."""

import pytest

from fulian.notifications import backends

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """The locmem SMS backend, emptied before each test (like mail.outbox)."""
    settings.FULIAN_SMS_BACKEND = "fulian.notifications.backends.LocmemSmsBackend"
    backends.outbox.clear()
    yield backends.outbox
    backends.outbox.clear()


@pytest.fixture(autouse=True)
def eager_celery():
    # Inline even when a developer's shell has CELERY_BROKER_URL set: tests never queue.
    from fulian.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def alice(user_named):
    """The village chair, with a mobile and an e-mail address."""
    user = user_named("village_chair")
    user.mobile = PHONE
    user.email = "alice@example.org"
    user.save(update_fields=["mobile", "email"])
    return user


@pytest.fixture
def neighbour(user_named):
    """The chair of a village in another county."""
    return user_named("village_chair2")


@pytest.fixture
def leader(user_named):
    """The city chairwoman: above everyone, and still not a reader of their messages."""
    return user_named("city_chair")
