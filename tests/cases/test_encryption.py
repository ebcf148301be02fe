"""Her account of the case and the answer are encrypted at rest, and masked in audit rows."""

import pytest
from django.db import connection

from fulian.cases import services
from fulian.core.masking import mask_text
from fulian.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_summary_and_reply_are_stored_encrypted(receive, user_named):
    case = receive()
    services.case_reply(actor=user_named("city_rights"), case=case, text="已约双方下周调解。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, reply FROM cases_case WHERE id = %s", [case.pk])
        summary, reply = cursor.fetchone()
    assert summary.startswith("fe1$") and "生活费" not in summary
    assert reply.startswith("fe1$") and "调解" not in reply
    case.refresh_from_db()
    assert case.summary == "丈夫长期不给生活费，要求调解。"
    rows = AuditEvent.objects.filter(object_id=str(case.pk)).values_list("changes", flat=True)
    assert not any("生活费" in str(changes) for changes in rows)


def test_a_masked_narrative_shows_only_its_length():
    assert mask_text("丈夫长期不给生活费") == "（9字，已隐藏）"
    assert mask_text("") == ""


def test_every_narrative_of_the_cases_module_is_encrypted():
    """Handling notes, referrals and the risk register tell her story too."""
    from django.apps import apps

    from fulian.core.fields import EncryptedTextField

    plain_text = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("cases").get_models()
        for field in model._meta.concrete_fields
        if field.get_internal_type() == "TextField" and not isinstance(field, EncryptedTextField)
    ]
    # Why a reply was extended is an administrative line the level above reads in the
    # overdue lists, not her account.
    assert set(plain_text) <= {"Case.extension_reason", "Enquiry.extension_reason"}, plain_text
