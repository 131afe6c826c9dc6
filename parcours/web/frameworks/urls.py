from django.urls import path

from . import views

urlpatterns = [
    path("", views.framework_list_view, name="framework_list"),
    path("new/", views.framework_create_view, name="framework_create"),
    path("import/", views.framework_import, name="framework_import"),
    path("import/template.<str:fmt>", views.framework_template, name="framework_template"),
    path("imports/<int:pk>/", views.framework_import_detail, name="framework_import_detail"),
    path("imports/<int:pk>/apply/", views.framework_import_apply, name="framework_import_apply"),
    path("imports/<int:pk>/status/", views.framework_import_status, name="framework_import_status"),
    path("<int:pk>/", views.framework_detail, name="framework_detail"),
    path("<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("<int:pk>/levels/", views.framework_levels, name="framework_levels"),
    path("<int:pk>/workflow/<slug:name>/", views.framework_transition_view, name="framework_transition"),
    path("<int:pk>/new-version/", views.framework_new_version_view, name="framework_new_version"),
    path("<int:pk>/export.<str:fmt>", views.framework_export, name="framework_export"),
    path("<int:pk>/items/new/", views.competency_create_view, name="competency_create"),
    path("<int:pk>/items/<int:item_pk>/", views.competency_detail, name="competency_detail"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.competency_edit, name="competency_edit"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.competency_delete_view, name="competency_delete"),
    path("<int:pk>/items/<int:item_pk>/links/", views.competency_link_add, name="competency_link_add"),
    path(
        "<int:pk>/items/<int:item_pk>/links/<int:link_pk>/delete/",
        views.competency_link_delete,
        name="competency_link_delete",
    ),
]
