"""Compose: an achievement and a holder become an Open Badges 3.0 credential (no database, no signing).

The credential is built with openbadgeslib's model (``OpenBadgeCredential``, ``Achievement``, ``Alignment``,
``IdentityObject``) and completed with the OB 3.0 members that model does not map (alignment target types,
the rubric level reached, the language). Only what is listed in ``AchievementSpec`` reaches the credential:
there is no field for a unit or a rank, and unknown alignment keys are refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from openbadgeslib.ob3 import Achievement, Alignment, Evidence, IdentityObject, Issuer, OpenBadgeCredential

from .enums import ACHIEVEMENT_TYPES, AchievementKind

ALIGNMENT_KEYS = frozenset({"target_url", "target_name", "target_code", "framework_name"})
ESCO_FRAMEWORK = "ESCO"
#: Registered JWT claims that sit beside the credential in a VC-JWT payload.
JWT_CLAIMS = ("iss", "sub", "jti", "nbf", "exp", "iat")


class SpecError(ValueError):
    """An AchievementSpec that cannot become a credential; the message names the field."""


@dataclass(frozen=True)
class AchievementSpec:
    """What the school recognised, as the recognition app describes it.

    ``key`` identifies the achievement within the institution (for example ``competency:C2.3``); together with
    the source it makes issuance idempotent. ``level_rank`` orders levels for display and is never written
    into a credential.
    """

    key: str
    kind: str
    name_fr: str
    name_en: str = ""
    description_fr: str = ""
    description_en: str = ""
    criteria_fr: str = ""
    criteria_en: str = ""
    level_label: str = ""
    level_rank: int | None = None
    ects: Decimal | float | int | None = None
    framework_alignments: list[dict[str, str]] = field(default_factory=list)
    esco_uris: list[str] = field(default_factory=list)
    esco_labels: dict[str, str] = field(default_factory=dict)  # optional: ESCO URI -> preferred label

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip() or len(self.key) > 200:
            raise SpecError("key: a non-empty text of at most 200 characters is required")
        if self.kind not in AchievementKind.values:
            raise SpecError(f"kind: {self.kind!r} is not one of {', '.join(AchievementKind.values)}")
        if not isinstance(self.name_fr, str) or not self.name_fr.strip():
            raise SpecError("name_fr: the French name is required")
        if self.ects is not None:
            try:
                value = float(self.ects)
            except (TypeError, ValueError):
                raise SpecError(f"ects: {self.ects!r} is not a number") from None
            if not 0 <= value <= 300:
                raise SpecError(f"ects: {self.ects!r} is outside 0–300")
        for index, alignment in enumerate(self.framework_alignments):
            if not isinstance(alignment, dict):
                raise SpecError(f"framework_alignments[{index}]: a dict is expected")
            unknown = set(alignment) - ALIGNMENT_KEYS
            if unknown:
                raise SpecError(f"framework_alignments[{index}]: unknown keys {sorted(unknown)}")
            if not alignment.get("target_url") or not alignment.get("target_name"):
                raise SpecError(f"framework_alignments[{index}]: target_url and target_name are required")
        for index, uri in enumerate(self.esco_uris):
            if not isinstance(uri, str) or not uri.startswith(("http://", "https://")):
                raise SpecError(f"esco_uris[{index}]: {uri!r} is not an ESCO URI")

    def snapshot(self) -> dict[str, Any]:
        """The achievement as stored with the credential (JSON-serialisable)."""
        data = asdict(self)
        data["ects"] = None if self.ects is None else float(self.ects)
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> AchievementSpec:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class IssuerContext:
    """The issuer as it appears in credentials, and the key that signs them."""

    issuer_id: str
    name: str
    url: str
    kid: str
    base_url: str
    institution_slug: str
    image_url: str = ""
    email: str = ""


@dataclass(frozen=True)
class StatusEntry:
    purpose: str
    list_url: str
    index: int


def recipient_identity(email: str, salt: str) -> IdentityObject:
    """The holder's identity in the credential: a salted SHA-256 of the lower-cased e-mail."""
    return IdentityObject.create(email.strip().lower(), salt=salt)


def identity_matches(email: str, identity_hash: str, salt: str) -> bool:
    """Whether ``email`` is the address behind a salted ``sha256$…`` identity hash."""
    if not identity_hash.startswith("sha256$"):
        return False
    digest = hashlib.sha256((email.strip().lower() + (salt or "")).encode()).hexdigest()
    return digest == identity_hash.removeprefix("sha256$")


def achievement_id(issuer: IssuerContext, key: str) -> str:
    return f"{issuer.base_url}/achievements/{issuer.institution_slug}/{quote(key, safe='')}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "level"


def compose(
    *,
    issuer: IssuerContext,
    spec: AchievementSpec,
    credential_id: str,
    recipient_email: str,
    recipient_salt: str,
    issued_at: datetime,
    status: list[StatusEntry],
    evidence_url: str = "",
    valid_until: datetime | None = None,
    awarded_at: datetime | None = None,
) -> dict[str, Any]:
    """The JWT payload of the credential: the OB 3.0 credential at the top level plus iss/jti/nbf(/exp)."""
    ach_id = achievement_id(issuer, spec.key)
    alignments = [
        Alignment(
            target_name=a["target_name"],
            target_url=a["target_url"],
            target_framework=a.get("framework_name") or None,
            target_code=a.get("target_code") or None,
        )
        for a in spec.framework_alignments
    ]
    esco = [
        Alignment(
            target_name=spec.esco_labels.get(uri) or f"ESCO {uri.rstrip('/').rsplit('/', 1)[-1]}",
            target_url=uri,
            target_framework=ESCO_FRAMEWORK,
        )
        for uri in spec.esco_uris
    ]
    achievement = Achievement(
        id=ach_id,
        name=spec.name_fr,
        description=spec.description_fr or spec.name_fr,
        criteria_narrative=spec.criteria_fr or spec.description_fr or spec.name_fr,
        achievement_type=ACHIEVEMENT_TYPES[AchievementKind(spec.kind)],
        credits_available=None if spec.ects is None else float(spec.ects),
        alignments=alignments + esco,
    )
    credential = OpenBadgeCredential(
        id=credential_id,
        issuer=Issuer(
            id=issuer.issuer_id,
            name=issuer.name,
            url=issuer.url or None,
            email=issuer.email or None,
            image_url=issuer.image_url or None,
        ),
        recipient_id=None,
        achievement=achievement,
        issuance_date=issued_at,
        expiration_date=valid_until,
        evidence=[Evidence(id=evidence_url, name="Preuves")] if evidence_url else [],
        credential_status=[
            {
                "id": f"{entry.list_url}#{entry.index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": entry.purpose,
                "statusListIndex": str(entry.index),
                "statusListCredential": entry.list_url,
            }
            for entry in status
        ],
        identifiers=[recipient_identity(recipient_email, recipient_salt)],
        credits_earned=None if spec.ects is None else float(spec.ects),
    )
    payload = credential.to_jwt_payload()

    # Members openbadgeslib's model does not map.
    subject = payload["credentialSubject"]
    ach = subject["achievement"]
    ach["inLanguage"] = "fr"
    for item in ach.get("alignment", []):
        item["targetType"] = "ext:ESCOSkill" if item.get("targetFramework") == ESCO_FRAMEWORK else "CFItem"
    if spec.level_label:
        description_id = f"{ach_id}#level"
        level_id = f"{ach_id}#level-{_slug(spec.level_label)}"
        ach["resultDescription"] = [
            {
                "id": description_id,
                "type": ["ResultDescription"],
                "name": "Niveau atteint",
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [
                    {"id": level_id, "type": ["RubricCriterionLevel"], "name": spec.level_label}
                ],
            }
        ]
        subject["result"] = [
            {"type": ["Result"], "resultDescription": description_id, "achievedLevel": level_id}
        ]
    if awarded_at is not None:
        payload["awardedDate"] = (
            awarded_at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        )
    return payload
