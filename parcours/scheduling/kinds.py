"""Give a kind (exam, mandatory session, class) to timetable events from configurable patterns.

Patterns are words matched whole, ignoring case and accents (« DS » matches « DS Thermo » but not
« ADS »), or regular expressions. The most serious kind that matches wins; otherwise the event is a class.
An institution's own patterns (``EventKindPattern`` rows) replace the defaults; the defaults are the rows
without an institution, or, when none is loaded, the versioned file ``data/event_kind_patterns.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .enums import EventKind, PatternField

DEFAULT_PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "event_kind_patterns.json"
_PRIORITY = [EventKind.EXAM, EventKind.MANDATORY]


def normalise(text: str) -> str:
    """Lower case without accents, so that « Contrôle » and « CONTROLE » compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def word_regex(words: str) -> re.Pattern:
    parts = [re.escape(p) for p in normalise(words).split()]
    return re.compile(r"(?<![0-9a-z])" + r"\s+".join(parts) + r"(?![0-9a-z])")


@dataclass(frozen=True)
class KindPattern:
    kind: str
    regex: re.Pattern
    field: str = PatternField.ANY

    @classmethod
    def build(cls, kind: str, pattern: str, *, is_regex: bool = False, field: str = PatternField.ANY):
        regex = re.compile(pattern, re.IGNORECASE) if is_regex else word_regex(pattern)
        return cls(kind=kind, regex=regex, field=field)


class KindClassifier:
    def __init__(self, patterns: list[KindPattern]):
        self.by_kind = {kind: [p for p in patterns if p.kind == kind] for kind in _PRIORITY}
        self._cache: dict[tuple[str, str], str] = {}

    def classify(self, summary: str, categories: str = "") -> str:
        key = (summary, categories)
        kind = self._cache.get(key)
        if kind is None:
            kind = self._cache[key] = self._classify(summary, categories)
        return kind

    def _classify(self, summary: str, categories: str) -> str:
        texts = {PatternField.SUMMARY: normalise(summary), PatternField.CATEGORIES: normalise(categories)}
        for kind in _PRIORITY:
            for pattern in self.by_kind[kind]:
                haystacks = texts.values() if pattern.field == PatternField.ANY else [texts[pattern.field]]
                if any(pattern.regex.search(h) for h in haystacks):
                    return kind
        return EventKind.CLASS


@cache
def default_pattern_rows() -> tuple[dict, ...]:
    data = json.loads(DEFAULT_PATTERNS_FILE.read_text(encoding="utf-8"))
    return tuple(data["patterns"])


def classifier_for(institution) -> KindClassifier:
    """The classifier of an institution: its own active patterns, else the defaults."""
    from .models import EventKindPattern

    rows = list(EventKindPattern.objects.filter(institution=institution, is_active=True))
    if not rows:
        rows = list(EventKindPattern.objects.filter(institution__isnull=True, is_active=True))
    patterns = [KindPattern.build(r.kind, r.pattern, is_regex=r.is_regex, field=r.field) for r in rows]
    if not patterns:
        patterns = [
            KindPattern.build(
                r["kind"], r["pattern"], is_regex=r.get("is_regex", False), field=r.get("field", "any")
            )
            for r in default_pattern_rows()
        ]
    return KindClassifier(patterns)
