"""ESCO skills (the CSV export of the European Commission's classification) as a reference framework."""

from __future__ import annotations

import csv
import gzip
import io

from django.utils.translation import gettext as _

from ..enums import ItemType
from .data import FrameworkData, FrameworkImportError, ItemData, Problem, ProblemCollector

ESCO_SOURCE_IDENTIFIER = "esco-skills"
ESCO_URI = "http://data.europa.eu/esco/skill"
ESCO_TITLE_FR = "ESCO — aptitudes et compétences"
ESCO_TITLE_EN = "ESCO — skills and competences"
ESCO_LICENCE = (
    "© Union européenne, https://esco.ec.europa.eu — réutilisation autorisée (décision 2011/833/UE)"
)
ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
REQUIRED = ("uri", "label_fr")
ALT_SEPARATOR = " | "


def parse_esco(raw: bytes, filename: str = "") -> FrameworkData:
    """Read the ESCO skills file (``.csv`` or ``.csv.gz``): uri, label_fr, alt_labels_fr, description_fr…"""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FrameworkImportError(_("the compressed file is damaged"), filename) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkImportError(_("the ESCO file must be encoded in UTF-8"), filename) from exc
    if not text.strip():
        raise FrameworkImportError(_("the file is empty"), filename)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    problems = ProblemCollector(filename)
    header = reader.fieldnames or []
    for column in REQUIRED:
        if column not in header:
            problems.add(_("required column missing"), _("header"), column)
    problems.check()
    data = FrameworkData(
        format="esco",
        filename=filename,
        source_identifier=ESCO_SOURCE_IDENTIFIER,
        source_uri=ESCO_URI,
        title_fr=ESCO_TITLE_FR,
        title_en=ESCO_TITLE_EN,
        language="fr",
        licence=ESCO_LICENCE,
        creator="European Commission",
        description=ESCO_ATTRIBUTION,
        managed_fields=frozenset(
            {
                "statement_fr",
                "statement_en",
                "alternative_labels",
                "description",
                "item_type",
                "uri",
                "extra",
                "position",
                "parent",
            }
        ),
        association_scope="none",
    )
    try:
        for position, row in enumerate(reader):
            line = reader.line_num
            uri = (row.get("uri") or "").strip()
            location = _("line %(n)d") % {"n": line}
            if not uri.startswith("http"):
                problems.add(_("a URI is expected"), location, "uri")
                continue
            alt = row.get("alt_labels_fr") or ""
            data.items.append(
                ItemData(
                    identifier=uri.rsplit("/", 1)[-1],
                    location=location,
                    item_type=ItemType.SKILL,
                    statement_fr=(row.get("label_fr") or "").strip(),
                    statement_en=(row.get("label_en") or "").strip(),
                    alternative_labels="\n".join(
                        a.strip() for a in alt.split(ALT_SEPARATOR.strip()) if a.strip()
                    ),
                    description=(row.get("description_fr") or "").strip(),
                    uri=uri,
                    position=position,
                    extra={"esco": {k: row[k] for k in ("skill_type", "reuse_level") if row.get(k)}},
                )
            )
    except csv.Error as exc:
        raise FrameworkImportError(
            Problem(
                _("malformed CSV (%(error)s)") % {"error": exc}, _("line %(n)d") % {"n": reader.line_num}
            ),
            filename,
        ) from exc
    problems.check()
    return data
