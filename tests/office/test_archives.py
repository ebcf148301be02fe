"""Archives: codes, three copies, the filing checklist and reminder, lending and chasing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fulian.notifications.models import Notification
from fulian.office import archives, outgoing
from fulian.office.models import ArchiveEntry, ArchiveFonds, ArchiveLoan
from fulian.workflow import engine
from fulian.workflow.models import ProcessState

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(user_named):
    city = user_named("city_chair").positions.get().org
    ArchiveFonds.objects.get_or_create(org=city, defaults={"code": "J031"})
    return city


def signed(user_named, title="关于表彰2026年度三八红旗手的决定"):
    document = outgoing.outgoing_draft(
        actor=user_named("city_rights"),
        title=title,
        main_recipients="各县（市、区）妇联：",
        body="经研究，决定表彰……",
    )
    for name in ("city_office_head", "city_vice", "city_chair"):
        task = document.process.tasks.get(state="open")
        engine.act(task=task, actor=user_named(name), action="approve")
    document.refresh_from_db()
    return document


def test_archive_codes_run_per_year_and_retention_and_are_never_reused(user_named, city):
    office = user_named("city_office")
    first = archives.archive_file(actor=office, retention="Y", outgoing=signed(user_named))
    second = archives.archive_file(actor=office, retention="Y", outgoing=signed(user_named, "二"))
    ten = archives.archive_file(actor=office, retention="D10", outgoing=signed(user_named, "三"))
    year = first.year
    assert first.code.startswith(f"J031-{year}-Y-")
    assert second.item_number == first.item_number + 1
    assert ten.code.startswith(f"J031-{year}-D10-")
    with pytest.raises(ValidationError, match="已归档"):
        archives.archive_file(actor=office, retention="Y", outgoing=first.outgoing)
    # Numbers come from the gap-free register: a new entry after these gets the next one.
    third = archives.archive_file(actor=office, retention="Y", outgoing=signed(user_named, "四"))
    assert third.item_number == second.item_number + 1
    assert ArchiveEntry.objects.filter(code=third.code).count() == 1


def test_proofreading_sends_three_copies_to_the_archive(user_named, city):
    document = signed(user_named)
    with pytest.raises(ValidationError, match="校对人须是拟稿部室"):
        outgoing.outgoing_proofread(
            actor=user_named("city_rights"), document=document, proofreader=user_named("city_org")
        )
    outgoing.outgoing_proofread(
        actor=user_named("city_rights"), document=document, proofreader=user_named("city_rights")
    )
    kinds = sorted(document.archive_copies.values_list("kind", flat=True))
    assert kinds == ["draft", "printed", "signed"]
    assert document.archive_copies.get(kind="printed").file.name.endswith(".docx")


def test_the_checklist_and_the_first_quarter_reminder(user_named, city):
    document = signed(user_named, "待归档的发文")
    year = document.signed_on.year
    checklist = archives.unfiled(city, year)
    assert document in [d for docs in checklist.values() for d in docs]
    assert archives.remind_filing(today=dt.date(year + 1, 6, 1)) == 0  # outside Q1
    assert archives.remind_filing(today=dt.date(year + 1, 2, 3)) == 1  # the office director
    assert archives.remind_filing(today=dt.date(year + 1, 2, 20)) == 0  # once a month
    assert Notification.objects.filter(
        recipient=user_named("city_office_head"), kind="archive_filing_due"
    ).exists()
    # Filed, it leaves the checklist.
    archives.archive_file(actor=user_named("city_office"), retention="D30", outgoing=document)
    checklist = archives.unfiled(city, year)
    assert document not in [d for docs in checklist.values() for d in docs]


def test_external_lending_needs_the_letter_and_the_office_heads_approval(user_named, city):
    entry = archives.archive_file(
        actor=user_named("city_office"), retention="Y", outgoing=signed(user_named)
    )
    due = dt.date.today() + dt.timedelta(days=7)
    before = ArchiveLoan.objects.count()
    with pytest.raises(ValidationError, match="外单位借阅必须附单位介绍信"):
        archives.loan_request_external(
            actor=user_named("city_office"),
            entry=entry,
            borrower_name="钱明",
            borrower_org="泰州市档案馆",
            letter=None,
            purpose="编史修志",
            due_on=due,
        )
    assert ArchiveLoan.objects.count() == before  # nothing written half-way
    letter = SimpleUploadedFile("介绍信.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    loan = archives.loan_request_external(
        actor=user_named("city_office"),
        entry=entry,
        borrower_name="钱明",
        borrower_org="泰州市档案馆",
        letter=letter,
        purpose="编史修志",
        due_on=due,
    )
    assert loan.lent_on is None
    task = loan.process.tasks.get(state="open")
    assert task.assignee.username == "city_office_head"
    engine.act(task=task, actor=user_named("city_office_head"), action="approve")
    loan.refresh_from_db()
    assert loan.process.state == ProcessState.APPROVED and loan.lent_on == dt.date.today()


def test_overdue_loans_are_chased_once_a_day_until_returned(user_named, city):
    entry = archives.archive_file(
        actor=user_named("city_office"), retention="D10", outgoing=signed(user_named)
    )
    loan = archives.loan_lend(
        actor=user_named("city_office"),
        entry=entry,
        borrower=user_named("city_rights"),
        purpose="查阅表彰名单",
        due_on=dt.date.today(),
    )
    with pytest.raises(ValidationError, match="已借出"):
        archives.loan_lend(
            actor=user_named("city_office"),
            entry=entry,
            borrower=user_named("city_org"),
            purpose="再借",
            due_on=dt.date.today(),
        )
    later = dt.date.today() + dt.timedelta(days=3)
    assert archives.chase_overdue_loans(today=later) >= 1  # the demo's overdue loan too
    loan.refresh_from_db()
    assert loan.chased_on == later
    assert archives.chase_overdue_loans(today=later) == 0  # once a day
    assert Notification.objects.filter(
        recipient=user_named("city_rights"), kind="archive_loan_overdue", body__contains=entry.code
    ).exists()
    archives.loan_return(actor=user_named("city_office"), loan=loan)
    archives.chase_overdue_loans(today=later + dt.timedelta(days=1))
    loan.refresh_from_db()
    assert loan.chased_on == later  # returned: no longer chased


def test_an_outsider_cannot_lend_or_file(user_named, city):
    from django.core.exceptions import PermissionDenied

    document = signed(user_named)
    with pytest.raises(PermissionDenied):
        archives.archive_file(actor=user_named("village_chair2"), retention="Y", outgoing=document)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/office/incoming/",
        "/office/outgoing/",
        "/office/archives/",
        "/office/archives/loans/",
        "/office/documents/",
    ],
)
def test_list_pages_do_not_grow_queries_with_rows(url, client_for, user_named, city):
    from fulian.office import incoming

    client = client_for("city_office")
    client.get(url)  # warm the per-user caches
    before = _queries(client, url)
    office = user_named("city_office")
    rights = user_named("city_rights").positions.get().org
    for i in range(6):
        document = incoming.incoming_register(
            actor=office,
            registration=incoming.Registration("省妇联", f"来文{i}", dt.date(2026, 5, 1)),
            departments=[rights],
        )
        entry = archives.archive_file(
            actor=office, retention="D10", outgoing=signed(user_named, f"发文{i}")
        )
        archives.loan_lend(
            actor=office,
            entry=entry,
            borrower=user_named("city_rights"),
            purpose="查阅",
            due_on=dt.date.today(),
        )
        assert document.pk
    assert _queries(client, url) <= before


def test_the_borrower_opens_what_she_borrowed_and_nothing_else(client_for):
    loan = ArchiveLoan.objects.filter(borrower__username="city_rights").first()
    client = client_for("city_rights")
    assert client.get(f"/office/archives/{loan.entry_id}/").status_code == 200
    other = ArchiveEntry.objects.exclude(loans__borrower__username="city_rights").first()
    assert client.get(f"/office/archives/{other.pk}/").status_code == 404


def test_the_reminders_run_as_periodic_jobs():
    from fulian.notifications.periodic import periodic_jobs

    assert {"office.archive_filing", "office.overdue_loans"} <= set(periodic_jobs())
