"""The public help form on a 390 × 844 phone: submit, get a code, look up the status."""

import re
import shutil

import pytest

from .test_phone_screens import ARTIFACTS, _fits_the_phone, _shot, browser, phone  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS.parent / "docs" / "screenshots"


def _keep(name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SCREENSHOTS / f"{name}.png")


def test_a_woman_asks_for_help_on_her_phone_and_follows_it_up(phone):  # noqa: F811
    page = phone
    page.goto(page.base_url + "/help/")
    assert _fits_the_phone(page)
    page.fill("input[name=name]", "李女士")
    page.fill("input[name=phone]", "13812349876")
    from fulian.orgs.models import Org

    page.select_option("select[name=area]", value=str(Org.objects.get(code="321202100000").pk))
    page.select_option("select[name=category]", label="家庭暴力")
    page.fill("textarea[name=summary]", "丈夫酒后打人，想咨询怎么办。")
    question = page.inner_text("label[for=id_answer]")
    a, b = map(int, re.findall(r"\d+", question)[:2])
    page.fill("input[name=answer]", str(a + b))
    _shot(page, "public-help-390")
    _keep("public-help-390")
    page.click("button:has-text('提交求助')")
    page.wait_for_selector("#follow-up-code")
    code = page.inner_text("#follow-up-code").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert _fits_the_phone(page)
    _shot(page, "public-help-code-390")
    _keep("public-help-code-390")

    page.click("text=查询办理进度")
    page.fill("input[name=code]", code)
    page.fill("input[name=phone_last4]", "9876")
    page.click("button:has-text('查询')")
    page.wait_for_selector("#help-status")
    status = page.inner_text("#help-status")
    assert "已受理" in status
    assert "李女士" not in page.content()
    assert _fits_the_phone(page)
    _shot(page, "public-help-status-390")
    _keep("public-help-status-390")

    # A wrong code shows only "not found".
    page.fill("input[name=code]", "AAAA-BBBB-CCCC")
    page.fill("input[name=phone_last4]", "9876")
    page.click("button:has-text('查询')")
    page.wait_for_selector("text=未查到")
    assert page.locator("#help-status").count() == 0


def test_the_rights_officer_handles_a_case_on_her_phone(phone):  # noqa: F811
    from fulian.cases.models import Case, ContactState

    from .test_phone_screens import _login

    page = phone
    _login(page, "city_rights")
    case = Case.objects.filter(org__code="321200000000", state=ContactState.REPLIED).first()
    page.goto(page.base_url + "/cases/")
    assert _fits_the_phone(page)
    # The list is long: the first screen is what she sees.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cases-list-390.png"))
    _keep("cases-list-390")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    assert _fits_the_phone(page)
    _shot(page, "case-detail-390")
    _keep("case-detail-390")
    for url, name in (("/cases/hotline/", "hotline-390"), ("/cases/figures/", "case-figures-390")):
        page.goto(page.base_url + url)
        assert _fits_the_phone(page), url
        _shot(page, name)
        _keep(name)
