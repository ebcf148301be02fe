from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.help_form, name="help"),
    path("done/", views.help_done, name="help_done"),
    path("status/", views.help_status, name="help_status"),
]
