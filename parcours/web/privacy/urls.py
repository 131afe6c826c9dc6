from django.urls import path

from . import views

urlpatterns = [
    path("", views.privacy_home, name="privacy_home"),
    path("export/", views.privacy_export, name="privacy_export"),
    path("erasure/", views.privacy_erasure, name="privacy_erasure"),
]
