from django.urls import path

from . import views

urlpatterns = [
    path("", views.portfolio_home, name="portfolio_home"),
    path("profile/", views.profile_edit, name="portfolio_profile_edit"),
    path("periods/new/", views.period_create, name="portfolio_period_create"),
    path("periods/<int:pk>/", views.period_detail, name="portfolio_period_detail"),
    path("periods/<int:pk>/edit/", views.period_edit, name="portfolio_period_edit"),
    path("periods/<int:pk>/delete/", views.period_delete, name="portfolio_period_delete"),
    path("periods/<int:pk>/evidence/", views.evidence_upload, name="portfolio_evidence_upload"),
    path("periods/<int:pk>/claims/", views.claim_add, name="portfolio_claim_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="portfolio_evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="portfolio_evidence_delete"),
    path("claims/<int:pk>/delete/", views.claim_remove, name="portfolio_claim_remove"),
]
