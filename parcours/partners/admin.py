"""Administration: the public pages, the FAQ and the consent texts, in French and English.

Declarations, consents and referrals are not listed here: only the person and the referents who received
the referral see them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ConsentItem, ConsentText, FaqEntry, InfoPage


@admin.register(InfoPage)
class InfoPageAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "slug", "position", "is_published", "updated_at"]
    list_editable = ["position", "is_published"]
    search_fields = ["title_fr", "title_en", "body_fr", "body_en"]
    prepopulated_fields = {"slug": ["title_fr"]}
    fieldsets = [
        (None, {"fields": ["slug", "position", "is_published"]}),
        (_("French"), {"fields": ["title_fr", "summary_fr", "body_fr"]}),
        (_("English"), {"fields": ["title_en", "summary_en", "body_en"]}),
    ]


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question_fr", "position", "is_published", "updated_at"]
    list_editable = ["position", "is_published"]
    search_fields = ["question_fr", "question_en", "answer_fr", "answer_en"]
    fieldsets = [
        (None, {"fields": ["position", "is_published"]}),
        (_("French"), {"fields": ["question_fr", "answer_fr"]}),
        (_("English"), {"fields": ["question_en", "answer_en"]}),
    ]


class ConsentItemInline(admin.TabularInline):
    model = ConsentItem
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_used

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_used

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_used


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A version someone agreed to is read-only: write the next version instead."""

    list_display = ["version", "published_at", "duration_months"]
    inlines = [ConsentItemInline]
    fieldsets = [
        (None, {"fields": ["version", "published_at", "duration_months"]}),
        (_("French"), {"fields": ["purpose_fr", "recipients_fr", "withdrawal_fr"]}),
        (_("English"), {"fields": ["purpose_en", "recipients_en", "withdrawal_en"]}),
    ]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_used)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_used)
