"""Official documents on a phone (390 × 844): the chairwoman signs from her inbox, a
department signs the circulation slip. Screenshots go to test-artifacts/."""

import pytest

from tests.browser.test_phone_screens import (  # noqa: F401 — fixtures
    _fits_the_phone,
    _login,
    _shot,
    browser,
    phone,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chairwoman_signs_an_outgoing_document_from_her_inbox(phone):  # noqa: F811
    _login(phone, "city_chair")
    phone.goto(phone.base_url + "/inbox/")
    card = phone.locator(".card", has_text="最美家庭").first
    card.wait_for()
    assert "主席签发" in card.inner_text()
    assert _fits_the_phone(phone)
    _shot(phone, "inbox-sign-390")
    card.locator("textarea[name=comment]").fill("同意，签发")
    card.locator("button[value=approve]").click()
    phone.wait_for_selector("text=已办理")
    phone.goto(phone.base_url + "/office/outgoing/?q=最美家庭")
    phone.locator("a", has_text="最美家庭").first.click()
    phone.wait_for_selector("text=下载正式文件")
    assert "泰妇字〔2026〕" in phone.content()
    assert _fits_the_phone(phone)
    _shot(phone, "outgoing-signed-390")


def test_a_department_signs_the_circulation_slip_on_a_phone(phone):  # noqa: F811
    _login(phone, "city_rights")
    phone.goto(phone.base_url + "/office/incoming/?q=监测数据")
    phone.locator("a", has_text="监测数据").first.click()
    phone.wait_for_selector("text=文件处理签")
    assert _fits_the_phone(phone)
    _shot(phone, "incoming-slip-390")
    phone.fill("input[name=comment]", "已阅，权益部负责报送")
    phone.click("button:has-text('签阅')")
    phone.wait_for_selector("text=已签阅")
    assert "已阅，权益部负责报送" in phone.content()
    assert _fits_the_phone(phone)
    _shot(phone, "incoming-slip-signed-390")


def test_document_lists_and_an_archive_entry_fit_a_phone(phone):  # noqa: F811
    _login(phone, "city_office")
    for path, name in (
        ("/office/incoming/", "incoming-list-390"),
        ("/office/documents/?year=2026", "documents-search-390"),
        ("/office/archives/", "archives-390"),
        ("/office/incoming/new/", "incoming-form-390"),
    ):
        phone.goto(phone.base_url + path)
        assert _fits_the_phone(phone), path
        _shot(phone, name)
    phone.goto(phone.base_url + "/office/archives/")
    phone.locator("td a").first.click()
    phone.wait_for_selector("text=借阅登记")
    assert _fits_the_phone(phone)
    _shot(phone, "archive-entry-390")
