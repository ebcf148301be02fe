"""The org tree: codes, placement, moves in one statement, close and merge, coverage."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulian.accounts.models import Position
from fulian.core.models import AuditEvent
from fulian.orgs import services
from fulian.orgs.models import Org, OrgKind, OrgStatus, decode_path, encode_segment
from fulian.orgs.selectors import org_coverage

pytestmark = pytest.mark.django_db


def test_path_segments_are_the_ids_of_the_ancestors(my_village):
    ids = decode_path(my_village.path)
    assert ids[-1] == my_village.pk
    assert ids[-2] == my_village.parent_id
    assert len(my_village.path) == len(encode_segment(1)) * my_village.depth


def test_a_village_code_must_carry_its_towns_prefix(org_by_code):
    town = org_by_code("321202100000")
    with pytest.raises(ValidationError, match="前 9 位"):
        services.org_create(
            actor=None, name="错村", kind=OrgKind.VILLAGE, parent=town, code="321202101099"
        )


def test_a_division_code_must_be_twelve_digits_of_the_right_level(org_by_code):
    town = org_by_code("321202100000")
    with pytest.raises(ValidationError, match="12位"):
        services.org_create(
            actor=None, name="短码村", kind=OrgKind.VILLAGE, parent=town, code="3212021000"
        )
    with pytest.raises(ValidationError, match="级别"):
        services.org_create(
            actor=None, name="错级", kind=OrgKind.VILLAGE, parent=town, code="321202100000"
        )


def test_administrative_levels_nest_in_order(org_by_code):
    county = org_by_code("321202000000")
    with pytest.raises(ValidationError, match="上级应为"):
        services.org_create(
            actor=None, name="越级村", kind=OrgKind.VILLAGE, parent=county, code="321202100099"
        )


def test_branches_get_a_generated_code_under_their_parent(org_by_code):
    town = org_by_code("321202100000")
    first = services.org_create(actor=None, name="某企业妇联", kind=OrgKind.ENTERPRISE, parent=town)
    second = services.org_create(
        actor=None, name="另一企业妇联", kind=OrgKind.ENTERPRISE, parent=town
    )
    assert first.code == "321202100000-E001" and second.code == "321202100000-E002"
    assert first.path.startswith(town.path)


def test_creating_a_child_outside_her_scope_is_refused(user_named, other_village):
    with pytest.raises(PermissionDenied):
        services.org_create(
            actor=user_named("county_cadre"),
            name="外县队",
            kind=OrgKind.VOLUNTEER_TEAM,
            parent=other_village,
        )


def test_moving_a_subtree_rewrites_every_path_in_one_statement(org_by_code):
    town = org_by_code("321202100000")  # 九龙镇 in 海陵区
    new_county = org_by_code("321203000000")  # 高港区
    size = Org.objects.filter(path__startswith=town.path).count()
    with CaptureQueriesContext(connection) as queries:
        moved = services.org_move(
            actor=None, org=town, new_parent=new_county, new_code="321203199000"
        )
    assert moved == size
    path_updates = [
        q["sql"]
        for q in queries.captured_queries
        # Other apps rewrite the paths they copy (report values …) in their own UPDATEs.
        if q["sql"].startswith('UPDATE "orgs_org"') and '"path" =' in q["sql"]
    ]
    assert len(path_updates) == 1
    town.refresh_from_db()
    assert town.parent == new_county and town.code == "321203199000"
    assert Org.objects.filter(path__startswith=town.path).count() == size
    assert all(
        o.depth == len(decode_path(o.path)) for o in Org.objects.filter(path__startswith=town.path)
    )
    event = AuditEvent.objects.filter(verb="org_move", object_id=str(town.pk)).get()
    assert event.detail["orgs_moved"] == size


def test_a_move_keeps_the_scope_of_the_people_below(org_by_code, user_named):
    town = org_by_code("321202100000")
    services.org_move(
        actor=None, org=town, new_parent=org_by_code("321203000000"), new_code="321203199000"
    )
    from fulian.orgs.selectors import orgs_visible_to

    cadre = user_named("town_cadre")
    assert orgs_visible_to(viewer=cadre).filter(parent=town).count() == town.child_count
    gaogang = list(Position.objects.filter(org__code="321203000000"))
    assert gaogang == []  # nobody gained a position by the move


def test_a_subtree_cannot_move_under_itself(org_by_code, my_village):
    with pytest.raises(ValidationError):
        services.org_move(actor=None, org=org_by_code("321202100000"), new_parent=my_village)


def test_moving_an_administrative_org_to_a_new_parent_needs_a_matching_code(org_by_code):
    with pytest.raises(ValidationError, match="新的区划代码"):
        services.org_move(
            actor=None, org=org_by_code("321202100000"), new_parent=org_by_code("321203000000")
        )


def test_closing_an_org_with_active_children_is_refused(org_by_code):
    with pytest.raises(ValidationError, match="下级"):
        services.org_close(actor=None, org=org_by_code("321202100000"), reason="撤并")


def test_closing_a_village_keeps_it_and_ends_its_positions(my_village, user_named):
    services.org_close(actor=None, org=my_village, reason="撤村并居")
    my_village.refresh_from_db()
    assert my_village.status == OrgStatus.CLOSED and my_village.closed_reason == "撤村并居"
    assert not Position.objects.current().filter(org=my_village).exists()


def test_merging_towns_moves_the_villages_and_keeps_the_history(org_by_code):
    source = org_by_code("321202101000")  # 罡杨镇
    target = org_by_code("321202100000")  # 九龙镇
    villages = set(Org.objects.filter(parent=source, status="active").values_list("pk", flat=True))
    services.org_merge(actor=None, source=source, target=target)
    source.refresh_from_db()
    assert source.status == OrgStatus.MERGED and source.merged_into == target
    assert set(Org.objects.filter(pk__in=villages).values_list("parent", flat=True)) == {target.pk}
    assert all(o.code.startswith("321202100") for o in Org.objects.filter(pk__in=villages))


def test_coverage_counts_units_with_a_womens_organisation(org_by_code, user_named):
    town = org_by_code("321202100000")
    villages = Org.objects.filter(parent=town, kind=OrgKind.VILLAGE)
    first = villages.first()
    first.has_federation = False
    first.save()
    coverage = org_coverage(viewer=user_named("city_chair"), org=town)
    row = coverage.levels[0]
    assert row.kind == OrgKind.VILLAGE
    assert row.total == villages.count()
    assert row.with_federation == villages.filter(has_federation=True).count()
    assert row.rate == round(row.with_federation * 100 / row.total, 1)


def test_coverage_of_the_city_counts_new_sector_orgs(org_by_code, user_named):
    coverage = org_coverage(viewer=user_named("city_chair"), org=org_by_code("321200000000"))
    assert coverage.new_economic["商会妇联"] == 4
    assert [r.kind for r in coverage.levels] == ["county", "town", "village"]


def test_tree_children_fragment_lists_the_children(client_for, org_by_code):
    town = org_by_code("321202100000")
    body = client_for("town_cadre").get(f"/orgs/{town.pk}/children/").content.decode()
    for village in Org.objects.filter(parent=town):
        assert village.name in body


def test_create_page_shows_a_code_error_in_chinese(client_for, org_by_code):
    town = org_by_code("321202100000")
    response = client_for("county_cadre").post(
        f"/orgs/{town.pk}/new/",
        {"name": "新村", "kind": "village", "code": "999999999999", "has_federation": "on"},
    )
    assert response.status_code == 200
    assert "区划代码" in response.content.decode()
    assert not Org.objects.filter(name="新村").exists()


def test_search_finds_by_code_prefix_and_name(client_for):
    client = client_for("city_chair")
    assert "九龙镇妇联" in client.get("/orgs/search/", {"q": "321202100"}).content.decode()
    assert "九龙镇妇联" in client.get("/orgs/search/", {"q": "九龙"}).content.decode()


def test_the_same_org_posted_twice_is_refused(org_by_code):
    town = org_by_code("321202100000")
    services.org_create(actor=None, name="新建志愿队", kind=OrgKind.VOLUNTEER_TEAM, parent=town)
    with pytest.raises(ValidationError, match="已有名为"):
        services.org_create(actor=None, name="新建志愿队", kind=OrgKind.VOLUNTEER_TEAM, parent=town)
    assert Org.objects.filter(parent=town, name="新建志愿队").count() == 1
