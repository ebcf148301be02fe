"""Incoming documents: register → 拟办 → 批示 → 传阅 → back to the office; secrets stay secret."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fulian.notifications.models import Notification
from fulian.office import incoming, selectors
from fulian.office.incoming import NewActionItem, Registration
from fulian.office.models import IncomingDocument
from fulian.workflow import deadlines, engine
from fulian.workflow.models import ProcessState, TaskState

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(user_named):
    def get(*names):
        office = user_named("city_office").positions.get().org
        return [office.parent.children.get(name=name) for name in names]

    return get


def register(user_named, deps, *, title="关于做好2026年度妇女儿童工作的通知", **extra):
    reg = Registration(
        source_org="江苏省妇女联合会",
        source_number=extra.pop("source_number", "苏妇字〔2026〕8号"),
        title=title,
        received_on=dt.date(2026, 3, 2),
        pages=4,
        secrecy=extra.pop("secrecy", ""),
        urgency=extra.pop("urgency", ""),
    )
    return incoming.incoming_register(
        actor=user_named("city_office"),
        registration=reg,
        departments=extra.pop("departments", deps("权益部", "组织宣传部")),
        leaders=extra.pop("leaders", [user_named("city_chair")]),
        **extra,
    )


def open_readers(document):
    return sorted(t.assignee.username for t in document.process.tasks.filter(state=TaskState.OPEN))


def test_the_whole_chain_in_order_returns_to_the_office(user_named, departments):
    document = register(user_named, departments, in_order=True)
    assert document.receipt_number.text.startswith("泰收〔2026〕")
    assert open_readers(document) == ["city_office_head"]
    incoming.incoming_propose(
        actor=user_named("city_office_head"),
        document=document,
        proposal="请王主席阅示，权益部、组织宣传部阅办。",
        leaders=[user_named("city_chair")],
        departments=departments("权益部", "组织宣传部"),
        in_order=True,
    )
    assert open_readers(document) == ["city_chair"]
    incoming.incoming_instruct(
        actor=user_named("city_chair"), document=document, instruction="请权益部牵头落实。"
    )
    # In order: 权益部 first, then 组织宣传部 only after 权益部 signed.
    assert open_readers(document) == ["city_rights"]
    incoming.incoming_sign(actor=user_named("city_rights"), document=document)
    assert open_readers(document) == ["city_org"]
    incoming.incoming_sign(actor=user_named("city_org"), document=document, comment="已阅，照办")
    assert open_readers(document) == ["city_office"]  # back to the office
    incoming.incoming_sign(actor=user_named("city_office"), document=document)
    document.process.refresh_from_db()
    assert document.process.state == ProcessState.APPROVED
    assert incoming.incoming_state(document) == "已办结，待归档"


def test_parallel_circulation_reaches_every_department_at_once(user_named, departments):
    document = register(
        user_named, departments, title="并行传阅的通知", source_number="苏妇字〔2026〕9号"
    )
    incoming.incoming_propose(
        actor=user_named("city_office_head"),
        document=document,
        proposal="各部室阅。",
        departments=departments("权益部", "组织宣传部"),
    )
    assert open_readers(document) == ["city_org", "city_rights"]
    incoming.incoming_sign(actor=user_named("city_org"), document=document)
    assert open_readers(document) == ["city_rights"]


def test_an_urgent_document_goes_out_at_once(user_named, departments):
    document = register(
        user_named,
        departments,
        title="紧急通知",
        source_number="苏妇字〔2026〕10号",
        urgency="特急",
    )
    # No 拟办, no waiting for 批示: the leader and both departments have it now.
    assert open_readers(document) == ["city_chair", "city_org", "city_rights"]


def test_a_secret_document_is_invisible_outside_its_circulation_scope(
    user_named, departments, client_for
):
    document = register(
        user_named,
        departments,
        title="机密来文：某专项工作部署",
        source_number="苏妇密〔2026〕1号",
        secrecy="机密",
        departments=departments("权益部"),
    )
    inside = ("city_office", "city_office_head", "city_rights", "city_chair")
    for name in inside:
        assert (
            selectors.incoming_visible_to(viewer=user_named(name)).filter(pk=document.pk).exists()
        )
    # 组织宣传部 is outside; the vice chair and the administrator too, whatever their role.
    for name in ("city_org", "city_vice", "admin", "village_chair2"):
        viewer = user_named(name)
        assert not selectors.incoming_visible_to(viewer=viewer).filter(pk=document.pk).exists()
        client = client_for(name)
        assert client.get(f"/office/incoming/{document.pk}/").status_code == 404
        page = client.get("/office/incoming/", {"q": "机密来文"}).content.decode()
        assert "某专项工作部署" not in page
        search = client.get("/office/documents/", {"q": "专项工作"}).content.decode()
        assert "某专项工作部署" not in search
        export = client.get("/office/incoming/", {"export": "xlsx"})
        assert export.status_code == 200 and "某专项工作部署".encode() not in _xlsx_text(export)
        api = client.get("/api/v1/office/incoming/")
        assert "某专项工作部署" not in api.content.decode()
    assert client_for("city_rights").get(f"/office/incoming/{document.pk}/").status_code == 200
    # Nor the process page of a leader whose scope covers it; its title names no secret.
    process = f"/inbox/process/{document.process_id}/"
    assert client_for("city_vice").get(process).status_code == 404
    assert "某专项工作部署" not in document.process.title
    assert client_for("city_office_head").get(process).status_code == 200


def _xlsx_text(response) -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    return "|".join(str(c.value) for row in book.active.iter_rows() for c in row).encode()


def test_instructions_become_action_items_chased_until_done(user_named, departments):
    document = register(
        user_named, departments, title="督办来文", source_number="苏妇字〔2026〕11号"
    )
    incoming.incoming_propose(
        actor=user_named("city_office_head"),
        document=document,
        proposal="请李主席阅示。",
        leaders=[user_named("city_vice")],
        departments=departments("权益部"),
    )
    today = dt.date.today()
    (item,) = incoming.incoming_instruct(
        actor=user_named("city_vice"),
        document=document,
        instruction="请权益部两周内拿出方案。",
        actions=[NewActionItem(departments("权益部")[0], "拿出工作方案", today)],
    )
    task = item.process.tasks.get(state=TaskState.OPEN)
    assert task.assignee.username == "city_rights" and task.due_date == today
    # 催办 by the office, then the deadline passes: escalated to the leader who assigned it.
    engine.urge(task=task, actor=user_named("city_office"), comment="请抓紧")
    assert Notification.objects.filter(recipient=task.assignee, kind="task_urged").exists()
    assert deadlines.escalate_overdue(today=today + dt.timedelta(days=3)) >= 1
    assert Notification.objects.filter(
        recipient=user_named("city_vice"), kind="task_escalated", body__contains="拿出工作方案"
    ).exists()
    engine.act(task=task, actor=task.assignee, action="approve", comment="方案已报")
    item.process.refresh_from_db()
    assert item.process.state == ProcessState.APPROVED


def test_bad_input_is_refused_in_chinese_and_writes_nothing(user_named, departments):
    before = IncomingDocument.objects.count()
    with pytest.raises(ValidationError, match="密件和急件登记时必须指定传阅部室"):
        register(user_named, departments, title="无传阅的密件", secrecy="秘密", departments=[])
    with pytest.raises(ValidationError, match="收文日期不能晚于今天"):
        incoming.incoming_register(
            actor=user_named("city_office"),
            registration=Registration("省妇联", "未来的文", dt.date.today() + dt.timedelta(days=2)),
        )
    assert IncomingDocument.objects.count() == before
    register(user_named, departments, title="重复提交的来文", source_number="苏妇字〔2026〕12号")
    with pytest.raises(ValidationError, match="请勿重复登记"):
        register(
            user_named, departments, title="重复提交的来文", source_number="苏妇字〔2026〕12号"
        )
    assert IncomingDocument.objects.count() == before + 1
    with pytest.raises(ValidationError, match="没有等待您办理"):
        incoming.incoming_sign(
            actor=user_named("city_org"), document=IncomingDocument.objects.latest("id")
        )
