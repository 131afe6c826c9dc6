"""Learning from labelled examples: texts whose items are known (accepted, related or rejected).

The memory is a kernel ridge regression from texts to items. Texts are TF-IDF vectors (stems and phrase
terms, sublinear tf, dampened idf, unit length); the kernel between two texts is their cosine raised to
``power``. For a new text with similarities ``k`` to the known texts, the item scores are
``max(k, 0) ** power @ (K + ridge * I)^-1 @ Y`` where ``Y`` holds +1 for an item of an example,
``related_weight`` for a related item and ``-rejected_weight`` for a rejected one. Compared with plain
nearest-neighbour voting, the inverse discounts near-duplicate examples and lets a rejection cancel
an acceptance.

Only the example side is rebuilt when examples are added; the catalogue index is untouched.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .sparse import PostingMatrix
from .text import bigrams

#: Added to every idf so that a term shared by all examples still counts (matters with few examples).
IDF_FLOOR = 0.05


@dataclass(frozen=True)
class Example:
    """A labelled text: the items that fit it, optionally related and rejected items.

    ``group`` is an optional class of the text (for ESCO occupations, the ISCO group) used only by the
    evaluation tools; ``aliases`` are other names of the same thing, added to the text when learning.
    """

    text: str
    item_ids: tuple[str, ...]
    rejected_ids: tuple[str, ...] = ()
    related_ids: tuple[str, ...] = ()
    id: str = ""
    group: str = ""
    aliases: tuple[str, ...] = field(default=())

    def full_text(self) -> str:
        """Text used for learning: the text followed by its aliases."""
        return " . ".join([self.text, *self.aliases]) if self.aliases else self.text


@dataclass
class KernelSettings:
    """Parameters of the example memory."""

    power: float = 1.5
    ridge: float = 0.3
    bigram_weight: float = 0.5
    idf_power: float = 0.7
    related_weight: float = 0.25
    rejected_weight: float = 1.0


def term_counts(tokens: Sequence[str], bigram_weight: float) -> dict[str, float]:
    """Counts of stems plus phrase terms at ``bigram_weight``."""
    counts: dict[str, float] = dict(Counter(tokens))
    if bigram_weight:
        for phrase in bigrams(list(tokens)):
            counts[phrase] = counts.get(phrase, 0.0) + bigram_weight
    return counts


class ExampleMemory:
    """Kernel ridge regression from example texts to catalogue items (see the module docstring)."""

    def __init__(
        self,
        settings: KernelSettings,
        n_items: int,
        counts: list[dict[str, float]],
        targets: list[dict[int, float]],
        inverse: np.ndarray | None = None,
    ) -> None:
        """``inverse`` is the saved inverse kernel of these examples; it is computed when omitted."""
        self.settings = settings
        self.n_items = n_items
        self.counts = counts
        self.targets = targets
        self.df: Counter[str] = Counter(t for c in counts for t in c)
        self.vectors = PostingMatrix.from_rows([self.vectorise(c) for c in counts])
        self._fit_targets()
        self.inverse = self._inverse_kernel() if inverse is None else inverse

    # ----------------------------------------------------------------- building
    def _inverse_kernel(self) -> np.ndarray:
        n = len(self.counts)
        if n == 0:
            return np.zeros((0, 0), dtype=np.float32)
        cosine = np.stack([self.vectors.scores(self.vectorise(c)) for c in self.counts])
        cosine = np.clip((cosine + cosine.T) / 2.0, 0.0, 1.0)
        np.fill_diagonal(cosine, 1.0)
        kernel = cosine**self.settings.power
        kernel[np.diag_indices(n)] += self.settings.ridge
        return np.linalg.inv(kernel).astype(np.float32)

    def _fit_targets(self) -> None:
        lengths = np.fromiter((len(t) for t in self.targets), dtype=np.int64, count=len(self.targets))
        self.target_rows = np.repeat(np.arange(len(self.targets), dtype=np.int32), lengths)
        self.target_items = np.fromiter(
            (i for t in self.targets for i in t), dtype=np.int32, count=int(lengths.sum())
        )
        self.target_values = np.fromiter(
            (v for t in self.targets for v in t.values()), dtype=np.float32, count=int(lengths.sum())
        )
        positive = self.target_values >= 1.0
        self.item_counts = np.bincount(self.target_items[positive], minlength=self.n_items).astype(np.float32)
        self.positives = [[item for item, value in t.items() if value >= 1.0] for t in self.targets]

    @classmethod
    def targets_for(
        cls, example: Example, positions: Mapping[str, int], settings: KernelSettings
    ) -> dict[int, float]:
        """Target values of one example over catalogue positions (unknown item ids are skipped)."""
        values: dict[int, float] = {}
        for item_id in example.related_ids:
            if item_id in positions:
                values[positions[item_id]] = settings.related_weight
        for item_id in example.item_ids:
            if item_id in positions:
                values[positions[item_id]] = 1.0
        for item_id in example.rejected_ids:
            if item_id in positions:
                values[positions[item_id]] = -settings.rejected_weight
        return values

    def extended(self, counts: list[dict[str, float]], targets: list[dict[int, float]]) -> ExampleMemory:
        """A new memory with more examples (the catalogue is not involved)."""
        return ExampleMemory(self.settings, self.n_items, self.counts + counts, self.targets + targets)

    # ----------------------------------------------------------------- querying
    def __len__(self) -> int:
        return len(self.counts)

    def vectorise(self, counts: Mapping[str, float]) -> dict[str, float]:
        """Unit-length TF-IDF vector of a text over the examples' vocabulary."""
        n = len(self.counts)
        vector: dict[str, float] = {}
        for term, count in counts.items():
            df = self.df.get(term, 0)
            if not df:
                continue
            tf = 1.0 + math.log(count) if count >= 1.0 else count
            vector[term] = tf * (math.log((n + 1) / (df + 1)) + IDF_FLOOR) ** self.settings.idf_power
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {t: w / norm for t, w in vector.items()}

    def similarities(self, counts: Mapping[str, float]) -> np.ndarray:
        """Cosine similarity of a text to every example."""
        if not self.counts:
            return np.zeros(0, dtype=np.float64)
        return self.vectors.scores(self.vectorise(counts))

    def predict(self, similarities: np.ndarray) -> np.ndarray:
        """Learned score of every catalogue item, given the similarities of a text to the examples."""
        if not len(similarities):
            return np.zeros(self.n_items, dtype=np.float64)
        kernel = np.maximum(similarities, 0.0).astype(np.float32) ** self.settings.power
        return self.scores_from_weights(self.inverse @ kernel)

    def scores_from_weights(self, weights: np.ndarray) -> np.ndarray:
        """``weights @ Y``: combine the examples' targets with one weight per example."""
        return np.bincount(
            self.target_items, weights=self.target_values * weights[self.target_rows], minlength=self.n_items
        )

    def leave_one_out(self, index: int) -> np.ndarray:
        """Item scores for example ``index`` predicted by the model trained without it (closed form:
        ``y_i - (A @ Y)_i / A_ii`` where ``A`` is the inverse kernel)."""
        return self.leave_group_out(np.array([index]))[0]

    def leave_group_out(self, members: np.ndarray) -> np.ndarray:
        """Item scores of the examples ``members`` (one row each) predicted by the model trained without
        any of them: ``Y_G - inv(A_GG) @ (A @ Y)_G``, the block form of the leave-one-out identity."""
        block = self.inverse[np.ix_(members, members)].astype(np.float64)
        fitted = np.stack([self.scores_from_weights(self.inverse[i].astype(np.float64)) for i in members])
        prediction = -np.linalg.solve(block, fitted)
        for row, index in enumerate(members):
            for item, value in self.targets[index].items():
                prediction[row, item] += value
        return prediction

    def neighbours_with(self, similarities: np.ndarray, item: int, limit: int = 3) -> list[tuple[int, float]]:
        """Most similar examples whose accepted items include ``item``, as ``(example index, similarity)``."""
        holders = self.target_rows[(self.target_items == item) & (self.target_values >= 1.0)]
        if not len(holders):
            return []
        ranked = holders[np.argsort(-similarities[holders])][:limit]
        return [(int(i), float(similarities[i])) for i in ranked if similarities[i] > 0]

    def top_neighbours(self, similarities: np.ndarray, k: int) -> np.ndarray:
        """Indices of the ``k`` most similar examples."""
        k = min(k, len(similarities))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-similarities, k - 1)[:k]
        return top[np.argsort(-similarities[top])]


def build_memory(
    settings: KernelSettings,
    n_items: int,
    counts: Iterable[dict[str, float]],
    targets: Iterable[dict[int, float]],
) -> ExampleMemory:
    """Fit a memory from per-example term counts and targets."""
    return ExampleMemory(settings, n_items, list(counts), list(targets))
