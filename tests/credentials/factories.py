"""Helpers to issue credentials in tests: achievement specs, an initialised issuer, issued credentials."""

from __future__ import annotations

import itertools

from parcours.accounts.enums import Role
from parcours.credentials.api import AchievementSpec, credential_issue
from parcours.credentials.enums import AchievementKind
from parcours.credentials.issuers import issuer_init
from parcours.credentials.models import IssuerProfile
from tests.factories import InstitutionFactory, user_with_role

_counter = itertools.count(1)

FRAMEWORK_ITEM = {
    "target_url": "https://parcours.example.org/frameworks/ing-2026/items/C2.3",
    "target_name": "Gérer une situation de crise",
    "target_code": "C2.3",
    "framework_name": "Référentiel ingénieur 2026",
}
ESCO_CRISIS = "http://data.europa.eu/esco/skill/f780a6ad-b01e-4c35-9746-af8fc0c5ad06"


def spec(**overrides) -> AchievementSpec:
    n = next(_counter)
    values = {
        "key": f"competency:C2.{n}",
        "kind": AchievementKind.COMPETENCY,
        "name_fr": "Gérer une situation de crise",
        "name_en": "Manage a crisis situation",
        "description_fr": "Mobiliser une équipe et décider dans l'urgence.",
        "description_en": "Mobilise a team and decide under time pressure.",
        "criteria_fr": "Validé par le jury au vu d'une mission décrite et attestée.",
        "criteria_en": "Validated by the jury from a described and attested mission.",
        "level_label": "Niveau 2 — Maîtrise",
        "level_rank": 2,
        "ects": 3,
        "framework_alignments": [dict(FRAMEWORK_ITEM)],
        "esco_uris": [ESCO_CRISIS],
        "esco_labels": {ESCO_CRISIS: "appliquer la gestion de crises"},
    }
    values.update(overrides)
    return AchievementSpec(**values)


def ensure_issuer(institution) -> IssuerProfile:
    profile = IssuerProfile.objects.filter(institution=institution).first()
    if profile is None or not profile.keys.active().exists():
        profile = issuer_init(institution=institution)
    return profile


def issue(*, holder=None, institution=None, source_id=None, **spec_overrides):
    institution = institution or InstitutionFactory()
    ensure_issuer(institution)
    holder = holder or user_with_role(Role.STUDENT, institution)
    return credential_issue(
        holder=holder,
        institution=institution,
        achievement=spec(**spec_overrides),
        source_type="recognition.decision",
        source_id=source_id or str(next(_counter)),
    )


def matrix_credential(ctx) -> dict:
    """Permission-matrix kwargs: one credential of the matrix institution (created once per test)."""
    if "credential" not in ctx:
        ctx["credential"] = issue(institution=ctx["institution"])
    return {"public_id": ctx["credential"].public_id}


def matrix_download(ctx) -> dict:
    return {**matrix_credential(ctx), "fmt": "jwt"}


def matrix_status_list(ctx) -> dict:
    matrix_credential(ctx)
    return {"public_id": ctx["credential"].revocation_list.public_id}


def matrix_batch(ctx) -> dict:
    from parcours.credentials.models import BatchIssuance

    if "batch" not in ctx:
        ctx["batch"] = BatchIssuance.objects.create(
            institution=ctx["institution"], source="x", label="Lot de test"
        )
    return {"batch_id": ctx["batch"].pk}
