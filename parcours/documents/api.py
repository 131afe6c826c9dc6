"""Public face of the documents app for the other apps.

- ``document_request(...)``: validate a context now, generate the PDFs (one per language) after commit;
- ``document_generate(...)``: what the task runs (idempotent), usable directly in scripts and tests;
- ``documents_for_source(source_type, source_id)``: the documents issued for a decision, a portfolio…;
- ``document_revoke_for_source(...)``: withdraw them with a reason (the verification page says so);
- ``verify_document_url(document)``: absolute address of the public verification page;
- ``download_url(document)``: the (permission-checked) download address, for links in pages.

The context keys of each kind are listed in ``docs/documents.md``; ``DocumentContextError`` names every
missing or invalid key.
"""

from __future__ import annotations

from django.urls import reverse

from .contexts import DocumentContextError
from .models import Document
from .registry import UnknownDocumentKind, kinds
from .selectors import documents_for_source, documents_of_holder
from .services import document_generate, document_request, document_revoke_for_source, verify_url_for


def verify_document_url(document: Document) -> str:
    """Absolute address of the document's public verification page (``settings.SITE_URL`` based)."""
    return verify_url_for(document.public_id)


def download_url(document: Document) -> str:
    """Site-relative address of the download view (the holder and the school's deciders only)."""
    return reverse("document_download", kwargs={"public_id": document.public_id})


__all__ = [
    "Document",
    "DocumentContextError",
    "UnknownDocumentKind",
    "document_generate",
    "document_request",
    "document_revoke_for_source",
    "documents_for_source",
    "documents_of_holder",
    "download_url",
    "kinds",
    "verify_document_url",
]
