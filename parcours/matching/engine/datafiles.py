"""Reading the catalogue (CSV) and labelled queries (JSON Lines), gzip or not.

Both readers fail with :class:`DataFileError`, whose message names the file, the line and the field,
so that a person fixing the file knows where to look.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

CATALOGUE_REQUIRED_COLUMNS = ("uri", "label_fr")
ALT_LABEL_SEPARATOR = " | "


class DataFileError(ValueError):
    """A data file cannot be read; ``str(error)`` names the file, the line and the field."""

    def __init__(self, path: str | Path, message: str, line: int | None = None, field: str | None = None):
        self.path = str(path)
        self.line = line
        self.field = field
        where = self.path + (f", line {line}" if line is not None else "")
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}: {what}{message}")


@dataclass(frozen=True)
class CatalogueItem:
    """One item that texts are matched to (an ESCO skill, or a competency of the school's framework)."""

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    item_type: str = ""
    reuse_level: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class LabelledQuery:
    """A text with the ids of the items that should be found for it (one line of a queries file)."""

    id: str
    text: str
    item_ids: tuple[str, ...]
    related_ids: tuple[str, ...] = ()
    group: str = ""
    subset: str = ""
    source_id: str = ""


def _open_text(path: Path) -> IO[str]:
    """Open ``path`` as UTF-8 text, decompressing it when it starts with the gzip magic bytes."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _checked_path(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found")
    return path


def load_catalogue(path: str | Path) -> list[CatalogueItem]:
    """Read a catalogue CSV (columns ``uri``, ``label_fr`` required; ``alt_labels_fr`` separated by
    ``" | "``, ``description_fr``, ``skill_type``, ``reuse_level`` optional; other columns kept in
    ``extra``). Raises :class:`DataFileError` on a missing column, an empty id or label, or a
    duplicated id."""
    path = _checked_path(path)
    items: list[CatalogueItem] = []
    seen: set[str] = set()
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            for column in CATALOGUE_REQUIRED_COLUMNS:
                if column not in columns:
                    raise DataFileError(path, "required column is missing from the header", 1, column)
            for row in reader:
                line = reader.line_num
                items.append(_catalogue_item(path, line, row, seen))
    except (UnicodeDecodeError, OSError, EOFError, csv.Error) as error:
        raise DataFileError(path, f"cannot be read ({error})") from error
    if not items:
        raise DataFileError(path, "the catalogue has no rows")
    return items


def _catalogue_item(path: Path, line: int, row: dict[str | Any, Any], seen: set[str]) -> CatalogueItem:
    if None in row:
        raise DataFileError(path, "the row has more cells than the header", line)
    for column in CATALOGUE_REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            raise DataFileError(path, "value is empty", line, column)
    item_id = row["uri"].strip()
    if item_id in seen:
        raise DataFileError(path, f"duplicated id {item_id!r}", line, "uri")
    seen.add(item_id)
    alt = tuple(a.strip() for a in (row.get("alt_labels_fr") or "").split(ALT_LABEL_SEPARATOR) if a.strip())
    known = {"uri", "label_fr", "alt_labels_fr", "description_fr", "skill_type", "reuse_level"}
    return CatalogueItem(
        id=item_id,
        label=row["label_fr"].strip(),
        alt_labels=alt,
        description=(row.get("description_fr") or "").strip(),
        item_type=(row.get("skill_type") or "").strip(),
        reuse_level=(row.get("reuse_level") or "").strip(),
        extra={k: v or "" for k, v in row.items() if k not in known and v is not None},
    )


def load_queries(path: str | Path) -> list[LabelledQuery]:
    """Read a JSON Lines file of labelled queries.

    Each line is an object with ``id``, ``query`` (the text; ``text`` is accepted too) and
    ``gold_essential`` (list of item ids). ``gold_optional`` (related items), ``isco_group``,
    ``subset`` and ``occupation_uri`` are optional. Blank lines are skipped.
    """
    path = _checked_path(path)
    queries = list(_iter_queries(path))
    if not queries:
        raise DataFileError(path, "the file has no queries")
    return queries


def _iter_queries(path: Path) -> Iterator[LabelledQuery]:
    try:
        with _open_text(path) as handle:
            for line_no, line in enumerate(handle, start=1):
                if line.strip():
                    yield _query_from_line(path, line_no, line)
    except (UnicodeDecodeError, OSError, EOFError) as error:
        raise DataFileError(path, f"cannot be read ({error})") from error


def _query_from_line(path: Path, line_no: int, line: str) -> LabelledQuery:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"malformed JSON ({error.msg}, column {error.colno})", line_no) from error
    if not isinstance(record, dict):
        raise DataFileError(path, "expected a JSON object", line_no)
    query_id = record.get("id")
    if not isinstance(query_id, str | int) or not str(query_id).strip():
        raise DataFileError(path, "missing or empty", line_no, "id")
    text_field = "query" if "query" in record else "text"
    text = record.get(text_field)
    if not isinstance(text, str) or not text.strip():
        raise DataFileError(path, "missing or empty", line_no, "query")
    gold = _id_list(path, line_no, record, "gold_essential", required=True)
    related = _id_list(path, line_no, record, "gold_optional", required=False)
    return LabelledQuery(
        id=str(query_id),
        text=text,
        item_ids=gold,
        related_ids=related,
        group=str(record.get("isco_group") or ""),
        subset=str(record.get("subset") or ""),
        source_id=str(record.get("occupation_uri") or ""),
    )


def _id_list(path: Path, line_no: int, record: dict[str, Any], name: str, required: bool) -> tuple[str, ...]:
    value = record.get(name)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(path, "expected a list of item ids", line_no, name)
    if required and not value:
        raise DataFileError(path, "the list is empty", line_no, name)
    return tuple(value)


def load_occupation_aliases(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Read ESCO occupations (``uri``, ``alt_labels_fr``) into ``{occupation uri: alternative names}``."""
    path = _checked_path(path)
    aliases: dict[str, tuple[str, ...]] = {}
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle)
            for column in ("uri", "alt_labels_fr"):
                if column not in (reader.fieldnames or []):
                    raise DataFileError(path, "required column is missing from the header", 1, column)
            for row in reader:
                alt = [
                    a.strip() for a in (row["alt_labels_fr"] or "").split(ALT_LABEL_SEPARATOR) if a.strip()
                ]
                aliases[row["uri"]] = tuple(alt)
    except (UnicodeDecodeError, OSError, EOFError, csv.Error) as error:
        raise DataFileError(path, f"cannot be read ({error})") from error
    return aliases
