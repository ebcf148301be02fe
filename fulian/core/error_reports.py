"""Error reports (the DEBUG page, admin e-mails) never show a resident ID number."""

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .masking import mask_id_number

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


class PersonalDataFilter(SafeExceptionReporterFilter):
    """Masks ID-number-shaped strings in frame variables and POST data."""

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        cleaned = params.copy()
        for key in cleaned:
            cleaned.setlist(key, [scrub(str(v)) for v in cleaned.getlist(key)])
        return cleaned

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, scrub(value) if isinstance(value, str) else _scrub_repr(value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class _Scrubbed:
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _scrub_repr(value):
    text = repr(value)
    cleaned = scrub(text)
    return value if cleaned == text else _Scrubbed(cleaned)


class PersonalDataReporter(ExceptionReporter):
    """The exception message itself may quote an ID number (a failed lookup, say)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if data.get("exception_value"):
            data["exception_value"] = scrub(str(data["exception_value"]))
        return data
