"""The HTML pages: what each role sees and can do, errors shown on the form, another school's object is a 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.track import services
from parcours.track.enums import EnrolmentStatus
from parcours.track.models import Enrolment

from .factories import build_school, complete_student, make_student, period

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(institution):
    return build_school(institution)


def test_student_page_shows_done_missing_and_pending(client, school):
    student, profile = make_student(school)
    period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    client.force_login(student)
    page = client.get(reverse("track_home")).content.decode()
    assert 'id="track-criteria"' in page
    assert page.count('data-state="missing"') == 4 and page.count('data-state="done"') == 1
    assert reverse("track_supplement_download") not in page  # nothing issued yet
    assert client.get(reverse("track_supplement_download")).status_code == 404


def test_enrolment_beyond_capacity_says_so(client, school, make_user):
    services.course_update(course=school.course, actor=school.teacher, capacity=1)
    first, second = make_user(Role.STUDENT), make_user(Role.STUDENT)
    services.enrolment_request(course=school.course, student=first, actor=first)
    client.force_login(second)
    response = client.post(reverse("track_course_enrol", args=[school.course.pk]), follow=True)
    assert "you are number 1 on the waiting list" in response.content.decode()
    assert Enrolment.objects.get(student=second).status == EnrolmentStatus.WAITLISTED


def test_grade_outside_the_scale_is_shown_and_nothing_written(client, school, make_user):
    student = make_user(Role.STUDENT, first_name="Léa", last_name="Roux")
    enrolment = services.enrolment_request(course=school.course, student=student, actor=student)
    client.force_login(school.teacher)
    response = client.post(
        reverse("track_course_grades", args=[school.course.pk]), {f"grade-{enrolment.pk}": "23"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Léa Roux: 23 is outside the grading scale (0 to 20)" in page
    enrolment.refresh_from_db()
    assert enrolment.grade is None


def test_another_institutions_course_is_a_404(client, school, other_institution, make_user):
    client.force_login(make_user(Role.STUDENT, inst=other_institution))
    assert client.get(reverse("track_course_detail", args=[school.course.pk])).status_code == 404
    assert client.get(reverse("track_course_manage", args=[school.course.pk])).status_code == 403
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER, inst=other_institution))
    assert client.get(reverse("track_course_manage", args=[school.course.pk])).status_code == 404


def test_cohort_overview_has_a_bounded_number_of_queries(client, school):
    for _ in range(2):
        complete_student(school)
    client.force_login(school.engineer)
    url = reverse("track_cohort", args=[school.cohort.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        complete_student(school)
    make_student(school)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert page.count('href="/track/students/') == 7
    overview = client.get(reverse("track_overview")).content.decode()
    assert school.cohort.label in overview


def test_rule_set_page_explains_problems_and_the_director_approves(client, school):
    draft = services.rule_set_create(
        institution=school.institution, actor=school.engineer, academic_year=2027, title="Brouillon 2027"
    )
    client.force_login(school.engineer)
    url = reverse("track_rule_set", args=[draft.pk])
    assert "no criterion" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "competencies",
            "count": "9",
            "min_level": school.levels[1].pk,
            "blocks": [school.blocks[0].pk],
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "cannot be satisfied" in page and "holds only 3" in page
    assert "Approve the rules" not in page  # the engineer cannot approve
    client.force_login(school.director)
    response = client.post(reverse("track_rule_set_transition", args=[draft.pk, "approve"]), follow=True)
    assert "cannot be approved" in response.content.decode()


def test_jury_awards_from_the_awards_page_and_the_sis_export(client, school):
    student, _ = complete_student(school)
    client.force_login(school.director)
    page = client.get(reverse("track_awards")).content.decode()
    assert str(student) in page
    response = client.post(
        reverse("track_award_create", args=[student.pk]), {"next": "awards", "minutes": ""}
    )
    assert response.status_code == 302 and response["Location"] == reverse("track_awards")
    assert student.track_awards.get().status == "awarded"
    export = client.get(reverse("track_sis_export"))
    lines = export.content.decode().splitlines()
    assert lines[0] == "student_number,element_code,ects,result,decision_reference,student_email"
    assert any(",DEF-ING,2,ADM," in line for line in lines)


def test_batch_page_shows_failures(client, school, django_capture_on_commit_callbacks):
    complete_student(school)
    make_student(school, first_name="Sans", last_name="Décision")
    client.force_login(school.engineer)
    with django_capture_on_commit_callbacks(execute=True):  # the batch task runs after commit
        response = client.post(reverse("track_supplement_batches"), {"cohort": school.cohort.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Sans Décision" in page and "no signed recognition decision" in page
    assert "data-track-refresh" not in page  # done: no more refreshing


def test_engagement_plan_counts_reserve_days_and_refuses_dates_outside_the_year(client, school):
    student, profile = make_student(school)
    period(profile, school.activity_type, datetime.date(2026, 10, 5), 4)
    client.force_login(student)
    url = reverse("track_engagement")
    response = client.post(url, {"action": "activity", "title": "Tutorat", "date": "2024-01-10", "days": "2"})
    assert "The date must fall within the academic year" in response.content.decode()
    client.post(url, {"action": "activity", "title": "Tutorat", "date": "2026-11-10", "days": "2,5"})
    page = client.get(url).content.decode()
    assert "6.5 of 10 days of engagement" in page
