"""Background work: PDF rendering runs outside the request, after the requesting transaction commits."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def generate_document(
    *,
    kind: str,
    institution_id: int,
    holder_id: int | None,
    source_type: str,
    source_id: str,
    context: dict[str, Any],
    language: str,
    revision: int | None = None,
) -> str:
    """Render and store one document (idempotent: a re-run returns the document already issued)."""
    from .services import document_generate

    document = document_generate(
        kind=kind,
        institution_id=institution_id,
        holder_id=holder_id,
        source_type=source_type,
        source_id=source_id,
        context=context,
        language=language,
        revision=revision,
    )
    return str(document.public_id)
