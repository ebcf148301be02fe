"""Login, lockout, passwords, sessions and tokens."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from fulian.accounts import services
from fulian.accounts.passwords import CharacterClassValidator
from fulian.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(user_named):
    assert user_named("city_chair").password.startswith("argon2")


def test_login_and_failed_login_are_audited(client, demo_password):
    login(client, "city_chair", "wrong-password")
    response = login(client, "city_chair", demo_password)
    assert response.status_code == 302
    actions = list(
        AuditEvent.objects.filter(actor_name="city_chair").values_list("action", flat=True)
    )
    assert AuditEvent.Action.LOGIN in actions and AuditEvent.Action.LOGIN_FAILED in actions


def test_wrong_password_says_so_in_chinese(client):
    response = login(client, "city_chair", "nope")
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, demo_password):
    for _ in range(5):
        login(client, "town_cadre", "wrong-password")
    response = login(Client(), "town_cadre", demo_password)
    assert response.status_code in (403, 429)
    assert "锁定" in response.content.decode()


def test_disabling_a_user_ends_her_open_session(client_for, user_named):
    chair_client = client_for("village_chair")
    assert chair_client.get("/").status_code == 200
    services.user_set_active(
        actor=user_named("county_cadre"), user=user_named("village_chair"), active=False
    )
    response = chair_client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_disabling_a_user_revokes_her_api_token(client, demo_password, user_named):
    token = client.post(
        "/api/v1/auth/token/", {"username": "village_chair", "password": demo_password}
    ).json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/orgs/").status_code == 200
    services.user_set_active(
        actor=user_named("county_cadre"), user=user_named("village_chair"), active=False
    )
    assert api.get("/api/v1/orgs/").status_code == 401


def test_token_endpoint_gives_a_token_for_username_and_password(client, demo_password):
    response = client.post(
        "/api/v1/auth/token/", {"username": "city_chair", "password": demo_password}
    )
    assert response.status_code == 200 and len(response.json()["token"]) >= 20
    bad = client.post("/api/v1/auth/token/", {"username": "city_chair", "password": "x"})
    assert bad.status_code == 400


def test_session_idles_out_after_thirty_minutes_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_strict_password_rule_needs_three_character_classes():
    validator = CharacterClassValidator(classes=3)
    with pytest.raises(ValidationError):
        validator.validate("abcdefgh1")
    validator.validate("Abcdefgh1")


def test_short_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("Ab1!")


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_must_be_changed_first(client_for, user_named):
    user = user_named("city_office")
    user.password_changed_at = user.password_changed_at.replace(year=2020)
    user.save(update_fields=["password_changed_at"])
    response = client_for("city_office").get("/orgs/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


def test_changing_her_own_password_needs_the_old_one(user_named):
    user = user_named("city_office")
    with pytest.raises(ValidationError):
        services.user_change_password(
            actor=user, user=user, old_password="wrong", new_password="Another@2026"
        )


def test_a_page_needs_a_login(client):
    response = client.get("/orgs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_navigation_shows_only_what_she_may_use(client_for):
    village = client_for("village_chair").get("/").content.decode()
    admin = client_for("admin").get("/").content.decode()
    assert "审计日志" not in village and "审计日志" in admin
