"""Nobody grants a role or a scope wider than her own (the RuoYi hole, closed)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from fulian.accounts import services
from fulian.accounts.models import Role
from fulian.accounts.selectors import roles_grantable_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return services.user_create(
        actor=None, username="newcomer", full_name="新人", password="Xinren@2026x"
    )


def role(code):
    return Role.objects.get(code=code)


def test_county_cadre_grants_a_village_chair_inside_her_county(user_named, newcomer, my_village):
    position = services.position_grant(
        actor=user_named("county_cadre"), user=newcomer, org=my_village, role=role("village_chair")
    )
    assert position.pk


def test_county_cadre_cannot_grant_anything_in_another_county(user_named, newcomer, other_village):
    with pytest.raises(PermissionDenied):
        services.position_grant(
            actor=user_named("county_cadre"),
            user=newcomer,
            org=other_village,
            role=role("village_chair"),
        )


def test_county_cadre_cannot_grant_the_all_scope_administrator(user_named, newcomer, my_village):
    with pytest.raises(PermissionDenied):
        services.position_grant(
            actor=user_named("county_cadre"),
            user=newcomer,
            org=my_village,
            role=role("system_admin"),
        )


def test_county_cadre_cannot_grant_a_role_with_permissions_she_lacks(
    user_named, newcomer, my_village
):
    # The auditor role carries core.view_auditevent, which a county cadre does not hold.
    with pytest.raises(PermissionDenied):
        services.position_grant(
            actor=user_named("county_cadre"), user=newcomer, org=my_village, role=role("auditor")
        )


def test_a_subtree_role_at_her_own_org_is_not_wider_but_one_level_up_is(
    user_named, newcomer, org_by_code
):
    cadre = user_named("county_cadre")
    county = org_by_code("321202000000")
    services.position_grant(actor=cadre, user=newcomer, org=county, role=role("county_cadre"))
    with pytest.raises(PermissionDenied):
        services.position_grant(
            actor=cadre, user=newcomer, org=county.parent, role=role("county_cadre")
        )


def test_roles_offered_in_the_grant_form_are_only_those_she_holds(user_named):
    offered = {r.code for r in roles_grantable_by(actor=user_named("county_cadre"))}
    assert "village_chair" in offered and "town_cadre" in offered
    assert "system_admin" not in offered and "auditor" not in offered


def test_nobody_creates_a_role_with_a_permission_she_lacks(user_named):
    audit_perm = Permission.objects.get(codename="view_auditevent")
    with pytest.raises(PermissionDenied):
        services.role_save(
            actor=user_named("county_cadre"),
            code="sneaky",
            name="偷偷",
            scope_kind="subtree",
            permissions=[audit_perm],
        )
    assert not Role.objects.filter(code="sneaky").exists()


def test_the_grant_page_refuses_a_wider_role_with_a_message(
    client_for, user_named, newcomer, my_village
):
    cadre = user_named("county_cadre")
    services.position_grant(actor=cadre, user=newcomer, org=my_village, role=role("village_chair"))
    client = client_for("county_cadre")
    response = client.post(
        f"/accounts/users/{newcomer.pk}/positions/",
        {"org": my_village.pk, "role": role("system_admin").pk, "post": "staff"},
        follow=True,
    )
    assert newcomer.positions.count() == 1
    assert "请检查" in response.content.decode() or "不能" in response.content.decode()


def test_the_same_position_granted_twice_is_refused(user_named, newcomer, my_village):
    from django.core.exceptions import ValidationError

    cadre = user_named("county_cadre")
    services.position_grant(actor=cadre, user=newcomer, org=my_village, role=role("village_chair"))
    with pytest.raises(ValidationError, match="已在"):
        services.position_grant(
            actor=cadre, user=newcomer, org=my_village, role=role("village_chair")
        )
    assert newcomer.positions.count() == 1
