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
    "alt_coverage",
    "phrase_coverage",
    "label_length",
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
    alt_coverage: np.ndarray  # over candidates
    phrase_coverage: np.ndarray  # over candidates
    label_length: np.ndarray  # over candidates


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
        signals.alt_coverage,
        signals.phrase_coverage,
        np.log1p(signals.label_length),
    ]
    return np.column_stack(columns).astype(np.float64)


def _segment_bounds(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end row of each text (the rows of one text are contiguous)."""
    starts = np.r_[0, np.nonzero(np.diff(groups))[0] + 1]
    return starts, np.r_[starts[1:], len(groups)]


@dataclass
class NeuralRanker:
    """Small networks (one hidden layer) scoring candidates, trained with a listwise loss: the softmax
    over the candidates of a text should put its mass on the accepted items. A few networks with
    different seeds are averaged (steadier rankings), then a Platt calibration turns the average into a
    probability-like score for display. Arrays have a leading axis over the networks."""

    mean: np.ndarray
    scale: np.ndarray
    hidden_weights: np.ndarray  # (members, features, hidden)
    hidden_bias: np.ndarray  # (members, hidden)
    output_weights: np.ndarray  # (members, hidden)
    output_scale: np.ndarray  # (members, 2): mean and std of each network's output on the training rows
    calibration: np.ndarray  # (slope, intercept)

    @classmethod
    def fit(
        cls,
        features: np.ndarray,
        labels: np.ndarray,
        groups: np.ndarray,
        members: int = 3,
        hidden: int = 16,
        epochs: int = 10,
        batch_texts: int = 64,
        learning_rate: float = 0.01,
        l2: float = 1e-3,
    ) -> NeuralRanker:
        """Mini-batch Adam (batches of ``batch_texts`` texts); deterministic (seeds 0..members-1)."""
        mean = features.mean(axis=0)
        scale = features.std(axis=0) + 1e-6
        z = ((features - mean) / scale).astype(np.float32)
        y = labels.astype(np.float32)
        bounds = _segment_bounds(groups)
        nets = [
            _train_network(z, y, bounds, hidden, epochs, batch_texts, learning_rate, l2, seed)
            for seed in range(members)
        ]
        ranker = cls(
            mean=mean,
            scale=scale,
            hidden_weights=np.stack([n[0] for n in nets]),
            hidden_bias=np.stack([n[1] for n in nets]),
            output_weights=np.stack([n[2] for n in nets]),
            output_scale=np.tile(np.array([0.0, 1.0], dtype=np.float32), (members, 1)),
            calibration=np.array([1.0, 0.0]),
        )
        outputs = ranker._member_outputs(features)
        ranker.output_scale = np.column_stack([outputs.mean(axis=1), outputs.std(axis=1) + 1e-6])
        ranker.calibration = _platt(ranker.raw_score(features), labels)
        return ranker

    def _member_outputs(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale).astype(np.float32)
        hidden = np.maximum(
            np.einsum("nf,mfh->mnh", z, self.hidden_weights) + self.hidden_bias[:, None, :], 0.0
        )
        return np.einsum("mnh,mh->mn", hidden, self.output_weights)

    def raw_score(self, features: np.ndarray) -> np.ndarray:
        """Average of the standardised network outputs (only its order within one text matters)."""
        outputs = self._member_outputs(features)
        return (
            ((outputs - self.output_scale[:, :1]) / self.output_scale[:, 1:]).mean(axis=0).astype(np.float64)
        )

    def score(self, features: np.ndarray) -> np.ndarray:
        """Calibrated logit: ``sigmoid(score)`` estimates the chance that the item fits."""
        return self.calibration[0] * self.raw_score(features) + self.calibration[1]

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Arrays to persist."""
        return {f"ranker_{name}": getattr(self, name) for name in _RANKER_ARRAYS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> NeuralRanker | None:
        """Inverse of :meth:`to_arrays` (``None`` when no ranker was saved)."""
        if "ranker_output_weights" not in arrays:
            return None
        return cls(**{name: arrays[f"ranker_{name}"] for name in _RANKER_ARRAYS})


_RANKER_ARRAYS = (
    "mean",
    "scale",
    "hidden_weights",
    "hidden_bias",
    "output_weights",
    "output_scale",
    "calibration",
)


def _train_network(
    z: np.ndarray,
    y: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray],
    hidden: int,
    epochs: int,
    batch_texts: int,
    learning_rate: float,
    l2: float,
    seed: int,
) -> list[np.ndarray]:
    """Weights ``[W (features x hidden), b (hidden), v (hidden)]`` of one network, score = relu(zW+b)·v."""
    starts, ends = bounds
    rng = np.random.default_rng(seed)
    params = [
        rng.normal(0.0, 0.3, (z.shape[1], hidden)).astype(np.float32),
        np.zeros(hidden, dtype=np.float32),
        rng.normal(0.0, 0.3, hidden).astype(np.float32),
    ]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(starts))
        for begin in range(0, len(order), batch_texts):
            texts = order[begin : begin + batch_texts]
            rows = np.concatenate([np.arange(starts[t], ends[t]) for t in texts])
            segment = np.repeat(np.arange(len(texts)), ends[texts] - starts[texts])
            grads = _listwise_gradients(params, z[rows], y[rows], segment, len(texts), l2)
            if grads is None:
                continue
            step += 1
            for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
                first[i] = 0.9 * first[i] + 0.1 * grad
                second[i] = 0.999 * second[i] + 0.001 * grad * grad
                corrected = first[i] / (1 - 0.9**step)
                param -= learning_rate * corrected / (np.sqrt(second[i] / (1 - 0.999**step)) + 1e-8)
    return params


def _listwise_gradients(
    params: list[np.ndarray], z: np.ndarray, y: np.ndarray, segment: np.ndarray, n_segments: int, l2: float
) -> list[np.ndarray] | None:
    """Gradients of the mean softmax cross-entropy over texts that have at least one accepted item."""
    positives = np.bincount(segment, weights=y, minlength=n_segments)
    useful = positives > 0
    if not useful.any():
        return None
    activation = np.maximum(z @ params[0] + params[1], 0.0)
    scores = activation @ params[2]
    top = np.full(n_segments, -np.inf, dtype=np.float32)
    np.maximum.at(top, segment, scores)
    exp = np.exp(scores - top[segment])
    probability = exp / np.bincount(segment, weights=exp, minlength=n_segments)[segment]
    grad_scores = (
        (probability - y / np.maximum(positives[segment], 1.0)) * useful[segment] / useful.sum()
    ).astype(np.float32)
    grad_hidden = grad_scores[:, None] * params[2][None, :] * (activation > 0)
    return [
        z.T @ grad_hidden + l2 * params[0],
        grad_hidden.sum(axis=0),
        activation.T @ grad_scores + l2 * params[2],
    ]


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
