"""The administrator's small markup: what it allows, and that nothing else reaches the page."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.partners.markup import plain, render

ALLOWED_TAGS = {"p", "br", "h2", "h3", "ul", "li", "strong", "a"}
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)([^>]*)>")


def test_the_allowed_constructions():
    html = render(
        "## Titre\n\nUn **mot** et [un lien](https://www.defense.gouv.fr/).\nLigne 2\n\n- un\n- deux\n\n### Sous-titre"
    )
    assert "<h2>Titre</h2>" in html
    assert "<strong>mot</strong>" in html
    assert '<a href="https://www.defense.gouv.fr/">un lien</a>' in html
    assert "Un <strong>mot</strong>" in html and "<br>Ligne 2" in html
    assert "<ul><li>un</li><li>deux</li></ul>" in html
    assert "<h3>Sous-titre</h3>" in html


def test_scripts_and_other_schemes_stay_text():
    html = render(
        "<script>alert(1)</script> [x](javascript:alert(1)) [y](data:text/html,hi) <img src=x onerror=alert(1)> "
        "[z](//ailleurs.example)"
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "href" not in html


def test_plain_text_for_summaries():
    assert plain("## Titre\n**gras** [lien](https://a.fr)") == "Titre\ngras lien"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"]), max_size=300)
)
def test_any_text_renders_only_allowed_tags(text):
    html = render(text)
    for closing, name, attributes in TAG.findall(html):
        assert name.lower() in ALLOWED_TAGS, html
        if name.lower() == "a" and not closing:
            assert re.fullmatch(r' href="(https://|mailto:|/(?!/))[^"\s<>]*"', attributes), html
        else:
            assert attributes.strip() == "", html
