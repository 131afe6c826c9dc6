from django.urls import path

from . import views

urlpatterns = [
    path("calendar/", views.calendar, name="scheduling_calendar"),
    path("calendar/subscribe/", views.feed_settings, name="scheduling_feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="scheduling_feed"),
    path("call-ups/", views.call_up_list, name="scheduling_call_up_list"),
    path("call-ups/new/", views.call_up_create, name="scheduling_call_up_create"),
    path("call-ups/<int:pk>/", views.call_up_detail, name="scheduling_call_up_detail"),
    path("call-ups/<int:pk>/edit/", views.call_up_edit, name="scheduling_call_up_edit"),
    path(
        "call-ups/<int:pk>/do/<slug:action>/", views.call_up_transition, name="scheduling_call_up_transition"
    ),
    path(
        "call-ups/<int:pk>/arrangement/<int:occurrence_pk>/",
        views.arrangement_create,
        name="scheduling_arrangement_create",
    ),
    path(
        "call-ups/<int:pk>/absence-request/",
        views.absence_request_create,
        name="scheduling_absence_request_create",
    ),
    path("arrangements/", views.arrangement_list, name="scheduling_arrangement_list"),
    path("arrangements/<int:pk>/", views.arrangement_detail, name="scheduling_arrangement_detail"),
    path(
        "arrangements/<int:pk>/do/<slug:action>/",
        views.arrangement_transition,
        name="scheduling_arrangement_transition",
    ),
    path("absences/", views.absence_overview, name="scheduling_absence_overview"),
    path("absences/<int:pk>/", views.absence_request_detail, name="scheduling_absence_request_detail"),
    path(
        "absences/<int:pk>/do/<slug:action>/",
        views.absence_request_transition,
        name="scheduling_absence_request_transition",
    ),
    path(
        "absences/<int:pk>/letter.pdf", views.absence_request_letter, name="scheduling_absence_request_letter"
    ),
    path("timetables/", views.group_list, name="scheduling_group_list"),
    path("timetables/<int:pk>/", views.group_detail, name="scheduling_group_detail"),
    path("timetables/<int:pk>/import/", views.group_import, name="scheduling_group_import"),
    path("timetables/<int:pk>/subscription/", views.group_subscription, name="scheduling_group_subscription"),
    path("timetables/<int:pk>/refresh/", views.group_refresh, name="scheduling_group_refresh"),
    path("timetables/<int:pk>/events/<int:event_pk>/kind/", views.event_kind, name="scheduling_event_kind"),
]
