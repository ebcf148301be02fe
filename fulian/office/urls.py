from django.urls import path

from . import outgoing_views, views

app_name = "office"
urlpatterns = [
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("attendance/", views.attendance_summary, name="attendance"),
    path("outgoing/", outgoing_views.OutgoingList.as_view(), name="outgoing_list"),
    path("outgoing/new/", outgoing_views.draft, name="outgoing_draft"),
    path("outgoing/<int:pk>/", outgoing_views.detail, name="outgoing"),
    path("outgoing/<int:pk>/docx/", outgoing_views.download, name="outgoing_docx"),
]
