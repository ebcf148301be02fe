import pytest
from django.core.management import call_command

from fulian.accounts.models import Position, User
from fulian.core.demo import DEMO_USERS
from fulian.orgs.models import Org, OrgKind

pytestmark = pytest.mark.django_db


def _counts():
    return (Org.objects.count(), User.objects.count(), Position.objects.count())


def test_seeding_twice_changes_nothing():
    before = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before


def test_demo_city_has_its_departments_counties_towns_and_villages():
    city = Org.objects.get(code="321200000000")
    departments = set(
        Org.objects.filter(parent=city, kind=OrgKind.DEPARTMENT).values_list("name", flat=True)
    )
    assert {
        "办公室",
        "组织宣传部",
        "发展部",
        "儿童工作部",
        "权益部",
        "妇儿工委办公室",
    } <= departments
    assert Org.objects.filter(kind=OrgKind.COUNTY).count() >= 3
    assert Org.objects.filter(kind=OrgKind.VILLAGE).count() >= 3 * 4 * 8
    assert Org.objects.filter(kind=OrgKind.CHAMBER, parent__kind=OrgKind.LIAISON_OFFICE).exists()


def test_every_demo_user_logs_in_with_the_demo_password(client, demo_password):
    for spec in DEMO_USERS:
        response = client.post(
            "/accounts/login/", {"username": spec.username, "password": demo_password}
        )
        assert response.status_code == 302, spec.username
        client.post("/accounts/logout/")


def test_village_chairs_sit_in_different_counties(my_village, other_village, user_named):
    town = user_named("town_cadre").positions.get().org
    assert my_village.parent == town
    assert my_village.path[:24] != other_village.path[:24]  # below the city: other county


def test_the_vice_chair_oversees_the_office_and_rights_departments(user_named):
    position = user_named("city_vice").positions.get()
    assert set(position.oversees.values_list("name", flat=True)) == {"办公室", "权益部"}
