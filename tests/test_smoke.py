import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/orgs/",
    "/orgs/search/",
    "/accounts/users/",
    "/audit/",
    "/holidays/",
    "/orgs/import/",
    "/accounts/password/",
    "/api/docs/",
    "/api/schema/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_for_the_administrator(client_for, url):
    response = client_for("admin").get(url)
    assert response.status_code == 200, response.content[:500]


def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "妇联工作平台" in response.content.decode()
    assert "用户名" in response.content.decode()


PEOPLE_PAGES = ["/people/", "/people/?tag=1", "/people/new/", "/people/merge/", "/people/tags/"]


@pytest.mark.parametrize("url", PEOPLE_PAGES)
def test_every_people_page_answers_for_the_administrator(client_for, url):
    response = client_for("admin").get(url)
    assert response.status_code == 200, response.content[:500]
