from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_requests, name="recognition_my_requests"),
    path("new/", views.request_create, name="recognition_request_create"),
    path("queue/", views.review_queue, name="recognition_queue"),
    path("sessions/", views.session_list, name="recognition_sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="recognition_session_detail"),
    path("sessions/<int:pk>/close/", views.session_close, name="recognition_session_close"),
    path("<int:pk>/", views.request_detail, name="recognition_request_detail"),
    path("<int:pk>/transition/<slug:name>/", views.request_transition, name="recognition_request_transition"),
    path("<int:pk>/comment/", views.request_comment, name="recognition_request_comment"),
    path("<int:pk>/decide/", views.decision_create, name="recognition_decision_create"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
