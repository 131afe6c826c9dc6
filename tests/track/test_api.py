"""The track API: progress, rules with their problems, enrolment, grades, award, supplement."""

import pytest

from parcours.accounts.enums import Role
from tests.factories import InstitutionFactory

from .factories import build_school, complete_student, make_student

pytestmark = pytest.mark.django_db

BASE = "/api/track"


@pytest.fixture
def school(institution):
    return build_school(institution)


def test_student_progress_and_enrolment(client, school, make_user):
    student, _ = make_student(school)
    client.force_login(student)
    progress = client.get(f"{BASE}/progress").json()
    assert progress["status"] == "in_progress" and len(progress["criteria"]) == 5
    assert {c["kind"]: c["state"] for c in progress["criteria"]}["esr_months"] == "done"
    response = client.post(f"{BASE}/courses/{school.course.pk}/enrolments", content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "enrolled"
    again = client.post(f"{BASE}/courses/{school.course.pk}/enrolments", content_type="application/json")
    assert again.status_code == 400 and "Already enrolled" in again.json()["detail"]
    client.force_login(make_user(Role.STUDENT, inst=InstitutionFactory()))
    assert client.get(f"{BASE}/courses/{school.course.pk}").status_code == 404


def test_teacher_grades_through_the_api(client, school, make_user):
    student = make_user(Role.STUDENT)
    client.force_login(student)
    enrolment_id = client.post(
        f"{BASE}/courses/{school.course.pk}/enrolments", content_type="application/json"
    ).json()["id"]
    client.force_login(school.teacher)
    bad = client.post(
        f"{BASE}/courses/{school.course.pk}/grades",
        {"grades": {str(enrolment_id): "25"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"].startswith("grades:")
    good = client.post(
        f"{BASE}/courses/{school.course.pk}/grades",
        {"grades": {str(enrolment_id): "12"}},
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()[0]["result"] == "passed"
    client.force_login(make_user(Role.TEACHER))  # not a teacher of this course
    assert client.get(f"{BASE}/courses/{school.course.pk}/enrolments").status_code == 403


def test_rules_award_and_supplement(client, school):
    client.force_login(school.engineer)
    created = client.post(
        f"{BASE}/rule-sets",
        {"institution": school.institution.slug, "academic_year": 2027, "title": "2027"},
        content_type="application/json",
    )
    assert created.status_code == 201
    rule_set_id = created.json()["id"]
    response = client.post(
        f"{BASE}/rule-sets/{rule_set_id}/criteria",
        {"kind": "reserve_days", "count": 900},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert any("cannot be satisfied" in p["message"] and p["blocking"] for p in response.json()["problems"])
    client.force_login(school.director)
    refused = client.post(
        f"{BASE}/rule-sets/{rule_set_id}/transitions/approve", {}, content_type="application/json"
    )
    assert refused.status_code == 400 and "cannot be approved" in refused.json()["detail"]

    student, _ = complete_student(school)
    cohort = client.get(f"{BASE}/cohorts/{school.cohort.pk}/progress").json()
    assert cohort["counts"]["complete"] == 1
    award = client.post(f"{BASE}/awards", {"student_id": student.pk}, content_type="application/json")
    assert award.status_code == 201 and award.json()["reference"].startswith("MIR-")
    supplement = client.post(f"{BASE}/students/{student.pk}/supplement", content_type="application/json")
    assert supplement.status_code == 202 and supplement.json()["revision"] == 1
