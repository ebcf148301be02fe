from django.urls import path

from . import views

app_name = "office"
urlpatterns = [
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("attendance/", views.attendance_summary, name="attendance"),
]
