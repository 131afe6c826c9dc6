from django.urls import path

from . import views

urlpatterns = [
    path("", views.rule_list_view, name="rule_list"),
    path("new/", views.rule_create_view, name="rule_create"),
    path("catalogue/", views.reserve_catalogue, name="reserve_catalogue"),
    path("<int:pk>/", views.rule_detail, name="rule_detail"),
    path("<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/workflow/<slug:name>/", views.rule_transition_view, name="rule_transition"),
    path("<int:pk>/new-version/", views.rule_new_version_view, name="rule_new_version"),
    path("<int:pk>/delete/", views.rule_delete_view, name="rule_delete"),
]
