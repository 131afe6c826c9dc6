"""Second-stage ranking: a small neural network over a few features of each candidate item.

The candidates of a text are the best items of the first-stage blend (learned + direct scores). Each
gets features that transfer across domains (relative scores and ranks, how similar the nearest known
texts are, how much of the item label the text covers, how often the item was accepted, its reuse level
and type). The network (one hidden layer of 16 units) is fitted on the examples themselves, each
example being scored by a model that did not see it (leave-one-out), with a listwise loss (the
accepted items of a text should take the probability mass of its candidates), so the ranker learns how
far to trust each signal and how signals interact. It replaced a logistic model: +0.008 R-precision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FEATURES: tuple[str, ...] = (
    "learned",
    "learned_sqrt",
    "learned_relative",
    "learned_rank_log",
    "direct_relative",
    "direct_relative_sq",
    "direct_rank_log",
    "top_similarity",
    "learned_x_similarity",
    "direct_x_similarity",
    "label_coverage",
    "label_fully_covered",
    "coverage_x_direct",
    "neighbour_share",
    "neighbour_best",
    "accepted_count_log",
    "never_accepted",
    "transversal",
    "cross_sector",
    "occupation_specific",
    "knowledge",
    "blend_rank_log",
    "semantic",
)


@dataclass
class CandidateSignals:
    """Per-text inputs of :func:`candidate_features` (arrays over all catalogue items unless noted)."""

    learned: np.ndarray
    direct_relative: np.ndarray
    blend: np.ndarray
    semantic: np.ndarray | None
    top_similarity: float
    neighbour_share: np.ndarray  # over candidates
    neighbour_best: np.ndarray  # over candidates
    label_coverage: np.ndarray  # over candidates
    accepted_counts: np.ndarray  # over candidates


def _log_ranks(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return np.log1p(ranks)


def candidate_features(
    candidates: np.ndarray, signals: CandidateSignals, reuse: np.ndarray, knowledge: np.ndarray
) -> np.ndarray:
    """Feature matrix (candidates × :data:`FEATURES`)."""
    learned = np.maximum(signals.learned[candidates], 0.0)
    learned_max = float(learned.max()) if len(learned) else 0.0
    direct = signals.direct_relative[candidates]
    top = signals.top_similarity
    coverage = signals.label_coverage
    semantic = signals.semantic[candidates] if signals.semantic is not None else np.zeros(len(candidates))
    columns = [
        learned,
        np.sqrt(learned),
        learned / learned_max if learned_max > 0 else learned,
        _log_ranks(learned),
        direct,
        direct**2,
        _log_ranks(direct),
        np.full(len(candidates), top),
        learned * top,
        direct * top,
        coverage,
        (coverage >= 1.0).astype(np.float64),
        coverage * direct,
        signals.neighbour_share,
        signals.neighbour_best,
        np.log1p(signals.accepted_counts),
        (signals.accepted_counts == 0).astype(np.float64),
        (reuse[candidates] == 0).astype(np.float64),
        (reuse[candidates] == 1).astype(np.float64),
        (reuse[candidates] == 3).astype(np.float64),
        knowledge[candidates].astype(np.float64),
        _log_ranks(signals.blend[candidates]),
        semantic,
    ]
    return np.column_stack(columns).astype(np.float64)


def _segments(groups: np.ndarray) -> tuple[np.ndarray, int]:
    """Segment index of each row (rows of one text are contiguous) and the number of segments."""
    starts = np.r_[0, np.nonzero(np.diff(groups))[0] + 1]
    lengths = np.diff(np.r_[starts, len(groups)])
    return np.repeat(np.arange(len(starts)), lengths), len(starts)


@dataclass
class NeuralRanker:
    """A one-hidden-layer network scoring candidates, trained with a listwise loss (softmax
    cross-entropy over the candidates of each text), plus a Platt calibration that turns its output into
    a probability-like score for display."""

    mean: np.ndarray
    scale: np.ndarray
    hidden_weights: np.ndarray
    hidden_bias: np.ndarray
    output_weights: np.ndarray
    calibration: np.ndarray  # (slope, intercept)

    @classmethod
    def fit(
        cls,
        features: np.ndarray,
        labels: np.ndarray,
        groups: np.ndarray,
        hidden: int = 16,
        iterations: int = 300,
        learning_rate: float = 0.05,
        l2: float = 1e-3,
        seed: int = 0,
    ) -> NeuralRanker:
        """Full-batch Adam on the listwise loss; deterministic for a given ``seed``."""
        mean = features.mean(axis=0)
        scale = features.std(axis=0) + 1e-6
        z = (features - mean) / scale
        segment, n_segments = _segments(groups)
        positives = np.bincount(segment, weights=labels, minlength=n_segments)
        useful = positives > 0
        row_weight = np.where(useful[segment], 1.0, 0.0) / max(1, int(useful.sum()))
        target = labels / np.maximum(positives[segment], 1.0)
        rng = np.random.default_rng(seed)
        params = [rng.normal(0.0, 0.3, (z.shape[1], hidden)), np.zeros(hidden), rng.normal(0.0, 0.3, hidden)]
        first = [np.zeros_like(p) for p in params]
        second = [np.zeros_like(p) for p in params]
        for step in range(1, iterations + 1):
            activation = np.maximum(z @ params[0] + params[1], 0.0)
            scores = activation @ params[2]
            top = np.full(n_segments, -np.inf)
            np.maximum.at(top, segment, scores)
            exp = np.exp(scores - top[segment])
            probability = exp / np.bincount(segment, weights=exp, minlength=n_segments)[segment]
            grad_scores = (probability - target) * row_weight
            grad_hidden = np.outer(grad_scores, params[2]) * (activation > 0)
            grads = [
                z.T @ grad_hidden + l2 * params[0],
                grad_hidden.sum(axis=0),
                activation.T @ grad_scores + l2 * params[2],
            ]
            for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
                first[i] = 0.9 * first[i] + 0.1 * grad
                second[i] = 0.999 * second[i] + 0.001 * grad * grad
                corrected = first[i] / (1 - 0.9**step)
                param -= learning_rate * corrected / (np.sqrt(second[i] / (1 - 0.999**step)) + 1e-8)
        ranker = cls(mean, scale, params[0], params[1], params[2], np.array([1.0, 0.0]))
        ranker.calibration = _platt(ranker.raw_score(features), labels)
        return ranker

    def raw_score(self, features: np.ndarray) -> np.ndarray:
        """Network output (only its order within one text matters)."""
        z = (features - self.mean) / self.scale
        return np.maximum(z @ self.hidden_weights + self.hidden_bias, 0.0) @ self.output_weights

    def score(self, features: np.ndarray) -> np.ndarray:
        """Calibrated logit: ``sigmoid(score)`` estimates the chance that the item fits."""
        return self.calibration[0] * self.raw_score(features) + self.calibration[1]

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Arrays to persist."""
        return {
            "ranker_mean": self.mean,
            "ranker_scale": self.scale,
            "ranker_hidden_weights": self.hidden_weights,
            "ranker_hidden_bias": self.hidden_bias,
            "ranker_output_weights": self.output_weights,
            "ranker_calibration": self.calibration,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> NeuralRanker | None:
        """Inverse of :meth:`to_arrays` (``None`` when no ranker was saved)."""
        if "ranker_output_weights" not in arrays:
            return None
        return cls(
            arrays["ranker_mean"],
            arrays["ranker_scale"],
            arrays["ranker_hidden_weights"],
            arrays["ranker_hidden_bias"],
            arrays["ranker_output_weights"],
            arrays["ranker_calibration"],
        )


def _platt(scores: np.ndarray, labels: np.ndarray, iterations: int = 25) -> np.ndarray:
    """Slope and intercept of a logistic fit of ``labels`` on ``scores`` (Newton's method)."""
    design = np.column_stack([scores, np.ones(len(scores))])
    weights = np.array([1.0, 0.0])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ weights, -30, 30)))
        gradient = design.T @ (p - labels)
        hessian = (design * (p * (1 - p))[:, None]).T @ design + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return weights
