from django.contrib import admin

from .models import (
    AbsenceRequest,
    AbsenceRule,
    CalendarEvent,
    CalendarGroup,
    CalendarImport,
    CallUp,
    CallUpPolicy,
    EventKindPattern,
    GroupMembership,
    HolidayPeriod,
    SchedulingSettings,
    StudyArrangement,
)


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(CalendarGroup)
class CalendarGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "institution", "cohort", "last_imported_at"]
    list_filter = ["institution"]
    search_fields = ["code", "label"]
    inlines = [GroupMembershipInline]
    readonly_fields = ["last_imported_at", "last_refresh_error", "last_refresh_attempt_at"]


@admin.register(CalendarImport)
class CalendarImportAdmin(admin.ModelAdmin):
    list_display = ["group", "status", "started_at", "events_read", "occurrences", "error_line"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in CalendarImport._meta.fields]


@admin.register(CalendarEvent)
class CalendarEventAdmin(admin.ModelAdmin):
    list_display = ["summary", "group", "kind", "kind_override"]
    list_filter = ["group__institution", "kind", "kind_override"]
    search_fields = ["summary", "uid"]
    readonly_fields = ["uid", "fingerprint", "kind"]


@admin.register(EventKindPattern)
class EventKindPatternAdmin(admin.ModelAdmin):
    list_display = ["pattern", "kind", "field", "is_regex", "institution", "position", "is_active"]
    list_filter = ["institution", "kind"]


@admin.register(HolidayPeriod)
class HolidayPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date", "institution"]
    list_filter = ["institution"]


@admin.register(CallUpPolicy)
class CallUpPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "activity_kind",
        "requires_holiday",
        "excused_days_after",
        "institution",
        "is_active",
    ]


@admin.register(SchedulingSettings)
class SchedulingSettingsAdmin(admin.ModelAdmin):
    list_display = ["institution", "employer_headcount", "agreement_extra_days", "public_holiday_subdivision"]


@admin.register(AbsenceRule)
class AbsenceRuleAdmin(admin.ModelAdmin):
    list_display = [
        "employment_status",
        "valid_from",
        "valid_until",
        "days_per_year",
        "small_employer_days",
        "notice_months",
        "reactivity_notice_days",
        "confirmed",
    ]
    list_filter = ["employment_status", "confirmed"]


@admin.register(CallUp)
class CallUpAdmin(admin.ModelAdmin):
    list_display = ["reservist", "activity_type", "starts_at", "ends_at", "status", "institution"]
    list_filter = ["institution", "status"]
    raw_id_fields = ["reservist"]


@admin.register(StudyArrangement)
class StudyArrangementAdmin(admin.ModelAdmin):
    list_display = ["event_summary", "student", "teacher", "status", "institution"]
    list_filter = ["institution", "status"]
    raw_id_fields = ["student", "teacher", "call_up", "occurrence", "decided_by"]


@admin.register(AbsenceRequest)
class AbsenceRequestAdmin(admin.ModelAdmin):
    list_display = ["requester", "call_up", "working_days", "status", "institution"]
    list_filter = ["institution", "status"]
    raw_id_fields = ["requester", "call_up", "decided_by"]
