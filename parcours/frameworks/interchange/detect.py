"""Guess a file's format from its content, and refuse a file that is not what its extension says."""

from __future__ import annotations

from pathlib import PurePath

import filetype
from django.utils.translation import gettext as _

from .data import FrameworkImportError

EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "case",
    ".jsonld": "case",
}
LABELS = {"csv": "CSV", "xlsx": "XLSX", "case": "CASE (JSON)"}


def sniff(raw: bytes) -> str:
    """``csv``, ``xlsx``, ``case`` or the description of another kind of file."""
    head = raw[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "case"
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" in head:
        return "application/octet-stream"
    return "csv"


def detect_format(raw: bytes, filename: str, declared: str | None = None) -> str:
    """The format to parse ``raw`` with. Raise :class:`FrameworkImportError` on an empty or mislabelled file."""
    if not raw.strip():
        raise FrameworkImportError(_("the file is empty"), filename)
    content = sniff(raw)
    suffix = PurePath(filename).suffix.lower() if filename else ""
    by_extension = EXTENSIONS.get(suffix)
    expected = declared or by_extension
    if content not in LABELS:
        raise FrameworkImportError(
            _("this file is not a framework file (its content is %(kind)s)") % {"kind": content}, filename
        )
    if expected and expected != content:
        if declared:
            message = _("the format “%(expected)s” was chosen but the file contains %(content)s")
        else:
            message = _("the file's extension says %(expected)s but the file contains %(content)s")
        raise FrameworkImportError(
            message % {"expected": LABELS.get(expected, expected), "content": LABELS[content]}, filename
        )
    return content
