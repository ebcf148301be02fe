"""来电来函来访 to the office: the same first-contact rule as a rights case, not confidential."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fulian.core.fields import EncryptedTextField

from .models import FirstContact


class Enquiry(FirstContact):
    title = models.CharField(_("事由"), max_length=100)
    caller_name = EncryptedTextField(_("来访（来电）人"), context="cases.enquiry.name", mask="name")
    caller_phone = EncryptedTextField(
        _("联系电话"), context="cases.enquiry.phone", mask="phone", blank=True, default=""
    )

    scope_org_field = "org"
    scope_path_field = "org__path"
    HANDLER_CODENAME = "handle_enquiry"

    class Meta:
        verbose_name = _("来电来函来访")
        verbose_name_plural = _("来电来函来访")
        ordering = ["-received_on", "-id"]
        permissions = [("handle_enquiry", _("办理本组织的来电来函来访"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/cases/enquiries/{self.pk}/"

    def on_escalated(self, people) -> None:
        """Enquiries are in the leaders' scope already."""

    def on_transferred(self, from_user, to_user, reason: str) -> None:
        from .first_contact import handling_org_of

        to_org = handling_org_of(to_user, self.HANDLER_CODENAME)
        if to_org is not None and to_org.pk != self.org_id:
            self.org = to_org
            self.save(update_fields=["org"])
