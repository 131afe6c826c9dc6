"""The matching engine: ranks catalogue items for a free text and explains each result.

Scoring of one text (see docs/matching.md):

1. Normalise the text (:mod:`.text`) and expand it with the lexicon (:mod:`.lexicon`).
2. *Direct* score: BM25F of the text against the items' label, alternative labels and description.
3. *Learned* score: kernel ridge regression over the labelled examples (:mod:`.examples`).
4. Blend ``max(learned, 0) + direct_weight * direct / max(direct)`` and keep the best candidates.
5. Re-rank the candidates with a logistic model fitted leave-one-out on the examples (:mod:`.ranker`).
6. Push down items that similar examples rejected.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from .datafiles import CatalogueItem
from .examples import Example, ExampleMemory, KernelSettings, term_counts
from .lexicon import DEFAULT_LEXICON_PATH, Expansion, Lexicon, LexiconEntry, read_lexicon
from .ranker import CandidateSignals, NeuralRanker, candidate_features
from .retrieval import REUSE_LEVELS, build_bm25f, item_fields, query_vector
from .semantic import Encoder, load_encoder
from .sparse import PostingMatrix
from .text import MAX_QUERY_CHARS, MAX_QUERY_TOKENS, Normaliser, bigrams

FORMAT_VERSION = 1
NEIGHBOURS = 10


class EmptyQueryError(ValueError):
    """The text to search is empty or made only of white space."""


class IndexFormatError(ValueError):
    """A saved index cannot be loaded (missing file, other format version)."""


@dataclass
class EngineConfig:
    """Tunable parameters; the defaults were tuned by 5-fold cross-validation on the ESCO dev queries."""

    label_weight: float = 2.0
    alt_label_weight: float = 1.0
    description_weight: float = 0.3
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    bigram_weight: float = 0.5
    use_lexicon: bool = True
    expansion_weight: float = 0.5
    kernel_power: float = 1.5
    ridge: float = 0.3
    example_bigram_weight: float = 0.5
    example_idf_power: float = 0.7
    related_weight: float = 0.25
    rejected_weight: float = 1.0
    direct_weight: float = 0.15
    rejection_penalty: float = 5.0
    rerank: bool = True
    rerank_candidates: int = 200
    min_examples_for_ranker: int = 50
    max_ranker_examples: int = 3000
    ranker_group_out_share: float = 0.3
    ranker_group_level: int = 2
    semantic_model: str | None = None
    semantic_weight: float = 0.2

    def kernel_settings(self) -> KernelSettings:
        """Parameters of the example memory."""
        return KernelSettings(
            power=self.kernel_power,
            ridge=self.ridge,
            bigram_weight=self.example_bigram_weight,
            idf_power=self.example_idf_power,
            related_weight=self.related_weight,
            rejected_weight=self.rejected_weight,
        )

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> EngineConfig:
        """Build from a mapping, ignoring unknown keys (older or newer saved indexes)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class SimilarExample:
    """A known text that carries the result item."""

    id: str
    text: str
    similarity: float


@dataclass(frozen=True)
class Explanation:
    """Why an item was proposed."""

    matched_terms: tuple[str, ...]
    expansions: tuple[str, ...]
    similar_examples: tuple[SimilarExample, ...]
    direct_score: float
    learned_score: float
    accepted_count: int

    def summary(
        self, words: str = "mots : {}", glossary: str = "lexique : {}", similar: str = "textes proches : {}"
    ) -> str:
        """One line for people: ``mots : …; lexique : …; textes proches : …``. Each label is a format with one
        ``{}`` (the caller passes translated ones; French by default, for the command line)."""
        parts = []
        if self.matched_terms:
            parts.append(words.format(", ".join(self.matched_terms)))
        if self.expansions:
            parts.append(glossary.format("; ".join(self.expansions)))
        if self.similar_examples:
            parts.append(
                similar.format(
                    "; ".join(f"{s.text[:60]} ({s.similarity:.2f})" for s in self.similar_examples)
                )
            )
        return " | ".join(parts)


@dataclass(frozen=True)
class SearchResult:
    """One ranked item."""

    item_id: str
    label: str
    score: float
    rank: int
    explanation: Explanation | None = None


@dataclass
class PreparedText:
    """A normalised text ready to be scored."""

    pairs: list[tuple[str, str]]
    expansions: list[Expansion]
    direct_vector: dict[str, float]
    example_counts: dict[str, float]

    @property
    def stems(self) -> set[str]:
        """Distinct stems of the text (without expansions)."""
        return {stem for _, stem in self.pairs}


@dataclass
class Scored:
    """All scores of one text, kept for ranking and explanations."""

    prepared: PreparedText
    direct: np.ndarray
    direct_relative: np.ndarray
    similarities: np.ndarray
    learned: np.ndarray
    semantic: np.ndarray | None
    blend: np.ndarray


@dataclass
class CatalogueIndex:
    """Everything derived from the catalogue alone."""

    items: list[CatalogueItem]
    positions: dict[str, int]
    direct: PostingMatrix
    label_stems: list[frozenset[str]]
    alt_stems: list[tuple[frozenset[str], ...]]
    label_phrases: list[frozenset[str]]
    reuse: np.ndarray  # index in REUSE_LEVELS, -1 when unknown
    knowledge: np.ndarray  # bool
    embeddings: np.ndarray | None = None


@dataclass
class Engine:
    """Ranks catalogue items for texts; learns from labelled examples. See the module docstring."""

    config: EngineConfig
    normaliser: Normaliser
    lexicon: Lexicon | None
    catalogue: CatalogueIndex
    examples: list[Example] = field(default_factory=list)
    memory: ExampleMemory | None = None
    ranker: NeuralRanker | None = None
    encoder: Encoder | None = None
    build_seconds: float = 0.0

    # ================================================================ building
    @classmethod
    def build(
        cls,
        items: Sequence[CatalogueItem],
        examples: Iterable[Example] = (),
        config: EngineConfig | None = None,
        lexicon_path: str | Path | None = DEFAULT_LEXICON_PATH,
    ) -> Engine:
        """Index ``items``, then learn from ``examples`` (which may be empty)."""
        started = time.perf_counter()
        config = config or EngineConfig()
        if not items:
            raise ValueError("the catalogue is empty")
        normaliser = Normaliser()
        normaliser.learn_vocabulary(" ".join([i.label, *i.alt_labels, i.description]) for i in items)
        catalogue = _index_catalogue(items, normaliser, config)
        entries = read_lexicon(lexicon_path) if (config.use_lexicon and lexicon_path) else []
        lexicon = Lexicon(entries, normaliser) if entries else None
        engine = cls(config, normaliser, lexicon, catalogue)
        if config.semantic_model:
            engine.encoder = load_encoder(config.semantic_model)
            engine.catalogue.embeddings = engine.encoder.encode([_item_text(i) for i in items])
        engine = engine.with_examples(examples)
        engine.build_seconds = time.perf_counter() - started
        return engine

    def with_examples(self, examples: Iterable[Example], train_ranker: bool = True) -> Engine:
        """A new engine on the same catalogue index, learning from ``examples`` only."""
        examples = list(examples)
        settings = self.config.kernel_settings()
        counts = [self._example_counts(e) for e in examples]
        targets = [ExampleMemory.targets_for(e, self.catalogue.positions, settings) for e in examples]
        memory = ExampleMemory(settings, len(self.catalogue.items), counts, targets) if examples else None
        engine = replace(self, examples=examples, memory=memory, ranker=None)
        if train_ranker:
            engine.ranker = engine._fit_ranker()
        return engine

    def add_examples(self, examples: Iterable[Example], retrain_ranker: bool = False) -> None:
        """Learn from more examples. Only the example memory is refitted (the catalogue index is kept);
        the ranker keeps its weights unless ``retrain_ranker``."""
        new = list(examples)
        if not new:
            return
        settings = self.config.kernel_settings()
        counts = [self._example_counts(e) for e in new]
        targets = [ExampleMemory.targets_for(e, self.catalogue.positions, settings) for e in new]
        if self.memory is None:
            self.memory = ExampleMemory(settings, len(self.catalogue.items), counts, targets)
        else:
            self.memory = self.memory.extended(counts, targets)
        self.examples = self.examples + new
        if retrain_ranker or self.ranker is None:
            self.ranker = self._fit_ranker()

    def _example_counts(self, example: Example) -> dict[str, float]:
        return term_counts(self.normaliser.tokens(example.full_text()), self.config.example_bigram_weight)

    # ================================================================ searching
    def search(
        self, text: str, top: int = 10, explain: bool = True, exclude: Iterable[str] = ()
    ) -> list[SearchResult]:
        """The ``top`` best items for ``text``, best first.

        Raises :class:`EmptyQueryError` for an empty text. Texts longer than
        :data:`~.text.MAX_QUERY_CHARS` characters are cut; at most :data:`~.text.MAX_QUERY_TOKENS`
        content words are used. Items with no evidence at all are never returned.
        """
        if not isinstance(text, str) or not text.strip():
            raise EmptyQueryError("the text to match is empty: type a few words describing the activity")
        scored = self._score(self.prepare(text))
        excluded = {self.catalogue.positions[i] for i in exclude if i in self.catalogue.positions}
        ranked = self._rank(scored, top + len(excluded))
        results: list[SearchResult] = []
        for position, score in ranked:
            if position in excluded:
                continue
            item = self.catalogue.items[position]
            explanation = self._explain(scored, position) if explain else None
            results.append(SearchResult(item.id, item.label, float(score), len(results) + 1, explanation))
            if len(results) >= top:
                break
        return results

    def prepare(self, text: str) -> PreparedText:
        """Normalise and expand a text."""
        pairs = self.normaliser.analyse(text[:MAX_QUERY_CHARS], MAX_QUERY_TOKENS)
        stems = [stem for _, stem in pairs]
        expansions = self.lexicon.find(stems) if self.lexicon else []
        direct_vector = query_vector(stems, self.config.bigram_weight)
        example_counts = term_counts(stems, self.config.example_bigram_weight)
        weight = self.config.expansion_weight
        for expansion in expansions:
            for stem in expansion.stems:
                direct_vector[stem] = direct_vector.get(stem, 0.0) + weight
                example_counts[stem] = example_counts.get(stem, 0.0) + weight
        return PreparedText(pairs, expansions, direct_vector, example_counts)

    def _score(
        self, prepared: PreparedText, held_out: Sequence[int] = (), learned: np.ndarray | None = None
    ) -> Scored:
        """Scores of a text. For ranker training, ``held_out`` examples are hidden from the similarities
        and ``learned`` is their closed-form prediction without them."""
        n_items = len(self.catalogue.items)
        direct = self.catalogue.direct.scores(prepared.direct_vector)
        top_direct = float(direct.max()) if n_items else 0.0
        direct_relative = direct / top_direct if top_direct > 0 else direct
        if self.memory is not None and len(self.memory):
            similarities = self.memory.similarities(prepared.example_counts)
            if len(held_out):
                similarities[list(held_out)] = 0.0
            if learned is None:
                learned = self.memory.predict(similarities)
        else:
            similarities = np.zeros(0)
            learned = np.zeros(n_items)
        semantic = self._semantic_scores(prepared)
        blend = np.maximum(learned, 0.0) + self.config.direct_weight * direct_relative
        if semantic is not None:
            blend = blend + self.config.semantic_weight * semantic
        return Scored(prepared, direct, direct_relative, similarities, learned, semantic, blend)

    def _semantic_scores(self, prepared: PreparedText) -> np.ndarray | None:
        if self.encoder is None or self.catalogue.embeddings is None:
            return None
        text = " ".join(word for word, _ in prepared.pairs)
        vector = self.encoder.encode([text])[0]
        return np.maximum(self.catalogue.embeddings @ vector, 0.0).astype(np.float64)

    def _rank(self, scored: Scored, top: int) -> list[tuple[int, float]]:
        """``(item position, score)`` of the best items; items without any evidence are left out."""
        evidence = (scored.direct > 0) | (scored.learned > 0)
        if scored.semantic is not None:
            evidence |= scored.semantic > 0
        penalty = self.config.rejection_penalty * np.maximum(-scored.learned, 0.0)
        n_candidates = max(self.config.rerank_candidates, top)
        candidates = _top_indices(scored.blend, n_candidates)
        candidates = candidates[evidence[candidates]]
        if self.ranker is not None and len(candidates):
            features = candidate_features(candidates, self._signals(scored, candidates), *self._item_arrays())
            logits = self.ranker.score(features) - penalty[candidates]
            order = np.argsort(-logits, kind="stable")[:top]
            return [(int(candidates[i]), _sigmoid(float(logits[i]))) for i in order]
        final = scored.blend[candidates] - penalty[candidates]
        order = np.argsort(-final, kind="stable")[:top]
        return [(int(candidates[i]), float(final[i])) for i in order]

    def _item_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self.catalogue.reuse, self.catalogue.knowledge

    def _signals(
        self, scored: Scored, candidates: np.ndarray, held_out: Sequence[int] = ()
    ) -> CandidateSignals:
        """Inputs of the ranker features for ``candidates`` (``held_out`` examples are ignored)."""
        top_similarity = float(scored.similarities.max()) if len(scored.similarities) else 0.0
        share, best, counts = self._neighbour_signals(scored, candidates, held_out, top_similarity)
        coverage, alt_coverage, phrase_coverage, label_length = self._label_signals(
            scored.prepared, candidates
        )
        return CandidateSignals(
            learned=scored.learned,
            direct_relative=scored.direct_relative,
            blend=scored.blend,
            semantic=scored.semantic,
            top_similarity=top_similarity,
            neighbour_share=share,
            neighbour_best=best,
            label_coverage=coverage,
            alt_coverage=alt_coverage,
            phrase_coverage=phrase_coverage,
            label_length=label_length,
            accepted_counts=counts,
        )

    def _neighbour_signals(
        self, scored: Scored, candidates: np.ndarray, held_out: Sequence[int], top_similarity: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Share of the nearest examples that accepted each candidate, the best such similarity (relative
        to the nearest example) and how many examples accepted it."""
        share, best, counts = np.zeros(len(candidates)), np.zeros(len(candidates)), np.zeros(len(candidates))
        if self.memory is None or not len(self.memory):
            return share, best, counts
        where = {int(c): i for i, c in enumerate(candidates)}
        for j in self.memory.top_neighbours(scored.similarities, NEIGHBOURS):
            relative = float(scored.similarities[j]) / top_similarity if top_similarity > 0 else 0.0
            for item in self.memory.positives[j]:
                i = where.get(item)
                if i is not None:
                    share[i] += 1.0 / NEIGHBOURS
                    best[i] = max(best[i], relative)
        counts = self.memory.item_counts[candidates].astype(np.float64)
        for example in held_out:
            for item in self.memory.positives[example]:
                i = where.get(item)
                if i is not None:
                    counts[i] -= 1
        return share, best, counts

    def _label_signals(
        self, prepared: PreparedText, candidates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """How much of each candidate's label, best alternative label and label phrases the text covers,
        and the label length (in stems)."""
        stems = prepared.stems
        phrases = set(bigrams([stem for _, stem in prepared.pairs]))
        catalogue = self.catalogue
        coverage, alt_coverage, phrase_coverage, length = (np.zeros(len(candidates)) for _ in range(4))
        for i, c in enumerate(candidates):
            label = catalogue.label_stems[c]
            coverage[i] = len(label & stems) / max(1, len(label))
            alt_coverage[i] = max(
                (len(a & stems) / max(1, len(a)) for a in catalogue.alt_stems[c]), default=0.0
            )
            phrase_coverage[i] = len(catalogue.label_phrases[c] & phrases) / max(
                1, len(catalogue.label_phrases[c])
            )
            length[i] = len(label)
        return coverage, alt_coverage, phrase_coverage, length

    # ================================================================ ranker
    def _fit_ranker(self) -> NeuralRanker | None:
        """Fit the second-stage ranker on the examples, each scored by a model that did not see it
        (``None`` with too few examples). A share of the examples is scored with their whole group
        (ISCO prefix) held out, so that the ranker also learns what to do for texts of an unseen domain."""
        if (
            not self.config.rerank
            or self.memory is None
            or len(self.memory) < self.config.min_examples_for_ranker
        ):
            return None
        rng = np.random.default_rng(0)
        indices = np.arange(len(self.examples))
        if len(indices) > self.config.max_ranker_examples:
            indices = np.sort(rng.choice(indices, self.config.max_ranker_examples, replace=False))
        blocks: list[np.ndarray] = []
        labels: list[np.ndarray] = []
        groups: list[np.ndarray] = []
        for index, held_out, learned in self._training_views(indices, rng):
            scored = self._score(self.prepare(self.examples[index].text), held_out, learned)
            candidates = _top_indices(scored.blend, self.config.rerank_candidates)
            signals = self._signals(scored, candidates, held_out)
            blocks.append(candidate_features(candidates, signals, *self._item_arrays()))
            positives = set(self.memory.positives[index])
            labels.append(
                np.fromiter((c in positives for c in candidates), dtype=np.float64, count=len(candidates))
            )
            groups.append(np.full(len(candidates), index))
        features, targets = np.concatenate(blocks), np.concatenate(labels)
        if targets.sum() == 0 or targets.sum() == len(targets):
            return None
        return NeuralRanker.fit(features, targets, np.concatenate(groups))

    def _training_views(
        self, indices: np.ndarray, rng: np.random.Generator
    ) -> Iterable[tuple[int, list[int], np.ndarray]]:
        """``(example, held-out examples, learned scores without them)`` for ranker training: leave-one-
        out for most examples, leave-group-out for ``ranker_group_out_share`` of them."""
        assert self.memory is not None
        level = self.config.ranker_group_level
        by_group: dict[str, list[int]] = {}
        for i, example in enumerate(self.examples):
            if example.group:
                by_group.setdefault(example.group[:level], []).append(i)
        chosen = rng.random(len(indices)) < self.config.ranker_group_out_share
        group_out: dict[str, list[int]] = {}
        for index, pick in zip(indices, chosen, strict=True):
            key = self.examples[index].group[:level]
            if pick and key and len(by_group[key]) < len(self.examples):
                group_out.setdefault(key, []).append(int(index))
            else:
                yield int(index), [int(index)], self.memory.leave_one_out(int(index))
        for key, picked in group_out.items():
            members = np.array(by_group[key])
            predictions = self.memory.leave_group_out(members)
            row_of = {int(m): r for r, m in enumerate(members)}
            for index in picked:
                yield index, members.tolist(), predictions[row_of[index]]

    # ================================================================ explanations
    def _explain(self, scored: Scored, position: int) -> Explanation:
        item = self.catalogue.items[position]
        f = item_fields(item, self.normaliser)
        item_stems = set(f.label) | set(f.alt_labels) | set(f.description)
        matched: list[str] = []
        for word, stem in scored.prepared.pairs:
            if stem in item_stems and word not in matched:
                matched.append(word)
        expansions = tuple(
            e.entry.describe() for e in scored.prepared.expansions if item_stems.intersection(e.stems)
        )
        similar: tuple[SimilarExample, ...] = ()
        if self.memory is not None and len(scored.similarities):
            similar = tuple(
                SimilarExample(self.examples[j].id, self.examples[j].text[:160], round(s, 3))
                for j, s in self.memory.neighbours_with(scored.similarities, position)
            )
        count = int(self.memory.item_counts[position]) if self.memory is not None else 0
        return Explanation(
            matched_terms=tuple(matched[:12]),
            expansions=expansions,
            similar_examples=similar,
            direct_score=round(float(scored.direct_relative[position]), 4),
            learned_score=round(float(scored.learned[position]), 4),
            accepted_count=count,
        )

    # ================================================================ persistence
    def save(self, path: str | Path) -> None:
        """Write the index to directory ``path`` (created if needed): JSON files and one ``.npz``."""
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = dict(self.catalogue.direct.to_arrays("direct"))
        arrays["reuse"], arrays["knowledge"] = self.catalogue.reuse, self.catalogue.knowledge
        if self.catalogue.embeddings is not None:
            arrays["embeddings"] = self.catalogue.embeddings
        if self.memory is not None:
            arrays["inverse"] = self.memory.inverse
        if self.ranker is not None:
            arrays.update(self.ranker.to_arrays())
        np.savez(directory / "arrays.npz", **arrays)
        manifest = {
            "format_version": FORMAT_VERSION,
            "config": asdict(self.config),
            "n_items": len(self.catalogue.items),
            "n_examples": len(self.examples),
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _write_json(directory / "manifest.json", manifest)
        _write_json(
            directory / "catalogue.json",
            {
                "items": [_item_to_json(i) for i in self.catalogue.items],
                "label_stems": [sorted(s) for s in self.catalogue.label_stems],
                "alt_stems": [[sorted(a) for a in alts] for alts in self.catalogue.alt_stems],
                "label_phrases": [sorted(p) for p in self.catalogue.label_phrases],
                "surface_map": self.normaliser.surface_map,
                "lexicon": [asdict(e) for e in (self.lexicon.entries if self.lexicon else [])],
            },
        )
        _write_json(
            directory / "examples.json",
            {
                "examples": [asdict(e) for e in self.examples],
                "counts": self.memory.counts if self.memory else [],
                "targets": [list(t.items()) for t in self.memory.targets] if self.memory else [],
            },
        )

    @classmethod
    def load(cls, path: str | Path, lexicon_path: str | Path | None = None) -> Engine:
        """Read an index written by :meth:`save`. ``lexicon_path`` replaces the saved lexicon (the lexicon
        only affects the text side, so no rebuild is needed)."""
        directory = Path(path)
        for name in ("manifest.json", "catalogue.json", "examples.json", "arrays.npz"):
            if not (directory / name).is_file():
                raise IndexFormatError(f"{directory}: no saved matching index ({name} is missing)")
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexFormatError(
                f"{directory}: index format {manifest.get('format_version')} (expected {FORMAT_VERSION}); rebuild it"
            )
        config = EngineConfig.from_dict(manifest["config"])
        catalogue_data = json.loads((directory / "catalogue.json").read_text(encoding="utf-8"))
        example_data = json.loads((directory / "examples.json").read_text(encoding="utf-8"))
        with np.load(directory / "arrays.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        normaliser = Normaliser(catalogue_data["surface_map"])
        items = [_item_from_json(d) for d in catalogue_data["items"]]
        catalogue = CatalogueIndex(
            items=items,
            positions={item.id: i for i, item in enumerate(items)},
            direct=PostingMatrix.from_arrays(arrays, "direct"),
            label_stems=[frozenset(s) for s in catalogue_data["label_stems"]],
            alt_stems=[tuple(frozenset(a) for a in alts) for alts in catalogue_data["alt_stems"]],
            label_phrases=[frozenset(p) for p in catalogue_data["label_phrases"]],
            reuse=arrays["reuse"],
            knowledge=arrays["knowledge"],
            embeddings=arrays.get("embeddings"),
        )
        if lexicon_path:
            entries = read_lexicon(lexicon_path)
        else:
            entries = [
                LexiconEntry(e["term"], tuple(e["expansions"]), e["kind"], e["note"])
                for e in catalogue_data["lexicon"]
            ]
        lexicon = Lexicon(entries, normaliser) if entries else None
        examples = [_example_from_json(e) for e in example_data["examples"]]
        memory = None
        if examples:
            targets = [{int(k): float(v) for k, v in pairs} for pairs in example_data["targets"]]
            memory = ExampleMemory(
                config.kernel_settings(), len(items), example_data["counts"], targets, arrays["inverse"]
            )
        engine = cls(
            config, normaliser, lexicon, catalogue, examples, memory, NeuralRanker.from_arrays(arrays)
        )
        if config.semantic_model and catalogue.embeddings is not None:
            engine.encoder = load_encoder(config.semantic_model)
        return engine

    # ================================================================ misc
    def item(self, item_id: str) -> CatalogueItem:
        """The catalogue item with this id (``KeyError`` if unknown)."""
        return self.catalogue.items[self.catalogue.positions[item_id]]

    def stats(self) -> dict[str, Any]:
        """Sizes, for logs and admin pages."""
        return {
            "items": len(self.catalogue.items),
            "examples": len(self.examples),
            "lexicon_entries": len(self.lexicon) if self.lexicon else 0,
            "ranker": self.ranker is not None,
            "semantic": self.encoder is not None,
            "build_seconds": round(self.build_seconds, 2),
        }


# ==================================================================== helpers
def _index_catalogue(
    items: Sequence[CatalogueItem], normaliser: Normaliser, config: EngineConfig
) -> CatalogueIndex:
    item_tokens = [item_fields(item, normaliser) for item in items]
    direct = build_bm25f(
        item_tokens,
        (config.label_weight, config.alt_label_weight, config.description_weight),
        config.bm25_k1,
        config.bm25_b,
        config.bigram_weight,
    )
    reuse = np.array(
        [REUSE_LEVELS.index(i.reuse_level) if i.reuse_level in REUSE_LEVELS else -1 for i in items]
    )
    return CatalogueIndex(
        items=list(items),
        positions={item.id: i for i, item in enumerate(items)},
        direct=direct,
        label_stems=[frozenset(f.label) for f in item_tokens],
        alt_stems=[tuple(frozenset(normaliser.tokens(a)) for a in item.alt_labels) for item in items],
        label_phrases=[frozenset(bigrams(f.label)) for f in item_tokens],
        reuse=reuse.astype(np.int8),
        knowledge=np.array([i.item_type == "knowledge" for i in items], dtype=bool),
    )


def _top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values, best first."""
    k = min(k, len(values))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-values, k - 1)[:k]
    return top[np.argsort(-values[top], kind="stable")]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def _item_text(item: CatalogueItem) -> str:
    return ". ".join(p for p in [item.label, *item.alt_labels, item.description] if p)


def _item_to_json(item: CatalogueItem) -> list[Any]:
    return [
        item.id,
        item.label,
        list(item.alt_labels),
        item.description,
        item.item_type,
        item.reuse_level,
        item.extra,
    ]


def _item_from_json(data: list[Any]) -> CatalogueItem:
    item_id, label, alt, description, item_type, reuse_level, extra = data
    return CatalogueItem(item_id, label, tuple(alt), description, item_type, reuse_level, dict(extra))


def _example_from_json(data: dict[str, Any]) -> Example:
    return Example(
        text=data["text"],
        item_ids=tuple(data["item_ids"]),
        rejected_ids=tuple(data.get("rejected_ids", ())),
        related_ids=tuple(data.get("related_ids", ())),
        id=data.get("id", ""),
        group=data.get("group", ""),
        aliases=tuple(data.get("aliases", ())),
    )


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
