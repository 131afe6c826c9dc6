"""Query expansion from a lexicon kept as data (``data/lexicon_fr.tsv``; its header documents the format).

A term is matched on normalised stems, so case, accents, elisions and plurals do not matter. When a
term occurs in a text, the stems of its expansions are added to the text with a reduced weight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .datafiles import DataFileError
from .text import Normaliser

DEFAULT_LEXICON_PATH = Path(__file__).parent / "data" / "lexicon_fr.tsv"
EXPANSION_SEPARATOR = " | "


@dataclass(frozen=True)
class LexiconEntry:
    """One line of the lexicon."""

    term: str
    expansions: tuple[str, ...]
    kind: str = ""
    note: str = ""

    def describe(self) -> str:
        """Human-readable form used in explanations: ``PMI → préparation militaire, …``."""
        return f"{self.term} → {', '.join(self.expansions)}"


@dataclass(frozen=True)
class Expansion:
    """An entry found in a text, with the stems it adds."""

    entry: LexiconEntry
    stems: tuple[str, ...]


def read_lexicon(path: str | Path = DEFAULT_LEXICON_PATH) -> list[LexiconEntry]:
    """Parse a lexicon TSV file; raise :class:`DataFileError` naming the line on a malformed row."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found")
    entries: list[LexiconEntry] = []
    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        if len(cells) < 2 or not cells[0].strip():
            raise DataFileError(path, "expected 'term<TAB>expansions[<TAB>kind<TAB>note]'", line_no, "term")
        expansions = tuple(e.strip() for e in cells[1].split(EXPANSION_SEPARATOR.strip()) if e.strip())
        if not expansions:
            raise DataFileError(path, "no expansion given", line_no, "expansions")
        kind = cells[2].strip() if len(cells) > 2 else ""
        note = cells[3].strip() if len(cells) > 3 else ""
        entries.append(LexiconEntry(cells[0].strip(), expansions, kind, note))
    return entries


class Lexicon:
    """Finds lexicon terms in token sequences and returns their expansions."""

    def __init__(self, entries: Iterable[LexiconEntry], normaliser: Normaliser) -> None:
        self.entries: list[LexiconEntry] = list(entries)
        self._by_first: dict[str, list[tuple[tuple[str, ...], Expansion]]] = {}
        for entry in self.entries:
            pattern = tuple(normaliser.tokens(entry.term))
            if not pattern:
                continue
            stems: list[str] = []
            for expansion in entry.expansions:
                stems.extend(t for t in normaliser.tokens(expansion) if t not in stems and t not in pattern)
            self._by_first.setdefault(pattern[0], []).append((pattern, Expansion(entry, tuple(stems))))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda pair: -len(pair[0]))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, tokens: list[str]) -> list[Expansion]:
        """Expansions whose term occurs in ``tokens`` (longest match first, each entry once)."""
        found: dict[str, Expansion] = {}
        position = 0
        while position < len(tokens):
            step = 1
            for pattern, expansion in self._by_first.get(tokens[position], ()):
                if tuple(tokens[position : position + len(pattern)]) == pattern:
                    found.setdefault(expansion.entry.term, expansion)
                    step = len(pattern)
                    break
            position += step
        return list(found.values())
