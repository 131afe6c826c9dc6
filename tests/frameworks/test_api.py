"""Frameworks and reserve API: read for the school, search, write for the pedagogical engineer."""

from __future__ import annotations

import json
from datetime import date

import pytest

from parcours.accounts.enums import Role
from parcours.reserve.enums import RuleStatus
from parcours.reserve.models import RecognitionRule
from tests.frameworks.factories import (
    ActivityTypeFactory,
    CompetencyFactory,
    FrameworkFactory,
    LevelFactory,
    RecognitionRuleFactory,
    TeachingUnitFactory,
)


@pytest.fixture
def framework(institution):
    framework = FrameworkFactory(institution=institution, published=True)
    LevelFactory(framework=framework, rank=1)
    LevelFactory(framework=framework, rank=2)
    return framework


def post(client, url, payload, method="post"):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


@pytest.mark.django_db
def test_read_frameworks_items_and_search(client, institution, other_institution, make_user, framework):
    block = CompetencyFactory(framework=framework, item_type="block", statement_fr="Sécurité")
    CompetencyFactory(framework=framework, parent=block, statement_fr="Évaluer la sûreté d'une installation")
    FrameworkFactory(institution=other_institution, published=True)
    esco = FrameworkFactory(reference=True)
    CompetencyFactory(framework=esco, code="", statement_fr="assurer la sécurité publique")
    client.force_login(make_user(Role.STUDENT))

    frameworks = client.get("/api/frameworks/frameworks").json()
    assert {f["id"] for f in frameworks} == {framework.pk, esco.pk}
    detail = client.get(f"/api/frameworks/frameworks/{framework.pk}").json()
    assert [lv["rank"] for lv in detail["levels"]] == [1, 2] and detail["item_count"] == 2
    items = client.get(f"/api/frameworks/frameworks/{framework.pk}/items").json()
    assert items[1]["parent_id"] == items[0]["id"]

    hits = client.get("/api/frameworks/competencies/search", {"q": "securite"}).json()
    assert {h["statement_fr"] for h in hits} == {"Sécurité", "assurer la sécurité publique"}
    hits = client.get(
        "/api/frameworks/competencies/search", {"q": "surete", "framework": [framework.pk]}
    ).json()
    assert [h["statement_fr"] for h in hits] == ["Évaluer la sûreté d'une installation"]
    assert client.get(f"/api/frameworks/competencies/{hits[0]['id']}").json()["links"] == []


@pytest.mark.django_db
def test_only_the_engineer_writes_items(client, institution, make_user, framework):
    url = f"/api/frameworks/frameworks/{framework.pk}/items"
    client.force_login(make_user(Role.STUDENT))
    assert post(client, url, {"statement_fr": "X"}).status_code == 403
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    response = post(client, url, {"statement_fr": "Conduire une équipe", "code": "C9"})
    assert response.status_code == 201
    item_id = response.json()["id"]
    assert post(client, url, {"statement_fr": "Doublon", "code": "C9"}).status_code == 422
    response = post(client, url, {"statement_fr": "Trop long", "code": "C" * 81})
    assert response.status_code == 422  # in English, like the API's other messages (the pages are French)
    assert response.json()["detail"] == "code: Ensure this value has at most 80 characters (it has 81)."
    response = post(
        client, f"/api/frameworks/competencies/{item_id}", {"statement_en": "Lead a team"}, "patch"
    )
    assert response.json()["statement_en"] == "Lead a team"
    assert client.delete(f"/api/frameworks/competencies/{item_id}").status_code == 204


@pytest.mark.django_db
def test_anonymous_gets_401(client):
    assert client.get("/api/frameworks/frameworks").status_code == 401
    assert client.get("/api/reserve/rules").status_code == 401


@pytest.mark.django_db
def test_rules_read_and_write(client, institution, other_institution, make_user, framework):
    competency = CompetencyFactory(framework=framework, code="C1")
    TeachingUnitFactory(programme__institution=institution, code="UE-SST")
    activity = ActivityTypeFactory(code="preparation-militaire")
    approved = RecognitionRuleFactory(
        institution=institution, framework=framework, activity_type=activity, approved=True
    )
    RecognitionRuleFactory(institution=other_institution, approved=True)

    client.force_login(make_user(Role.STUDENT))
    assert [r["id"] for r in client.get("/api/reserve/rules").json()] == [approved.pk]
    assert client.get("/api/reserve/activity-types").json()[0]["code"] == "preparation-militaire"

    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    payload = {
        "title_fr": "PMI",
        "framework_id": framework.pk,
        "activity_type": "preparation-militaire",
        "ects_mode": "per_day",
        "ects_value": "0.25",
        "ects_cap": "3",
        "competencies": [{"competency_id": competency.pk, "level_rank": 2}],
        "exempted_unit_codes": ["UE-SST"],
        "valid_from": "2026-09-01",
    }
    response = post(client, "/api/reserve/rules", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["competencies"][0]["level_rank"] == 2
    assert body["exempted_units"][0]["code"] == "UE-SST"
    rule = RecognitionRule.objects.get(pk=body["id"])
    assert rule.ects_for(20) == 3
    response = post(client, f"/api/reserve/rules/{rule.pk}", {"min_days": 10}, "patch")
    assert response.json()["min_days"] == 10
    assert post(client, "/api/reserve/rules", {**payload, "activity_type": "nope"}).status_code == 422
    assert post(client, f"/api/reserve/rules/{approved.pk}", {"min_days": 3}, "patch").status_code == 422
    assert RecognitionRule.objects.get(pk=approved.pk).status == RuleStatus.APPROVED


@pytest.mark.django_db
def test_rule_validity_is_checked(client, institution, make_user, framework):
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    ActivityTypeFactory(code="mission")
    response = post(
        client,
        "/api/reserve/rules",
        {
            "title_fr": "X",
            "framework_id": framework.pk,
            "activity_type": "mission",
            "valid_from": date(2026, 9, 1).isoformat(),
            "valid_until": "2025-01-01",
        },
    )
    assert response.status_code == 422 and "valid_until" in response.json()["detail"]
