"""What each app contributes to a person's data export and erasure.

An app registers a ``PersonalData`` provider (``register(provider)``) — usually from its AppConfig.ready or
from ``DEFAULT_PROVIDERS`` below — so that export and erasure never forget a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalData:
    name: str
    #: user -> JSON-serialisable data
    export: Callable[[object], object]
    #: user -> iterable of (archive name, bytes) for files
    files: Callable[[object], Iterable[tuple[str, bytes]]] = lambda user: ()
    #: user -> None: delete or pseudonymise what this app holds (academic records are pseudonymised, not deleted)
    erase: Callable[[object], None] = lambda user: None
    #: order of erasure (lower first): dependants before what they point to
    order: int = 50


PROVIDERS: dict[str, PersonalData] = {}


def register(provider: PersonalData) -> PersonalData:
    PROVIDERS[provider.name] = provider
    return provider


def providers() -> list[PersonalData]:
    return sorted(PROVIDERS.values(), key=lambda p: (p.order, p.name))
