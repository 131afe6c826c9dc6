"""The registry of document kinds: one class per kind, looked up by its code (no if-chains).

A kind declares its code, its names per language, the schema of its context, whether it has a holder,
one template per language (``documents/pdf/<kind>.<language>.html``) and what its public verification
page may show (:meth:`DocumentType.summary`). Register a new kind with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from .contexts import (
    DocumentContextError,
    Field,
    clean_context,
    localised,
    obj,
    text,
)
from .contexts import date as date_field

_REGISTRY: dict[str, type[DocumentType]] = {}


class UnknownDocumentKind(LookupError):
    def __init__(self, kind: str):
        known = ", ".join(sorted(_REGISTRY)) or "none"
        super().__init__(f"Unknown document kind {kind!r} (registered kinds: {known}).")


#: Keys every kind shares: the letterhead, the reference and the date of the document.
COMMON_FIELDS: dict[str, Field] = {
    "reference": text(help="reference number printed on the document, e.g. DEC-2026-0042"),
    "issued_on": date_field(help="date of the document (also the PDF creation date)"),
    "institution": obj(
        {
            "name": text(help="name of the school, printed in the header"),
            "city": text(required=False, help="city, printed in the date line"),
        }
    ),
}

SIGNER_FIELD = obj(
    {
        "name": text(help="full name of the signer"),
        "function": localised(help="function of the signer, e.g. Directeur des études"),
    }
)


class DocumentType:
    """Base class of a document kind. Subclasses set the class attributes and may add checks."""

    kind: ClassVar[str]
    names: ClassVar[Mapping[str, str]]  # language -> name of the kind ("Lettre de décision")
    fields: ClassVar[Mapping[str, Field]]
    has_holder: ClassVar[bool] = True

    # --- context -------------------------------------------------------------------------------------
    @classmethod
    def schema(cls) -> dict[str, Field]:
        return {**COMMON_FIELDS, **cls.fields}

    @classmethod
    def clean(cls, context: Mapping[str, Any], *, language: str | None = None) -> dict:
        """Validate ``context``; stored form without ``language``, render form for one language."""
        cleaned, missing, invalid = clean_context(cls.kind, cls.schema(), context, language=language)
        if not missing and not invalid:
            missing += cls.check(cleaned)
        if missing or invalid:
            raise DocumentContextError(cls.kind, missing, invalid)
        return cleaned

    @classmethod
    def check(cls, cleaned: dict) -> list[str]:
        """Rules across keys; returns descriptions of what is missing (each kind adds its own)."""
        return []

    # --- rendering -----------------------------------------------------------------------------------
    @classmethod
    def template_name(cls, language: str) -> str:
        return f"documents/pdf/{cls.kind}.{language}.html"

    @classmethod
    def stylesheet_name(cls, language: str) -> str | None:
        """A stylesheet template applied to every document of the kind, parsed once per thread.

        ``None`` (the default): the template carries its own ``<style>``, parsed with every document. A
        shared stylesheet must not depend on the document (use ``string-set`` with ``attr()`` for margin
        boxes that print a document's values).
        """
        return None

    @classmethod
    def name(cls, language: str) -> str:
        return cls.names.get(language) or next(iter(cls.names.values()))

    @classmethod
    def prepare(cls, ctx: dict, language: str) -> dict:
        """Values computed for the template (totals, labels) from the render-form context."""
        return {}

    @classmethod
    def title(cls, ctx: dict, language: str) -> str:
        return f"{cls.name(language)} — {ctx['reference']}"

    @classmethod
    def summary(cls, ctx: dict, language: str) -> dict:
        """What the public verification page may show. Never unit, rank or evidence."""
        raise NotImplementedError


def register(cls: type[DocumentType]) -> type[DocumentType]:
    if cls.kind in _REGISTRY and _REGISTRY[cls.kind] is not cls:
        raise ValueError(f"Document kind {cls.kind!r} is already registered by {_REGISTRY[cls.kind]!r}.")
    _REGISTRY[cls.kind] = cls
    return cls


def get(kind: str) -> type[DocumentType]:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise UnknownDocumentKind(kind) from None


def kinds() -> dict[str, type[DocumentType]]:
    return dict(_REGISTRY)


def format_ects(value: Decimal | None, language: str) -> str:
    """ECTS as printed in summaries: ``1,5`` in French, ``1.5`` in English, no trailing zeros."""
    if value is None:
        return ""
    text_value = f"{value.normalize():f}" if value != value.to_integral_value() else f"{int(value)}"
    return text_value.replace(".", ",") if language == "fr" else text_value
