"""CSV and XLSX: one row per item, parent by code, French and English columns (see docs/frameworks.md)."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from ..enums import AssociationType, ItemType
from ..text import fold
from .data import (
    AssociationData,
    FrameworkData,
    FrameworkImportError,
    ItemData,
    LevelData,
    Problem,
    ProblemCollector,
)

#: Columns of the items sheet, in the order of the template. Only ``statement_fr`` and one of
#: ``code``/``identifier`` are required.
COLUMNS = (
    "code",
    "parent_code",
    "type",
    "statement_fr",
    "statement_en",
    "abbreviated_statement",
    "keywords",
    "alternative_labels",
    "description",
    "notes",
    "education_level",
    "identifier",
    "parent_identifier",
    "uri",
    "exact_match_uris",
    "related_uris",
)
REQUIRED_COLUMNS = ("statement_fr",)
LEVEL_COLUMNS = ("rank", "label_fr", "label_en", "descriptor_fr", "descriptor_en")
FRAMEWORK_PROPERTIES = (
    "identifier",
    "title_fr",
    "title_en",
    "academic_year",
    "version",
    "language",
    "licence",
    "creator",
    "description",
    "uri",
)

#: Column names accepted for each canonical column (folded: lowercase, no accents, spaces as underscores).
ALIASES = {
    "code": ("code", "code_competence"),
    "parent_code": ("parent_code", "parent", "code_parent"),
    "type": ("type", "item_type"),
    "statement_fr": ("statement_fr", "enonce_fr", "libelle_fr", "statement"),
    "statement_en": ("statement_en", "enonce_en", "libelle_en"),
    "abbreviated_statement": ("abbreviated_statement", "enonce_abrege", "short_statement"),
    "keywords": ("keywords", "mots_cles"),
    "alternative_labels": ("alternative_labels", "libelles_alternatifs"),
    "description": ("description",),
    "notes": ("notes", "remarques"),
    "education_level": ("education_level", "niveau_formation"),
    "identifier": ("identifier", "identifiant"),
    "parent_identifier": ("parent_identifier", "identifiant_parent"),
    "uri": ("uri",),
    "exact_match_uris": ("exact_match_uris", "esco_uris", "correspondance_exacte"),
    "related_uris": ("related_uris", "liens"),
}
_ALIAS_TO_COLUMN = {alias: column for column, aliases in ALIASES.items() for alias in aliases}

#: Values of the ``type`` column (folded) → item type.
TYPE_VALUES = {
    "block": ItemType.BLOCK,
    "bloc": ItemType.BLOCK,
    "bloc de competences": ItemType.BLOCK,
    "domain": ItemType.BLOCK,
    "domaine": ItemType.BLOCK,
    "competency": ItemType.COMPETENCY,
    "competence": ItemType.COMPETENCY,
    "component": ItemType.COMPONENT,
    "composante": ItemType.COMPONENT,
    "apprentissage critique": ItemType.COMPONENT,
    "skill": ItemType.SKILL,
    "savoir-faire": ItemType.SKILL,
    "other": ItemType.OTHER,
    "autre": ItemType.OTHER,
}

KEYWORD_SEPARATOR = ";"
LIST_SEPARATOR = "|"
#: Items' associations produced by the URI columns, and derived identifiers for them.
LINK_COLUMNS = {
    "exact_match_uris": AssociationType.EXACT_MATCH_OF,
    "related_uris": AssociationType.IS_RELATED_TO,
}
LINK_NAMESPACE = uuid.UUID("6f4a3c56-7e1b-4d9e-9a59-2f3f0e3e5c11")


def link_identifier(origin_key: str, association_type: str, uri: str) -> str:
    return str(uuid.uuid5(LINK_NAMESPACE, f"{origin_key}|{association_type}|{uri}"))


def _header_key(value: str) -> str:
    return fold(value).replace(" ", "_").replace("-", "_")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def split_list(value: str, separator: str) -> list[str]:
    return [part.strip() for part in value.split(separator) if part.strip()]


def split_uris(value: str) -> list[str]:
    return [part for part in value.replace(LIST_SEPARATOR, " ").split() if part]


# --- Reading ---------------------------------------------------------------------------------------------


def _items_from_rows(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    data: FrameworkData,
    location_of: Callable[[int], str],
) -> None:
    """Fill ``data`` from a header and ``(line number, cells)`` rows, collecting every problem."""
    problems = ProblemCollector(data.filename)
    columns: list[str] = []
    for position, name in enumerate(header, start=1):
        key = _header_key(name)
        if not key:
            columns.append("")
            continue
        column = _ALIAS_TO_COLUMN.get(key)
        if column is None:
            problems.add(
                _("unknown column “%(name)s” (expected: %(columns)s)")
                % {"name": name, "columns": ", ".join(COLUMNS)},
                _("header, column %(n)d") % {"n": position},
                name,
            )
        elif column in columns:
            problems.add(_("column given twice"), _("header, column %(n)d") % {"n": position}, name)
        columns.append(column or "")
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            problems.add(_("required column missing"), _("header"), required)
    if "code" not in columns and "identifier" not in columns:
        problems.add(_("a “code” or an “identifier” column is required"), _("header"), "code")
    problems.check()

    present = set(columns)
    data.match_by_code = "identifier" not in present
    optional = {
        "code",
        "statement_en",
        "abbreviated_statement",
        "keywords",
        "alternative_labels",
        "description",
        "notes",
        "education_level",
        "uri",
    }
    data.managed_fields = frozenset({"statement_fr", "position", "parent"} | (present & optional)) | (
        {"item_type"} if "type" in present else set()
    )
    data.association_scope = "links" if present & set(LINK_COLUMNS) else "none"

    width = len(columns)
    position = 0
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        location = location_of(line)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            problems.add(
                _("%(count)d values for %(width)d columns") % {"count": len(cells), "width": width}, location
            )
            continue
        values = {
            column: cells[i].strip() if i < len(cells) else "" for i, column in enumerate(columns) if column
        }
        raw_type = values.get("type", "")
        item_type = TYPE_VALUES.get(fold(raw_type), raw_type.lower()) if raw_type else ItemType.COMPETENCY
        item = ItemData(
            identifier=values.get("identifier", ""),
            location=location,
            code=values.get("code", ""),
            parent_code=values.get("parent_code", ""),
            parent_identifier=values.get("parent_identifier", "") if not values.get("parent_code") else "",
            item_type=str(item_type),
            statement_fr=values.get("statement_fr", ""),
            statement_en=values.get("statement_en", ""),
            abbreviated_statement=values.get("abbreviated_statement", ""),
            alternative_labels="\n".join(split_list(values.get("alternative_labels", ""), LIST_SEPARATOR)),
            description=values.get("description", ""),
            keywords="; ".join(split_list(values.get("keywords", ""), KEYWORD_SEPARATOR)),
            notes=values.get("notes", ""),
            education_level=values.get("education_level", ""),
            uri=values.get("uri", ""),
            position=position + 1,
        )
        position += 1
        data.items.append(item)
        for column, association_type in LINK_COLUMNS.items():
            for uri in split_uris(values.get(column, "")):
                data.associations.append(
                    AssociationData(
                        identifier="",  # derived once the origin's key is known (see finish_links)
                        location=location,
                        association_type=association_type,
                        origin_identifier=item.identifier,
                        origin_code=item.code if not item.identifier else "",
                        destination_uri=uri,
                    )
                )
    problems.check()


def _decode(raw: bytes, filename: str) -> str:
    if b"\x00" in raw[:4096]:
        raise FrameworkImportError(_("this is not a text file (CSV expected)"), filename)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrameworkImportError(
            Problem(_("the text is neither UTF-8 nor Windows-1252"), _("line %(n)d") % {"n": line}), filename
        ) from exc


def parse_csv(raw: bytes, filename: str = "") -> FrameworkData:
    text = _decode(raw, filename)
    if not text.strip():
        raise FrameworkImportError(_("the file is empty"), filename)
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.splitlines() else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    data = FrameworkData(
        format="csv", filename=filename, source_identifier=f"file:{filename}" if filename else ""
    )

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FrameworkImportError(
                    Problem(
                        _("malformed CSV (%(error)s)") % {"error": exc},
                        _("line %(n)d") % {"n": reader.line_num},
                    ),
                    filename,
                ) from exc
            yield reader.line_num, cells

    iterator = rows()
    header: list[str] | None = None
    for _line, cells in iterator:
        if any(cell.strip() for cell in cells):
            header = cells
            break
    if header is None:
        raise FrameworkImportError(_("the file is empty"), filename)
    _items_from_rows(header, iterator, data, lambda n: _("line %(n)d") % {"n": n})
    return data


def _sheet_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(value) for value in row]


def parse_xlsx(raw: bytes, filename: str = "") -> FrameworkData:
    from openpyxl import load_workbook

    if not raw:
        raise FrameworkImportError(_("the file is empty"), filename)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise FrameworkImportError(_("this is not an XLSX workbook"), filename)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors on broken files
        raise FrameworkImportError(
            _("this is not a readable XLSX workbook (%(error)s)") % {"error": exc.__class__.__name__},
            filename,
        ) from exc
    try:
        sheets = {fold(name): workbook[name] for name in workbook.sheetnames}
        data = FrameworkData(
            format="xlsx", filename=filename, source_identifier=f"file:{filename}" if filename else ""
        )
        items_sheet = next(
            (sheets[n] for n in ("items", "elements", "competences", "competencies") if n in sheets), None
        )
        if items_sheet is None:
            items_sheet = next(
                (
                    s
                    for n, s in sheets.items()
                    if n not in {"levels", "niveaux", "framework", "referentiel", "readme", "lisez-moi"}
                ),
                None,
            )
        if items_sheet is None:
            raise FrameworkImportError(_("the workbook has no items sheet"), filename)
        sheet_label = items_sheet.title
        iterator = _sheet_rows(items_sheet)
        header = None
        for _n, cells in iterator:
            if any(cells):
                header = cells
                break
        if header is None:
            raise FrameworkImportError(
                Problem(_("the sheet is empty"), _("sheet “%(sheet)s”") % {"sheet": sheet_label}), filename
            )
        _items_from_rows(
            header,
            iterator,
            data,
            lambda n: _("sheet “%(sheet)s”, line %(n)d") % {"sheet": sheet_label, "n": n},
        )
        if (levels_sheet := sheets.get("levels") or sheets.get("niveaux")) is not None:
            data.levels = _levels_from_sheet(levels_sheet, filename)
        if (meta_sheet := sheets.get("framework") or sheets.get("referentiel")) is not None:
            _metadata_from_sheet(meta_sheet, data)
        return data
    finally:
        workbook.close()


def _levels_from_sheet(sheet, filename: str) -> list[LevelData]:
    problems = ProblemCollector(filename)
    levels: list[LevelData] = []
    iterator = _sheet_rows(sheet)
    header = next((cells for _n, cells in iterator if any(cells)), None)
    if header is None:
        return levels
    columns = [_header_key(name) for name in header]
    for required in ("rank", "label_fr"):
        if required not in columns:
            problems.add(
                _("required column missing"),
                _("sheet “%(sheet)s”, header") % {"sheet": sheet.title},
                required,
            )
    problems.check()
    for number, cells in iterator:
        if not any(cells):
            continue
        values = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)}
        location = _("sheet “%(sheet)s”, line %(n)d") % {"sheet": sheet.title, "n": number}
        try:
            rank = int(values["rank"])
        except ValueError:
            problems.add(_("a whole number is expected"), location, "rank")
            continue
        levels.append(
            LevelData(
                rank=rank,
                label_fr=values.get("label_fr", ""),
                label_en=values.get("label_en", ""),
                descriptor_fr=values.get("descriptor_fr", ""),
                descriptor_en=values.get("descriptor_en", ""),
                location=location,
            )
        )
    problems.check()
    return levels


def _metadata_from_sheet(sheet, data: FrameworkData) -> None:
    problems = ProblemCollector(data.filename)
    managed = set()
    for number, cells in _sheet_rows(sheet):
        if len(cells) < 2 or not cells[0]:
            continue
        key, value = _header_key(cells[0]), cells[1]
        location = _("sheet “%(sheet)s”, line %(n)d") % {"sheet": sheet.title, "n": number}
        if key in ("field", "champ", "property"):
            continue
        if key not in FRAMEWORK_PROPERTIES:
            problems.add(_("unknown property “%(name)s”") % {"name": cells[0]}, location, cells[0])
            continue
        if key == "academic_year":
            if value:
                try:
                    data.academic_year = int(value)
                except ValueError:
                    problems.add(_("a year such as 2026 is expected"), location, key)
                    continue
        elif key == "identifier":
            data.source_identifier = value or data.source_identifier
        elif key == "uri":
            data.source_uri = value
        else:
            setattr(data, key, value)
        managed.add("source_uri" if key == "uri" else key)
    problems.check()
    data.managed_metadata = frozenset(managed)


# --- Writing ---------------------------------------------------------------------------------------------


def rows_for_export(framework) -> tuple[list[list[str]], list[list[str]]]:
    """Header and rows of the items sheet, and of the levels sheet, for ``framework``."""
    from ..selectors import framework_tree

    items = [node.item for node in framework_tree(framework).flat]
    by_id = {item.pk: item for item in items}
    links: dict[int, dict[str, list[str]]] = {}
    for association in framework.associations.filter(
        association_type__in=list(LINK_COLUMNS.values())
    ).select_related("destination"):
        target = association.destination_uri or (
            association.destination.uri if association.destination else ""
        )
        if not target:
            continue
        column = next(c for c, t in LINK_COLUMNS.items() if t == association.association_type)
        links.setdefault(association.origin_id, {}).setdefault(column, []).append(target)
    rows = [list(COLUMNS)]
    for item in items:
        parent = by_id.get(item.parent_id)
        item_links = links.get(item.pk, {})
        rows.append(
            [
                item.code,
                parent.code if parent and parent.code else "",
                item.item_type,
                item.statement_fr,
                item.statement_en,
                item.abbreviated_statement,
                item.keywords,
                f" {LIST_SEPARATOR} ".join(item.alternative_labels.splitlines()),
                item.description,
                item.notes,
                item.education_level,
                item.identifier,
                parent.identifier if parent and not parent.code else "",
                item.uri,
                " ".join(item_links.get("exact_match_uris", [])),
                " ".join(item_links.get("related_uris", [])),
            ]
        )
    levels = [list(LEVEL_COLUMNS)] + [
        [str(level.rank), level.label_fr, level.label_en, level.descriptor_fr, level.descriptor_en]
        for level in framework.levels.all()
    ]
    return rows, levels


def export_csv(framework) -> bytes:
    rows, _levels = rows_for_export(framework)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _metadata_rows(framework) -> list[list[str]]:
    return [
        ["field", "value"],
        ["identifier", framework.source_identifier or str(framework.identifier)],
        ["title_fr", framework.title_fr],
        ["title_en", framework.title_en],
        ["academic_year", str(framework.academic_year or "")],
        ["version", framework.version],
        ["language", framework.language],
        ["licence", framework.licence],
        ["creator", framework.creator],
        ["description", framework.description],
        ["uri", framework.source_uri],
    ]


def _workbook_bytes(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(framework) -> bytes:
    rows, levels = rows_for_export(framework)
    return _workbook_bytes([("items", rows), ("levels", levels), ("framework", _metadata_rows(framework))])


TEMPLATE_ROWS = [
    list(COLUMNS),
    [
        "B1",
        "",
        "block",
        "Concevoir des systèmes",
        "Design systems",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "C1.1",
        "B1",
        "competency",
        "Analyser un besoin et formuler un cahier des charges",
        "Analyse a need and write specifications",
        "Analyser un besoin",
        "analyse; besoin; cahier des charges",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "http://data.europa.eu/esco/skill/4d6e1e4c-8f0c-4b5c-9c2a-3a3f7d1f2b9e",
        "",
    ],
]
TEMPLATE_LEVELS = [
    list(LEVEL_COLUMNS),
    ["1", "Novice", "Novice", "Agit avec un accompagnement", "Acts with guidance"],
    ["2", "Intermédiaire", "Intermediate", "Agit en autonomie", "Acts autonomously"],
]


def template_csv() -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(TEMPLATE_ROWS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    framework_rows = [["field", "value"], *[[name, ""] for name in FRAMEWORK_PROPERTIES]]
    return _workbook_bytes(
        [("items", TEMPLATE_ROWS), ("levels", TEMPLATE_LEVELS), ("framework", framework_rows)]
    )
