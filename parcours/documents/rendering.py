"""Compose a document's HTML from its kind's template and turn it into PDF bytes (:mod:`parcours.pdf`).

Rendering never touches the network (only ``data:`` URIs, for the QR code) and is deterministic: the same
context, language and public id give the same bytes (the PDF dates come from the context's issue date and
the PDF identifier is the public id). The stylesheet of kinds that declare one
(:meth:`DocumentType.stylesheet_name`) is rendered and parsed once per thread; the cyclic garbage
collector is paused while a document is composed and laid out.
"""

from __future__ import annotations

import datetime
import uuid

import segno
from django.template.loader import render_to_string
from django.utils import translation

from parcours import pdf
from parcours.qr import qr_code
from parcours.runtime import paused_cyclic_gc

from .registry import DocumentType


def stylesheet(name: str):
    """The stylesheet template ``name`` rendered and parsed once per thread (a ``weasyprint.CSS``)."""
    return pdf.stylesheet(name, lambda: render_to_string(name))


def qr_data_uri(url: str) -> str:
    """An SVG QR code of ``url`` as a data URI (medium error correction, no quiet-zone border)."""
    return qr_code(url).svg_data_uri(scale=4, border=0, dark="#161616")


class _LazyQR:
    """Encodes the QR code on first use (the templates call ``svg`` or ``png``, never both)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._code: segno.QRCode | None = None

    def _get(self) -> segno.QRCode:
        if self._code is None:
            self._code = qr_code(self.url)
        return self._code

    def svg(self) -> str:
        return self._get().svg_data_uri(scale=4, border=0, dark="#161616")

    def png(self) -> str:
        return self._get().png_data_uri(scale=1, border=0, dark="#161616")


def render_html(
    kind: type[DocumentType], ctx: dict, *, language: str, public_id: uuid.UUID, verify_url: str
) -> str:
    """The document's HTML: ``ctx`` is the render form of the context for ``language``.

    The QR code of ``verify_url`` is offered both ways, computed only if the template uses it:
    ``qr_data_uri`` (SVG) and ``qr_png_data_uri`` (one pixel per module: size it in the stylesheet with
    ``image-rendering: pixelated``; WeasyPrint draws it about ten times faster than the SVG's path).
    """
    issued_on: datetime.date = ctx["issued_on"]
    qr = _LazyQR(verify_url)
    template_context = {
        **ctx,
        **kind.prepare(ctx, language),
        "language": language,
        "kind_name": kind.name(language),
        "title": kind.title(ctx, language),
        "public_id": public_id,
        "verify_url": verify_url,
        "qr_data_uri": qr.svg,
        "qr_png_data_uri": qr.png,
        "pdf_date": f"{issued_on.isoformat()}T00:00:00+00:00",
    }
    with translation.override(language):
        return render_to_string(kind.template_name(language), template_context)


def render_pdf(
    kind: type[DocumentType], ctx: dict, *, language: str, public_id: uuid.UUID, verify_url: str
) -> bytes:
    sheet = kind.stylesheet_name(language)
    with paused_cyclic_gc():
        html = render_html(kind, ctx, language=language, public_id=public_id, verify_url=verify_url)
        return pdf.html_to_pdf(
            html, stylesheets=[stylesheet(sheet)] if sheet else None, pdf_identifier=public_id.hex.encode()
        )
