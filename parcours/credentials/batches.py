"""Batch issuance for a cohort: a registry of sources, the service that starts a batch, and the runner.

A *source* is a callable ``produce(institution, cohort) -> Iterable[BatchItem]`` registered under a name by
the app that knows what was recognised (the recognition app registers its own). The runner issues the
items in chunks, one transaction per chunk, and records the counts as it goes so a page can show progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.audit.services import audit_record

from .compose import AchievementSpec
from .enums import AchievementKind, BatchStatus
from .models import BatchIssuance
from .services import IssueRequest, credentials_issue_many

CHUNK = 200
MAX_ERRORS = 50


@dataclass(frozen=True)
class BatchItem:
    holder: object
    achievement: AchievementSpec
    source_type: str
    source_id: str
    evidence_url: str = ""


@dataclass(frozen=True)
class BatchSource:
    name: str
    label: str | Promise
    produce: Callable[..., Iterable[BatchItem]]


_SOURCES: dict[str, BatchSource] = {}


def register_batch_source(
    name: str, label: str | Promise, produce: Callable[..., Iterable[BatchItem]]
) -> None:
    """Make a source available to batch issuance (call from an ``AppConfig.ready``)."""
    _SOURCES[name] = BatchSource(name, label, produce)


def unregister_batch_source(name: str) -> None:
    _SOURCES.pop(name, None)


def batch_sources() -> list[BatchSource]:
    return sorted(_SOURCES.values(), key=lambda s: str(s.label))


def batch_source(name: str) -> BatchSource | None:
    return _SOURCES.get(name)


def batch_create(*, institution, source: str, cohort=None, actor=None) -> BatchIssuance:
    """Record a batch and run it after commit through the tasks backend."""
    found = batch_source(source)
    if found is None:
        raise ValueError(f"Unknown batch source {source!r}.")
    label = f"{found.label} — {cohort.label if cohort else institution.name}"
    with transaction.atomic():
        batch = BatchIssuance.objects.create(
            institution=institution,
            source=source,
            parameters={"cohort": cohort.pk if cohort else None},
            label=label[:200],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            "credential.batch.created",
            actor=actor,
            target=batch,
            institution=institution,
            data={"source": source, "cohort": cohort.pk if cohort else None},
        )
        from .tasks import run_batch

        transaction.on_commit(lambda: run_batch.enqueue(batch.pk))
    return batch


def _save_progress(batch: BatchIssuance, **fields) -> None:
    for name, value in fields.items():
        setattr(batch, name, value)
    BatchIssuance.objects.filter(pk=batch.pk).update(**fields)


def batch_run(batch_id: int) -> BatchIssuance:
    """Run a batch (from the task). Safe to run twice: already issued credentials are skipped."""
    from parcours.accounts.models import Cohort

    batch = BatchIssuance.objects.select_related("institution", "created_by").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    source = batch_source(batch.source)
    _save_progress(
        batch, status=BatchStatus.RUNNING, started_at=timezone.now(), issued=0, skipped=0, failed=0
    )
    try:
        if source is None:
            raise ValueError(f"The batch source {batch.source!r} is no longer available.")
        cohort_id = (batch.parameters or {}).get("cohort")
        cohort = Cohort.objects.filter(pk=cohort_id).first() if cohort_id else None
        items = list(source.produce(batch.institution, cohort))
        _save_progress(batch, total=len(items))
        errors: list[str] = []
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            outcome = credentials_issue_many(
                institution=batch.institution,
                requests=[
                    IssueRequest(i.holder, i.achievement, i.source_type, i.source_id, i.evidence_url)
                    for i in chunk
                ],
                issued_by=batch.created_by,
                batch=batch,
            )
            errors += [f"#{start + 1}–{start + len(chunk)}: {e}" for e in outcome.errors]
            _save_progress(
                batch,
                issued=batch.issued + len(outcome.credentials),
                skipped=batch.skipped + outcome.skipped,
                failed=batch.failed + outcome.failed,
                errors=errors[:MAX_ERRORS],
            )
    except Exception as exc:
        _save_progress(
            batch,
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            errors=[*batch.errors, str(exc)][:MAX_ERRORS],
        )
        audit_record(
            "credential.batch.failed", target=batch, institution=batch.institution, data={"error": str(exc)}
        )
        raise
    _save_progress(batch, status=BatchStatus.DONE, finished_at=timezone.now())
    audit_record(
        "credential.batch.finished",
        target=batch,
        institution=batch.institution,
        data={"issued": batch.issued, "skipped": batch.skipped, "failed": batch.failed},
    )
    return batch


# ── the illustrative source (demo and tests only) ───────────────────────────

ILLUSTRATIVE_SPECS = (
    AchievementSpec(
        key="illustrative:commitment",
        kind=AchievementKind.COMPETENCY,
        name_fr="S'engager dans une mission collective (exemple illustratif)",
        name_en="Commit to a collective mission (illustrative example)",
        description_fr="Compétence illustrative de démonstration : s'engager durablement au service d'un collectif.",
        description_en="Illustrative demonstration competency: commit over time to serving a group.",
        criteria_fr="Exemple de démonstration, sans décision réelle du jury.",
        criteria_en="Demonstration example, with no real jury decision.",
        level_label="Niveau 2 — Maîtrise",
        level_rank=2,
        ects=2,
        esco_uris=["http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"],
        esco_labels={
            "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0": "travailler en équipe"
        },
    ),
)


def illustrative_source(institution, cohort) -> Iterable[BatchItem]:
    from parcours.accounts.enums import Role
    from parcours.accounts.models import Membership

    memberships = (
        Membership.objects.active().filter(institution=institution, role=Role.STUDENT).select_related("user")
    )
    if cohort is not None:
        memberships = memberships.filter(cohort=cohort)
    for membership in memberships:
        for spec in ILLUSTRATIVE_SPECS:
            yield BatchItem(
                membership.user, spec, "demo.illustrative-batch", str(cohort.pk if cohort else institution.pk)
            )


def register_builtin_sources() -> None:
    if settings.CREDENTIALS.get("ILLUSTRATIVE_BATCH_SOURCE"):
        register_batch_source(
            "credentials.illustrative", _("Illustrative competency (demonstration)"), illustrative_source
        )
