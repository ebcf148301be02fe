"""Report fixtures over the demo city: its data sets, and a village with no report yet."""

import pytest
from django.utils import timezone

from fulian.accounts import services as account_services
from fulian.accounts.models import Role
from fulian.orgs.models import Org, OrgKind
from fulian.reports.models import DataElement, DataSet, Submission


@pytest.fixture
def building(db):
    return DataSet.objects.select_related("owner").get(code="org_building")


@pytest.fixture
def monthly(db):
    return DataSet.objects.select_related("owner").get(code="rights_monthly")


@pytest.fixture
def element(db):
    def get(code: str) -> DataElement:
        return DataElement.objects.get(code=code)

    return get


@pytest.fixture
def this_year():
    return str(timezone.localdate().year)


@pytest.fixture
def town(user_named):
    return user_named("town_cadre").positions.get().org


@pytest.fixture
def fresh_village(town, building, this_year):
    """A village of town_cadre's town that has not reported this year."""
    reported = Submission.objects.filter(data_set=building, period=this_year).values("org_id")
    return (
        Org.objects.filter(parent=town, kind=OrgKind.VILLAGE, status="active")
        .exclude(pk__in=reported)
        .order_by("path")
        .first()
    )


@pytest.fixture
def reporter(fresh_village, user_named):
    """That village's chair, so town_cadre is the level above who approves."""
    user = account_services.user_create(
        actor=None, username="fresh_chair", full_name="钱小红", password="Fulian@2026x"
    )
    account_services.position_grant(
        actor=None, user=user, org=fresh_village, role=Role.objects.get(code="village_chair")
    )
    return user
