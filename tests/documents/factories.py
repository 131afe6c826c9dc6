"""Factories for documents. ``DocumentFactory`` stores a small stand-in file (no rendering: fast);
``issue`` renders a real PDF through the service."""

from __future__ import annotations

import hashlib
import uuid

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from parcours.documents.models import Document
from parcours.documents.samples import sample_context
from parcours.documents.services import document_generate
from tests.factories import InstitutionFactory, UserFactory


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    kind = "recognition_attestation"
    language = "fr"
    institution = factory.SubFactory(InstitutionFactory)
    holder = factory.SubFactory(UserFactory)
    source_type = "tests.source"
    source_id = factory.Sequence(str)
    reference = factory.Sequence(lambda n: f"ATT-TEST-{n:04d}")
    title = factory.LazyAttribute(lambda o: f"Attestation de compétences reconnues — {o.reference}")
    summary = factory.LazyAttribute(
        lambda o: {
            "holder_name": o.holder.get_full_name() if o.holder else "",
            "institution_name": o.institution.name,
            "issued_on": "2026-03-03",
            "reference": o.reference,
            "programme": "Ingénieur généraliste",
            "items": ["C2.1 — Conduire une équipe dans une situation de crise — Niveau 2 — 3 ECTS"],
            "ects": "3",
        }
    )
    issued_on = factory.LazyFunction(lambda: timezone.localdate())
    issued_at = factory.LazyFunction(timezone.now)
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    size = factory.LazyAttribute(lambda o: len(o.content))
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=f"{uuid.uuid4().hex}.pdf"))

    class Params:
        content = factory.LazyAttribute(lambda o: f"%PDF-1.7 stand-in {o.reference}\n%%EOF\n".encode())
        revoked = factory.Trait(
            revoked_at=factory.LazyFunction(timezone.now), revoked_reason="Erreur matérielle"
        )


def issue(kind: str, *, institution, holder=None, language: str = "fr", source_id: str = "1", **overrides):
    """Render and store a real document of ``kind`` from its sample context."""
    context = sample_context(kind, **overrides)
    if holder is not None and "holder" in context:
        context["holder"] = {"full_name": holder.get_full_name()}
    return document_generate(
        kind=kind,
        institution_id=institution.pk,
        holder_id=holder.pk if holder is not None else None,
        source_type="tests.source",
        source_id=source_id,
        context=context,
        language=language,
    )


def matrix_document_kwargs(ctx) -> dict:
    """URL kwargs for the permission matrix: a document of the matrix institution held by another student."""
    from parcours.accounts.enums import Role
    from tests.factories import user_with_role

    document = DocumentFactory(
        institution=ctx["institution"], holder=user_with_role(Role.STUDENT, ctx["institution"])
    )
    return {"public_id": document.public_id}
