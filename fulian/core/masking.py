"""One masking rule for the whole platform (脱敏)."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """3101**********1234: the first four and last four characters stay."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678: the first three and last four digits stay."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*梅: the first and last characters of names of three or more stay."""
    if not value:
        return ""
    value = str(value)
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_text(value: str | None) -> str:
    """A narrative (a woman's account of her case) is never partly shown: only its length."""
    if not value:
        return ""
    return f"（{len(str(value))}字，已隐藏）"


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name, "text": mask_text}


def mask(kind: str, value) -> str:
    return MASKS[kind](value)
