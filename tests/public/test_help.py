"""The public help page: no account, a follow-up code, a status that leaks nothing."""

import pytest

from fulian.cases.models import Case, ContactState
from fulian.public import services

from .conftest import challenge

pytestmark = pytest.mark.django_db


def _submit(client, data):
    return client.post("/help/", {**data, **challenge(client)})


def test_the_form_gives_a_code_and_the_code_shows_the_status(anonymous, help_data):
    before = Case.objects.count()
    response = _submit(anonymous, help_data())
    assert response.status_code == 302
    done = anonymous.get(response["Location"])
    code = done.context["code"]
    assert len(code.replace("-", "")) >= 10
    case = Case.objects.latest("id")
    assert Case.objects.count() == before + 1
    assert case.channel == "online" and case.received_by is None
    assert case.org.code == "321202100000"  # 九龙镇, where a cadre handles cases
    assert case.public_code_hash and code.replace("-", "") not in case.public_code_hash
    # The code is shown once only.
    assert anonymous.get("/help/done/").context["code"] is None

    status = anonymous.post("/help/status/", {"code": code.lower(), "phone_last4": "9876"})
    assert status.status_code == 200
    assert status.context["result"] == "已受理，工作人员正在办理"
    text = status.content.decode()
    for secret in ("李女士", "13812349876", "丈夫", case.number, "九龙镇"):
        assert secret not in text


def test_the_towns_handler_sees_it_in_her_inbox_and_is_responsible(
    anonymous, help_data, client_for
):
    _submit(anonymous, help_data())
    case = Case.objects.latest("id")
    # 九龙镇 has one handler (town_cadre): the task is hers at once.
    assert case.responsible.username == "town_cadre"
    inbox = client_for("town_cadre").get("/inbox/").content.decode()
    assert case.number in inbox


def test_a_wrong_code_or_wrong_digits_leak_nothing(anonymous, help_data):
    _submit(anonymous, help_data())
    code = anonymous.get("/help/done/").context["code"]
    for attempt in (
        {"code": code, "phone_last4": "0000"},
        {"code": "ABCD-EFGH-JKMN", "phone_last4": "9876"},
        {"code": "x", "phone_last4": "9876"},
    ):
        response = anonymous.post("/help/status/", attempt)
        assert response.context["result"] is None
        body = response.content.decode()
        assert "未查到，请核对查询码和手机号后四位" in body
        assert "已受理" not in body and "办理中" not in body


def test_a_thousand_wrong_codes_get_throttled(anonymous, help_data):
    _submit(anonymous, help_data())
    code = anonymous.get("/help/done/").context["code"]
    statuses = [
        anonymous.post(
            "/help/status/", {"code": services.new_code(), "phone_last4": "9876"}
        ).status_code
        for _ in range(1000)
    ]
    assert statuses[: services.LOOKUP_FAILURES_PER_IP] == [200] * services.LOOKUP_FAILURES_PER_IP
    assert statuses[-1] == 429
    assert statuses.count(429) >= 1000 - services.LOOKUP_FAILURES_PER_IP
    # Once throttled even the right code is refused, so guessing gains nothing.
    refused = anonymous.post("/help/status/", {"code": code, "phone_last4": "9876"})
    assert refused.status_code == 429
    assert "查询失败次数过多" in refused.content.decode()


def test_many_addresses_together_are_throttled_too(help_data):
    from django.test import Client

    for n in range(services.LOOKUP_FAILURES_GLOBAL):
        client = Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
        client.post("/help/status/", {"code": services.new_code(), "phone_last4": "1234"})
    fresh = Client(REMOTE_ADDR="10.9.9.9")
    assert fresh.post(
        "/help/status/", {"code": "ABCDEFGHJKMN", "phone_last4": "1"}
    ).status_code in (
        200,
        429,
    )
    assert (
        fresh.post(
            "/help/status/", {"code": services.new_code(), "phone_last4": "1234"}
        ).status_code
        == 429
    )


def test_posting_the_form_twice_records_one_request(anonymous, help_data):
    data = {**help_data(), **challenge(anonymous)}
    before = Case.objects.count()
    assert anonymous.post("/help/", data).status_code == 302
    again = anonymous.post("/help/", data)
    assert again.status_code == 200
    assert "此表单已提交或已过期，请勿重复提交" in again.content.decode()
    assert Case.objects.count() == before + 1


def test_a_wrong_challenge_answer_writes_nothing(anonymous, help_data):
    before = Case.objects.count()
    data = {**help_data(), **challenge(anonymous)}
    data["answer"] = "99"
    response = anonymous.post("/help/", data)
    assert "验证题答案不正确" in response.content.decode()
    assert Case.objects.count() == before


def test_a_bad_phone_number_gets_a_clear_message(anonymous, help_data):
    before = Case.objects.count()
    response = _submit(anonymous, help_data(phone="12345"))
    assert response.status_code == 200
    assert "手机" in str(response.context["form"].errors["phone"])
    assert Case.objects.count() == before


def test_one_phone_may_submit_only_a_few_times_a_day(help_data):
    from django.test import Client

    for n in range(services.SUBMITS_PER_PHONE):
        client = Client(REMOTE_ADDR=f"10.1.1.{n + 1}")
        assert _submit(client, help_data()).status_code == 302
    client = Client(REMOTE_ADDR="10.1.1.99")
    refused = _submit(client, help_data())
    assert refused.status_code == 429
    assert "该手机号今天已提交多次" in refused.content.decode()


def test_one_address_may_submit_only_a_few_times_an_hour(anonymous, help_data):
    for n in range(services.SUBMITS_PER_IP):
        assert _submit(anonymous, help_data(phone=f"1391234{n:04d}")).status_code == 302
    assert _submit(anonymous, help_data(phone="13912349999")).status_code == 429


def test_a_robot_filling_the_hidden_field_records_nothing(anonymous, help_data):
    before = Case.objects.count()
    assert _submit(anonymous, help_data(website="http://spam")).status_code == 302
    assert Case.objects.count() == before


def test_status_follows_the_case(anonymous, help_data, user_named):
    from fulian.cases import services as case_services

    _submit(anonymous, help_data())
    code = anonymous.get("/help/done/").context["code"]
    case = Case.objects.latest("id")
    case_services.case_reply(actor=user_named("town_cadre"), case=case, text="已联系本人")
    assert Case.objects.get(pk=case.pk).state == ContactState.REPLIED
    status = anonymous.post("/help/status/", {"code": code, "phone_last4": "9876"})
    assert status.context["result"] == "已答复，工作人员正在跟进"
