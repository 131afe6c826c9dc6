"""The jury's award of the mention, the bilingual diploma supplement (read back with pypdf), batches, SIS export."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.documents.models import Document
from parcours.track import services
from parcours.track.enums import AwardStatus, BatchStatus, TrackStatus
from parcours.track.models import DiplomaSupplement, StudentNumber, SupplementBatch
from parcours.track.progress import student_progress
from parcours.track.selectors import current_supplement, sis_export_rows
from parcours.track.services import TrackError

from .factories import build_school, complete_student, make_student, period, sign_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(institution):
    return build_school(institution)


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_jury_awards_the_mention_only_when_the_track_is_complete(school, make_user):
    student, _profile = make_student(school)
    with pytest.raises(TrackError, match="The track is not complete") as caught:
        services.award_grant(student=student, institution=school.institution, actor=school.director)
    assert "Not enrolled in the elective course yet" in str(caught.value)
    done, _ = complete_student(school)
    with pytest.raises(TrackError, match="Only the director of studies"):
        services.award_grant(student=done, institution=school.institution, actor=school.engineer)
    award = services.award_grant(
        student=done, institution=school.institution, actor=school.director, minutes="Félicitations"
    )
    assert award.status == AwardStatus.AWARDED and award.reference.startswith("MIR-")
    assert [c["state"] for c in award.progress_snapshot["criteria"]] == ["done"] * 5
    assert AuditEvent.objects.filter(action="track.award.granted", target_id=str(award.pk)).exists()
    assert student_progress(school.rule_set, done).status == TrackStatus.AWARDED
    with pytest.raises(TrackError, match="already awarded"):
        services.award_grant(student=done, institution=school.institution, actor=school.director)
    stranger = make_user(Role.STAFF)
    with pytest.raises(TrackError, match="not a student"):
        services.award_grant(student=stranger, institution=school.institution, actor=school.director)
    with pytest.raises(TrackError, match="Say why"):
        services.award_revoke(award=award, actor=school.director, reason=" ")
    services.award_revoke(award=award, actor=school.director, reason="Erreur de saisie")
    award.refresh_from_db()
    assert award.status == AwardStatus.REVOKED


def test_award_issues_the_track_credential_and_a_supplement_with_the_mention(
    school, django_capture_on_commit_callbacks
):
    from parcours.credentials.api import credentials_for_source
    from tests.credentials.factories import ensure_issuer

    ensure_issuer(school.institution)
    student, _profile = complete_student(school, first_name="Camille", last_name="Laurent")
    StudentNumber.objects.create(institution=school.institution, user=student, number="21904567")
    with django_capture_on_commit_callbacks(execute=True):
        award = services.award_grant(student=student, institution=school.institution, actor=school.director)
    credential = credentials_for_source("track.award", str(award.pk)).get()
    assert credential.achievement["kind"] == "track"
    supplement = current_supplement(student, school.institution)
    document = Document.objects.get(public_id=supplement.document_public_id)
    assert document.kind == "diploma_supplement" and document.holder == student
    text = pdf_text(document)
    for expected in [
        "Supplément au diplôme",
        "Diploma Supplement",
        "Informations complémentaires",
        "Additional information",
        "Compétences reconnues et niveaux",
        "Recognised competencies and levels",
        "Mention « ingénieur réserviste » décernée",
        "distinction awarded",
        award.reference,
        "Camille Laurent",
        "21904567",
        school.competencies[0].statement_fr,
        school.competencies[0].statement_en,
        "3. Maîtrise",
        "Compétences de la défense nationale pour l'ingénieur",
        "14/20",
        "L611-9",
        "Marc Lefèvre",
        "/verify/document/",
    ]:
        assert expected in text, expected
    assert "2e RIMa" not in text and "Caporal" not in text  # never the unit nor the rank
    assert document.summary["items"][0].startswith("Mention « ingénieur réserviste »")


def test_no_supplement_without_a_decision_and_reissue_only_on_change(school):
    student, _profile = make_student(school, first_name="Hugo", last_name="Martin")
    with pytest.raises(TrackError, match="Hugo Martin has no signed recognition decision"):
        services.supplement_issue(student=student, institution=school.institution, actor=school.engineer)
    assert not DiplomaSupplement.objects.exists()
    done, _ = complete_student(school)
    first, created = services.supplement_issue(
        student=done, institution=school.institution, actor=school.engineer, generate_now=True
    )
    assert created and first.is_ready
    again, created = services.supplement_issue(
        student=done, institution=school.institution, actor=school.engineer
    )
    assert again.pk == first.pk and not created
    services.award_grant(student=done, institution=school.institution, actor=school.director)
    second, created = services.supplement_issue(
        student=done, institution=school.institution, actor=school.engineer, generate_now=True
    )
    assert created and second.revision == 2 and second.reference.endswith("-R2")
    old = Document.objects.get(public_id=first.document_public_id)
    assert old.is_revoked and "révision 2" in old.revoked_reason
    with pytest.raises(TrackError, match="Only the school staff"):
        services.supplement_issue(student=done, institution=school.institution, actor=school.teacher)


def test_a_batch_reports_the_student_who_fails_and_completes_the_others(school, tmp_path):
    good = [complete_student(school)[0] for _ in range(2)]
    bad, _ = make_student(school, first_name="Sans", last_name="Décision")
    batch = services.supplement_batch_create(
        institution=school.institution, cohort=school.cohort, actor=school.engineer
    )
    batch = services.supplement_batch_run(batch.pk)
    assert batch.status == BatchStatus.DONE
    assert (batch.total, batch.generated, batch.failed) == (3, 2, 1)
    assert (
        batch.failures[0]["student"] == "Sans Décision"
        and "no signed recognition decision" in batch.failures[0]["reason"]
    )
    assert all(current_supplement(s, school.institution) is not None for s in good)
    assert current_supplement(bad, school.institution) is None

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 supplement"):
        call_command(
            "diploma_supplements",
            "--institution",
            school.institution.slug,
            "--cohort",
            school.cohort.code,
            "--out",
            str(tmp_path / "pdf"),
            stdout=out,
            stderr=io.StringIO(),
        )
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == 2
    text = out.getvalue()
    assert "unchanged: 2" in text and "Sans Décision" in text
    assert SupplementBatch.objects.count() == 2


def test_the_command_explains_bad_arguments(school, tmp_path):
    with pytest.raises(CommandError, match="No institution “nope”"):
        call_command("diploma_supplements", "--institution", "nope", "--cohort", "X", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="No cohort “X”"):
        call_command(
            "diploma_supplements",
            "--institution",
            school.institution.slug,
            "--cohort",
            "X",
            "--out",
            str(tmp_path),
        )


def test_sis_export_rows(school):
    from parcours.frameworks.models import TeachingUnit

    unit = TeachingUnit.objects.create(
        programme=school.cohort.programme, code="SHS-204", title_fr="Engagement", ects=Decimal("3")
    )
    student, profile = make_student(school)
    StudentNumber.objects.create(institution=school.institution, user=student, number="21900001")
    first = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    decision = sign_decision(school, student, [first], [], units=[unit])
    enrolment = services.enrolment_request(course=school.course, student=student, actor=student)
    services.grades_record(course=school.course, actor=school.teacher, grades={enrolment.pk: "11"})
    rows = sis_export_rows(school.institution, school.cohort)
    reference = f"{decision.request.reference}-D{decision.pk}"
    assert [
        (r["student_number"], r["element_code"], r["ects"], r["result"], r["decision_reference"])
        for r in rows
    ] == [
        ("21900001", "RESERVE", "3", "VAL", reference),
        ("21900001", "SHS-204", "3", "DIS", reference),
        ("21900001", "DEF-ING", "2", "ADM", f"DEF-ING-2026-E{enrolment.pk}"),
    ]


def test_a_batch_reads_its_students_content_in_a_few_queries_whatever_their_number(school):
    from parcours.track.supplement import supplement_context, supplement_contexts

    students = [complete_student(school)[0] for _ in range(2)]
    without, _ = make_student(school, first_name="Sans", last_name="Décision")
    with CaptureQueriesContext(connection) as small:
        supplement_contexts([*students, without], school.institution)
    students += [complete_student(school)[0] for _ in range(3)]
    with CaptureQueriesContext(connection) as large:
        contexts = supplement_contexts([*students, without], school.institution)
    assert len(large) == len(small) <= 10
    assert all(contexts[s.pk] == supplement_context(s, school.institution) for s in students)
    assert isinstance(contexts[without.pk], TrackError) and "Sans Décision" in str(contexts[without.pk])


def test_every_page_of_a_supplement_carries_its_own_reference_and_verification_address(school):
    """The stylesheet is shared by every supplement: the footer's values come from each document."""
    documents = []
    for index in range(2):
        student, _ = complete_student(school, last_name=f"Étudiant{index}")
        row, _ = services.supplement_issue(
            student=student, institution=school.institution, actor=school.engineer, generate_now=True
        )
        documents.append((row, Document.objects.get(public_id=row.document_public_id)))
    for row, document in documents:
        with document.file.open("rb") as handle:
            reader = pypdf.PdfReader(io.BytesIO(handle.read()))
        assert len(reader.pages) <= 2
        footer = f"{row.reference} · Vérifiable sur / Verify at http"
        for page in reader.pages:
            text = " ".join(page.extract_text().split())
            assert footer in text and f"/verify/document/{document.public_id}" in text
