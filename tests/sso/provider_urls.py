"""URLs and views of the test OpenID Connect provider (see provider_settings.py).

``/o/`` is django-oauth-toolkit as is (JSON userinfo, like most institutional providers). ``/proconnect/``
serves the same issuer the way ProConnect does: a discovery document whose userinfo endpoint answers
with a JWT signed by the provider's key (``application/jwt``).
"""

import json

import jwt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from jwcrypto import jwk
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import ConnectDiscoveryInfoView


class ClaimsValidator(OAuth2Validator):
    """Every claim listed for the user in the provider's configuration, whatever the scopes."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(settings.CONFIG["users"][request.user.username]["claims"])


def proconnect_discovery(request):
    response = ConnectDiscoveryInfoView.as_view()(request)
    document = json.loads(response.content)
    document["userinfo_endpoint"] = request.build_absolute_uri("/proconnect/userinfo")
    return JsonResponse(document)


def proconnect_userinfo(request):
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=["openid"])
    if not valid:
        return JsonResponse({"error": "invalid_token"}, status=401)
    user = oauth_request.access_token.user
    claims = {
        "sub": str(user.pk),
        **settings.CONFIG["users"][user.username]["claims"],
        "iss": oauth2_settings.oidc_issuer(request),
        "aud": oauth_request.access_token.application.client_id,
    }
    key = jwk.JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode())
    token = jwt.encode(
        claims,
        settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],
        algorithm="RS256",
        headers={"kid": key.thumbprint()},
    )
    return HttpResponse(token, content_type="application/jwt")


urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("proconnect/.well-known/openid-configuration", proconnect_discovery),
    path("proconnect/userinfo", proconnect_userinfo),
]
