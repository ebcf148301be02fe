"""Handling: mediation, legal aid, referral with the agency's outcome, follow-up, closure."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.cases import handling, services
from fulian.cases.figures import case_figures
from fulian.cases.models import Case, ContactState, Party
from fulian.cases.selectors import case_timeline
from fulian.people.models import Person

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_a_case_is_handled_to_closure_with_her_satisfaction_and_a_full_timeline(
    receive, user_named, client_for
):
    case = receive(category_code="domestic_violence")
    rights = user_named("city_rights")
    with pytest.raises(ValidationError, match="请先答复"):
        services.case_close(actor=rights, case=case, note="x", satisfaction="satisfied")
    services.case_reply(actor=rights, case=case, text="已约谈双方")
    handling.mediation_add(
        actor=rights, case=case, held_on=TODAY, notes="第一次调解", outcome="ongoing"
    )
    handling.mediation_add(
        actor=rights, case=case, held_on=TODAY, notes="达成协议", outcome="agreed"
    )
    handling.legal_aid_add(actor=rights, case=case, kind="document", given_on=TODAY)
    referral = handling.referral_add(
        actor=rights,
        case=case,
        agency="police",
        agency_name="海陵派出所",
        referred_on=TODAY,
        reason="申请告诫书",
    )
    handling.referral_outcome(
        actor=rights, referral=referral, outcome="已出具告诫书", outcome_on=TODAY
    )
    handling.follow_up_add(actor=rights, case=case, visited_on=TODAY, note="情况稳定")
    services.case_close(actor=rights, case=case, note="调解成功", satisfaction="satisfied")
    case.refresh_from_db()
    assert case.state == ContactState.CLOSED and case.satisfaction == "satisfied"
    kinds = [e.kind for e in case_timeline(case=case)]
    for kind in ("process", "reply", "mediation", "legal_aid", "referral", "follow_up", "close"):
        assert kind in kinds
    page = client_for("city_rights").get(f"/cases/{case.pk}/").content.decode()
    assert "海陵派出所 反馈" in page and "已出具告诫书" in page
    with pytest.raises(ValidationError, match="已办结"):
        handling.follow_up_add(actor=rights, case=case, visited_on=TODAY, note="x")
        handling.mediation_add(actor=rights, case=case, held_on=TODAY, notes="x", outcome="agreed")


def test_only_handlers_record_handling(receive, user_named):
    case = receive()
    with pytest.raises(PermissionDenied):
        handling.legal_aid_add(
            actor=user_named("town_cadre"), case=case, kind="consultation", given_on=TODAY
        )


def test_a_future_date_is_refused_in_chinese(receive, user_named):
    case = receive()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        handling.mediation_add(
            actor=user_named("city_rights"),
            case=case,
            held_on=TODAY + datetime.timedelta(days=3),
            notes="x",
            outcome="agreed",
        )


def test_legal_aid_counts_and_on_time_rate_in_the_figures(receive, user_named):
    case = receive()
    rights = user_named("city_rights")
    services.case_reply(actor=rights, case=case, text="答复")
    handling.legal_aid_add(actor=rights, case=case, kind="case_taken", given_on=TODAY)
    figures = case_figures(viewer=rights, start=TODAY, end=TODAY)
    assert {r["label"]: r["n"] for r in figures["legal_aid"]}["代理案件"] >= 1
    assert figures["on_time_rate"] is not None
    assert figures["total"] >= 1


def test_the_woman_and_the_respondent_are_linked_to_the_registry(
    receive, id_number, my_village, client_for
):
    hers, his = id_number(), id_number(female=False)
    case = receive(
        id_number=hers,
        area=my_village,
        parties=[("respondent", "赵大军", his)],
    )
    assert case.woman is not None and case.woman.org == my_village
    party = Party.objects.get(case=case)
    assert party.person.name == "赵大军" and party.role == "respondent"
    # Found again by ID number next time, not registered twice.
    again = receive(id_number=hers, area=my_village)
    assert again.woman == case.woman
    assert Person.objects.filter(name="王小梅", org=my_village).count() == 1
    # The case shows on her page for the handler, not for the village neighbour.
    page = client_for("city_rights").get(f"/people/{case.woman.pk}/").content.decode()
    assert case.number in page


def test_a_wrong_id_check_digit_is_refused_in_chinese_and_writes_nothing(
    receive, id_number, my_village
):
    number = id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    before = (Case.objects.count(), Person.objects.count())
    with pytest.raises(ValidationError) as refused:
        receive(id_number=wrong, area=my_village)
    assert "校验" in str(refused.value)
    assert (Case.objects.count(), Person.objects.count()) == before


def test_a_bad_respondent_id_writes_nothing_halfway(receive, id_number, my_village):
    before = (Case.objects.count(), Person.objects.count())
    with pytest.raises(ValidationError, match="第1位关系人"):
        receive(id_number=id_number(), area=my_village, parties=[("respondent", "某", "123")])
    assert (Case.objects.count(), Person.objects.count()) == before


def test_the_intake_form_shows_chinese_errors_and_a_double_post_makes_one_case(
    client_for, category
):
    client = client_for("city_rights")
    form = client.get("/cases/new/").context["form"]
    token = form["form_token"].value()
    data = {
        "form_token": token,
        "channel": "visit",
        "category": category().pk,
        "name": "钱小云",
        "phone": "13800001111",
        "id_number": "110105194912310021",  # wrong check digit
        "summary": "要求调解",
    }
    bad = client.post("/cases/new/", data)
    assert bad.status_code == 200
    assert "校验" in bad.content.decode()
    data["id_number"] = ""
    before = Case.objects.count()
    first = client.post("/cases/new/", data)
    assert first.status_code == 302
    second = client.post("/cases/new/", data, follow=True)
    assert "该表单已经提交过，请勿重复提交" in second.content.decode()
    assert Case.objects.count() == before + 1


def test_the_hotline_form_records_a_call_answered_at_once(client_for, category):
    client = client_for("city_rights")
    token = client.get("/cases/hotline/").context["form"]["form_token"].value()
    response = client.post(
        "/cases/hotline/",
        {
            "form_token": token,
            "channel": "hotline",
            "category": category("labour").pk,
            "name": "来电人",
            "summary": "咨询产假天数",
            "answer_now": "江苏省产假为158天。",
        },
        follow=True,
    )
    assert "当场答复办结" in response.content.decode()
    case = Case.objects.latest("id")
    assert case.channel == "hotline" and case.state == ContactState.CLOSED


def test_actions_from_the_case_page(receive, client_for):
    case = receive()
    client = client_for("city_rights")
    response = client.post(f"/cases/{case.pk}/do/extend/", {"reason": ""}, follow=True)
    assert "延期须填写理由" in response.content.decode()
    client.post(f"/cases/{case.pk}/do/extend/", {"reason": "核实情况"})
    client.post(f"/cases/{case.pk}/do/reply/", {"text": "已答复"})
    client.post(
        f"/cases/{case.pk}/do/mediation/",
        {"held_on": TODAY.isoformat(), "outcome": "agreed", "notes": "达成协议"},
    )
    client.post(f"/cases/{case.pk}/do/close/", {"satisfaction": "satisfied", "note": "办结"})
    case.refresh_from_db()
    assert case.extension_reason == "核实情况"
    assert case.state == ContactState.CLOSED
    assert case.mediation_sessions.count() == 1


def test_a_child_is_added_as_a_party_from_the_case_page(receive, id_number, my_village, client_for):
    case = receive(id_number=id_number(), area=my_village)
    child = id_number(birth=datetime.date(2015, 3, 1))
    client = client_for("city_rights")
    response = client.post(
        f"/cases/{case.pk}/do/party/",
        {"role": "child", "name": "王小宝", "id_number": child},
        follow=True,
    )
    assert "已添加关系人" in response.content.decode()
    party = Party.objects.get(case=case, role="child")
    # Under 14: registered with her mother as guardian.
    assert party.person.relations.filter(relative=case.woman, is_guardian=True).exists()


def test_the_figures_page_counts_by_channel_category_org_and_month(client_for, receive):
    receive(channel="hotline")
    response = client_for("city_rights").get(
        "/cases/figures/", {"start": "2026-01-01", "end": TODAY.isoformat()}
    )
    figures = response.context["figures"]
    assert figures["total"] >= 1
    assert any(r["label"] == "12338热线" for r in figures["by_channel"])
    assert figures["by_category"] and figures["by_org"] and figures["by_month"]
