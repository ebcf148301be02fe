"""Phone-width checks in Debian's chromium, driven by Playwright (never a downloaded browser).

A village chair works on a 390 × 844 phone: the pages must fit without sideways
scrolling, and the tree must open nodes on a tap. Screenshots land in
test-artifacts/ for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

from fulian.core.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    executable = _chromium()
    if executable is None:
        if os.environ.get("FULIAN_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is required: apt-get install chromium")
        pytest.skip("chromium not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def phone(browser, live_server):
    seed_demo()  # the live server's database is emptied after each browser test
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def test_login_page_fits_a_phone_and_signs_in(phone):
    phone.goto(phone.base_url + "/accounts/login/")
    assert phone.locator("h1").inner_text() == "妇联工作平台"
    assert phone.locator("button[type=submit]").is_visible()
    assert _fits_the_phone(phone)
    _shot(phone, "login-390")
    phone.fill("input[name=username]", "town_cadre")
    phone.fill("input[name=password]", "wrong")
    phone.click("button[type=submit]")
    assert "用户名或密码不正确" in phone.content()
    _login(phone, "town_cadre")
    assert "吴燕" in phone.content()


def test_org_tree_opens_nodes_on_a_tap_at_phone_width(phone):
    _login(phone, "county_cadre")
    phone.goto(phone.base_url + "/orgs/")
    # The root of her scope opens by itself; its towns are loaded on demand.
    phone.wait_for_selector("text=九龙镇妇联")
    phone.locator("li:has(> a.node-name:text-is('九龙镇妇联')) > button.toggle").click()
    phone.wait_for_selector("text=九龙镇巾帼志愿服务队")
    assert _fits_the_phone(phone)
    assert "兴化市" not in phone.content()  # another county is outside her scope
    _shot(phone, "org-tree-390")


def test_side_menu_opens_on_a_phone(phone):
    _login(phone, "city_chair")
    assert "组建率" in phone.content()
    assert _fits_the_phone(phone)
    _shot(phone, "home-390")
    phone.click("button.navbar-toggler")
    phone.wait_for_selector("#sidenav.show")
    assert phone.locator("#sidenav").get_by_text("组织网络").is_visible()
    _shot(phone, "menu-390")


def test_lists_fit_a_phone(phone):
    _login(phone, "city_chair")
    for name, path in [("users-390", "/accounts/users/"), ("org-search-390", "/orgs/search/")]:
        phone.goto(phone.base_url + path)
        assert _fits_the_phone(phone), path
        _shot(phone, name)


def test_a_person_is_found_and_her_id_number_revealed_on_a_phone(phone):
    from fulian.people.models import Person

    _login(phone, "city_rights")
    person = Person.objects.exclude(id_number="").exclude(phone="").order_by("pk").first()
    phone.goto(phone.base_url + "/people/")
    _shot(phone, "people-search-390")
    phone.fill("input[name=q]", person.id_number)
    phone.click("form[action='/people/'] button")
    phone.wait_for_url(f"{phone.base_url}/people/{person.pk}/")
    assert person.id_number not in phone.content()
    assert _fits_the_phone(phone)
    phone.locator("#reveal-id_number button").click()
    phone.wait_for_selector(f"text={person.id_number}")
    _shot(phone, "person-390")


def _logout(page):
    page.context.clear_cookies()


def test_a_two_day_leave_is_approved_from_the_inbox_on_a_phone(phone):
    _login(phone, "city_office")
    phone.goto(phone.base_url + "/office/leave/new/")
    phone.select_option("select[name=kind]", "personal")
    phone.fill("input[name=start_date]", "2026-12-07")
    phone.fill("input[name=end_date]", "2026-12-08")
    phone.fill("textarea[name=reason]", "回老家办事")
    _shot(phone, "leave-form-390")
    phone.click("form button.btn-fulian")
    phone.wait_for_selector("text=已提交，共 2 个工作日")
    for approver in ("city_vice", "city_chair"):
        _logout(phone)
        _login(phone, approver)
        phone.goto(phone.base_url + "/inbox/")
        card = phone.locator(".card", has_text="张丽的事假申请（2天）")
        assert card.count() == 1
        assert _fits_the_phone(phone)
        _shot(phone, f"inbox-{approver}-390")
        card.locator("button[value=approve]").click()
        phone.wait_for_selector("text=已办理")
    _logout(phone)
    _login(phone, "city_office")
    assert phone.locator(".notification-bell .badge").count() == 1
    phone.goto(phone.base_url + "/notifications/")
    assert "审批通过" in phone.content()
    _shot(phone, "notifications-390")
