"""The notifications API: her own rows, read marks, the count, and a clean schema."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from fulian.notifications import services
from fulian.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def _notice(user, title="会议通知"):
    return services.notify(
        recipient=user, kind="notice", context={"title": title, "text": "周五下午开会。"}
    )


def test_the_list_holds_only_her_own(api_client_for, alice, neighbour):
    _notice(alice, "我的")
    _notice(neighbour, "邻村的")

    data = api_client_for("village_chair").get(URL).json()

    assert [row["title"] for row in data["results"]] == ["我的"]
    assert set(data["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "created_at",
        "read_at",
        "is_read",
    }


@pytest.mark.parametrize("flag", ["1", "true"])
def test_unread_filter(api_client_for, alice, flag):
    _notice(alice, "未读")
    services.mark_read(actor=alice, notification=_notice(alice, "已读"))

    client = api_client_for("village_chair")

    assert [r["title"] for r in client.get(URL, {"unread": flag}).json()["results"]] == ["未读"]
    assert len(client.get(URL).json()["results"]) == 2


def test_another_womans_notification_is_404_to_read_and_to_mark(api_client_for, alice):
    notification = _notice(alice)
    for username in ("village_chair2", "city_chair"):
        client = api_client_for(username)
        assert client.get(f"{URL}{notification.pk}/").status_code == 404
        assert client.post(f"{URL}{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_read(api_client_for, alice):
    notification = _notice(alice)
    response = api_client_for("village_chair").post(f"{URL}{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_read_all_and_unread_count(api_client_for, alice, neighbour):
    for _ in range(3):
        _notice(alice)
    _notice(neighbour)
    client = api_client_for("village_chair")

    assert client.get(f"{URL}unread-count/").json() == {"unread": 3}
    assert client.post(f"{URL}read-all/").json() == {"updated": 3}
    assert client.get(f"{URL}unread-count/").json() == {"unread": 0}
    assert api_client_for("village_chair2").get(f"{URL}unread-count/").json() == {"unread": 1}


def test_notifications_cannot_be_written_through_the_api(api_client_for, alice):
    notification = _notice(alice)
    client = api_client_for("village_chair")
    assert client.post(URL, {"title": "伪造"}).status_code == 405
    assert client.delete(f"{URL}{notification.pk}/").status_code == 405
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_the_api_needs_a_login(client):
    assert client.get(URL).status_code in (401, 403)


def test_the_schema_documents_the_endpoints_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    mine = [
        m for m in GENERATOR_STATS._warn_cache | GENERATOR_STATS._error_cache if "otification" in m
    ]
    assert mine == []
    paths = schema["paths"]
    for path in (URL, f"{URL}{{id}}/read/", f"{URL}read-all/", f"{URL}unread-count/"):
        assert path in paths
    names = {p["name"] for p in paths[URL]["get"]["parameters"]}
    assert "unread" in names


def test_the_schema_endpoint_still_answers(client_for):
    response = client_for("village_chair").get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/notifications/unread-count/" in response.content
