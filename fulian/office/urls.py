from django.urls import path

from . import archive_views, incoming_views, outgoing_views, views

app_name = "office"
urlpatterns = [
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("attendance/", views.attendance_summary, name="attendance"),
    path("outgoing/", outgoing_views.OutgoingList.as_view(), name="outgoing_list"),
    path("outgoing/new/", outgoing_views.draft, name="outgoing_draft"),
    path("outgoing/<int:pk>/", outgoing_views.detail, name="outgoing"),
    path("outgoing/<int:pk>/docx/", outgoing_views.download, name="outgoing_docx"),
    path("incoming/", incoming_views.IncomingList.as_view(), name="incoming_list"),
    path("incoming/new/", incoming_views.register, name="incoming_new"),
    path("incoming/<int:pk>/", incoming_views.detail, name="incoming"),
    path("documents/", archive_views.DocumentSearch.as_view(), name="documents"),
    path("archives/", archive_views.ArchiveList.as_view(), name="archive_list"),
    path("archives/checklist/", archive_views.checklist, name="archive_checklist"),
    path("archives/loans/", archive_views.LoanList.as_view(), name="archive_loans"),
    path("archives/<int:pk>/", archive_views.entry_detail, name="archive"),
]
