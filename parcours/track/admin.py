from django.contrib import admin

from .models import (
    Course,
    CourseSession,
    DiplomaSupplement,
    EngagementTarget,
    Enrolment,
    StudentNumber,
    SupplementBatch,
    TrackAward,
    TrackCriterion,
    TrackRuleSet,
)


class CriterionInline(admin.TabularInline):
    model = TrackCriterion
    extra = 0
    autocomplete_fields = ()


@admin.register(TrackRuleSet)
class TrackRuleSetAdmin(admin.ModelAdmin):
    list_display = ("title", "institution", "academic_year", "status", "approved_at")
    list_filter = ("status", "institution")
    inlines = [CriterionInline]
    readonly_fields = ("status", "approved_by", "approved_at", "version")


@admin.register(TrackAward)
class TrackAwardAdmin(admin.ModelAdmin):
    list_display = ("student", "institution", "status", "decided_at", "decided_by")
    list_filter = ("status", "institution")
    readonly_fields = [f.name for f in TrackAward._meta.fields]


class SessionInline(admin.TabularInline):
    model = CourseSession
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title_fr", "institution", "academic_year", "code", "capacity", "enrolment_open")
    list_filter = ("institution", "academic_year")
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("student", "course", "status", "grade", "result")
    list_filter = ("status", "result")


@admin.register(EngagementTarget)
class EngagementTargetAdmin(admin.ModelAdmin):
    list_display = ("institution", "academic_year", "target_days")


@admin.register(StudentNumber)
class StudentNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "user", "institution")
    search_fields = ("number", "user__email", "user__last_name")


@admin.register(DiplomaSupplement)
class DiplomaSupplementAdmin(admin.ModelAdmin):
    list_display = ("student", "institution", "revision", "is_current", "generated_at")
    readonly_fields = [f.name for f in DiplomaSupplement._meta.fields]


@admin.register(SupplementBatch)
class SupplementBatchAdmin(admin.ModelAdmin):
    list_display = ("cohort", "status", "total", "generated", "unchanged", "failed", "created_at")
    readonly_fields = [f.name for f in SupplementBatch._meta.fields]
