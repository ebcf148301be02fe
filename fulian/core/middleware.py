from . import audit
from .net import client_ip


class AuditContextMiddleware:
    """Attributes every change made while serving a request to the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = audit.set_request_context(user, client_ip(request))
        try:
            return self.get_response(request)
        finally:
            audit.reset_request_context(token)
