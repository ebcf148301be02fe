"""Reports at phone width: a village chair fills the yearly report; a leader reads the
dashboard with its charts drawn (ECharts, vendored)."""

import shutil

import pytest

from tests.browser import test_phone_screens as screens
from tests.browser.test_phone_screens import ARTIFACTS, _fits_the_phone, _login, _shot

browser = screens.browser  # the shared fixtures: Debian chromium at 390 × 844
phone = screens.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _keep(name):
    docs = ARTIFACTS.parent / "docs" / "screenshots"
    if docs.exists():
        shutil.copy(ARTIFACTS / f"{name}.png", docs / f"{name}.png")


def test_the_dashboard_draws_its_charts_on_a_phone(phone):
    _login(phone, "city_chair")
    phone.goto(phone.base_url + "/reports/dashboard/")
    phone.wait_for_selector("#chart-compare svg")
    assert phone.locator("#chart-trend0 svg").count() == 1
    assert "村（社区）“两委”成员中女性比例" in phone.content()
    assert _fits_the_phone(phone)
    _shot(phone, "dashboard-390")
    _keep("dashboard-390")


def test_a_village_chair_opens_her_report_on_a_phone(phone):
    _login(phone, "village_chair")
    phone.goto(phone.base_url + "/reports/")
    assert _fits_the_phone(phone)
    phone.get_by_role("link", name="填报").first.click()
    phone.wait_for_selector("text=自动取数")
    assert _fits_the_phone(phone)
    _shot(phone, "report-entry-390")
    _keep("report-entry-390")
