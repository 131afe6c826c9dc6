from django.contrib import admin

from .models import Association, Competency, Framework, FrameworkImport, Level, TeachingUnit


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("title_fr", "institution", "kind", "academic_year", "version", "status")
    list_filter = ("kind", "status", "institution")
    search_fields = ("title_fr", "title_en", "source_identifier")
    readonly_fields = ("identifier", "status", "published_at", "frozen_at", "created_at", "updated_at")
    inlines = [LevelInline]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ("code", "statement_fr", "item_type", "framework")
    list_filter = ("item_type", "framework")
    search_fields = ("code", "search_text", "identifier", "uri")
    raw_id_fields = ("parent",)
    list_select_related = ("framework",)


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("identifier", "association_type", "origin", "destination", "destination_uri")
    list_filter = ("association_type",)
    raw_id_fields = ("origin", "destination")
    list_select_related = ("origin", "destination")


@admin.register(TeachingUnit)
class TeachingUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "title_fr", "programme", "semester", "ects", "is_internship")
    list_filter = ("programme__institution", "programme")
    search_fields = ("code", "title_fr")


@admin.register(FrameworkImport)
class FrameworkImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "institution", "status", "created_by", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in FrameworkImport._meta.fields]
