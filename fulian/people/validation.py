"""Resident ID numbers (GB 11643) and phone numbers, with messages that say what is wrong."""

from __future__ import annotations

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code (3–4 digits starting with 0) and a 7–8 digit number, e.g. 0523-86812345.
_LANDLINE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_id_number(value: str) -> str:
    """The normalised number, or ValidationError naming the part that is wrong."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为18位，现为%(n)s位") % {"n": len(number)}, code="id_length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号前17位应为数字，最后一位为数字或X"), code="id_chars")
    if number[:2] not in _PROVINCES:
        raise ValidationError(
            _("身份证号前两位“%(code)s”不是有效的省级行政区代码") % {"code": number[:2]},
            code="id_region",
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("身份证号中的出生日期 %(date)s 不存在")
            % {"date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"},
            code="id_birth",
        ) from exc
    if birth > datetime.date.today() or birth.year < 1880:  # noqa: DTZ011 — a calendar date
        raise ValidationError(
            _("身份证号中的出生日期 %(date)s 不合理") % {"date": birth}, code="id_birth"
        )
    expected = _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11]
    if number[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误：最后一位应为 %(expected)s") % {"expected": expected},
            code="id_checksum",
        )
    if not is_known_region(number[:6]):
        raise ValidationError(
            _("身份证号前6位地区码“%(code)s”不存在") % {"code": number[:6]}, code="id_region"
        )
    return number


@functools.lru_cache(maxsize=4096)
def is_known_region(code: str) -> bool:
    """Whether a 6-digit code is, or once was, a county-level code of GB/T 2260.

    python-stdnum's own check also wants the code to have existed in the birth year, but
    a number keeps the code of the place that first assigned it (海陵区, created 1996, holds
    people born long before), so only the code itself is checked.
    """
    results = numdb.get("cn/loc").info(code)
    info = {key: value for _part, props in results for key, value in props.items()}
    return "county" in info


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def gender_from_id(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value or "").replace("+86", "")


def validate_phone(value: str) -> str:
    phone = normalise_phone(value)
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return phone
    raise ValidationError(
        _("电话号码格式不正确：手机号为1开头的11位数字，固定电话如 0523-86812345"), code="phone"
    )


# GB/T 2260 province-level codes.
_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
    "91",
}
