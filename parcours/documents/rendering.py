"""Compose a document's HTML from its kind's template and turn it into PDF bytes with WeasyPrint.

Rendering never touches the network: the URL fetcher only accepts ``data:`` URIs (the QR code), the
stylesheet is inlined and the fonts are the installed Debian ones (Liberation Sans, DejaVu Sans).
Rendering is deterministic: the same context, language and public id give the same bytes (the PDF dates
come from the context's issue date and the PDF identifier is the public id).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from functools import cache

import segno
from django.template.loader import render_to_string
from django.utils import translation

from .registry import DocumentType


@cache
def _weasyprint():
    """Import WeasyPrint on first use (it parses its stylesheets at import: ~0.5 s for every process).

    Its per-step progress messages (INFO) would fill the logs with a dozen lines per document.
    """
    import weasyprint
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    class OfflineURLFetcher(URLFetcher):
        """Refuses every URL but ``data:``: a template that points outside stops the rendering."""

        def __init__(self) -> None:
            super().__init__(
                allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True, timeout=1
            )

    return weasyprint.HTML, OfflineURLFetcher


def qr_data_uri(url: str) -> str:
    """An SVG QR code of ``url`` as a data URI (medium error correction, no quiet-zone border)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=0, dark="#161616")


def render_html(
    kind: type[DocumentType], ctx: dict, *, language: str, public_id: uuid.UUID, verify_url: str
) -> str:
    """The document's HTML: ``ctx`` is the render form of the context for ``language``."""
    issued_on: datetime.date = ctx["issued_on"]
    template_context = {
        **ctx,
        **kind.prepare(ctx, language),
        "language": language,
        "kind_name": kind.name(language),
        "title": kind.title(ctx, language),
        "public_id": public_id,
        "verify_url": verify_url,
        "qr_data_uri": qr_data_uri(verify_url),
        "pdf_date": f"{issued_on.isoformat()}T00:00:00+00:00",
    }
    with translation.override(language):
        return render_to_string(kind.template_name(language), template_context)


def render_pdf(
    kind: type[DocumentType], ctx: dict, *, language: str, public_id: uuid.UUID, verify_url: str
) -> bytes:
    html_class, fetcher_class = _weasyprint()
    html = render_html(kind, ctx, language=language, public_id=public_id, verify_url=verify_url)
    document = html_class(string=html, url_fetcher=fetcher_class())
    return document.write_pdf(pdf_identifier=public_id.hex.encode())
