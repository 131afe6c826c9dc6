"""Accent folding for search: « Sécurité » and "securite" fold to the same text."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "’": "'",
        "‘": "'",
        "«": " ",
        "»": " ",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lowercase ``text``, drop accents, expand ligatures and collapse whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.lower()).strip()


def search_text_for(
    *,
    statement_fr: str,
    statement_en: str = "",
    code: str = "",
    abbreviated_statement: str = "",
    alternative_labels: str = "",
    keywords: str = "",
) -> str:
    """The folded text stored on a competency. It starts with the French statement (used for ranking)."""
    parts = [statement_fr, code, statement_en, abbreviated_statement, alternative_labels, keywords]
    return "\n".join(fold(part) for part in parts if part)


def query_terms(query: str) -> list[str]:
    """The folded words of a search query (duplicates and empty words removed, order kept)."""
    seen: list[str] = []
    for term in fold(query).split(" "):
        term = term.strip(" ,;:.()[]\"'")
        if term and term not in seen:
            seen.append(term)
    return seen
