"""A small term-major sparse matrix (inverted index) on plain numpy arrays.

Scoring a weighted query is one ``np.bincount`` over the postings of its terms, which keeps queries
in the millisecond range without scipy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class PostingMatrix:
    """For each term, the rows (documents) that contain it and the weight of the term in each row."""

    n_rows: int
    terms: list[str]
    indptr: np.ndarray  # int64, len(terms) + 1
    rows: np.ndarray  # int32
    weights: np.ndarray  # float32

    def __post_init__(self) -> None:
        self.vocabulary: dict[str, int] = {term: i for i, term in enumerate(self.terms)}

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, float]]) -> PostingMatrix:
        """Build from one ``{term: weight}`` mapping per row."""
        postings: dict[str, list[tuple[int, float]]] = {}
        for row, vector in enumerate(rows):
            for term, weight in vector.items():
                postings.setdefault(term, []).append((row, weight))
        terms = sorted(postings)
        lengths = np.fromiter((len(postings[t]) for t in terms), dtype=np.int64, count=len(terms))
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = [pair for term in terms for pair in postings[term]]
        row_ids = np.fromiter((r for r, _ in flat), dtype=np.int32, count=len(flat))
        weights = np.fromiter((w for _, w in flat), dtype=np.float32, count=len(flat))
        return cls(len(rows), terms, indptr, row_ids, weights)

    def __contains__(self, term: str) -> bool:
        return term in self.vocabulary

    def document_frequency(self, term: str) -> int:
        """Number of rows containing ``term``."""
        i = self.vocabulary.get(term)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows and weights of ``term`` (empty arrays for an unknown term)."""
        i = self.vocabulary.get(term)
        if i is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        start, end = self.indptr[i], self.indptr[i + 1]
        return self.rows[start:end], self.weights[start:end]

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """Dot product of the query vector with every row: ``sum(query[t] * weight[row, t])``."""
        row_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        for term, query_weight in query.items():
            i = self.vocabulary.get(term)
            if i is None or query_weight == 0:
                continue
            start, end = self.indptr[i], self.indptr[i + 1]
            row_parts.append(self.rows[start:end])
            weight_parts.append(self.weights[start:end] * np.float32(query_weight))
        if not row_parts:
            return np.zeros(self.n_rows, dtype=np.float64)
        return np.bincount(
            np.concatenate(row_parts), weights=np.concatenate(weight_parts), minlength=self.n_rows
        )

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """Arrays to store in an ``.npz`` file (terms as a unicode array)."""
        return {
            f"{prefix}_terms": np.array(self.terms, dtype=np.str_),
            f"{prefix}_indptr": self.indptr,
            f"{prefix}_rows": self.rows,
            f"{prefix}_weights": self.weights,
            f"{prefix}_n_rows": np.array([self.n_rows], dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> PostingMatrix:
        """Inverse of :meth:`to_arrays`."""
        return cls(
            int(arrays[f"{prefix}_n_rows"][0]),
            arrays[f"{prefix}_terms"].tolist(),
            arrays[f"{prefix}_indptr"],
            arrays[f"{prefix}_rows"],
            arrays[f"{prefix}_weights"],
        )
