import sys

from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class

from fulian.core.error_reports import scrub

NUMBER = "11010519491231002X"


def test_scrub_masks_id_numbers_but_not_other_digits():
    assert scrub(f"号码 {NUMBER} 末尾") == "号码 1101**********002X 末尾"
    assert scrub("fe1$dev$aes-gcm$Ab12345678901234567890") == (
        "fe1$dev$aes-gcm$Ab12345678901234567890"
    )


def test_the_debug_error_page_never_shows_an_id_number(settings):
    request = RequestFactory().post("/people/", {"q": NUMBER})
    id_number = NUMBER  # a local variable in the failing frame
    try:
        raise ValueError("boom " + id_number)
    except ValueError:
        reporter = get_exception_reporter_class(request)
        html = reporter(request, *sys.exc_info()).get_traceback_html()
    assert NUMBER not in html
    assert "1101**********002X" in html
