"""Document numbers: sequential per org, year and type; never reused, never skipped."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from fulian.core.demo import CITY_CODE, seed_demo
from fulian.office.models import DocumentNumber
from fulian.office.numbering import number_assign, number_void
from fulian.orgs.models import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(org_by_code):
    return org_by_code(CITY_CODE)


# Years the demo city has not used, so each run starts at 1.
def test_numbers_run_in_order_in_the_standard_format(city):
    first = number_assign(actor=None, org=city, year=2030)
    second = number_assign(actor=None, org=city, year=2030)
    assert (first.text, second.text) == ("泰妇字〔2030〕1号", "泰妇字〔2030〕2号")


def test_each_type_and_year_has_its_own_run(city):
    number_assign(actor=None, org=city, year=2030)
    assert number_assign(actor=None, org=city, year=2030, doc_type="妇办字").number == 1
    assert number_assign(actor=None, org=city, year=2031).text == "泰妇字〔2031〕1号"


def test_a_voided_number_is_never_given_again(city, user_named):
    office = user_named("city_office")
    first = number_assign(actor=office, org=city, year=2030)
    number_void(actor=office, number=first, reason="签发后撤回")
    second = number_assign(actor=office, org=city, year=2030)
    assert second.number == 2
    assert DocumentNumber.objects.get(pk=first.pk).voided_at is not None
    with pytest.raises(ValidationError, match="已作废"):
        number_void(actor=office, number=DocumentNumber.objects.get(pk=first.pk), reason="再次")


def test_an_org_without_a_short_name_cannot_number(org_by_code):
    town = org_by_code("321202100000")
    with pytest.raises(ValidationError, match="简称"):
        number_assign(actor=None, org=town, year=2026)


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock concurrency is exercised on PostgreSQL"
)
def test_twenty_concurrent_signings_get_twenty_consecutive_numbers():
    seed_demo()  # a transactional test starts from an emptied database
    city = Org.objects.get(code=CITY_CODE)
    barrier = threading.Barrier(20)
    numbers, errors = [], []

    def sign():
        try:
            barrier.wait()
            numbers.append(number_assign(actor=None, org=city, year=2030).number)
        except Exception as exc:  # collected for the assertion
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
