"""Read-side queries for frameworks, scoped to what the asking user may see, with bounded query counts."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404

from .enums import FrameworkKind, FrameworkStatus
from .models import Association, Competency, Framework, FrameworkImport
from .permissions import manager_institution_ids, member_institution_ids
from .text import fold, query_terms


def frameworks_visible_to(user) -> QuerySet[Framework]:
    """Reference frameworks (ESCO…), and the frameworks of the user's institutions (drafts for managers only)."""
    if not getattr(user, "is_authenticated", False):
        return Framework.objects.none()
    members = member_institution_ids(user)
    managers = manager_institution_ids(user)
    return Framework.objects.filter(
        Q(kind=FrameworkKind.REFERENCE)
        | Q(institution_id__in=managers)
        | (Q(institution_id__in=members) & ~Q(status=FrameworkStatus.DRAFT))
    )


def framework_for(user, pk: int) -> Framework:
    """A framework the user may see; any other is a 404."""
    return get_object_or_404(
        frameworks_visible_to(user).select_related("institution", "previous_version"), pk=pk
    )


def competency_for(user, framework: Framework, pk: int) -> Competency:
    return get_object_or_404(framework.items.select_related("parent", "framework"), pk=pk)


def imports_visible_to(user) -> QuerySet[FrameworkImport]:
    return FrameworkImport.objects.filter(institution_id__in=manager_institution_ids(user))


def framework_list(user) -> QuerySet[Framework]:
    return (
        frameworks_visible_to(user)
        .select_related("institution")
        .annotate(item_count=Count("items"))
        .order_by("kind", "institution__name", "-academic_year", "title_fr", "-pk")
    )


# --- Tree ------------------------------------------------------------------------------------------------


@dataclass
class TreeNode:
    item: Competency
    depth: int = 0
    children: list[TreeNode] = field(default_factory=list)
    #: How many nested lists close after this node when rendered in document order.
    closes: int = 0

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @property
    def close_range(self) -> range:
        return range(self.closes)


@dataclass
class Tree:
    framework: Framework
    roots: list[TreeNode]
    flat: list[TreeNode]

    def __len__(self) -> int:
        return len(self.flat)


TREE_FIELDS = (
    "id",
    "framework_id",
    "parent_id",
    "identifier",
    "uri",
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
    "language",
    "list_enumeration",
    "position",
    "extra",
)


def framework_tree(
    framework: Framework, *, with_counts: bool = False, items: Iterable[Competency] | None = None
) -> Tree:
    """The items of ``framework`` as a tree, in one query (two with ``with_counts``), whatever its size.

    ``with_counts`` adds ``rule_count`` (recognition rules using the item) and ``link_count`` (associations
    to other frameworks, such as ESCO) to every item.
    """
    if items is None:
        queryset = framework.items.order_by("position", "code", "pk")
        if with_counts:
            queryset = queryset.annotate(
                rule_count=Count("rule_links", filter=Q(rule_links__rule__status="approved"), distinct=True),
                link_count=Count(
                    "outgoing_associations",
                    filter=~Q(outgoing_associations__association_type="isChildOf"),
                    distinct=True,
                ),
            )
        items = list(queryset)
    nodes = {item.pk: TreeNode(item) for item in items}
    roots: list[TreeNode] = []
    for node in nodes.values():
        node.item.framework = framework  # avoid one query per item when templates reach the framework
        parent = nodes.get(node.item.parent_id) if node.item.parent_id else None
        (parent.children if parent is not None else roots).append(node)
    flat: list[TreeNode] = []
    stack = [(node, 0) for node in reversed(roots)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if node.item.pk in seen:  # defensive: a cycle written outside the services
            continue
        seen.add(node.item.pk)
        node.depth = depth
        flat.append(node)
        stack.extend((child, depth + 1) for child in reversed(node.children))
    for index, node in enumerate(flat):
        next_depth = flat[index + 1].depth if index + 1 < len(flat) else 0
        node.closes = max(node.depth - next_depth, 0)
    return Tree(framework=framework, roots=roots, flat=flat)


def ancestors(competency: Competency) -> list[Competency]:
    """The chain of parents of an item, root first (one query for the whole framework)."""
    if competency.parent_id is None:
        return []
    parents = {
        pk: (parent_id, code, statement)
        for pk, parent_id, code, statement in competency.framework.items.values_list(
            "pk", "parent_id", "code", "statement_fr"
        )
    }
    chain = []
    current = competency.parent_id
    while current is not None and current in parents and len(chain) < 50:
        parent_id, code, statement = parents[current]
        chain.append(
            Competency(pk=current, code=code, statement_fr=statement, framework_id=competency.framework_id)
        )
        current = parent_id
    return list(reversed(chain))


# --- Search ----------------------------------------------------------------------------------------------


#: Frameworks with at least this many items (ESCO: 13,635) are searched in a per-process memory index.
MEMORY_INDEX_MIN_ITEMS = 2000
_INDEX: dict[int, tuple[object, list[tuple[int, str, str, int]]]] = {}
_SIZES: dict[int, tuple[object, int]] = {}
_INDEX_LOCK = threading.Lock()


def _sizes(framework_ids: list[int]) -> dict[int, tuple[object, int]]:
    """(last change, item count) per framework; the count is taken again only when the framework changed.

    Services touch ``Framework.updated_at`` on every write (items, imports), which is what this relies on.
    """
    sizes = {}
    for pk, updated_at in Framework.objects.filter(pk__in=framework_ids).values_list("pk", "updated_at"):
        cached = _SIZES.get(pk)
        if cached is None or cached[0] != updated_at:
            cached = (updated_at, Competency.objects.filter(framework_id=pk).count())
            with _INDEX_LOCK:
                _SIZES[pk] = cached
        sizes[pk] = cached
    return sizes


def _relevance(text: str, code: str, phrase: str, raw_query: str) -> int:
    if code and code.lower() == raw_query:
        return 4
    if text.startswith(phrase):
        return 3
    if f" {phrase}" in text or f"\n{phrase}" in text:
        return 2
    return 1


def _memory_index(framework_id: int, stamp: object) -> list[tuple[int, str, str, int]]:
    """(pk, search_text, code, statement length) of every item, rebuilt when the framework changes."""
    cached = _INDEX.get(framework_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    rows = [
        (pk, text, code, length)
        for pk, text, code, length in Competency.objects.filter(framework_id=framework_id)
        .annotate(length=Length("statement_fr"))
        .values_list("pk", "search_text", "code", "length")
        .iterator(chunk_size=5000)
    ]
    with _INDEX_LOCK:
        _INDEX[framework_id] = (stamp, rows)
    return rows


def competency_search(*, framework_ids: Iterable[int], query: str, limit: int = 20) -> list[Competency]:
    """Items of the given frameworks matching every word of ``query``, accents and case ignored.

    ``securite`` finds « Sécurité ». Ranking: exact code, then items whose French statement starts with the
    query, then items containing the query as a phrase, then the others; shorter statements first.
    Matching runs on the accent-folded ``search_text``: in the database (``LIKE``) for school frameworks,
    in a memory index refreshed on change for large reference frameworks such as ESCO.
    """
    terms = query_terms(query)
    if not terms:
        return []
    limit = max(1, min(limit, 100))
    phrase = " ".join(terms)
    raw_query = query.strip().lower()
    sizes = _sizes(list(framework_ids))
    large = [pk for pk, (_stamp, count) in sizes.items() if count >= MEMORY_INDEX_MIN_ITEMS]
    small = [pk for pk in sizes if pk not in large]

    ranked: list[tuple[int, int, int]] = []  # (-relevance, length, pk)
    for framework_id in large:
        rows = _memory_index(framework_id, sizes[framework_id][0])
        for term in sorted(terms, key=len, reverse=True):  # the longest word narrows the rows first
            rows = [row for row in rows if term in row[1]]
        ranked.extend(
            (-_relevance(text, code, phrase, raw_query), length, pk) for pk, text, code, length in rows
        )
    if small:
        queryset = Competency.objects.filter(framework_id__in=small)
        for term in terms:
            queryset = queryset.filter(search_text__contains=term)
        queryset = queryset.annotate(
            relevance=Case(
                When(code__iexact=query.strip(), then=Value(4)),
                When(search_text__startswith=phrase, then=Value(3)),
                When(search_text__contains=f" {phrase}", then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            statement_length=Length("statement_fr"),
        ).order_by("-relevance", "statement_length", "pk")
        ranked.extend(
            (-relevance, length, pk)
            for pk, relevance, length in queryset.values_list("pk", "relevance", "statement_length")[:limit]
        )
    best = [pk for _r, _l, pk in heapq.nsmallest(limit, ranked)]
    found = Competency.objects.select_related("framework").in_bulk(best)
    return [found[pk] for pk in best if pk in found]


def search_in_framework(framework: Framework, query: str, limit: int = 50) -> list[Competency]:
    return competency_search(framework_ids=[framework.pk], query=query, limit=limit)


def reference_framework_ids() -> list[int]:
    return list(Framework.objects.filter(kind=FrameworkKind.REFERENCE).values_list("pk", flat=True))


def esco_labels(uris: Iterable[str]) -> dict[str, str]:
    """URI → French label of the reference-framework items (ESCO skills…) among ``uris``."""
    return dict(
        Competency.objects.filter(framework__kind=FrameworkKind.REFERENCE, uri__in=list(uris))
        .order_by()
        .values_list("uri", "statement_fr")
    )


def links_of(competency: Competency) -> dict[str, list[Association]]:
    """Associations from and to an item, split into links to other frameworks (ESCO…) and within."""
    outgoing = list(
        competency.outgoing_associations.exclude(association_type="isChildOf").select_related(
            "destination__framework"
        )
    )
    incoming = list(
        competency.incoming_associations.exclude(association_type="isChildOf").select_related(
            "origin__framework"
        )
    )
    external = [
        a for a in outgoing if a.destination is None or a.destination.framework_id != competency.framework_id
    ]
    internal = [a for a in outgoing if a not in external]
    return {"external": external, "internal": internal, "incoming": incoming}


def folded(text: str) -> str:
    return fold(text)


def current_framework(institution) -> Framework | None:
    """The school framework in force: the latest published or frozen version, else the latest draft."""
    school = Framework.objects.filter(institution=institution, kind=FrameworkKind.SCHOOL)
    in_force = school.filter(status__in=[FrameworkStatus.PUBLISHED, FrameworkStatus.FROZEN])
    return (
        in_force.order_by("-academic_year", "-published_at", "-pk").first()
        or school.order_by("-academic_year", "-pk").first()
    )
