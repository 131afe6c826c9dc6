"""Rule sets: typed criteria, validation of rules that cannot be satisfied or contradict themselves, approval."""

from decimal import Decimal

import pytest

from parcours.audit.models import AuditEvent
from parcours.track import services
from parcours.track.enums import CriterionKind, RuleSetStatus
from parcours.track.rules import blocking, rule_set_problems
from parcours.track.services import TrackError

from .factories import build_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(institution):
    return build_school(institution, approve=False)


def messages(rule_set):
    return " ".join(p.message for p in blocking(rule_set_problems(rule_set)))


def test_standard_rules_have_no_problem_and_are_approved_by_the_director(school):
    rule_set = school.rule_set
    assert messages(rule_set) == ""
    with pytest.raises(TrackError, match="director of studies"):
        services.rule_set_transition(rule_set=rule_set, name="approve", actor=school.engineer)
    services.rule_set_transition(rule_set=rule_set, name="approve", actor=school.director)
    rule_set.refresh_from_db()
    assert rule_set.status == RuleSetStatus.APPROVED and rule_set.approved_by == school.director
    assert rule_set.transitions.get().target == RuleSetStatus.APPROVED
    assert AuditEvent.objects.filter(action="track.rule_set.approved").exists()
    with pytest.raises(TrackError, match="cannot be changed"):
        services.criterion_add(
            rule_set=rule_set, actor=school.engineer, kind=CriterionKind.RESERVE_DAYS, count=3
        )


def test_more_competencies_than_the_blocks_hold_cannot_be_satisfied(school):
    criterion = school.rule_set.criteria.get(kind=CriterionKind.COMPETENCIES)
    criterion.count = 5
    criterion.save()
    assert "cannot be satisfied" in messages(school.rule_set)
    assert "holds only 3 competencies" in messages(school.rule_set)
    with pytest.raises(TrackError, match="cannot be approved"):
        services.rule_set_transition(rule_set=school.rule_set, name="approve", actor=school.director)
    school.rule_set.refresh_from_db()
    assert school.rule_set.status == RuleSetStatus.DRAFT


def test_two_thresholds_on_the_same_measure_contradict_each_other(school):
    services.criterion_add(
        rule_set=school.rule_set, actor=school.engineer, kind=CriterionKind.RESERVE_DAYS, count=40
    )
    text = messages(school.rule_set)
    assert "contradict each other" in text and "20" in text and "40" in text


def test_thresholds_beyond_what_studies_allow(school):
    rule_set = school.rule_set
    rule_set.criteria.filter(kind=CriterionKind.ESR_MONTHS).update(count=48)
    rule_set.criteria.filter(kind=CriterionKind.RESERVE_DAYS).update(count=600)
    rule_set.criteria.filter(kind=CriterionKind.RESERVE_ECTS).update(ects=Decimal("200"))
    text = messages(rule_set)
    assert "studies last 3 years (36 months)" in text
    assert "at most 150 days a year" in text
    assert "180 ECTS" in text


def test_levels_and_blocks_must_come_from_the_rule_sets_framework(school, other_institution):
    from tests.recognition.factories import FrameworkFactory, levels_for

    foreign = levels_for(FrameworkFactory(institution=other_institution))
    with pytest.raises(TrackError) as caught:
        services.criterion_add(
            rule_set=school.rule_set,
            actor=school.engineer,
            kind=CriterionKind.COMPETENCIES,
            count=1,
            min_level=foreign[0],
        )
    assert caught.value.field == "min_level"
    with pytest.raises(TrackError, match="not a block"):
        services.criterion_add(
            rule_set=school.rule_set,
            actor=school.engineer,
            kind=CriterionKind.COMPETENCIES,
            count=1,
            blocks=[school.competencies[0]],
        )
    with pytest.raises(TrackError) as caught:
        services.criterion_add(
            rule_set=school.rule_set, actor=school.engineer, kind=CriterionKind.RESERVE_ECTS, ects=0
        )
    assert caught.value.field == "ects"


def test_empty_rule_set_and_identical_criteria(school, make_user):
    from parcours.accounts.enums import Role

    empty = services.rule_set_create(
        institution=school.institution,
        actor=school.engineer,
        academic_year=2027,
        title="Vide",
        framework=school.framework,
    )
    assert "no criterion" in messages(empty)
    for _ in range(2):
        services.criterion_add(
            rule_set=empty, actor=school.engineer, kind=CriterionKind.COMPETENCIES, count=2
        )
    assert "identical" in messages(empty)
    with pytest.raises(TrackError, match="pedagogical engineer"):
        services.criterion_add(
            rule_set=empty, actor=make_user(Role.TEACHER), kind=CriterionKind.RESERVE_DAYS, count=2
        )


def test_approving_a_new_set_retires_the_previous_one_and_copies_keep_criteria(school):
    services.rule_set_transition(rule_set=school.rule_set, name="approve", actor=school.director)
    school.rule_set.refresh_from_db()
    copy = services.rule_set_create(
        institution=school.institution,
        actor=school.engineer,
        academic_year=2026,
        title="v2",
        copy_from=school.rule_set,
    )
    assert copy.criteria.count() == 5
    assert list(copy.criteria.get(kind=CriterionKind.COMPETENCIES).blocks.all()) == [school.blocks[0]]
    services.rule_set_transition(rule_set=copy, name="approve", actor=school.director)
    school.rule_set.refresh_from_db()
    assert school.rule_set.status == RuleSetStatus.RETIRED
    assert "v2" in school.rule_set.transitions.last().comment
    with pytest.raises(TrackError, match="Say why"):
        services.rule_set_transition(rule_set=copy, name="retire", actor=school.director)


def test_elective_without_a_course_is_a_warning_not_a_blocker(institution):
    school = build_school(institution, approve=False, with_course=False)
    problems = rule_set_problems(school.rule_set)
    assert any("No elective course" in p.message and not p.blocking for p in problems)
    assert not blocking(problems)
