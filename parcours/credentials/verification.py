"""Verify: any Open Badges 3.0 credential (ours or another issuer's) becomes a verdict with its checks.

The order is: read the input (JWT, JSON, baked PNG/SVG) → resolve the issuer's key (our database for our
issuers, did:key offline, did:web over HTTPS with a short timeout) → signature → openbadgeslib's structure
and validity checks → the official JSON schema → the status lists (revocation, suspension). Every failure
becomes a verdict; nothing here raises to the caller, and nothing but a complete pass says "valid".
"""

from __future__ import annotations

import base64
import binascii
import concurrent.futures
import hashlib
import json
import re
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from jwt.api_jws import PyJWS
from openbadgeslib.errors import LibOpenBadgesException
from openbadgeslib.keys import KeyType, detect_key_type
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier, decode_encoded_list
from openbadgeslib.ob3.credential import OpenBadgeCredential
from openbadgeslib.ob3.did import fetch_did_web_document, pem_for_kid, resolve_did
from openbadgeslib.util import download_file

from . import contexts
from .compose import JWT_CLAIMS
from .enums import CredentialStatus, Verdict
from .models import Credential, IssuerKey, StatusList

LEEWAY = timedelta(seconds=60)
JWT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ENVELOPE_PREFIX = "data:application/vc+jwt,"
OB_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
ALGORITHMS = {
    KeyType.ED25519: ["EdDSA"],
    KeyType.ECC: ["ES256", "ES384", "ES512"],
    KeyType.RSA: ["RS256", "RS384", "RS512"],
}
STATUS_PATH = re.compile(r"/credentials/status/(?P<id>[0-9a-f-]{36})$")

#: Downloads of other issuers' documents run here, so that a slow host costs a verdict, not a worker.
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="credentials-fetch")

CHECK_LABELS: dict[str, str | Promise] = {
    "format": _("Readable credential"),
    "issuer": _("Issuer identified"),
    "signature": _("Signature"),
    "structure": _("Open Badges 3.0 structure"),
    "schema": _("Official JSON schema"),
    "expiry": _("Validity dates"),
    "status": _("Revocation and suspension"),
}


@dataclass
class Check:
    code: str
    ok: bool | None  # None: not checked
    detail: str = ""

    @property
    def label(self):
        return CHECK_LABELS[self.code]


@dataclass
class Verification:
    verdict: Verdict
    checks: list[Check] = field(default_factory=list)
    payload: dict[str, Any] | None = None
    credential: Credential | None = None
    issuer_id: str = ""
    issuer_known: bool = False
    status_reason: str = ""
    status_changed_at: datetime | None = None

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def content_trusted(self) -> bool:
        """Whether the issuer's signature covers what the credential says (otherwise it must not be shown)."""
        return any(c.code == "signature" and c.ok for c in self.checks)

    @property
    def detail(self) -> str:
        failed = [c.detail for c in self.checks if c.ok is False and c.detail]
        return failed[0] if failed else ""

    def summary(self) -> dict[str, Any]:
        return summarize(self.payload) if self.payload else {}

    def as_dict(self) -> dict[str, Any]:
        summary = {k: v for k, v in self.summary().items() if not k.endswith("_date")}
        if not self.content_trusted:
            summary = {}
        return {
            "verdict": self.verdict.value,
            "label": str(self.verdict.label),
            "valid": self.is_valid,
            "detail": self.detail,
            "checks": [{"code": c.code, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "issuer": {"id": self.issuer_id, "known": self.issuer_known, **summary.get("issuer", {})},
            "credential": {k: v for k, v in summary.items() if k != "issuer"} or None,
            "status": {
                "reason": self.status_reason,
                "changed_at": self.status_changed_at.isoformat() if self.status_changed_at else None,
            }
            if self.status_reason or self.status_changed_at
            else None,
        }


def _fail(verdict: Verdict, checks: list[Check], code: str, detail: str, **extra) -> Verification:
    return Verification(verdict, [*checks, Check(code, False, detail)], **extra)


# ── fetching ────────────────────────────────────────────────────────────────


def remote_download(url: str) -> bytes:
    """Download another issuer's document (HTTPS only, public hosts only, size-capped by openbadgeslib)."""
    future = _pool.submit(download_file, url)
    try:
        return future.result(timeout=settings.CREDENTIALS["FETCH_TIMEOUT"])
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise TimeoutError(
            f"{url} did not answer within {settings.CREDENTIALS['FETCH_TIMEOUT']:g} s"
        ) from None


class Fetcher:
    """Serves our own status lists from the database and downloads the others, once per verification."""

    def __init__(self) -> None:
        self.cache: dict[str, bytes] = {}
        self.known: dict[str, StatusList] = {}

    def prime(self, credential: Credential) -> None:
        """Remember the status lists of one of our credentials (already loaded with it)."""
        from .statuslists import status_list_url

        for status_list in (credential.revocation_list, credential.suspension_list):
            self.known[status_list_url(status_list)] = status_list

    def local_status_list(self, url: str) -> StatusList | None:
        """One of our lists, matched by its path whatever the host (SITE_URL may have changed since issuance);
        a list served for someone else's credential fails the issuer check of its signature anyway."""
        if url in self.known:
            return self.known[url]
        match = STATUS_PATH.search(urlsplit(url).path)
        if match is None:
            return None
        known = {str(s.public_id): s for s in self.known.values()}
        return known.get(match["id"]) or StatusList.objects.filter(public_id=match["id"]).first()

    def __call__(self, url: str) -> bytes:
        if url not in self.cache:
            status_list = self.local_status_list(url)
            if status_list is not None:
                from .statuslists import status_list_token

                self.cache[url] = status_list_token(status_list).encode()
            else:
                self.cache[url] = remote_download(url)
        return self.cache[url]


# ── reading the input ───────────────────────────────────────────────────────


@dataclass
class Submission:
    token: str = ""
    document: dict[str, Any] | None = None


class UnreadableInput(ValueError):
    def __init__(self, verdict: Verdict, message: str) -> None:
        super().__init__(message)
        self.verdict = verdict


def read_submission(data: bytes | str) -> Submission:
    """Turn what a visitor pasted or uploaded into a token or a JSON document."""
    limit = settings.CREDENTIALS["MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        raise UnreadableInput(
            Verdict.INVALID, f"The input is larger than {limit // 1024} KiB: it is not a credential."
        )
    if isinstance(data, bytes):
        if data.startswith(PNG_MAGIC):
            try:
                return Submission(token=OB3Verifier.extract_token_from_png(data).strip())
            except (LibOpenBadgesException, ValueError) as exc:
                raise UnreadableInput(
                    Verdict.INVALID, f"No Open Badges 3.0 credential in this PNG image ({exc})."
                ) from exc
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableInput(
                Verdict.INVALID, "The file is neither text (JWT, JSON) nor a PNG or SVG badge image."
            ) from None
    text = data.strip().lstrip("\ufeff")
    if not text:
        raise UnreadableInput(Verdict.INVALID, "Nothing to verify: paste a credential or choose a file.")
    if text.startswith("<"):
        try:
            extracted = OB3Verifier.extract_token_from_svg(text.encode())
        except (LibOpenBadgesException, ValueError) as exc:
            raise UnreadableInput(
                Verdict.INVALID, f"No Open Badges 3.0 credential in this SVG image ({exc})."
            ) from exc
        return read_submission(extracted)
    if text.startswith(("{", "[")):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise UnreadableInput(Verdict.INVALID, f"This is not valid JSON ({str(exc)[:120]}).") from None
        if not isinstance(document, dict):
            raise UnreadableInput(Verdict.INVALID, "This JSON is not a credential (an object is expected).")
        envelope = document.get("id")
        if isinstance(envelope, str) and envelope.startswith(ENVELOPE_PREFIX):
            return Submission(token=envelope.removeprefix(ENVELOPE_PREFIX))
        return Submission(document=document)
    if JWT_RE.match(text):
        return Submission(token=text)
    raise UnreadableInput(
        Verdict.INVALID,
        "This is not a credential: expected a VC-JWT, a JSON credential or a baked PNG/SVG badge.",
    )


# ── verifying ───────────────────────────────────────────────────────────────


def _issuer_of(payload: dict[str, Any]) -> str:
    issuer = payload.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str):
        issuer = payload.get("iss")
    return issuer if isinstance(issuer, str) else ""


def _types(payload: dict[str, Any]) -> set[str]:
    value = payload.get("type", [])
    value = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {t for t in value if isinstance(t, str)}


def _subject_id(payload: dict[str, Any]) -> Any:
    subject = payload.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    return subject.get("id") if isinstance(subject, dict) else None


# ── tokens and signatures ───────────────────────────────────────────────────


class BadToken(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes
    text: str


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def parse_token(text: str) -> Token:
    """Split a compact JWS and decode its header and payload (no signature check)."""
    if not JWT_RE.match(text):
        raise BadToken("not a compact JWS (three base64url segments)")
    head, body, signature = text.split(".")
    try:
        header = json.loads(_b64decode(head))
        payload = json.loads(_b64decode(body))
        raw_signature = _b64decode(signature)
    except (ValueError, binascii.Error, RecursionError, UnicodeDecodeError) as exc:
        raise BadToken(f"undecodable segment ({exc.__class__.__name__})") from None
    if not isinstance(header, dict):
        raise BadToken("the JOSE header is not an object")
    return Token(header, payload, f"{head}.{body}".encode(), raw_signature, text)


@lru_cache(maxsize=128)
def _load_public_key(pem: str | bytes):
    data = pem.encode() if isinstance(pem, str) else pem
    return serialization.load_pem_public_key(data)


def check_signature(token: Token, pem: str | bytes) -> None:
    """Raise BadToken unless the token is signed by ``pem`` with the algorithm of its key type."""
    alg = token.header.get("alg")
    try:
        key = _load_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise BadToken(f"unusable public key ({exc})") from None
    if isinstance(key, Ed25519PublicKey):
        if alg != "EdDSA":
            raise BadToken(f"algorithm {alg!r} is not allowed for an Ed25519 key")
        try:
            key.verify(token.signature, token.signing_input)
        except InvalidSignature:
            raise BadToken("invalid signature") from None
        return
    try:  # EC and RSA issuers: PyJWT, with the algorithms pinned to the key type
        PyJWS().decode_complete(token.text, key=pem, algorithms=ALGORITHMS[detect_key_type(pem)])
    except Exception as exc:  # noqa: BLE001
        raise BadToken(str(exc)) from None


# ── issuers ─────────────────────────────────────────────────────────────────


@dataclass
class ResolvedKey:
    pem: str | bytes
    known: bool
    status_pem: str | bytes  # the key that signs the issuer's status lists


class IssuerNotResolved(Exception):
    pass


class KeyMismatch(Exception):
    pass


_KEY_TTL = 60.0
_our_keys: dict[str, tuple[float, list[tuple[str, str]]]] = {}


def _keys_of(issuer_id: str, kid: str | None) -> list[tuple[str, str]]:
    """(kid, public PEM) of our keys for an identifier, active first; cached a minute, reloaded on a miss."""
    cached = _our_keys.get(issuer_id)
    now = time.monotonic()
    if cached and now - cached[0] < _KEY_TTL and (kid is None or any(k == kid for k, _ in cached[1])):
        return cached[1]
    rows = IssuerKey.objects.filter(issuer_did=issuer_id).values_list("kid", "public_pem", "retired_at", "id")
    keys = [(k, pem) for k, pem, _retired, _id in sorted(rows, key=lambda r: (r[2] is not None, -r[3]))]
    if keys:
        _our_keys[issuer_id] = (now, keys)
    return keys


def resolve_key(issuer_id: str, kid: str | None, fetch) -> ResolvedKey:
    ours = _keys_of(issuer_id, kid)
    if ours:
        chosen = [pem for k, pem in ours if k == kid] if kid else [ours[0][1]]
        if not chosen:
            raise KeyMismatch(f"The key {kid} named in the token is not a key of {issuer_id}.")
        return ResolvedKey(chosen[0], True, ours[0][1])
    if issuer_id.startswith("did:key:"):
        try:
            pem = resolve_did(issuer_id)
        except (OB3VerificationError, ValueError) as exc:
            raise IssuerNotResolved(str(exc)) from exc
        return ResolvedKey(pem, False, pem)
    if issuer_id.startswith("did:web:"):
        try:
            document = fetch_did_web_document(issuer_id, fetch)
            return ResolvedKey(pem_for_kid(document, issuer_id, kid), False, pem_for_kid(document, issuer_id))
        except (OB3VerificationError, ValueError, AttributeError, TypeError) as exc:
            raise IssuerNotResolved(str(exc)) from exc
    raise IssuerNotResolved(
        f"The issuer {issuer_id or '(none)'} cannot be resolved to a public key: only did:key and did:web issuers "
        "can be verified."
    )


# ── dates ───────────────────────────────────────────────────────────────────


def _moment(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _expired(payload: dict[str, Any], now: datetime) -> bool:
    for field_name in ("validUntil", "expirationDate", "exp"):
        moment = _moment(payload.get(field_name))
        if moment is not None and moment < now - LEEWAY:
            return True
    return False


def _not_yet_valid(payload: dict[str, Any], now: datetime) -> bool:
    for field_name in ("validFrom", "issuanceDate", "nbf"):
        moment = _moment(payload.get(field_name))
        if moment is not None and moment > now + LEEWAY:
            return True
    return False


# ── status lists ────────────────────────────────────────────────────────────


class StatusProblem(Exception):
    pass


_lists: OrderedDict[bytes, tuple[dict[str, Any], bytes]] = OrderedDict()
_LISTS_KEPT = 256


def _entries(payload: dict[str, Any]) -> list[dict[str, Any]]:
    raw = payload.get("credentialStatus")
    if isinstance(raw, dict):
        return [raw]
    if isinstance(raw, list):
        return [e for e in raw if isinstance(e, dict)]
    return []


def suspension_entry(credential: Credential) -> dict[str, Any]:
    """The suspension entry of one of our credentials (OB 3.0 lets the credential carry only one entry)."""
    from .statuslists import status_list_url

    url = status_list_url(credential.suspension_list)
    return {
        "id": f"{url}#{credential.suspension_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": str(credential.suspension_index),
        "statusListCredential": url,
    }


def _status_list(raw: bytes, url: str, list_pem: str | bytes, issuer_id: str) -> tuple[dict[str, Any], bytes]:
    """The verified document and bitstring of a fetched status list (memoised by content and key)."""
    digest = hashlib.sha256(
        raw + b"\0" + (list_pem.encode() if isinstance(list_pem, str) else list_pem)
    ).digest()
    if digest in _lists:
        _lists.move_to_end(digest)
        return _lists[digest]
    text = raw.decode("utf-8", "replace").strip()
    try:
        token = parse_token(text)
    except BadToken:
        raise StatusProblem(f"The status list {url} is not a signed VC-JWT: it cannot be trusted.") from None
    try:
        check_signature(token, list_pem)
    except BadToken as exc:
        raise StatusProblem(f"The status list {url} is not signed by the issuer ({exc}).") from None
    document = token.payload.get("vc", token.payload) if isinstance(token.payload, dict) else None
    if not isinstance(document, dict):
        raise StatusProblem(f"The status list {url} is not a credential.")
    if _issuer_of(document) != issuer_id:
        raise StatusProblem(f"The status list {url} was published by another issuer.")
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict) or subject.get("statusSize") not in (None, 1, "1"):
        raise StatusProblem(f"The status list {url} is not a single-bit Bitstring Status List.")
    try:
        bits = decode_encoded_list(subject.get("encodedList"))
    except (ValueError, OB3VerificationError) as exc:
        raise StatusProblem(f"The status list {url} cannot be decoded ({exc}).") from None
    _lists[digest] = (document, bits)
    if len(_lists) > _LISTS_KEPT:
        _lists.popitem(last=False)
    return document, bits


def _entry_bit(entry: dict[str, Any], fetch, list_pem, issuer_id: str, now: datetime) -> tuple[str, bool]:
    types = entry.get("type")
    types = (
        {types}
        if isinstance(types, str)
        else {t for t in types if isinstance(t, str)}
        if isinstance(types, list)
        else set()
    )
    if not types & {"BitstringStatusListEntry", "StatusList2021Entry"}:
        raise StatusProblem(f"Unsupported credentialStatus type {entry.get('type')!r}.")
    purpose = entry.get("statusPurpose", "revocation")
    url = entry.get("statusListCredential")
    if not isinstance(purpose, str) or not isinstance(url, str) or not url:
        raise StatusProblem("The credentialStatus entry is incomplete.")
    if entry.get("statusSize") not in (None, 1, "1"):
        raise StatusProblem("Only single-bit status entries are supported.")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError, OverflowError):
        raise StatusProblem(f"Invalid statusListIndex {entry.get('statusListIndex')!r}.") from None
    try:
        raw = fetch(url)
    except Exception as exc:  # noqa: BLE001 - network, TLS, size cap, timeout: all mean "cannot check"
        raise StatusProblem(f"The status list {url} cannot be fetched ({exc}).") from None
    document, bits = _status_list(raw, url, list_pem, issuer_id)
    until, since = _moment(document.get("validUntil")), _moment(document.get("validFrom"))
    if (until is not None and until < now - LEEWAY) or (since is not None and since > now + LEEWAY):
        raise StatusProblem(f"The status list {url} is outside its validity period.")
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    declared = subject.get("statusPurpose")
    declared = declared if isinstance(declared, list) else [declared]
    if purpose not in declared:
        raise StatusProblem(f"The status list {url} is not a {purpose} list.")
    if not 0 <= index < len(bits) * 8:
        raise StatusProblem(f"statusListIndex {index} is outside the status list.")
    return purpose, bool(bits[index // 8] & (0x80 >> (index % 8)))


# ── the pipeline ────────────────────────────────────────────────────────────

#: Schema results by the digest of the signed content: the same bytes always give the same answer.
_schema_results: dict[bytes, list[str] | None] = {}
_SCHEMA_RESULTS_KEPT = 4096


class CredentialVerifier:
    """Verify a VC-JWT. Subclasses may resolve keys and status lists differently (the benchmark does)."""

    def __init__(self, fetch=None, credential: Credential | None = None) -> None:
        self.fetch = fetch or Fetcher()
        self.known_credential = credential

    def resolve_key(self, issuer_id: str, kid: str | None) -> ResolvedKey:
        return resolve_key(issuer_id, kid, self.fetch)

    def local_credential(self, payload: dict[str, Any], issuer_id: str) -> Credential | None:
        credential_id = payload.get("id") or payload.get("jti")
        if not isinstance(credential_id, str) or not credential_id.startswith("urn:uuid:"):
            return None
        try:
            public_id = uuid.UUID(credential_id.removeprefix("urn:uuid:"))
        except ValueError:
            return None
        known = self.known_credential
        if known is not None and known.public_id == public_id:
            return known
        try:
            return (
                Credential.objects.select_related("holder", "revocation_list", "suspension_list")
                .defer("document", "token", "achievement", "data_integrity")
                .get(public_id=public_id, issuer_key__issuer_did=issuer_id)
            )
        except Credential.DoesNotExist:
            return None

    def schema_errors(self, document: dict[str, Any], token: Token) -> list[str] | None:
        digest = hashlib.sha256(token.signing_input).digest()
        if digest in _schema_results:
            return _schema_results[digest]
        errors = contexts.schema_errors(document)
        _schema_results[digest] = errors
        if len(_schema_results) > _SCHEMA_RESULTS_KEPT:
            _schema_results.pop(next(iter(_schema_results)))
        return errors

    def check_status(
        self, payload, extra, resolved: ResolvedKey, issuer_id: str, now
    ) -> tuple[Verdict | None, Check]:
        entries = _entries(payload) + extra
        if not entries:
            return None, Check(
                "status", None, "This credential has no status list: its revocation cannot be checked."
            )
        flags: dict[str, bool] = {}
        problems: list[str] = []
        for entry in entries:
            try:
                purpose, is_set = _entry_bit(entry, self.fetch, resolved.status_pem, issuer_id, now)
            except StatusProblem as exc:
                problems.append(str(exc)[:300])
                continue
            except Exception as exc:  # noqa: BLE001 - a hostile list must not crash the page
                problems.append(f"The status list could not be read ({exc.__class__.__name__}).")
                continue
            flags[purpose] = flags.get(purpose, False) or is_set
        if flags.get("revocation"):
            return Verdict.REVOKED, Check("status", False, "The issuer has revoked this credential.")
        if flags.get("suspension"):
            return Verdict.SUSPENDED, Check("status", False, "The issuer has suspended this credential.")
        if problems:
            return Verdict.STATUS_UNKNOWN, Check("status", False, problems[0])
        return None, Check("status", True)

    def verify(self, text: str) -> Verification:
        checks: list[Check] = []
        try:
            token = parse_token(text)
        except BadToken as exc:
            return _fail(
                Verdict.ALTERED,
                checks,
                "format",
                f"The token cannot be read: it is truncated or altered ({exc}).",
            )
        payload = token.payload
        if not isinstance(payload, dict) or not (OB_TYPES & _types(payload)):
            return _fail(
                Verdict.INVALID, checks, "format", "This token is not an Open Badges 3.0 credential."
            )
        if "VerifiableCredential" not in _types(payload):
            return _fail(
                Verdict.INVALID, checks, "format", "The credential type must include VerifiableCredential."
            )
        checks.append(Check("format", True))

        issuer_id = _issuer_of(payload)
        kid = token.header.get("kid") if isinstance(token.header.get("kid"), str) else None
        extra: dict[str, Any] = {"payload": payload, "issuer_id": issuer_id}
        try:
            resolved = self.resolve_key(issuer_id, kid)
        except KeyMismatch as exc:
            return _fail(Verdict.ALTERED, [*checks, Check("issuer", True)], "signature", str(exc), **extra)
        except IssuerNotResolved as exc:
            return _fail(Verdict.UNKNOWN_ISSUER, checks, "issuer", str(exc)[:300], **extra)
        checks.append(Check("issuer", True))
        extra["issuer_known"] = resolved.known

        try:
            check_signature(token, resolved.pem)
        except BadToken as exc:
            detail = f"The signature does not match: the credential was altered ({exc})."
            return _fail(Verdict.ALTERED, checks, "signature", detail, **extra)
        checks.append(Check("signature", True))

        problem = _claims_problem(payload, issuer_id)
        if problem is None:
            try:
                model = OpenBadgeCredential.from_jwt_payload(payload)
            except (KeyError, ValueError, TypeError, OverflowError, AttributeError) as exc:
                problem = f"Malformed credential: {exc}"
            else:
                del model
        if problem:
            return _fail(Verdict.INVALID, checks, "structure", problem[:300], **extra)
        checks.append(Check("structure", True))

        errors = self.schema_errors({k: v for k, v in payload.items() if k not in JWT_CLAIMS}, token)
        if errors:
            return _fail(Verdict.INVALID, checks, "schema", "; ".join(errors), **extra)
        checks.append(
            Check("schema", None, "jsonschema is not installed") if errors is None else Check("schema", True)
        )

        now = datetime.now(UTC)
        if _not_yet_valid(payload, now):
            return _fail(Verdict.INVALID, checks, "expiry", "The credential is not valid yet.", **extra)
        expired = _expired(payload, now)
        checks.append(Check("expiry", not expired, "The credential has expired." if expired else ""))

        credential = self.local_credential(payload, issuer_id) if resolved.known else None
        entries = []
        if credential is not None:
            entries.append(suspension_entry(credential))
            if isinstance(self.fetch, Fetcher):
                self.fetch.prime(credential)
        status_verdict, status_check = self.check_status(payload, entries, resolved, issuer_id, now)
        checks.append(status_check)

        result = Verification(Verdict.VALID, checks, credential=credential, **extra)
        if credential is not None and credential.status != CredentialStatus.ACTIVE:
            result.status_reason = credential.status_reason
            result.status_changed_at = credential.status_changed_at
            recorded = Verdict.REVOKED if credential.status == CredentialStatus.REVOKED else Verdict.SUSPENDED
            status_verdict = _worst(status_verdict, recorded)
        if status_verdict in (Verdict.REVOKED, Verdict.SUSPENDED):
            result.verdict = status_verdict
        elif expired:
            result.verdict = Verdict.EXPIRED
        elif status_verdict is not None:
            result.verdict = status_verdict
        return result


def _claims_problem(payload: dict[str, Any], issuer_id: str) -> str | None:
    """The registered claims of a VC-JWT must agree with the credential (OB 3.0 §8.2.4.1)."""
    if payload.get("iss") is None:
        return "The JWT has no 'iss' claim."
    if payload.get("iss") != issuer_id:
        return "The JWT 'iss' claim does not match the credential issuer."
    if payload.get("nbf") is None:
        return "The JWT has no 'nbf' claim."
    subject_id = _subject_id(payload)
    if subject_id is not None and payload.get("sub") != subject_id:
        return "The JWT 'sub' claim does not match the credential subject."
    if payload.get("id") is not None and payload.get("jti") != payload.get("id"):
        return "The JWT 'jti' claim does not match the credential id."
    return None


_ORDER = [Verdict.REVOKED, Verdict.SUSPENDED, Verdict.STATUS_UNKNOWN]


def _worst(a: Verdict | None, b: Verdict | None) -> Verdict | None:
    candidates = [v for v in (a, b) if v is not None]
    return min(candidates, key=_ORDER.index) if candidates else None


def verify_token(token: str, *, fetch: Fetcher | None = None) -> Verification:
    return CredentialVerifier(fetch).verify(token)


def verify_document(document: dict[str, Any], *, fetch: Fetcher | None = None) -> Verification:
    """A JSON credential: ours (matched by id and compared with what we signed), or one with a proof."""
    if not (OB_TYPES & _types(document)):
        return Verification(
            Verdict.INVALID, [Check("format", False, "This JSON is not an Open Badges 3.0 credential.")]
        )
    issuer_id = _issuer_of(document)
    credential = CredentialVerifier(fetch).local_credential(document, issuer_id) if issuer_id else None
    if credential is not None and "proof" not in document:
        stored = {k: v for k, v in credential.document.items() if k not in JWT_CLAIMS}
        given = {k: v for k, v in document.items() if k not in JWT_CLAIMS}
        if stored != given:
            return Verification(
                Verdict.ALTERED,
                [
                    Check("format", True),
                    Check("issuer", True),
                    Check("signature", False, "This JSON differs from the credential the school signed."),
                ],
                payload=document,
                issuer_id=issuer_id,
                issuer_known=True,
            )
        return verify_token(credential.token, fetch=fetch)
    if "proof" in document:
        return Verification(
            Verdict.UNSUPPORTED,
            [
                Check("format", True),
                Check(
                    "signature",
                    None,
                    "Credentials secured with a Data Integrity proof cannot be checked on this server yet: ask the holder for the VC-JWT form.",
                ),
            ],
            payload=document,
            issuer_id=issuer_id,
        )
    return Verification(
        Verdict.INVALID,
        [
            Check("format", True),
            Check(
                "signature", False, "This credential carries no proof (no signature): it cannot be trusted."
            ),
        ],
        payload=document,
        issuer_id=issuer_id,
    )


def verify_submission(data: bytes | str, *, fetch: Fetcher | None = None) -> Verification:
    """Verify whatever a visitor or a machine sent. Never raises."""
    try:
        submission = read_submission(data)
        if submission.token:
            return verify_token(submission.token, fetch=fetch)
        return verify_document(submission.document or {}, fetch=fetch)
    except UnreadableInput as exc:
        return Verification(exc.verdict, [Check("format", False, str(exc))])
    except Exception as exc:  # noqa: BLE001 - the last guard: a verdict, never a 500
        return Verification(
            Verdict.INVALID,
            [Check("format", False, f"This input cannot be verified ({exc.__class__.__name__}).")],
        )


def verify_credential(credential: Credential) -> Verification:
    """Verify one of our credentials now, as a verifier would (signature, issuer, status lists, expiry, schema)."""
    fresh = (
        Credential.objects.select_related("revocation_list", "suspension_list")
        .only(
            "status",
            "status_reason",
            "status_changed_at",
            "hidden",
            "is_current",
            "revocation_list",
            "suspension_list",
        )
        .get(pk=credential.pk)
    )
    for name in ("status", "status_reason", "status_changed_at", "hidden", "is_current"):
        setattr(credential, name, getattr(fresh, name))
    credential.revocation_list, credential.suspension_list = fresh.revocation_list, fresh.suspension_list
    result = CredentialVerifier(credential=credential).verify(credential.token)
    if result.credential is None:
        result.credential = credential
    return result


# ── what the page shows ─────────────────────────────────────────────────────


def summarize(payload: dict[str, Any]) -> dict[str, Any]:
    """The human-readable content of a credential (never anything the issuer did not sign)."""

    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    subject = payload.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = payload.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": text(issuer)}
    levels = {}
    for description in achievement.get("resultDescription") or []:
        if isinstance(description, dict):
            for level in description.get("rubricCriterionLevel") or []:
                if isinstance(level, dict):
                    levels[level.get("id")] = text(level.get("name"))
    results = []
    for result in subject.get("result") or []:
        if isinstance(result, dict):
            results.append(
                levels.get(result.get("achievedLevel"))
                or text(result.get("value"))
                or text(result.get("status"))
            )
    alignments = []
    raw_alignments = achievement.get("alignment") or []
    for alignment in raw_alignments if isinstance(raw_alignments, list) else [raw_alignments]:
        if isinstance(alignment, dict):
            alignments.append(
                {
                    "name": text(alignment.get("targetName")),
                    "url": text(alignment.get("targetUrl")),
                    "code": text(alignment.get("targetCode")),
                    "framework": text(alignment.get("targetFramework")),
                    "is_esco": text(alignment.get("targetFramework")) == "ESCO",
                }
            )
    criteria = achievement.get("criteria") if isinstance(achievement.get("criteria"), dict) else {}
    credits = achievement.get("creditsAvailable")
    image = issuer.get("image")
    return {
        "id": text(payload.get("id")),
        "name": text(achievement.get("name")) or text(payload.get("name")),
        "description": text(achievement.get("description")),
        "criteria": text(criteria.get("narrative")),
        "achievement_type": text(achievement.get("achievementType")),
        "level": ", ".join(r for r in results if r),
        "credits": credits if isinstance(credits, int | float) and not isinstance(credits, bool) else None,
        "alignments": alignments,
        "valid_from": text(payload.get("validFrom")),
        "valid_until": text(payload.get("validUntil")),
        "awarded": text(payload.get("awardedDate")),
        "valid_from_date": _moment(payload.get("validFrom")),
        "valid_until_date": _moment(payload.get("validUntil")),
        "issuer": {
            "name": text(issuer.get("name")),
            "url": text(issuer.get("url")),
            "image": text(image.get("id")) if isinstance(image, dict) else text(image),
        },
    }
