"""HTML to PDF with WeasyPrint, offline, for every PDF the platform prints (documents, absence request
letters, Garde nationale reports).

- **No network.** The URL fetcher accepts ``data:`` URIs only: a template that points anywhere else stops
  the rendering (``FatalURLFetchingError``). Fonts are the installed Debian ones.
- **Prepared once.** WeasyPrint is imported on first use (it parses its own stylesheets at import: ~0.5 s).
  The SSL context its URL fetcher insists on building is made once per process (otherwise it loads the
  system's certificates for every document, ~35 ms, although only ``data:`` is allowed). The font
  configuration and parsed stylesheets (:func:`stylesheet`) are kept per thread.
- **A smaller user-agent stylesheet** when the document only uses the elements of
  :data:`USER_AGENT_ELEMENTS` (every document template does): ``user_agent.css`` holds the rules of
  WeasyPrint's HTML5 user-agent stylesheet that can apply to those elements, and nothing else. The full
  one holds about 250 rules for every HTML element and form field; matching its attribute and ``:is()``
  selectors against each element of a two-page diploma supplement cost 5–7 % of its rendering
  (``bench/track.py``, documents rendered alternately either way). Output is the same: ``tests/test_pdf.py`` renders a specimen of every listed element, and every
  document kind, both ways and compares the pages pixel by pixel. Any other element, or an attribute a
  user-agent rule keys on (``hidden``, ``dir``…), and the full stylesheet is used.
- **No cyclic garbage collection** while a document is laid out (:func:`parcours.runtime.paused_cyclic_gc`).
- **Streams compressed once, at zlib's default level** (:func:`compress_streams`, WeasyPrint's ``finisher``
  hook). pydyf compresses each stream at level 9 when it serialises it, and serialises every object twice
  when the file has an identifier (once more for the checksum in ``/ID``). That was 8.6 ms of a diploma
  supplement's ≈ 120; level 6 once costs ≈ 2 ms, for files 0.6 % larger.
"""

from __future__ import annotations

import logging
import threading
import zlib
from functools import cache
from pathlib import Path

from parcours.runtime import paused_cyclic_gc

#: The elements ``user_agent.css`` covers (lower case, as the HTML parser gives them).
USER_AGENT_ELEMENTS = frozenset(
    {
        *("html", "head", "title", "meta", "style", "body"),
        *("header", "section", "div", "p", "blockquote", "h1", "h2", "h3", "ul", "li"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("span", "b", "strong", "i", "em", "br", "img"),
    }
)
#: Attributes some rule of the full user-agent stylesheet keys on, for the elements above.
USER_AGENT_ATTRIBUTES = frozenset({"hidden", "dir", "rules", "frame"})
#: zlib's level for the streams (its default: level 9 takes twice as long for 0.7 % less).
STREAM_COMPRESSION_LEVEL = 6

_shared = threading.local()


@cache
def _weasyprint():
    """WeasyPrint, imported on first use: its ``HTML`` subclass and the offline URL fetcher class."""
    import ssl

    import weasyprint
    from weasyprint.urls import URLFetcher

    # One line per step and per document at INFO: not for the logs.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    unused_ssl_context = ssl.create_default_context()  # see the module's docstring

    class OfflineURLFetcher(URLFetcher):
        """Refuses every URL but ``data:``."""

        def __init__(self) -> None:
            super().__init__(
                allowed_protocols={"data"},
                allow_redirects=False,
                fail_on_errors=True,
                timeout=1,
                ssl_context=unused_ssl_context,
            )

    class DocumentHTML(weasyprint.HTML):
        """Uses ``user_agent.css`` instead of WeasyPrint's full user-agent stylesheet when it covers the
        document (WeasyPrint's own hook, ``_ua_stylesheets``; the pixel comparison tests watch it across
        WeasyPrint upgrades)."""

        def _ua_stylesheets(self, forms=False):
            if not forms and covered_by_user_agent_subset(self.etree_element):
                return [_user_agent_stylesheet()]
            return super()._ua_stylesheets(forms)

    return DocumentHTML, OfflineURLFetcher


def covered_by_user_agent_subset(root) -> bool:
    """Whether every element under ``root`` (an ElementTree element) is one ``user_agent.css`` covers,
    without an attribute a user-agent rule keys on. Comments and processing instructions are skipped."""
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag not in USER_AGENT_ELEMENTS or not USER_AGENT_ATTRIBUTES.isdisjoint(element.keys()):
            return False
    return True


@cache
def _user_agent_stylesheet():
    import weasyprint

    path = Path(__file__).with_name("user_agent.css")
    return weasyprint.CSS(string=path.read_text(encoding="utf-8"), font_config=font_config())


def font_config():
    """One WeasyPrint font configuration per thread (it caches the fonts it has looked up)."""
    fonts = getattr(_shared, "fonts", None)
    if fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        fonts = _shared.fonts = FontConfiguration()
    return fonts


def stylesheet(name: str, render):
    """The stylesheet ``name`` parsed once per thread: ``render()`` gives its text the first time."""
    sheets = getattr(_shared, "stylesheets", None)
    if sheets is None:
        sheets = _shared.stylesheets = {}
    if name not in sheets:
        import weasyprint

        _html_class, fetcher_class = _weasyprint()
        sheets[name] = weasyprint.CSS(string=render(), font_config=font_config(), url_fetcher=fetcher_class())
    return sheets[name]


def compress_streams(_document, pdf) -> None:
    """WeasyPrint ``finisher``: compresses, once and at :data:`STREAM_COMPRESSION_LEVEL`, each stream of
    ``pdf`` (a ``pydyf.PDF`` about to be written) that pydyf would compress, and marks it as done
    (``/FlateDecode``, ``compress`` off). Streams already filtered, or holding anything but bytes and
    text operators, are left to pydyf. The decoded content is byte for byte what pydyf would write."""
    import pydyf

    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or not obj.compress or "Filter" in obj.extra:
            continue
        parts = []
        for item in obj.stream:
            if isinstance(item, bytes):
                parts.append(item)
            elif isinstance(item, str) and item.isascii():
                parts.append(item.encode("ascii"))
            else:
                break
        else:
            obj.stream = [zlib.compress(b"\n".join(parts), STREAM_COMPRESSION_LEVEL)]
            obj.extra["Filter"] = "/FlateDecode"
            obj.compress = False


def html_to_pdf(html: str, *, stylesheets=None, pdf_identifier: bytes | None = None) -> bytes:
    """The PDF of ``html`` (a whole document), with ``stylesheets`` (parsed ``weasyprint.CSS``) after its
    own. ``pdf_identifier`` makes the output deterministic (WeasyPrint otherwise derives one from the
    time)."""
    html_class, fetcher_class = _weasyprint()
    options = {"pdf_identifier": pdf_identifier} if pdf_identifier is not None else {}
    with paused_cyclic_gc():
        document = html_class(string=html, url_fetcher=fetcher_class())
        return document.write_pdf(
            stylesheets=stylesheets or None, font_config=font_config(), finisher=compress_streams, **options
        )
