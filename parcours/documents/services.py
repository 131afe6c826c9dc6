"""Write side of documents: request (after commit), generate (idempotent), revoke, read for download.

Pipeline: the requesting app passes a context (validated at once, reduced to the declared keys) →
after its transaction commits, one task per language renders the PDF with WeasyPrint → the file is stored
under a random path with its SHA-256 → the public verification page and the permission-checked download
view serve what was stored, byte for byte.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.models import Institution, User
from parcours.audit.services import audit_record

from . import registry
from .contexts import languages as configured_languages
from .models import Document, document_upload_to
from .rendering import render_pdf

logger = logging.getLogger(__name__)

VERIFY_URL_NAME = "document_verify"


class DocumentIntegrityError(RuntimeError):
    """The stored file no longer matches the SHA-256 recorded when it was issued."""


def verify_url_for(public_id: uuid.UUID | str) -> str:
    """Absolute address of the public verification page (from ``settings.SITE_URL``)."""
    return settings.SITE_URL + reverse(VERIFY_URL_NAME, kwargs={"public_id": str(public_id)})


def _check_holder(doc_type: type[registry.DocumentType], holder_id: int | None) -> None:
    if doc_type.has_holder and holder_id is None:
        raise ValueError(f"Document kind {doc_type.kind!r} needs a holder.")
    if not doc_type.has_holder and holder_id is not None:
        raise ValueError(f"Document kind {doc_type.kind!r} has no holder; pass holder=None.")


def _check_languages(requested: Iterable[str]) -> tuple[str, ...]:
    requested = tuple(requested)
    unknown = sorted(set(requested) - set(configured_languages()))
    if unknown or not requested:
        raise ValueError(
            f"Unknown or missing document languages {unknown or '[]'} (configured: {configured_languages()})."
        )
    return requested


def document_request(
    *,
    kind: str,
    institution: Institution,
    holder: User | None,
    source_type: str,
    source_id: str,
    context: Mapping[str, Any],
    languages: Iterable[str] = ("fr", "en"),
    revision: int | None = None,
) -> None:
    """Schedule the generation of ``kind`` in each language once the current transaction commits.

    The context is validated now (``DocumentContextError`` names every missing key) and reduced to the
    declared keys, so that the caller's transaction fails rather than a task later on.
    """
    doc_type = registry.get(kind)
    holder_id = holder.pk if holder is not None else None
    _check_holder(doc_type, holder_id)
    requested = _check_languages(languages)
    payload = {
        "kind": kind,
        "institution_id": institution.pk,
        "holder_id": holder_id,
        "source_type": str(source_type),
        "source_id": str(source_id),
        "context": doc_type.clean(context),
        "revision": revision,
    }

    def enqueue() -> None:
        from .tasks import generate_document

        for language in requested:
            generate_document.enqueue(**payload, language=language)

    transaction.on_commit(enqueue)


def document_generate(
    *,
    kind: str,
    institution_id: int,
    holder_id: int | None,
    source_type: str,
    source_id: str,
    context: Mapping[str, Any],
    language: str,
    revision: int | None = None,
) -> Document:
    """Render and store one document; idempotent.

    One document per (kind, source, language, revision). Without ``revision``, the current (not revoked)
    document of the source is returned when there is one; otherwise a new revision is issued (after a
    revocation, this reissues). With ``revision``, that revision is returned if it exists.
    """
    doc_type = registry.get(kind)
    _check_holder(doc_type, holder_id)
    _check_languages([language])
    stored = doc_type.clean(context)
    ctx = doc_type.clean(stored, language=language)
    source_type, source_id = str(source_type), str(source_id)

    siblings = Document.objects.filter(
        kind=kind, source_type=source_type, source_id=source_id, language=language
    )
    if revision is None:  # the source's documents in this language, newest first: a few rows at most
        issued = list(siblings.order_by("-revision"))
        current = next((document for document in issued if document.revoked_at is None), None)
        if current is not None:
            return current
        revision = (issued[0].revision if issued else 0) + 1
    elif (existing := siblings.filter(revision=revision).first()) is not None:
        return existing

    institution = Institution.objects.get(pk=institution_id)
    public_id = uuid.uuid4()
    pdf = render_pdf(
        doc_type, ctx, language=language, public_id=public_id, verify_url=verify_url_for(public_id)
    )
    digest = hashlib.sha256(pdf).hexdigest()

    storage = Document._meta.get_field("file").storage
    name = storage.save(document_upload_to(Document(institution_id=institution.pk), ""), ContentFile(pdf))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind,
                source_type=source_type,
                source_id=source_id,
                language=language,
                revision=revision,
                public_id=public_id,
                institution=institution,
                holder_id=holder_id,
                reference=ctx["reference"][:80],
                title=doc_type.title(ctx, language)[:300],
                summary=doc_type.summary(ctx, language),
                file=name,
                sha256=digest,
                size=len(pdf),
                issued_on=ctx["issued_on"],
                issued_at=timezone.now(),
            )
            audit_record(
                "document.issued",
                target=document,
                institution=institution,
                data={
                    "kind": kind,
                    "language": language,
                    "revision": revision,
                    "source": f"{source_type}:{source_id}",
                    "sha256": digest,
                },
            )
    except IntegrityError:
        # Another run stored this revision while ours was rendering: keep its document, drop our file.
        storage.delete(name)
        existing = siblings.filter(revision=revision).first()
        if existing is None:  # the error was about something else
            raise
        return existing
    except BaseException:
        storage.delete(name)
        raise
    return document


def document_revoke_for_source(
    *, source_type: str, source_id: str, reason: str, actor: User | None, kind: str | None = None
) -> int:
    """Withdraw every current document of a source (all languages; one kind if given). Returns the count.

    The files are kept; their verification page then says the document was withdrawn, when and why.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required to withdraw a document.")
    with transaction.atomic():
        documents = Document.objects.select_for_update().filter(
            source_type=str(source_type), source_id=str(source_id), revoked_at__isnull=True
        )
        if kind is not None:
            documents = documents.filter(kind=kind)
        now = timezone.now()
        revoked = 0
        for document in documents:
            document.revoked_at = now
            document.revoked_reason = reason
            document.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
            document.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
            audit_record(
                "document.revoked",
                actor=actor,
                target=document,
                institution=document.institution,
                data={"kind": document.kind, "language": document.language, "reason": reason},
            )
            revoked += 1
    return revoked


def document_read_for_download(*, document: Document, actor: User) -> bytes:
    """The stored bytes, checked against the recorded SHA-256; the download is audited."""
    with document.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        logger.error("Document %s: stored file does not match its SHA-256", document.public_id)
        audit_record(
            "document.integrity_failed", actor=actor, target=document, institution=document.institution
        )
        raise DocumentIntegrityError(f"Document {document.public_id}: the stored file was altered.")
    audit_record(
        "document.downloaded",
        actor=actor,
        target=document,
        institution=document.institution,
        data={"kind": document.kind, "language": document.language, "public_id": str(document.public_id)},
    )
    return content


def fingerprint(chunks: Iterable[bytes]) -> str:
    """SHA-256 of a file read in chunks (used to check a copy against the issued document)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
