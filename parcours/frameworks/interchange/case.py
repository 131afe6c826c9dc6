"""1EdTech CASE 1.0 and 1.1 JSON packages (CFPackage: CFDocument, CFItems, CFAssociations, CFDefinitions).

Round-trip without loss: every property of the package that has no column of its own is kept in the
``extra`` JSON of the framework, item or association, and written back on export. The hierarchy is the
first ``isChildOf`` association of each item (kept whole on the item); the other associations are rows of
``Association``; associations whose origin is outside the package are kept on the framework.
See docs/frameworks.md for the mapping.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ..enums import AssociationType, ItemType
from ..text import fold
from .data import (
    MAX_LENGTHS,
    AssociationData,
    FrameworkData,
    FrameworkImportError,
    ItemData,
    LevelData,
    Problem,
    ProblemCollector,
)

EXT_STATEMENTS = "parcours:statements"
EXT_DESCRIPTION = "parcours:description"
EXT_TITLE = "parcours:title"
EXT_LEVELS = "parcours:levels"
EXT_ACADEMIC_YEAR = "parcours:academicYear"
CHILD_NAMESPACE = uuid.UUID("0b1f9a0e-3c55-4f1e-8d44-5a3b8f5e2c21")

#: CFItemType values (folded) → item type; any other value maps to "other" (the exact text is kept).
CASE_ITEM_TYPES = {
    "block": ItemType.BLOCK,
    "bloc": ItemType.BLOCK,
    "bloc de competences": ItemType.BLOCK,
    "domain": ItemType.BLOCK,
    "domaine": ItemType.BLOCK,
    "strand": ItemType.BLOCK,
    "cluster": ItemType.BLOCK,
    "competency": ItemType.COMPETENCY,
    "competence": ItemType.COMPETENCY,
    "standard": ItemType.COMPETENCY,
    "component": ItemType.COMPONENT,
    "composante": ItemType.COMPONENT,
    "element": ItemType.COMPONENT,
    "learning outcome": ItemType.COMPONENT,
    "apprentissage critique": ItemType.COMPONENT,
    "skill": ItemType.SKILL,
    "knowledge": ItemType.SKILL,
}
CANONICAL_ITEM_TYPES = {
    ItemType.BLOCK: "Block",
    ItemType.COMPETENCY: "Competency",
    ItemType.COMPONENT: "Component",
    ItemType.SKILL: "Skill",
    ItemType.OTHER: "Other",
}

DOCUMENT_MAPPED = {
    "identifier",
    "uri",
    "title",
    "creator",
    "description",
    "language",
    "version",
    "extensions",
}
ITEM_MAPPED = {
    "identifier",
    "uri",
    "fullStatement",
    "alternativeLabel",
    "CFItemType",
    "humanCodingScheme",
    "listEnumeration",
    "abbreviatedStatement",
    "conceptKeywords",
    "notes",
    "language",
    "educationLevel",
    "extensions",
}
ASSOCIATION_MAPPED = {"identifier", "associationType", "sequenceNumber"}
OUR_ITEM_EXTENSIONS = {EXT_STATEMENTS, EXT_DESCRIPTION}
OUR_DOCUMENT_EXTENSIONS = {EXT_TITLE, EXT_LEVELS, EXT_ACADEMIC_YEAR}


def item_type_for(cf_item_type: str) -> str:
    return CASE_ITEM_TYPES.get(fold(cf_item_type), ItemType.OTHER) if cf_item_type else ItemType.COMPETENCY


def _is_english(language: str) -> bool:
    return language.lower().startswith("en")


def _join(values: Any, separator: str) -> str:
    if isinstance(values, list):
        return separator.join(str(v) for v in values)
    return "" if values is None else str(values)


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator.strip()) if part.strip()]


def _fit(text: str, field: str) -> str:
    limit = MAX_LENGTHS.get(field)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _lossy_list(raw: Any, field: str, separator: str) -> tuple[str, bool]:
    """Text stored for a CASE list property, and whether the raw value must be kept to restore it."""
    text = _fit(_join(raw, separator), field)
    exact = isinstance(raw, list) and all(isinstance(v, str) for v in raw) and _split(text, separator) == raw
    return text, not exact


# --- Reading ---------------------------------------------------------------------------------------------


def _load_json(raw: bytes, filename: str) -> Any:
    if not raw.strip():
        raise FrameworkImportError(_("the file is empty"), filename)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkImportError(_("a JSON file must be encoded in UTF-8"), filename) from exc
    if "\\u0000" in text or "\x00" in text:
        line = text[: max(text.find("\\u0000"), text.find("\x00"))].count("\n") + 1
        raise FrameworkImportError(
            Problem(_("the file contains a NUL character"), _("line %(n)d") % {"n": line}), filename
        )
    try:
        package = json.loads(text)
        json.dumps(package, ensure_ascii=False).encode("utf-8")
        return package
    except UnicodeEncodeError as exc:
        raise FrameworkImportError(
            _("the file contains an invalid character (lone surrogate)"), filename
        ) from exc
    except json.JSONDecodeError as exc:
        raise FrameworkImportError(
            Problem(
                _("invalid JSON (%(error)s)") % {"error": exc.msg},
                _("line %(line)d, column %(column)d") % {"line": exc.lineno, "column": exc.colno},
            ),
            filename,
        ) from exc


def _text(problems: ProblemCollector, obj: dict, key: str, location: str, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            problems.add(_("this field is required"), location, key)
        return ""
    if not isinstance(value, str):
        problems.add(_("a text is expected"), location, key)
        return ""
    if required and not value.strip():
        problems.add(_("this field is required"), location, key)
    return value


def _node(problems: ProblemCollector, obj: dict, key: str, location: str) -> dict:
    node = obj.get(key)
    if not isinstance(node, dict):
        problems.add(_("an object with “identifier” and “uri” is expected"), location, key)
        return {}
    for sub in ("identifier", "uri", "title"):
        if node.get(sub) is not None and not isinstance(node[sub], str):
            problems.add(_("a text is expected"), location, f"{key}.{sub}")
    if not node.get("identifier") and not node.get("uri"):
        problems.add(_("an identifier or a URI is required"), location, key)
    return node


def _extensions(obj: dict, ours: set[str]) -> tuple[dict, dict]:
    """Split the ``extensions`` object into ours and the others (kept verbatim)."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict):
        return {}, ({"extensions": extensions} if extensions is not None else {})
    mine = {k: v for k, v in extensions.items() if k in ours}
    others = {k: v for k, v in extensions.items() if k not in ours}
    return mine, ({"extensions": others} if others else {})


def parse_case(raw: bytes, filename: str = "") -> FrameworkData:
    """Read a CASE package. Raise :class:`FrameworkImportError` naming the item and field on bad input."""
    package = _load_json(raw, filename)
    problems = ProblemCollector(filename)
    if isinstance(package, dict) and isinstance(package.get("CFPackage"), dict):
        package = package["CFPackage"]
    if not isinstance(package, dict) or not isinstance(package.get("CFDocument"), dict):
        raise FrameworkImportError(
            Problem(_("a CASE package (an object with a CFDocument) is expected"), "CFPackage", "CFDocument"),
            filename,
        )
    document = package["CFDocument"]
    raw_items = package.get("CFItems") or []
    raw_associations = package.get("CFAssociations") or []
    for key, value in (("CFItems", raw_items), ("CFAssociations", raw_associations)):
        if not isinstance(value, list):
            problems.add(_("a list is expected"), "CFPackage", key)
    problems.check()

    doc_location = "CFDocument"
    identifier = _text(problems, document, "identifier", doc_location, required=True)
    title = _text(problems, document, "title", doc_location, required=True)
    language = _text(problems, document, "language", doc_location)
    ours, others = _extensions(document, OUR_DOCUMENT_EXTENSIONS)
    data = FrameworkData(
        format="case",
        filename=filename,
        source_identifier=identifier,
        source_uri=_text(problems, document, "uri", doc_location),
        version=_text(problems, document, "version", doc_location),
        language=language,
        creator=_text(problems, document, "creator", doc_location),
        description=_text(problems, document, "description", doc_location),
        managed_metadata=frozenset(
            {
                "title_fr",
                "title_en",
                "version",
                "language",
                "creator",
                "description",
                "source_uri",
                "licence",
                "extra",
            }
        ),
    )
    title_other = ours.get(EXT_TITLE) if isinstance(ours.get(EXT_TITLE), dict) else {}
    if _is_english(language):
        data.title_en, data.title_fr = title, str(title_other.get("fr") or title)
    else:
        data.title_fr, data.title_en = title, str(title_other.get("en") or "")
    licence = document.get("licenseURI")
    if isinstance(licence, dict):
        data.licence = _fit(str(licence.get("title") or licence.get("uri") or ""), "licence")
    if isinstance(ours.get(EXT_ACADEMIC_YEAR), int):
        data.academic_year = ours[EXT_ACADEMIC_YEAR]
    if isinstance(ours.get(EXT_LEVELS), list):
        data.levels = []
        for index, level in enumerate(ours[EXT_LEVELS]):
            if not isinstance(level, dict) or not isinstance(level.get("rank"), int):
                problems.add(
                    _("a level needs a whole-number rank"), f"CFDocument.extensions.{EXT_LEVELS}[{index}]"
                )
                continue
            data.levels.append(
                LevelData(
                    rank=level["rank"],
                    label_fr=str(level.get("label_fr") or ""),
                    label_en=str(level.get("label_en") or ""),
                    descriptor_fr=str(level.get("descriptor_fr") or ""),
                    descriptor_en=str(level.get("descriptor_en") or ""),
                    identifier=str(level.get("identifier") or ""),
                    location=f"CFDocument.extensions.{EXT_LEVELS}[{index}]",
                )
            )
    data.extra = {"case": {k: v for k, v in document.items() if k not in DOCUMENT_MAPPED} | others}
    for key in ("CFDefinitions", "CFRubrics"):
        if key in package:
            data.extra[f"case_{key}"] = package[key]
    package_other = {
        k: v
        for k, v in package.items()
        if k not in {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics"}
    }
    if package_other:
        data.extra["case_package"] = package_other

    items_by_identifier: dict[str, ItemData] = {}
    for index, raw_item in enumerate(raw_items):
        location = f"CFItems[{index}]"
        if not isinstance(raw_item, dict):
            problems.add(_("an object is expected"), location)
            continue
        if isinstance(raw_item.get("identifier"), str) and raw_item["identifier"]:
            location = f"CFItems[{index}] ({raw_item['identifier']})"
        item = _parse_item(problems, raw_item, location, language)
        if item is None:
            continue
        data.items.append(item)
        items_by_identifier.setdefault(item.identifier, item)
    problems.check()

    external: list[dict] = []
    counters: dict[str, int] = {}
    for index, raw_association in enumerate(raw_associations):
        location = f"CFAssociations[{index}]"
        if not isinstance(raw_association, dict):
            problems.add(_("an object is expected"), location)
            continue
        association_identifier = _text(problems, raw_association, "identifier", location, required=True)
        if association_identifier:
            location = f"CFAssociations[{index}] ({association_identifier})"
        association_type = _text(problems, raw_association, "associationType", location, required=True)
        origin = _node(problems, raw_association, "originNodeURI", location)
        destination = _node(problems, raw_association, "destinationNodeURI", location)
        sequence = raw_association.get("sequenceNumber")
        if sequence is not None and (not isinstance(sequence, int) or isinstance(sequence, bool)):
            problems.add(_("a whole number is expected"), location, "sequenceNumber")
            continue
        if not origin or not destination or not association_identifier or not association_type:
            continue
        origin_item = items_by_identifier.get(origin.get("identifier") or "")
        if origin_item is None:
            external.append(raw_association)
            continue
        destination_identifier = destination.get("identifier") or ""
        if association_type == AssociationType.IS_CHILD_OF and "case_child_of" not in origin_item.extra:
            parent = items_by_identifier.get(destination_identifier)
            if parent is not None or destination_identifier == identifier:
                origin_item.parent_identifier = parent.identifier if parent is not None else ""
                origin_item.extra["case_child_of"] = raw_association
                parent_key = origin_item.parent_identifier
                counters[parent_key] = counters.get(parent_key, 0) + 1
                origin_item.position = sequence if sequence is not None else counters[parent_key]
                continue
        grouping = raw_association.get("CFAssociationGroupingURI")
        data.associations.append(
            AssociationData(
                identifier=association_identifier,
                location=location,
                association_type=association_type,
                origin_identifier=origin_item.identifier,
                destination_identifier=destination_identifier,
                destination_uri=str(destination.get("uri") or ""),
                destination_title=_fit(str(destination.get("title") or ""), "destination_title"),
                grouping=str(grouping.get("identifier") or "") if isinstance(grouping, dict) else "",
                sequence_number=sequence,
                extra={"case": {k: v for k, v in raw_association.items() if k not in ASSOCIATION_MAPPED}},
            )
        )
    problems.check()
    for item in data.items:
        item.extra.setdefault("case_child_of", None)
    if external:
        data.extra["case_external_associations"] = external
    return data


def _parse_item(
    problems: ProblemCollector, raw: dict, location: str, document_language: str
) -> ItemData | None:
    identifier = _text(problems, raw, "identifier", location, required=True)
    statement = _text(problems, raw, "fullStatement", location, required=True)
    language = _text(problems, raw, "language", location)
    code = _text(problems, raw, "humanCodingScheme", location)
    ours, others = _extensions(raw, OUR_ITEM_EXTENSIONS)
    case_raw: dict[str, Any] = {}
    cf_item_type = raw.get("CFItemType")
    if cf_item_type is not None:
        if not isinstance(cf_item_type, str):
            problems.add(_("a text is expected"), location, "CFItemType")
            return None
        case_raw["CFItemType"] = cf_item_type
    alternative = raw.get("alternativeLabel")
    if alternative is not None and not isinstance(alternative, str):
        case_raw["alternativeLabel"] = alternative
    abbreviated = _text(problems, raw, "abbreviatedStatement", location)
    if _fit(abbreviated, "abbreviated_statement") != abbreviated:
        case_raw["abbreviatedStatement"] = abbreviated
    keywords, keep = _lossy_list(raw.get("conceptKeywords"), "keywords", "; ")
    if keep and raw.get("conceptKeywords") is not None:
        case_raw["conceptKeywords"] = raw["conceptKeywords"]
    levels, keep = _lossy_list(raw.get("educationLevel"), "education_level", ", ")
    if keep and raw.get("educationLevel") is not None:
        case_raw["educationLevel"] = raw["educationLevel"]
    statements = ours.get(EXT_STATEMENTS) if isinstance(ours.get(EXT_STATEMENTS), dict) else {}
    if _is_english(language or document_language):
        statement_en, statement_fr = statement, str(statements.get("fr") or statement)
    else:
        statement_fr, statement_en = statement, str(statements.get("en") or "")
    extra: dict[str, Any] = {"case": {k: v for k, v in raw.items() if k not in ITEM_MAPPED} | others}
    if case_raw:
        extra["case_raw"] = case_raw
    return ItemData(
        identifier=identifier,
        location=location,
        code=code,
        item_type=item_type_for(cf_item_type or ""),
        statement_fr=statement_fr,
        statement_en=statement_en,
        abbreviated_statement=_fit(abbreviated, "abbreviated_statement"),
        alternative_labels=_join(alternative, "\n"),
        description=str(ours.get(EXT_DESCRIPTION) or ""),
        keywords=keywords,
        notes=_text(problems, raw, "notes", location),
        education_level=levels,
        language=language,
        list_enumeration=_text(problems, raw, "listEnumeration", location),
        uri=_stored_uri(_text(problems, raw, "uri", location), identifier),
        extra=extra,
    )


def _stored_uri(uri: str, identifier: str) -> str:
    """An item URI the export would generate anyway is not stored (so that our own exports re-import as is)."""
    return "" if identifier and uri == _item_uri(identifier) else uri


# --- Writing ---------------------------------------------------------------------------------------------


def _item_uri(identifier: str) -> str:
    try:
        return f"urn:uuid:{uuid.UUID(identifier)}"
    except ValueError:
        return f"{settings.SITE_URL}/case/items/{identifier}"


def document_identifier(framework) -> str:
    return framework.source_identifier or str(framework.identifier)


def _node_for(item, document_id: str = "", document_title: str = "", document_uri: str = "") -> dict:
    if item is None:
        return {"title": document_title, "identifier": document_id, "uri": document_uri}
    return {
        "title": item.statement_fr,
        "identifier": item.identifier,
        "uri": item.uri or _item_uri(item.identifier),
    }


def _timestamp(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def export_item(item, framework) -> dict:
    case = dict(item.extra.get("case") or {})
    case_raw = item.extra.get("case_raw") or {}
    extensions = dict(case.pop("extensions", None) or {})
    english = _is_english(item.language or framework.language)
    if english:
        full, secondary = (item.statement_en or item.statement_fr), ("fr", item.statement_fr)
    else:
        full, secondary = item.statement_fr, ("en", item.statement_en)
    out: dict[str, Any] = {"identifier": item.identifier, "uri": item.uri or _item_uri(item.identifier)}
    out["fullStatement"] = full
    raw_type = case_raw.get("CFItemType")
    out["CFItemType"] = (
        raw_type
        if raw_type and item_type_for(raw_type) == item.item_type
        else (CANONICAL_ITEM_TYPES.get(item.item_type, "Competency"))
    )
    if item.code:
        out["humanCodingScheme"] = item.code
    if item.list_enumeration:
        out["listEnumeration"] = item.list_enumeration
    raw_abbreviated = case_raw.get("abbreviatedStatement")
    if (
        raw_abbreviated is not None
        and _fit(raw_abbreviated, "abbreviated_statement") == item.abbreviated_statement
    ):
        out["abbreviatedStatement"] = raw_abbreviated
    elif item.abbreviated_statement:
        out["abbreviatedStatement"] = item.abbreviated_statement
    raw_alternative = case_raw.get("alternativeLabel")
    if raw_alternative is not None and _join(raw_alternative, "\n") == item.alternative_labels:
        out["alternativeLabel"] = raw_alternative
    elif item.alternative_labels:
        out["alternativeLabel"] = item.alternative_labels
    for prop, field, separator in (
        ("conceptKeywords", "keywords", "; "),
        ("educationLevel", "education_level", ", "),
    ):
        value = getattr(item, field)
        if prop in case_raw and _fit(_join(case_raw[prop], separator), field) == value:
            out[prop] = case_raw[prop]
        elif value:
            out[prop] = _split(value, separator)
    if item.notes:
        out["notes"] = item.notes
    if item.language:
        out["language"] = item.language
    if secondary[1] and secondary[1] != full:
        extensions[EXT_STATEMENTS] = {secondary[0]: secondary[1]}
    if item.description:
        extensions[EXT_DESCRIPTION] = item.description
    out.update(case)
    out.setdefault("lastChangeDateTime", _timestamp(framework.updated_at))
    if extensions:
        out["extensions"] = extensions
    return out


def _document_title(framework) -> str:
    english = _is_english(framework.language)
    return (framework.title_en or framework.title_fr) if english else framework.title_fr


def _document_uri(framework) -> str:
    return framework.source_uri or _item_uri(str(framework.identifier))


def export_document(framework, levels=None) -> dict:
    """The CFDocument of ``framework`` (``levels``: the level scale, read from the database when omitted)."""
    extra = framework.extra or {}
    case_document = dict(extra.get("case") or {})
    extensions = dict(case_document.pop("extensions", None) or {})
    english = _is_english(framework.language)
    title = _document_title(framework)
    document: dict[str, Any] = {
        "identifier": document_identifier(framework),
        "uri": _document_uri(framework),
        "creator": framework.creator or (framework.institution.name if framework.institution_id else ""),
        "title": title,
    }
    for prop, value in (
        ("description", framework.description),
        ("language", framework.language),
        ("version", framework.version),
    ):
        if value:
            document[prop] = value
    if not english and framework.title_en:
        extensions[EXT_TITLE] = {"en": framework.title_en}
    elif english and framework.title_fr != title:
        extensions[EXT_TITLE] = {"fr": framework.title_fr}
    if framework.academic_year:
        extensions[EXT_ACADEMIC_YEAR] = framework.academic_year
    if levels is None:
        levels = list(framework.levels.all()) if framework.pk else []
    level_list = [
        {
            k: v
            for k, v in {
                "rank": level.rank,
                "label_fr": level.label_fr,
                "label_en": level.label_en,
                "descriptor_fr": level.descriptor_fr,
                "descriptor_en": level.descriptor_en,
                "identifier": level.identifier,
            }.items()
            if v not in ("", None)
        }
        for level in levels
    ]
    if level_list:
        extensions[EXT_LEVELS] = level_list
    if framework.licence and "licenseURI" not in case_document:
        document["licenseURI"] = {"title": framework.licence, "identifier": "", "uri": ""}
    document.update(case_document)
    document.setdefault("lastChangeDateTime", _timestamp(framework.updated_at))
    if extensions:
        document["extensions"] = extensions
    return document


def child_association(item, parent, framework) -> dict | None:
    """The ``isChildOf`` association that places ``item`` under ``parent`` (or the document)."""
    doc_id = document_identifier(framework)
    stored = (item.extra or {}).get("case_child_of", "absent")
    expected_destination = parent.identifier if parent is not None else doc_id
    if stored is None and parent is None:
        return None  # an item of a package that had no parent association
    if (
        isinstance(stored, dict)
        and (stored.get("destinationNodeURI") or {}).get("identifier") == expected_destination
    ):
        return stored
    association_id = str(uuid.uuid5(CHILD_NAMESPACE, f"{item.identifier}|isChildOf|{expected_destination}"))
    return {
        "identifier": association_id,
        "uri": f"urn:uuid:{association_id}",
        "associationType": AssociationType.IS_CHILD_OF.value,
        "originNodeURI": _node_for(item),
        "destinationNodeURI": _node_for(parent, doc_id, _document_title(framework), _document_uri(framework)),
        "sequenceNumber": item.position,
        "lastChangeDateTime": _timestamp(framework.updated_at),
    }


def export_association(association, origin, destination, framework) -> dict:
    case = dict((association.extra or {}).get("case") or {})
    out: dict[str, Any] = {
        "identifier": association.identifier,
        "associationType": association.association_type,
    }
    out["uri"] = f"urn:uuid:{association.identifier}" if _is_uuid(association.identifier) else ""
    out["originNodeURI"] = _node_for(origin)
    out["destinationNodeURI"] = {
        "title": association.destination_title or (destination.statement_fr if destination else ""),
        "identifier": association.destination_identifier or (destination.identifier if destination else ""),
        "uri": association.destination_uri or (destination.uri if destination else ""),
    }
    if association.sequence_number is not None:
        out["sequenceNumber"] = association.sequence_number
    out.update(case)
    if not out.get("uri"):
        out.pop("uri")
    out.setdefault("lastChangeDateTime", _timestamp(framework.updated_at))
    return out


def export_case(framework) -> dict:
    """The framework as a CASE 1.1 package (CASE 1.0 packages come back in their own version)."""
    from ..selectors import framework_tree

    tree = framework_tree(framework)
    items = [node.item for node in tree.flat]
    by_pk = {item.pk: item for item in items}
    extra = framework.extra or {}
    document = export_document(framework)
    cf_items = [export_item(item, framework) for item in items]
    cf_associations: list[dict] = []
    for item in items:
        child_of = child_association(item, by_pk.get(item.parent_id), framework)
        if child_of is not None:
            cf_associations.append(child_of)
    order = {item.pk: index for index, item in enumerate(items)}
    associations = sorted(
        framework.associations.select_related("destination"),
        key=lambda a: (order.get(a.origin_id, 0), a.sequence_number or 0, a.pk),
    )
    for association in associations:
        cf_associations.append(
            export_association(
                association, by_pk.get(association.origin_id), association.destination, framework
            )
        )
    cf_associations.extend(extra.get("case_external_associations") or [])

    package: dict[str, Any] = {"CFDocument": document, "CFItems": cf_items, "CFAssociations": cf_associations}
    for key in ("CFDefinitions", "CFRubrics"):
        if f"case_{key}" in extra:
            package[key] = extra[f"case_{key}"]
    package.update(extra.get("case_package") or {})
    return package


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def export_case_bytes(framework) -> bytes:
    return json.dumps(export_case(framework), ensure_ascii=False, indent=2).encode("utf-8")
