"""Measuring ranking quality and speed: metrics, cross-validation and group hold-out.

All metrics use the ``item_ids`` of each labelled query (``gold_essential`` in the ESCO files):

- ``rp``: R-precision, the share of the R gold items found in the first R results (R = gold size);
- ``recall@k``: share of the gold items in the first k results;
- ``mrr``: mean reciprocal rank of the first gold item (0 when none is in the first 100 results);
- ``latency_p50_ms`` / ``latency_p95_ms``: time of one search call, text normalisation included;
- ``build_s``: time to index the catalogue and learn from the training examples;
- ``rss_mb``: peak resident memory of the process so far.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .datafiles import CatalogueItem, LabelledQuery
from .engine import Engine, EngineConfig
from .examples import Example
from .retrieval import PlainRetriever

METHODS = ("default", "bm25", "tfidf")
REPORT_KEYS = (
    "method",
    "n",
    "rp",
    "recall@5",
    "recall@10",
    "recall@20",
    "mrr",
    "latency_p50_ms",
    "latency_p95_ms",
    "build_s",
    "rss_mb",
)
RANK_DEPTH = 100
FOLD_SEED = 20240601

Ranker = Callable[[str, int], list[str]]


@dataclass
class QueryOutcome:
    """Metrics of one query."""

    query: LabelledQuery
    rp: float
    recall: dict[int, float]
    reciprocal_rank: float
    latency_ms: float


def score_ranking(ranked: Sequence[str], gold: Sequence[str]) -> tuple[float, dict[int, float], float]:
    """R-precision, recall at 5/10/20 and reciprocal rank of ``ranked`` against ``gold``."""
    relevant = set(gold)
    r = len(relevant)
    if r == 0:
        return 0.0, {5: 0.0, 10: 0.0, 20: 0.0}, 0.0
    rp = sum(1 for item in ranked[:r] if item in relevant) / r
    recall = {k: sum(1 for item in ranked[:k] if item in relevant) / r for k in (5, 10, 20)}
    reciprocal = next((1.0 / (i + 1) for i, item in enumerate(ranked) if item in relevant), 0.0)
    return rp, recall, reciprocal


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cross_validation_folds(
    queries: Sequence[LabelledQuery], k: int = 5, seed: int = FOLD_SEED
) -> list[list[int]]:
    """Deterministic folds: query ids sorted, shuffled with a fixed seed, dealt round-robin."""
    order = sorted(range(len(queries)), key=lambda i: queries[i].id)
    random.Random(seed).shuffle(order)
    folds: list[list[int]] = [[] for _ in range(k)]
    for n, i in enumerate(order):
        folds[n % k].append(i)
    return [sorted(f) for f in folds]


def examples_from_queries(
    queries: Sequence[LabelledQuery], aliases: Mapping[str, Sequence[str]] | None = None
) -> list[Example]:
    """Turn labelled queries into training examples (aliases looked up by ``source_id``)."""
    aliases = aliases or {}
    return [
        Example(
            text=q.text,
            item_ids=q.item_ids,
            related_ids=q.related_ids,
            id=q.id,
            group=q.group,
            aliases=tuple(aliases.get(q.source_id, ())),
        )
        for q in queries
    ]


def run_queries(rank: Ranker, queries: Sequence[LabelledQuery]) -> list[QueryOutcome]:
    """Rank every query and score it."""
    outcomes = []
    for query in queries:
        depth = max(RANK_DEPTH, len(query.item_ids))
        started = time.perf_counter()
        ranked = rank(query.text, depth)
        latency = (time.perf_counter() - started) * 1000.0
        rp, recall, reciprocal = score_ranking(ranked, query.item_ids)
        outcomes.append(QueryOutcome(query, rp, recall, reciprocal, latency))
    return outcomes


def summarise(method: str, outcomes: Sequence[QueryOutcome], build_s: float) -> dict[str, float | int | str]:
    """The report dict (keys :data:`REPORT_KEYS`)."""
    latencies = np.array([o.latency_ms for o in outcomes]) if outcomes else np.zeros(1)
    report: dict[str, float | int | str] = {
        "method": method,
        "n": len(outcomes),
        "rp": _mean(o.rp for o in outcomes),
        "recall@5": _mean(o.recall[5] for o in outcomes),
        "recall@10": _mean(o.recall[10] for o in outcomes),
        "recall@20": _mean(o.recall[20] for o in outcomes),
        "mrr": _mean(o.reciprocal_rank for o in outcomes),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "build_s": round(build_s, 2),
        "rss_mb": round(peak_rss_mb(), 1),
    }
    return report


def _mean(values: Iterable[float]) -> float:
    collected = list(values)
    return round(float(np.mean(collected)), 4) if collected else 0.0


def engine_ranker(engine: Engine) -> Ranker:
    """Adapter: the ids ranked by the engine."""

    def rank(text: str, top: int) -> list[str]:
        return [r.item_id for r in engine.search(text, top=top, explain=False)]

    return rank


def plain_ranker(retriever: PlainRetriever) -> Ranker:
    """Adapter: the ids ranked by a baseline (items scoring 0 are left out)."""

    def rank(text: str, top: int) -> list[str]:
        scores = retriever.scores(text)
        k = min(top, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [retriever.ids[i] for i in best if scores[i] > 0]

    return rank


def evaluate(
    method: str,
    items: Sequence[CatalogueItem],
    queries: Sequence[LabelledQuery],
    train: Sequence[LabelledQuery] | None = None,
    cross_validate: bool = False,
    folds: int = 5,
    config: EngineConfig | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> tuple[dict[str, float | int | str], list[QueryOutcome]]:
    """Evaluate ``method`` on ``queries``.

    ``default`` learns from ``train`` (all of it), or, with ``cross_validate``, from the other folds of
    ``queries`` so that no query is scored by a model that saw it. Baselines do not learn.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (expected one of {', '.join(METHODS)})")
    if method != "default":
        started = time.perf_counter()
        retriever = PlainRetriever(items, method)
        build_s = time.perf_counter() - started
        outcomes = run_queries(plain_ranker(retriever), queries)
        return summarise(method, outcomes, build_s), outcomes
    started = time.perf_counter()
    base = Engine.build(items, config=config)
    catalogue_s = time.perf_counter() - started
    if not cross_validate:
        started = time.perf_counter()
        engine = base.with_examples(examples_from_queries(train or [], aliases))
        fit_s = time.perf_counter() - started
        outcomes = run_queries(engine_ranker(engine), queries)
        return summarise(method, outcomes, catalogue_s + fit_s), outcomes
    outcomes_by_index: dict[int, QueryOutcome] = {}
    fit_times = []
    for fold in cross_validation_folds(queries, folds):
        held = set(fold)
        training = [q for i, q in enumerate(queries) if i not in held]
        started = time.perf_counter()
        engine = base.with_examples(examples_from_queries(training, aliases))
        fit_times.append(time.perf_counter() - started)
        for i, outcome in zip(
            fold, run_queries(engine_ranker(engine), [queries[i] for i in fold]), strict=True
        ):
            outcomes_by_index[i] = outcome
        del engine
    outcomes = [outcomes_by_index[i] for i in range(len(queries))]
    return summarise(method, outcomes, catalogue_s + float(np.mean(fit_times))), outcomes


def group_holdout(
    items: Sequence[CatalogueItem],
    queries: Sequence[LabelledQuery],
    level: int = 1,
    config: EngineConfig | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, object]:
    """Leave-one-group-out: for each group prefix of ``level`` digits (ISCO major group for 1), learn
    from the queries of all other groups and score the queries of that group. A proxy for domains that
    no example covers (the military and protective-service occupations of the sealed set)."""
    base = Engine.build(items, config=config)
    groups = sorted({q.group[:level] for q in queries if q.group})
    per_group: dict[str, dict[str, float | int | str]] = {}
    outcomes: list[QueryOutcome] = []
    for group in groups:
        test = [q for q in queries if q.group[:level] == group]
        training = [q for q in queries if q.group[:level] != group]
        engine = base.with_examples(examples_from_queries(training, aliases))
        group_outcomes = run_queries(engine_ranker(engine), test)
        per_group[group] = summarise("default", group_outcomes, engine.build_seconds)
        outcomes.extend(group_outcomes)
    overall = summarise("default", outcomes, base.build_seconds)
    return {
        "level": level,
        "rp": overall["rp"],
        "mrr": overall["mrr"],
        "n": overall["n"],
        "groups": {g: {"n": r["n"], "rp": r["rp"], "mrr": r["mrr"]} for g, r in per_group.items()},
    }
