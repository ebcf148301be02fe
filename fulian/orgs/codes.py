"""Statistical division codes (统计用区划代码, 12 digits, 2-2-2-3-3) and generated codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ADMIN_LEVEL, CODE_PREFIX_LENGTH, GENERATED_CODE_LETTER, OrgKind

DIVISION_CODE_RE = re.compile(r"^\d{12}$")
# Where each level's own digits sit in the code.
_SEGMENT = {
    OrgKind.PROVINCE: (0, 2),
    OrgKind.CITY: (2, 4),
    OrgKind.COUNTY: (4, 6),
    OrgKind.TOWN: (6, 9),
    OrgKind.VILLAGE: (9, 12),
}


def level_of_division_code(code: str) -> OrgKind | None:
    """The administrative kind a well-formed division code denotes."""
    if not DIVISION_CODE_RE.match(code):
        return None
    if code == "0" * 12:
        return OrgKind.NATIONAL
    for kind in reversed(list(_SEGMENT)):
        start, end = _SEGMENT[kind]
        if code[start:end].strip("0"):
            return kind
    return None


def validate_division_code(
    code: str, kind: str, parent_code: str | None, parent_kind: str | None
) -> None:
    """Raise ValidationError (in Chinese) unless ``code`` fits ``kind`` under the parent."""
    if not DIVISION_CODE_RE.match(code or ""):
        raise ValidationError(_("区划代码应为12位数字"), code="division_format")
    own = level_of_division_code(code)
    if own != kind:
        label = OrgKind(kind).label
        raise ValidationError(
            _("区划代码 %(code)s 不是%(kind)s级别的代码（2-2-2-3-3 位，下级各段应为0）")
            % {"code": code, "kind": label},
            code="division_level",
        )
    if parent_kind and parent_kind in ADMIN_LEVEL and parent_kind != OrgKind.NATIONAL:
        prefix = CODE_PREFIX_LENGTH[parent_kind]
        if code[:prefix] != (parent_code or "")[:prefix]:
            raise ValidationError(
                _("区划代码 %(code)s 与上级代码 %(parent)s 的前 %(n)s 位不一致")
                % {"code": code, "parent": parent_code, "n": prefix},
                code="division_parent",
            )


def generated_code_prefix(parent_code: str, kind: str) -> str:
    return f"{parent_code}-{GENERATED_CODE_LETTER[kind]}"


def next_generated_code(parent_code: str, kind: str, sibling_codes: list[str]) -> str:
    """The next free code of ``kind`` under the parent, e.g. ``321200000000-D003``."""
    prefix = generated_code_prefix(parent_code, kind)
    numbers = [
        int(code[len(prefix) :])
        for code in sibling_codes
        if code.startswith(prefix) and code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{(max(numbers, default=0) + 1):03d}"
