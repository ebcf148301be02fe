"""Excel import of people (妇女群众档案导入): the template, a dry run, the import.

``parse_workbook`` (checking.py) checks every row with the registry's own rules and
reports every problem at once as ``(Excel row number, column, message)``;
``import_people`` writes only a file with no problem at all, in one transaction: all
rows or none. ``build_template`` (template.py) makes the file to fill in.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import audit
from fulian.core.errors import RowErrors
from fulian.orgs.models import Org, decode_path

from ..models import Person, PersonTag
from .checking import ImportResult, NewPerson, collector_paused, parse_workbook
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


def _write(rows: list[NewPerson], *, actor, org: Org | None, progress) -> Counter:
    """bulk_create in batches (the encrypted fields encrypt in get_prep_value); the
    number of people given each tag."""
    tag_counts: Counter = Counter()
    actor_id = actor.pk if actor is not None else None
    today = timezone.localdate()
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        # ``org`` is set as an object (cached for the audit rows), the user by id: the
        # descriptors cost a few µs a row, which 100 000 rows notice.
        people = [
            Person(
                **row.values,
                id_number_hash=row.id_number_hash,
                phone_hash=row.phone_hash,
                created_by_id=actor_id,
            )
            for row in batch
        ]
        Person.objects.bulk_create(people)
        # bulk_create sends no signals: the trail gets its CREATE rows here, masked.
        audit.record_created_many(people)
        tagged: dict[str, list[int]] = defaultdict(list)
        links = []
        for person, row in zip(people, batch, strict=True):
            for tag in row.tags:
                tagged[tag.name].append(person.pk)
                links.append(
                    PersonTag(
                        person_id=person.pk, tag_id=tag.pk, added_on=today, added_by_id=actor_id
                    )
                )
        if links:
            PersonTag.objects.bulk_create(links)
            # One line per batch names every link (the rows keep who and when): a CREATE
            # line per link would cost a fifth of the import's time.
            audit.record_action("people_import_tags", org=org, detail={"tags": tagged})
            tag_counts.update({name: len(ids) for name, ids in tagged.items()})
        if progress is not None:
            progress(start + len(batch))
    return tag_counts


def import_people(file_obj, *, actor, progress=None) -> int:
    """Register every person of the file, or none: any row error raises ``RowErrors``."""
    result = parse_workbook(file_obj, actor=actor)
    if not result.ok:
        raise RowErrors(result.errors)
    org = _common_org({row.values["org"] for row in result.rows})
    try:
        with collector_paused(), transaction.atomic(), audit.acting_as(actor):
            tag_counts = _write(result.rows, actor=actor, org=org, progress=progress)
            audit.record_action(
                "people_import",
                org=org,
                detail={"people": len(result.rows), "tags": dict(tag_counts)},
            )
    except IntegrityError as exc:
        # The unique ID-number hash: someone registered one of these people meanwhile.
        raise RowErrors(
            [(0, COL_ID, _("导入期间有人员被其他用户登记，未导入任何数据，请重新上传"))]
        ) from exc
    return len(result.rows)
