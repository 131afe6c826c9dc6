"""Recognition rules: writing, approval (logged, immutable), versions, and which rules apply to an activity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.frameworks.enums import FrameworkStatus
from parcours.reserve.enums import EctsMode, RankBand, RuleStatus
from parcours.reserve.models import ActivityType, Force, PublicationDeadline, RuleTransition
from parcours.reserve.selectors import publication_deadline, rules_applicable_to, rules_visible_to
from parcours.reserve.services import rule_create, rule_delete, rule_new_version, rule_transition, rule_update
from tests.frameworks.factories import (
    ActivityTypeFactory,
    CompetencyFactory,
    ForceFactory,
    FrameworkFactory,
    LevelFactory,
    RecognitionRuleFactory,
    TeachingUnitFactory,
)


@pytest.fixture
def framework(institution):
    return FrameworkFactory(institution=institution, published=True)


@pytest.fixture
def engineer(make_user):
    return make_user(Role.PEDAGOGICAL_ENGINEER)


@pytest.fixture
def director(make_user):
    return make_user(Role.DIRECTOR_OF_STUDIES)


def draft(institution, engineer, framework, **values):
    competency = CompetencyFactory(framework=framework)
    level = LevelFactory(framework=framework, rank=2)
    defaults = {
        "framework": framework,
        "activity_type": ActivityTypeFactory(),
        "title_fr": "Préparation militaire",
        "ects_mode": EctsMode.PER_DAY,
        "ects_value": Decimal("0.25"),
        "ects_cap": Decimal("3"),
        "valid_from": date(2026, 9, 1),
    }
    return rule_create(
        institution=institution,
        actor=engineer,
        competencies=[(competency, level)],
        **{**defaults, **values},
    )


@pytest.mark.django_db
def test_reference_catalogue_loads_from_data_files_and_is_idempotent():
    call_command("load_reserve_catalogue", stdout=None)
    call_command("load_reserve_catalogue", stdout=None)
    assert Force.objects.filter(code="gendarmerie-nationale", name_fr="Gendarmerie nationale").exists()
    assert Force.objects.count() == 11
    names = set(ActivityType.objects.values_list("kind", flat=True))
    assert {
        "military_preparation",
        "initial_training",
        "specialisation",
        "mission",
        "team_leader_course",
    } <= names
    assert ActivityType.objects.get(code="preparation-militaire").typical_days == 12
    assert PublicationDeadline.objects.get().months_after_start == 2


@pytest.mark.django_db
def test_ects_fixed_or_per_day_with_cap(institution, engineer, framework):
    rule = draft(institution, engineer, framework)
    assert rule.ects_for(4) == Decimal("1.00")
    assert rule.ects_for(30) == Decimal("3")
    fixed = draft(institution, engineer, framework, ects_mode=EctsMode.FIXED, ects_value=Decimal("2"))
    assert fixed.ects_for(1) == fixed.ects_for(40) == Decimal("2")


@pytest.mark.django_db
def test_approval_is_logged_and_makes_the_rule_immutable(institution, engineer, director, framework):
    rule = draft(institution, engineer, framework)
    with pytest.raises(PermissionDenied):
        rule_transition(rule=rule, actor=engineer, name="approve")
    rule = rule_transition(rule=rule, actor=director, name="approve", note="Vu en conseil des études")
    assert rule.status == RuleStatus.APPROVED and rule.approved_by == director and rule.approved_at
    log = RuleTransition.objects.filter(rule=rule).last()
    assert (log.from_status, log.to_status, log.actor, log.comment) == (
        "draft",
        "approved",
        director,
        "Vu en conseil des études",
    )
    assert log.snapshot["competencies"][0]["level"] == 2
    event = AuditEvent.objects.get(action="recognition_rule.approved")
    assert event.actor == director and event.data["rule"]["title_fr"] == "Préparation militaire"

    with pytest.raises(ValidationError):
        rule_update(rule=rule, actor=engineer, title_fr="Changée")
    with pytest.raises(ValidationError):
        rule_delete(rule=rule, actor=engineer)


@pytest.mark.django_db
def test_a_change_is_a_new_version_that_replaces_the_old_once_approved(
    institution, engineer, director, framework
):
    rule = rule_transition(rule=draft(institution, engineer, framework), actor=director, name="approve")
    version2 = rule_new_version(rule=rule, actor=engineer)
    assert (version2.version, version2.status, version2.previous) == (2, RuleStatus.DRAFT, rule)
    assert version2.competencies.count() == 1
    with pytest.raises(ValidationError):
        rule_new_version(rule=rule, actor=engineer)
    rule_update(rule=version2, actor=engineer, ects_cap=Decimal("4"))
    rule_transition(rule=version2, actor=director, name="approve")
    rule.refresh_from_db()
    assert rule.status == RuleStatus.RETIRED
    assert list(rule.transitions.values_list("to_status", flat=True)) == ["draft", "approved", "retired"]


@pytest.mark.django_db
def test_rules_cannot_be_approved_on_a_draft_framework_or_empty(institution, engineer, director):
    framework = FrameworkFactory(institution=institution, status=FrameworkStatus.DRAFT)
    rule = draft(institution, engineer, framework)
    with pytest.raises(ValidationError, match="Publish the framework"):
        rule_transition(rule=rule, actor=director, name="approve")
    published = FrameworkFactory(institution=institution, published=True)
    empty = rule_create(
        institution=institution,
        actor=engineer,
        framework=published,
        activity_type=ActivityTypeFactory(),
        title_fr="Vide",
        valid_from=date(2026, 9, 1),
    )
    with pytest.raises(ValidationError, match="recognises nothing"):
        rule_transition(rule=empty, actor=director, name="approve")


@pytest.mark.django_db
def test_rules_only_use_their_own_framework_and_institution(
    institution, other_institution, engineer, framework
):
    foreign = CompetencyFactory(framework=FrameworkFactory(institution=other_institution))
    with pytest.raises(ValidationError) as error:
        rule_create(
            institution=institution,
            actor=engineer,
            framework=framework,
            activity_type=ActivityTypeFactory(),
            title_fr="X",
            valid_from=date(2026, 9, 1),
            competencies=[(foreign, None)],
        )
    assert "competencies" in error.value.message_dict
    unit = TeachingUnitFactory(programme__institution=other_institution)
    with pytest.raises(ValidationError) as error:
        rule_create(
            institution=institution,
            actor=engineer,
            framework=framework,
            activity_type=ActivityTypeFactory(),
            title_fr="X",
            valid_from=date(2026, 9, 1),
            exempted_units=[unit],
        )
    assert "exempted_units" in error.value.message_dict
    with pytest.raises(ValidationError):
        draft(institution, engineer, framework, valid_until=date(2026, 1, 1))


@pytest.mark.django_db
def test_rules_applicable_to_matches_restrictions(institution, other_institution, django_assert_num_queries):
    framework = FrameworkFactory(institution=institution, published=True)
    activity = ActivityTypeFactory(code="preparation-militaire")
    navy, army = ForceFactory(code="marine"), ForceFactory(code="terre")
    competency = CompetencyFactory(framework=framework)
    level = LevelFactory(framework=framework, rank=1)

    def make(title, **values):
        values = {"activity_type": activity, **values}
        return RecognitionRuleFactory(
            institution=institution,
            framework=framework,
            title_fr=title,
            approved=True,
            competencies=[(competency, level)],
            **values,
        )

    general = make("Générale")
    navy_only = make("Marine", force=navy)
    long_only = make("Longue", min_days=20)
    officers = make("Officiers", rank_band=RankBand.OFFICER)
    make("Expirée", valid_until=date(2026, 12, 31), valid_from=date(2026, 1, 1))
    make("Future", valid_from=date(2027, 9, 1))
    RecognitionRuleFactory(
        institution=institution, framework=framework, activity_type=activity, title_fr="Brouillon"
    )
    make("Autre activité", activity_type=ActivityTypeFactory())
    RecognitionRuleFactory(
        institution=other_institution, activity_type=activity, approved=True, title_fr="Autre école"
    )

    on = date(2027, 3, 1)
    found = rules_applicable_to(institution=institution, activity_type=activity, force=navy, days=12, on=on)
    assert set(found) == {general, navy_only}
    assert list(found)[0] == navy_only  # the most specific first
    assert set(
        rules_applicable_to(institution=institution, activity_type=activity, force=army, days=25, on=on)
    ) == {
        general,
        long_only,
    }
    assert set(
        rules_applicable_to(
            institution=institution, activity_type=activity, days=5, rank_band="officer", on=on
        )
    ) == {general, officers}
    assert set(rules_applicable_to(institution=institution, activity_type=activity, days=5, on=on)) == {
        general
    }

    rules = rules_applicable_to(institution=institution, activity_type=activity, force=navy, days=30, on=on)
    with django_assert_num_queries(3):  # rules, competencies with levels, exempted units
        for rule in rules:
            for link in rule.competencies.all():
                assert link.competency.code and link.level.rank == 1
            list(rule.exempted_units.all())


@pytest.mark.django_db
def test_students_see_approved_rules_only_and_never_another_schools(
    institution, other_institution, make_user
):
    approved = RecognitionRuleFactory(institution=institution, approved=True)
    drafted = RecognitionRuleFactory(institution=institution)
    RecognitionRuleFactory(institution=other_institution, approved=True)
    assert set(rules_visible_to(make_user(Role.STUDENT))) == {approved}
    assert set(rules_visible_to(make_user(Role.PEDAGOGICAL_ENGINEER))) == {approved, drafted}


@pytest.mark.django_db
def test_publication_deadline_is_two_months_after_the_start_of_the_year(institution):
    call_command("load_reserve_catalogue", stdout=None)
    deadline = publication_deadline(institution, 2026, today=date(2026, 10, 20))
    assert deadline.year_start == date(2026, 9, 1) and deadline.due == date(2026, 11, 1)
    assert deadline.days_left == 12 and deadline.is_near and not deadline.is_late
    assert publication_deadline(institution, 2026, today=date(2026, 9, 2)).is_near is False
    assert publication_deadline(institution, 2026, today=date(2026, 11, 2)).is_late
    met = publication_deadline(institution, 2026, today=date(2026, 11, 20), done_on=date(2026, 10, 15))
    assert met.is_met and not met.is_late
    institution.academic_year_start_month, institution.academic_year_start_day = 10, 31
    assert publication_deadline(institution, 2026, today=date(2026, 10, 1)).due == date(2026, 12, 31)
