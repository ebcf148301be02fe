"""Every change to the org tree: create, update, move, close, merge, bulk create."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import audit

from . import signals
from .codes import next_generated_code, validate_division_code
from .models import ADMIN_LEVEL, ADMINISTRATIVE_KINDS, Org, OrgKind, OrgStatus, encode_segment


def _require(actor, perm: str, org: Org | None) -> None:
    from fulian.accounts.scope import require, scope_for

    if org is None:  # a new root: only a national-scope administrator
        if actor is not None and not scope_for(actor, perm).everything:
            raise PermissionDenied(_("只有全国范围的管理员可以创建根组织"))
        return
    require(actor, perm, org)


def validate_placement(kind: str, parent: Org | None) -> None:
    """Administrative levels nest in order; branches may hang under any active org."""
    if parent is None:
        if kind != OrgKind.NATIONAL:
            raise ValidationError(_("只有全国妇联可以没有上级组织"))
        return
    if parent.status != OrgStatus.ACTIVE:
        raise ValidationError(_("上级组织“%(org)s”已撤销或合并") % {"org": parent.name})
    if kind == OrgKind.NATIONAL:
        raise ValidationError(_("全国妇联不能有上级组织"))
    if kind in ADMIN_LEVEL:
        expected = ADMINISTRATIVE_KINDS[ADMIN_LEVEL[kind] - 2]
        if parent.kind != expected:
            raise ValidationError(
                _("%(kind)s的上级应为%(expected)s，而“%(parent)s”是%(actual)s")
                % {
                    "kind": OrgKind(kind).label,
                    "expected": OrgKind(expected).label,
                    "parent": parent.name,
                    "actual": OrgKind(parent.kind).label,
                }
            )


def _refuse_namesake(name: str, parent: Org | None) -> None:
    """Two active orgs of one name under one parent are one org entered twice."""
    if (
        parent is not None
        and Org.objects.filter(parent=parent, name=name, status=OrgStatus.ACTIVE).exists()
    ):
        raise ValidationError(
            _("“%(parent)s”下已有名为“%(name)s”的组织") % {"parent": parent.name, "name": name}
        )


def _validate_code(kind: str, code: str, parent: Org | None) -> None:
    if kind in ADMIN_LEVEL:
        validate_division_code(
            code, kind, parent.code if parent else None, parent.kind if parent else None
        )


def _assign_code(kind: str, code: str, parent: Org | None) -> str:
    code = (code or "").strip()
    if kind in ADMIN_LEVEL:
        if not code:
            raise ValidationError(_("行政区划组织必须填写12位统计用区划代码"))
        _validate_code(kind, code, parent)
        return code
    if code:
        return code
    siblings = list(
        Org.objects.filter(code__startswith=f"{parent.code}-", parent=parent).values_list(
            "code", flat=True
        )
    )
    return next_generated_code(parent.code, kind, siblings)


@transaction.atomic
def org_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: Org | None,
    code: str = "",
    short_name: str = "",
    urban_rural: str = "",
    has_federation: bool = True,
) -> Org:
    """Create an org under ``parent``; division codes must match the parent's prefix."""
    _require(actor, "orgs.add_org", parent)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写组织名称"))
    validate_placement(kind, parent)
    _refuse_namesake(name, parent)
    code = _assign_code(kind, code, parent)
    if Org.objects.filter(code=code).exists():
        raise ValidationError(_("代码 %(code)s 已被使用") % {"code": code})
    org = Org(
        name=name,
        kind=kind,
        parent=parent,
        code=code,
        short_name=short_name,
        urban_rural=urban_rural,
        has_federation=has_federation,
        path=f"~{uuid.uuid4().hex}",
        depth=(parent.depth + 1) if parent else 1,
    )
    with audit.acting_as(actor), transaction.atomic():
        # The path holds the org's own id, so the row is written first with a
        # placeholder (bulk_create: no signals) and audited once its path is real.
        try:
            with transaction.atomic():
                Org.objects.bulk_create([org])
        except IntegrityError as exc:
            raise ValidationError(_("代码 %(code)s 已被使用") % {"code": code}) from exc
        org.path = (parent.path if parent else "") + encode_segment(org.pk)
        Org.objects.filter(pk=org.pk).update(path=org.path)
        if parent:
            Org.objects.filter(pk=parent.pk).update(child_count=F("child_count") + 1)
        audit.record_created_many([org])
    signals.tree_changed.send(sender=Org, orgs=[org])
    return org


_EDITABLE = ("name", "short_name", "urban_rural", "has_federation", "code")


@transaction.atomic
def org_update(*, actor, org: Org, **changes) -> Org:
    """Rename an org or correct its details; a division code must still fit its parent."""
    _require(actor, "orgs.change_org", org)
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationError(_("请填写组织名称"))
    if changes.get("code") and changes["code"] != org.code:
        _validate_code(org.kind, changes["code"], org.parent)
        if Org.objects.filter(code=changes["code"]).exclude(pk=org.pk).exists():
            raise ValidationError(_("代码 %(code)s 已被使用") % {"code": changes["code"]})
    for key, value in changes.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    with audit.acting_as(actor):
        org.save(update_fields=[*changes, "updated_at"])
    signals.tree_changed.send(sender=Org, orgs=[org])
    return org


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org, new_code: str = "") -> int:
    """Move a subtree under ``new_parent``: every path under it is rewritten in one UPDATE."""
    _require(actor, "orgs.change_org", org)
    _require(actor, "orgs.change_org", new_parent)
    org = Org.objects.select_for_update().get(pk=org.pk)
    if org.parent_id is None:
        raise ValidationError(_("根组织不能移动"))
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能把组织移动到它自己或它的下级之下"))
    if new_parent.pk == org.parent_id:
        raise ValidationError(_("新上级与原上级相同"))
    validate_placement(org.kind, new_parent)
    code = org.code
    if org.kind in ADMIN_LEVEL:
        code = new_code or org.code
        try:
            _validate_code(org.kind, code, new_parent)
        except ValidationError as exc:
            raise ValidationError(
                _("%(error)s。跨上级调整行政区划时请同时填写新的区划代码")
                % {"error": exc.messages[0]}
            ) from exc
        if code != org.code and Org.objects.filter(code=code).exists():
            raise ValidationError(_("代码 %(code)s 已被使用") % {"code": code})
    old_code = org.code
    old_path = org.path
    new_path = new_parent.path + encode_segment(org.pk)
    depth_change = new_parent.depth + 1 - org.depth
    old_parent_id = org.parent_id
    moved = Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent, code=code, updated_at=timezone.now())
    Org.objects.filter(pk=old_parent_id).update(child_count=F("child_count") - 1)
    Org.objects.filter(pk=new_parent.pk).update(child_count=F("child_count") + 1)
    org.refresh_from_db()
    with audit.acting_as(actor):
        audit.record_action(
            "org_move",
            org,
            org=org,
            changes={
                "parent_id": [old_parent_id, new_parent.pk],
                "path": [old_path, new_path],
                **({"code": [old_code, code]} if code != old_code else {}),
            },
            detail={"orgs_moved": moved},
        )
    signals.subtree_moved.send(sender=Org, org=org, old_path=old_path, new_path=new_path)
    signals.tree_changed.send(sender=Org, orgs=[org])
    return moved


@transaction.atomic
def org_close(*, actor, org: Org, reason: str, on: datetime.date | None = None) -> Org:
    """Close (撤销) an org that has no active sub-orgs; its record and history stay."""
    _require(actor, "orgs.delete_org", org)
    if not (reason or "").strip():
        raise ValidationError(_("请填写撤销原因"))
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError(_("该组织已撤销或合并"))
    if org.parent_id is None:
        raise ValidationError(_("根组织不能撤销"))
    if Org.objects.filter(parent=org, status=OrgStatus.ACTIVE).exists():
        raise ValidationError(_("请先撤销、合并或迁移其下级组织"))
    org.status = OrgStatus.CLOSED
    org.closed_on = on or timezone.localdate()
    org.closed_reason = reason.strip()
    with audit.acting_as(actor):
        org.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
    signals.org_closed.send(sender=Org, org=org, actor=actor, merged_into=None)
    signals.tree_changed.send(sender=Org, orgs=[org])
    return org


@transaction.atomic
def org_merge(*, actor, source: Org, target: Org, on: datetime.date | None = None) -> Org:
    """Merge ``source`` into ``target``: its active sub-orgs move under the target."""
    _require(actor, "orgs.delete_org", source)
    _require(actor, "orgs.change_org", target)
    if source.pk == target.pk:
        raise ValidationError(_("不能与自身合并"))
    if source.kind != target.kind:
        raise ValidationError(_("只能合并同一类型的组织"))
    if target.status != OrgStatus.ACTIVE or source.status != OrgStatus.ACTIVE:
        raise ValidationError(_("已撤销或合并的组织不能参与合并"))
    if target.path.startswith(source.path):
        raise ValidationError(_("不能并入自己的下级"))
    for child in list(Org.objects.filter(parent=source, status=OrgStatus.ACTIVE)):
        code = ""
        if child.kind in ADMIN_LEVEL:
            code = _recode_under(child, target)
        org_move(actor=actor, org=child, new_parent=target, new_code=code)
    source.refresh_from_db()
    source.status = OrgStatus.MERGED
    source.merged_into = target
    source.closed_on = on or timezone.localdate()
    source.closed_reason = _("并入%(target)s") % {"target": target.name}
    with audit.acting_as(actor):
        source.save(
            update_fields=["status", "merged_into", "closed_on", "closed_reason", "updated_at"]
        )
    signals.org_closed.send(sender=Org, org=source, actor=actor, merged_into=target)
    signals.tree_changed.send(sender=Org, orgs=[source, target])
    return source


def _recode_under(child: Org, new_parent: Org) -> str:
    """The child's code under a new parent: keep its own digits when free, else the next."""
    from .models import CODE_PREFIX_LENGTH

    prefix = new_parent.code[: CODE_PREFIX_LENGTH[new_parent.kind]]
    own_end = CODE_PREFIX_LENGTH[child.kind]
    tail = "0" * (12 - own_end)
    candidate = prefix + child.code[len(prefix) : own_end] + tail
    if not Org.objects.filter(code=candidate).exists():
        return candidate
    width = own_end - len(prefix)
    taken = {
        int(code[len(prefix) : own_end])
        for code in Org.objects.filter(code__startswith=prefix, kind=child.kind).values_list(
            "code", flat=True
        )
    }
    number = max(taken, default=0) + 1
    if number >= 10**width:
        raise ValidationError(_("上级“%(org)s”下已没有可用的区划代码") % {"org": new_parent.name})
    return prefix + str(number).zfill(width) + tail


# --- many at once (Excel import, seeding) -------------------------------------------


@dataclass
class NewOrg:
    """One row to create: the parent is an existing org or another row's code."""

    name: str
    kind: str
    parent_code: str
    code: str = ""
    short_name: str = ""
    urban_rural: str = ""
    has_federation: bool = True


@transaction.atomic
def orgs_create_many(*, actor, rows: list[NewOrg]) -> list[Org]:
    """Create many orgs (parents before children) in a few statements; all or nothing.

    Rows must already be validated (see ``orgs.importing``); this checks permission and
    placement again and raises ValidationError on the first problem.
    """
    if not rows:
        return []
    codes = {row.code for row in rows if row.code}
    known = {o.code: o for o in Org.objects.filter(code__in={r.parent_code for r in rows} - codes)}
    for parent in known.values():
        _require(actor, "orgs.add_org", parent)
    created: dict[str, Org] = {}
    pending = list(rows)
    result: list[Org] = []
    generated: dict[str, list[str]] = {}
    while pending:
        wave = [r for r in pending if r.parent_code in known or r.parent_code in created]
        if not wave:
            raise ValidationError(_("上级代码 %(code)s 不存在") % {"code": pending[0].parent_code})
        batch = []
        for row in wave:
            parent = known.get(row.parent_code) or created[row.parent_code]
            validate_placement(row.kind, parent)
            code = row.code
            if row.kind not in ADMIN_LEVEL and not code:
                if parent.code not in generated:
                    generated[parent.code] = list(
                        Org.objects.filter(
                            parent=parent, code__startswith=f"{parent.code}-"
                        ).values_list("code", flat=True)
                    )
                siblings = generated[parent.code]
                code = next_generated_code(parent.code, row.kind, siblings)
                siblings.append(code)
            elif row.kind in ADMIN_LEVEL:
                _validate_code(row.kind, code, parent)
            batch.append(
                Org(
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    code=code,
                    short_name=row.short_name,
                    urban_rural=row.urban_rural,
                    has_federation=row.has_federation,
                    path=f"~{uuid.uuid4().hex}",
                    depth=parent.depth + 1,
                )
            )
        try:
            with transaction.atomic():
                Org.objects.bulk_create(batch, batch_size=1000)
        except IntegrityError as exc:
            raise ValidationError(_("组织代码重复，未导入任何数据")) from exc
        for org in batch:
            org.path = org.parent.path + encode_segment(org.pk)
            created[org.code] = org
        Org.objects.bulk_update(batch, ["path"], batch_size=1000)
        result.extend(batch)
        in_wave = {id(r) for r in wave}
        pending = [r for r in pending if id(r) not in in_wave]
    parent_ids = {o.parent_id for o in result}
    Org.objects.filter(pk__in=parent_ids).update(
        child_count=Coalesce(
            Subquery(
                Org.objects.filter(parent=OuterRef("pk"))
                .values("parent")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            0,
        )
    )
    with audit.acting_as(actor):
        audit.record_created_many(result)
    signals.tree_changed.send(sender=Org, orgs=result)
    return result
