"""Entering values: checked by type, audited, rolled up to every ancestor at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.core.models import AuditEvent
from fulian.orgs.models import Org
from fulian.reports import rollup, services
from fulian.reports.models import DataValue, ValueSummary

pytestmark = pytest.mark.django_db


def ancestors_of(org):
    return list(Org.objects.filter(pk__in=org.ancestor_ids()).order_by("depth"))


def test_a_saved_value_is_in_every_ancestors_total_at_once(
    reporter, fresh_village, building, element, this_year
):
    exec_members = element("exec_members")
    before = {
        a.pk: rollup.total(exec_members, a, this_year, period_type="yearly").total
        for a in ancestors_of(fresh_village)
    }
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=this_year,
        entries={"exec_members": "11"},
    )
    for ancestor in ancestors_of(fresh_village):
        after = rollup.total(exec_members, ancestor, this_year, period_type="yearly").total
        assert after - before[ancestor.pk] == 11, ancestor.name
    # A correction moves the totals by the difference; clearing removes the value.
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=this_year,
        entries={"exec_members": "8"},
    )
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=this_year,
        entries={"exec_members": ""},
    )
    for ancestor in ancestors_of(fresh_village):
        after = rollup.total(exec_members, ancestor, this_year, period_type="yearly").total
        assert after == before[ancestor.pk]
    assert not DataValue.objects.filter(
        org=fresh_village, element=exec_members, period=this_year
    ).exists()


def test_the_summary_always_equals_a_recount_from_the_values(reporter, fresh_village, building):
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=building_period(),
        entries={"vc_members": "7", "vc_members_women": "3", "women_home": "是"},
    )
    totals = _grouped()
    assert totals
    rollup.rebuild_value_summary()
    assert _grouped() == totals


def building_period():
    from django.utils import timezone

    return str(timezone.localdate().year)


def _grouped():
    from django.db.models import Sum

    rows = (
        ValueSummary.objects.values("ancestor_id", "element_id", "period", "option_key")
        .annotate(t=Sum("total"), c=Sum("count"))
        .filter(c__gt=0)
    )
    return {
        (r["ancestor_id"], r["element_id"], r["period"], r["option_key"]): (r["t"], r["c"])
        for r in rows
    }


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("exec_members", "3.5", "应为不小于 0 的整数"),
        ("exec_members", "-1", "应为不小于 0 的整数"),
        ("exec_members", "十二", "应为数字"),
        ("women_home", "也许", "请填“是”或“否”"),
        ("nonexistent", "1", "不是本报表的数据项"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    reporter, fresh_village, building, this_year, key, raw, message
):
    with pytest.raises(ValidationError) as error:
        services.values_save(
            actor=reporter,
            data_set=building,
            org=fresh_village,
            period=this_year,
            entries={"vc_members": "6", key: raw},  # the good cell is not written either
        )
    assert any(message in m for m in error.value.messages)
    assert not DataValue.objects.filter(org=fresh_village, period=this_year).exists()


def test_a_value_typed_into_a_derived_element_is_refused(
    reporter, fresh_village, building, this_year
):
    with pytest.raises(ValidationError) as error:
        services.values_save(
            actor=reporter,
            data_set=building,
            org=fresh_village,
            period=this_year,
            entries={"people_new": "99"},
        )
    assert "自动生成，不能手工填写" in error.value.messages[0]
    assert not DataValue.objects.filter(org=fresh_village, period=this_year).exists()


def test_only_reporting_orgs_in_scope_for_the_right_period_type(
    reporter, user_named, fresh_village, other_village, town, building, this_year
):
    with pytest.raises(PermissionDenied):
        services.values_save(
            actor=user_named("village_chair2"),
            data_set=building,
            org=fresh_village,
            period=this_year,
            entries={"vc_members": "5"},
        )
    with pytest.raises(ValidationError, match="不是“妇联组织建设统计年报”的填报单位"):
        services.values_save(
            actor=user_named("town_cadre"),
            data_set=building,
            org=town,
            period=this_year,
            entries={"vc_members": "5"},
        )
    with pytest.raises(ValidationError, match="不符"):
        services.values_save(
            actor=reporter,
            data_set=building,
            org=fresh_village,
            period=f"{this_year}Q1",
            entries={"vc_members": "5"},
        )
    with pytest.raises(ValidationError, match="尚未开始"):
        services.values_save(
            actor=reporter,
            data_set=building,
            org=fresh_village,
            period=str(int(this_year) + 1),
            entries={"vc_members": "5"},
        )


def test_every_change_is_audited(reporter, fresh_village, building, this_year):
    before = AuditEvent.objects.count()
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=this_year,
        entries={"vc_members": "6", "note": "换届后新增两名执委"},
    )
    events = AuditEvent.objects.order_by("pk")[before:]
    value_events = [e for e in events if e.content_type.model == "datavalue"]
    assert len(value_events) == 2
    assert all(e.actor_id == reporter.pk for e in value_events)


def test_disaggregated_values_add_up_to_the_element_total(user_named, org_by_code, element):
    from django.utils import timezone

    from fulian.reports.periods import period_containing

    county = user_named("county_cadre").positions.get().org
    aided = element("two_cancer_aided")
    day = timezone.localdate() - timedelta(days=100)  # the demo's latest quarter
    quarter = period_containing("quarterly", day)
    figures = rollup.options_breakdown(aided, county, quarter, period_type="quarterly")
    by_option = {option.code: figure.total for option, figure in figures}
    whole = rollup.total(aided, county, quarter, period_type="quarterly").total
    assert set(by_option) == {"urban", "rural"}
    assert whole == by_option["urban"] + by_option["rural"] > 0
    year = rollup.total(aided, county, str(day.year), period_type="quarterly").total
    assert year >= whole  # a year adds up its quarters
    assert isinstance(year, Decimal)


def test_moving_a_village_moves_its_figures_to_the_new_ancestors(
    reporter, fresh_village, building, element, this_year, town
):
    from fulian.orgs import services as org_services
    from fulian.orgs.models import OrgKind

    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=this_year,
        entries={"exec_members": "21"},
    )
    exec_members = element("exec_members")
    county = town.parent
    other_county = (
        Org.objects.filter(parent=county.parent, kind=OrgKind.COUNTY).exclude(pk=county.pk).first()
    )
    other_town = Org.objects.filter(parent=other_county, kind=OrgKind.TOWN).first()

    def figure(org):
        org.refresh_from_db()
        return rollup.total(exec_members, org, this_year, period_type="yearly").total

    before = {o.pk: figure(o) for o in (town, county, other_town, other_county)}
    new_code = other_town.code[:9] + "999"
    org_services.org_move(actor=None, org=fresh_village, new_parent=other_town, new_code=new_code)
    assert figure(county) == before[county.pk] - 21
    assert figure(town) == before[town.pk] - 21
    assert figure(other_county) == before[other_county.pk] + 21
    assert figure(other_town) == before[other_town.pk] + 21
    fresh_village.refresh_from_db()
    assert set(DataValue.objects.filter(org=fresh_village).values_list("path", flat=True)) == {
        fresh_village.path
    }
