"""Rule pages: the engineer writes a draft with its competencies, the director approves it, nobody edits it after."""

from __future__ import annotations

import pytest
from django.urls import reverse

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


def formset(rows, prefix="competencies"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, (competency, level) in enumerate(rows):
        data[f"{prefix}-{index}-competency"] = competency.pk if competency else ""
        data[f"{prefix}-{index}-level"] = level.pk if level else ""
    return data


@pytest.mark.django_db
def test_engineer_writes_a_rule_and_the_director_approves_it(client, institution, make_user):
    framework = FrameworkFactory(institution=institution, published=True)
    competency = CompetencyFactory(framework=framework)
    level = LevelFactory(framework=framework, rank=3)
    activity = ActivityTypeFactory()
    unit = TeachingUnitFactory(programme__institution=institution)
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    client.force_login(engineer)
    page = client.get(reverse("rule_create")).content.decode()
    assert 'id="competency-picker"' in page and 'id="rule-suggestions"' in page

    data = {
        "title_fr": "Stage de chef d'équipe",
        "framework": framework.pk,
        "activity_type": activity.pk,
        "min_days": 5,
        "rank_band": "",
        "ects_mode": "fixed",
        "ects_value": "3",
        "exempted_units": [unit.pk],
        "internship_weeks_exempted": 0,
        "valid_from": "2026-09-01",
        **formset([(competency, level), (None, None)]),
    }
    response = client.post(reverse("rule_create"), data)
    rule = RecognitionRule.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("rule_detail", args=[rule.pk])
    assert [(link.competency, link.level) for link in rule.competencies.all()] == [(competency, level)]
    assert list(rule.exempted_units.all()) == [unit]

    director = make_user(Role.DIRECTOR_OF_STUDIES)
    client.force_login(director)
    html = client.get(reverse("rule_detail", args=[rule.pk])).content.decode()
    assert "Approve" in html
    client.post(reverse("rule_transition", args=[rule.pk, "approve"]), {"note": "Conseil du 8 octobre"})
    rule.refresh_from_db()
    assert rule.status == RuleStatus.APPROVED and rule.approved_by == director
    assert "Conseil du 8 octobre" in client.get(reverse("rule_detail", args=[rule.pk])).content.decode()

    client.force_login(engineer)
    response = client.get(reverse("rule_edit", args=[rule.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("rule_detail", args=[rule.pk])
    response = client.post(reverse("rule_new_version", args=[rule.pk]))
    new = RecognitionRule.objects.get(previous=rule)
    assert response["Location"] == reverse("rule_edit", args=[new.pk])


@pytest.mark.django_db
def test_rule_form_shows_service_errors_on_fields(client, institution, make_user):
    framework = FrameworkFactory(institution=institution, published=True)
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    data = {
        "title_fr": "Sans ECTS",
        "framework": framework.pk,
        "activity_type": ActivityTypeFactory().pk,
        "min_days": 0,
        "ects_mode": "fixed",
        "ects_value": "0",
        "internship_weeks_exempted": 0,
        "valid_from": "2026-09-01",
        **formset([]),
    }
    response = client.post(reverse("rule_create"), data)
    assert response.status_code == 200 and "Give the number of ECTS credits." in response.content.decode()
    assert not RecognitionRule.objects.exists()


@pytest.mark.django_db
def test_students_see_approved_rules_only(client, institution, make_user):
    approved = RecognitionRuleFactory(institution=institution, approved=True, title_fr="Règle approuvée")
    draft = RecognitionRuleFactory(institution=institution, title_fr="Règle brouillon")
    client.force_login(make_user(Role.STUDENT))
    html = client.get(reverse("rule_list")).content.decode()
    assert "Règle approuvée" in html and "Règle brouillon" not in html
    assert client.get(reverse("rule_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("rule_detail", args=[approved.pk])).status_code == 200


@pytest.mark.django_db
def test_rule_list_has_bounded_queries(client, institution, make_user, django_assert_max_num_queries):
    framework = FrameworkFactory(institution=institution, published=True)
    items = [CompetencyFactory(framework=framework) for _ in range(4)]
    for _ in range(15):
        RecognitionRuleFactory(
            institution=institution, framework=framework, approved=True, competencies=items
        )
    client.force_login(make_user(Role.DIRECTOR_OF_STUDIES))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("rule_list")).status_code == 200
