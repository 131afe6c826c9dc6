"""Compose a document's HTML from its kind's template and turn it into PDF bytes with WeasyPrint.

Rendering never touches the network: the URL fetcher only accepts ``data:`` URIs (the QR code), the
stylesheet is inlined or parsed from a template and the fonts are the installed Debian ones (Liberation
Sans, DejaVu Sans). Rendering is deterministic: the same context, language and public id give the same
bytes (the PDF dates come from the context's issue date and the PDF identifier is the public id).

What is the same for every document is prepared once and reused: the SSL context WeasyPrint's URL fetcher
insists on building (once per process; ~35 ms for every document otherwise, although only ``data:`` is
allowed), the font configuration and the parsed stylesheet of kinds that declare one
(:meth:`DocumentType.stylesheet_name`; both once per thread). The cyclic garbage collector is paused while
a document is composed and laid out.
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from functools import cache

import segno
from django.template.loader import render_to_string
from django.utils import translation

from parcours.qr import qr_code
from parcours.runtime import paused_cyclic_gc

from .registry import DocumentType

_shared = threading.local()


@cache
def _weasyprint():
    """Import WeasyPrint on first use (it parses its stylesheets at import: ~0.5 s for every process).

    Its per-step progress messages (INFO) would fill the logs with a dozen lines per document.
    """
    import ssl

    import weasyprint
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    # Never used to connect (only data: URIs are allowed), but URLFetcher builds an HTTPS handler, and
    # without a context it would load the system's certificates for every document.
    unused_ssl_context = ssl.create_default_context()

    class OfflineURLFetcher(URLFetcher):
        """Refuses every URL but ``data:``: a template that points outside stops the rendering."""

        def __init__(self) -> None:
            super().__init__(
                allowed_protocols={"data"},
                allow_redirects=False,
                fail_on_errors=True,
                timeout=1,
                ssl_context=unused_ssl_context,
            )

    return weasyprint.HTML, OfflineURLFetcher


def _font_config():
    """One WeasyPrint font configuration per thread (it caches the fonts it has looked up)."""
    fonts = getattr(_shared, "fonts", None)
    if fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        fonts = _shared.fonts = FontConfiguration()
    return fonts


def stylesheet(name: str):
    """The stylesheet template ``name`` rendered and parsed once per thread (a ``weasyprint.CSS``)."""
    sheets = getattr(_shared, "stylesheets", None)
    if sheets is None:
        sheets = _shared.stylesheets = {}
    if name not in sheets:
        import weasyprint

        _html_class, fetcher_class = _weasyprint()
        sheets[name] = weasyprint.CSS(
            string=render_to_string(name), font_config=_font_config(), url_fetcher=fetcher_class()
        )
    return sheets[name]


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
    html_class, fetcher_class = _weasyprint()
    sheet = kind.stylesheet_name(language)
    with paused_cyclic_gc():
        html = render_html(kind, ctx, language=language, public_id=public_id, verify_url=verify_url)
        document = html_class(string=html, url_fetcher=fetcher_class())
        return document.write_pdf(
            stylesheets=[stylesheet(sheet)] if sheet else None,
            font_config=_font_config(),
            pdf_identifier=public_id.hex.encode(),
        )
