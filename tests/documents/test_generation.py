"""Generation: each kind in both languages, read back from the PDF; idempotency; request after commit."""

from __future__ import annotations

import hashlib
import io
import uuid

import pypdf
import pytest
from django.core.checks import run_checks

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.documents import registry
from parcours.documents.api import (
    DocumentContextError,
    document_request,
    document_revoke_for_source,
    documents_for_source,
    verify_document_url,
)
from parcours.documents.models import Document
from parcours.documents.rendering import render_pdf
from parcours.documents.samples import sample_context
from parcours.documents.tasks import generate_document

from .factories import issue

POISON_UNIT = "4e régiment de soutien secret"
POISON_RANK = "Sergent-chef"

EXPECTED_TEXT = {
    ("decision_letter", "fr"): [
        "Lettre de décision",
        "Validation accordée",
        "DEC-2026-0042",
        "REQ-2026-0017",
        "Dispense totale de l'UE SHS-204",
        "L611-9",
        "D611-7",
        "3 mai 2026",
        "Claire Martin",
        "Directrice des études",
        "4,5",
    ],
    ("decision_letter", "en"): [
        "Decision letter",
        "Recognition granted",
        "DEC-2026-0042",
        "How to appeal",
        "3 May 2026",
        "Director of Studies",
        "4.5",
    ],
    ("recognition_attestation", "fr"): [
        "Attestation de compétences reconnues",
        "ATT-2026-0042",
        "DEC-2026-0042",
        "Niveau 2 — Maîtrise",
        "Ingénieur généraliste",
    ],
    ("recognition_attestation", "en"): [
        "Certificate of recognised competencies",
        "ATT-2026-0042",
        "Level 2 — Proficient",
        "General engineering",
    ],
    ("jury_minutes", "fr"): [
        "Procès-verbal de jury",
        "PV-2026-03",
        "Lucas Moreau",
        "Validation partielle",
        "Membres présents (3)",
        "Inès Garcia",
    ],
    ("jury_minutes", "en"): [
        "Minutes of the jury",
        "PV-2026-03",
        "Lucas Moreau",
        "Partial recognition",
        "Members present (3)",
    ],
}


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def poisoned(kind: str) -> dict:
    context = sample_context(kind, unit=POISON_UNIT, rank=POISON_RANK, military_unit=POISON_UNIT)
    if "holder" in context:
        context["holder"] = {**context["holder"], "rank": POISON_RANK, "unit": POISON_UNIT}
    for key in ("items", "competencies", "requests"):
        for item in context.get(key, []):
            item["unit"] = POISON_UNIT
            item["rank"] = POISON_RANK
    return context


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", ["decision_letter", "recognition_attestation", "jury_minutes"])
def test_each_kind_renders_in_each_language(make_user, institution, kind, language):
    holder = (
        make_user(Role.STUDENT, first_name="Camille", last_name="Dupont") if kind != "jury_minutes" else None
    )
    document = registry.get(kind)
    result = generate_document.call(
        kind=kind,
        institution_id=institution.pk,
        holder_id=holder.pk if holder else None,
        source_type="tests.source",
        source_id="7",
        context=poisoned(kind),
        language=language,
    )
    generated = Document.objects.get(public_id=result)
    text = pdf_text(generated)
    for expected in EXPECTED_TEXT[(kind, language)]:
        assert expected in text, f"{expected!r} missing from the {kind} ({language}) PDF"
    if kind != "jury_minutes":
        assert "Camille Dupont" in text
        for code in ("C2.1", "C4.3"):
            assert code in text
    assert POISON_UNIT not in text and POISON_RANK not in text
    assert POISON_UNIT not in str(generated.summary) and POISON_RANK not in str(generated.summary)
    assert str(generated.public_id) in text  # the verification address is printed
    with generated.file.open("rb") as handle:
        content = handle.read()
    assert generated.sha256 == hashlib.sha256(content).hexdigest() and generated.size == len(content)
    assert generated.kind == kind and generated.language == language and generated.revision == 1
    assert generated.title.startswith(document.name(language))
    assert generated.file.name.startswith(f"documents/{institution.pk}/")
    assert AuditEvent.objects.filter(action="document.issued", target_id=str(generated.pk)).exists()


@pytest.mark.django_db
def test_pdf_metadata_dates_come_from_the_context(institution):
    document = issue("jury_minutes", institution=institution, language="en")
    with document.file.open("rb") as handle:
        metadata = pypdf.PdfReader(handle).metadata
    assert metadata["/CreationDate"].startswith("D:20260302")
    assert metadata["/ModDate"].startswith("D:20260302")
    assert metadata["/Author"] == "École nationale supérieure des mines d'Alès"


def test_rendering_is_deterministic():
    doc_type = registry.get("recognition_attestation")
    ctx = doc_type.clean(sample_context("recognition_attestation"), language="fr")
    public_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
    first = render_pdf(doc_type, ctx, language="fr", public_id=public_id, verify_url="https://x.test/v/1")
    second = render_pdf(doc_type, ctx, language="fr", public_id=public_id, verify_url="https://x.test/v/1")
    assert first == second


def test_rendering_refuses_to_fetch_anything_external():
    from weasyprint.urls import FatalURLFetchingError

    from parcours.pdf import _weasyprint

    html_class, fetcher_class = _weasyprint()
    html = '<html><body><img src="http://example.org/tracker.png"><p>x</p></body></html>'
    with pytest.raises(FatalURLFetchingError, match="example.org"):
        html_class(string=html, url_fetcher=fetcher_class()).write_pdf()


@pytest.mark.django_db
def test_running_the_task_twice_keeps_one_document(make_user, institution):
    holder = make_user(Role.STUDENT)
    kwargs = {
        "kind": "recognition_attestation",
        "institution_id": institution.pk,
        "holder_id": holder.pk,
        "source_type": "recognition.decision",
        "source_id": "42",
        "context": registry.get("recognition_attestation").clean(sample_context("recognition_attestation")),
        "language": "fr",
    }
    first = generate_document.enqueue(**kwargs)
    second = generate_document.enqueue(**kwargs)
    assert first.return_value == second.return_value
    assert Document.objects.filter(source_type="recognition.decision", source_id="42").count() == 1
    assert AuditEvent.objects.filter(action="document.issued").count() == 1
    assert len(list((institution_media(institution)).iterdir())) == 1  # the second run left no orphan file


@pytest.mark.django_db
def test_a_run_that_loses_the_race_returns_the_winners_document(make_user, institution, monkeypatch):
    """Two workers render the same document at once: the one that stores it second gets the first one's
    document back, and leaves neither a second row, a second audit event nor an orphan file."""
    from parcours.documents import services

    holder = make_user(Role.STUDENT)
    context = registry.get("recognition_attestation").clean(sample_context("recognition_attestation"))
    kwargs = {
        "kind": "recognition_attestation",
        "institution_id": institution.pk,
        "holder_id": holder.pk,
        "source_type": "recognition.decision",
        "source_id": "43",
        "context": context,
        "language": "fr",
    }
    winner: list[Document] = []

    def render_while_another_worker_stores_it(*args, **options):
        monkeypatch.setattr(services, "render_pdf", render_pdf)
        winner.append(services.document_generate(**kwargs))  # the other worker, done first
        return render_pdf(*args, **options)

    monkeypatch.setattr(services, "render_pdf", render_while_another_worker_stores_it)
    document = services.document_generate(**kwargs)
    assert document == winner[0] and document.revision == 1
    assert Document.objects.filter(source_type="recognition.decision", source_id="43").count() == 1
    assert AuditEvent.objects.filter(action="document.issued").count() == 1
    assert len(list(institution_media(institution).iterdir())) == 1


def institution_media(institution):
    from django.conf import settings

    return settings.MEDIA_ROOT / "documents" / str(institution.pk)


@pytest.mark.django_db
def test_request_generates_both_languages_after_commit(
    make_user, institution, django_capture_on_commit_callbacks
):
    holder = make_user(Role.STUDENT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_request(
            kind="recognition_attestation",
            institution=institution,
            holder=holder,
            source_type="recognition.decision",
            source_id=42,
            context=poisoned("recognition_attestation"),
        )
        assert not Document.objects.exists()  # nothing is rendered inside the caller's transaction
    for callback in callbacks:
        callback()
    documents = documents_for_source("recognition.decision", "42")
    assert sorted(documents.values_list("language", flat=True)) == ["en", "fr"]
    assert {d.holder for d in documents} == {holder}
    assert verify_document_url(documents[0]).startswith("http")
    assert f"/verify/document/{documents[0].public_id}" in verify_document_url(documents[0])


@pytest.mark.django_db
def test_request_validates_the_context_at_once(make_user, institution, django_capture_on_commit_callbacks):
    context = sample_context("recognition_attestation")
    del context["signer"]
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(DocumentContextError, match="missing keys: signer"),
    ):
        document_request(
            kind="recognition_attestation",
            institution=institution,
            holder=make_user(Role.STUDENT),
            source_type="recognition.decision",
            source_id="1",
            context=context,
        )
    assert callbacks == []


@pytest.mark.django_db
def test_request_checks_holder_and_languages(make_user, institution):
    with pytest.raises(ValueError, match="needs a holder"):
        document_request(
            kind="recognition_attestation",
            institution=institution,
            holder=None,
            source_type="x",
            source_id="1",
            context=sample_context("recognition_attestation"),
        )
    with pytest.raises(ValueError, match="has no holder"):
        document_request(
            kind="jury_minutes",
            institution=institution,
            holder=make_user(),
            source_type="x",
            source_id="1",
            context=sample_context("jury_minutes"),
        )
    with pytest.raises(ValueError, match="languages"):
        document_request(
            kind="jury_minutes",
            institution=institution,
            holder=None,
            source_type="x",
            source_id="1",
            context=sample_context("jury_minutes"),
            languages=("de",),
        )


@pytest.mark.django_db
def test_revoke_then_reissue_makes_a_new_revision(make_user, institution):
    director = make_user(Role.DIRECTOR_OF_STUDIES)
    first = issue("jury_minutes", institution=institution, source_id="9")
    assert issue("jury_minutes", institution=institution, source_id="9") == first
    with pytest.raises(ValueError, match="reason"):
        document_revoke_for_source(source_type="tests.source", source_id="9", reason=" ", actor=director)
    count = document_revoke_for_source(
        source_type="tests.source", source_id="9", reason="Erreur dans la liste des membres", actor=director
    )
    assert count == 1
    first.refresh_from_db()
    assert first.is_revoked and first.revoked_reason == "Erreur dans la liste des membres"
    assert first.revoked_by == director
    event = AuditEvent.objects.get(action="document.revoked")
    assert event.actor == director and event.target_id == str(first.pk)

    second = issue("jury_minutes", institution=institution, source_id="9")
    assert second.revision == 2 and second.pk != first.pk and not second.is_revoked
    assert list(documents_for_source("tests.source", "9")) == [second, first]


@pytest.mark.django_db
def test_every_kind_has_its_templates():
    assert [m for m in run_checks() if m.id and m.id.startswith("documents.")] == []
