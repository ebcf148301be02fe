"""预警排查 and 来电来函来访."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.cases import enquiries, first_contact, risk
from fulian.cases.models import ContactState, Enquiry, RiskEntry
from fulian.notifications.models import Notification

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _entry(village, level=1):
    return risk.risk_entry_create(
        actor=None,
        org=village,
        household="测试家庭",
        situation="夫妻经常争吵",
        risk_level=level,
        screening_every_days=30,
    )


def test_a_register_entry_gives_the_village_chair_a_screening_visit_with_a_due_date(
    my_village, user_named
):
    entry = _entry(my_village)
    visit = entry.visits.get()
    assert visit.assignee == user_named("village_chair")
    assert visit.due_on > TODAY


def test_a_rising_risk_level_escalates_to_the_town_and_county(my_village, user_named, client_for):
    entry = _entry(my_village, level=1)
    visit = entry.visits.get()
    with pytest.raises(PermissionDenied):
        risk.screening_visit_record(
            actor=user_named("village_chair2"), visit=visit, done_on=TODAY, risk_level=3, note="x"
        )
    before = set(Notification.objects.filter(kind="risk_rising").values_list("pk", flat=True))
    risk.screening_visit_record(
        actor=user_named("village_chair"), visit=visit, done_on=TODAY, risk_level=3, note="有打骂"
    )
    entry.refresh_from_db()
    assert entry.risk_level == 3
    told = {
        n.recipient.username
        for n in Notification.objects.filter(kind="risk_rising").exclude(pk__in=before)
    }
    assert {"town_cadre", "county_cadre"} <= told
    assert "village_chair2" not in told
    # The next visit is scheduled.
    assert entry.visits.filter(done_on__isnull=True).count() == 1
    with pytest.raises(ValidationError, match="已经登记过"):
        risk.screening_visit_record(
            actor=user_named("village_chair"), visit=visit, done_on=TODAY, risk_level=3, note="x"
        )
    assert client_for("village_chair").get(f"/cases/risk/{entry.pk}/").status_code == 200
    assert client_for("village_chair2").get(f"/cases/risk/{entry.pk}/").status_code == 404


def test_the_risk_register_outside_a_village_is_refused(org_by_code):
    with pytest.raises(ValidationError, match="村（社区）"):
        _entry(org_by_code("321202100000"))
    assert not RiskEntry.objects.filter(org__code="321202100000").exists()


def test_an_office_enquiry_follows_the_same_first_contact_rule(user_named, client_for):
    office = user_named("city_office")
    enquiry = enquiries.enquiry_receive(
        actor=office,
        channel="letter",
        title="来函商请开展讲座",
        caller_name="某单位",
        summary="商请联合开展家庭教育讲座",
        received_on=datetime.date(2026, 9, 30),
    )
    assert enquiry.responsible == office
    assert enquiry.reply_due == datetime.date(2026, 10, 10)
    with pytest.raises(ValidationError, match="延期须填写理由"):
        enquiries.enquiry_extend(actor=office, enquiry=enquiry, reason="")
    enquiries.enquiry_extend(actor=office, enquiry=enquiry, reason="须领导研究")
    assert Enquiry.objects.get(pk=enquiry.pk).reply_due == datetime.date(2026, 10, 15)
    enquiries.enquiry_transfer(
        actor=office, enquiry=enquiry, to=user_named("city_rights"), reason="属维权工作"
    )
    enquiry.refresh_from_db()
    assert enquiry.responsible.username == "city_rights"
    assert enquiry.department.name == "办公室"  # the first department still leads
    enquiries.enquiry_reply(actor=user_named("city_rights"), enquiry=enquiry, text="同意")
    enquiry.refresh_from_db()
    assert enquiry.state == ContactState.CLOSED
    assert first_contact.open_task(enquiry) is None
    assert client_for("city_office").get(f"/cases/enquiries/{enquiry.pk}/").status_code == 200
    assert client_for("village_chair2").get(f"/cases/enquiries/{enquiry.pk}/").status_code in (
        403,
        404,
    )


def test_an_enquiry_answered_at_once_is_closed(user_named):
    enquiry = enquiries.enquiry_receive(
        actor=user_named("city_office"),
        channel="phone",
        title="询问地址",
        caller_name="张先生",
        summary="询问办公地址",
        answer_now="已告知",
    )
    assert enquiry.state == ContactState.CLOSED and enquiry.answered_at_once


def test_someone_without_an_enquiry_post_cannot_receive_one(user_named):
    with pytest.raises(PermissionDenied):
        enquiries.enquiry_receive(
            actor=user_named("village_chair"),
            channel="phone",
            title="x",
            caller_name="x",
            summary="x",
        )
