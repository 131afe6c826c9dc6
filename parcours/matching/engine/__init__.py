"""Matching engine: ranks catalogue items (ESCO skills, school competencies) for a French free text.

Plain Python (numpy, PyStemmer); no Django import anywhere in this package. Public API::

    from parcours.matching.engine import Engine, Example, load_catalogue, load_queries

    engine = Engine.build(load_catalogue("skills_fr.csv.gz"), examples=[Example("texte", ("uri",))])
    engine.search("Chef de groupe pendant l'opération Sentinelle", top=10)
    engine.add_examples([...])
    engine.save("var/matching")
    engine = Engine.load("var/matching")
"""

from .datafiles import (
    CatalogueItem,
    DataFileError,
    LabelledQuery,
    load_catalogue,
    load_occupation_aliases,
    load_queries,
)
from .engine import (
    EmptyQueryError,
    Engine,
    EngineConfig,
    Explanation,
    IndexFormatError,
    SearchResult,
    SimilarExample,
)
from .examples import Example
from .lexicon import DEFAULT_LEXICON_PATH, LexiconEntry, read_lexicon
from .semantic import SemanticModelUnavailable
from .text import MAX_QUERY_CHARS, MAX_QUERY_TOKENS

__all__ = [
    "DEFAULT_LEXICON_PATH",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TOKENS",
    "CatalogueItem",
    "DataFileError",
    "EmptyQueryError",
    "Engine",
    "EngineConfig",
    "Example",
    "Explanation",
    "IndexFormatError",
    "LabelledQuery",
    "LexiconEntry",
    "SearchResult",
    "SemanticModelUnavailable",
    "SimilarExample",
    "load_catalogue",
    "load_occupation_aliases",
    "load_queries",
    "read_lexicon",
]
