"""Verdicts: valid, revoked, suspended, expired, altered, unknown issuer, status unknown, and bad input of all
kinds — a clear verdict every time, never an exception, never "valid" by mistake."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openbadgeslib.keys import public_jwk_from_pem
from openbadgeslib.ob3 import build_did_document, did_key_from_pem

from parcours.credentials import verification
from parcours.credentials.api import credential_reinstate, credential_revoke, credential_suspend
from parcours.credentials.compose import IssuerContext, StatusEntry, compose
from parcours.credentials.enums import Verdict
from parcours.credentials.images import baked_png, baked_svg
from parcours.credentials.keys import KeyedSigner, public_pem_of, signer_for
from parcours.credentials.verification import verify_credential, verify_submission, verify_token

from .factories import issue, spec

pytestmark = pytest.mark.django_db


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _tamper(token: str, change) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(data)
    return ".".join([header, _b64(data), signature])


def foreign_token(*, issuer_id=None, status_url="", valid_until=None, issued_at=None, private_key=None):
    """A credential from another issuer, signed with openbadgeslib's signer (did:key unless told)."""
    private_key = private_key or Ed25519PrivateKey.generate()
    pem = public_pem_of(private_key)
    did = issuer_id or did_key_from_pem(pem)
    context = IssuerContext(
        issuer_id=did,
        name="Autre école",
        url="https://autre.example.org",
        kid=f"{did}#key-1",
        base_url="https://autre.example.org",
        institution_slug="autre",
    )
    payload = compose(
        issuer=context,
        spec=spec(),
        credential_id="urn:uuid:7f1e8b8e-1111-4c4c-9999-0123456789ab",
        recipient_email="someone@example.org",
        recipient_salt="abc",
        issued_at=issued_at or datetime.now(UTC) - timedelta(days=1),
        valid_until=valid_until,
        status=[StatusEntry("revocation", status_url, 7)] if status_url else [],
    )
    return KeyedSigner(private_key, context.kid).sign_payload(payload), private_key


def test_valid_credential(institution, student):
    credential = issue(holder=student, institution=institution)
    result = verify_credential(credential)
    assert result.verdict == Verdict.VALID, result.checks
    assert result.issuer_known and result.credential == credential
    assert {c.code: c.ok for c in result.checks} == {
        "format": True,
        "issuer": True,
        "signature": True,
        "structure": True,
        "schema": True,
        "expiry": True,
        "status": True,
    }
    summary = result.summary()
    assert summary["name"] == "Gérer une situation de crise"
    assert summary["level"] == "Niveau 2 — Maîtrise"
    assert summary["credits"] == 3
    assert [a["code"] for a in summary["alignments"]] == ["C2.3", ""]


def test_revoked_suspended_reinstated(institution, student):
    credential = issue(holder=student, institution=institution)
    credential_suspend(credential=credential, reason="Contrôle de la décision")
    result = verify_credential(credential)
    assert result.verdict == Verdict.SUSPENDED and result.status_reason == "Contrôle de la décision"
    credential_reinstate(credential=credential)
    assert verify_credential(credential).verdict == Verdict.VALID
    credential_revoke(credential=credential, reason="Validation erronée")
    result = verify_credential(credential)
    assert result.verdict == Verdict.REVOKED
    assert result.status_reason == "Validation erronée" and result.status_changed_at is not None
    assert result.as_dict()["status"]["reason"] == "Validation erronée"


def test_one_revocation_does_not_touch_others(institution, student):
    first = issue(holder=student, institution=institution)
    second = issue(holder=student, institution=institution)
    credential_revoke(credential=first, reason="Erreur")
    assert verify_credential(first).verdict == Verdict.REVOKED
    assert verify_credential(second).verdict == Verdict.VALID


def test_expired(institution, student):
    credential = issue(holder=student, institution=institution)
    signer = signer_for(credential.issuer_key)
    payload = dict(credential.document)
    payload["validFrom"] = "2020-01-01T00:00:00Z"
    payload["nbf"] = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    payload["validUntil"] = "2021-01-01T00:00:00Z"
    payload["exp"] = int(datetime(2021, 1, 1, tzinfo=UTC).timestamp())
    result = verify_token(signer.sign_payload(payload))
    assert result.verdict == Verdict.EXPIRED, result.checks


def test_altered_and_truncated(institution, student):
    credential = issue(holder=student, institution=institution)

    def promote(data):
        data["credentialSubject"]["achievement"]["creditsAvailable"] = 30

    assert verify_token(_tamper(credential.token, promote)).verdict == Verdict.ALTERED
    assert verify_submission(credential.token[:-10]).verdict == Verdict.ALTERED
    assert verify_submission(credential.token[: len(credential.token) // 2]).verdict in (
        Verdict.ALTERED,
        Verdict.INVALID,
    )
    broken_signature = credential.token[:-4] + ("AAAA" if not credential.token.endswith("AAAA") else "BBBB")
    assert verify_submission(broken_signature).verdict == Verdict.ALTERED
    # A token signed by another key but claiming to be ours.
    forged, _ = foreign_token(issuer_id=credential.issuer_key.issuer_did)
    assert verify_submission(forged).verdict == Verdict.ALTERED


def test_readable_json_of_ours_is_compared_with_what_was_signed(institution, student):
    credential = issue(holder=student, institution=institution)
    assert verify_submission(json.dumps(credential.readable_document())).verdict == Verdict.VALID
    changed = credential.readable_document()
    changed["credentialSubject"]["achievement"]["name"] = "Diplôme d'ingénieur"
    assert verify_submission(json.dumps(changed)).verdict == Verdict.ALTERED


def test_foreign_did_key_credential(institution):
    token, _ = foreign_token()
    result = verify_submission(token)
    assert result.verdict == Verdict.VALID, result.checks
    assert not result.issuer_known
    assert result.summary()["issuer"]["name"] == "Autre école"


def test_foreign_did_web_credential_resolved_with_a_short_timeout(monkeypatch):
    private_key = Ed25519PrivateKey.generate()
    did = "did:web:autre.example.org"
    token, _ = foreign_token(issuer_id=did, private_key=private_key)
    document = build_did_document(did, [("key-1", public_jwk_from_pem(public_pem_of(private_key)))])
    fetched = []

    def fake_download(url):
        fetched.append(url)
        return json.dumps(document).encode()

    monkeypatch.setattr(verification, "download_file", fake_download)
    assert verify_submission(token).verdict == Verdict.VALID
    assert fetched == ["https://autre.example.org/.well-known/did.json"]

    def slow_download(url):
        import time

        time.sleep(1)
        return b"{}"

    monkeypatch.setattr(verification, "download_file", slow_download)
    monkeypatch.setitem(verification.settings.CREDENTIALS, "FETCH_TIMEOUT", 0.05)
    result = verify_submission(token)
    assert result.verdict == Verdict.UNKNOWN_ISSUER
    assert "did not answer" in result.detail


def test_unknown_issuer():
    token, _ = foreign_token(issuer_id="https://inconnue.example.org/issuer")
    result = verify_submission(token)
    assert result.verdict == Verdict.UNKNOWN_ISSUER
    assert "did:key and did:web" in result.detail


def test_status_list_that_cannot_be_fetched(monkeypatch):
    def unreachable(url):
        raise OSError("connection refused")

    monkeypatch.setattr(verification, "download_file", unreachable)
    token, _ = foreign_token(status_url="https://autre.example.org/status/1")
    result = verify_submission(token)
    assert result.verdict == Verdict.STATUS_UNKNOWN
    assert not result.is_valid


@pytest.mark.parametrize(
    ("data", "verdict"),
    [
        ("", Verdict.INVALID),
        ("bonjour", Verdict.INVALID),
        ('{"hello": "world"}', Verdict.INVALID),
        ("[1, 2, 3]", Verdict.INVALID),
        ('{"unterminated": ', Verdict.INVALID),
        ("[" * 100000 + "]" * 100000, Verdict.INVALID),
        ("a.b.c", Verdict.ALTERED),
        (_b64({"alg": "none"}) + "." + _b64({"type": ["VerifiableCredential"]}) + ".", Verdict.INVALID),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, Verdict.INVALID),
        (b"\xff\xfe\x00garbage", Verdict.INVALID),
        ("<svg xmlns='http://www.w3.org/2000/svg'></svg>", Verdict.INVALID),
        ("<svg", Verdict.INVALID),
        (
            '{"@context": [], "type": ["VerifiableCredential", "OpenBadgeCredential"], "proof": {}}',
            Verdict.UNSUPPORTED,
        ),
        (
            '{"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:key:z6Mk"}',
            Verdict.INVALID,
        ),
        ("x" * (600 * 1024), Verdict.INVALID),
    ],
)
def test_bad_input_gets_a_clear_verdict(data, verdict):
    result = verify_submission(data)
    assert result.verdict == verdict
    assert not result.is_valid
    assert result.detail or result.verdict == Verdict.UNSUPPORTED


def test_alg_none_and_hmac_tokens_are_not_valid(institution, student):
    credential = issue(holder=student, institution=institution)
    header, payload, _ = credential.token.split(".")
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + payload + "."
    assert verify_submission(unsigned).verdict == Verdict.ALTERED
    hmac = _b64({"alg": "HS256", "typ": "JWT"}) + "." + payload + ".c2lnbmF0dXJl"
    assert verify_submission(hmac).verdict == Verdict.ALTERED


def test_baked_images_carry_the_credential(institution, student):
    credential = issue(holder=student, institution=institution)
    png = baked_png(credential)
    assert b"iTXtopenbadgecredential" in png
    assert verify_submission(png).verdict == Verdict.VALID
    svg = baked_svg(credential)
    assert b"openbadges:credential" in svg and b"https://purl.imsglobal.org/ob/v3p0" in svg
    assert verify_submission(svg).verdict == Verdict.VALID
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/vc+jwt," + credential.token,
    }
    assert verify_submission(json.dumps(enveloped)).verdict == Verdict.VALID


def test_status_lists_are_found_after_the_site_url_changed(settings, institution, student):
    credential = issue(holder=student, institution=institution)
    settings.SITE_URL = "https://parcours.example.org"
    assert verify_credential(credential).verdict == Verdict.VALID
    assert verify_submission(credential.token).verdict == Verdict.VALID
