"""Document numbers (文号): `<org short name><type>〔YYYY〕N号`, e.g. 泰妇字〔2026〕12号.

N runs per org, per year and per document type, is given only at signing, is never
reused and never skipped: a number withdrawn after assignment is recorded as voided.
Two documents signed at the same moment get two consecutive numbers: the series row
is locked (``select_for_update``) for the increment, on PostgreSQL a row lock, on
SQLite the database write lock.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import audit
from fulian.orgs.models import Org

from .models import DocumentNumber, DocumentNumberSeries


def format_number(org: Org, doc_type: str, year: int, number: int) -> str:
    return f"{org.short_name or org.name}{doc_type}〔{year}〕{number}号"


def _series(org: Org, year: int, doc_type: str) -> DocumentNumberSeries:
    """The series row, locked; created on first use (a racing creator is tolerated)."""
    try:
        with transaction.atomic():
            DocumentNumberSeries.objects.get_or_create(org=org, year=year, doc_type=doc_type)
    except IntegrityError:
        pass  # created a moment ago by the other signer
    return DocumentNumberSeries.objects.select_for_update().get(
        org=org, year=year, doc_type=doc_type
    )


@transaction.atomic
def number_assign(
    *,
    actor,
    org: Org,
    doc_type: str = "妇字",
    year: int | None = None,
    subject_label: str = "",
    subject_id: str = "",
    text_format: str = "",
) -> DocumentNumber:
    """Give the next number of the series to a document being signed.

    ``text_format`` (``{org}``, ``{year}``, ``{n}``) spells other registers kept the same
    way, such as receipt numbers (收文编号) and archive item numbers (件号).
    """
    if not org.short_name:
        raise ValidationError(_("请先为“%(org)s”设置简称（用于文号）") % {"org": org.name})
    year = year or timezone.localdate().year
    series = _series(org, year, doc_type)
    DocumentNumberSeries.objects.filter(pk=series.pk).update(last_number=F("last_number") + 1)
    series.refresh_from_db(fields=["last_number"])
    with audit.acting_as(actor):
        return DocumentNumber.objects.create(
            series=series,
            number=series.last_number,
            assigned_by=actor,
            text=(
                text_format.format(org=org.short_name, year=year, n=series.last_number)
                if text_format
                else format_number(org, doc_type, year, series.last_number)
            ),
            subject_label=subject_label[:100],
            subject_id=str(subject_id),
        )


@transaction.atomic
def number_void(*, actor, number: DocumentNumber, reason: str) -> DocumentNumber:
    """Withdraw a number: it stays in the register as voided and is never given again."""
    if not (reason or "").strip():
        raise ValidationError(_("请填写作废原因"))
    if number.voided_at:
        raise ValidationError(_("该文号已作废"))
    number.voided_at = timezone.now()
    number.void_reason = reason.strip()
    with audit.acting_as(actor):
        number.save(update_fields=["voided_at", "void_reason"])
    return number
