"""Frameworks API: read frameworks and items, search competencies (ESCO included), write items."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from parcours.api.errors import validation_detail
from parcours.frameworks import services
from parcours.frameworks.enums import ItemType
from parcours.frameworks.models import Competency
from parcours.frameworks.permissions import can_edit
from parcours.frameworks.selectors import competency_search, framework_tree, frameworks_visible_to, links_of

from .schemas import ErrorOut

router = Router(tags=["frameworks"])


class LevelOut(Schema):
    rank: int
    label_fr: str
    label_en: str
    descriptor_fr: str
    descriptor_en: str


class FrameworkOut(Schema):
    id: int
    identifier: str
    institution: str | None
    kind: str
    title_fr: str
    title_en: str
    academic_year: int | None
    version: str
    status: str
    language: str
    licence: str
    source_identifier: str


class FrameworkDetailOut(FrameworkOut):
    levels: list[LevelOut]
    item_count: int


class CompetencyOut(Schema):
    id: int
    framework_id: int
    parent_id: int | None
    identifier: str
    uri: str
    code: str
    item_type: str
    statement_fr: str
    statement_en: str
    abbreviated_statement: str
    keywords: str
    position: int


class LinkOut(Schema):
    association_type: str
    destination_id: int | None
    destination_uri: str
    destination_title: str


class CompetencyDetailOut(CompetencyOut):
    description: str
    notes: str
    alternative_labels: str
    education_level: str
    links: list[LinkOut]


class SearchHitOut(Schema):
    id: int
    framework_id: int
    framework_title: str
    code: str
    item_type: str
    statement_fr: str
    statement_en: str
    uri: str


class CompetencyIn(Schema):
    parent_id: int | None = None
    code: str = ""
    item_type: ItemType = ItemType.COMPETENCY
    statement_fr: str
    statement_en: str = ""
    abbreviated_statement: str = ""
    keywords: str = ""
    description: str = ""
    notes: str = ""


class CompetencyPatch(Schema):
    parent_id: int | None = None
    code: str | None = None
    item_type: ItemType | None = None
    statement_fr: str | None = None
    statement_en: str | None = None
    abbreviated_statement: str | None = None
    keywords: str | None = None
    description: str | None = None
    notes: str | None = None


class SearchQuery(Schema):
    q: str
    framework: list[int] | None = None
    limit: int = 20


def _framework_out(framework) -> dict:
    return {
        "id": framework.pk,
        "identifier": str(framework.identifier),
        "institution": framework.institution.slug if framework.institution_id else None,
        "kind": framework.kind,
        "title_fr": framework.title_fr,
        "title_en": framework.title_en,
        "academic_year": framework.academic_year,
        "version": framework.version,
        "status": framework.status,
        "language": framework.language,
        "licence": framework.licence,
        "source_identifier": framework.source_identifier,
    }


@router.get("/frameworks", response={200: list[FrameworkOut], 401: ErrorOut}, operation_id="framework_list")
def framework_list(request: HttpRequest):
    """Frameworks the caller may read: their schools' (drafts for those who manage them) and reference ones."""
    frameworks = (
        frameworks_visible_to(request.auth)
        .select_related("institution")
        .order_by("kind", "-academic_year", "pk")
    )
    return [_framework_out(f) for f in frameworks]


@router.get(
    "/frameworks/{framework_id}",
    response={200: FrameworkDetailOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="framework_read",
)
def framework_read(request: HttpRequest, framework_id: int):
    """A framework with its level scale."""
    framework = get_object_or_404(
        frameworks_visible_to(request.auth).select_related("institution"), pk=framework_id
    )
    return {
        **_framework_out(framework),
        "levels": list(framework.levels.all()),
        "item_count": framework.items.count(),
    }


@router.get(
    "/frameworks/{framework_id}/items",
    response={200: list[CompetencyOut], 401: ErrorOut, 404: ErrorOut},
    operation_id="competency_list",
)
def competency_list(request: HttpRequest, framework_id: int):
    """Every item of a framework in tree order (parents before their children)."""
    framework = get_object_or_404(frameworks_visible_to(request.auth), pk=framework_id)
    return [node.item for node in framework_tree(framework).flat]


@router.get(
    "/competencies/search",
    response={200: list[SearchHitOut], 401: ErrorOut},
    operation_id="competency_search",
    url_name="competency_search",
)
def competency_search_view(request: HttpRequest, query: Query[SearchQuery]):
    """Accent-insensitive search (``securite`` finds « sécurité ») in the given frameworks, or all readable ones."""
    visible = frameworks_visible_to(request.auth)
    if query.framework:
        visible = visible.filter(pk__in=query.framework)
    hits = competency_search(
        framework_ids=visible.values_list("pk", flat=True), query=query.q, limit=query.limit
    )
    return [
        {
            "id": hit.pk,
            "framework_id": hit.framework_id,
            "framework_title": hit.framework.title_fr,
            "code": hit.code,
            "item_type": hit.item_type,
            "statement_fr": hit.statement_fr,
            "statement_en": hit.statement_en,
            "uri": hit.uri,
        }
        for hit in hits
    ]


def _competency(request: HttpRequest, competency_id: int) -> Competency:
    return get_object_or_404(
        Competency.objects.filter(framework__in=frameworks_visible_to(request.auth)).select_related(
            "framework"
        ),
        pk=competency_id,
    )


@router.get(
    "/competencies/{competency_id}",
    response={200: CompetencyDetailOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="competency_read",
)
def competency_read(request: HttpRequest, competency_id: int):
    """An item with its links to other frameworks (ESCO…)."""
    competency = _competency(request, competency_id)
    links = links_of(competency)
    competency.links = [
        {
            "association_type": link.association_type,
            "destination_id": link.destination_id,
            "destination_uri": link.destination_uri,
            "destination_title": link.destination_title
            or (link.destination.statement_fr if link.destination else ""),
        }
        for link in links["external"] + links["internal"]
    ]
    return competency


def _parent(framework, parent_id: int | None):
    if parent_id is None:
        return None
    return framework.items.filter(pk=parent_id).first() or Competency(pk=parent_id, framework_id=0)


@router.post(
    "/frameworks/{framework_id}/items",
    response={201: CompetencyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="competency_create",
)
def competency_create(request: HttpRequest, framework_id: int, payload: CompetencyIn):
    """Add an item (pedagogical engineer of the school; not on a frozen version)."""
    framework = get_object_or_404(frameworks_visible_to(request.auth), pk=framework_id)
    if not can_edit(request.auth, framework):
        return Status(
            403, {"detail": "Only the pedagogical engineer edits this framework, until it is frozen."}
        )
    values = payload.dict(exclude={"parent_id"})
    try:
        competency = services.competency_create(
            framework=framework, actor=request.auth, parent=_parent(framework, payload.parent_id), **values
        )
    except ValidationError as error:
        return Status(422, {"detail": validation_detail(error)})
    return Status(201, competency)


@router.patch(
    "/competencies/{competency_id}",
    response={200: CompetencyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="competency_update",
)
def competency_update(request: HttpRequest, competency_id: int, payload: CompetencyPatch):
    """Change an item (only the properties given)."""
    competency = _competency(request, competency_id)
    if not can_edit(request.auth, competency.framework):
        return Status(
            403, {"detail": "Only the pedagogical engineer edits this framework, until it is frozen."}
        )
    values = payload.dict(exclude_unset=True)
    if "parent_id" in values:
        values["parent"] = _parent(competency.framework, values.pop("parent_id"))
    try:
        return services.competency_update(competency=competency, actor=request.auth, **values)
    except ValidationError as error:
        return Status(422, {"detail": validation_detail(error)})


@router.delete(
    "/competencies/{competency_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="competency_delete",
)
def competency_delete(request: HttpRequest, competency_id: int):
    """Delete an item that no rule uses and that has no sub-item."""
    competency = _competency(request, competency_id)
    if not can_edit(request.auth, competency.framework):
        return Status(
            403, {"detail": "Only the pedagogical engineer edits this framework, until it is frozen."}
        )
    try:
        services.competency_delete(competency=competency, actor=request.auth)
    except ValidationError as error:
        return Status(422, {"detail": validation_detail(error)})
    return Status(204, None)
