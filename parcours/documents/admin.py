from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are issued and withdrawn through the services, never edited by hand."""

    list_display = [
        "title",
        "kind",
        "language",
        "institution",
        "holder",
        "revision",
        "issued_at",
        "revoked_at",
    ]
    list_filter = ["kind", "language", "institution"]
    search_fields = ["reference", "title", "holder__email", "holder__last_name", "source_id"]
    readonly_fields = [field.name for field in Document._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
