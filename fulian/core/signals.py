"""Logins, logouts and failed logins go into the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditEvent
from .net import client_ip


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    audit.record_auth(AuditEvent.Action.LOGIN, user=user, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record_auth(AuditEvent.Action.LOGOUT, user=user, ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record_auth(
        AuditEvent.Action.LOGIN_FAILED,
        username=str(credentials.get("username", "")),
        ip=client_ip(request),
    )
