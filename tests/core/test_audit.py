"""The audit trail: every change, login and sensitive read; rows cannot be altered."""

import pytest
from django.core.exceptions import PermissionDenied

from fulian.core import audit
from fulian.core.models import AuditEvent
from fulian.orgs import services
from fulian.orgs.models import OrgKind

pytestmark = pytest.mark.django_db


def test_creating_an_org_records_who_and_what(user_named, org_by_code):
    cadre = user_named("county_cadre")
    org = services.org_create(
        actor=cadre,
        name="社区志愿队",
        kind=OrgKind.VOLUNTEER_TEAM,
        parent=org_by_code("321202100000"),
    )
    event = AuditEvent.objects.get(
        action="create", object_id=str(org.pk), content_type__model="org"
    )
    assert event.actor == cadre and event.changes["name"] == [None, "社区志愿队"]
    assert event.org_path == org.path


def test_an_update_records_before_and_after(user_named, my_village):
    old = my_village.name
    services.org_update(actor=user_named("county_cadre"), org=my_village, name="新名字妇联")
    event = AuditEvent.objects.filter(action="update", object_id=str(my_village.pk)).latest("id")
    assert event.changes["name"] == [old, "新名字妇联"]
    assert event.actor_name == "county_cadre"


def test_a_change_made_through_a_page_is_attributed_to_the_signed_in_user(client_for, my_village):
    client_for("county_cadre").post(
        f"/orgs/{my_village.pk}/edit/",
        {
            "name": "改名村妇联",
            "short_name": "",
            "code": my_village.code,
            "urban_rural": my_village.urban_rural,
            "has_federation": "on",
        },
    )
    event = AuditEvent.objects.filter(object_id=str(my_village.pk), action="update").latest("id")
    assert event.actor_name == "county_cadre" and event.ip == "127.0.0.1"


def test_audit_rows_cannot_be_changed_or_deleted():
    event = AuditEvent.objects.first()
    event.verb = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().update(verb="x")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()


def test_the_view_log_api_records_a_sensitive_read(user_named, my_village):
    audit.record_view(
        my_village, fields=["id_number"], reason="核实身份", actor=user_named("city_rights")
    )
    event = AuditEvent.objects.get(action="view", object_id=str(my_village.pk))
    assert event.detail == {"fields": ["id_number"], "reason": "核实身份"}


def test_an_export_is_recorded(client_for):
    client_for("city_chair").get("/orgs/search/", {"q": "九龙", "export": "xlsx"})
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.actor_name == "city_chair" and event.detail["filters"] == {"q": "九龙"}


def test_auditors_browse_only_their_scope(client_for, user_named, other_village, my_village):
    services.org_update(actor=None, org=my_village, short_name="甲")
    assert client_for("village_chair").get("/audit/").status_code == 403
    body = client_for("city_auditor").get("/audit/", {"action": "update"}).content.decode()
    assert my_village.name in body
    national = user_named("admin").positions.get().org
    services.org_update(actor=None, org=national, short_name="全国妇联")
    body = client_for("city_auditor").get("/audit/", {"action": "update"}).content.decode()
    assert "中华全国妇女联合会" not in body.split('id="list-rows"')[-1]


def test_retention_is_at_least_184_days(settings):
    assert settings.AUDIT_RETENTION_DAYS >= 184


def test_prune_refuses_fewer_than_184_days():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("audit_prune", "--days", "30")
