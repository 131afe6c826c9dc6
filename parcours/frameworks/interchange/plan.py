"""Compare a file with what the database holds (the preview), then apply the difference atomically.

``build_plan`` reads only; ``apply_plan`` writes everything in one transaction, or nothing: any problem met
while writing (an item used by a recognition rule, a database constraint) rolls the whole import back and
is reported as a :class:`FrameworkImportError`.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import AssociationType, FrameworkKind, FrameworkStatus
from ..models import Association, Competency, Framework, Level
from ..text import search_text_for
from .case import child_association, export_association, export_document, export_item
from .data import (
    ASSOCIATION_FIELDS,
    ITEM_FIELDS,
    AssociationData,
    FrameworkData,
    FrameworkImportError,
    ItemData,
    LevelData,
    Problem,
)

BATCH = 1000
#: Entries kept per list in the preview summary (the counts are always complete).
PREVIEW_LIMIT = 300
LINK_TYPES = (AssociationType.EXACT_MATCH_OF, AssociationType.IS_RELATED_TO)
METADATA_FIELDS = (
    "title_fr",
    "title_en",
    "version",
    "language",
    "licence",
    "creator",
    "description",
    "source_uri",
    "academic_year",
    "extra",
)

Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass
class ItemChange:
    existing: Competency
    incoming: ItemData
    fields: list[str]


@dataclass
class AssociationChange:
    existing: Association
    incoming: AssociationData
    fields: list[str]


@dataclass
class ImportPlan:
    data: FrameworkData
    institution: Any
    framework: Framework | None
    framework_values: dict[str, Any]
    metadata_changes: list[str] = field(default_factory=list)
    final_identifier: dict[str, str] = field(default_factory=dict)  # incoming key → identifier written
    added: list[ItemData] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    removed: list[Competency] = field(default_factory=list)
    unchanged: int = 0
    associations_added: list[AssociationData] = field(default_factory=list)
    associations_changed: list[AssociationChange] = field(default_factory=list)
    associations_removed: list[Association] = field(default_factory=list)
    levels_changed: bool = False

    @property
    def is_noop(self) -> bool:
        return self.framework is not None and not (
            self.metadata_changes
            or self.added
            or self.changed
            or self.removed
            or self.associations_added
            or self.associations_changed
            or self.associations_removed
            or self.levels_changed
        )

    def summary(self) -> dict[str, Any]:
        """What the preview shows (JSON-serialisable)."""

        def entry(item: ItemData | Competency) -> dict[str, str]:
            return {"code": item.code, "statement": item.statement_fr[:200]}

        return {
            "format": self.data.format,
            "framework_id": self.framework.pk if self.framework else None,
            "title": self.framework_values.get("title_fr")
            or (self.framework.title_fr if self.framework else ""),
            "items_total": len(self.data.items),
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "associations_added": len(self.associations_added),
            "associations_changed": len(self.associations_changed),
            "associations_removed": len(self.associations_removed),
            "associations_total": len(self.data.associations),
            "levels_changed": self.levels_changed,
            "levels_total": len(self.data.levels) if self.data.levels is not None else None,
            "metadata_changes": self.metadata_changes,
            "added_items": [entry(i) for i in self.added[:PREVIEW_LIMIT]],
            "changed_items": [
                {**entry(c.incoming), "fields": c.fields} for c in self.changed[:PREVIEW_LIMIT]
            ],
            "removed_items": [entry(i) for i in self.removed[:PREVIEW_LIMIT]],
            "noop": self.is_noop,
        }


def _item_values(item: ItemData, managed: frozenset[str]) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ITEM_FIELDS if name in managed}


def _new_identifier() -> str:
    return str(uuid.uuid4())


def find_target(data: FrameworkData, institution, kind: str = FrameworkKind.SCHOOL) -> Framework | None:
    """The framework a file updates: the latest version with the same source identifier, if any."""
    if not data.source_identifier:
        return None
    frameworks = Framework.objects.filter(source_identifier=data.source_identifier, kind=kind)
    frameworks = (
        frameworks.filter(institution=institution)
        if institution is not None
        else frameworks.filter(institution__isnull=True)
    )
    return frameworks.order_by("-created_at", "-pk").first()


def build_plan(
    data: FrameworkData,
    *,
    institution,
    framework: Framework | None = None,
    title: str = "",
    academic_year: int | None = None,
    kind: str = FrameworkKind.SCHOOL,
) -> ImportPlan:
    """Compare ``data`` (already validated) with ``framework`` (``None``: a new framework is created)."""
    values = _framework_values(
        data, title=title, academic_year=academic_year, kind=kind, institution=institution
    )
    plan = ImportPlan(data=data, institution=institution, framework=framework, framework_values=values)
    managed = data.managed_fields | {"position", "parent"}

    existing: list[Competency] = list(framework.items.all()) if framework is not None else []
    by_identifier = {c.identifier: c for c in existing}
    by_code = {c.code: c for c in existing if c.code}
    by_pk = {c.pk: c for c in existing}
    matched: dict[str, Competency] = {}
    taken: set[int] = set()
    for item in data.items:
        match = None
        if item.identifier:
            match = by_identifier.get(item.identifier)
        elif item.code:
            match = by_code.get(item.code)
        if match is not None and match.pk not in taken:
            matched[item.key()] = match
            taken.add(match.pk)
            plan.final_identifier[item.key()] = match.identifier
        else:
            plan.final_identifier[item.key()] = item.identifier or _new_identifier()

    for item in data.items:
        current = matched.get(item.key())
        if current is None:
            plan.added.append(item)
            continue
        changed = [
            name for name, value in _item_values(item, managed).items() if getattr(current, name) != value
        ]
        if item.position != current.position:
            changed.append("position")
        parent_identifier = (
            plan.final_identifier.get(item.parent_identifier, "") if item.parent_identifier else ""
        )
        current_parent = by_pk[current.parent_id].identifier if current.parent_id in by_pk else ""
        if parent_identifier != current_parent:
            changed.append("parent")
        if (
            changed
            and data.format == "case"
            and framework is not None
            and not {"position", "parent"} & set(changed)
        ):
            values_in = {name: getattr(item, name) for name in changed}
            if _same_case_item(current, values_in, by_pk.get(current.parent_id), framework):
                changed = []
        if changed:
            plan.changed.append(ItemChange(current, item, changed))
        else:
            plan.unchanged += 1
    kept = {c.pk for c in matched.values()}
    plan.removed = [c for c in existing if c.pk not in kept]

    _plan_associations(plan, framework)
    if framework is not None:
        plan.metadata_changes = [
            name
            for name in METADATA_FIELDS
            if name in values and name in _managed_metadata(data) and getattr(framework, name) != values[name]
        ]
        if (
            plan.metadata_changes
            and data.format == "case"
            and _same_case_document(framework, {k: values[k] for k in plan.metadata_changes})
        ):
            plan.metadata_changes = []
        if data.levels is not None:
            current_levels = [
                (lv.rank, lv.label_fr, lv.label_en, lv.descriptor_fr, lv.descriptor_en, lv.identifier)
                for lv in framework.levels.order_by("rank")
            ]
            incoming_levels = [
                (lv.rank, lv.label_fr, lv.label_en, lv.descriptor_fr, lv.descriptor_en, lv.identifier)
                for lv in sorted(data.levels, key=lambda lv: lv.rank)
            ]
            plan.levels_changed = current_levels != incoming_levels
    else:
        plan.levels_changed = bool(data.levels)
    return plan


def _managed_metadata(data: FrameworkData) -> frozenset[str]:
    managed = set(data.managed_metadata)
    if data.format == "esco":
        managed |= {"title_fr", "title_en", "language", "licence", "creator", "source_uri", "description"}
    if data.academic_year is not None:
        managed.add("academic_year")
    return frozenset(managed)


def _framework_values(
    data: FrameworkData, *, title: str, academic_year: int | None, kind: str, institution
) -> dict:
    values: dict[str, Any] = {
        "title_fr": data.title_fr
        or title
        or (PurePath(data.filename).stem if data.filename else "")
        or _("Framework"),
        "title_en": data.title_en,
        "version": data.version or "1",
        "language": data.language or "fr",
        "licence": data.licence,
        "creator": data.creator,
        "description": data.description,
        "source_identifier": data.source_identifier,
        "source_uri": data.source_uri,
        "academic_year": data.academic_year if data.academic_year is not None else academic_year,
        "extra": data.extra,
        "kind": kind,
        "institution": institution,
    }
    if title and not data.title_fr:
        values["title_fr"] = title
    return values


def _plan_associations(plan: ImportPlan, framework: Framework | None) -> None:
    data = plan.data
    if data.association_scope == "none":
        return
    existing_qs = framework.associations.all() if framework is not None else Association.objects.none()
    if data.association_scope == "links":
        existing_qs = existing_qs.filter(association_type__in=LINK_TYPES).exclude(destination_uri="")
    existing = list(existing_qs.select_related("origin", "destination"))
    incoming_items = {item.key(): item for item in data.items}

    def link_key(origin_identifier: str, association_type: str, uri: str) -> tuple[str, str, str]:
        return (origin_identifier, association_type, uri)

    if data.association_scope == "links":
        current = {link_key(a.origin.identifier, a.association_type, a.destination_uri): a for a in existing}
    else:
        current = {a.identifier: a for a in existing}

    # Destinations outside the file: items of a reference framework (ESCO…) or of the same institution.
    wanted_uris = {a.destination_uri for a in data.associations if a.destination_uri}
    wanted_identifiers = {
        a.destination_identifier
        for a in data.associations
        if a.destination_identifier and a.destination_identifier not in incoming_items
    }
    outside: dict[str, int] = {}
    if wanted_uris or wanted_identifiers:
        scope = Q(framework__kind=FrameworkKind.REFERENCE)
        if plan.institution is not None:
            scope |= Q(framework__institution=plan.institution)
        candidates = Competency.objects.filter(scope).filter(
            Q(uri__in=wanted_uris) | Q(identifier__in=wanted_identifiers)
        )
        if framework is not None:
            candidates = candidates.exclude(framework=framework)
        for pk, uri, identifier, _kind in candidates.values_list(
            "pk", "uri", "identifier", "framework__kind"
        ).order_by("framework__kind", "-framework__pk"):
            # Reference frameworks sort last ("reference" > "school"): prefer them by overwriting.
            if uri:
                outside[f"uri:{uri}"] = pk
            outside[f"id:{identifier}"] = pk

    def expected_destination(association: AssociationData) -> tuple[str, Any] | None:
        if (
            association.destination_identifier in incoming_items
            or association.destination_identifier in internal
        ):
            return ("item", association.destination_identifier)
        pk = (
            outside.get(f"id:{association.destination_identifier}")
            if association.destination_identifier
            else None
        )
        if pk is None and association.destination_uri:
            pk = outside.get(f"uri:{association.destination_uri}")
        return ("pk", pk) if pk is not None else None

    def current_destination(association: Association) -> tuple[str, Any] | None:
        if association.destination_id is None:
            return None
        if association.destination.framework_id == association.framework_id:
            return ("item", association.destination.identifier)
        return ("pk", association.destination_id)

    internal = set(plan.final_identifier.values())
    seen: set = set()
    matched: set[int] = set()
    for association in data.associations:
        origin_identifier = plan.final_identifier.get(
            association.origin_identifier, association.origin_identifier
        )
        association.origin_identifier = origin_identifier
        if association.destination_identifier in incoming_items:
            association.destination_identifier = plan.final_identifier[association.destination_identifier]
        destination = expected_destination(association)
        association.resolved_destination = destination[1] if destination and destination[0] == "pk" else None
        key = (
            link_key(origin_identifier, association.association_type, association.destination_uri)
            if data.association_scope == "links"
            else association.identifier
        )
        if key in seen:
            continue
        seen.add(key)
        found = current.get(key)
        if found is None:
            plan.associations_added.append(association)
            continue
        matched.add(found.pk)
        if data.association_scope == "links":
            association.identifier = found.identifier
            association.destination_identifier = found.destination_identifier
            association.destination_title = found.destination_title
            association.grouping, association.sequence_number = found.grouping, found.sequence_number
            association.extra = found.extra
        fields = [name for name in ASSOCIATION_FIELDS if getattr(found, name) != getattr(association, name)]
        if (
            fields == ["extra"]
            and data.format == "case"
            and _same_case_association(found, association.extra, framework)
        ):
            fields = []
        if found.origin.identifier != origin_identifier:
            fields.append("origin")
        if current_destination(found) != destination:
            fields.append("destination")
        if fields:
            plan.associations_changed.append(AssociationChange(found, association, fields))
    plan.associations_removed = [a for a in existing if a.pk not in matched]


def _same_case_item(
    current: Competency, values: dict, parent: Competency | None, framework: Framework
) -> bool:
    """Whether giving ``current`` these ``values`` would change nothing in a CASE export.

    A framework written with CSV or in the application, exported as CASE and imported back, is unchanged.
    """
    candidate = copy.copy(current)
    for name, value in values.items():
        setattr(candidate, name, value)
    return export_item(current, framework) == export_item(candidate, framework) and child_association(
        current, parent, framework
    ) == child_association(candidate, parent, framework)


def _same_case_association(current: Association, extra: dict, framework: Framework) -> bool:
    candidate = copy.copy(current)
    candidate.extra = extra
    return export_association(current, current.origin, current.destination, framework) == export_association(
        candidate, current.origin, current.destination, framework
    )


def _same_case_document(framework: Framework, values: dict) -> bool:
    candidate = copy.copy(framework)
    for name, value in values.items():
        setattr(candidate, name, value)
    extra = candidate.extra or {}
    levels = list(framework.levels.all())
    outside = {k: v for k, v in (framework.extra or {}).items() if k != "case"}
    return outside == {k: v for k, v in extra.items() if k != "case"} and export_document(
        framework, levels
    ) == export_document(candidate, levels)


# --- Applying --------------------------------------------------------------------------------------------


def _competency(item: ItemData, framework: Framework, identifier: str, managed: frozenset[str]) -> Competency:
    values = _item_values(item, managed)
    competency = Competency(framework=framework, identifier=identifier, position=item.position, **values)
    competency.search_text = search_text_for(
        statement_fr=competency.statement_fr,
        statement_en=competency.statement_en,
        code=competency.code,
        abbreviated_statement=competency.abbreviated_statement,
        alternative_labels=competency.alternative_labels,
        keywords=competency.keywords,
    )
    return competency


def _depth_order(items: list[ItemData]) -> list[list[ItemData]]:
    """Items grouped by depth among themselves, so that parents are written before their children."""
    keys = {item.key() for item in items}
    parent = {item.key(): item.parent_identifier for item in items}
    depth: dict[str, int] = {}

    def depth_of(key: str) -> int:
        chain = []
        while key in keys and key not in depth:
            chain.append(key)
            key = parent.get(key, "")
        base = depth.get(key, -1) if key in keys else -1
        for k in reversed(chain):
            base += 1
            depth[k] = base
        return depth[chain[0]] if chain else base

    for item in items:
        depth_of(item.key())
    levels: dict[int, list[ItemData]] = {}
    for item in items:
        levels.setdefault(depth[item.key()], []).append(item)
    return [levels[d] for d in sorted(levels)]


def apply_plan(plan: ImportPlan, *, progress: Progress = _no_progress) -> Framework:
    """Write the plan in one transaction. Raise :class:`FrameworkImportError` and write nothing on failure."""
    if plan.framework is not None and plan.framework.status == FrameworkStatus.FROZEN and not plan.is_noop:
        raise FrameworkImportError(
            _("the framework “%(title)s” (version %(version)s) is frozen: create a new version to change it")
            % {"title": plan.framework.title_fr, "version": plan.framework.version},
            plan.data.filename,
        )
    _check_removable(plan)
    if plan.is_noop:
        return plan.framework  # type: ignore[return-value]
    try:
        with transaction.atomic():
            return _apply(plan, progress)
    except ProtectedError as exc:
        names = ", ".join(sorted({str(obj) for obj in exc.protected_objects})[:5])
        raise FrameworkImportError(
            _("some items or levels the file removes are still used (%(objects)s)") % {"objects": names},
            plan.data.filename,
        ) from exc
    except DatabaseError as exc:  # a constraint or a value the database refuses: nothing was written
        raise FrameworkImportError(
            _("the database refused the import (%(error)s)") % {"error": exc}, plan.data.filename
        ) from exc


def _check_removable(plan: ImportPlan) -> None:
    from parcours.reserve.models import RuleCompetency

    if not plan.removed:
        return
    used = (
        RuleCompetency.objects.filter(competency__in=[c.pk for c in plan.removed])
        .select_related("competency", "rule")
        .order_by("competency__position")[:10]
    )
    problems = [
        Problem(
            _("the file removes this item, but the recognition rule “%(rule)s” uses it")
            % {"rule": link.rule},
            str(link.competency),
        )
        for link in used
    ]
    if problems:
        raise FrameworkImportError(problems, plan.data.filename)


def _apply(plan: ImportPlan, progress: Progress) -> Framework:
    data = plan.data
    managed = data.managed_fields
    total = len(plan.added) + len(plan.changed) + len(plan.removed)
    done = 0
    progress("items", 0, total)

    framework = plan.framework
    if framework is None:
        framework = Framework.objects.create(**plan.framework_values)
    elif plan.metadata_changes:
        for name in plan.metadata_changes:
            setattr(framework, name, plan.framework_values[name])
        framework.save(update_fields=[*plan.metadata_changes, "updated_at"])
    else:
        framework.save(update_fields=["updated_at"])

    # Free the codes that move or disappear, so that no uniqueness check trips halfway.
    freeing = [c.existing for c in plan.changed if "code" in c.fields] + [c for c in plan.removed if c.code]
    for competency in freeing:
        competency.code = ""
    Competency.objects.bulk_update(freeing, ["code"], batch_size=BATCH)

    pk_of: dict[str, int] = {c.existing.identifier: c.existing.pk for c in plan.changed}
    pk_of.update(
        dict(framework.items.exclude(pk__in=[c.pk for c in plan.removed]).values_list("identifier", "pk"))
        if plan.framework is not None
        else {}
    )
    for level in _depth_order(plan.added):
        batch = []
        for item in level:
            competency = _competency(item, framework, plan.final_identifier[item.key()], managed)
            parent_identifier = (
                plan.final_identifier.get(item.parent_identifier) if item.parent_identifier else None
            )
            competency.parent_id = pk_of.get(parent_identifier) if parent_identifier else None
            batch.append(competency)
        for start in range(0, len(batch), BATCH):
            created = Competency.objects.bulk_create(batch[start : start + BATCH])
            for competency in created:
                pk_of[competency.identifier] = competency.pk
            done += len(created)
            progress("items", done, total)

    if plan.changed:
        fields: set[str] = {"search_text"}
        updated = []
        for change in plan.changed:
            competency, item = change.existing, change.incoming
            for name, value in _item_values(item, managed).items():
                setattr(competency, name, value)
            competency.position = item.position
            parent_identifier = (
                plan.final_identifier.get(item.parent_identifier) if item.parent_identifier else None
            )
            competency.parent_id = pk_of.get(parent_identifier) if parent_identifier else None
            competency.search_text = search_text_for(
                statement_fr=competency.statement_fr,
                statement_en=competency.statement_en,
                code=competency.code,
                abbreviated_statement=competency.abbreviated_statement,
                alternative_labels=competency.alternative_labels,
                keywords=competency.keywords,
            )
            fields |= set(_item_values(item, managed)) | {"position", "parent"}
            updated.append(competency)
        for start in range(0, len(updated), BATCH):
            Competency.objects.bulk_update(updated[start : start + BATCH], sorted(fields))
            done += len(updated[start : start + BATCH])
            progress("items", done, total)

    if plan.removed:
        Association.objects.filter(
            Q(origin__in=plan.removed) | Q(destination__in=plan.removed), framework=framework
        ).delete()
        for start in range(0, len(plan.removed), BATCH):
            Competency.objects.filter(pk__in=[c.pk for c in plan.removed[start : start + BATCH]]).delete()
        done += len(plan.removed)
        progress("items", done, total)

    progress("associations", 0, 1)
    _apply_associations(plan, framework, pk_of)
    if plan.levels_changed and data.levels is not None:
        _apply_levels(framework, data.levels)
    progress("done", total, total)
    return framework


def _association_values(
    association: AssociationData, plan: ImportPlan, pk_of: dict[str, int]
) -> dict[str, Any]:
    destination_id = (
        pk_of.get(association.destination_identifier) if association.destination_identifier else None
    )
    if destination_id is None:
        destination_id = association.resolved_destination
    destination_uri = association.destination_uri
    if destination_id is None and not destination_uri:
        destination_uri = association.destination_identifier
    return {
        "association_type": association.association_type,
        "origin_id": pk_of[association.origin_identifier],
        "destination_id": destination_id,
        "destination_uri": destination_uri,
        "destination_identifier": association.destination_identifier,
        "destination_title": association.destination_title,
        "grouping": association.grouping,
        "sequence_number": association.sequence_number,
        "extra": association.extra,
    }


def _apply_associations(plan: ImportPlan, framework: Framework, pk_of: dict[str, int]) -> None:
    if plan.associations_removed:
        Association.objects.filter(pk__in=[a.pk for a in plan.associations_removed]).delete()
    new = [
        Association(framework=framework, identifier=a.identifier, **_association_values(a, plan, pk_of))
        for a in plan.associations_added
    ]
    Association.objects.bulk_create(new, batch_size=BATCH)
    updated = []
    for change in plan.associations_changed:
        for name, value in _association_values(change.incoming, plan, pk_of).items():
            setattr(change.existing, name, value)
        updated.append(change.existing)
    if updated:
        Association.objects.bulk_update(
            updated,
            [
                "association_type",
                "origin",
                "destination",
                "destination_uri",
                "destination_identifier",
                "destination_title",
                "grouping",
                "sequence_number",
                "extra",
            ],
            batch_size=BATCH,
        )


def _apply_levels(framework: Framework, levels: list[LevelData]) -> None:
    current = {level.rank: level for level in framework.levels.all()}
    wanted = {level.rank for level in levels}
    framework.levels.filter(rank__in=[rank for rank in current if rank not in wanted]).delete()
    for data in levels:
        values = {
            "label_fr": data.label_fr,
            "label_en": data.label_en,
            "descriptor_fr": data.descriptor_fr,
            "descriptor_en": data.descriptor_en,
            "identifier": data.identifier,
        }
        level = current.get(data.rank)
        if level is None:
            Level.objects.create(framework=framework, rank=data.rank, **values)
        elif any(getattr(level, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(level, k, v)
            level.save()


def timestamp() -> str:
    return timezone.now().isoformat()
