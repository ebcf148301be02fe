"""The bell at phone width (390 px), in Debian's chromium like the other browser tests."""

import pytest

from tests.browser import test_phone_screens as screens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser and phone fixtures of the browser suite, shared rather than copied.
browser = screens.browser
phone = screens.phone


def test_the_bell_and_its_badge_fit_a_phone_and_open_the_list(phone):
    from fulian.accounts.models import User
    from fulian.notifications import services

    chair = User.objects.get(username="village_chair")
    for i in range(120):  # the widest badge: "99+"
        services.notify(
            recipient=chair, kind="notice", context={"title": f"通知{i}", "text": "周五开会。"}
        )

    screens._login(phone, "village_chair")
    badge = phone.locator("a.notification-bell .badge")
    assert badge.inner_text().startswith("99+")
    assert badge.is_visible()
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= screens.PHONE["width"]
    assert screens._fits_the_phone(phone)
    screens._shot(phone, "bell-390")

    phone.click("a.notification-bell")
    phone.wait_for_url(phone.base_url + "/notifications/")
    assert phone.locator("a.notification.unread").count() == 20
    assert screens._fits_the_phone(phone)
    phone.click("text=全部标为已读")
    phone.wait_for_selector("text=已将 120 条通知标为已读")
    assert phone.locator("a.notification-bell .badge").count() == 0
    screens._shot(phone, "bell-list-390")
