"""Model fields for personal data at rest: the encrypted value and its blind index.

A model keeps the two side by side::

    id_number = EncryptedTextField(context="people.Person.id_number", mask="id_number")
    id_number_hash = BlindIndexField()

and searches only through the hash (``filter(id_number_hash=blind_index(...))``):
the ciphertext is randomised, so no SQL lookup on it can mean anything.
"""

from __future__ import annotations

from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto
from .masking import MASKS, mask


def _lookup_refused(field: EncryptedTextField, lookup: str) -> TypeError:
    where = f"{field.model._meta.label}.{field.name}" if hasattr(field, "model") else field.name
    return TypeError(
        f"{where} is encrypted: the database cannot compare it with '{lookup}'. "
        "Search through its blind-index field instead, e.g. "
        "filter(<field>_hash=blind_index(value, purpose=...)); "
        "only isnull and exact with '' are allowed here."
    )


class _EmptyOnlyExact(Exact):
    """exact with "" (or None, which Django turns into isnull) and nothing else."""

    def get_prep_lookup(self):
        if not (self.rhs is None or (isinstance(self.rhs, str) and self.rhs == "")):
            raise _lookup_refused(self.lhs.output_field, "exact")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text stored as a ``fe1$…`` token (see fulian.core.crypto), decrypted on load.

    ``context`` is the associated data of the encryption. It is given explicitly, not
    derived from the model, so renaming a model or field does not make its stored
    values unreadable. ``mask`` names the masking rule (fulian.core.masking.MASKS)
    used wherever the value is shown without the right to see it.
    """

    description = "Encrypted text"

    def __init__(self, *args, context: str | None = None, mask: str | None = None, **kwargs):
        if not isinstance(context, str) or not context:
            raise TypeError("EncryptedTextField needs context='app.Model.field'")
        if mask not in MASKS:
            raise TypeError(f"EncryptedTextField needs mask= one of {', '.join(sorted(MASKS))}")
        if kwargs.get("unique") or kwargs.get("primary_key"):
            # Random nonces make equal values differ: uniqueness belongs on the hash.
            raise TypeError("an EncryptedTextField cannot be unique; make its blind index unique")
        self.context = context
        self.mask = mask
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        kwargs["mask"] = self.mask
        return name, path, args, kwargs

    # --- values -------------------------------------------------------------------

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if crypto.is_token(value):
            # Already encrypted (fixtures, copies between rows): keep it only if it
            # belongs to this field, so a token can never be stored where it won't open.
            crypto.decrypt_text(value, context=self.context)
            return value
        return crypto.encrypt_text(value, context=self.context)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value, context=self.context)

    def value_to_string(self, obj):
        # Serialised dumps (dumpdata) carry a token, never the plaintext.
        return self.get_prep_value(self.value_from_object(obj))

    def mask_value(self, value) -> str:
        """The value as shown to someone not allowed to see it."""
        return mask(self.mask, value)

    def formfield(self, **kwargs):
        # A one-line input, not TextField's textarea: these are ID numbers and phones.
        return models.Field.formfield(self, **kwargs)

    # --- lookups ------------------------------------------------------------------

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnlyExact
        raise _lookup_refused(self, lookup_name)

    def get_transform(self, lookup_name):
        raise _lookup_refused(self, lookup_name)


class BlindIndexField(models.CharField):
    """The keyed hash (crypto.blind_index) beside an encrypted field: 64 hex characters.

    Not indexed by itself: the model declares the index it needs (a unique constraint
    for dedup, a plain index for lookup), so no column carries two.
    """

    description = "Blind index (HMAC-SHA256 hex)"
    _defaults = {"max_length": 64, "db_index": False, "null": True, "blank": True}

    def __init__(self, *args, **kwargs):
        for name, default in self._defaults.items():
            kwargs.setdefault(name, default)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # Spell out only what differs from this field's own defaults (not CharField's).
        for key, default in self._defaults.items():
            value = getattr(self, key)
            if value == default:
                kwargs.pop(key, None)
            else:
                kwargs[key] = value
        kwargs.pop("editable", None)
        return name, path, args, kwargs
