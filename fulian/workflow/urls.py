from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tasks/<int:pk>/act/", views.task_act, name="task_act"),
    path("process/<int:pk>/", views.process_detail, name="process"),
    path("process/<int:pk>/<str:action>/", views.process_action, name="process_action"),
    path("delegations/", views.delegations, name="delegations"),
]
