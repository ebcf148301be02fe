"""Writing report values and submissions. Every change is audited and rolled up at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.scope import scope_for
from fulian.core import audit
from fulian.orgs.models import Org

from . import completeness, sources
from .models import (
    DataElement,
    DataSet,
    DataValue,
    DisaggregationOption,
    EntryException,
    Submission,
    SubmissionState,
    ValueType,
)
from .periods import Period, parse
from .rollup import ValueDelta, apply_submission_deltas, apply_value_deltas

ENTER_PERM = "reports.add_datavalue"
APPROVE_PERM = "reports.approve_submission"
_TRUE = {"1", "是", "y", "yes", "true", "对", "有"}
_FALSE = {"0", "否", "n", "no", "false", "无"}


@dataclass(frozen=True)
class Cell:
    """One entry cell of a form: an element, and an option when it is broken down."""

    element: DataElement
    option: DisaggregationOption | None = None

    @property
    def key(self) -> str:
        return f"{self.element.code}.{self.option.code}" if self.option else self.element.code

    @property
    def option_key(self) -> int:
        return self.option.pk if self.option else 0


def cells_of(data_set: DataSet) -> list[Cell]:
    """The cells of the entry form, in the data set's order."""
    cells = []
    rows = data_set.rows.select_related("element__disaggregation").order_by("sort_order", "id")
    for row in rows:
        element = row.element
        if element.disaggregation_id:
            cells.extend(Cell(element, option) for option in element.disaggregation.options.all())
        else:
            cells.append(Cell(element))
    return cells


def clean_value(element: DataElement, raw) -> tuple[Decimal | None, str]:
    """(number, text) for a typed entry; ``ValidationError`` in Chinese when it is not one."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, ""
    name = element.name
    if element.value_type == ValueType.TEXT:
        if len(text) > 2000:
            raise ValidationError(_("“%(name)s”不能超过 2000 字") % {"name": name})
        return None, text
    if element.value_type == ValueType.BOOLEAN:
        lowered = text.lower()
        if lowered in _TRUE:
            return Decimal(1), ""
        if lowered in _FALSE:
            return Decimal(0), ""
        raise ValidationError(_("“%(name)s”请填“是”或“否”") % {"name": name})
    try:
        number = Decimal(text.replace(",", "").replace("，", "").rstrip("%"))
    except InvalidOperation as error:
        raise ValidationError(
            _("“%(name)s”应为数字，不能是“%(value)s”") % {"name": name, "value": text}
        ) from error
    if not number.is_finite():
        raise ValidationError(_("“%(name)s”应为数字") % {"name": name})
    if element.value_type == ValueType.INTEGER:
        if number != number.to_integral_value() or number < 0:
            raise ValidationError(_("“%(name)s”应为不小于 0 的整数") % {"name": name})
        return number.quantize(Decimal(1)), ""
    if element.value_type == ValueType.PERCENTAGE and not Decimal(0) <= number <= Decimal(100):
        raise ValidationError(_("“%(name)s”应在 0 到 100 之间") % {"name": name})
    if abs(number) >= Decimal("1e15"):
        raise ValidationError(_("“%(name)s”数值过大") % {"name": name})
    return number.quantize(Decimal("0.0001")), ""


def check_can_enter(actor, data_set: DataSet, org: Org, period: Period | str) -> Submission | None:
    """Refuse (in Chinese) what may not be entered; return the submission row if any."""
    period = parse(period) if isinstance(period, str) else period
    if actor is not None and not scope_for(actor, ENTER_PERM).covers_org(org):
        raise PermissionDenied(_("您无权填报该单位的报表"))
    if period.type != data_set.period_type:
        raise ValidationError(
            _("“%(set)s”是%(type)s，报告期“%(period)s”不符")
            % {"set": data_set.name, "type": data_set.get_period_type_display(), "period": period}
        )
    if not completeness.must_report(data_set, org):
        raise ValidationError(
            _("%(org)s不是“%(set)s”的填报单位") % {"org": org.name, "set": data_set.name}
        )
    if period.start > timezone.localdate():
        raise ValidationError(_("报告期%(period)s尚未开始，不能填报") % {"period": period.label})
    if completeness.is_locked(data_set, org, period):
        raise ValidationError(
            _("%(period)s的“%(set)s”已过报送期限（%(deadline)s）并锁定，请向上级申请补报")
            % {
                "period": period.label,
                "set": data_set.name,
                "deadline": completeness.deadline_of(data_set, period).isoformat(),
            }
        )
    submission = Submission.objects.filter(data_set=data_set, org=org, period=period.id).first()
    if submission and submission.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        raise ValidationError(
            _("该报表当前状态为“%(state)s”，不能再修改；如需修改请上级退回或取消审核")
            % {"state": submission.get_state_display()}
        )
    return submission


def _store(actor, org: Org, period: str, cell: Cell, number, text) -> ValueDelta | None:
    """Write one cell; return the change to roll up (None when nothing changed)."""
    existing = (
        DataValue.objects.select_for_update()
        .filter(element=cell.element, org=org, period=period, option=cell.option)
        .first()
    )
    old = existing.value if existing else None
    if existing is None and number is None and not text:
        return None
    if existing is not None and number is None and not text:
        existing.delete()
    elif existing is None:
        DataValue.objects.create(
            element=cell.element,
            org=org,
            path=org.path,
            period=period,
            option=cell.option,
            value=number,
            text=text,
            stored_by=actor,
        )
    elif existing.value == number and existing.text == text:
        return None
    else:
        existing.value, existing.text, existing.stored_by = number, text, actor
        existing.save(update_fields=["value", "text", "stored_by", "updated_at"])
    if cell.element.is_derived or not cell.element.is_numeric:
        return None
    new = number
    return ValueDelta(
        org.pk,
        org.path,
        cell.element.pk,
        period,
        cell.option_key,
        (new or 0) - (old or 0),
        (new is not None) - (old is not None),
    )


@transaction.atomic
def values_save(
    *, actor, data_set: DataSet, org: Org, period: str, entries: dict[str, object]
) -> int:
    """Save an entry form: ``entries`` maps cell keys to what was typed (blank clears).

    Every cell is checked before anything is written; one bad cell writes nothing. A
    derived cell (一数一源) cannot be typed. Returns how many values changed."""
    period_obj = parse(period)
    submission = check_can_enter(actor, data_set, org, period_obj)
    cells = {cell.key: cell for cell in cells_of(data_set)}
    errors = []
    cleaned = []
    for key, raw in entries.items():
        cell = cells.get(key)
        if cell is None:
            errors.append(_("“%(key)s”不是本报表的数据项") % {"key": key})
            continue
        if cell.element.is_derived:
            if raw not in (None, ""):
                errors.append(
                    _("“%(name)s”由系统根据业务数据自动生成，不能手工填写")
                    % {"name": cell.element.name}
                )
            continue
        try:
            cleaned.append((cell, *clean_value(cell.element, raw)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    deltas = []
    with audit.acting_as(actor):
        if submission is None:
            _ensure_submission(data_set, org, period_obj.id)
        for cell, number, text in cleaned:
            delta = _store(actor, org, period_obj.id, cell, number, text)
            if delta:
                deltas.append(delta)
        # Last before commit: the summary rows are locked for as short a time as possible.
        apply_value_deltas(deltas)
    return len(deltas)


def value_save(*, actor, data_set: DataSet, org: Org, period: str, key: str, raw) -> int:
    """One cell (the API's and the benchmark's path)."""
    return values_save(actor=actor, data_set=data_set, org=org, period=period, entries={key: raw})


def derived_fill(*, actor, data_set: DataSet, org: Org, period: str) -> dict[str, Decimal]:
    """Compute the derived cells from the modules' records and keep the figures shown.

    The stored copy records what was submitted; roll-ups count the records again."""
    period_obj = parse(period)
    figures = {}
    with audit.acting_as(actor):
        for cell in cells_of(data_set):
            if not cell.element.is_derived:
                continue
            value = Decimal(
                sources.compute(
                    cell.element.source, org=org, start=period_obj.start, end=period_obj.end
                )
            )
            figures[cell.key] = value
            _store(actor, org, period_obj.id, cell, value, "")
    return figures


def _ensure_submission(data_set: DataSet, org: Org, period: str) -> Submission:
    submission, _created = Submission.objects.get_or_create(
        data_set=data_set, org=org, period=period, defaults={"path": org.path}
    )
    return submission


def submission_recount(submission: Submission) -> None:
    """Bring the summary counts in step with the submission's state."""
    submitted = submission.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)
    on_time = submitted and submission.on_time
    approved = submission.state == SubmissionState.APPROVED
    deltas = (
        int(submitted) - int(submission.counted_submitted),
        int(on_time) - int(submission.counted_on_time),
        int(approved) - int(submission.counted_approved),
    )
    apply_submission_deltas(
        submission.data_set_id, submission.period, submission.org_id, submission.path, deltas
    )
    submission.counted_submitted, submission.counted_on_time = submitted, on_time
    submission.counted_approved = approved
    submission.save(
        update_fields=["state", "counted_submitted", "counted_on_time", "counted_approved"]
    )


@transaction.atomic
def submission_submit(*, actor, data_set: DataSet, org: Org, period: str) -> Submission:
    """Submit for approval by the level above; derived figures are filled in first."""
    from fulian.workflow import engine

    period_obj = parse(period)
    check_can_enter(actor, data_set, org, period_obj)
    derived_fill(actor=actor, data_set=data_set, org=org, period=period_obj.id)
    submission = (
        Submission.objects.select_for_update()
        .filter(pk=_ensure_submission(data_set, org, period_obj.id).pk)
        .get()
    )
    now = timezone.now()
    with audit.acting_as(actor):
        submission.state = SubmissionState.SUBMITTED
        submission.submitted_at, submission.submitted_by = now, actor
        submission.on_time = timezone.localdate(now) <= completeness.deadline_of(
            data_set, period_obj
        )
        submission.save(update_fields=["state", "submitted_at", "submitted_by", "on_time"])
        submission_recount(submission)
        title = _("%(org)s %(period)s %(set)s") % {
            "org": org.name,
            "period": period_obj.label,
            "set": data_set.name,
        }
        if submission.process_id and submission.process.state == "returned":
            engine.resubmit(instance=submission.process, actor=actor)
        else:
            submission.process = engine.start(
                definition_key="report_submission",
                subject=submission,
                actor=actor,
                org=org,
                title=title,
            )
            submission.save(update_fields=["process"])
    return submission


def approval_done(instance, submission: Submission) -> None:
    """Workflow hook: the level above approved."""
    submission.state = SubmissionState.APPROVED
    submission.approved_at = timezone.now()
    last = instance.tasks.exclude(acted_by=None).order_by("-completed_at", "-pk").first()
    submission.approved_by = last.acted_by if last else None
    submission.save(update_fields=["state", "approved_at", "approved_by"])
    submission_recount(submission)


def approval_returned(instance, submission: Submission) -> None:
    """Workflow hook: returned with a reason; the reporting org can correct and resubmit."""
    submission.state = SubmissionState.RETURNED
    submission_recount(submission)


def approval_withdrawn(instance, submission: Submission) -> None:
    submission.state = SubmissionState.DRAFT
    submission.process = None
    submission.save(update_fields=["process"])
    submission_recount(submission)


@transaction.atomic
def submission_unapprove(*, actor, submission: Submission, reason: str) -> Submission:
    """The approver takes back an approval (with a reason); the reporter may correct it."""
    from fulian.notifications.services import notify

    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != SubmissionState.APPROVED:
        raise ValidationError(_("只有已审核的报表可以取消审核"))
    if not (reason or "").strip():
        raise ValidationError(_("取消审核须填写理由"))
    if submission.approved_by_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("只有审核人可以取消审核"))
    with audit.acting_as(actor):
        submission.state = SubmissionState.RETURNED
        submission_recount(submission)
        audit.record_action("unapprove", submission, detail={"reason": reason.strip()})
        if submission.submitted_by:
            notify(
                recipient=submission.submitted_by,
                kind="report_unapproved",
                link=f"/reports/entry/{submission.data_set_id}/{submission.org_id}/{submission.period}/",
                context={
                    "dataset": submission.data_set.name,
                    "period": parse(submission.period).label,
                    "reason": reason.strip(),
                },
            )
    return submission


@transaction.atomic
def entry_exception_grant(
    *, actor, data_set: DataSet, org: Org, period: str, until: dt.date, reason: str
) -> EntryException:
    """Let a locked period be entered again until ``until`` (补报), by the level above."""
    if not scope_for(actor, APPROVE_PERM).covers_org(org) or org.path == _own_org_path(actor):
        raise PermissionDenied(_("只有上级可以批准补报"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写补报原因"))
    if until < timezone.localdate():
        raise ValidationError(_("补报截止日期不能早于今天"))
    with audit.acting_as(actor):
        return EntryException.objects.create(
            data_set=data_set,
            org=org,
            period=parse(period).id,
            until=until,
            reason=reason.strip(),
            granted_by=actor,
        )


def _own_org_path(actor) -> str | None:
    from fulian.accounts.scope import current_positions

    positions = current_positions(actor)
    return positions[0].org.path if len(positions) == 1 else None
