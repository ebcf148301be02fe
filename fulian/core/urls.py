from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.AuditList.as_view(), name="audit_list"),
    path("holidays/", views.HolidayList.as_view(), name="holiday_list"),
    path("holidays/add/", views.holiday_add, name="holiday_add"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
