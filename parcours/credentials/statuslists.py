"""W3C Bitstring Status Lists: index allocation and the signed list served to verifiers.

One list per issuer identifier and purpose (revocation, suspension). Indexes are drawn at random so that a
list does not reveal the order in which credentials were issued.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openbadgeslib.ob3 import build_status_list_credential

from . import keys
from .enums import CredentialStatus, StatusPurpose
from .issuers import status_signing_key
from .models import Credential, StatusList

_FIELD = {StatusPurpose.REVOCATION: "revocation", StatusPurpose.SUSPENSION: "suspension"}
_SET_WHEN = {
    StatusPurpose.REVOCATION: CredentialStatus.REVOKED,
    StatusPurpose.SUSPENSION: CredentialStatus.SUSPENDED,
}


def status_list_url(status_list: StatusList) -> str:
    return settings.SITE_URL + reverse("credential_status_list", kwargs={"public_id": status_list.public_id})


def allocate(profile, issuer_did: str, purpose: str, count: int) -> list[tuple[StatusList, int]]:
    """Draw ``count`` free indexes (call inside the issuing transaction; the list row is locked)."""
    field = _FIELD[StatusPurpose(purpose)]
    allocated: list[tuple[StatusList, int]] = []
    while len(allocated) < count:
        status_list = (
            StatusList.objects.select_for_update()
            .filter(issuer_did=issuer_did, purpose=purpose)
            .order_by("-sequence")
            .first()
        )
        if status_list is None:
            status_list = StatusList.objects.create(
                profile=profile,
                issuer_did=issuer_did,
                purpose=purpose,
                size=settings.CREDENTIALS["STATUS_LIST_SIZE"],
            )
        used = set(
            Credential.objects.filter(**{f"{field}_list": status_list}).values_list(
                f"{field}_index", flat=True
            )
        )
        free = status_list.size - len(used)
        if free <= 0:
            StatusList.objects.create(
                profile=profile,
                issuer_did=issuer_did,
                purpose=purpose,
                sequence=status_list.sequence + 1,
                size=status_list.size,
            )
            continue
        wanted = min(count - len(allocated), free)
        picks: set[int] = set()
        if free < 4 * wanted:
            candidates = [i for i in range(status_list.size) if i not in used]
            while len(picks) < wanted:
                picks.add(candidates.pop(secrets.randbelow(len(candidates))))
        else:
            while len(picks) < wanted:
                index = secrets.randbelow(status_list.size)
                if index not in used:
                    picks.add(index)
        allocated += [(status_list, index) for index in picks]
    return allocated


def mark_changed(*status_lists: StatusList) -> None:
    StatusList.objects.filter(pk__in=[s.pk for s in status_lists]).update(version=F("version") + 1)


def _fresh(status_list: StatusList, now: datetime) -> bool:
    if not status_list.signed_jwt or status_list.signed_version != status_list.version:
        return False
    margin = timedelta(hours=settings.CREDENTIALS["STATUS_LIST_VALIDITY_HOURS"]) / 4
    return status_list.valid_until is not None and status_list.valid_until - margin > now


def status_list_token(status_list: StatusList) -> str:
    """The signed BitstringStatusListCredential (VC-JWT), signed again only when it changed or ages."""
    now = timezone.now()
    if _fresh(status_list, now):
        return status_list.signed_jwt
    version = status_list.version
    purpose = StatusPurpose(status_list.purpose)
    field = _FIELD[purpose]
    indexes = Credential.objects.filter(
        **{f"{field}_list": status_list, "status": _SET_WHEN[purpose]}
    ).values_list(f"{field}_index", flat=True)
    url = status_list_url(status_list)
    valid_until = now + timedelta(hours=settings.CREDENTIALS["STATUS_LIST_VALIDITY_HOURS"])
    document = build_status_list_credential(
        status_list.issuer_did,
        url,
        status_list.purpose,
        list(indexes),
        size_bits=status_list.size,
        issued=now.replace(microsecond=0),
        valid_until=valid_until.replace(microsecond=0),
        ttl=settings.CREDENTIALS["STATUS_LIST_MAX_AGE"] * 1000,
    )
    payload = {**document, "iss": status_list.issuer_did, "jti": url, "nbf": int(now.timestamp())}
    token = keys.signer_for(status_signing_key(status_list)).sign_payload(payload)
    StatusList.objects.filter(pk=status_list.pk).update(
        signed_jwt=token, signed_at=now, valid_until=valid_until, signed_version=version
    )
    status_list.signed_jwt, status_list.signed_at, status_list.valid_until = token, now, valid_until
    status_list.signed_version = version
    return token
