"""Demo documents for the demo city: a year (2026) of outgoing and incoming documents.

Written through the services and the workflow engine like real work, in various states;
one outgoing document waits at the chairwoman's signing and one incoming document is in
circulation, so the inbox shows both. Loaded once: a second run finds them and stops.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fulian.accounts.models import User
from fulian.workflow import engine
from fulian.workflow.models import TaskState

from . import archives, incoming, outgoing
from .models import ArchiveFonds, OutgoingDocument

MARK = "关于开展2026年“三八”国际妇女节系列活动的通知"

# (drafter, title, how far it went, signed on)
OUTGOING = [
    ("city_office", MARK, "filed", "2026-02-20"),
    ("city_org", "关于表彰2025年度泰州市三八红旗手（集体）的决定", "filed", "2026-03-05"),
    ("city_rights", "关于做好2026年度妇女儿童维权工作的意见", "proofread", "2026-04-16"),
    ("city_org", "关于举办全市妇联干部培训班的通知", "signed", "2026-06-10"),
    ("city_rights", "关于开展“法律进万家”宣传活动的通知", "signed", "2026-09-08"),
    ("city_rights", "关于开展“最美家庭”寻访活动的通知", "chair_sign", None),
    ("city_office", "关于2026年上半年工作情况的报告", "leader_review", None),
    ("city_rights", "关于调整婚姻家庭纠纷调解工作机制的请示", "returned", None),
    ("city_org", "关于开展巾帼志愿服务月活动的通知", "office_check", None),
]

# (source, their number, title, received, secrecy, urgency, departments, how far)
INCOMING = [
    ("江苏省妇女联合会", "苏妇字〔2026〕3号", "关于做好2026年全省妇联宣传工作的通知",
     "2026-01-12", "", "", ["组织宣传部"], "filed"),
    ("中华全国妇女联合会", "妇字〔2026〕5号", "关于深入实施“巾帼建功”行动的意见",
     "2026-03-02", "", "", ["组织宣传部", "权益部"], "done"),
    ("中共泰州市委办公室", "泰办〔2026〕21号", "关于做好2026年国庆期间安全稳定工作的紧急通知",
     "2026-09-25", "", "特急", ["办公室", "权益部"], "done"),
    ("泰州市人民政府办公室", "泰政办发〔2026〕48号", "关于加强农村留守妇女儿童关爱服务的通知",
     "2026-10-15", "", "", ["权益部"], "instruct"),
    ("江苏省妇女联合会", "苏妇发〔2026〕17号", "关于报送2026年度妇女儿童发展规划监测数据的通知",
     "2026-11-16", "", "", ["权益部", "办公室"], "circulating"),
    ("江苏省妇女联合会", "苏妇密〔2026〕2号", "关于做好重点人员矛盾纠纷排查化解工作的通知",
     "2026-11-18", "秘密", "", ["权益部"], "circulating"),
    ("泰州市教育局", "泰教发〔2026〕66号", "关于联合开展家庭教育宣传周活动的函",
     "2026-11-20", "", "", ["组织宣传部"], "propose"),
]  # fmt: skip


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _approve(process, comment: str = "") -> None:
    task = process.tasks.filter(state=TaskState.OPEN).order_by("id").first()
    engine.act(task=task, actor=task.assignee, action="approve", comment=comment)
    process.refresh_from_db()


def _outgoing(drafter, title, stage, signed_on) -> None:
    document = outgoing.outgoing_draft(
        actor=_user(drafter),
        title=title,
        main_recipients="各县（市、区）妇联，市妇联各部室：",
        copy_to="省妇联办公室" if stage in ("filed", "proofread") else "",
        body=(
            "为深入贯彻落实党的二十大精神，进一步做好新时代妇女工作，现将有关事项通知如下。\n"
            "一、提高思想认识。各地各单位要充分认识此项工作的重要意义，加强组织领导。\n"
            "二、突出工作重点。结合本地实际，细化工作措施，确保各项任务落到实处。\n"
            "三、加强督促检查。请于规定时间前将工作开展情况报市妇联办公室。"
        ),
    )
    if stage == "office_check":
        return
    if stage == "returned":
        _approve(document.process, "核稿无误")
        task = document.process.tasks.get(state=TaskState.OPEN)
        engine.act(task=task, actor=task.assignee, action="return", comment="请补充调解经费来源")
        return
    _approve(document.process, "核稿无误")
    if stage == "leader_review":
        return
    _approve(document.process, "同意")
    if stage == "chair_sign":
        return
    _approve(document.process, "同意，签发")
    document.refresh_from_db()
    when = dt.date.fromisoformat(signed_on)
    OutgoingDocument.objects.filter(pk=document.pk).update(signed_on=when)
    document.signed_on = when
    if stage in ("proofread", "filed"):
        outgoing.outgoing_proofread(
            actor=document.drafted_by, document=document, proofreader=document.drafted_by
        )
    if stage == "filed":
        archives.archive_file(actor=_user("city_office"), retention="Y", outgoing=document)


def _incoming(orgs, source, number, title, received, secrecy, urgency, departments, stage):
    office = _user("city_office")
    document = incoming.incoming_register(
        actor=office,
        registration=incoming.Registration(
            source_org=source,
            source_number=number,
            title=title,
            received_on=dt.date.fromisoformat(received),
            secrecy=secrecy,
            urgency=urgency,
            pages=3,
        ),
        departments=[orgs.departments[name] for name in departments],
        leaders=[_user("city_chair")],
        attachments=[SimpleUploadedFile(f"{number}.pdf", b"%PDF-1.4 demo scan")],
    )
    if stage == "propose":
        return
    if not urgency:
        incoming.incoming_propose(
            actor=_user("city_office_head"),
            document=document,
            proposal="请王主席阅示，相关部室阅办。",
            leaders=[_user("city_chair")],
            departments=[orgs.departments[name] for name in departments],
        )
        if stage == "instruct":
            return
        actions = []
        if stage in ("done", "filed") and len(departments) > 1:
            actions = [
                incoming.NewActionItem(
                    orgs.departments[departments[0]],
                    "结合我市实际制定实施方案",
                    timezone.localdate() + dt.timedelta(days=14),
                )
            ]
        incoming.incoming_instruct(
            actor=_user("city_chair"),
            document=document,
            instruction="请相关部室认真研究落实。",
            actions=actions,
        )
    if stage == "circulating":
        return
    while document.process.state == "running":
        _approve(document.process, "已阅")
    if stage == "filed":
        archives.archive_file(actor=office, retention="D30", incoming=document)


def _loans() -> None:
    from .models import ArchiveEntry

    entries = list(ArchiveEntry.objects.filter(org__code="321200000000").order_by("id"))
    if len(entries) < 3:
        return
    office = _user("city_office")
    today = timezone.localdate()
    returned = archives.loan_lend(
        actor=office,
        entry=entries[0],
        borrower=_user("city_org"),
        purpose="查阅活动方案",
        due_on=today,
    )
    archives.loan_return(actor=office, loan=returned)
    overdue = archives.loan_lend(
        actor=office,
        entry=entries[1],
        borrower=_user("city_rights"),
        purpose="核对表彰名单",
        due_on=today,
    )
    # Lent three weeks ago for a week: now overdue, so the chase job has work.
    type(overdue).objects.filter(pk=overdue.pk).update(
        lent_on=today - dt.timedelta(days=21), due_on=today - dt.timedelta(days=14)
    )
    archives.loan_request_external(
        actor=office,
        entry=entries[2],
        borrower_name="钱明",
        borrower_org="泰州市档案馆",
        letter=SimpleUploadedFile("介绍信.pdf", b"%PDF-1.4 demo letter"),
        purpose="编纂《泰州妇女运动史》",
        due_on=today + dt.timedelta(days=10),
    )


def load_documents(orgs) -> None:
    """Idempotent: the first demo document marks the year as loaded."""
    if OutgoingDocument.objects.filter(title=MARK, org=orgs.city).exists():
        return
    ArchiveFonds.objects.get_or_create(org=orgs.city, defaults={"code": "J031"})
    for row in OUTGOING:
        _outgoing(*row)
    for row in INCOMING:
        _incoming(orgs, *row)
    _loans()
