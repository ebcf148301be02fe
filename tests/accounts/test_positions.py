"""Several positions: the switcher chooses the post she acts in; scope is their union."""

import pytest

from fulian.accounts import services
from fulian.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_posts(user_named, other_village):
    chair = user_named("village_chair")
    services.position_grant(
        actor=None,
        user=chair,
        org=other_village,
        role=Role.objects.get(code="village_chair"),
        title="兼任",
    )
    return chair


def test_the_switcher_lists_both_posts_and_switches(
    client, two_posts, other_village, demo_password
):
    client.post("/accounts/login/", {"username": "village_chair", "password": demo_password})
    home = client.get("/").content.decode()
    assert "切换岗位" in home and other_village.name in home
    position = two_posts.positions.get(org=other_village)
    client.post("/accounts/switch-position/", {"position": position.pk})
    assert client.get("/").context["current_position"].pk == position.pk


def test_switching_to_someone_elses_position_is_refused(client_for, user_named):
    client = client_for("village_chair")
    foreign = user_named("village_chair2").positions.get()
    response = client.post("/accounts/switch-position/", {"position": foreign.pk}, follow=True)
    assert "无效的岗位" in response.content.decode()


def test_api_schema_is_valid_openapi(client_for):
    response = client_for("admin").get("/api/schema/", {"format": "json"})
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/orgs/{id}/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_the_whole_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").stat().st_size > 1000
