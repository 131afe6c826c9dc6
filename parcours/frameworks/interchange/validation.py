"""Checks shared by every format: required fields, lengths, duplicates, parents, cycles, levels."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from ..enums import AssociationType, ItemType
from .data import MAX_LENGTHS, FrameworkData, FrameworkImportError, ItemData, ProblemCollector
from .tabular import link_identifier

ITEM_TYPES = {choice.value for choice in ItemType}
ASSOCIATION_TYPES = {choice.value for choice in AssociationType}


def is_valid_association_type(value: str) -> bool:
    """CASE 1.1 types, plus extension types written ``ext:name``."""
    return value in ASSOCIATION_TYPES or (value.startswith("ext:") and len(value) > 4)


def check_length(problems: ProblemCollector, value: str, field: str, location: str) -> None:
    limit = MAX_LENGTHS.get(field)
    if limit is not None and isinstance(value, str) and len(value) > limit:
        problems.add(
            _("too long (%(length)d characters, at most %(limit)d)") % {"length": len(value), "limit": limit},
            location,
            field,
        )


def check_nul_characters(problems: ProblemCollector, data: FrameworkData) -> None:
    """A NUL character in any text (the database refuses it), wherever the format let it through."""
    records = [(data, _("framework"))]
    records += [
        (record, record.location) for record in (*data.items, *data.associations, *(data.levels or ()))
    ]
    for record, location in records:
        for spec in dataclasses.fields(record):
            value = getattr(record, spec.name)
            if isinstance(value, str) and "\x00" in value and spec.name != "location":
                problems.add(_("contains a NUL character, which no text may contain"), location, spec.name)


def validate(data: FrameworkData) -> None:
    """Raise :class:`FrameworkImportError` naming every problem found; resolve CSV parents and origins."""
    problems = ProblemCollector(data.filename)
    check_nul_characters(problems, data)
    if not data.items:
        problems.add(_("the file contains no item"))
        problems.check()
    for name in ("title_fr", "title_en", "version", "source_identifier", "source_uri", "licence", "creator"):
        check_length(problems, getattr(data, name), name, _("framework"))

    by_identifier: dict[str, ItemData] = {}
    by_code: dict[str, ItemData] = {}
    for item in data.items:
        if not item.statement_fr.strip():
            problems.add(_("a statement is required"), item.location, "statement_fr")
        if not item.identifier and not item.code:
            problems.add(_("a code or an identifier is required"), item.location, "code")
        if item.item_type not in ITEM_TYPES:
            problems.add(_("unknown type “%(value)s”") % {"value": item.item_type}, item.location, "type")
        for name in (
            "identifier",
            "uri",
            "code",
            "language",
            "list_enumeration",
            "abbreviated_statement",
            "keywords",
            "education_level",
        ):
            check_length(problems, getattr(item, name), name, item.location)
        if item.identifier:
            if item.identifier in by_identifier:
                problems.add(
                    _("duplicate identifier “%(value)s” (already used at %(other)s)")
                    % {"value": item.identifier, "other": by_identifier[item.identifier].location},
                    item.location,
                    "identifier",
                )
            else:
                by_identifier[item.identifier] = item
        if item.code:
            if item.code in by_code:
                problems.add(
                    _("duplicate code “%(value)s” (already used at %(other)s)")
                    % {"value": item.code, "other": by_code[item.code].location},
                    item.location,
                    "code",
                )
            else:
                by_code[item.code] = item
    problems.check()

    # Parents: CSV/XLSX name them by code (or identifier); CASE parsers already resolved identifiers.
    keys = {item.key() for item in data.items}
    for item in data.items:
        if item.parent_code:
            parent = by_code.get(item.parent_code)
            if parent is None:
                problems.add(
                    _("unknown parent code “%(value)s”") % {"value": item.parent_code},
                    item.location,
                    "parent_code",
                )
            else:
                item.parent_identifier = parent.key()
        elif item.parent_identifier and item.parent_identifier not in keys:
            parent = by_identifier.get(item.parent_identifier)
            if parent is None:
                problems.add(
                    _("unknown parent identifier “%(value)s”") % {"value": item.parent_identifier},
                    item.location,
                    "parent_identifier",
                )
            else:
                item.parent_identifier = parent.key()
    problems.check()
    _check_cycles(data, problems)
    problems.check()

    for association in data.associations:
        if association.origin_code and not association.origin_identifier:
            origin = by_code.get(association.origin_code)
            association.origin_identifier = origin.key() if origin else ""
        if not association.identifier and association.origin_identifier:
            association.identifier = link_identifier(
                association.origin_identifier, association.association_type, association.destination_uri
            )
        if not association.identifier:
            problems.add(_("an identifier is required"), association.location, "identifier")
        if not is_valid_association_type(association.association_type):
            problems.add(
                _("unknown association type “%(value)s”") % {"value": association.association_type},
                association.location,
                "associationType",
            )
        if not association.destination_identifier and not association.destination_uri:
            problems.add(_("the destination is missing"), association.location, "destinationNodeURI")
        for name in (
            "identifier",
            "destination_uri",
            "destination_identifier",
            "grouping",
            "association_type",
        ):
            check_length(problems, getattr(association, name), name, association.location)
    seen: dict[str, str] = {}
    for association in data.associations:
        if association.identifier in seen:
            problems.add(
                _("duplicate identifier “%(value)s” (already used at %(other)s)")
                % {"value": association.identifier, "other": seen[association.identifier]},
                association.location,
                "identifier",
            )
        seen[association.identifier] = association.location
    problems.check()

    if data.levels is not None:
        ranks: dict[int, str] = {}
        for level in data.levels:
            if not level.label_fr.strip():
                problems.add(_("a label is required"), level.location, "label_fr")
            check_length(problems, level.label_fr, "label_fr", level.location)
            check_length(problems, level.label_en, "label_en", level.location)
            if level.rank in ranks:
                problems.add(
                    _("duplicate rank %(rank)d (already used at %(other)s)")
                    % {"rank": level.rank, "other": ranks[level.rank]},
                    level.location,
                    "rank",
                )
            ranks[level.rank] = level.location
        problems.check()


def _check_cycles(data: FrameworkData, problems: ProblemCollector) -> None:
    parent_of = {item.key(): item.parent_identifier for item in data.items}
    location = {item.key(): item.location for item in data.items}
    label = {item.key(): item.code or item.identifier for item in data.items}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in parent_of:
        path: list[str] = []
        node = start
        while node and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of.get(node, "")
        if node and state.get(node) == 1:
            cycle = path[path.index(node) :]
            problems.add(
                _("hierarchy cycle: %(items)s") % {"items": " → ".join(label[k] for k in [*cycle, node])},
                location[node],
                "parent",
            )
        for visited in path:
            state[visited] = 2


def raise_if(condition: bool, message: str, location: str = "", field: str = "", filename: str = "") -> None:
    if condition:
        problems = ProblemCollector(filename)
        problems.add(message, location, field)
        raise FrameworkImportError(problems.problems, filename)
