"""Outgoing documents (发文) on the workflow engine.

Drafted by a department → the office checks (核稿, 办公室主任) → the leader in charge of
the drafting department reviews → the chairwoman signs (签发). The number is assigned
at signing, never before (``numbering.number_assign`` in the approval hook). A returned
draft goes back to the drafter; each revision is kept as a new version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import Post
from fulian.core import audit
from fulian.orgs.models import OrgKind
from fulian.workflow import definitions, engine
from fulian.workflow.definitions import ActorRule, ProcessDefinition, Step
from fulian.workflow.models import ProcessState

from . import numbering
from .gbt9704 import OutgoingDocument as Layout
from .gbt9704 import render_outgoing
from .models import ArchiveCopy, DocumentVersion, OutgoingDocument

OFFICE_NAME = "办公室"


def office_head() -> ActorRule:
    """办公室主任 of the federation the draft belongs to."""
    return ActorRule(
        "办公室主任",
        lambda ctx: definitions.holders(
            Q(
                org__parent=ctx.federation,
                org__kind=OrgKind.DEPARTMENT,
                org__name=OFFICE_NAME,
                post=Post.DEPARTMENT_HEAD,
            ),
            exclude=ctx.applicant,
        ),
    )


def _signed(instance, document: OutgoingDocument) -> None:
    number = numbering.number_assign(
        actor=instance.started_by,
        org=document.org,
        doc_type=document.doc_type,
        subject_label=document.title,
        subject_id=str(document.pk),
    )
    document.number = number
    document.signed_on = timezone.localdate()
    document.save(update_fields=["number", "signed_on"])


OUTGOING_V1 = definitions.register(
    ProcessDefinition(
        key="outgoing",
        version=1,
        name="发文审批",
        steps=(
            Step("office_check", "办公室核稿", office_head(), due_working_days=2),
            Step(
                "leader_review", "分管领导审核", definitions.leader_in_charge(), due_working_days=2
            ),
            Step(
                "chair_sign",
                "主席签发",
                definitions.chairwoman(),
                due_working_days=2,
                escalate_to=definitions.chairwoman(),
                approve_label="签发",
            ),
        ),
        on_approved=_signed,
    )
)

_FIELDS = (
    "title",
    "main_recipients",
    "copy_to",
    "body",
    "attachments_note",
    "secrecy",
    "urgency",
    "doc_type",
)


def _clean(fields: dict) -> dict:
    cleaned = {k: (fields.get(k) or "").strip() for k in _FIELDS}
    cleaned["doc_type"] = cleaned["doc_type"] or "妇字"
    missing = [
        label
        for key, label in (
            ("title", _("标题")),
            ("main_recipients", _("主送")),
            ("body", _("正文")),
        )
        if not cleaned[key]
    ]
    if missing:
        raise ValidationError(_("请填写：%(f)s") % {"f": "、".join(map(str, missing))})
    return cleaned


@transaction.atomic
def outgoing_draft(*, actor, proofreader=None, **fields) -> OutgoingDocument:
    """A department drafts a document and sends it into the chain."""
    department = definitions.department_of(actor)
    if department is None:
        raise PermissionDenied(_("只有机关部室的工作人员可以拟稿"))
    values = _clean(fields)
    with audit.acting_as(actor):
        document = OutgoingDocument.objects.create(
            org=department.federation(),
            department=department,
            drafted_by=actor,
            proofreader=proofreader,
            **values,
        )
        DocumentVersion.objects.create(
            document=document, version=1, title=document.title, body=document.body, edited_by=actor
        )
        document.process = engine.start(
            definition_key="outgoing",
            subject=document,
            actor=actor,
            org=department,
            title=_("发文：%(title)s") % {"title": document.title},
        )
        document.save(update_fields=["process"])
    return document


@transaction.atomic
def outgoing_revise(
    *, actor, document: OutgoingDocument, comment: str = "", **fields
) -> OutgoingDocument:
    """After a return the drafter revises (a new version) and sends it again."""
    if document.drafted_by_id != actor.pk:
        raise PermissionDenied(_("只有拟稿人可以修改文稿"))
    if document.process.state != ProcessState.RETURNED:
        raise ValidationError(_("只有被退回的文稿可以修改后重新提交"))
    values = _clean({**{k: getattr(document, k) for k in _FIELDS}, **fields})
    for key, value in values.items():
        setattr(document, key, value)
    with audit.acting_as(actor):
        document.save()
        latest = document.versions.order_by("-version").first()
        DocumentVersion.objects.create(
            document=document,
            version=latest.version + 1,
            title=document.title,
            body=document.body,
            edited_by=actor,
        )
        engine.resubmit(instance=document.process, actor=actor, comment=comment)
    return document


def outgoing_docx(document: OutgoingDocument) -> bytes:
    """The signed document in the GB/T 9704 layout; only a numbered one can be printed."""
    if document.number is None:
        raise ValidationError(_("签发编号后才能生成正式文件"))
    office = document.org
    return render_outgoing(
        Layout(
            issuing_org_mark=f"{office.name}文件",
            number_text=document.number.text,
            title=document.title,
            main_recipients=document.main_recipients,
            body_paragraphs=[p.strip() for p in document.body.splitlines() if p.strip()],
            attachments=[a.strip() for a in document.attachments_note.splitlines() if a.strip()],
            signing_org=office.name,
            signed_on=document.signed_on,
            copy_to=document.copy_to,
            printing_org=f"{office.name}{OFFICE_NAME}",
            printed_on=document.signed_on,
            secrecy=document.secrecy,
            urgency=document.urgency,
        )
    )


def _text_copy(version: DocumentVersion) -> ContentFile:
    return ContentFile(f"{version.title}\n\n{version.body}\n".encode())


@transaction.atomic
def outgoing_proofread(*, actor, document: OutgoingDocument, proofreader) -> OutgoingDocument:
    """校对: the drafting department records its proofreader; the three copies go to the
    office for the archive (底稿和打印件计3份送办公室存档)."""
    if document.number is None:
        raise ValidationError(_("签发编号后才能校对印制"))
    if definitions.department_of(actor) != document.department:
        raise PermissionDenied(_("由拟稿部室负责校对"))
    if proofreader is None or definitions.department_of(proofreader) != document.department:
        raise ValidationError(_("校对人须是拟稿部室的工作人员"))
    if document.proofreader_id:
        raise ValidationError(
            _("已由%(name)s校对，文件已送办公室存档") % {"name": document.proofreader.display_name}
        )
    versions = list(document.versions.order_by("version"))
    document.proofreader = proofreader
    with audit.acting_as(actor):
        document.save(update_fields=["proofreader"])
        stem = f"outgoing-{document.pk}"
        for kind, name, content in (
            (ArchiveCopy.Kind.DRAFT, f"{stem}-draft.txt", _text_copy(versions[0])),
            (ArchiveCopy.Kind.SIGNED, f"{stem}-signed.txt", _text_copy(versions[-1])),
            (ArchiveCopy.Kind.PRINTED, f"{stem}.docx", ContentFile(outgoing_docx(document))),
        ):
            copy = ArchiveCopy(document=document, kind=kind)
            copy.file.save(name, content, save=False)
            copy.save()
    return document
