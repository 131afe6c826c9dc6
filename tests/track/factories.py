"""Factories and builders for the track tests: a framework with blocks, rule sets, decisions, the elective."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Cohort, Membership
from parcours.frameworks.models import Competency
from parcours.recognition.models import (
    Decision,
    DecisionCompetency,
    JurySession,
    RecognitionRequest,
    ValidatedActivity,
)
from parcours.track import services
from parcours.track.enums import CriterionKind
from parcours.track.models import Course, CourseSession, TrackRuleSet
from tests.factories import CohortFactory, ProgrammeFactory, user_with_role
from tests.recognition.factories import (
    ActivityTypeFactory,
    CompetencyFactory,
    FrameworkFactory,
    PeriodFactory,
    ProfileFactory,
    levels_for,
)


@dataclass
class School:
    institution: object
    framework: object
    levels: list
    blocks: list
    competencies: list  # 3 per block
    cohort: Cohort
    engineer: object
    director: object
    teacher: object
    activity_type: object
    rule_set: TrackRuleSet | None = None
    course: Course | None = None
    extra: dict = field(default_factory=dict)


def build_school(institution, *, approve: bool = True, with_course: bool = True) -> School:
    framework = FrameworkFactory(institution=institution)
    levels = levels_for(framework)
    blocks, competencies = [], []
    for index in range(2):
        block = Competency.objects.create(
            framework=framework,
            identifier=f"bloc-{index + 1}",
            code=f"B{index + 1}",
            item_type="block",
            statement_fr=f"Bloc {index + 1} — Agir en situation de crise",
            statement_en=f"Block {index + 1} — Acting in a crisis",
        )
        blocks.append(block)
        for _n in range(3):
            competencies.append(CompetencyFactory(framework=framework, parent=block))
    programme = ProgrammeFactory(institution=institution, ects_total=180)
    cohort = CohortFactory(
        programme=programme, code="ING3", label="3e année", academic_year=2026, graduation_year=2027
    )
    engineer = user_with_role(Role.PEDAGOGICAL_ENGINEER, institution)
    director = user_with_role(Role.DIRECTOR_OF_STUDIES, institution, first_name="Marc", last_name="Lefèvre")
    teacher = user_with_role(Role.TEACHER, institution, first_name="Julien", last_name="Moreau")
    school = School(
        institution,
        framework,
        levels,
        blocks,
        competencies,
        cohort,
        engineer,
        director,
        teacher,
        ActivityTypeFactory(),
    )
    if with_course:
        school.course = services.course_create(
            institution=institution,
            actor=teacher,
            academic_year=2026,
            code="DEF-ING",
            title_fr="Compétences de la défense nationale pour l'ingénieur",
            title_en="National defence competencies for engineers",
            partners="Garde nationale, IHEDN",
            capacity=30,
            ects=Decimal("2"),
        )
        for day in range(3):
            CourseSession.objects.create(
                course=school.course,
                date=datetime.date(2026, 10, 1 + day),
                duration_minutes=180,
                topic=f"Séance {day + 1}",
                speaker="Colonel Martin",
                speaker_organisation="Garde nationale",
            )
    school.rule_set = standard_rules(school, approve=approve)
    return school


def standard_rules(school: School, *, approve: bool = True) -> TrackRuleSet:
    rule_set = services.rule_set_create(
        institution=school.institution,
        actor=school.engineer,
        academic_year=2026,
        title="Parcours ingénieur réserviste 2026",
        framework=school.framework,
    )
    criterion = services.criterion_add(
        rule_set=rule_set,
        actor=school.engineer,
        kind=CriterionKind.COMPETENCIES,
        count=2,
        min_level=school.levels[1],
    )
    criterion.blocks.set([school.blocks[0]])
    services.criterion_add(
        rule_set=rule_set, actor=school.engineer, kind=CriterionKind.RESERVE_ECTS, ects=Decimal("3")
    )
    services.criterion_add(rule_set=rule_set, actor=school.engineer, kind=CriterionKind.ELECTIVE_PASSED)
    services.criterion_add(rule_set=rule_set, actor=school.engineer, kind=CriterionKind.ESR_MONTHS, count=12)
    services.criterion_add(
        rule_set=rule_set, actor=school.engineer, kind=CriterionKind.RESERVE_DAYS, count=20
    )
    if approve:
        services.rule_set_transition(rule_set=rule_set, name="approve", actor=school.director)
        rule_set.refresh_from_db()
    return rule_set


def make_student(
    school: School, *, esr_start=datetime.date(2025, 1, 1), esr_end=datetime.date(2029, 12, 31), **fields
):
    student = user_with_role(Role.STUDENT, school.institution, **fields)
    Membership.objects.filter(user=student).update(cohort=school.cohort)
    profile = ProfileFactory(
        user=student,
        institution=school.institution,
        esr_start=esr_start,
        esr_end=esr_end,
        unit="2e RIMa",
        rank="Caporal",
    )
    return student, profile


def period(profile, activity_type, start: datetime.date, days: int, **fields):
    return PeriodFactory(
        profile=profile,
        activity_type=activity_type,
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        **fields,
    )


def sign_decision(
    school: School, student, periods, competency_levels, *, ects="3", outcome="validated", units=()
):
    """A decided request with a current signed decision (written directly: the recognition app is tested elsewhere)."""
    now = timezone.now()
    session = JurySession.objects.filter(
        institution=school.institution
    ).first() or JurySession.objects.create(
        institution=school.institution,
        title="Jury de validation",
        date=datetime.date(2027, 1, 20),
        chair=school.director,
    )
    request = RecognitionRequest.objects.create(
        holder=student,
        institution=school.institution,
        title="Reconnaissance de ma PMI",
        status="decided",
        outcome=outcome,
        submitted_at=now,
        decided_at=now,
        session=session,
    )
    request.periods.set(periods)
    decision = Decision.objects.create(
        request=request,
        session=session,
        outcome=outcome,
        signed_by=school.director,
        signed_at=now,
        reason="" if outcome != "refused" else "Hors référentiel",
    )
    if outcome != "refused":
        for index, item in enumerate(periods):
            activity = ValidatedActivity.objects.create(
                decision=decision,
                period=item,
                ects=Decimal(ects) if index == 0 else Decimal(0),
                wording_fr="Préparation militaire validée au titre du diplôme",
                wording_en="Military preparation recognised towards the diploma",
            )
            if index == 0 and units:
                activity.exempted_units.set(units)
        for competency, level in competency_levels:
            DecisionCompetency.objects.create(decision=decision, competency=competency, level=level)
    return decision


def pending_request(school: School, student, periods):
    request = RecognitionRequest.objects.create(
        holder=student,
        institution=school.institution,
        title="En attente",
        status="in_jury",
        submitted_at=timezone.now(),
    )
    request.periods.set(periods)
    return request


def complete_student(school: School, **fields):
    """A student who meets every criterion of the standard rules (elective passed included)."""
    student, profile = make_student(school, **fields)
    first = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    period(profile, school.activity_type, datetime.date(2026, 4, 1), 10)
    sign_decision(
        school,
        student,
        [first],
        [(school.competencies[0], school.levels[2]), (school.competencies[1], school.levels[1])],
    )
    enrolment = services.enrolment_request(course=school.course, student=student, actor=student)
    services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "14"})
    return student, profile
