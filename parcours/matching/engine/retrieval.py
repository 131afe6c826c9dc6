"""Direct retrieval over the catalogue: field-weighted BM25 (BM25F) with phrase (bigram) terms, and the
two plain baselines (single-field BM25, TF-IDF cosine) used for comparison.

BM25F: for each item and term, the term frequencies of the fields are length-normalised per field and
summed with the field weights (label > alternative labels > description), then saturated once:
``w(t, d) = idf(t) * tf~ * (k1 + 1) / (tf~ + k1)`` with ``tf~ = sum_f weight_f * tf_f / (1 - b + b * len_f
/ avglen_f)``. Adjacent stems of labels are indexed as phrase terms ``a_b`` so that a query containing
the same phrase gets an extra match.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .datafiles import CatalogueItem
from .sparse import PostingMatrix
from .text import Normaliser, bigrams

REUSE_LEVELS = ("transversal", "cross-sector", "sector-specific", "occupation-specific")


@dataclass(frozen=True)
class FieldTokens:
    """Stems of the three searchable fields of one item."""

    label: list[str]
    alt_labels: list[str]
    description: list[str]


def item_fields(item: CatalogueItem, normaliser: Normaliser) -> FieldTokens:
    """Tokenise an item; alternative labels are separated so that no phrase spans two of them."""
    alt: list[str] = []
    for alt_label in item.alt_labels:
        alt.extend(normaliser.tokens(alt_label))
    return FieldTokens(normaliser.tokens(item.label), alt, normaliser.tokens(item.description))


def bm25_idf(n_docs: int, df: int) -> float:
    """Okapi BM25 inverse document frequency (always positive)."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def build_bm25f(
    fields: Sequence[FieldTokens],
    weights: tuple[float, float, float],
    k1: float,
    b: float,
    bigram_weight: float,
) -> PostingMatrix:
    """BM25F weights of every (item, term) pair."""
    columns = [[f.label for f in fields], [f.alt_labels for f in fields], [f.description for f in fields]]
    averages = [max(1e-9, float(np.mean([len(toks) for toks in col]))) for col in columns]
    pseudo_tf: list[dict[str, float]] = []
    df: Counter[str] = Counter()
    for d in range(len(fields)):
        tf: dict[str, float] = {}
        for f, column in enumerate(columns):
            toks = column[d]
            if not toks or weights[f] == 0:
                continue
            norm = 1.0 - b + b * len(toks) / averages[f]
            counts = Counter(toks)
            if bigram_weight and f < 2:
                for phrase in bigrams(toks):
                    counts[phrase] += bigram_weight
            for term, n in counts.items():
                tf[term] = tf.get(term, 0.0) + weights[f] * n / norm
        pseudo_tf.append(tf)
        df.update(tf.keys())
    n = len(fields)
    rows = [{t: bm25_idf(n, df[t]) * v * (k1 + 1) / (v + k1) for t, v in tf.items()} for tf in pseudo_tf]
    return PostingMatrix.from_rows(rows)


def query_vector(tokens: Sequence[str], bigram_weight: float = 0.0) -> dict[str, float]:
    """Term counts of a query, with its phrase terms at ``bigram_weight``."""
    vector: dict[str, float] = dict(Counter(tokens))
    if bigram_weight:
        for phrase in bigrams(list(tokens)):
            vector[phrase] = vector.get(phrase, 0.0) + bigram_weight
    return vector


class PlainRetriever:
    """Baselines without lexicon or learning: ``bm25`` (Okapi, k1=1.5, b=0.75) or ``tfidf`` (cosine) over
    one field made of label, alternative labels and description."""

    def __init__(self, items: Sequence[CatalogueItem], method: str, normaliser: Normaliser | None = None):
        if method not in ("bm25", "tfidf"):
            raise ValueError(f"unknown baseline {method!r} (expected 'bm25' or 'tfidf')")
        self.method = method
        self.ids = [item.id for item in items]
        self.normaliser = normaliser or Normaliser()
        self.normaliser.learn_vocabulary(_item_text(item) for item in items)
        docs = [self.normaliser.tokens(_item_text(item), max_tokens=10_000) for item in items]
        self.df: Counter[str] = Counter(t for doc in docs for t in set(doc))
        self.n = len(docs)
        if method == "bm25":
            average = max(1e-9, float(np.mean([len(doc) for doc in docs])))
            rows = [self._bm25(doc, average) for doc in docs]
        else:
            rows = [self._tfidf(doc) for doc in docs]
        self.index = PostingMatrix.from_rows(rows)

    def _bm25(self, doc: list[str], average: float, k1: float = 1.5, b: float = 0.75) -> dict[str, float]:
        norm = 1.0 - b + b * len(doc) / average
        return {
            t: bm25_idf(self.n, self.df[t]) * n * (k1 + 1) / (n + k1 * norm) for t, n in Counter(doc).items()
        }

    def _tfidf(self, tokens: Sequence[str]) -> dict[str, float]:
        vector = {
            t: (1.0 + math.log(n)) * math.log((self.n + 1) / (self.df[t] + 1))
            for t, n in Counter(tokens).items()
            if self.df.get(t)
        }
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {t: w / norm for t, w in vector.items()}

    def scores(self, text: str) -> np.ndarray:
        """Score of every item for ``text``."""
        tokens = self.normaliser.tokens(text)
        query: Mapping[str, float] = self._tfidf(tokens) if self.method == "tfidf" else Counter(tokens)
        return self.index.scores(query)


def _item_text(item: CatalogueItem) -> str:
    return " . ".join([item.label, *item.alt_labels, item.description])
