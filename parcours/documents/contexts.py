"""Declarative context schemas for the document kinds, and their validation.

A document kind declares the keys its context must carry (see ``docs/documents.md``). Cleaning a context:

- lists every missing or invalid key at once, by path (``holder.full_name``, ``items[2].ects``), in one
  :class:`DocumentContextError`;
- keeps only the declared keys: whatever else the caller put in the context (a unit, a rank…) is dropped
  and can never reach a template;
- produces either the *stored* form (JSON-serialisable: dates as ``YYYY-MM-DD``, numbers as strings,
  localised texts as ``{"fr": …, "en": …}``), which is what travels through the task queue, or the
  *render* form for one language (``date`` and ``Decimal`` objects, localised texts resolved).

A localised text is either a plain string (the same in every language) or an object ``{"fr": "…",
"en": "…"}``; a missing language falls back to the other one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

TEXT = "text"
LOCALISED = "localised"
DATE = "date"
NUMBER = "number"
BOOL = "bool"
OBJECT = "object"
LIST = "list"


class DocumentContextError(ValueError):
    """The context given for a document is incomplete or malformed; the message names every key."""

    def __init__(self, kind: str, missing: list[str], invalid: list[str]):
        self.kind = kind
        self.missing = missing
        self.invalid = invalid
        parts = []
        if missing:
            parts.append("missing keys: " + ", ".join(missing))
        if invalid:
            parts.append("invalid values: " + "; ".join(invalid))
        super().__init__(f"Context for document kind {kind!r} is not valid: " + " — ".join(parts))


@dataclass(frozen=True)
class Field:
    type: str
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    children: Mapping[str, Field] = field(default_factory=dict)
    item: Field | None = None
    min_items: int = 0
    help: str = ""


def text(*, required: bool = True, default: str = "", choices: tuple[str, ...] = (), help: str = "") -> Field:
    return Field(TEXT, required=required, default=default, choices=choices, help=help)


def localised(*, required: bool = True, help: str = "") -> Field:
    return Field(LOCALISED, required=required, default=None, help=help)


def date(*, required: bool = True, help: str = "") -> Field:
    return Field(DATE, required=required, help=help)


def number(*, required: bool = True, default: Any = None, help: str = "") -> Field:
    return Field(NUMBER, required=required, default=default, help=help)


def boolean(*, default: bool = False, help: str = "") -> Field:
    return Field(BOOL, required=False, default=default, help=help)


def obj(children: Mapping[str, Field], *, required: bool = True, help: str = "") -> Field:
    return Field(OBJECT, required=required, children=children, help=help)


def list_of(
    item: Field | Mapping[str, Field], *, required: bool = True, min_items: int = 0, help: str = ""
) -> Field:
    if not isinstance(item, Field):
        item = obj(item)
    return Field(LIST, required=required, default=None, item=item, min_items=min_items, help=help)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclass
class _Cleaner:
    language: str | None  # None: stored (JSON) form
    missing: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    def absent(self, value: Any, spec: Field) -> bool:
        if spec.type == OBJECT:  # an empty object is descended into: its missing keys are named
            return value is None
        return value is None or (isinstance(value, str) and not value.strip()) or value == {}

    def clean_fields(self, fields: Mapping[str, Field], data: Any, path: str) -> dict:
        if not isinstance(data, Mapping):
            self.invalid.append(f"{path or 'context'} (expected an object, got {type(data).__name__})")
            return {}
        cleaned = {}
        for name, spec in fields.items():
            key_path = f"{path}.{name}" if path else name
            cleaned[name] = self.clean(spec, data.get(name), key_path)
        return cleaned

    def clean(self, spec: Field, value: Any, path: str) -> Any:
        if self.absent(value, spec) and spec.type != LIST:
            if spec.required:
                self.missing.append(path)
                return None
            if spec.type == OBJECT:
                return None
            return self.output_default(spec)
        if spec.type == LIST and value is None:
            if spec.required:
                self.missing.append(path)
            return []
        method = getattr(self, f"clean_{spec.type}")
        return method(spec, value, path)

    def output_default(self, spec: Field) -> Any:
        if spec.type == NUMBER and spec.default is not None:
            return self.number_out(Decimal(str(spec.default)))
        if spec.type == LOCALISED:
            return "" if self.language else None
        return spec.default

    def clean_text(self, spec: Field, value: Any, path: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.invalid.append(f"{path} (expected a text, got {type(value).__name__})")
            return None
        value = str(value).strip()
        if spec.choices and value not in spec.choices:
            self.invalid.append(f"{path} (expected one of {', '.join(spec.choices)}, got {value!r})")
            return None
        return value

    def clean_localised(self, spec: Field, value: Any, path: str) -> Any:
        if isinstance(value, str):
            values = dict.fromkeys(languages(), value.strip())
        elif isinstance(value, Mapping):
            unknown = sorted(set(value) - set(languages()))
            if unknown or not all(isinstance(v, str) for v in value.values()):
                self.invalid.append(
                    f"{path} (expected a text or an object with keys {', '.join(languages())})"
                )
                return None
            given = {k: v.strip() for k, v in value.items() if v and v.strip()}
            if not given:
                if spec.required:
                    self.missing.append(path)
                return self.output_default(spec)
            fallback = given.get(settings.LANGUAGE_CODE) or next(iter(given.values()))
            values = {code: given.get(code, fallback) for code in languages()}
        else:
            self.invalid.append(f"{path} (expected a text, got {type(value).__name__})")
            return None
        return values[self.language] if self.language else values

    def clean_date(self, spec: Field, value: Any, path: str) -> Any:
        if isinstance(value, datetime.datetime):
            value = value.date()
        elif not isinstance(value, datetime.date):
            try:
                value = datetime.date.fromisoformat(str(value).strip())
            except ValueError:
                self.invalid.append(f"{path} (expected a date YYYY-MM-DD, got {value!r})")
                return None
        return value if self.language else value.isoformat()

    def number_out(self, value: Decimal) -> Any:
        return value if self.language else str(value)

    def clean_number(self, spec: Field, value: Any, path: str) -> Any:
        if isinstance(value, bool):
            self.invalid.append(f"{path} (expected a number, got a boolean)")
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.invalid.append(f"{path} (expected a number, got {value!r})")
            return None
        if not number.is_finite() or number < 0:
            self.invalid.append(f"{path} (expected a positive number, got {value!r})")
            return None
        return self.number_out(number.to_integral_value() if number == number.to_integral_value() else number)

    def clean_bool(self, spec: Field, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.invalid.append(f"{path} (expected true or false, got {value!r})")
            return None
        return value

    def clean_object(self, spec: Field, value: Any, path: str) -> dict:
        return self.clean_fields(spec.children, value, path)

    def clean_list(self, spec: Field, value: Any, path: str) -> list:
        if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
            self.invalid.append(f"{path} (expected a list, got {type(value).__name__})")
            return []
        items = list(value)
        if len(items) < spec.min_items:
            self.missing.append(f"{path} (at least {spec.min_items} item(s))")
        assert spec.item is not None
        return [self.clean(spec.item, item, f"{path}[{index}]") for index, item in enumerate(items)]


def clean_context(
    kind: str, fields: Mapping[str, Field], data: Any, *, language: str | None = None
) -> tuple[dict, list[str], list[str]]:
    """Clean ``data`` against ``fields``; returns (cleaned, missing paths, invalid descriptions)."""
    cleaner = _Cleaner(language=language)
    cleaned = cleaner.clean_fields(fields, data if data is not None else {}, "")
    return cleaned, cleaner.missing, cleaner.invalid


def describe(fields: Mapping[str, Field], prefix: str = "") -> list[tuple[str, str, bool, str]]:
    """Flatten a schema into (path, type, required, help) rows, for the documentation and the admin."""
    rows = []
    for name, spec in fields.items():
        path = f"{prefix}.{name}" if prefix else name
        if spec.type == LIST and spec.item is not None:
            item_type = spec.item.type
            rows.append((path, f"list of {item_type}", spec.required, spec.help))
            if spec.item.type == OBJECT:
                rows += describe(spec.item.children, f"{path}[]")
        elif spec.type == OBJECT:
            rows.append((path, "object", spec.required, spec.help))
            rows += describe(spec.children, path)
        else:
            kind = spec.type + (f" ({', '.join(spec.choices)})" if spec.choices else "")
            rows.append((path, kind, spec.required, spec.help))
    return rows
