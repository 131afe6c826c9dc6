"""End to end: a student follows the track to completion, the jury awards the mention, the student downloads
the bilingual diploma supplement, whose text (read back with pypdf) carries both languages' headings, the
mention and the competencies."""

import datetime
import io

import pypdf
import pytest
from django.conf import settings
from django.test import Client

from parcours.accounts.models import User

from .factories import build_school, make_student, period, sign_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user) -> None:
    """Open a session for ``user`` (the login form itself is tested in tests/web)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_student_completes_the_track_and_downloads_the_supplement(live_server, page, institution, tmp_path):
    from tests.credentials.factories import ensure_issuer

    ensure_issuer(institution)
    school = build_school(institution)
    User.objects.filter(pk__in=[school.teacher.pk, school.director.pk]).update(language="en")
    student, profile = make_student(school, first_name="Camille", last_name="Laurent", language="en")
    first = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    period(profile, school.activity_type, datetime.date(2026, 4, 1), 10)
    sign_decision(
        school,
        student,
        [first],
        [(school.competencies[0], school.levels[2]), (school.competencies[1], school.levels[1])],
    )

    # The student sees what is missing: only the elective.
    log_in(page, live_server, student)
    page.goto(f"{live_server.url}/track/")
    assert page.locator('[data-state="done"]').count() == 4
    assert page.locator('[data-state="missing"]').count() == 1
    page.get_by_role("link", name="National defence competencies for engineers").click()
    page.locator("#enrol-button").click()
    assert page.locator("#enrolment-status").text_content().strip() == "Enrolled"

    # The teacher grades the elective.
    log_in(page, live_server, school.teacher)
    page.goto(f"{live_server.url}/track/courses/{school.course.pk}/grades/")
    page.get_by_label("Camille Laurent").fill("15")
    page.locator("#grades-submit").click()
    page.wait_for_url(f"{live_server.url}/track/courses/{school.course.pk}/manage/")

    # Complete: every criterion is met.
    log_in(page, live_server, student)
    page.goto(f"{live_server.url}/track/")
    assert page.locator("#track-status").text_content().strip() == "Complete, awaiting the jury"

    # The jury awards the mention.
    log_in(page, live_server, school.director)
    page.goto(f"{live_server.url}/track/awards/")
    page.locator("#pending-awards").get_by_role("button", name="Award the mention").click()
    assert "mention is awarded to Camille Laurent" in page.content()

    # The student downloads the supplement.
    log_in(page, live_server, student)
    page.goto(f"{live_server.url}/track/")
    assert page.locator("#track-award").is_visible()
    with page.expect_download() as download:
        page.locator("#supplement-download").click()
    path = tmp_path / "supplement.pdf"
    download.value.save_as(path)
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in [
        "Supplément au diplôme",
        "Diploma Supplement",
        "Informations complémentaires",
        "Additional information",
        "Compétences reconnues et niveaux",
        "Recognised competencies and levels",
        "Mention « ingénieur réserviste » décernée",
        "“Ingénieur réserviste” (reservist engineer) distinction awarded",
        school.competencies[0].statement_fr,
        school.competencies[1].statement_en,
        "Camille Laurent",
    ]:
        assert expected in text, expected
