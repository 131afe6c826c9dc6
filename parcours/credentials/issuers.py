"""The institution as issuer: initialisation, key rotation, identifiers and DID documents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openbadgeslib.ob3 import build_did_document

from parcours.audit.services import audit_record

from . import keys
from .compose import IssuerContext
from .enums import StatusPurpose
from .models import IssuerKey, IssuerProfile, StatusList


class IssuerError(Exception):
    """The issuer is missing or cannot do what was asked; the message says what to run."""


def _create_key(profile: IssuerProfile) -> IssuerKey:
    private_key = keys.generate_private_key()
    public_pem = keys.public_pem_of(private_key)
    if profile.web_did:
        did, kid = profile.web_did, keys.web_kid(profile.web_did)
    else:
        did, kid = keys.did_key_identifiers(public_pem)
    key = IssuerKey.objects.create(
        profile=profile,
        kid=kid,
        issuer_did=did,
        public_jwk=keys.public_jwk_of(public_pem),
        public_pem=public_pem,
        encrypted_private_key=keys.encrypt_private_key(private_key, kid),
    )
    for purpose in StatusPurpose.values:
        if not StatusList.objects.filter(issuer_did=did, purpose=purpose).exists():
            StatusList.objects.create(
                profile=profile,
                issuer_did=did,
                purpose=purpose,
                size=settings.CREDENTIALS["STATUS_LIST_SIZE"],
            )
    return key


def issuer_init(
    *, institution, name: str = "", url: str = "", image_url: str = "", email: str = "", actor=None
) -> IssuerProfile:
    """Create the issuer profile and its first Ed25519 key. Refuses when the issuer already has a key."""
    with transaction.atomic():
        profile = IssuerProfile.objects.select_for_update().filter(institution=institution).first()
        if profile is not None and profile.keys.active().exists():
            raise IssuerError(
                f"{institution.slug} already has an issuer key; use `credentials rotate-key` to replace it."
            )
        if profile is None:
            base = keys.web_did_base(settings.SITE_URL)
            web_did = ""
            if base:
                taken = IssuerProfile.objects.filter(web_did=base).exists()
                web_did = f"{base}:issuers:{institution.slug}" if taken else base
            profile = IssuerProfile.objects.create(
                institution=institution,
                name=name or institution.name,
                url=url or institution.website or settings.SITE_URL,
                image_url=image_url,
                email=email,
                web_did=web_did,
            )
        key = _create_key(profile)
        audit_record(
            "credential.issuer.initialised",
            actor=actor,
            target=profile,
            institution=institution,
            data={"issuer": key.issuer_did, "kid": key.kid},
        )
    return profile


def issuer_rotate_key(*, institution, actor=None) -> IssuerKey:
    """Retire the active key and create a new one; credentials signed before stay verifiable.

    Under did:web the issuer keeps its identifier, the retired key stays in the DID document and its private
    half is destroyed (status lists are signed by the new key). Under did:key the new key is a new identifier;
    the retired key keeps signing the status lists of the credentials it issued.
    """
    with transaction.atomic():
        profile = IssuerProfile.objects.select_for_update().filter(institution=institution).first()
        old = profile.keys.active().first() if profile else None
        if old is None:
            raise IssuerError(
                f"{institution.slug} has no issuer key yet: run `credentials init-issuer` first."
            )
        old.retired_at = timezone.now()
        if profile.web_did:
            old.encrypted_private_key = None
        old.save(update_fields=["retired_at", "encrypted_private_key"])
        new = _create_key(profile)
        if profile.web_did:
            StatusList.objects.filter(issuer_did=profile.web_did).update(signed_version=0)
        audit_record(
            "credential.issuer.key_rotated",
            actor=actor,
            target=profile,
            institution=institution,
            data={"retired": old.kid, "new": new.kid, "private_key_destroyed": bool(profile.web_did)},
        )
        transaction.on_commit(lambda: keys.forget_signer(old.kid))
    return new


def active_key(institution) -> IssuerKey:
    key = (
        IssuerKey.objects.active()
        .select_related("profile__institution")
        .filter(profile__institution=institution)
        .first()
    )
    if key is None:
        raise IssuerError(
            f"{institution.slug} has no issuer key: run `python manage.py credentials init-issuer "
            f"--institution {institution.slug}`."
        )
    return key


def issuer_context(key: IssuerKey) -> IssuerContext:
    profile = key.profile
    return IssuerContext(
        issuer_id=key.issuer_did,
        name=profile.name,
        url=profile.url,
        kid=key.kid,
        base_url=settings.SITE_URL,
        institution_slug=profile.institution.slug,
        image_url=profile.image_url,
        email=profile.email,
    )


def status_signing_key(status_list: StatusList) -> IssuerKey:
    """The key that signs a status list: the active key under did:web, the list's own did:key otherwise."""
    qs = IssuerKey.objects.filter(issuer_did=status_list.issuer_did, encrypted_private_key__isnull=False)
    key = qs.filter(retired_at__isnull=True).first() or qs.first()
    if key is None:
        raise IssuerError(f"No key can sign the status list of {status_list.issuer_did}.")
    return key


def did_document(profile: IssuerProfile) -> dict[str, Any]:
    """The did:web document of an issuer: every key ever used, the active one first."""
    issuer_keys = sorted(
        profile.keys.filter(issuer_did=profile.web_did), key=lambda k: (k.retired_at is not None, -k.pk)
    )
    methods = [(k.kid.split("#", 1)[1], k.public_jwk) for k in issuer_keys]
    document = build_did_document(profile.web_did, methods)
    document["service"] = [
        {"id": f"{profile.web_did}#issuer", "type": "LinkedDomains", "serviceEndpoint": profile.url}
    ]
    return document
