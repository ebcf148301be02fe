"""Outgoing documents: check → review → sign, numbered at signing, every version kept."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError

from fulian.office.outgoing import outgoing_docx, outgoing_draft, outgoing_revise
from fulian.workflow import engine
from fulian.workflow.models import ProcessState

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "关于开展2027年“三八”节系列活动的通知",
    "main_recipients": "各县（市、区）妇联，市妇联各部室：",
    "body": "为庆祝“三八”国际妇女节，现就有关事项通知如下。\n一、活动时间……",
    "attachments_note": "活动安排表",
}


def step(document, username, user_named, action="approve", comment=""):
    task = document.process.tasks.get(state="open")
    assert task.assignee.username == username, task.step_name
    engine.act(task=task, actor=user_named(username), action=action, comment=comment)
    document.refresh_from_db()


def test_the_chain_numbers_the_document_only_at_signing(user_named):
    document = outgoing_draft(actor=user_named("city_rights"), **FIELDS)
    step(document, "city_office_head", user_named)  # 办公室核稿
    step(document, "city_vice", user_named)  # 分管领导审核
    assert document.number is None
    step(document, "city_chair", user_named)  # 主席签发
    assert document.process.state == ProcessState.APPROVED
    assert document.number.text.startswith("泰妇字〔") and document.number.text.endswith("号")
    word = docx.Document(io.BytesIO(outgoing_docx(document)))
    assert any(p.text == document.number.text for p in word.paragraphs)


def test_a_returned_draft_is_revised_as_a_new_version_and_checked_again(user_named):
    rights = user_named("city_rights")
    document = outgoing_draft(actor=rights, **FIELDS)
    step(document, "city_office_head", user_named)
    step(document, "city_vice", user_named, action="return", comment="请补充活动经费来源")
    assert document.process.state == ProcessState.RETURNED
    outgoing_revise(actor=rights, document=document, body=FIELDS["body"] + "\n二、经费……")
    assert [v.version for v in document.versions.all()] == [1, 2]
    document.process.refresh_from_db()
    assert document.process.tasks.get(state="open").assignee.username == "city_office_head"


def test_no_print_before_signing_and_no_empty_draft(user_named):
    document = outgoing_draft(actor=user_named("city_rights"), **FIELDS)
    with pytest.raises(ValidationError, match="签发编号后"):
        outgoing_docx(document)
    with pytest.raises(ValidationError, match="正文"):
        outgoing_draft(actor=user_named("city_rights"), **{**FIELDS, "body": " "})


def test_the_pages_draft_show_and_download(client_for, user_named):
    client = client_for("city_rights")
    response = client.post("/office/outgoing/new/", FIELDS)
    assert response.status_code == 302
    from fulian.office.models import OutgoingDocument

    document = OutgoingDocument.objects.get(title=FIELDS["title"])
    assert FIELDS["title"] in client.get(f"/office/outgoing/{document.pk}/").content.decode()
    assert FIELDS["title"] in client.get("/office/outgoing/").content.decode()
    assert client_for("village_chair").get(f"/office/outgoing/{document.pk}/").status_code == 404
    for username in ("city_office_head", "city_vice", "city_chair"):
        step(document, username, user_named)
    download = client.get(f"/office/outgoing/{document.pk}/docx/")
    assert download["Content-Type"].endswith("wordprocessingml.document")
