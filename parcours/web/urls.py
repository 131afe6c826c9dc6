from django.urls import include, path

urlpatterns = [
    path("", include("parcours.web.core.urls")),
    path("accounts/", include("parcours.web.accounts.urls")),
    path("institutions/", include("parcours.web.institutions.urls")),
    path("portfolio/", include("parcours.web.portfolio.urls")),
    path("recognition/", include("parcours.web.recognition.urls")),
    path("privacy/", include("parcours.web.privacy.urls")),
    path("", include("parcours.web.documents.urls")),
    path("", include("parcours.web.credentials.urls")),
]
