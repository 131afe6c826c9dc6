"""The JSON-LD contexts and the JSON schema of Open Badges 3.0, shipped with the code.

``document_loader`` resolves the context URLs our credentials use from ``data/``; any other URL is refused,
so no JSON-LD processing ever reaches the network.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "w3c_credentials_v2_context.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob_v3p0_context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob_v3p0_extensions.json",
}
SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"


class ContextNotAvailable(LookupError):
    pass


@cache
def context(url: str) -> dict[str, Any]:
    name = CONTEXT_FILES.get(url)
    if name is None:
        raise ContextNotAvailable(
            f"JSON-LD context {url} is not bundled; it is never fetched from the network."
        )
    return json.loads((DATA / name).read_text())


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """A pyld-compatible document loader that only serves the bundled contexts."""
    return {"contextUrl": None, "documentUrl": url, "document": context(url)}


@cache
def achievement_credential_schema() -> dict[str, Any]:
    return json.loads((DATA / SCHEMA_FILE).read_text())


@cache
def schema_validator():
    """A compiled validator for the official AchievementCredential schema, or None without jsonschema."""
    try:
        from jsonschema import Draft201909Validator
    except ImportError:  # pragma: no cover - jsonschema ships in requirements.lock
        return None
    schema = achievement_credential_schema()
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(document: dict[str, Any], limit: int = 3) -> list[str] | None:
    """Messages naming the path of each schema violation; ``[]`` when valid, None when it cannot be checked."""
    validator = schema_validator()
    if validator is None:
        return None
    errors = []
    for error in validator.iter_errors(document):
        path = "/".join(str(p) for p in error.absolute_path) or "(root)"
        errors.append(f"{path}: {error.message[:200]}")
        if len(errors) >= limit:
            break
    return errors
