from django import template
from django.conf import settings
from django.urls import reverse

from parcours.security.enums import Protocol
from parcours.security.selectors import login_providers

register = template.Library()


@register.inclusion_tag("security/sso_buttons.html")
def sso_buttons(next_url: str = ""):
    """The single sign-on buttons of the login page (one per active identity provider)."""
    if not getattr(settings, "SECURITY", {}).get("SSO_ENABLED", True):
        return {"buttons": []}
    buttons = []
    for provider in login_providers():
        if provider.protocol == Protocol.OIDC:
            url = reverse("openid_connect_login", kwargs={"provider_id": provider.slug})
        else:
            url = reverse("saml_login", kwargs={"organization_slug": provider.slug})
        buttons.append({"name": provider.name, "url": url, "slug": provider.slug})
    return {"buttons": buttons, "next": next_url}
