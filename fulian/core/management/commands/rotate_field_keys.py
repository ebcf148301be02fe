"""Re-encrypt every EncryptedTextField value under the active key and cipher.

Run after adding a new key to FULIAN_FIELD_KEYS and making it active (or after
switching FULIAN_FIELD_CIPHER); once it reports 0 everywhere, the old key can be
removed. Rows are read and written as raw tokens, never through the model, and
nothing but counts and primary keys is printed.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from fulian.core import crypto
from fulian.core.fields import EncryptedTextField

BATCH_SIZE = 1000


def encrypted_fields() -> list[tuple[type, EncryptedTextField]]:
    """(model, field) for every encrypted column of the installed, managed models."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or opts.swapped or not opts.managed:
            continue
        # local_: a multi-table child's inherited columns live in the parent's table.
        found.extend(
            (model, field)
            for field in opts.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        )
    return found


def rotate_model_field(
    model,
    field: EncryptedTextField,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    using: str | None = None,
    failed: list | None = None,
) -> int:
    """Re-encrypt the values of one column that are not under the active key and cipher.

    Returns how many values were rotated (or, with ``dry_run``, would be). A value that
    does not decrypt is a DecryptionError, unless ``failed`` is given: then its primary
    key is appended there and the rotation goes on.
    """
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    # Identifiers come from model metadata and are quoted; values are always parameters.
    table, pk, col = qn(model._meta.db_table), qn(model._meta.pk.column), qn(field.column)
    label = f"{model._meta.label}.{field.name}"
    prefix = crypto.active_prefix()
    select = f"SELECT {pk}, {col} FROM {table} WHERE "  # noqa: S608
    # Skipping current tokens in SQL keeps a second run cheap on a large table.
    where = f"{col} IS NOT NULL AND {col} <> '' AND SUBSTR({col}, 1, %s) <> %s"
    first_sql = f"{select}{where} ORDER BY {pk} LIMIT %s"
    next_sql = f"{select}{pk} > %s AND {where} ORDER BY {pk} LIMIT %s"
    # Only if unchanged since read: a concurrent save of a fresh value wins.
    update_sql = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"  # noqa: S608

    rotated = 0
    last_pk = None
    while True:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if last_pk is None:
                cursor.execute(first_sql, [len(prefix), prefix, batch_size])
            else:
                cursor.execute(next_sql, [last_pk, len(prefix), prefix, batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            last_pk = rows[-1][0]
            updates = []
            for row_pk, token in rows:
                try:
                    new_token = _reencrypt(token, field.context)
                except crypto.DecryptionError:
                    if failed is None:
                        raise crypto.DecryptionError(
                            f"{label}: the value of pk={row_pk} does not decrypt"
                        ) from None
                    failed.append(row_pk)
                    continue
                if new_token is not None:
                    updates.append((new_token, row_pk, token))
            if dry_run:
                rotated += len(updates)
            elif updates:
                cursor.executemany(update_sql, updates)
                rotated += cursor.rowcount
        if len(rows) < batch_size:
            break
    return rotated


def _reencrypt(token: str, context: str) -> str | None:
    """The token under the active key, or None if it already is; verified before use."""
    if not crypto.needs_rotation(token):
        return None
    plaintext = crypto.decrypt_text(token, context=context)
    new_token = crypto.encrypt_text(plaintext, context=context)
    if crypto.decrypt_text(new_token, context=context) != plaintext:
        raise crypto.DecryptionError("re-encrypted value does not decrypt to the original")
    return new_token


class Command(BaseCommand):
    help = (
        "Re-encrypt encrypted fields (ID numbers, phones) under the active key and cipher. "
        "Safe to run again; prints counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be rotated; write nothing"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be positive")
        crypto.self_test()  # refuse to write with a broken cipher or key ring
        ring = crypto.get_keyring()
        self.stdout.write(f"active key {ring.active_key_id}, cipher {ring.cipher.name}")
        fields = encrypted_fields()
        if not fields:
            self.stdout.write("no encrypted fields")
            return
        verb = "would rotate" if dry_run else "rotated"
        failures = 0
        for model, field in fields:
            failed: list = []
            count = rotate_model_field(
                model, field, dry_run=dry_run, batch_size=batch_size, failed=failed
            )
            self.stdout.write(f"{model._meta.label}.{field.name}: {verb} {count}")
            if failed:
                failures += len(failed)
                shown = ", ".join(str(pk) for pk in failed[:20])
                more = f" and {len(failed) - 20} more" if len(failed) > 20 else ""
                self.stderr.write(
                    f"{model._meta.label}.{field.name}: {len(failed)} values do not decrypt "
                    f"(pk {shown}{more})"
                )
        if failures:
            raise CommandError(f"{failures} values could not be decrypted; they were left as is")
