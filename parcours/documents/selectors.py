"""Read side of documents, always scoped to what the asking user may see."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from .models import Document


def documents_for_source(source_type: str, source_id: str) -> QuerySet[Document]:
    """Every document issued for a source (all kinds, languages and revisions), newest revision first.

    Not scoped: the calling app has already checked that its user may see the source.
    """
    return Document.objects.filter(source_type=str(source_type), source_id=str(source_id)).order_by(
        "kind", "-revision", "language"
    )


def documents_of_holder(user) -> QuerySet[Document]:
    return Document.objects.filter(holder=user).select_related("institution").order_by("-issued_at")


def document_for_download(user, public_id: uuid.UUID) -> Document:
    """A document ``user`` may download; any other (or an unknown id) is a 404."""
    try:
        return Document.objects.for_user(user).select_related("institution").get(public_id=public_id)
    except Document.DoesNotExist:
        raise Http404 from None


def document_for_verification(public_id: str) -> Document | None:
    """The document behind a public verification address, or ``None`` when the address matches nothing."""
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Document.objects.select_related("institution").filter(public_id=parsed).first()
