"""Reference data of the reserve catalogue, loaded from the versioned CSV files in ``data/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from .enums import ActivityKind
from .models import ActivityType, Force, PublicationDeadline

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    forces: int
    activity_types: int
    deadlines: int
    created: int


class CatalogueError(ValueError):
    """A reference file is malformed (names the file, line and field)."""


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    path = DATA_DIR / name
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return [(reader.line_num, row) for row in reader]


def _date(value: str, name: str, line: int, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CatalogueError(f"{name}, line {line}, field “{field}”: a date YYYY-MM-DD is expected") from None


@transaction.atomic
def load_catalogue() -> LoadReport:
    """Create or update forces, activity types and publication deadlines. Idempotent."""
    created = 0
    forces = _rows("forces.csv")
    for line, row in forces:
        if not row.get("code") or not row.get("name_fr"):
            raise CatalogueError(f"forces.csv, line {line}: code and name_fr are required")
        _obj, new = Force.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"],
                "name_en": row.get("name_en", ""),
                "ministry": row.get("ministry", ""),
                "position": int(row.get("position") or 0),
            },
        )
        created += new
    types = _rows("activity_types.csv")
    kinds = {k.value for k in ActivityKind}
    for line, row in types:
        if row.get("kind") not in kinds:
            raise CatalogueError(
                f"activity_types.csv, line {line}, field “kind”: unknown kind “{row.get('kind')}”"
            )
        try:
            days = int(row.get("typical_days") or 1)
        except ValueError:
            raise CatalogueError(
                f"activity_types.csv, line {line}, field “typical_days”: a number is expected"
            ) from None
        _obj, new = ActivityType.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "name_fr": row["name_fr"],
                "name_en": row.get("name_en", ""),
                "description_fr": row.get("description_fr", ""),
                "description_en": row.get("description_en", ""),
                "typical_days": days,
                "position": int(row.get("position") or 0),
            },
        )
        created += new
    deadlines = _rows("publication_deadlines.csv")
    for line, row in deadlines:
        valid_from = _date(row.get("valid_from", ""), "publication_deadlines.csv", line, "valid_from")
        if valid_from is None:
            raise CatalogueError(f"publication_deadlines.csv, line {line}, field “valid_from”: required")
        _obj, new = PublicationDeadline.objects.update_or_create(
            valid_from=valid_from,
            defaults={
                "valid_until": _date(
                    row.get("valid_until", ""), "publication_deadlines.csv", line, "valid_until"
                ),
                "months_after_start": int(row["months_after_start"]),
                "warning_days": int(row.get("warning_days") or 21),
                "legal_basis": row.get("legal_basis", ""),
            },
        )
        created += new
    return LoadReport(len(forces), len(types), len(deadlines), created)
