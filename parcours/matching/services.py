"""Django adapter of the matching engine: catalogues from the database, learning from the school's decisions.

One engine per framework, built from the framework's competencies (statements FR/EN, keywords,
descriptions) and the labelled examples the platform knows: the competencies the jury recognised for a
described period, and the suggestions people accepted or rejected. Persisted under ``var/matching/`` and
loaded once per process; new feedback is added incrementally in a background task.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _

from parcours.frameworks.models import Competency, Framework

from .engine import CatalogueItem, EmptyQueryError, Engine, Example, IndexFormatError

logger = logging.getLogger(__name__)
_ENGINES: dict[int, tuple[str, Engine]] = {}
_LOCK = threading.Lock()

__all__ = ["EmptyQueryError", "Suggestion", "feedback_record", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    competency_id: int
    code: str
    statement: str
    score: float
    reasons: str


def _item_id(competency_id: int) -> str:
    return f"c{competency_id}"


def catalogue_of(framework: Framework) -> list[CatalogueItem]:
    items = []
    for competency in (
        Competency.objects.filter(framework=framework)
        .exclude(item_type="block")
        .only(
            "pk",
            "code",
            "statement_fr",
            "statement_en",
            "alternative_labels",
            "keywords",
            "description",
            "item_type",
        )
    ):
        alternatives = [competency.statement_en] if competency.statement_en else []
        alternatives += [line for line in competency.alternative_labels.splitlines() if line.strip()]
        alternatives += [k.strip() for k in competency.keywords.replace(";", ",").split(",") if k.strip()]
        items.append(
            CatalogueItem(
                id=_item_id(competency.pk),
                label=competency.statement_fr,
                alt_labels=tuple(alternatives),
                description=competency.description,
                item_type=competency.item_type,
            )
        )
    return items


def examples_of(framework: Framework) -> list[Example]:
    """What the school decided: recognised competencies for described periods, and suggestion feedback."""
    from parcours.recognition.models import DecisionCompetency

    examples: list[Example] = []
    lines = (
        DecisionCompetency.objects.filter(decision__is_current=True, competency__framework=framework)
        .select_related("decision")
        .values_list("decision_id", "competency_id")
    )
    by_decision: dict[int, list[int]] = {}
    for decision_id, competency_id in lines:
        by_decision.setdefault(decision_id, []).append(competency_id)
    if by_decision:
        from parcours.recognition.models import ValidatedActivity

        texts: dict[int, list[str]] = {}
        for decision_id, title, description in ValidatedActivity.objects.filter(
            decision_id__in=by_decision, is_current=True
        ).values_list("decision_id", "period__title", "period__description"):
            texts.setdefault(decision_id, []).append(f"{title}. {description}")
        for decision_id, competency_ids in by_decision.items():
            if text := " ".join(texts.get(decision_id, [])).strip():
                examples.append(Example(text, tuple(_item_id(c) for c in competency_ids)))
    from .models import SuggestionFeedback

    for text, competency_id, accepted in SuggestionFeedback.objects.filter(framework=framework).values_list(
        "text", "competency_id", "accepted"
    ):
        item = (_item_id(competency_id),)
        examples.append(Example(text, item) if accepted else Example(text, (), rejected_ids=item))
    return examples


def _version(framework: Framework) -> str:
    from django.db.models import Max

    latest = Competency.objects.filter(framework=framework).aggregate(n=Max("pk"))["n"] or 0
    count = Competency.objects.filter(framework=framework).count()
    return f"{framework.pk}-{count}-{latest}-{framework.updated_at:%Y%m%d%H%M%S}"


def _directory(framework: Framework, version: str) -> Path:
    return Path(settings.VAR_DIR) / "matching" / f"framework-{framework.pk}" / version


def engine_for(framework: Framework) -> Engine:
    """The framework's engine: in memory, else loaded from var/, else built (and saved)."""
    version = _version(framework)
    with _LOCK:
        cached = _ENGINES.get(framework.pk)
        if cached and cached[0] == version:
            return cached[1]
        directory = _directory(framework, version)
        engine = None
        if directory.exists():
            try:
                engine = Engine.load(directory)
            except (IndexFormatError, OSError, ValueError) as exc:
                logger.warning("Rebuilding the matching index of framework %s: %s", framework.pk, exc)
        if engine is None:
            engine = Engine.build(catalogue_of(framework), examples=examples_of(framework))
            directory.mkdir(parents=True, exist_ok=True)
            engine.save(directory)
        _ENGINES[framework.pk] = (version, engine)
        return engine


def _reasons(explanation) -> str:
    """Why an item was suggested, in the active language: the words of the text it matched, the glossary
    entries that linked them, the similar texts it was accepted for."""
    if explanation is None:
        return ""
    return explanation.summary(
        words=_("words: {}"), glossary=_("glossary: {}"), similar=_("similar texts: {}")
    )


def suggest(*, framework: Framework, text: str, top: int = 8) -> list[Suggestion]:
    """Competencies of ``framework`` that ``text`` supports, best first, with the words that justify each.

    Raises ``EmptyQueryError`` for an empty text.
    """
    if not text or not text.strip():
        raise EmptyQueryError("the text to match is empty: type a few words describing the activity")
    engine = engine_for(framework)
    results = engine.search(text, top=top)
    ids = [int(r.item_id[1:]) for r in results]
    competencies = {c.pk: c for c in Competency.objects.filter(pk__in=ids)}
    return [
        Suggestion(
            competency_id=int(r.item_id[1:]),
            code=competencies[int(r.item_id[1:])].code,
            statement=competencies[int(r.item_id[1:])].statement_fr,
            score=round(r.score, 4),
            reasons=_reasons(r.explanation),
        )
        for r in results
        if int(r.item_id[1:]) in competencies
    ]


def feedback_record(*, framework: Framework, competency: Competency, text: str, accepted: bool, author):
    """Record an accepted or rejected suggestion; the engine learns it after commit, in the background."""
    from .models import SuggestionFeedback

    feedback = SuggestionFeedback.objects.create(
        framework=framework, competency=competency, text=text[:5000], accepted=accepted, author=author
    )
    transaction.on_commit(lambda: learn_feedback.enqueue(feedback_id=feedback.pk), robust=True)
    return feedback


@task()
def learn_feedback(*, feedback_id: int) -> None:
    """Incremental learning: add one example to the loaded engine (the catalogue index is kept)."""
    from .models import SuggestionFeedback

    feedback = SuggestionFeedback.objects.select_related("framework").filter(pk=feedback_id).first()
    if feedback is None:
        return
    engine = engine_for(feedback.framework)
    item = (_item_id(feedback.competency_id),)
    example = (
        Example(feedback.text, item) if feedback.accepted else Example(feedback.text, (), rejected_ids=item)
    )
    with _LOCK:
        engine.add_examples([example])


@task()
def learn_decision(*, decision_id: int) -> None:
    """After a decision is signed: its recognised competencies become examples for the framework's engine."""
    from parcours.recognition.models import Decision

    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        return
    framework_ids = set(decision.competencies.values_list("competency__framework_id", flat=True))
    for framework in Framework.objects.filter(pk__in=framework_ids):
        _ENGINES.pop(framework.pk, None)  # rebuilt with the new examples on next use
