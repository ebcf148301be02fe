"""The data scope: nobody sees past her positions, in any page, API, count or export."""

import io
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fulian.accounts.models import Position, User
from fulian.accounts.scope import filter_queryset, scope_for
from fulian.api_urls import router
from fulian.orgs.models import Org, OrgKind
from fulian.orgs.selectors import orgs_visible_to

pytestmark = pytest.mark.django_db


def test_village_chair_counts_only_her_own_village(user_named, my_village):
    chair = user_named("village_chair")
    visible = orgs_visible_to(viewer=chair)
    assert list(visible) == [my_village]
    assert visible.count() == 1


def test_town_cadre_sees_her_towns_villages_and_no_other_town(user_named, org_by_code):
    cadre = user_named("town_cadre")
    town = org_by_code("321202100000")  # 九龙镇
    other_town = org_by_code("321202101000")  # 罡杨镇, same county
    visible = orgs_visible_to(viewer=cadre)
    villages = set(visible.filter(kind=OrgKind.VILLAGE).values_list("pk", flat=True))
    assert villages == set(
        Org.objects.filter(parent=town, kind=OrgKind.VILLAGE).values_list("pk", flat=True)
    )
    assert villages
    assert not visible.filter(path__startswith=other_town.path).exists()
    assert not visible.filter(pk=town.parent_id).exists()


def test_the_city_sees_every_org_of_the_city(user_named, org_by_code):
    city = org_by_code("321200000000")
    for username in ("city_chair", "city_vice", "city_office", "city_rights"):
        visible = orgs_visible_to(viewer=user_named(username))
        assert visible.count() == Org.objects.filter(path__startswith=city.path).count()


def test_department_staff_scope_is_anchored_at_her_federation(user_named, org_by_code):
    office = user_named("city_office")
    scope = scope_for(office, "orgs.view_org")
    assert scope.covers_org(org_by_code("321200000000"))
    assert not scope.covers_org(org_by_code("320000000000"))


def test_scope_is_the_union_over_current_positions(user_named, other_village):
    chair = user_named("village_chair")
    role = chair.positions.get().role
    Position.objects.create(user=chair, org=other_village, role=role)
    chair = User.objects.get(pk=chair.pk)  # fresh: scope caches live on the object
    assert orgs_visible_to(viewer=chair).count() == 2


def test_an_ended_position_gives_no_scope(user_named, my_village):
    chair = user_named("village_chair")
    position = chair.positions.get()
    position.end_date = position.start_date
    position.start_date = position.start_date.replace(year=position.start_date.year - 1)
    position.end_date = position.start_date
    position.save()
    chair = User.objects.get(pk=chair.pk)
    assert orgs_visible_to(viewer=chair).count() == 0


def test_scope_filter_is_an_orm_filter_on_the_path(user_named):
    sql = str(filter_queryset(Org.objects.all(), user_named("town_cadre"), "orgs.view_org").query)
    assert "path" in sql and "LIKE" in sql.upper()


# --- pages --------------------------------------------------------------------------


def test_village_chair_gets_404_for_the_neighbour_village_pages(
    client_for, other_village, user_named
):
    client = client_for("village_chair")
    neighbour = user_named("village_chair2")
    for url in [
        f"/orgs/{other_village.pk}/",
        f"/orgs/{other_village.pk}/children/",
        f"/accounts/users/{neighbour.pk}/",
    ]:
        assert client.get(url).status_code == 404, url


def test_missing_and_out_of_scope_ids_answer_the_same(client_for, other_village):
    client = client_for("village_chair")
    hidden = client.get(f"/orgs/{other_village.pk}/")
    missing = client.get("/orgs/99999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_village_chair_lists_and_searches_never_show_the_neighbour(
    client_for, other_village, user_named
):
    client = client_for("village_chair")
    neighbour = user_named("village_chair2")
    pages = [
        client.get("/orgs/search/", {"q": other_village.name}),
        client.get("/orgs/search/", {"q": other_village.code}),
        client.get("/orgs/"),
        client.get("/accounts/users/"),
        client.get("/accounts/users/", {"username": "village_chair2"}),
    ]
    for response in pages:
        # The search box echoes what she typed; the results start at the list rows.
        body = response.content.decode().split('id="list-rows"', 1)[-1]
        assert response.status_code == 200
        assert other_village.name not in body
        assert neighbour.full_name not in body


def _xlsx_text(response) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return " ".join(str(c) for row in workbook.active.iter_rows(values_only=True) for c in row)


def test_village_chair_exports_contain_only_her_scope(
    client_for, other_village, my_village, user_named
):
    client = client_for("village_chair")
    orgs = _xlsx_text(client.get("/orgs/search/", {"export": "xlsx"}))
    assert my_village.name in orgs and other_village.name not in orgs
    users = _xlsx_text(client.get("/accounts/users/", {"export": "xlsx"}))
    assert "village_chair2" not in users and "village_chair" in users


# --- API ----------------------------------------------------------------------------


def test_api_lists_and_counts_respect_the_scope(api_client_for, other_village, my_village):
    client = api_client_for("village_chair")
    orgs = client.get("/api/v1/orgs/").json()
    assert orgs["count"] == 1 and orgs["results"][0]["id"] == my_village.pk
    users = client.get("/api/v1/users/").json()
    assert {u["username"] for u in users["results"]} == {"village_chair"}
    positions = client.get("/api/v1/positions/").json()
    assert {p["org"] for p in positions["results"]} == {my_village.pk}


def _detail_routes():
    """Every API route that takes an object id, from the router itself."""
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif (
                isinstance(p, URLPattern)
                and "<pk>" in str(p.pattern)
                and ".(?P<format>" not in str(p.pattern)
                and "\\.(?P" not in str(p.pattern)
            ):
                routes.append((prefix + str(p.pattern), p.callback))

    walk(router.urls)
    return routes


def test_every_api_detail_route_answers_404_for_out_of_scope_ids(api_client_for, user_named):
    import datetime

    from fulian.notifications.services import notify
    from fulian.office.leave import leave_submit

    # Rows that exist but are not hers: a leave task and another user's notification.
    day = datetime.date(2026, 12, 2)
    leave_submit(
        actor=user_named("city_office"),
        kind="personal",
        start_date=day,
        start_half="am",
        end_date=day,
        end_half="pm",
        reason="事假",
    )
    notify(
        recipient=user_named("city_chair"),
        kind="task_urged",
        context={"subject": "测试", "sender": "张丽", "due_date": "2026-12-03"},
    )
    chair = user_named("village_chair")
    client = api_client_for("village_chair")
    routes = _detail_routes()
    assert len(routes) >= 4  # orgs, orgs/coverage, users, positions
    for pattern, callback in routes:
        viewset = callback.cls
        if getattr(viewset, "unscoped_reason", ""):
            continue  # shared definitions (report elements …), the same for everyone
        model = viewset.serializer_class.Meta.model
        view = viewset()
        view.request = SimpleNamespace(user=chair, query_params={})
        view.action, view.kwargs, view.format_kwarg = "retrieve", {}, None
        visible = view.get_queryset().values_list("pk", flat=True)
        hidden = model.objects.exclude(pk__in=list(visible)).order_by("pk").first()
        assert hidden is not None, pattern
        url = "/api/v1/" + re.sub(
            r"\(\?P<pk>[^)]*\)", str(hidden.pk), pattern.lstrip("^").rstrip("$")
        )
        method = "get" if "get" in callback.actions else next(iter(callback.actions))
        send = getattr(client, method)
        response = send(url, {"field": "id_number"} if method == "post" else None)
        assert response.status_code == 404, (url, response.status_code)
        missing = url.replace(f"/{hidden.pk}/", "/99999999/")
        assert (
            send(missing, {"field": "id_number"} if method == "post" else None).status_code == 404
        )


def test_every_page_detail_route_answers_404_for_out_of_scope_ids(
    client_for, other_village, user_named
):
    """Walk the page URLs that take a pk: orgs use the neighbour village, users her chair."""
    client = client_for("town_cadre")
    ids = {"orgs": other_village.pk, "accounts": user_named("village_chair2").pk}
    checked = 0
    for namespace in ("orgs", "accounts"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for pattern in resolver.url_patterns:
            if "<int:pk>" not in str(pattern.pattern):
                continue
            url = f"/{namespace}/" + str(pattern.pattern).replace("<int:pk>", str(ids[namespace]))
            response = (
                client.post(url) if "toggle" in url or "positions" in url else client.get(url)
            )
            assert response.status_code in (403, 404), (url, response.status_code)
            checked += 1
    assert checked >= 7
