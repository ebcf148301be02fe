from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("fulian.core.urls")),
    path("accounts/", include("fulian.accounts.urls")),
    path("orgs/", include("fulian.orgs.urls")),
    path("people/", include("fulian.people.urls")),
    path("inbox/", include("fulian.workflow.urls")),
    path("office/", include("fulian.office.urls")),
    path("notifications/", include("fulian.notifications.urls")),
    path("cases/", include("fulian.cases.urls")),
    path("help/", include("fulian.public.urls")),
    path("reports/", include("fulian.reports.urls")),
    path("api/", include("fulian.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
