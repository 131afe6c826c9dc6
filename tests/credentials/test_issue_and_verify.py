"""Compose → sign → verify: an issued credential verifies with openbadgeslib and with joserfc (an independent
JOSE library), validates against the official 1EdTech schema, and carries nothing but what was recognised."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from jsonschema import Draft201909Validator
from openbadgeslib.ob3 import OB3Verifier

from parcours.credentials import contexts
from parcours.credentials.api import credential_issue, credential_revoke, credential_suspend
from parcours.credentials.compose import SpecError, identity_matches
from parcours.credentials.enums import CredentialStatus
from parcours.credentials.models import Credential, IssuerKey
from parcours.credentials.statuslists import status_list_token
from parcours.credentials.verification import Fetcher

from .factories import ESCO_CRISIS, FRAMEWORK_ITEM, issue, spec

pytestmark = pytest.mark.django_db

SCHEMA_DIR = settings.BASE_DIR / "parcours" / "credentials" / "data"


def our_lists(url: str) -> bytes:
    """A download function for openbadgeslib: our own status lists, straight from the database."""
    fetched = Fetcher().local_status_list(url)
    assert fetched is not None, url
    return status_list_token(fetched).encode()


def test_credential_verifies_with_openbadgeslib_including_status(institution, student):
    credential = issue(holder=student, institution=institution)
    key = credential.issuer_key
    verified = OB3Verifier(pubkey_pem=key.public_pem).verify(
        credential.token, check_status=True, download=our_lists
    )
    assert verified.id == credential.urn
    assert verified.achievement.name == "Gérer une situation de crise"
    # did:key (the demo's identifier) resolves offline to the same key.
    assert key.issuer_did.startswith("did:key:z")
    by_did = OB3Verifier.for_issuer_did(key.issuer_did)
    assert by_did.verify(credential.token, check_status=True, download=our_lists).issuer.id == key.issuer_did


def test_credential_verifies_with_joserfc(institution, student):
    credential = issue(holder=student, institution=institution)
    public = OKPKey.import_key(credential.issuer_key.public_jwk)
    # OB 3.0 names the algorithm "EdDSA"; joserfc warns that RFC 9864 prefers "Ed25519" (same signature).
    with pytest.warns(SecurityWarning, match="RFC 9864"):
        token = jws.deserialize_compact(credential.token, public, algorithms=["EdDSA"])
    assert token.protected["alg"] == "EdDSA"
    assert token.protected["kid"] == credential.issuer_key.kid
    assert "d" not in token.protected["jwk"]
    payload = json.loads(token.payload)
    assert payload["iss"] == payload["issuer"]["id"] == credential.issuer_key.issuer_did
    assert payload["jti"] == payload["id"] == credential.urn


def test_credential_is_valid_against_the_official_schema(institution, student):
    credential = issue(holder=student, institution=institution)
    schema = json.loads((SCHEMA_DIR / "ob_v3p0_achievementcredential_schema.json").read_text())
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential.readable_document())
    ]
    assert errors == []
    # The shipped schema is the official one, unmodified.
    official = (
        settings.BASE_DIR.parent / "shared" / "data" / "ob3" / "ob_v3p0_achievementcredential_schema.json"
    )
    if official.exists():
        assert (
            official.read_bytes() == (SCHEMA_DIR / "ob_v3p0_achievementcredential_schema.json").read_bytes()
        )


def test_contexts_are_bundled_and_every_term_is_defined(institution, student):
    document = issue(holder=student, institution=institution).readable_document()
    for url in document["@context"]:
        assert contexts.context(url)["@context"]  # local copy, never fetched
    with pytest.raises(contexts.ContextNotAvailable):
        contexts.context("https://example.org/unknown-context.json")
    defined = set()

    def terms(ctx):
        if isinstance(ctx, dict):
            for name, value in ctx.items():
                defined.add(name)
                if isinstance(value, dict):
                    terms(value.get("@context"))

    for url in document["@context"]:
        terms(contexts.context(url)["@context"])

    def used(node):
        if isinstance(node, dict):
            for name, value in node.items():
                yield name
                yield from used(value)
        elif isinstance(node, list):
            for value in node:
                yield from used(value)

    undefined = {t for t in used(document) if not t.startswith("@") and t not in defined}
    assert undefined == set()


def test_content_of_the_credential(institution, student):
    credential = issue(holder=student, institution=institution)
    document = credential.readable_document()
    subject = document["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "Competency"
    assert achievement["creditsAvailable"] == 3
    assert subject["creditsEarned"] == 3
    assert {a["targetUrl"] for a in achievement["alignment"]} == {FRAMEWORK_ITEM["target_url"], ESCO_CRISIS}
    school = next(a for a in achievement["alignment"] if a["targetType"] == "CFItem")
    assert school["targetCode"] == "C2.3"
    assert school["targetFramework"] == "Référentiel ingénieur 2026"
    levels = achievement["resultDescription"][0]["rubricCriterionLevel"]
    assert subject["result"][0]["achievedLevel"] == levels[0]["id"]
    assert levels[0]["name"] == "Niveau 2 — Maîtrise"
    # The recipient is a salted hash of the e-mail, never the address itself.
    identity = subject["identifier"][0]
    assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
    assert identity_matches("Camille.Laurent@example.org", identity["identityHash"], identity["salt"])
    assert not identity_matches("someone@example.org", identity["identityHash"], identity["salt"])
    assert student.email not in credential.token
    assert "evidence" not in document
    # OB 3.0 allows one credentialStatus: the revocation entry (suspension is checked by index, see docs).
    assert document["credentialStatus"]["statusPurpose"] == "revocation"
    assert document["credentialStatus"]["statusListIndex"] == str(credential.revocation_index)


def test_nothing_about_unit_or_rank_is_ever_written(institution, student):
    credential = issue(holder=student, institution=institution)
    text = json.dumps(credential.document, ensure_ascii=False).lower()
    keys = set()

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.items():
                keys.add(name.lower())
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(credential.document)
    assert not {k for k in keys if "rank" in k or "unit" in k or "grade" in k}
    assert "level_rank" not in text and "unité" not in text
    with pytest.raises(SpecError, match="unknown keys"):
        spec(framework_alignments=[{**FRAMEWORK_ITEM, "unit": "1er régiment"}])
    with pytest.raises(TypeError):
        spec(rank="sergent")


def test_evidence_only_when_the_holder_opted_in(institution, issuer, student):
    from parcours.credentials.services import credential_preference_set

    first = credential_issue(
        holder=student,
        institution=institution,
        achievement=spec(),
        source_type="recognition.decision",
        source_id="7",
        evidence_url="https://parcours.example.org/portfolio/evidence/12",
    )
    assert "evidence" not in first.document and first.evidence_opt_in is False
    credential_preference_set(user=student, include_evidence=True)
    second = credential_issue(
        holder=student,
        institution=institution,
        achievement=spec(),
        source_type="recognition.decision",
        source_id="8",
        evidence_url="https://parcours.example.org/portfolio/evidence/12",
    )
    assert second.evidence_opt_in is True
    assert second.document["evidence"][0]["id"] == "https://parcours.example.org/portfolio/evidence/12"


def test_issue_is_idempotent(institution, issuer, student):
    achievement = spec()
    kwargs = {
        "holder": student,
        "institution": institution,
        "source_type": "recognition.decision",
        "source_id": "42",
    }
    first = credential_issue(achievement=achievement, **kwargs)
    again = credential_issue(achievement=achievement, **kwargs)
    assert again.pk == first.pk
    other = credential_issue(achievement=spec(), **kwargs)
    assert other.pk != first.pk
    assert Credential.objects.count() == 2
    assert (
        first.revocation_index != other.revocation_index
        or first.revocation_list_id != other.revocation_list_id
    )


def test_private_key_is_never_stored_or_shown_in_clear(institution, student, caplog, admin_client):
    credential = issue(holder=student, institution=institution)
    key = IssuerKey.objects.get()
    blob = bytes(key.encrypted_private_key)
    assert blob.startswith(b"PRK1") and b"PRIVATE KEY" not in blob
    from parcours.credentials.keys import decrypt_private_key

    raw = decrypt_private_key(blob, key.kid).private_bytes_raw()
    assert raw not in blob
    assert "PRIVATE" not in credential.token
    # Bound to its kid: a blob moved to another key row does not decrypt.
    from parcours.credentials.keys import KeyUnavailable

    with pytest.raises(KeyUnavailable):
        decrypt_private_key(blob, key.kid + "x")
    page = admin_client.get(f"/admin/credentials/issuerkey/{key.pk}/change/").content.decode()
    assert key.kid in page and "PRK1" not in page and "encrypted_private_key" not in page
    assert "PRIVATE KEY" not in caplog.text


def test_status_changes_reach_the_status_list(institution, student):
    credential = issue(holder=student, institution=institution)
    verifier = OB3Verifier(pubkey_pem=credential.issuer_key.public_pem)
    credential_suspend(credential=credential, reason="Vérification en cours")
    from openbadgeslib.ob3 import check_credential_status

    from parcours.credentials.verification import suspension_entry

    model = verifier.verify(credential.token, check_status=True, download=our_lists)  # revocation: not set
    model.credential_status = [suspension_entry(credential)]
    with pytest.raises(Exception, match="suspension"):
        check_credential_status(model, download=our_lists)
    credential_revoke(credential=credential, reason="Décision annulée")
    with pytest.raises(Exception, match="revocation"):
        verifier.verify(credential.token, check_status=True, download=our_lists)
    credential.refresh_from_db()
    assert credential.status == CredentialStatus.REVOKED and credential.status_reason == "Décision annulée"
