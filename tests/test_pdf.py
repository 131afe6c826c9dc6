"""The smaller user-agent stylesheet (parcours/user_agent.css) changes nothing a reader could see: pages
rendered with it and with WeasyPrint's full one are the same, pixel for pixel, with the same bookmarks.
A document it does not cover falls back to the full stylesheet."""

from __future__ import annotations

import io
import uuid

import pypdf
import pytest

from parcours import pdf
from parcours.documents import registry
from parcours.documents.rendering import render_html, render_pdf
from parcours.documents.samples import sample_context
from tests.pdfs import assert_same_to_the_eye, both_ways, needs_pdftoppm

# Every element of pdf.USER_AGENT_ELEMENTS, without an author stylesheet: the user-agent rules alone
# decide margins, sizes, weights, list markers, table borders and spacing.
SPECIMEN = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Spécimen</title>
<style>table, td, th { border-width: 1px; border-style: solid }</style></head><body>
<header><h1>Titre un</h1><h2>Titre deux</h2><h3>Titre trois</h3></header>
<section><p>Un paragraphe avec <b>gras</b>, <strong>fort</strong>, <i>italique</i>, <em>emphase</em>
et <span>une portée</span>,<br>puis une ligne après un saut.</p>
<blockquote><p>Une citation en retrait.</p></blockquote>
<div>Un bloc <img alt="carré" src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='12' height='12'><rect width='12' height='12' fill='black'/></svg>"></div>
<ul><li>Premier niveau<ul><li>Deuxième niveau<ul><li>Troisième niveau</li></ul></li></ul></li><li>Encore</li></ul>
<table><thead><tr><th>Code</th><th>Compétence</th></tr></thead>
<tbody><tr><td>C1</td><td>Conduire une équipe</td></tr><tr><td>C2</td><td>Gérer une crise</td></tr></tbody>
<tfoot><tr><td colspan="2">Total</td></tr></tfoot></table>
<table><tr><th>Sans</th><td>en-tête de groupe</td></tr></table></section>
</body></html>"""


def parsed(html: str):
    html_class, fetcher_class = pdf._weasyprint()
    return html_class(string=html, url_fetcher=fetcher_class()).etree_element


def test_the_specimen_uses_every_covered_element():
    root = parsed(SPECIMEN)
    assert {element.tag for element in root.iter() if isinstance(element.tag, str)} == pdf.USER_AGENT_ELEMENTS
    assert pdf.covered_by_user_agent_subset(root)


@needs_pdftoppm
def test_the_specimen_looks_the_same_with_either_stylesheet(monkeypatch):
    assert_same_to_the_eye(*both_ways(monkeypatch, lambda: pdf.html_to_pdf(SPECIMEN)))


@needs_pdftoppm
@pytest.mark.parametrize("kind", sorted(registry.kinds()))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_document_kind_looks_the_same_with_either_stylesheet(kind, language, monkeypatch):
    doc_type = registry.get(kind)
    ctx = doc_type.clean(doc_type.clean(sample_context(kind)), language=language)
    public_id = uuid.UUID("00000000-0000-4000-8000-000000000007")
    arguments = {"language": language, "public_id": public_id, "verify_url": f"https://x.test/v/{public_id}"}
    # The documents are covered: they do get the faster path.
    assert pdf.covered_by_user_agent_subset(parsed(render_html(doc_type, ctx, **arguments)))
    assert_same_to_the_eye(*both_ways(monkeypatch, lambda: render_pdf(doc_type, ctx, **arguments)))


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><ol><li>Premier</li><li>Second</li></ol></body></html>",
        "<html><body><p hidden>Caché</p><p>Visible</p></body></html>",
        '<html><body><p dir="rtl">Texte</p></body></html>',
        "<html><body><p><a href='data:,x'>Lien</a></p></body></html>",
    ],
)
def test_anything_else_gets_the_full_stylesheet(html):
    assert not pdf.covered_by_user_agent_subset(parsed(html))


def test_a_numbered_list_keeps_its_numbers():
    text = (
        pypdf.PdfReader(io.BytesIO(pdf.html_to_pdf(SPECIMEN.replace("<ul>", "<ol>", 1))))
        .pages[0]
        .extract_text()
    )
    assert "1." in text and "Premier niveau" in text


def test_a_hidden_paragraph_stays_hidden():
    document = pdf.html_to_pdf("<html><body><p hidden>Caché</p><p>Visible</p></body></html>")
    text = pypdf.PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert "Visible" in text and "Caché" not in text
