from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ErasureRequest
from .services import erasure_process


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "requested_at", "processed_at", "processed_by"]
    readonly_fields = ["user", "reason", "requested_at", "processed_at", "processed_by"]
    actions = ["process"]

    @admin.action(description=_("Erase these accounts (decisions kept, pseudonymised)"))
    def process(self, request, queryset):
        for erasure in queryset.filter(processed_at__isnull=True).select_related("user"):
            erasure_process(request=erasure, actor=request.user)
        messages.success(request, _("Erasure done."))

    def has_add_permission(self, request):
        return False
