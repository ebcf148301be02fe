"""The audit trail: who changed what, when, before and after.

Models are registered once (``audit.register(Model)``); their saves and deletes are
recorded by signals, so every entry point — service, admin, shell — is covered.
Bulk statements (``QuerySet.update``) bypass signals; the services that use them
record one ``record_action`` line instead.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .models import AuditEvent


@dataclass
class AuditContext:
    actor: Any = None
    ip: str | None = None


_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)
_registry: dict[type[models.Model], list[str]] = {}
# attname -> masking kind, for encrypted fields: the trail stores them masked, never plain.
_masked: dict[type[models.Model], dict[str, str]] = {}


@contextlib.contextmanager
def acting_as(actor, ip: str | None = None):
    """Attribute every change inside the block to ``actor`` (services, commands)."""
    current = _context.get()
    token = _context.set(AuditContext(actor=actor, ip=ip or (current.ip if current else None)))
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    return _context.get() or AuditContext()


def set_request_context(actor, ip):
    return _context.set(AuditContext(actor=actor, ip=ip))


def reset_request_context(token) -> None:
    _context.reset(token)


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": ""}
    return {"actor": actor, "actor_name": actor.get_username()}


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "<binary>"
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _org_of(instance) -> Any:
    getter = getattr(instance, "audit_org", None)
    if callable(getter):
        return getter()
    if getattr(instance, "org_id", None):
        return instance.org
    return None


def _write(
    action: str,
    instance=None,
    *,
    changes=None,
    detail=None,
    verb="",
    org=None,
    actor=None,
    object_repr: str | None = None,
) -> AuditEvent:
    ctx = current_context()
    org = org if org is not None else (_org_of(instance) if instance is not None else None)
    event = AuditEvent(
        action=action,
        verb=verb,
        changes=changes or {},
        detail=detail or {},
        ip=ctx.ip,
        org=org,
        org_path=getattr(org, "path", "") or "",
        **_actor_fields(actor if actor is not None else ctx.actor),
    )
    if instance is not None:
        event.content_type = ContentType.objects.get_for_model(instance.__class__)
        event.object_id = str(instance.pk)
        event.object_repr = (object_repr if object_repr is not None else str(instance))[:255]
    elif object_repr:
        event.object_repr = object_repr[:255]
    event.save()
    return event


def record_action(verb: str, instance=None, *, detail=None, changes=None, org=None, actor=None):
    """Record a business action that signals cannot see (a subtree move, a bulk import)."""
    return _write(
        AuditEvent.Action.ACTION,
        instance,
        verb=verb,
        detail=detail,
        changes=changes,
        org=org,
        actor=actor,
    )


def record_view(instance, *, fields=(), reason: str = "", actor=None):
    """The view-log API: modules call it for every read of a sensitive record or field."""
    return _write(
        AuditEvent.Action.VIEW,
        instance,
        verb="view",
        detail={"fields": list(fields), "reason": reason},
        actor=actor,
    )


def record_export(*, what: str, rows: int, filters: dict, masked: bool, org=None, actor=None):
    return _write(
        AuditEvent.Action.EXPORT,
        None,
        verb="export",
        object_repr=what,
        org=org,
        detail={"rows": rows, "filters": filters, "masked": masked},
        actor=actor,
    )


def record_auth(action: str, *, user=None, username: str = "", ip: str | None = None):
    event = AuditEvent(action=action, ip=ip, **_actor_fields(user))
    if not event.actor_name:
        event.actor_name = username[:150]
    event.save()
    return event


# --- change recording -------------------------------------------------------------


def register(model: type[models.Model], *, exclude: tuple[str, ...] = ()) -> type[models.Model]:
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in exclude and f.attname not in exclude
    ]
    _registry[model] = fields
    _masked[model] = {
        f.attname: f.mask
        for f in model._meta.concrete_fields
        if getattr(f, "mask", None) and getattr(f, "context", None)
    }
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_before_save, sender=model, weak=False, dispatch_uid=uid + "-pre")
    post_save.connect(_after_save, sender=model, weak=False, dispatch_uid=uid + "-post")
    post_delete.connect(_after_delete, sender=model, weak=False, dispatch_uid=uid + "-del")
    for m2m in model._meta.local_many_to_many:
        if m2m.name not in exclude:
            m2m_changed.connect(
                _m2m_changed,
                sender=m2m.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}-{m2m.name}",
            )
    return model


def is_registered(model) -> bool:
    return model in _registry


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    fields = _registry[sender]
    if update_fields:
        fields = [f for f in fields if f in update_fields or f.removesuffix("_id") in update_fields]
    if not fields:  # only unaudited fields are saved (e.g. last_login)
        instance._audit_before = {}
        return
    instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _value(model, attname: str, value):
    """What the trail keeps of a value: masked for personal data, else JSON-ready."""
    kind = _masked.get(model, {}).get(attname)
    if kind:
        from .masking import mask

        return mask(kind, value) if value else value
    return _plain(value)


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        changes = {
            f: [None, _value(sender, f, getattr(instance, f))]
            for f in _registry[sender]
            if getattr(instance, f) not in (None, "")
        }
        _write(AuditEvent.Action.CREATE, instance, changes=changes)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changes = {}
    for field, old in before.items():
        new = getattr(instance, field)
        if _plain(old) != _plain(new):
            changes[field] = [_value(sender, field, old), _value(sender, field, new)]
    if changes:
        _write(AuditEvent.Action.UPDATE, instance, changes=changes)


def _after_delete(sender, instance, **kwargs):
    changes = {f: [_value(sender, f, getattr(instance, f)), None] for f in _registry[sender]}
    _write(AuditEvent.Action.DELETE, instance, changes=changes)


def _m2m_changed(sender, instance, action, pk_set, model, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if type(instance) not in _registry:
        return
    field = next(
        (m.name for m in type(instance)._meta.many_to_many if m.remote_field.through is sender),
        sender.__name__,
    )
    _write(
        AuditEvent.Action.UPDATE,
        instance,
        verb=f"m2m:{action.removeprefix('post_')}",
        changes={field: {"action": action.removeprefix("post_"), "ids": sorted(pk_set or [])}},
    )


def record_created_many(instances) -> None:
    """CREATE rows for objects written with bulk_create (which sends no signals)."""
    ctx = current_context()
    rows = []
    for instance in instances:
        model = type(instance)
        fields = _registry.get(model)
        if fields is None:
            continue
        org = _org_of(instance)
        rows.append(
            AuditEvent(
                action=AuditEvent.Action.CREATE,
                ip=ctx.ip,
                org=org,
                org_path=getattr(org, "path", "") or "",
                content_type=ContentType.objects.get_for_model(model),
                object_id=str(instance.pk),
                object_repr=str(instance)[:255],
                changes={
                    f: [None, _value(model, f, getattr(instance, f))]
                    for f in fields
                    if getattr(instance, f) not in (None, "")
                },
                **_actor_fields(ctx.actor),
            )
        )
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
