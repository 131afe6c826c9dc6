"""Writes on frameworks: one transaction per service, audit events with stable codes, side effects after commit."""

from __future__ import annotations

import logging
import uuid
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.services import audit_record

from .enums import AssociationType, FrameworkKind, FrameworkStatus, ImportStatus
from .interchange import FrameworkImportError, apply_plan, build_plan, find_target, read_esco, read_file
from .interchange.plan import ImportPlan
from .models import Association, Competency, Framework, FrameworkImport, Level
from .permissions import EDITOR_ROLES
from .text import search_text_for
from .workflow import FRAMEWORK_TRANSITIONS

COMPETENCY_FIELDS = (
    "code",
    "item_type",
    "statement_fr",
    "statement_en",
    "abbreviated_statement",
    "alternative_labels",
    "description",
    "keywords",
    "notes",
    "education_level",
)
logger = logging.getLogger(__name__)

FRAMEWORK_FIELDS = ("title_fr", "title_en", "academic_year", "version", "language", "licence", "description")


def _refresh_search_text(competency: Competency) -> None:
    competency.search_text = search_text_for(
        statement_fr=competency.statement_fr,
        statement_en=competency.statement_en,
        code=competency.code,
        abbreviated_statement=competency.abbreviated_statement,
        alternative_labels=competency.alternative_labels,
        keywords=competency.keywords,
    )


def _ensure_editable(framework: Framework) -> None:
    if framework.status == FrameworkStatus.FROZEN:
        raise ValidationError(_("This version is frozen: create a new version to change it."))


def _touch_case_timestamp(competency: Competency) -> None:
    """Tell CASE consumers that the item changed."""
    case = dict((competency.extra or {}).get("case") or {})
    if "lastChangeDateTime" in case:
        case["lastChangeDateTime"] = timezone.now().strftime("%Y-%m-%dT%H:%M:%S+00:00")
        competency.extra = {**competency.extra, "case": case}


# --- Framework -------------------------------------------------------------------------------------------


@transaction.atomic
def framework_create(*, institution, actor, title_fr: str, **values: Any) -> Framework:
    framework = Framework.objects.create(
        institution=institution,
        kind=FrameworkKind.SCHOOL,
        title_fr=title_fr,
        **{k: v for k, v in values.items() if k in FRAMEWORK_FIELDS},
    )
    audit_record(
        "framework.created", actor=actor, target=framework, institution=institution, data={"title": title_fr}
    )
    return framework


@transaction.atomic
def framework_update(*, framework: Framework, actor, **values: Any) -> Framework:
    _ensure_editable(framework)
    changed = [k for k in FRAMEWORK_FIELDS if k in values and getattr(framework, k) != values[k]]
    for name in changed:
        setattr(framework, name, values[name])
    if changed:
        framework.save(update_fields=[*changed, "updated_at"])
        audit_record(
            "framework.updated",
            actor=actor,
            target=framework,
            institution=framework.institution,
            data={"fields": changed},
        )
    return framework


@transaction.atomic
def framework_transition(*, framework: Framework, actor, name: str) -> Framework:
    """Apply a workflow transition (publish, freeze, back to draft) if the actor may, and log it."""
    transition = FRAMEWORK_TRANSITIONS.get(name)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if transition is None or transition.source != framework.status:
        raise ValidationError(_("This action is not available for a framework in this state."))
    from parcours.accounts.permissions import has_role

    if not has_role(actor, *transition.roles, institution=framework.institution_id):
        raise PermissionDenied
    previous = framework.status
    framework.status = transition.target
    now = timezone.now()
    if transition.target == FrameworkStatus.PUBLISHED:
        framework.published_at = now
    if transition.target == FrameworkStatus.FROZEN:
        framework.frozen_at = now
    framework.save(update_fields=["status", "published_at", "frozen_at", "updated_at"])
    audit_record(
        transition.audit_action,
        actor=actor,
        target=framework,
        institution=framework.institution,
        data={
            "from": previous,
            "to": framework.status,
            "version": framework.version,
            "title": framework.title_fr,
        },
    )
    return framework


@transaction.atomic
def framework_new_version(
    *, framework: Framework, actor, version: str = "", academic_year: int | None = None
) -> Framework:
    """Start a new draft version as a copy (items keep their identifiers; rules stay on the old version)."""
    if framework.kind != FrameworkKind.SCHOOL:
        raise ValidationError(_("Reference frameworks are updated by importing them again."))
    if not version:
        try:
            version = str(int(framework.version) + 1)
        except ValueError:
            version = f"{framework.version}+1"
    copy = Framework.objects.create(
        institution=framework.institution,
        kind=framework.kind,
        title_fr=framework.title_fr,
        title_en=framework.title_en,
        academic_year=academic_year if academic_year is not None else framework.academic_year,
        version=version,
        previous_version=framework,
        source_identifier=framework.source_identifier or str(framework.identifier),
        source_uri=framework.source_uri,
        language=framework.language,
        licence=framework.licence,
        creator=framework.creator,
        description=framework.description,
        extra=framework.extra,
    )
    Level.objects.bulk_create(
        [
            Level(
                framework=copy,
                rank=level.rank,
                label_fr=level.label_fr,
                label_en=level.label_en,
                descriptor_fr=level.descriptor_fr,
                descriptor_en=level.descriptor_en,
                identifier=level.identifier,
            )
            for level in framework.levels.all()
        ]
    )
    from .selectors import framework_tree

    new_pk: dict[int, int] = {}
    by_depth: dict[int, list[Competency]] = {}
    for node in framework_tree(framework).flat:
        by_depth.setdefault(node.depth, []).append(node.item)
    for depth in sorted(by_depth):
        batch = []
        for item in by_depth[depth]:
            clone = Competency(
                framework=copy,
                identifier=item.identifier,
                uri=item.uri,
                parent_id=new_pk.get(item.parent_id) if item.parent_id else None,
                position=item.position,
                search_text=item.search_text,
                extra=item.extra,
                language=item.language,
                list_enumeration=item.list_enumeration,
                **{name: getattr(item, name) for name in COMPETENCY_FIELDS},
            )
            batch.append(clone)
        for original, created in zip(by_depth[depth], Competency.objects.bulk_create(batch), strict=True):
            new_pk[original.pk] = created.pk
    Association.objects.bulk_create(
        [
            Association(
                framework=copy,
                identifier=a.identifier,
                association_type=a.association_type,
                origin_id=new_pk[a.origin_id],
                destination_id=new_pk.get(a.destination_id, a.destination_id) if a.destination_id else None,
                destination_uri=a.destination_uri,
                destination_identifier=a.destination_identifier,
                destination_title=a.destination_title,
                grouping=a.grouping,
                sequence_number=a.sequence_number,
                extra=a.extra,
            )
            for a in framework.associations.all()
            if a.origin_id in new_pk
        ]
    )
    audit_record(
        "framework.version_created",
        actor=actor,
        target=copy,
        institution=framework.institution,
        data={"from_framework": framework.pk, "from_version": framework.version, "version": version},
    )
    return copy


# --- Items -----------------------------------------------------------------------------------------------


def _check_parent(framework: Framework, competency: Competency | None, parent: Competency | None) -> None:
    if parent is None:
        return
    if parent.framework_id != framework.pk:
        raise ValidationError({"parent": _("The parent must belong to the same framework.")})
    if competency is None or competency.pk is None:
        return
    parents = dict(framework.items.values_list("pk", "parent_id"))
    current: int | None = parent.pk
    while current is not None:
        if current == competency.pk:
            raise ValidationError(
                {"parent": _("An item cannot be placed under itself or one of its children.")}
            )
        current = parents.get(current)


def _check_code(framework: Framework, code: str, exclude_pk: int | None = None) -> None:
    if code and framework.items.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": _("Another item of this framework already uses this code.")})


@transaction.atomic
def competency_create(
    *, framework: Framework, actor, parent: Competency | None = None, **values: Any
) -> Competency:
    _ensure_editable(framework)
    _check_parent(framework, None, parent)
    _check_code(framework, values.get("code", ""))
    siblings = framework.items.filter(parent=parent)
    position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    competency = Competency(
        framework=framework,
        parent=parent,
        identifier=str(uuid.uuid4()),
        position=values.pop("position", position),
        **{k: v for k, v in values.items() if k in COMPETENCY_FIELDS},
    )
    _refresh_search_text(competency)
    competency.save()
    framework.save(update_fields=["updated_at"])
    audit_record(
        "framework.item.created",
        actor=actor,
        target=competency,
        institution=framework.institution,
        data={"code": competency.code, "framework": framework.pk},
    )
    return competency


@transaction.atomic
def competency_update(*, competency: Competency, actor, **values: Any) -> Competency:
    framework = competency.framework
    _ensure_editable(framework)
    if "parent" in values:
        _check_parent(framework, competency, values["parent"])
    if "code" in values:
        _check_code(framework, values["code"], exclude_pk=competency.pk)
    changed = [
        k
        for k in (*COMPETENCY_FIELDS, "parent", "position")
        if k in values and getattr(competency, k) != values[k]
    ]
    for name in changed:
        setattr(competency, name, values[name])
    if changed:
        _refresh_search_text(competency)
        _touch_case_timestamp(competency)
        competency.save()
        framework.save(update_fields=["updated_at"])
        audit_record(
            "framework.item.updated",
            actor=actor,
            target=competency,
            institution=framework.institution,
            data={"fields": changed, "code": competency.code},
        )
    return competency


@transaction.atomic
def competency_delete(*, competency: Competency, actor) -> None:
    framework = competency.framework
    _ensure_editable(framework)
    if competency.rule_links.exists():
        raise ValidationError(_("This item is used by recognition rules: remove it from them first."))
    if competency.children.exists():
        raise ValidationError(_("This item has sub-items: move or delete them first."))
    audit_record(
        "framework.item.deleted",
        actor=actor,
        target=competency,
        institution=framework.institution,
        data={"code": competency.code, "statement": competency.statement_fr[:200]},
    )
    competency.delete()
    framework.save(update_fields=["updated_at"])


@transaction.atomic
def levels_save(*, framework: Framework, actor, levels: list[dict[str, Any]]) -> None:
    """Replace the level scale. Levels are matched by rank; a rank used by a rule cannot be removed."""
    _ensure_editable(framework)
    current = {level.rank: level for level in framework.levels.all()}
    wanted = {int(level["rank"]) for level in levels}
    removed = [rank for rank in current if rank not in wanted]
    from parcours.reserve.models import RuleCompetency

    if RuleCompetency.objects.filter(level__framework=framework, level__rank__in=removed).exists():
        raise ValidationError(_("A level used by a recognition rule cannot be removed."))
    framework.levels.filter(rank__in=removed).delete()
    for values in levels:
        rank = int(values["rank"])
        fields = {k: values.get(k, "") for k in ("label_fr", "label_en", "descriptor_fr", "descriptor_en")}
        Level.objects.update_or_create(framework=framework, rank=rank, defaults=fields)
    audit_record(
        "framework.levels.updated",
        actor=actor,
        target=framework,
        institution=framework.institution,
        data={"ranks": sorted(wanted)},
    )


@transaction.atomic
def association_create(
    *,
    origin: Competency,
    actor,
    association_type: str = AssociationType.EXACT_MATCH_OF,
    destination: Competency | None = None,
    destination_uri: str = "",
) -> Association:
    """Link an item to another item (for example an ESCO skill) or to an external URI."""
    framework = origin.framework
    _ensure_editable(framework)
    if destination is None and not destination_uri:
        raise ValidationError(_("Choose the item or the URI to link to."))
    existing = framework.associations.filter(
        origin=origin, association_type=association_type, destination=destination
    )
    if destination is None:
        existing = framework.associations.filter(
            origin=origin, association_type=association_type, destination_uri=destination_uri
        )
    if (found := existing.first()) is not None:
        return found
    association = Association.objects.create(
        framework=framework,
        identifier=str(uuid.uuid4()),
        association_type=association_type,
        origin=origin,
        destination=destination,
        destination_uri=destination_uri or (destination.uri if destination else ""),
        destination_identifier=destination.identifier if destination else "",
        destination_title=(destination.statement_fr[:500] if destination else ""),
    )
    audit_record(
        "framework.association.created",
        actor=actor,
        target=origin,
        institution=framework.institution,
        data={
            "type": association_type,
            "destination": association.destination_uri or association.destination_identifier,
        },
    )
    return association


@transaction.atomic
def association_delete(*, association: Association, actor) -> None:
    framework = association.framework
    _ensure_editable(framework)
    audit_record(
        "framework.association.deleted",
        actor=actor,
        target=association.origin,
        institution=framework.institution,
        data={"type": association.association_type, "destination": association.destination_uri},
    )
    association.delete()


# --- Imports ---------------------------------------------------------------------------------------------


def framework_import_file(
    *,
    raw: bytes,
    filename: str,
    institution,
    actor=None,
    file_format: str | None = None,
    framework: Framework | None = None,
    title: str = "",
    academic_year: int | None = None,
    dry_run: bool = False,
    progress=None,
) -> tuple[ImportPlan, Framework | None]:
    """Parse, compare and (unless ``dry_run``) apply a framework file atomically.

    Without ``framework``, the file updates the latest version with the same source identifier (CASE
    document identifier, or the file name for CSV/XLSX) in the institution, or creates a new framework.
    Raise :class:`FrameworkImportError`; nothing is written then.
    """
    data = read_file(raw, filename, file_format)
    target = framework or find_target(data, institution)
    if target is not None and target.institution_id != institution.pk:
        raise FrameworkImportError(_("this framework belongs to another institution"), filename)
    plan = build_plan(
        data, institution=institution, framework=target, title=title, academic_year=academic_year
    )
    if dry_run:
        return plan, target
    kwargs = {"progress": progress} if progress else {}
    with transaction.atomic():
        result = apply_plan(plan, **kwargs)
        if not plan.is_noop:
            summary = plan.summary()
            audit_record(
                "framework.imported",
                actor=actor,
                target=result,
                institution=institution,
                data={
                    "file": PurePath(filename).name,
                    "format": data.format,
                    **{
                        k: summary[k]
                        for k in ("added", "changed", "removed", "associations_added", "associations_removed")
                    },
                },
            )
    return plan, result


def esco_import(*, raw: bytes, filename: str, actor=None, progress=None) -> tuple[ImportPlan, Framework]:
    """Load (or update) ESCO skills as the reference framework. A second run updates, never duplicates."""
    data = read_esco(raw, filename)
    target = find_target(data, None, kind=FrameworkKind.REFERENCE)
    plan = build_plan(data, institution=None, framework=target, kind=FrameworkKind.REFERENCE)
    kwargs = {"progress": progress} if progress else {}
    with transaction.atomic():
        framework = apply_plan(plan, **kwargs)
        if target is None:
            Framework.objects.filter(pk=framework.pk).update(
                status=FrameworkStatus.PUBLISHED, published_at=timezone.now()
            )
            framework.refresh_from_db()
        if not plan.is_noop:
            audit_record(
                "framework.esco_imported",
                actor=actor,
                target=framework,
                data={"added": len(plan.added), "changed": len(plan.changed), "removed": len(plan.removed)},
            )
    return plan, framework


@transaction.atomic
def framework_import_preview(
    *,
    institution,
    actor,
    upload,
    file_format: str | None = None,
    target: Framework | None = None,
    title: str = "",
    academic_year: int | None = None,
) -> FrameworkImport:
    """Read an uploaded file and store it with the preview of what it would change. Nothing else is written.

    Raise :class:`FrameworkImportError` (and store nothing) when the file cannot be imported.
    """
    from parcours.accounts.permissions import has_role

    if not has_role(actor, *EDITOR_ROLES, institution=institution):
        raise PermissionDenied
    raw = upload.read()
    filename = PurePath(upload.name).name
    data = read_file(raw, filename, file_format)
    resolved = target or find_target(data, institution)
    if resolved is not None and resolved.institution_id != institution.pk:
        raise PermissionDenied
    plan = build_plan(
        data, institution=institution, framework=resolved, title=title, academic_year=academic_year
    )
    job = FrameworkImport(
        institution=institution,
        target=resolved,
        original_name=filename,
        format=data.format,
        title=title,
        academic_year=academic_year,
        status=ImportStatus.PREVIEWED,
        summary=plan.summary(),
        created_by=actor,
    )
    job.file.save(f"{uuid.uuid4()}{PurePath(filename).suffix.lower()}", ContentFile(raw), save=False)
    job.save()
    return job


def framework_import_start(*, job: FrameworkImport, actor) -> FrameworkImport:
    """Queue the application of a previewed import; it runs after commit, through the tasks backend."""
    from parcours.accounts.permissions import has_role

    from .tasks import apply_framework_import

    if not has_role(actor, *EDITOR_ROLES, institution=job.institution_id):
        raise PermissionDenied
    with transaction.atomic():
        job = FrameworkImport.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.PREVIEWED:
            raise ValidationError(_("This import has already been started."))
        job.status = ImportStatus.QUEUED
        job.phase = "queued"
        job.save(update_fields=["status", "phase"])
        transaction.on_commit(lambda: apply_framework_import.enqueue(job.pk))
    return job


def _set_progress(job_id: int, **fields: Any) -> None:
    FrameworkImport.objects.filter(pk=job_id).update(**fields)


def framework_import_run(job_id: int) -> FrameworkImport:
    """Apply a queued import (task body). The file is read again and compared with the preview."""
    job = FrameworkImport.objects.select_related("target", "institution", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.PREVIEWED):
        return job
    _set_progress(job.pk, status=ImportStatus.RUNNING, phase="reading")
    try:
        with job.file.open("rb") as handle:
            raw = handle.read()
        data = read_file(raw, job.original_name, job.format)
        _set_progress(job.pk, phase="comparing")
        plan = build_plan(
            data,
            institution=job.institution,
            framework=job.target,
            title=job.title,
            academic_year=job.academic_year,
        )
        if _counts(plan.summary()) != _counts(job.summary):
            raise FrameworkImportError(
                _("the framework changed since the preview: start the import again to see the new preview"),
                job.original_name,
            )
        _set_progress(
            job.pk, phase="writing", progress_total=len(plan.added) + len(plan.changed) + len(plan.removed)
        )
        with transaction.atomic():
            framework = apply_plan(plan)
            if not plan.is_noop:
                audit_record(
                    "framework.imported",
                    actor=job.created_by,
                    target=framework,
                    institution=job.institution,
                    data={"file": job.original_name, "format": data.format, **_counts(job.summary)},
                )
        summary = {**job.summary, "framework_id": framework.pk}
        _set_progress(
            job.pk,
            status=ImportStatus.APPLIED,
            phase="done",
            summary=summary,
            target=framework,
            progress_done=len(plan.added) + len(plan.changed) + len(plan.removed),
            finished_at=timezone.now(),
        )
    except FrameworkImportError as exc:
        _set_progress(
            job.pk, status=ImportStatus.FAILED, phase="failed", error=exc.message, finished_at=timezone.now()
        )
    except Exception:
        logger.exception("framework import %s failed", job.pk)
        _set_progress(
            job.pk,
            status=ImportStatus.FAILED,
            phase="failed",
            error=_(
                "An unexpected error stopped the import; nothing was written. The administrators were told."
            ),
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    if job.file:
        job.file.delete(save=True)
    return job


def _counts(summary: dict) -> dict:
    keys = (
        "added",
        "changed",
        "removed",
        "associations_added",
        "associations_changed",
        "associations_removed",
    )
    return {k: summary.get(k) for k in keys}
