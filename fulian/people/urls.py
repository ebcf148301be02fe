from django.urls import path

from . import import_views, views

app_name = "people"
urlpatterns = [
    path("", views.PeopleList.as_view(), name="list"),
    path("new/", views.create, name="create"),
    path("merge/", views.merge, name="merge"),
    path("merge/<int:event_id>/undo/", views.unmerge, name="unmerge"),
    path("tags/", views.tags, name="tags"),
    path("import/", import_views.import_upload, name="import"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("<int:pk>/tags/", views.tag_add, name="tag_add"),
    path("<int:pk>/tags/<int:tag_id>/remove/", views.tag_remove, name="tag_remove"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
]
