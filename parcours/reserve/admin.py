from django.contrib import admin

from .models import ActivityType, Force, PublicationDeadline, RecognitionRule, RuleCompetency, RuleTransition


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "code", "ministry", "position", "is_active")


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "code", "kind", "typical_days", "position", "is_active")
    list_filter = ("kind",)


@admin.register(PublicationDeadline)
class PublicationDeadlineAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "valid_until", "months_after_start", "warning_days", "legal_basis")


class RuleCompetencyInline(admin.TabularInline):
    model = RuleCompetency
    extra = 0
    raw_id_fields = ("competency", "level")


class RuleTransitionInline(admin.TabularInline):
    model = RuleTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "comment", "created_at")
    exclude = ("snapshot",)


@admin.register(RecognitionRule)
class RecognitionRuleAdmin(admin.ModelAdmin):
    """Read-only: rules are written and approved through the application (their workflow is audited)."""

    list_display = (
        "title_fr",
        "institution",
        "activity_type",
        "version",
        "status",
        "valid_from",
        "valid_until",
    )
    list_filter = ("status", "institution", "activity_type")
    inlines = [RuleCompetencyInline, RuleTransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
