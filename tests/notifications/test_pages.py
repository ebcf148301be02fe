"""The notification pages and the bell: her own messages only, safe redirects."""

import re

import pytest
from django.utils import timezone

from fulian.notifications import services
from fulian.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notice(user, title="会议通知", link=""):
    return services.notify(
        recipient=user, kind="notice", context={"title": title, "text": "周五下午开会。"}, link=link
    )


def _bell(html: str) -> str:
    match = re.search(r'<a class="[^"]*notification-bell.*?</a>', html, re.DOTALL)
    assert match, "no bell in the top bar"
    return match.group(0)


def test_the_list_shows_her_own_newest_first_and_nobody_elses(client_for, alice, neighbour, leader):
    _notice(alice, "第一条")
    _notice(alice, "第二条")
    _notice(neighbour, "邻村的通知")
    _notice(leader, "主席的通知")

    html = client_for("village_chair").get("/notifications/").content.decode()

    assert html.index("第二条") < html.index("第一条")
    assert "邻村的通知" not in html
    assert "主席的通知" not in html


def test_even_the_chairwoman_cannot_open_a_village_chairs_notification(client_for, alice):
    notification = _notice(alice, link="/inbox/")
    for username in ("village_chair2", "city_chair", "admin"):
        assert client_for(username).get(f"/notifications/{notification.pk}/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_missing_notification_is_404_like_another_womans(client_for):
    assert client_for("village_chair").get("/notifications/999999999/").status_code == 404


def test_unread_ones_are_bold_and_read_ones_are_not(client_for, alice):
    unread = _notice(alice, "未读的")
    read = _notice(alice, "已读的")
    services.mark_read(actor=alice, notification=read)

    html = client_for("village_chair").get("/notifications/").content.decode()

    assert re.search(rf'notification unread" href="/notifications/{unread.pk}/"', html)
    assert re.search(rf'notification" href="/notifications/{read.pk}/"', html)
    assert "fw-bold" in html


def test_the_unread_tab_lists_only_unread(client_for, alice):
    _notice(alice, "未读的")
    services.mark_read(actor=alice, notification=_notice(alice, "已读的"))
    html = client_for("village_chair").get("/notifications/?unread=1").content.decode()
    assert "未读的" in html
    assert "已读的" not in html


def test_opening_one_marks_it_read_and_goes_to_its_page(client_for, alice):
    notification = _notice(alice, link="/inbox/process/7/")
    response = client_for("village_chair").get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/inbox/process/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_an_outside_link_is_never_followed(client_for, alice, link):
    # notify() refuses such links; a row written some other way must still not redirect.
    notification = Notification.objects.create(
        recipient=alice, kind="notice", title="可疑链接", body="正文", link=link
    )
    response = client_for("village_chair").get(f"/notifications/{notification.pk}/")
    assert response.status_code == 200
    assert "可疑链接" in response.content.decode()
    assert link not in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_without_a_link_the_notification_is_shown_on_its_own_page(client_for, alice):
    notification = _notice(alice, "没有链接")
    response = client_for("village_chair").get(f"/notifications/{notification.pk}/")
    assert response.status_code == 200
    assert "周五下午开会。" in response.content.decode()


def test_the_bell_shows_her_unread_count(client_for, alice, neighbour):
    for _ in range(3):
        _notice(alice)
    _notice(neighbour)

    bell = _bell(client_for("village_chair").get("/").content.decode())

    assert 'href="/notifications/"' in bell
    assert re.search(r"bg-danger[^>]*>3<", bell)


def test_the_bell_has_no_badge_when_all_are_read(client_for, alice):
    _notice(alice)
    services.mark_all_read(actor=alice)
    bell = _bell(client_for("village_chair").get("/").content.decode())
    assert "badge" not in bell


def test_the_bell_says_99_plus_beyond_99(client_for, alice):
    Notification.objects.bulk_create(
        Notification(recipient=alice, kind="notice", title=f"第{i}条", body="正文")
        for i in range(100)
    )
    assert ">99+<" in _bell(client_for("village_chair").get("/").content.decode())


def test_read_all_marks_only_hers(client_for, alice, neighbour):
    for _ in range(2):
        _notice(alice)
    theirs = _notice(neighbour)

    response = client_for("village_chair").post("/notifications/read-all/", follow=True)

    assert response.redirect_chain[-1][0] == "/notifications/"
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_needs_a_post(client_for):
    assert client_for("village_chair").get("/notifications/read-all/").status_code == 405


def test_pages_need_a_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client_for, alice, django_assert_max_num_queries
):
    Notification.objects.bulk_create(
        Notification(
            recipient=alice, kind="notice", title=f"第{i}条", body="正文", created_at=timezone.now()
        )
        for i in range(45)
    )
    client = client_for("village_chair")
    with django_assert_max_num_queries(14):
        html = client.get("/notifications/?page=2").content.decode()
    assert "共 45 条，第 2/3 页" in html
