"""Single sign-on endpoints (under /sso/): thin wrappers around django-allauth's protocol views.

A GET on a sign-in address shows a confirmation page with a button (a POST starts the protocol, so that
a link or an image on another site cannot start a sign-in); allauth's own pages are never shown.
"""

from __future__ import annotations

import logging
from functools import wraps

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2LoginView
from allauth.socialaccount.providers.saml import views as saml_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from onelogin.saml2.errors import OneLogin_Saml2_Error

from parcours.security.oidc import OIDCAdapter, OIDCCallbackView

logger = logging.getLogger("parcours.security.sso")


def saml_guard(view):
    """python3-saml reads ``HTTP_HOST`` directly: give it the host Django validated when a client sent
    none (HTTP/1.0, test clients); and a SAML configuration or message it rejects is a 400 page, never a
    server error."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        request.META.setdefault("HTTP_HOST", request.get_host())
        try:
            return view(request, *args, **kwargs)
        except OneLogin_Saml2_Error as exc:
            logger.warning("SAML error on %s: %s", request.path, exc)
            return render(request, "security/sso_error.html", {"cancelled": False}, status=400)

    return wrapper


def _confirm(request: HttpRequest, provider) -> HttpResponse:
    return render(
        request,
        "security/sso_confirm.html",
        {"provider_name": provider.name, "next": request.GET.get("next", "")},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        if request.method == "GET":
            return _confirm(request, get_adapter(request).get_provider(request, provider_id))
        return OAuth2LoginView.adapter_view(OIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
@require_http_methods(["GET", "POST"])
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OIDCCallbackView.adapter_view(OIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
@require_http_methods(["GET", "POST"])
@saml_guard
def saml_login(request: HttpRequest, organization_slug: str) -> HttpResponse:
    if request.method == "GET":
        return _confirm(request, get_app_or_404(request, organization_slug).get_provider(request))
    return saml_views.login(request, organization_slug=organization_slug)


saml_acs = saml_guard(saml_views.acs)
saml_finish_acs = saml_guard(saml_views.finish_acs)
saml_sls = saml_guard(saml_views.sls)
saml_metadata = saml_guard(saml_views.metadata)
