"""Progress per criterion (done / pending / missing, with explanations) and the track status, in bulk."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.track import services
from parcours.track.enums import CriterionKind, CriterionState, TrackStatus
from parcours.track.progress import months_between, progress_for_students, student_progress
from parcours.track.selectors import institution_overview

from .factories import build_school, complete_student, make_student, pending_request, period, sign_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(institution):
    return build_school(institution)


def states(progress):
    return {p.kind: p.state for p in progress.criteria}


def test_a_student_with_nothing_has_not_started(school, make_user):
    from parcours.accounts.enums import Role
    from parcours.accounts.models import Membership

    student = make_user(Role.STUDENT)
    Membership.objects.filter(user=student).update(cohort=school.cohort)
    progress = student_progress(school.rule_set, student)
    assert progress.status == TrackStatus.NOT_STARTED
    assert set(states(progress).values()) == {CriterionState.MISSING}
    assert "Not enrolled in the elective course yet." in [p.explanation for p in progress.criteria]


def test_complete_student_and_the_highest_level_counts_once(school):
    student, _profile = complete_student(school)
    progress = student_progress(school.rule_set, student)
    assert progress.status == TrackStatus.COMPLETE, progress.reasons
    competencies = next(p for p in progress.criteria if p.kind == CriterionKind.COMPETENCIES)
    assert (competencies.have, competencies.need) == (2, 2)
    assert next(p for p in progress.criteria if p.kind == CriterionKind.RESERVE_ECTS).have == Decimal("3")
    assert (
        "Passed with 14/20"
        in next(p for p in progress.criteria if p.kind == CriterionKind.ELECTIVE_PASSED).explanation
    )


def test_level_and_block_filters_and_pending_requests(school):
    student, profile = make_student(school)
    first = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    # One competency at level 1 (below the minimum) and one in the other block: neither counts.
    sign_decision(
        school,
        student,
        [first],
        [(school.competencies[0], school.levels[0]), (school.competencies[3], school.levels[3])],
    )
    progress = student_progress(school.rule_set, student)
    competencies = next(p for p in progress.criteria if p.kind == CriterionKind.COMPETENCIES)
    assert (competencies.have, competencies.state) == (0, CriterionState.MISSING)
    second = period(profile, school.activity_type, datetime.date(2026, 2, 1), 5)
    pending_request(school, student, [second])
    progress = student_progress(school.rule_set, student)
    competencies = next(p for p in progress.criteria if p.kind == CriterionKind.COMPETENCIES)
    assert competencies.state == CriterionState.PENDING
    assert "1 recognition request(s) awaiting a decision" in competencies.explanation
    assert progress.status == TrackStatus.IN_PROGRESS


def test_a_competency_counts_once_across_decisions_and_framework_versions(school):
    """The database counts distinct competencies (by code): validated twice, or in two versions of the
    framework under blocks with the same code, a competency still counts once."""
    from parcours.frameworks.models import Competency
    from tests.recognition.factories import CompetencyFactory, FrameworkFactory, levels_for

    student, profile = make_student(school)
    first = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    second = period(profile, school.activity_type, datetime.date(2026, 2, 1), 5)
    sign_decision(school, student, [first], [(school.competencies[0], school.levels[0])])
    progress = student_progress(school.rule_set, student)
    assert next(p for p in progress.criteria if p.kind == CriterionKind.COMPETENCIES).have == 0  # level 1 < 2
    sign_decision(school, student, [second], [(school.competencies[0], school.levels[2])])
    progress = student_progress(school.rule_set, student)
    assert next(p for p in progress.criteria if p.kind == CriterionKind.COMPETENCIES).have == 1

    newer = FrameworkFactory(institution=school.institution)
    block = Competency.objects.create(
        framework=newer, identifier="bloc-1-v2", code=school.blocks[0].code, item_type="block"
    )
    same = CompetencyFactory(framework=newer, parent=block, code=school.competencies[0].code)
    other = CompetencyFactory(framework=newer, parent=block)
    third = period(profile, school.activity_type, datetime.date(2026, 3, 1), 5)
    sign_decision(school, student, [third], [(same, levels_for(newer)[1]), (other, levels_for(newer)[1])])
    progress = student_progress(school.rule_set, student)
    competencies = next(p for p in progress.criteria if p.kind == CriterionKind.COMPETENCIES)
    assert (competencies.have, competencies.state) == (2, CriterionState.DONE)


def test_a_refused_decision_counts_nothing(school):
    student, profile = make_student(school)
    first = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    sign_decision(school, student, [first], [], outcome="refused")
    progress = student_progress(school.rule_set, student)
    assert next(p for p in progress.criteria if p.kind == CriterionKind.RESERVE_ECTS).have == 0


def test_esr_months_during_studies_done_pending_and_ended(school):
    assert months_between(datetime.date(2025, 1, 15), datetime.date(2025, 3, 14)) == 1
    student, profile = make_student(
        school, esr_start=datetime.date(2026, 6, 1), esr_end=datetime.date(2028, 6, 1)
    )
    esr = next(
        p for p in student_progress(school.rule_set, student).criteria if p.kind == CriterionKind.ESR_MONTHS
    )
    # Studies end in August 2027 (graduation 2027): 14 months of overlap are still reachable.
    assert esr.state == CriterionState.PENDING and "runs until 01/06/2028" in esr.explanation
    profile.esr_start, profile.esr_end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    profile.save()
    progress = student_progress(school.rule_set, student)
    esr = next(p for p in progress.criteria if p.kind == CriterionKind.ESR_MONTHS)
    assert (esr.state, esr.blocker, esr.have) == (CriterionState.MISSING, "esr_ended", 5)
    assert "ended on 30/06/2026" in esr.explanation
    assert progress.status == TrackStatus.STUCK
    assert any("ended on 30/06/2026" in reason for reason in progress.reasons)


def test_reserve_days_count_ended_periods_and_planned_ones_are_pending(school):
    student, profile = make_student(school)
    period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    days = next(
        p for p in student_progress(school.rule_set, student).criteria if p.kind == CriterionKind.RESERVE_DAYS
    )
    assert (days.have, days.state) == (12, CriterionState.MISSING)
    period(profile, school.activity_type, datetime.date(2030, 7, 1), 10, title="Mission planifiée")
    days = next(
        p for p in student_progress(school.rule_set, student).criteria if p.kind == CriterionKind.RESERVE_DAYS
    )
    assert (days.have, days.state) == (12, CriterionState.PENDING)
    assert "10 more days planned" in days.explanation


def test_failing_the_elective_makes_a_student_stuck(school):
    student, profile = make_student(school)
    enrolment = services.enrolment_request(course=school.course, student=student, actor=student)
    services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "8"})
    progress = student_progress(school.rule_set, student)
    elective = next(p for p in progress.criteria if p.kind == CriterionKind.ELECTIVE_PASSED)
    assert elective.blocker == "elective_failed" and "Not passed: 8/20" in elective.explanation
    assert progress.status == TrackStatus.STUCK


def test_cohort_progress_uses_a_bounded_number_of_queries(school):
    for _ in range(3):
        complete_student(school)
    make_student(school)
    from parcours.track.selectors import students_of

    with CaptureQueriesContext(connection) as small:
        progress_for_students(school.rule_set, students_of(school.institution).values("user_id"))
    for _ in range(6):
        complete_student(school)
    with CaptureQueriesContext(connection) as large:
        result = progress_for_students(school.rule_set, students_of(school.institution).values("user_id"))
    assert len(result) == 10
    assert len(large) <= len(small) <= 15
    overview = institution_overview(school.institution, school.rule_set)
    assert overview[0].counts[TrackStatus.COMPLETE] == 9 and overview[0].total == 10


def test_the_cohort_cache_follows_every_change(school):
    from parcours.track.selectors import students_of

    student, _ = make_student(school)
    scope = ("cohort", school.cohort.pk)
    ids = students_of(school.institution, school.cohort).values("user_id")
    first = progress_for_students(school.rule_set, ids, scope=scope)
    with CaptureQueriesContext(connection) as cached:
        assert progress_for_students(school.rule_set, ids, scope=scope) is first
    assert len(cached) == 7  # the fingerprint only
    enrolment = services.enrolment_request(course=school.course, student=student, actor=student)
    second = progress_for_students(school.rule_set, ids, scope=scope)
    elective = next(p for p in second[student.pk].criteria if p.kind == CriterionKind.ELECTIVE_PASSED)
    assert elective.state == CriterionState.PENDING
    services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "15"})
    third = progress_for_students(school.rule_set, ids, scope=scope)
    elective = next(p for p in third[student.pk].criteria if p.kind == CriterionKind.ELECTIVE_PASSED)
    assert elective.state == CriterionState.DONE


def test_the_fingerprint_is_each_institutions_own(school):
    """Its statements are recorded once with a placeholder id: each institution still gets its own."""
    from parcours.track.progress import data_fingerprint
    from tests.factories import InstitutionFactory

    other = build_school(InstitutionFactory(slug="autre-ecole"))
    mine, theirs = data_fingerprint(school.institution.pk), data_fingerprint(other.institution.pk)
    _student, profile = make_student(other)
    period(profile, other.activity_type, datetime.date(2025, 7, 1), 12)
    assert data_fingerprint(school.institution.pk) == mine
    assert data_fingerprint(other.institution.pk) != theirs
    _student, profile = make_student(school)
    assert data_fingerprint(school.institution.pk) != mine


def test_a_students_page_reuses_their_progress_until_anything_changes(school):
    student, _ = make_student(school)
    first = student_progress(school.rule_set, student, cached=True)
    with CaptureQueriesContext(connection) as cached:
        assert student_progress(school.rule_set, student, cached=True) is first
    assert len(cached) == 7  # the fingerprint only
    assert student_progress(school.rule_set, student) is not first  # decisions compute afresh
    enrolment = services.enrolment_request(course=school.course, student=student, actor=student)
    services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "15"})
    after = student_progress(school.rule_set, student, cached=True)
    elective = next(p for p in after.criteria if p.kind == CriterionKind.ELECTIVE_PASSED)
    assert elective.state == CriterionState.DONE


def test_the_cache_follows_a_profile_that_names_another_institution(school):
    """One profile per person: a student of this school may have declared it with another one."""
    from tests.factories import InstitutionFactory

    student, profile = make_student(school)
    profile.institution = InstitutionFactory(slug="autre-ecole")
    profile.save()

    def days():
        progress = student_progress(school.rule_set, student, cached=True)
        return next(p for p in progress.criteria if p.kind == CriterionKind.RESERVE_DAYS).have

    assert days() == 0
    period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    assert days() == 12
