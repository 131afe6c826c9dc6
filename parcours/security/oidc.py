"""OpenID Connect on top of django-allauth, with what ProConnect requires and allauth leaves out.

- a ``nonce`` in the authorisation request, checked against the ID token on return;
- a ``state`` of at least 32 characters (see ``SocialAccountAdapter.generate_state_param``);
- a userinfo answer that may be a signed JWT (``application/jwt``), verified against the provider's keys;
- the userinfo ``sub`` must be the ID token's ``sub``.

``OIDCProvider`` replaces allauth's provider class (``SOCIALACCOUNT_PROVIDERS["openid_connect"]
["provider_class"]``); the login and callback views in ``parcours.web.security.sso_views`` use
``OIDCAdapter``.
"""

from __future__ import annotations

import secrets

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

JWT_CONTENT_TYPES = {"application/jwt"}


class OIDCAdapter(OpenIDConnectOAuth2Adapter):
    #: Set by ``OIDCCallbackView`` from the stashed state before the code is exchanged.
    expected_nonce: str | None = None

    def _fetch_user_info(self, access_token: str) -> dict:
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in JWT_CONTENT_TYPES:
            app = self.get_provider().app
            return jwtkit.verify_and_decode(
                credential=response.text.strip(),
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
            )
        return response.json()

    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        data = login.account.extra_data or {}
        id_token = data.get("id_token") or {}
        userinfo = data.get("userinfo") or {}
        if id_token:
            if not self.expected_nonce or not secrets.compare_digest(
                str(id_token.get("nonce", "")), self.expected_nonce
            ):
                raise OAuth2Error("The ID token does not carry the nonce of this sign-in.")
            if userinfo and str(userinfo.get("sub")) != str(id_token.get("sub")):
                raise OAuth2Error("The userinfo subject differs from the ID token subject.")
        return login


class OIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = OIDCAdapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


class OIDCCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = state.get("nonce")
        return state, response
