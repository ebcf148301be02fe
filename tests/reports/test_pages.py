"""Report pages, API and Excel import, through the data scope."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fulian.reports.models import DataValue, Submission

pytestmark = pytest.mark.django_db


def entry_url(data_set, org, period):
    return reverse("reports:entry", args=[data_set.pk, org.pk, period])


def test_a_village_chair_fills_and_submits_from_the_form(
    client, reporter, fresh_village, building, this_year
):
    client.force_login(reporter)
    page = client.get(reverse("reports:entry_start", args=[building.pk]), follow=True)
    assert page.status_code == 200
    assert "自动取数" in page.content.decode()
    response = client.post(
        entry_url(building, fresh_village, this_year),
        {
            "action": "submit",
            "cell-vc_members": "7",
            "cell-vc_members_women": "3",
            "cell-women_home": "是",
            "cell-exec_members": "12",
        },
        follow=True,
    )
    assert "已报送" in response.content.decode()
    submission = Submission.objects.get(data_set=building, org=fresh_village, period=this_year)
    assert submission.state == "submitted"


def test_bad_input_on_the_form_says_why_and_writes_nothing(
    client, reporter, fresh_village, building, this_year
):
    client.force_login(reporter)
    response = client.post(
        entry_url(building, fresh_village, this_year),
        {"action": "save", "cell-vc_members": "7", "cell-exec_members": "七"},
    )
    assert response.status_code == 200
    assert "应为数字" in response.content.decode()
    assert "七" in response.content.decode()  # what she typed is still there to correct
    assert not DataValue.objects.filter(org=fresh_village, period=this_year).exists()


def test_the_neighbour_gets_404_for_another_villages_report(
    client_for, building, my_village, this_year
):
    client = client_for("village_chair2")
    assert client.get(entry_url(building, my_village, this_year)).status_code == 404
    url = reverse("reports:figures", args=[building.pk]) + f"?org={my_village.pk}"
    assert client.get(url).status_code == 404
    url = reverse("reports:completeness", args=[building.pk]) + f"?org={my_village.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:dashboard") + f"?org={my_village.pk}").status_code == 404
    api = client_for("village_chair2")
    rows = api.get("/api/v1/reports/values/", {"org": my_village.pk}).json()
    assert rows["count"] == 0 if isinstance(rows, dict) else rows == []


@pytest.mark.parametrize("username", ["city_chair", "county_cadre", "town_cadre", "village_chair"])
def test_report_pages_open_for_each_level(client_for, building, username):
    client = client_for(username)
    for name in ("reports:list", "reports:dashboard"):
        assert client.get(reverse(name)).status_code == 200
    for name in ("reports:completeness", "reports:figures"):
        assert client.get(reverse(name, args=[building.pk])).status_code == 200


def test_dashboard_queries_do_not_grow_with_the_tree(client_for, org_by_code):
    client = client_for("city_chair")
    city = org_by_code("321200000000")
    county = city.children.filter(kind="county").first()
    for org in (city, county):  # the first read builds the expected counts once
        client.get(reverse("reports:dashboard") + f"?org={org.pk}")
    with CaptureQueriesContext(connection) as city_queries:
        assert client.get(reverse("reports:dashboard") + f"?org={city.pk}").status_code == 200
    with CaptureQueriesContext(connection) as county_queries:
        client.get(reverse("reports:dashboard") + f"?org={county.pk}")
    assert len(city_queries) <= 50
    assert abs(len(city_queries) - len(county_queries)) <= 10


def test_figures_page_marks_unapproved_children_and_exports(client_for, building, this_year):
    client = client_for("county_cadre")
    page = client.get(reverse("reports:figures", args=[building.pk]) + f"?period={this_year}")
    assert "尚未审核" in page.content.decode()  # village_chair's report waits in 九龙镇
    export = client.get(
        reverse("reports:figures", args=[building.pk]) + f"?period={this_year}&export=xlsx"
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(row=2, column=1).value == "单位"
    assert sheet.max_row > 3


def test_each_dashboard_chart_exports_its_table(client_for):
    client = client_for("city_chair")
    response = client.get(reverse("reports:dashboard") + "?export=compare")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 3


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "values.xlsx"
    return out


def test_excel_import_checks_every_row_then_imports_all(
    client_for, building, fresh_village, town, this_year
):
    client = client_for("town_cadre")
    template = client.get(reverse("reports:import_template", args=[building.pk]))
    header = [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]
    assert header[:3] == ["单位代码", "单位名称", "报告期"]
    assert "新登记妇女群众数" not in header  # derived: never imported
    column = {name: i for i, name in enumerate(header)}
    good = [None] * len(header)
    good[column["单位代码"]] = fresh_village.code
    good[column["报告期"]] = this_year
    good[column["村（社区）“两委”成员数"]] = 8
    bad = list(good)
    bad[column["单位代码"]] = "999999999999"
    upload = reverse("reports:import", args=[building.pk])
    response = client.post(upload, {"file": _workbook([header, good, bad])})
    assert "不存在" in response.content.decode()
    confirm = reverse("reports:import_confirm", args=[building.pk])
    client.post(confirm)
    assert not DataValue.objects.filter(org=fresh_village, period=this_year).exists()
    response = client.post(upload, {"file": _workbook([header, good])})
    assert "检查通过" in response.content.decode()
    client.post(confirm)
    assert DataValue.objects.get(org=fresh_village, period=this_year).value == 8
    again = client.post(confirm, follow=True)  # posted twice: nothing more happens
    assert "没有待导入的文件" in again.content.decode()


def test_the_api_rolls_up_and_saves_through_the_service(
    api_client_for, reporter, fresh_village, building, this_year, org_by_code
):
    city = org_by_code("321200000000")
    chair = api_client_for("city_chair")
    totals = chair.get(
        "/api/v1/reports/figures/totals/",
        {"element": "exec_members", "org": city.pk, "period": this_year},
    ).json()
    assert totals["children"] and totals["value"] is not None
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(reporter)
    saved = client.post(
        "/api/v1/reports/values/",
        {
            "data_set": building.pk,
            "org": fresh_village.pk,
            "period": this_year,
            "values": {"people_new": "5"},
        },
        format="json",
    )
    assert saved.status_code == 400 and "不能手工填写" in str(saved.json())
    saved = client.post(
        "/api/v1/reports/values/",
        {
            "data_set": building.pk,
            "org": fresh_village.pk,
            "period": this_year,
            "values": {"exec_members": "13"},
        },
        format="json",
    )
    assert saved.status_code == 201
    after = chair.get(
        "/api/v1/reports/figures/totals/",
        {"element": "exec_members", "org": city.pk, "period": this_year},
    ).json()
    assert float(after["value"]) == float(totals["value"]) + 13
    completeness = chair.get(
        "/api/v1/reports/figures/completeness/",
        {"data_set": building.pk, "org": city.pk, "period": this_year},
    ).json()
    assert completeness["expected"] > completeness["submitted"] > 0


def test_defining_an_element_a_data_set_and_an_indicator(client_for, org_by_code):
    from fulian.reports.models import DataElement, DataSet, Indicator

    client = client_for("city_org")
    url = reverse("reports:definitions")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "element",
            "element-code": "towns_with_federation",
            "element-name": "乡镇妇联数",
            "element-value_type": "integer",
            "element-aggregation": "sum",
            "element-source": "orgs.federations:nowhere_kind_x",
        },
    )
    assert "不存在或参数不符" not in response.content.decode()  # the parameter is free text
    client.post(
        url,
        {
            "kind": "element",
            "element-code": "bad_source",
            "element-name": "坏来源",
            "element-value_type": "integer",
            "element-aggregation": "sum",
            "element-source": "no.such.source",
        },
    )
    assert not DataElement.objects.filter(code="bad_source").exists()
    city = org_by_code("321200000000")
    client.post(
        url,
        {
            "kind": "data_set",
            "data_set-code": "federations",
            "data_set-name": "乡镇妇联统计",
            "data_set-period_type": "yearly",
            "data_set-owner": city.pk,
            "data_set-deadline_days": "30",
            "data_set-reporting_kinds": ["county"],
            "data_set-element_list": [DataElement.objects.get(code="exec_members").pk],
        },
    )
    assert DataSet.objects.get(code="federations").owner == city
    response = client.post(
        url,
        {
            "kind": "indicator",
            "indicator-code": "bad",
            "indicator-name": "坏公式",
            "indicator-numerator": "__import__('os')",
            "indicator-denominator": "1",
            "indicator-factor": "100",
            "indicator-unit": "%",
        },
    )
    assert "不允许" in response.content.decode()
    assert not Indicator.objects.filter(code="bad").exists()
    assert (
        client_for("village_chair")
        .post(
            url,
            {
                "kind": "data_set",
                "data_set-code": "x",
                "data_set-name": "x",
                "data_set-period_type": "yearly",
                "data_set-owner": city.pk,
                "data_set-deadline_days": "30",
                "data_set-reporting_kinds": ["county"],
                "data_set-element_list": [DataElement.objects.get(code="exec_members").pk],
            },
        )
        .status_code
        == 200
    )
    assert not DataSet.objects.filter(code="x").exists()
