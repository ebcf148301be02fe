"""首问负责制: reply due, extension, answer at once, claim, transfer, overdue, escalation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.cases import first_contact, services
from fulian.cases.figures import overdue_by_person
from fulian.cases.models import Case, ContactState, Transfer, TransferState
from fulian.core.calendar import add_working_days
from fulian.workflow import deadlines, engine
from fulian.workflow.models import Action, ProcessState, Task, TaskLog

pytestmark = pytest.mark.django_db

NATIONAL_DAY_EVE = datetime.date(2026, 9, 30)


def test_reply_due_skips_the_2026_national_day_holiday_and_counts_the_make_up_saturday():
    # Oct 1–7 are off and Oct 8 is back at work; Saturday Oct 10 is a make-up working day.
    assert first_contact.reply_due_for(NATIONAL_DAY_EVE) == datetime.date(2026, 10, 10)
    assert first_contact.reply_due_for(datetime.date(2026, 9, 29)) == datetime.date(2026, 10, 9)
    # Seven working days: Oct 8, 9, 10, 12, 13, 14, 15 (Sunday Oct 11 is off).
    assert first_contact.reply_due_for(NATIONAL_DAY_EVE, extended=True) == datetime.date(
        2026, 10, 15
    )


def test_a_case_received_before_national_day_is_due_after_it(receive):
    case = receive(received_on=NATIONAL_DAY_EVE)
    assert case.reply_due == datetime.date(2026, 10, 10)
    task = first_contact.open_task(case)
    assert task.due_date == datetime.date(2026, 10, 10)
    assert task.assignee.username == "city_rights"
    assert case.responsible.username == "city_rights"


def test_the_first_receiver_is_responsible_and_her_department_leads(receive):
    case = receive()
    assert case.received_by.username == "city_rights"
    assert case.department.name == "权益部"
    assert case.state == ContactState.OPEN
    assert case.number.startswith("WQ")


def test_what_can_be_answered_at_once_is_closed_with_the_answer(receive):
    case = receive(answer_now="已告知可向法院起诉离婚并申请财产分割。")
    case.refresh_from_db()
    assert case.state == ContactState.CLOSED
    assert case.answered_at_once
    assert case.reply == "已告知可向法院起诉离婚并申请财产分割。"
    assert case.process.state == ProcessState.APPROVED
    assert first_contact.open_task(case) is None


def test_extension_to_seven_days_needs_a_reason_and_happens_once(receive, user_named):
    case = receive(received_on=NATIONAL_DAY_EVE)
    rights = user_named("city_rights")
    with pytest.raises(ValidationError) as refused:
        services.case_extend(actor=rights, case=case, reason="  ")
    assert "延期须填写理由" in str(refused.value)
    case.refresh_from_db()
    assert case.reply_due == datetime.date(2026, 10, 10) and not case.extension_reason

    services.case_extend(actor=rights, case=case, reason="需向法院核实判决执行情况")
    case.refresh_from_db()
    assert case.reply_due == datetime.date(2026, 10, 15)
    assert first_contact.open_task(case).due_date == datetime.date(2026, 10, 15)
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.case_extend(actor=rights, case=case, reason="再延一次")


def test_only_the_responsible_person_may_extend_or_reply(receive, user_named):
    case = receive()
    with pytest.raises(PermissionDenied):
        services.case_extend(actor=user_named("county_cadre"), case=case, reason="理由")
    with pytest.raises(PermissionDenied):
        services.case_reply(actor=user_named("county_cadre"), case=case, text="答复")


def test_reply_completes_the_responsibility_and_is_on_time(receive, user_named):
    case = receive()
    services.case_reply(actor=user_named("city_rights"), case=case, text="已联系双方，约定调解。")
    case.refresh_from_db()
    assert case.state == ContactState.REPLIED
    assert case.replied_on_time is True
    assert case.process.state == ProcessState.APPROVED


def test_the_inbox_cannot_close_an_item_without_the_reply(receive, user_named):
    case = receive()
    task = first_contact.open_task(case)
    with pytest.raises(ValidationError, match="答复内容"):
        engine.act(task=task, actor=user_named("city_rights"), action=Action.APPROVE)
    assert first_contact.open_task(case) is not None


def test_transfer_moves_responsibility_and_keeps_history(receive, user_named, client_for):
    case = receive()
    rights, county = user_named("city_rights"), user_named("county_cadre")
    services.case_transfer(actor=rights, case=case, to=county, reason="当事人住海陵区，属地办理")
    case.refresh_from_db()
    assert case.responsible == county
    assert case.org.name.startswith("海陵区")
    assert case.department.name == "权益部"  # the first responsible person's department leads
    assert first_contact.open_task(case).assignee == county
    transfer = Transfer.objects.get(case=case)
    assert (transfer.from_user, transfer.to_user, transfer.state) == (
        rights,
        county,
        TransferState.PENDING,
    )
    assert TaskLog.objects.filter(instance=case.process, action=Action.TRANSFER).count() == 1
    # The sender still sees the case while the transfer is pending …
    assert client_for("city_rights").get(f"/cases/{case.pk}/").status_code == 200
    services.case_transfer_accept(actor=county, case=case)
    # … and no longer once it is done.
    assert client_for("city_rights").get(f"/cases/{case.pk}/").status_code == 404
    assert client_for("county_cadre").get(f"/cases/{case.pk}/").status_code == 200
    history = [e.text for e in services_timeline(case)]
    assert any("转办" in text for text in history)


def services_timeline(case):
    from fulian.cases.selectors import case_timeline

    return case_timeline(case=Case.objects.get(pk=case.pk))


def test_a_rejected_transfer_goes_back_and_the_receiver_loses_sight(
    receive, user_named, client_for
):
    case = receive()
    rights, county = user_named("city_rights"), user_named("county_cadre")
    services.case_transfer(actor=rights, case=case, to=county, reason="属地办理")
    with pytest.raises(ValidationError, match="理由"):
        services.case_transfer_reject(actor=county, case=case, note="")
    services.case_transfer_reject(actor=county, case=case, note="当事人实际居住在市区")
    case.refresh_from_db()
    assert case.responsible == rights
    assert case.org.code == "321200000000"
    assert Transfer.objects.get(case=case).state == TransferState.REJECTED
    assert Transfer.objects.filter(case=case).count() == 1
    assert client_for("county_cadre").get(f"/cases/{case.pk}/").status_code == 404
    assert client_for("city_rights").get(f"/cases/{case.pk}/").status_code == 200


def test_transfer_to_someone_who_handles_no_cases_is_refused(receive, user_named):
    case = receive()
    with pytest.raises(ValidationError, match="没有办理此类事项的岗位"):
        services.case_transfer(
            actor=user_named("city_rights"), case=case, to=user_named("city_org"), reason="x"
        )


def test_overdue_is_flagged_escalated_and_counted_against_the_responsible_person(
    receive, user_named, client_for
):
    long_ago = add_working_days(datetime.date.today(), -10)
    case = receive(received_on=long_ago)
    assert case.is_overdue
    assert deadlines.escalate_overdue() >= 1
    task = Task.objects.get(instance=case.process)
    assert task.escalated_at is not None
    assert task.escalated_to.username in {"city_chair", "city_vice"}
    counted = {u.username: n for u, n in overdue_by_person(Case.objects.filter(pk=case.pk))}
    assert counted == {"city_rights": 1}
    # The leader told may open the case to urge it.
    assert client_for(task.escalated_to.username).get(f"/cases/{case.pk}/").status_code == 200


def test_overdue_before_a_transfer_stays_with_the_sender(receive, user_named):
    case = receive(received_on=add_working_days(datetime.date.today(), -10))
    services.case_transfer(
        actor=user_named("city_rights"), case=case, to=user_named("county_cadre"), reason="属地"
    )
    counted = {u.username: n for u, n in overdue_by_person(Case.objects.filter(pk=case.pk))}
    # The sender held it past its due date; the receiver's task is overdue too.
    assert counted["city_rights"] == 1


def test_a_major_matter_goes_to_the_leadership_who_may_then_see_it(receive, user_named, client_for):
    case = receive()
    assert client_for("city_chair").get(f"/cases/{case.pk}/").status_code == 404
    leaders = services.case_escalate(
        actor=user_named("city_rights"), case=case, reason="涉及人身安全，需多部门联动"
    )
    assert {u.username for u in leaders} == {"city_chair", "city_vice"}
    case.refresh_from_db()
    assert case.is_major
    assert client_for("city_chair").get(f"/cases/{case.pk}/").status_code == 200


def _second_rights_officer():
    from fulian.accounts import services as account_services
    from fulian.accounts.models import Role
    from fulian.orgs.models import Org

    user = account_services.user_create(
        actor=None, username="city_rights2", full_name="钱芳", password="Ceshi@2026x"
    )
    department = Org.objects.get(name="权益部", parent__code="321200000000")
    account_services.position_grant(
        actor=None, user=user, org=department, role=Role.objects.get(code="rights_staff")
    )
    return user


def _public_case(category):
    from fulian.cases.services import Intake, create_case
    from fulian.orgs.models import Org
    from fulian.public.services import public_user

    return create_case(
        actor=None,
        starter=public_user(),
        data=Intake(channel="online", category=category(), name="匿名", summary="求助"),
        org=Org.objects.get(code="321200000000"),
        received_by=None,
    )


def test_an_unclaimed_case_is_offered_to_the_org_and_the_first_to_claim_owns_it(
    user_named, category
):
    second = _second_rights_officer()
    case = _public_case(category)
    task = first_contact.open_task(case)
    assert case.state == ContactState.UNCLAIMED and case.responsible is None
    assert task.assignee is None
    rights = user_named("city_rights")
    assert set(task.candidates.all()) == {rights, second}
    services.case_claim(actor=second, case=case)
    case.refresh_from_db()
    assert case.responsible == second and case.state == ContactState.OPEN
    assert case.department.name == "权益部"
    with pytest.raises(engine.WorkflowConflict):
        services.case_claim(actor=rights, case=case)


def test_a_claim_from_the_inbox_also_makes_her_responsible(user_named, category):
    second = _second_rights_officer()
    case = _public_case(category)
    engine.claim(task=first_contact.open_task(case), actor=second)
    case.refresh_from_db()
    assert case.responsible == second


def test_with_a_single_handler_the_public_case_is_hers_at_once(user_named, category):
    case = _public_case(category)
    case.refresh_from_db()
    assert case.responsible == user_named("city_rights")
    assert first_contact.open_task(case).assignee == user_named("city_rights")
