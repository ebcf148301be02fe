"""The pages: registration posted twice, the slip for each hand, lending forms, the inbox."""

import datetime as dt

import pytest

from fulian.office.models import ArchiveEntry, ArchiveLoan, IncomingDocument, OutgoingDocument

pytestmark = pytest.mark.django_db


def test_registration_posted_twice_is_refused_with_a_clear_message(client_for, user_named):
    client = client_for("city_office")
    rights = user_named("city_rights").positions.get().org
    form = {
        "source_org": "江苏省妇女联合会",
        "source_number": "苏妇字〔2026〕99号",
        "title": "关于开展妇女议事会工作的通知",
        "received_on": "2026-11-02",
        "pages": "2",
        "departments": [rights.pk],
        "leaders": [user_named("city_chair").pk],
    }
    first = client.post("/office/incoming/new/", form)
    assert first.status_code == 302
    before = IncomingDocument.objects.count()
    again = client.post("/office/incoming/new/", form)
    assert again.status_code == 200
    assert "请勿重复登记" in again.content.decode()
    assert IncomingDocument.objects.count() == before


def test_the_slip_lets_each_hand_act_in_turn(client_for, user_named):
    document = IncomingDocument.objects.get(title="关于联合开展家庭教育宣传周活动的函")
    url = f"/office/incoming/{document.pk}/"
    head = client_for("city_office_head")
    page = head.get(url).content.decode()
    assert "文件处理签" in page and "提交拟办意见" in page
    org_dept = user_named("city_org").positions.get().org
    response = head.post(
        url,
        {"form": "propose", "proposal": "请组织宣传部阅办。", "departments": [org_dept.pk]},
    )
    assert response.status_code == 302
    reader = client_for("city_org")
    assert "签阅" in reader.get(url).content.decode()
    assert reader.post(url, {"form": "sign", "comment": "已阅，照办"}).status_code == 302
    assert "已阅，照办" in reader.get(url).content.decode()
    assert client_for("village_chair2").get(url).status_code == 404


def test_the_inbox_shows_the_signing_and_the_circulation(client_for):
    chair = client_for("city_chair").get("/inbox/").content.decode()
    assert "主席签发" in chair and "最美家庭" in chair
    rights = client_for("city_rights").get("/inbox/").content.decode()
    assert "部室传阅" in rights


def test_external_lending_without_a_letter_writes_nothing(client_for):
    entry = ArchiveEntry.objects.filter(loans__returned_on__isnull=False).first()
    before = ArchiveLoan.objects.count()
    page = client_for("city_office").post(
        f"/office/archives/{entry.pk}/",
        {
            "form": "external",
            "borrower_org": "泰州市档案馆",
            "borrower_name": "钱明",
            "purpose": "查阅",
            "due_on": (dt.date.today() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert "外单位借阅必须附单位介绍信" in page.content.decode()
    assert ArchiveLoan.objects.count() == before


def test_proofreading_from_the_document_page(client_for, user_named):
    document = OutgoingDocument.objects.get(title="关于举办全市妇联干部培训班的通知")
    client = client_for("city_org")
    url = f"/office/outgoing/{document.pk}/"
    assert "校对完毕" in client.get(url).content.decode()
    response = client.post(url, {"form": "proofread", "proofreader": user_named("city_org").pk})
    assert response.status_code == 302
    assert document.archive_copies.count() == 3


@pytest.mark.parametrize(
    "url",
    [
        "/office/documents/?year=2026",
        "/office/archives/checklist/?year=2026",
        "/office/archives/loans/",
        "/api/v1/office/outgoing/",
        "/api/v1/office/archives/",
        "/api/v1/office/loans/",
    ],
)
def test_pages_answer_for_the_office_and_the_neighbour(url, client_for):
    assert client_for("city_office").get(url).status_code == 200
    assert client_for("village_chair2").get(url).status_code in (200, 403)


def test_the_api_is_in_the_schema_and_signs_the_circulation(client_for, api_client_for):
    schema = client_for("admin").get("/api/schema/").content.decode()
    for path in ("/api/v1/office/incoming/", "/api/v1/office/archives/", "/api/v1/office/loans/"):
        assert path in schema
    assert "/api/v1/office/incoming/{id}/sign/" in schema
    api = api_client_for("city_rights")
    rows = api.get("/api/v1/office/incoming/", {"q": "监测数据"}).json()
    document = (rows["results"] if isinstance(rows, dict) else rows)[0]
    signed = api.post(f"/api/v1/office/incoming/{document['id']}/sign/", {"comment": "已阅"})
    assert signed.status_code == 200, signed.content
    again = api.post(f"/api/v1/office/incoming/{document['id']}/sign/", {})
    assert again.status_code == 400 and "没有等待您办理" in again.content.decode()
    assert (
        api_client_for("village_chair2")
        .get(f"/api/v1/office/incoming/{document['id']}/")
        .status_code
        == 404
    )
