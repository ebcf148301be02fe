"""The REST API: /api/v1/…, its OpenAPI schema and browsable docs."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from fulian.accounts.api import PositionViewSet, UserViewSet
from fulian.core.api import TokenView
from fulian.notifications.api import NotificationViewSet
from fulian.orgs.api import OrgViewSet
from fulian.people.api import PersonViewSet
from fulian.workflow.api import InboxViewSet

router = DefaultRouter()
router.register("orgs", OrgViewSet, basename="org")
router.register("users", UserViewSet, basename="user")
router.register("positions", PositionViewSet, basename="position")
router.register("people", PersonViewSet, basename="person")
router.register("inbox", InboxViewSet, basename="inbox")
router.register("notifications", NotificationViewSet, basename="notification")
# Later modules list their routes in <app>/api.py as ROUTES = [(prefix, viewset, basename)].
for module in ("fulian.office.api", "fulian.cases.api", "fulian.public.api", "fulian.reports.api"):
    for prefix, viewset, basename in import_module(module).ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
