"""Resident ID numbers (GB 11643) and phones, with messages that say what is wrong."""

import pytest
from django.core.exceptions import ValidationError

from fulian.people.demo import make_id_number
from fulian.people.validation import validate_id_number, validate_phone

VALID = "11010519491231002X"  # the GB 11643 example number


def test_a_valid_number_passes_and_is_normalised():
    assert validate_id_number(VALID) == VALID
    assert validate_id_number(" 11010519491231002x ") == VALID  # lower-case x


@pytest.mark.parametrize(
    ("number", "part"),
    [
        ("110105194912310021", "校验位"),  # wrong check digit
        ("110105194902300025", "出生日期"),  # 30 February
        ("11010519491231002", "18位"),  # too short
        ("99010519491231002X", "省级行政区"),  # no such province
        ("11010519491231002Y", "最后一位"),  # not a digit or X
        ("110105290012310024", "出生日期"),  # born in 2900
    ],
)
def test_a_wrong_number_says_which_part_is_wrong(number, part):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert part in caught.value.messages[0]


def test_the_demo_generator_makes_valid_numbers():
    import datetime

    for seq in range(1, 50):
        validate_id_number(
            make_id_number(
                "321202", datetime.date(1980, 5, seq % 28 + 1), seq, female=bool(seq % 2)
            )
        )


@pytest.mark.parametrize(
    "phone", ["13812345678", "138 1234 5678", "+8613812345678", "0523-86812345", "052386812345"]
)
def test_mainland_mobiles_and_landlines_pass(phone):
    assert validate_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "86812345", "abc"])
def test_bad_phones_are_refused_in_chinese(phone):
    with pytest.raises(ValidationError, match="电话号码格式不正确"):
        validate_phone(phone)
