"""Read-mostly admin. The encrypted private key is never shown, and credentials change only through the
services (revoke, suspend, reinstate) so that every change reaches the status list and the audit trail."""

from django.contrib import admin

from .models import BatchIssuance, Credential, IssuerKey, IssuerProfile, StatusList


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "web_did", "created_at"]
    readonly_fields = ["institution", "web_did", "created_at"]
    fields = ["institution", "name", "url", "image_url", "email", "web_did", "created_at"]

    def has_add_permission(self, request):
        return False  # `manage.py credentials init-issuer` creates the profile and its key

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "profile", "created_at", "retired_at"]
    fields = ["profile", "kid", "issuer_did", "public_jwk", "public_pem", "created_at", "retired_at"]


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ["issuer_did", "purpose", "sequence", "signed_at", "valid_until"]
    fields = ["profile", "issuer_did", "purpose", "sequence", "public_id", "size", "signed_at", "valid_until"]


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "holder", "achievement_key", "status", "issued_at", "is_current"]
    list_filter = ["status", "achievement_kind", "institution"]
    search_fields = ["public_id", "holder__email", "achievement_key", "source_id"]
    fields = [
        "public_id",
        "holder",
        "institution",
        "achievement_kind",
        "achievement_key",
        "achievement",
        "source_type",
        "source_id",
        "status",
        "status_reason",
        "status_changed_at",
        "replaces",
        "is_current",
        "hidden",
        "evidence_opt_in",
        "issued_at",
        "valid_until",
        "token",
    ]


@admin.register(BatchIssuance)
class BatchIssuanceAdmin(ReadOnlyAdmin):
    list_display = ["label", "institution", "status", "total", "issued", "skipped", "failed", "created_at"]
