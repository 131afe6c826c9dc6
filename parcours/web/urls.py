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
    path("security/", include("parcours.web.security.urls")),
    path("sso/", include("parcours.web.security.sso_urls")),
    path("scheduling/", include("parcours.web.scheduling.urls")),
    path("frameworks/", include("parcours.web.frameworks.urls")),
    path("rules/", include("parcours.web.rules.urls")),
    path("partners/", include("parcours.web.partners.urls")),
    path("track/", include("parcours.web.track.urls")),
]
