"""Every demo user clicks through every link she can reach: no page answers 500."""

import re
from collections import deque

import pytest

from fulian.core.demo import DEMO_USERS

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/admin/", "/api/docs/", "/api/schema/", "/jsi18n/")


def crawl(client, start="/", limit=120):
    seen, queue, failures = set(), deque([start]), []
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP) or "export=" in url:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
            continue
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    return seen, failures


@pytest.mark.parametrize("username", [spec.username for spec in DEMO_USERS])
def test_no_reachable_page_fails(client_for, username):
    seen, failures = crawl(client_for(username))
    assert failures == []
    assert len(seen) > 5


def test_pages_also_render_in_english(client_for):
    client = client_for("city_chair")
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert "Inbox" in body or "inbox" in body.lower()
    _seen, failures = crawl(client, limit=60)
    assert failures == []
