"""Submission up the tree on the workflow engine; completeness; derived figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fulian.orgs.models import Org, OrgKind
from fulian.people.models import Person, PersonStatus, PersonTag
from fulian.reports import completeness, indicators, rollup, services
from fulian.reports.models import DataValue, Indicator, Submission, SubmissionState
from fulian.reports.periods import parse
from fulian.workflow import engine
from fulian.workflow.models import Action, ProcessState, TaskState

pytestmark = pytest.mark.django_db


def submit(reporter, building, village, period, **values):
    services.values_save(
        actor=reporter,
        data_set=building,
        org=village,
        period=period,
        entries={"vc_members": "6", "vc_members_women": "2", **values},
    )
    return services.submission_submit(actor=reporter, data_set=building, org=village, period=period)


def open_task(submission):
    submission.refresh_from_db()
    return submission.process.tasks.get(state=TaskState.OPEN)


def test_return_with_a_reason_then_resubmit_then_approve(
    reporter, fresh_village, building, this_year, user_named
):
    town_cadre = user_named("town_cadre")
    submission = submit(reporter, building, fresh_village, this_year)
    task = open_task(submission)
    assert town_cadre in {task.assignee, *task.candidates.all()}
    with pytest.raises(ValidationError):  # submitted figures are frozen
        services.values_save(
            actor=reporter,
            data_set=building,
            org=fresh_village,
            period=this_year,
            entries={"vc_members": "9"},
        )
    with pytest.raises(ValidationError):  # a return needs a reason
        engine.act(task=task, actor=town_cadre, action=Action.RETURN, comment="")
    engine.act(task=task, actor=town_cadre, action=Action.RETURN, comment="女性成员数与花名册不符")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.RETURNED
    assert submission.process.state == ProcessState.RETURNED
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=this_year,
        entries={"vc_members_women": "3"},
    )
    submission = services.submission_submit(
        actor=reporter, data_set=building, org=fresh_village, period=this_year
    )
    assert submission.state == SubmissionState.SUBMITTED
    engine.act(task=open_task(submission), actor=town_cadre, action=Action.APPROVE)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert submission.approved_by == town_cadre
    assert submission.process.log.filter(action=Action.RETURN, comment__contains="花名册").exists()


def test_the_approver_can_unapprove_with_a_reason(
    reporter, fresh_village, building, this_year, user_named, town
):
    town_cadre = user_named("town_cadre")
    submission = submit(reporter, building, fresh_village, this_year)
    engine.act(task=open_task(submission), actor=town_cadre, action=Action.APPROVE)
    before = completeness.counts(building, town, this_year)
    with pytest.raises(ValidationError, match="理由"):
        services.submission_unapprove(actor=town_cadre, submission=submission, reason=" ")
    with pytest.raises(PermissionDenied):
        services.submission_unapprove(
            actor=user_named("county_cadre"), submission=submission, reason="复核"
        )
    services.submission_unapprove(actor=town_cadre, submission=submission, reason="数据需复核")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.RETURNED
    after = completeness.counts(building, town, this_year)
    assert (after.submitted, after.approved) == (before.submitted - 1, before.approved - 1)
    assert reporter.notifications.filter(kind="report_unapproved").exists()


def test_completeness_counts_expected_submitted_on_time_and_approved(
    reporter, fresh_village, building, this_year, town, user_named
):
    expected = Org.objects.filter(
        path__startswith=town.path, kind=OrgKind.VILLAGE, status="active"
    ).count()
    before = completeness.counts(building, town, this_year)
    assert before.expected == expected
    assert (
        before.submitted
        == Submission.objects.filter(
            data_set=building,
            period=this_year,
            path__startswith=town.path,
            state__in=["submitted", "approved"],
        ).count()
    )
    submission = submit(reporter, building, fresh_village, this_year)
    after = completeness.counts(building, town, this_year)
    assert (after.submitted, after.on_time, after.approved) == (
        before.submitted + 1,
        before.on_time + 1,
        before.approved,
    )
    assert after.pending_approval == before.pending_approval + 1
    # The same figures from the county's summary rows and the city's.
    county = town.parent
    for level in (county, county.parent, county.parent.parent, county.parent.parent.parent):
        counts = completeness.counts(building, level, this_year)
        live = completeness._live(building, level, this_year)
        assert counts == live, level.name
    assert fresh_village not in completeness.missing_orgs(building, town, this_year)
    engine.act(task=open_task(submission), actor=user_named("town_cadre"), action=Action.APPROVE)
    assert completeness.counts(building, town, this_year).approved == before.approved + 1


def test_a_late_submission_counts_but_not_as_on_time(
    reporter, fresh_village, building, this_year, monkeypatch
):
    deadline = completeness.deadline_of(building, parse(this_year))
    late = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9)))
    building.lock_after_deadline = False
    building.save()
    monkeypatch.setattr(timezone, "now", lambda: late)
    submission = submit(reporter, building, fresh_village, this_year)
    assert submission.counted_submitted and not submission.on_time


def test_a_locked_period_needs_an_exception_from_the_level_above(building, user_named, town):
    building.deadline_days = 0  # last year is past its deadline whatever today's date
    building.save(update_fields=["deadline_days"])
    last_year = str(timezone.localdate().year - 1)
    reported = Submission.objects.filter(data_set=building, period=last_year).values("org_id")
    fresh_village = (
        Org.objects.filter(parent__parent=town.parent, kind=OrgKind.VILLAGE)
        .exclude(pk__in=reported)
        .first()
    )
    reporter = user_named("town_cadre") if fresh_village.parent_id == town.pk else None
    if reporter is None:  # a village of another town: its county cadre enters for it
        reporter = user_named("county_cadre")
    with pytest.raises(ValidationError, match="锁定"):
        services.values_save(
            actor=reporter,
            data_set=building,
            org=fresh_village,
            period=last_year,
            entries={"vc_members": "6"},
        )
    with pytest.raises(PermissionDenied):
        services.entry_exception_grant(
            actor=user_named("village_chair2"),
            data_set=building,
            org=fresh_village,
            period=last_year,
            until=timezone.localdate() + dt.timedelta(days=5),
            reason="补报",
        )
    granter = user_named("county_cadre") if reporter.username == "town_cadre" else reporter
    services.entry_exception_grant(
        actor=granter,
        data_set=building,
        org=fresh_village,
        period=last_year,
        until=timezone.localdate() + dt.timedelta(days=5),
        reason="村两委换届延误",
    )
    services.values_save(
        actor=reporter,
        data_set=building,
        org=fresh_village,
        period=last_year,
        entries={"vc_members": "6"},
    )
    assert DataValue.objects.filter(org=fresh_village, period=last_year).exists()


def test_derived_values_match_the_module_records(reporter, fresh_village, building, this_year):
    start, end = parse(this_year).start, parse(this_year).end
    registered = (
        Person.objects.filter(
            org__path__startswith=fresh_village.path,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .exclude(status=PersonStatus.MERGED)
        .count()
    )
    poor = (
        PersonTag.objects.filter(
            tag__name="贫困母亲", person__org__path__startswith=fresh_village.path
        )
        .exclude(person__status=PersonStatus.MERGED)
        .count()
    )
    filled = services.derived_fill(
        actor=reporter, data_set=building, org=fresh_village, period=this_year
    )
    assert filled == {"people_new": Decimal(registered), "poor_mothers": Decimal(poor)}


def test_derived_totals_count_the_records_at_every_level(element, org_by_code, user_named):
    village = user_named("village_chair").positions.get().org
    year = str(timezone.localdate().year)
    people_new = element("people_new")
    city = org_by_code("321200000000")
    here = rollup.total(people_new, village, year, period_type="yearly").value
    everywhere = rollup.total(people_new, city, year, period_type="yearly").value
    assert (
        here
        == Person.objects.filter(org__path__startswith=village.path, created_at__year=int(year))
        .exclude(status=PersonStatus.MERGED)
        .count()
    )
    assert everywhere >= here > 0


def test_indicators_show_numerator_and_denominator_at_every_level(org_by_code, user_named, element):
    share = Indicator.objects.get(code="vc_women_share")
    last_year = parse(str(timezone.localdate().year - 1))
    for org in (org_by_code("321200000000"), user_named("town_cadre").positions.get().org):
        result = indicators.evaluate(share, org, last_year)
        women = rollup.total(element("vc_members_women"), org, last_year, period_type="yearly")
        members = rollup.total(element("vc_members"), org, last_year, period_type="yearly")
        assert (result.numerator, result.denominator) == (women.value, members.value)
        assert result.value == (women.value / members.value * 100).quantize(Decimal("0.01"))


def test_formulas_are_checked():
    indicators.validate_formula("#{vc_members_women} / #{vc_members} * 100")
    for bad in ("#{nope}", "__import__('os')", "#{vc_members} +", "#{vc_members}.real"):
        with pytest.raises(ValidationError):
            indicators.validate_formula(bad)


def test_reminders_go_to_villages_that_have_not_reported_before_the_deadline(
    building, this_year, user_named, fresh_village, reporter
):
    deadline = completeness.deadline_of(building, parse(this_year))
    three_days_before = deadline - dt.timedelta(days=3)
    assert (building, parse(this_year)) in completeness.due_soon(three_days_before)
    sent = completeness.send_reminders(three_days_before)
    assert sent > 0
    assert reporter.notifications.filter(kind="report_deadline").exists()
    # village_chair has submitted this year's report: no reminder for her.
    assert not user_named("village_chair").notifications.filter(kind="report_deadline").exists()
    assert completeness.due_soon(deadline - dt.timedelta(days=30)) == []


def test_completeness_of_a_towns_villages_takes_two_queries_and_matches_a_live_count(
    building, this_year, town
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = completeness.children_counts(building, town, this_year)
    assert len(queries) <= 3  # the children, who must report, who did
    assert len(rows) > 5
    for village, counts in rows:
        assert counts == completeness._live(building, village, this_year), village.name
