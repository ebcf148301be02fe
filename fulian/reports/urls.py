from django.urls import path

from . import dashboard, definition_views, import_views, views

app_name = "reports"
urlpatterns = [
    path("", views.data_set_list, name="list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("definitions/", definition_views.definitions_page, name="definitions"),
    path("<int:data_set_id>/entry/", views.entry_start, name="entry_start"),
    path("entry/<int:data_set_id>/<int:org_id>/<str:period>/", views.entry, name="entry"),
    path("<int:data_set_id>/completeness/", views.completeness_page, name="completeness"),
    path("<int:data_set_id>/figures/", views.figures_page, name="figures"),
    path("<int:data_set_id>/import/", import_views.values_upload, name="import"),
    path(
        "<int:data_set_id>/import/template/", import_views.values_template, name="import_template"
    ),
    path("<int:data_set_id>/import/confirm/", import_views.values_confirm, name="import_confirm"),
]
