"""Excel import of people (妇女群众档案导入): the template, a dry run, the import.

``parse_workbook`` (checking.py) checks every row with the registry's own rules and
reports every problem at once as ``(Excel row number, column, message)``;
``import_people`` writes only a file with no problem at all, in one transaction: all
rows or none. ``build_template`` (template.py) makes the file to fill in.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fulian.core import audit
from fulian.core.errors import RowErrors
from fulian.orgs.models import Org, decode_path

from ..models import Person, PersonTag
from .checking import ImportResult, NewPerson, parse_workbook
from .columns import BATCH_SIZE, COL_ID, COLUMNS, MAX_ROWS
from .template import build_template

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "MAX_ROWS",
    "ImportResult",
    "NewPerson",
    "build_template",
    "import_people",
    "parse_workbook",
]


def _common_org(orgs: set[Org]) -> Org | None:
    """The lowest org above every imported one: where the import's audit line belongs."""
    paths = [decode_path(org.path) for org in orgs]
    if not paths:
        return None
    common = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(common), len(path)) and common[length] == path[length]:
            length += 1
        common = common[:length]
    return Org.objects.filter(pk=common[-1]).first() if common else None


def _write(rows: list[NewPerson], *, actor, progress) -> int:
    """bulk_create in batches: the encrypted fields encrypt in get_prep_value."""
    tag_count = 0
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        people = [
            Person(
                **row.values,
                id_number_hash=row.id_number_hash,
                phone_hash=row.phone_hash,
                created_by=actor,
            )
            for row in batch
        ]
        Person.objects.bulk_create(people)
        person_tags = [
            PersonTag(person=person, tag=tag, added_by=actor)
            for person, row in zip(people, batch, strict=True)
            for tag in row.tags
        ]
        PersonTag.objects.bulk_create(person_tags)
        # bulk_create sends no signals: the trail gets its CREATE rows here, masked.
        audit.record_created_many(people)
        audit.record_created_many(person_tags)
        tag_count += len(person_tags)
        if progress is not None:
            progress(start + len(batch))
    return tag_count


def import_people(file_obj, *, actor, progress=None) -> int:
    """Register every person of the file, or none: any row error raises ``RowErrors``."""
    result = parse_workbook(file_obj, actor=actor)
    if not result.ok:
        raise RowErrors(result.errors)
    try:
        with transaction.atomic(), audit.acting_as(actor):
            tag_count = _write(result.rows, actor=actor, progress=progress)
            audit.record_action(
                "people_import",
                org=_common_org({row.values["org"] for row in result.rows}),
                detail={"people": len(result.rows), "tags": tag_count},
            )
    except IntegrityError as exc:
        # The unique ID-number hash: someone registered one of these people meanwhile.
        raise RowErrors(
            [(0, COL_ID, _("导入期间有人员被其他用户登记，未导入任何数据，请重新上传"))]
        ) from exc
    return len(result.rows)
