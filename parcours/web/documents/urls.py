from django.urls import path

from . import views

urlpatterns = [
    path("verify/document/<str:public_id>", views.document_verify, name="document_verify"),
    path("documents/<uuid:public_id>/download/", views.document_download, name="document_download"),
]
