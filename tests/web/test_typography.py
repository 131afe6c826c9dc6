"""Colons and quotation marks follow the interface language (parcours/web/templatetags/typography.py)."""

import pytest
from django.template import Context, Template
from django.utils import translation

HISTORY = Template("{% load i18n typography %}{{ status|commented:comment }} — {{ _('Level')|colon }} C4.1")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Refused: “Dates &lt;unclear&gt;” — Level: C4.1"),
        ("fr", "Refused\u00a0: «\u00a0Dates &lt;unclear&gt;\u00a0» — Niveau\u00a0: C4.1"),
    ],
)
def test_colon_and_quotes_of_the_active_language(language, expected):
    with translation.override(language):
        rendered = HISTORY.render(Context({"status": "Refused", "comment": "Dates <unclear>"}))
    assert rendered == expected  # the comment is escaped once, the punctuation is the language's


def test_nothing_to_quote_leaves_the_status_alone():
    with translation.override("en"):
        assert HISTORY.render(Context({"status": "Approved", "comment": ""})) == "Approved — Level: C4.1"


def test_english_catalogue_has_no_french_quotation_marks():
    """Every English message of the code quotes with “…”: « … » belongs to the French translations."""
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "parcours" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")
    msgids = [entry.split("\nmsgstr")[0] for entry in entries if "\nmsgstr" in entry]
    assert not [m for m in msgids if "«" in m or "»" in m]
