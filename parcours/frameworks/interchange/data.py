"""What every importer produces: a framework described in plain Python, independent of the file format.

Parsers (CSV, XLSX, CASE, ESCO) turn a file into a :class:`FrameworkData`; :mod:`.validation` checks it;
:mod:`.plan` compares it with what the database holds and applies the difference in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

#: Stop collecting after this many problems: the first ones are what the person needs to fix.
MAX_PROBLEMS = 25

#: Editable properties of an item, compared by the preview and written by the importer.
ITEM_FIELDS = (
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
    "uri",
    "extra",
)

ASSOCIATION_FIELDS = (
    "association_type",
    "destination_uri",
    "destination_identifier",
    "destination_title",
    "grouping",
    "sequence_number",
    "extra",
)

LEVEL_FIELDS = ("label_fr", "label_en", "descriptor_fr", "descriptor_en", "identifier")

#: Maximum lengths of the database columns, checked before anything is written.
MAX_LENGTHS = {
    "identifier": 255,
    "uri": 500,
    "code": 80,
    "abbreviated_statement": 300,
    "keywords": 500,
    "education_level": 200,
    "language": 10,
    "list_enumeration": 40,
    "destination_uri": 500,
    "destination_identifier": 255,
    "destination_title": 500,
    "grouping": 255,
    "association_type": 32,
    "title_fr": 300,
    "title_en": 300,
    "version": 40,
    "source_identifier": 255,
    "source_uri": 500,
    "licence": 300,
    "creator": 300,
    "label_fr": 120,
    "label_en": 120,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (line or item) and which field."""

    message: str
    location: str = ""
    field: str = ""

    def render(self, filename: str = "") -> str:
        parts = [p for p in (filename, self.location) if p]
        if self.field:
            parts.append(_("field “%(field)s”") % {"field": self.field})
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class FrameworkImportError(Exception):
    """A file cannot be imported. Nothing has been written. Carries every problem found (up to a limit)."""

    def __init__(self, problems: list[Problem] | Problem | str, filename: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.filename = filename
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "\n".join(p.render(self.filename) for p in self.problems)

    def with_filename(self, filename: str) -> FrameworkImportError:
        if not self.filename:
            self.filename = filename
            self.args = (self.message,)
        return self


class ProblemCollector:
    """Collects problems; ``check()`` raises them all at once."""

    def __init__(self, filename: str = "") -> None:
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, message: str, location: str = "", field: str = "") -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, location, field))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def check(self) -> None:
        if self.problems:
            raise FrameworkImportError(self.problems, self.filename)


@dataclass
class ItemData:
    """One item (block, competency, component…) as read from a file."""

    identifier: str  # may be empty for CSV rows without identifier: matched by code, generated when new
    location: str  # "line 12", "CFItems[3]": used in error messages
    code: str = ""
    parent_identifier: str = ""  # resolved by the parser (CASE) or by validation (CSV parent code)
    parent_code: str = ""  # CSV/XLSX: parent by code
    item_type: str = "competency"
    statement_fr: str = ""
    statement_en: str = ""
    abbreviated_statement: str = ""
    alternative_labels: str = ""
    description: str = ""
    keywords: str = ""
    notes: str = ""
    education_level: str = ""
    language: str = ""
    list_enumeration: str = ""
    uri: str = ""
    position: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        return self.identifier or f"code:{self.code}"


@dataclass
class AssociationData:
    """An association whose origin is an item of the file (other associations are kept in ``extra``)."""

    identifier: str
    location: str
    association_type: str
    origin_identifier: str = ""  # identifier of the origin item (set by CASE parsers)
    origin_code: str = ""  # CSV: origin by code, resolved by validation
    destination_identifier: str = ""
    destination_uri: str = ""
    destination_title: str = ""
    grouping: str = ""
    sequence_number: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: Set by the plan: pk of a destination item found in another framework (ESCO…).
    resolved_destination: int | None = None


@dataclass
class LevelData:
    rank: int
    label_fr: str
    label_en: str = ""
    descriptor_fr: str = ""
    descriptor_en: str = ""
    identifier: str = ""
    location: str = ""


@dataclass
class FrameworkData:
    """A whole framework read from a file."""

    format: str
    filename: str = ""
    source_identifier: str = ""
    source_uri: str = ""
    title_fr: str = ""
    title_en: str = ""
    version: str = ""
    language: str = ""
    licence: str = ""
    creator: str = ""
    description: str = ""
    academic_year: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    items: list[ItemData] = field(default_factory=list)
    associations: list[AssociationData] = field(default_factory=list)
    #: ``None``: the file carries no level scale (the existing one is kept).
    levels: list[LevelData] | None = None
    #: CSV/XLSX: items are matched by code when the file has no identifier column.
    match_by_code: bool = False
    #: Item properties the file carries; the others keep their current value on update.
    managed_fields: frozenset[str] = frozenset(ITEM_FIELDS)
    #: Which existing associations the file replaces: "all" (CASE), "links" (CSV/XLSX with URI columns:
    #: only the exactMatchOf/isRelatedTo links to a URI), "none".
    association_scope: str = "all"
    #: Framework properties the file carries (the others keep their current value on update).
    managed_metadata: frozenset[str] = frozenset()
