from django.urls import path

from . import views

urlpatterns = [
    # Public (no login): verification, DID documents, status lists.
    path("verify/", views.verify_form, name="credential_verify"),
    path("verify/<uuid:public_id>", views.verify_detail, name="credential_verify_detail"),
    path(".well-known/did.json", views.did_document_root, name="credential_did_document"),
    path("issuers/<slug:slug>/did.json", views.issuer_did_document, name="credential_issuer_did_document"),
    path("credentials/status/<uuid:public_id>", views.status_list, name="credential_status_list"),
    # The holder.
    path("credentials/", views.my_credentials, name="credential_mine"),
    path("credentials/preferences/", views.preferences, name="credential_preferences"),
    path("credentials/<uuid:public_id>/download/<str:fmt>", views.download, name="credential_download"),
    path("credentials/<uuid:public_id>/visibility/", views.visibility, name="credential_visibility"),
    # The school.
    path("credentials/manage/", views.manage_list, name="credential_manage"),
    path("credentials/manage/<uuid:public_id>/", views.manage_detail, name="credential_manage_detail"),
    path("credentials/batches/", views.batch_list, name="credential_batch_list"),
    path("credentials/batches/<int:batch_id>/", views.batch_detail, name="credential_batch_detail"),
]
