from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccessToken, IdentityProvider, InstitutionMapping, RoleMapping

# Identity providers are configured here (IdentityProvider), never through allauth's SocialApp table,
# and SSO tokens are not stored (SOCIALACCOUNT_STORE_TOKENS = False): hide both to avoid confusion.
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class InstitutionMappingInline(admin.TabularInline):
    model = InstitutionMapping
    extra = 0
    autocomplete_fields = ["institution"]


class RoleMappingInline(admin.TabularInline):
    model = RoleMapping
    extra = 0


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Leave empty to keep the current secret (or to read it from the SSO_<SHORT NAME>_CLIENT_SECRET "
            "environment variable)."
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "slug",
            "protocol",
            "is_active",
            "institution",
            "institution_attribute",
            "role_attribute",
            "trust_email",
            "email_domains",
            "server_url",
            "client_id",
            "client_secret",
            "scopes",
            "use_pkce",
            "idp_entity_id",
            "idp_metadata_url",
            "idp_sso_url",
            "idp_x509cert",
            "uid_attribute",
            "email_attribute",
            "first_name_attribute",
            "last_name_attribute",
        ]

    def clean_client_secret(self):
        value = self.cleaned_data.get("client_secret")
        return value or (self.instance.client_secret if self.instance.pk else "")


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "slug", "protocol", "institution", "is_active"]
    list_filter = ["protocol", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["institution"]
    inlines = [InstitutionMappingInline, RoleMappingInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "protocol", "is_active")}),
        (
            _("Who the provider signs in"),
            {
                "fields": (
                    "institution",
                    "institution_attribute",
                    "role_attribute",
                    "trust_email",
                    "email_domains",
                )
            },
        ),
        (_("OpenID Connect"), {"fields": ("server_url", "client_id", "client_secret", "scopes", "use_pkce")}),
        (_("SAML 2"), {"fields": ("idp_entity_id", "idp_metadata_url", "idp_sso_url", "idp_x509cert")}),
        (
            _("Attribute names (leave empty for the protocol defaults)"),
            {
                "classes": ("collapse",),
                "fields": ("uid_attribute", "email_attribute", "first_name_attribute", "last_name_attribute"),
            },
        ),
    )


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at", "expires_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a token is created by its owner, who alone sees it once
