"""The elective: sessions, enrolment with capacity and waiting list, attendance, grades, credential."""

import datetime
from decimal import Decimal

import pytest

from parcours.accounts.enums import Role
from parcours.track import services
from parcours.track.enums import AttendanceStatus, CourseResult, EnrolmentStatus
from parcours.track.models import Enrolment
from parcours.track.services import TrackError

from .factories import build_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(institution):
    school = build_school(institution)
    services.course_update(course=school.course, actor=school.teacher, capacity=2)
    return school


@pytest.fixture
def students(make_user):
    return [make_user(Role.STUDENT, last_name=f"Élève{i}") for i in range(4)]


def test_enrolment_beyond_capacity_goes_to_the_waiting_list_and_a_withdrawal_lets_the_first_in(
    school, students
):
    course = school.course
    enrolments = [services.enrolment_request(course=course, student=s, actor=s) for s in students]
    assert [e.status for e in enrolments] == [EnrolmentStatus.ENROLLED] * 2 + [EnrolmentStatus.WAITLISTED] * 2
    assert services.waiting_position(enrolments[3]) == 2
    with pytest.raises(TrackError, match="Already on the waiting list"):
        services.enrolment_request(course=course, student=students[2], actor=students[2])
    with pytest.raises(TrackError, match=r"The course is full \(2/2\)"):
        services.enrolment_promote(enrolment=enrolments[2], actor=school.teacher)
    services.enrolment_withdraw(enrolment=enrolments[0], actor=students[0])
    statuses = dict(Enrolment.objects.values_list("student_id", "status"))
    assert statuses[students[2].pk] == EnrolmentStatus.ENROLLED
    assert statuses[students[3].pk] == EnrolmentStatus.WAITLISTED
    with pytest.raises(TrackError, match="2 students are already enrolled") as caught:
        services.course_update(course=course, actor=school.teacher, capacity=1)
    assert caught.value.field == "capacity"
    services.course_update(course=course, actor=school.teacher, capacity=3)
    assert Enrolment.objects.get(student=students[3]).status == EnrolmentStatus.ENROLLED


def test_only_students_of_the_institution_enrol_and_closed_courses_refuse(
    school, other_institution, make_user
):
    stranger = make_user(Role.STUDENT, inst=other_institution)
    with pytest.raises(TrackError, match="Only students of the institution"):
        services.enrolment_request(course=school.course, student=stranger, actor=stranger)
    services.course_update(course=school.course, actor=school.teacher, enrolment_open=False)
    student = make_user(Role.STUDENT)
    with pytest.raises(TrackError, match="closed"):
        services.enrolment_request(course=school.course, student=student, actor=student)


def test_a_course_cannot_take_the_code_of_another_course_of_the_year(school):
    other = services.course_create(
        institution=school.institution,
        actor=school.teacher,
        academic_year=2026,
        code="DEF-2",
        title_fr="Autre cours",
        capacity=10,
    )
    with pytest.raises(TrackError, match="already exists for this year") as caught:
        services.course_update(course=other, actor=school.teacher, code="DEF-ING")
    assert caught.value.field == "code"
    other.refresh_from_db()
    assert other.code == "DEF-2"


def test_course_values_are_checked(school, make_user):
    with pytest.raises(TrackError) as caught:
        services.course_update(course=school.course, actor=school.teacher, pass_mark=Decimal("25"))
    assert caught.value.field == "pass_mark"
    with pytest.raises(TrackError, match="do not manage"):
        services.course_update(course=school.course, actor=make_user(Role.TEACHER), capacity=5)
    with pytest.raises(TrackError) as caught:
        services.session_create(
            course=school.course,
            actor=school.teacher,
            date=datetime.date(2026, 11, 1),
            duration_minutes=5,
            topic="x",
        )
    assert caught.value.field == "duration_minutes"


def test_attendance_and_grades_give_the_result(school, students):
    course = school.course
    services.course_update(course=course, actor=school.teacher, min_attendance_percent=60)
    a, b = (services.enrolment_request(course=course, student=s, actor=s) for s in students[:2])
    sessions = list(course.sessions.all())
    for session in sessions:
        services.attendance_record(
            session=session,
            actor=school.teacher,
            statuses={a.pk: AttendanceStatus.PRESENT, b.pk: AttendanceStatus.ABSENT},
        )
    services.attendance_record(
        session=sessions[0], actor=school.teacher, statuses={b.pk: AttendanceStatus.EXCUSED}
    )
    changed = services.grades_record(course=course, actor=school.teacher, grades={a.pk: "12,5", b.pk: "15"})
    assert len(changed) == 2
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.grade, a.result) == (Decimal("12.50"), CourseResult.PASSED)
    assert b.result == CourseResult.FAILED  # 33 % attendance, below the 60 % required
    with pytest.raises(TrackError, match="scale and the pass mark"):
        services.course_update(course=course, actor=school.teacher, pass_mark=Decimal("8"))
    with pytest.raises(TrackError, match="withdrawn"):
        services.enrolment_withdraw(enrolment=a, actor=students[0])


def test_a_grade_outside_the_scale_is_refused_and_nothing_is_written(school, students):
    a, b = (services.enrolment_request(course=school.course, student=s, actor=s) for s in students[:2])
    with pytest.raises(TrackError) as caught:
        services.grades_record(course=school.course, actor=school.teacher, grades={a.pk: "14", b.pk: "21"})
    assert "21 is outside the grading scale (0 to 20" in str(caught.value)
    assert str(students[1]) in str(caught.value)
    with pytest.raises(TrackError, match="is not a grade"):
        services.grades_record(course=school.course, actor=school.teacher, grades={a.pk: "abc"})
    assert not Enrolment.objects.exclude(grade=None).exists()


def test_passing_issues_the_course_credential_and_failing_later_revokes_it(
    school, students, django_capture_on_commit_callbacks
):
    from parcours.credentials.api import credentials_for_source
    from tests.credentials.factories import ensure_issuer

    ensure_issuer(school.institution)
    enrolment = services.enrolment_request(course=school.course, student=students[0], actor=students[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "16"})
    credential = credentials_for_source("track.enrolment", str(enrolment.pk)).get()
    assert credential.status == "active" and credential.holder == students[0]
    assert credential.achievement["kind"] == "course" and credential.achievement["ects"] == 2.0
    with django_capture_on_commit_callbacks(execute=True):
        services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "6"})
    credential.refresh_from_db()
    assert credential.status == "revoked"
