"""Archives (档案文件管理查阅规定): filing, archive codes, lending.

- The previous year's documents are filed in the first quarter (次年一季度立卷归档): a
  reminder goes to each office director in January–March, and a checklist shows per
  department what is still unfiled.
- Retention: permanent / 30 years / 10 years. Archive code 全宗号-年度-保管期限-件号; the
  item number runs per fonds, year and retention class through the same gap-free
  register as document numbers, so it is never reused.
- Reading inside the office is lent with a register and due date; an outside unit needs
  its letter of introduction and the office head's approval (a workflow step).
- Overdue loans are chased once a day until returned.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import Position, User
from fulian.accounts.scope import require
from fulian.core import audit
from fulian.notifications.models import Notification
from fulian.notifications.services import notify
from fulian.orgs.models import Org, OrgKind
from fulian.workflow import definitions, engine
from fulian.workflow.definitions import ProcessDefinition, Step
from fulian.workflow.models import Action, ProcessState

from . import numbering
from .incoming import readers_of
from .models import (
    ArchiveEntry,
    ArchiveFonds,
    ArchiveLoan,
    IncomingDocument,
    OutgoingDocument,
    Retention,
)
from .outgoing import OFFICE_NAME, office_head

VIEW = "office.view_archiveentry"
FILE = "office.add_archiveentry"
LEND = "office.add_archiveloan"
FILING_MONTHS = (1, 2, 3)


def _loan_approved(instance, loan: ArchiveLoan) -> None:
    loan.lent_on = timezone.localdate()
    loan.save(update_fields=["lent_on"])


ARCHIVE_LOAN_V1 = definitions.register(
    ProcessDefinition(
        key="archive_loan",
        version=1,
        name="外单位借阅档案",
        steps=(
            Step(
                "office_head",
                "办公室负责人批准",
                office_head(),
                due_working_days=2,
                actions=frozenset({Action.APPROVE, Action.REJECT, Action.TRANSFER}),
                approve_label="批准",
            ),
        ),
        on_approved=_loan_approved,
    )
)


def fonds_of(federation: Org) -> ArchiveFonds:
    fonds = ArchiveFonds.objects.filter(org=federation).first()
    if fonds is None:
        raise ValidationError(_("请先为“%(org)s”设置全宗号") % {"org": federation.name})
    return fonds


def archive_code(fonds: str, year: int, retention: str, item_number: int) -> str:
    """全宗号-年度-保管期限-件号, e.g. J031-2026-Y-0012."""
    return f"{fonds}-{year}-{retention}-{item_number:04d}"


@transaction.atomic
def archive_file(
    *,
    actor: User | None,
    retention: str,
    outgoing: OutgoingDocument | None = None,
    incoming: IncomingDocument | None = None,
) -> ArchiveEntry:
    """File a finished document (立卷归档) under its year and retention class."""
    if retention not in Retention.values:
        raise ValidationError(_("请选择保管期限"))
    if (outgoing is None) == (incoming is None):
        raise ValidationError(_("请选择要归档的一份公文"))
    if outgoing is not None:
        if outgoing.number is None:
            raise ValidationError(_("签发编号后才能归档"))
        federation, department = outgoing.org, outgoing.department
        year, title, doc_number = outgoing.signed_on.year, outgoing.title, outgoing.number.text
        secrecy = outgoing.secrecy
    else:
        if incoming.process is None or incoming.process.state != ProcessState.APPROVED:
            raise ValidationError(_("传阅完毕交回办公室后才能归档"))
        federation, department = incoming.org, incoming.process.org
        year, title, doc_number = incoming.received_on.year, incoming.title, incoming.source_number
        secrecy = incoming.secrecy
    require(actor, FILE, federation)
    existing = ArchiveEntry.objects.filter(
        Q(outgoing=outgoing) if outgoing else Q(incoming=incoming)
    ).first()
    if existing is not None:
        raise ValidationError(_("该公文已归档，档号%(code)s") % {"code": existing.code})
    fonds = fonds_of(federation)
    number = numbering.number_assign(
        actor=actor,
        org=federation,
        doc_type=f"档{retention}",
        year=year,
        subject_label=title,
        text_format=f"{fonds.code}-{{year}}-{retention}-{{n:04d}}",
    )
    with audit.acting_as(actor):
        return ArchiveEntry.objects.create(
            org=federation,
            department=department,
            year=year,
            retention=retention,
            item_number=number.number,
            code=archive_code(fonds.code, year, retention, number.number),
            title=title,
            doc_number=doc_number,
            secrecy=secrecy,
            outgoing=outgoing,
            incoming=incoming,
            filed_by=actor,
        )


def unfiled(federation: Org, year: int) -> dict[Org, list]:
    """The filing checklist: per department, the year's finished documents not yet filed."""
    checklist: dict[Org, list] = {}
    outgoing = (
        OutgoingDocument.objects.filter(
            org=federation, signed_on__year=year, archive_entry__isnull=True
        )
        .exclude(number__isnull=True)
        .select_related("department", "number")
    )
    for document in outgoing:
        checklist.setdefault(document.department, []).append(document)
    incoming = IncomingDocument.objects.filter(
        org=federation,
        received_on__year=year,
        process__state=ProcessState.APPROVED,
        archive_entry__isnull=True,
    ).select_related("process__org", "receipt_number")
    for document in incoming:
        checklist.setdefault(document.process.org, []).append(document)
    return dict(sorted(checklist.items(), key=lambda item: item[0].name))


def _office_heads(federation: Org) -> list[User]:
    office = Org.objects.filter(
        parent=federation, kind=OrgKind.DEPARTMENT, name=OFFICE_NAME
    ).first()
    return readers_of(office) if office else []


def remind_filing(today: datetime.date | None = None) -> int:
    """In the first quarter, once a month, tell each office director what is unfiled."""
    today = today or timezone.localdate()
    if today.month not in FILING_MONTHS:
        return 0
    sent = 0
    for fonds in ArchiveFonds.objects.select_related("org"):
        count = sum(len(docs) for docs in unfiled(fonds.org, today.year - 1).values())
        if not count:
            continue
        for person in _office_heads(fonds.org):
            # Once a month: the month reminded is kept in the notification's context.
            already = Notification.objects.filter(
                recipient=person, kind="archive_filing_due", context__month=today.strftime("%Y-%m")
            ).exists()
            if already:
                continue
            notify(
                recipient=person,
                kind="archive_filing_due",
                link=f"/office/archives/checklist/?year={today.year - 1}",
                context={"year": today.year - 1, "count": count, "month": today.strftime("%Y-%m")},
            )
            sent += 1
    return sent


def on_loan(entry: ArchiveEntry) -> bool:
    """Lent and not back, or an external request still waiting for approval."""
    return (
        entry.loans.filter(returned_on__isnull=True)
        .exclude(process__state__in=[ProcessState.REJECTED, ProcessState.WITHDRAWN])
        .exists()
    )


def _check_loan(actor, entry: ArchiveEntry, purpose: str, due_on) -> None:
    require(actor, LEND, entry.org)
    if not (purpose or "").strip():
        raise ValidationError(_("请填写借阅事由"))
    if due_on is None or due_on < timezone.localdate():
        raise ValidationError(_("应还日期不能早于今天"))
    if on_loan(entry):
        raise ValidationError(_("该档案已借出或正在办理借阅，尚未归还"))


@transaction.atomic
def loan_lend(*, actor: User, entry: ArchiveEntry, borrower: User, purpose: str, due_on):
    """Lend inside the federation: registered by the office, read in the office."""
    _check_loan(actor, entry, purpose, due_on)
    inside = Position.objects.current().filter(
        user=borrower, org__path__startswith=entry.org.path, org__kind=OrgKind.DEPARTMENT
    )
    if not inside.exists():
        raise ValidationError(_("本会工作人员以外的借阅须按外单位借阅办理"))
    with audit.acting_as(actor):
        return ArchiveLoan.objects.create(
            entry=entry,
            borrower=borrower,
            borrower_name=borrower.display_name,
            purpose=purpose.strip(),
            due_on=due_on,
            lent_on=timezone.localdate(),
            registered_by=actor,
        )


@transaction.atomic
def loan_request_external(
    *,
    actor: User,
    entry: ArchiveEntry,
    borrower_name: str,
    borrower_org: str,
    letter,
    purpose: str,
    due_on,
) -> ArchiveLoan:
    """An outside unit borrows: its letter of introduction, then the office head approves."""
    if not letter:
        raise ValidationError(_("外单位借阅必须附单位介绍信"))
    if not (borrower_name or "").strip() or not (borrower_org or "").strip():
        raise ValidationError(_("请填写借阅人姓名和借阅单位"))
    _check_loan(actor, entry, purpose, due_on)
    office = definitions.department_of(actor)
    if office is None:
        raise PermissionDenied(_("只有办公室工作人员可以登记借阅"))
    with audit.acting_as(actor):
        loan = ArchiveLoan.objects.create(
            entry=entry,
            external=True,
            borrower_name=borrower_name.strip(),
            borrower_org=borrower_org.strip(),
            letter=letter,
            purpose=purpose.strip(),
            due_on=due_on,
            registered_by=actor,
        )
        loan.process = engine.start(
            definition_key="archive_loan",
            subject=loan,
            actor=actor,
            org=office,
            title=_("外借档案：%(code)s（%(unit)s）")
            % {"code": entry.code, "unit": loan.borrower_org},
        )
        loan.save(update_fields=["process"])
    return loan


@transaction.atomic
def loan_return(*, actor: User, loan: ArchiveLoan) -> ArchiveLoan:
    """The file comes back to the office."""
    require(actor, LEND, loan.entry.org)
    if loan.lent_on is None:
        raise ValidationError(_("该借阅尚未批准借出"))
    if loan.returned_on is not None:
        raise ValidationError(_("该档案已于%(d)s归还") % {"d": loan.returned_on.isoformat()})
    loan.returned_on = timezone.localdate()
    with audit.acting_as(actor):
        loan.save(update_fields=["returned_on"])
    return loan


def overdue_loans(today: datetime.date | None = None):
    today = today or timezone.localdate()
    return ArchiveLoan.objects.filter(
        lent_on__isnull=False, returned_on__isnull=True, due_on__lt=today
    )


def chase_overdue_loans(today: datetime.date | None = None) -> int:
    """Once a day: the borrower (if on staff) and the office director are reminded."""
    today = today or timezone.localdate()
    chased = 0
    loans = overdue_loans(today).filter(Q(chased_on__isnull=True) | Q(chased_on__lt=today))
    for loan in loans.select_related("entry", "entry__org", "borrower"):
        with transaction.atomic():
            claimed = ArchiveLoan.objects.filter(pk=loan.pk).filter(
                Q(chased_on__isnull=True) | Q(chased_on__lt=today)
            )
            if not claimed.update(chased_on=today):
                continue  # another run chased it today
            people = _office_heads(loan.entry.org)
            if loan.borrower is not None:
                people = [loan.borrower, *[p for p in people if p.pk != loan.borrower_id]]
            for person in people:
                notify(
                    recipient=person,
                    kind="archive_loan_overdue",
                    link=f"/office/archives/{loan.entry_id}/",
                    context={
                        "code": loan.entry.code,
                        "borrower": loan.borrower_name,
                        "due_date": loan.due_on.isoformat(),
                    },
                    channels=("app", "sms"),
                )
            chased += 1
    return chased
