"""Objects the permission matrix needs for the framework and rule pages (created once per matrix run)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from parcours.accounts.enums import Role
from parcours.frameworks.enums import AssociationType, ImportStatus
from parcours.frameworks.models import Association, FrameworkImport
from tests.frameworks.factories import (
    ActivityTypeFactory,
    CompetencyFactory,
    FrameworkFactory,
    LevelFactory,
    RecognitionRuleFactory,
)

ENGINEER = {Role.PEDAGOGICAL_ENGINEER}
DIRECTOR = {Role.DIRECTOR_OF_STUDIES}
MANAGERS = {Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR}


def objects(ctx) -> dict:
    if "frameworks" not in ctx:
        institution = ctx["institution"]
        framework = FrameworkFactory(institution=institution, published=True)
        level = LevelFactory(framework=framework, rank=1)
        block = CompetencyFactory(framework=framework, item_type="block")
        used = CompetencyFactory(framework=framework, parent=block)
        free = CompetencyFactory(framework=framework, parent=block)
        esco = CompetencyFactory(framework=FrameworkFactory(reference=True), code="")
        link = Association.objects.create(
            framework=framework,
            identifier="matrix-link",
            association_type=AssociationType.EXACT_MATCH_OF,
            origin=used,
            destination=esco,
            destination_uri="http://data.europa.eu/esco/skill/x",
        )
        activity = ActivityTypeFactory()
        approved = RecognitionRuleFactory(
            institution=institution,
            framework=framework,
            activity_type=activity,
            approved=True,
            competencies=[(used, level)],
        )
        draft = RecognitionRuleFactory(
            institution=institution, framework=framework, activity_type=activity, competencies=[(used, level)]
        )
        job = FrameworkImport(
            institution=institution,
            target=framework,
            original_name="referentiel.csv",
            format="csv",
            status=ImportStatus.PREVIEWED,
            summary={"added": 0, "changed": 0, "removed": 0, "unchanged": 0},
        )
        job.file.save("matrix.csv", ContentFile(b"code;statement_fr\nX;Y\n"), save=False)
        job.save()
        ctx["frameworks"] = {
            "framework": framework,
            "item": free,
            "used": used,
            "link": link,
            "approved_rule": approved,
            "draft_rule": draft,
            "import": job,
        }
    return ctx["frameworks"]


def framework(ctx) -> dict:
    return {"pk": objects(ctx)["framework"].pk}


def framework_export(ctx) -> dict:
    return {"pk": objects(ctx)["framework"].pk, "fmt": "csv"}


def framework_freeze(ctx) -> dict:
    return {"pk": objects(ctx)["framework"].pk, "name": "freeze"}


def item(ctx) -> dict:
    found = objects(ctx)
    return {"pk": found["framework"].pk, "item_pk": found["item"].pk}


def used_item(ctx) -> dict:
    found = objects(ctx)
    return {"pk": found["framework"].pk, "item_pk": found["used"].pk}


def link(ctx) -> dict:
    found = objects(ctx)
    return {"pk": found["framework"].pk, "item_pk": found["used"].pk, "link_pk": found["link"].pk}


def framework_import(ctx) -> dict:
    return {"pk": objects(ctx)["import"].pk}


def approved_rule(ctx) -> dict:
    return {"pk": objects(ctx)["approved_rule"].pk}


def draft_rule(ctx) -> dict:
    return {"pk": objects(ctx)["draft_rule"].pk}


def approve_draft(ctx) -> dict:
    return {"pk": objects(ctx)["draft_rule"].pk, "name": "approve"}
